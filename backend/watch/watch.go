// Package watch imports the export files that land in an inbox folder: new
// or changed files in it and its subfolders, once each is complete, once per
// content, including those that arrived while the app was closed. It only
// reads the user's files; it never moves, changes or deletes them.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config says what to watch and how patient to be.
type Config struct {
	// Dir is the inbox folder.
	Dir string
	// Settle is how long a file must stay unchanged (size and modification
	// time) before it is read: a zip still being copied in is never read
	// half-written. Zero means 2 s.
	Settle time.Duration
	// Poll is how often files waiting to settle are looked at. Zero means
	// Settle/4.
	Poll time.Duration
}

// Validate checks the config.
func (c Config) Validate() error {
	if c.Dir == "" {
		return errors.New("watch: no folder given")
	}
	info, err := os.Stat(c.Dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", c.Dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("watch %s: not a folder", c.Dir)
	}
	return nil
}

// Handler is what the watcher calls: Seen asks whether a file's content
// was imported before; Import imports it. Both run on the watcher's own
// goroutine, one file at a time.
type Handler interface {
	Seen(ctx context.Context, path string) (bool, error)
	Import(ctx context.Context, path string)
}

// Watcher watches one folder tree.
type Watcher struct {
	cfg     Config
	h       Handler
	log     *slog.Logger
	pending map[string]*pendingFile
}

type pendingFile struct {
	size    int64
	mod     time.Time
	changed time.Time // when size or mod last changed
}

// New returns a watcher; Run starts it.
func New(cfg Config, h Handler, log *slog.Logger) *Watcher {
	if cfg.Settle <= 0 {
		cfg.Settle = 2 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = cfg.Settle / 4
	}
	if log == nil {
		log = slog.Default()
	}
	return &Watcher{cfg: cfg, h: h, log: log, pending: map[string]*pendingFile{}}
}

// Run watches until ctx is done. Files already in the folder are handled
// first, then every file that is created or written.
func (w *Watcher) Run(ctx context.Context) error {
	if err := w.cfg.Validate(); err != nil {
		return err
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", w.cfg.Dir, err)
	}
	defer fw.Close()
	// Watch first, then scan: a file that lands in between is seen twice,
	// never missed, and the pending map folds the two together.
	if err := w.addTree(fw, w.cfg.Dir); err != nil {
		return err
	}
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			w.event(fw, ev)
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			// An overflowing event queue loses events: rescan to catch up.
			w.log.Warn("watch: event error, rescanning", "dir", w.cfg.Dir, "err", err)
			_ = w.scan(w.cfg.Dir)
		case now := <-tick.C:
			w.settle(ctx, now)
		}
	}
}

func (w *Watcher) event(fw *fsnotify.Watcher, ev fsnotify.Event) {
	switch {
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		delete(w.pending, ev.Name)
	case ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write):
		info, err := os.Stat(ev.Name)
		if err != nil {
			return
		}
		if info.IsDir() {
			if ev.Has(fsnotify.Create) {
				// A folder moved or created here: watch it and take in
				// what it already holds.
				if err := w.addTree(fw, ev.Name); err != nil {
					w.log.Warn("watch: cannot watch folder", "dir", ev.Name, "err", err)
				}
			}
			return
		}
		w.note(ev.Name, info)
	}
}

// addTree watches dir and its subfolders and queues the files in them.
func (w *Watcher) addTree(fw *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return fmt.Errorf("watch %s: %w", dir, err)
			}
			return nil // an unreadable subfolder should not stop the rest
		}
		if d.IsDir() {
			if path != dir && ignored(d.Name()) {
				return filepath.SkipDir
			}
			if err := fw.Add(path); err != nil {
				return fmt.Errorf("watch %s: %w", path, err)
			}
			return nil
		}
		if info, err := d.Info(); err == nil {
			w.note(path, info)
		}
		return nil
	})
}

// scan queues every file under dir.
func (w *Watcher) scan(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && path != dir && ignored(d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			if info, err := d.Info(); err == nil {
				w.note(path, info)
			}
		}
		return nil
	})
}

// note records that a file exists with this size and time; a change
// restarts its wait.
func (w *Watcher) note(path string, info fs.FileInfo) {
	if !info.Mode().IsRegular() || ignored(info.Name()) {
		return
	}
	p, ok := w.pending[path]
	if !ok {
		w.pending[path] = &pendingFile{size: info.Size(), mod: info.ModTime(), changed: time.Now()}
		return
	}
	if p.size != info.Size() || !p.mod.Equal(info.ModTime()) {
		p.size, p.mod, p.changed = info.Size(), info.ModTime(), time.Now()
	}
}

// settle handles the files that have stopped changing.
func (w *Watcher) settle(ctx context.Context, now time.Time) {
	for path, p := range w.pending {
		if ctx.Err() != nil {
			return
		}
		info, err := os.Stat(path)
		if err != nil {
			delete(w.pending, path)
			continue
		}
		if info.Size() != p.size || !info.ModTime().Equal(p.mod) {
			p.size, p.mod, p.changed = info.Size(), info.ModTime(), now
			continue
		}
		if now.Sub(p.changed) < w.cfg.Settle {
			continue
		}
		delete(w.pending, path)
		seen, err := w.h.Seen(ctx, path)
		if err != nil {
			w.log.Warn("watch: cannot check file", "path", path, "err", err)
			continue
		}
		if !seen {
			w.h.Import(ctx, path)
		}
	}
}

// ignored is true for names that are never a finished export: hidden files
// and the partial files browsers and copy tools write before renaming.
func ignored(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".part", ".crdownload", ".download", ".tmp", ".partial":
		return true
	}
	return false
}
