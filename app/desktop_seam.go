package app

import (
	"context"
	"io/fs"
	"time"
)

// runDesktop opens the store and the desktop window over it.
func runDesktop(ctx context.Context, cfg Config, assets fs.FS) error {
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	return RunDesktop(ctx, NewAPI(b.st, b.tl, cfg.DataDir, time.Local, nil), assets)
}
