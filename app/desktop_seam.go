package app

import (
	"context"
	"io/fs"
	"time"
)

// runDesktop opens the store and the desktop window over it.
func runDesktop(ctx context.Context, cfg Config, assets fs.FS) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return RunDesktop(ctx, NewAPI(st, cfg.DataDir, time.Local, nil), assets)
}
