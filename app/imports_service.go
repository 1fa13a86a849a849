package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/watch"
)

// SettingWatchDir is the inbox folder the app watches while open.
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

// Shell is what the services need from the window they run in: events to
// the UI and the system's file dialogs. The desktop gives Wails' runtime;
// serve gives one whose events go to the browsers and whose dialogs fail;
// the command line and tests leave it nil.
type Shell interface {
	Emit(event string, data any)
	ChooseFiles(title string) ([]string, error)
	ChooseFolder(title string) (string, error)
	// SaveFile asks where to save a file, suggesting defaultName; "" when
	// the user cancels.
	SaveFile(title, defaultName string) (string, error)
}

// ImportsService imports exported chats (picked, dropped, uploaded or
// landing in the watched folder), one import at a time, each followed by
// the after-import pipeline.
type ImportsService struct {
	c    *core
	sums *SummariesService
	// importMu makes imports one at a time, whoever asks (the UI, the
	// watcher, a drop, an upload).
	importMu sync.Mutex
	inbox    inbox
}

// inbox is the watched folder and its running watcher.
type inbox struct {
	mu     sync.Mutex
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

func newImportsService(c *core, sums *SummariesService) *ImportsService {
	return &ImportsService{c: c, sums: sums}
}

// importPaths imports files, zips and folders with the stored settings and
// runs the after-import pipeline before it returns, so that what the
// report lists is summarized and searchable; the model summaries start
// after it.
func (s *ImportsService) importPaths(ctx context.Context, paths []string) (*ImportReport, error) {
	s.importMu.Lock()
	defer s.importMu.Unlock()
	s.c.emit(EventImportBusy, true)
	defer s.c.emit(EventImportBusy, false)
	res, err := importer.New(s.c.st, importer.Options{Location: s.c.importZone(ctx)}).ImportPaths(ctx, paths)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	rep := buildReport(res)
	if ctx.Err() != nil {
		return &rep, nil // cancelled: what was imported catches up at the next start
	}
	after := jobs.AfterImport{Store: s.c.st, Timeline: s.c.tl, IndexProgress: s.c.indexProgress(), Upgrade: s.sums.upgrade}
	if err := after.Run(ctx); err != nil && ctx.Err() == nil {
		// The import is saved; its summaries and index catch up at the
		// next start, or the next import.
		s.c.log.Error("after the import", "err", err)
	}
	s.c.emit(EventIndexProgress, IndexProgress{Done: true})
	return &rep, nil
}

// ImportFiles imports the given files, zips or folders (dropped on the
// window or picked in a dialog) and returns the report.
func (s *ImportsService) ImportFiles(paths []string) (*ImportReport, error) {
	if len(paths) == 0 {
		return nil, errors.New("no files to import")
	}
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	return s.importPaths(ctx, paths)
}

// ChooseAndImport opens the system's file dialog and imports what the
// user picks; a cancelled dialog gives an empty report.
func (s *ImportsService) ChooseAndImport() (*ImportReport, error) {
	sh, err := s.c.dialogs()
	if err != nil {
		return nil, err
	}
	// The dialog is not a call in flight: closing the app must not wait
	// for the user to answer it.
	paths, err := sh.ChooseFiles("Import exported chats")
	if err != nil {
		return nil, fmt.Errorf("open file dialog: %w", err)
	}
	if len(paths) == 0 {
		return &ImportReport{Files: []ImportFileView{}}, nil
	}
	return s.ImportFiles(paths)
}

// WatchFolder returns the watched inbox folder, "" when there is none.
func (s *ImportsService) WatchFolder() string {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	return s.inbox.dir
}

// ChooseWatchFolder lets the user pick the inbox folder, remembers it and
// starts watching it. A cancelled dialog keeps the current folder.
func (s *ImportsService) ChooseWatchFolder() (string, error) {
	sh, err := s.c.dialogs()
	if err != nil {
		return "", err
	}
	dir, err := sh.ChooseFolder("Folder to watch for exports")
	if err != nil {
		return "", fmt.Errorf("open folder dialog: %w", err)
	}
	if dir == "" {
		return s.WatchFolder(), nil
	}
	if err := s.SetWatchFolder(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// SetWatchFolder remembers dir as the inbox folder and watches it; "" stops
// watching.
func (s *ImportsService) SetWatchFolder(dir string) error {
	ctx, done, err := s.c.call()
	if err != nil {
		return err
	}
	defer done()
	if dir != "" {
		if err := (watch.Config{Dir: dir}).Validate(); err != nil {
			return err
		}
		if inside(dir, s.c.dataDir) || inside(s.c.dataDir, dir) {
			return fmt.Errorf("watch %s: that folder holds the app's own data (%s); choose the folder your exports are saved to", dir, s.c.dataDir)
		}
	}
	err = s.c.st.Update(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, SettingWatchDir, dir) })
	if err != nil {
		return fmt.Errorf("remember the watched folder: %w", err)
	}
	s.startWatching(dir)
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

// startWatching replaces the running watcher (if any) with one on dir. The
// watcher is a job of the services: Stop ends it.
func (s *ImportsService) startWatching(dir string) {
	s.stopWatching()
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	s.inbox.dir = dir
	if dir == "" {
		return
	}
	ctx, cancel := context.WithCancel(s.c.jobs.Context())
	done := make(chan struct{})
	handler := &inboxHandler{s: s, inbox: importer.New(s.c.st, importer.Options{Location: s.c.importZone(ctx)}).Inbox(nil)}
	started := s.c.jobs.Go("watcher", func(context.Context) {
		defer close(done)
		if err := watch.New(watch.Config{Dir: dir}, handler, s.c.log).Run(ctx); err != nil && ctx.Err() == nil {
			s.c.log.Error("watcher stopped", "dir", dir, "err", err)
		}
	})
	if !started {
		cancel()
		return
	}
	s.inbox.cancel, s.inbox.done = cancel, done
}

// stopWatching stops the watcher and waits for it; safe to call twice.
func (s *ImportsService) stopWatching() {
	s.inbox.mu.Lock()
	cancel, done := s.inbox.cancel, s.inbox.done
	s.inbox.cancel, s.inbox.done = nil, nil
	s.inbox.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// resumeWatching starts watching the stored inbox folder, if any.
func (s *ImportsService) resumeWatching(ctx context.Context) error {
	dir, err := s.c.st.Setting(ctx, SettingWatchDir)
	if errors.Is(err, store.ErrNotFound) || dir == "" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the watched folder: %w", err)
	}
	if err := (watch.Config{Dir: dir}).Validate(); err != nil {
		// The folder may be on a disk that is not mounted now: keep the
		// setting, tell the log, open the app anyway.
		s.c.log.Warn("watched folder unavailable", "dir", dir, "err", err)
		s.inbox.mu.Lock()
		s.inbox.dir = dir
		s.inbox.mu.Unlock()
		return nil
	}
	s.startWatching(dir)
	return nil
}

// inboxHandler imports what the watcher finds, through the same lock and
// pipeline as the user's own imports, and tells the UI. Which files it
// takes is the importer's Inbox's rule.
type inboxHandler struct {
	s     *ImportsService
	inbox *importer.Inbox
}

func (h *inboxHandler) Seen(ctx context.Context, path string) (bool, error) {
	return h.inbox.Seen(ctx, path)
}

func (h *inboxHandler) Import(ctx context.Context, path string) {
	if !importer.MaybeExport(ctx, path) {
		return // a photo or a note in the inbox: not ours to report
	}
	rep, err := h.s.importPaths(ctx, []string{path})
	if err != nil {
		if ctx.Err() == nil {
			h.s.c.log.Warn("watched import failed", "path", path, "err", err)
		}
		return
	}
	if ctx.Err() == nil {
		h.s.c.emit(EventImportReport, rep)
	}
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
