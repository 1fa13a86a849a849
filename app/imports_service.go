package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/watch"
)

// SettingWatchDir is the inbox folder the desktop app watches while open.
const SettingWatchDir = "watch_dir"

// Event names the UI listens to.
const (
	// EventImportReport carries an ImportReport after every import the
	// user did not start by hand (the watched folder, a drop).
	EventImportReport = "import:report"
	// EventImportBusy carries true when an import starts and false when it ends.
	EventImportBusy = "import:busy"
	// EventIndexProgress carries IndexProgress while search catches up
	// with the database, and once more with Done when it has.
	EventIndexProgress = "index:progress"
)

// IndexProgress says how far the search index is behind.
type IndexProgress struct {
	Indexed int  `json:"indexed"`
	Total   int  `json:"total"`
	Done    bool `json:"done"`
}

// Shell is what the API needs from the window it runs in: events to the
// UI and the system's file dialogs. The desktop binds Wails' runtime here;
// the command line and tests leave it nil.
type Shell interface {
	Emit(event string, data any)
	ChooseFiles(title string) ([]string, error)
	ChooseFolder(title string) (string, error)
}

// inbox runs the watched folder of the desktop app.
type inbox struct {
	mu     sync.Mutex
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

func (a *API) emit(event string, data any) {
	if a.shell != nil {
		a.shell.Emit(event, data)
	}
}

// importPaths imports files, zips and folders with the stored settings, one
// import at a time whoever asks (the UI, the watcher).
func (a *API) importPaths(ctx context.Context, paths []string) (*ImportReport, error) {
	a.importMu.Lock()
	defer a.importMu.Unlock()
	a.emit(EventImportBusy, true)
	defer a.emit(EventImportBusy, false)
	res, err := importer.New(a.st, importer.Options{Location: a.loc}).ImportPaths(ctx, paths)
	if err != nil {
		return nil, err
	}
	rep := buildReport(res)
	a.catchUpIndex()
	a.summarizeInBackground()
	return &rep, nil
}

// catchUpIndex brings the search index up to date in the background,
// telling the UI how far it is; a call while one runs is folded into it.
func (a *API) catchUpIndex() {
	a.syncMu.Lock()
	if a.syncing {
		a.syncAgain = true
		a.syncMu.Unlock()
		return
	}
	a.syncing = true
	a.syncMu.Unlock()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				slog.Error("search index update panicked", "panic", p)
			}
		}()
		for {
			last := time.Time{}
			err := a.tl.Sync(a.ctx, func(done, total int) {
				if time.Since(last) >= 100*time.Millisecond { // at most ~10 events a second
					a.emit(EventIndexProgress, IndexProgress{Indexed: done, Total: total})
					last = time.Now()
				}
			})
			if err != nil && a.ctx.Err() == nil {
				slog.Error("search index update failed", "err", err)
			}
			a.syncMu.Lock()
			if !a.syncAgain || a.ctx.Err() != nil {
				a.syncing = false
				a.syncMu.Unlock()
				a.emit(EventIndexProgress, IndexProgress{Done: true})
				return
			}
			a.syncAgain = false
			a.syncMu.Unlock()
		}
	}()
}

// ImportFiles imports the given files, zips or folders (dropped on the
// window or picked in a dialog) and returns the report.
func (a *API) ImportFiles(paths []string) (*ImportReport, error) {
	if len(paths) == 0 {
		return nil, errors.New("no files to import")
	}
	return a.importPaths(a.ctx, paths)
}

// ChooseAndImport opens the system's file dialog and imports what the
// user picks; a cancelled dialog gives an empty report.
func (a *API) ChooseAndImport() (*ImportReport, error) {
	if a.shell == nil {
		return nil, errors.New("no window to open a dialog in")
	}
	paths, err := a.shell.ChooseFiles("Import exported chats")
	if err != nil {
		return nil, fmt.Errorf("open file dialog: %w", err)
	}
	if len(paths) == 0 {
		return &ImportReport{Files: []ImportFileView{}}, nil
	}
	return a.importPaths(a.ctx, paths)
}

// WatchFolder returns the watched inbox folder, "" when there is none.
func (a *API) WatchFolder() string {
	a.inbox.mu.Lock()
	defer a.inbox.mu.Unlock()
	return a.inbox.dir
}

// ChooseWatchFolder lets the user pick the inbox folder, remembers it and
// starts watching it. A cancelled dialog keeps the current folder.
func (a *API) ChooseWatchFolder() (string, error) {
	if a.shell == nil {
		return "", errors.New("no window to open a dialog in")
	}
	dir, err := a.shell.ChooseFolder("Folder to watch for exports")
	if err != nil {
		return "", fmt.Errorf("open folder dialog: %w", err)
	}
	if dir == "" {
		return a.WatchFolder(), nil
	}
	if err := a.SetWatchFolder(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// SetWatchFolder remembers dir as the inbox folder and watches it; "" stops
// watching.
func (a *API) SetWatchFolder(dir string) error {
	if dir != "" {
		if err := (watch.Config{Dir: dir}).Validate(); err != nil {
			return err
		}
		if inside(dir, a.dataDir) || inside(a.dataDir, dir) {
			return fmt.Errorf("watch %s: that folder holds the app's own data (%s); choose the folder your exports are saved to", dir, a.dataDir)
		}
	}
	err := a.st.Update(a.ctx, func(tx *store.Tx) error { return tx.SetSetting(a.ctx, SettingWatchDir, dir) })
	if err != nil {
		return err
	}
	a.startWatching(dir)
	return nil
}

// inside reports whether path is dir or lies under it.
func inside(path, dir string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// startWatching replaces the running watcher (if any) with one on dir.
func (a *API) startWatching(dir string) {
	a.stopWatching()
	a.inbox.mu.Lock()
	defer a.inbox.mu.Unlock()
	a.inbox.dir = dir
	if dir == "" {
		return
	}
	ctx, cancel := context.WithCancel(a.ctx)
	done := make(chan struct{})
	a.inbox.cancel, a.inbox.done = cancel, done
	handler := &inboxHandler{api: a, inbox: importer.New(a.st, importer.Options{Location: a.loc}).Inbox(nil)}
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				slog.Error("watcher panicked", "dir", dir, "panic", p)
			}
		}()
		if err := watch.New(watch.Config{Dir: dir}, handler, nil).Run(ctx); err != nil {
			slog.Error("watcher stopped", "dir", dir, "err", err)
		}
	}()
}

// stopWatching stops the watcher and waits for it; safe to call twice.
func (a *API) stopWatching() {
	a.inbox.mu.Lock()
	cancel, done := a.inbox.cancel, a.inbox.done
	a.inbox.cancel, a.inbox.done = nil, nil
	a.inbox.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// resumeWatching starts watching the stored inbox folder, if any.
func (a *API) resumeWatching() error {
	dir, err := a.st.Setting(a.ctx, SettingWatchDir)
	if errors.Is(err, store.ErrNotFound) || dir == "" {
		return nil
	}
	if err != nil {
		return err
	}
	if err := (watch.Config{Dir: dir}).Validate(); err != nil {
		// The folder may be on a disk that is not mounted now: keep the
		// setting, tell the log, open the app anyway.
		slog.Warn("watched folder unavailable", "dir", dir, "err", err)
		return nil
	}
	a.startWatching(dir)
	return nil
}

// importDropped imports files dropped on the window and tells the UI.
func (a *API) importDropped(paths []string) {
	rep, err := a.importPaths(a.ctx, paths)
	if err != nil {
		slog.Warn("import of dropped files failed", "err", err)
		return
	}
	a.emit(EventImportReport, rep)
}

// inboxHandler imports what the watcher finds, through the same lock as
// the user's own imports, and tells the UI. Which files it takes is the
// importer's Inbox's rule.
type inboxHandler struct {
	api   *API
	inbox *importer.Inbox
}

func (h *inboxHandler) Seen(ctx context.Context, path string) (bool, error) {
	return h.inbox.Seen(ctx, path)
}

func (h *inboxHandler) Import(ctx context.Context, path string) {
	if !importer.MaybeExport(ctx, path) {
		return // a photo or a note in the inbox: not ours to report
	}
	rep, err := h.api.importPaths(ctx, []string{path})
	if err != nil {
		slog.Warn("watched import failed", "path", path, "err", err)
		return
	}
	h.api.emit(EventImportReport, rep)
}

func buildReport(res importer.Result) ImportReport {
	report := ImportReport{Files: make([]ImportFileView, 0, len(res.Files))}
	report.Totals.Ignored = res.Ignored
	for _, f := range res.Files {
		v := ImportFileView{FileReport: f}
		if v.Skipped == nil {
			v.Skipped = []chat.Skipped{}
		}
		if f.Err != nil {
			msg := f.Err.Error()
			v.Error = &msg
		}
		switch f.Status {
		case importer.StatusFailed:
			report.Totals.Failed++
		case importer.StatusCancelled:
			report.Totals.Cancelled++
		case importer.StatusPartial:
			report.Totals.Partial++
		}
		report.Totals.Conversations += f.Conversations
		report.Totals.Messages += f.Messages
		report.Totals.Sessions += f.Sessions
		report.Totals.Duplicates += f.Duplicates
		report.Totals.Reread += f.Reread
		report.Totals.Repaired += f.Repaired
		report.Files = append(report.Files, v)
	}
	return report
}

// runWatch is `sessions watch DIR`: import what lands in DIR until stopped.
func runWatch(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("watch", &cfg)
	opts := importFlags(fset)
	settle := fset.Duration("settle", 2*time.Second, "how long a file must stay unchanged")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{errors.New("want exactly one folder to watch")}
	}
	o, err := opts()
	if err != nil {
		return err
	}
	wcfg := watch.Config{Dir: pos[0], Settle: *settle}
	if err := wcfg.Validate(); err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	imp := importer.New(b.st, o)
	inbox := imp.Inbox(func(r importer.FileReport) {
		if r.Err != nil {
			fmt.Fprintf(stderr, "sessions: %v\n", r.Err)
		}
		if err := b.runBuiltinSummaries(ctx); err != nil {
			fmt.Fprintf(stderr, "sessions: %v\n", err)
		}
		if err := b.syncIndex(ctx, stderr); err != nil {
			fmt.Fprintf(stderr, "sessions: %v\n", err)
		}
		printImportReport(stdout, buildReport(importer.Result{Files: []importer.FileReport{r}}))
	})
	fmt.Fprintf(stdout, "Watching %s (Ctrl-C to stop)\n", pos[0])
	return watch.New(wcfg, inbox, nil).Run(ctx)
}
