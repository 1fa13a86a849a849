package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/sessions-app/sessions/backend/conversations"
	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// Transports the services are reached through, as AppInfo tells the UI.
const (
	TransportDesktop = "desktop"
	TransportServe   = "serve"
)

// Deps are what the services are built from.
type Deps struct {
	// Store and Timeline are the open library; the services never close
	// them: the caller does, after Stop.
	Store    *store.Store
	Timeline *timeline.Service
	// DataDir is where the library lives (shown in the empty state, and
	// refused as a watched folder).
	DataDir string
	// Location is the zone times are shown in; nil means time.Local.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Shell is the window (or the browser's stand-in for one); nil until
	// SetShell gives one: events then go nowhere and dialogs fail.
	Shell Shell
	// Transport is TransportDesktop (the default) or TransportServe.
	Transport string
	// Log hears about background work; nil means slog.Default().
	Log *slog.Logger
}

// Services are the narrow services the UI calls, built over one library
// and started and stopped together: Start begins the background work
// (index catch-up, model summaries, the watched folder), Stop ends it and
// every call in flight, after which the store and the index may close.
type Services struct {
	Sessions      *SessionsService
	Conversations *ConversationsService
	Imports       *ImportsService
	Summaries     *SummariesService
	Settings      *SettingsService
	Labels        *LabelsService
	Fields        *FieldsService
	Insights      *InsightsService
	Export        *ExportService
	Views         *ViewsService
	c             *core
}

// core is what every service shares.
type core struct {
	viewer
	st      *store.Store
	tl      *timeline.Service
	dataDir string
	log     *slog.Logger
	jobs    *jobs.Runner
	// index brings the search index up to date in the background.
	index *jobs.Task

	shellMu sync.RWMutex
	shell   Shell
}

// NewServices builds the services over a library. Their calls, and their
// background work once started, run under ctx: when it ends they stop.
func NewServices(ctx context.Context, d Deps) *Services {
	if d.Location == nil {
		d.Location = time.Local
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Transport == "" {
		d.Transport = TransportDesktop
	}
	c := &core{viewer: viewer{loc: d.Location, now: d.Now}, st: d.Store, tl: d.Timeline, dataDir: d.DataDir, log: d.Log,
		jobs: jobs.New(ctx, d.Log), shell: d.Shell}
	c.index = c.jobs.Task("search index update", c.catchUpIndex)
	s := &Services{c: c}
	s.Sessions = &SessionsService{c: c}
	s.Conversations = &ConversationsService{c: c, threads: conversations.New(d.Store)}
	s.Summaries = newSummariesService(c)
	s.Imports = newImportsService(c, s.Summaries)
	s.Settings = &SettingsService{c: c, transport: d.Transport, imports: s.Imports, sums: s.Summaries}
	s.Labels = &LabelsService{c: c}
	s.Fields = &FieldsService{c: c}
	s.Insights = &InsightsService{c: c}
	s.Export = &ExportService{c: c}
	s.Views = &ViewsService{c: c}
	return s
}

// SetShell gives the services their window: the desktop's is known only
// once Wails has started (OnStartup).
func (s *Services) SetShell(sh Shell) {
	s.c.shellMu.Lock()
	s.c.shell = sh
	s.c.shellMu.Unlock()
}

// Start begins the background work: the index catches up with the
// database, the summary queue is drained, the remembered folder is
// watched. It stops when ctx ends or on Stop.
func (s *Services) Start(ctx context.Context) {
	s.c.jobs.Start(ctx)
	s.c.index.Kick()
	s.Summaries.task.Kick()
	if err := s.Imports.resumeWatching(s.c.jobs.Context()); err != nil {
		s.c.log.Error("watched folder", "err", err)
	}
}

// Stop cancels every job and every call in flight and waits for them: once
// it returns nothing touches the store or the index. Safe to call twice.
func (s *Services) Stop() {
	s.c.jobs.Stop()
}

// Bindings are the services as the window binds them (Wails), the HTTP
// API routes them and the TypeScript generator reads them: every exported
// method of each is callable from the UI.
func (s *Services) Bindings() []any {
	return []any{s.Sessions, s.Conversations, s.Imports, s.Summaries, s.Settings, s.Labels, s.Fields, s.Insights, s.Export, s.Views}
}

// ImportPaths imports files, zips and folders the way the UI's ImportFiles
// does (one import at a time, then the after-import pipeline) and returns
// the report; for serve's uploads, which arrive as files on disk.
func (s *Services) ImportPaths(ctx context.Context, paths []string) (*ImportReport, error) {
	done, err := s.c.enter()
	if err != nil {
		return nil, err
	}
	defer done()
	return s.Imports.importPaths(ctx, paths)
}

// ImportDropped imports files dropped on the window in the background and
// tells the UI with an import report event.
func (s *Services) ImportDropped(paths []string) {
	s.c.jobs.Go("import of dropped files", func(ctx context.Context) {
		rep, err := s.Imports.importPaths(ctx, paths)
		if err != nil {
			if ctx.Err() == nil {
				s.c.log.Warn("import of dropped files failed", "err", err)
			}
			return
		}
		s.c.emit(EventImportReport, rep)
	})
}

// commandConfig is a Config whose commands run against this library as
// it is open (the CLI's commands sent over the app's local socket): open
// hands the store and index back and Close leaves them open.
func (s *Services) commandConfig() Config {
	return Config{DataDir: s.c.dataDir, shared: &backend{st: s.c.st, tl: s.c.tl, dataDir: s.c.dataDir, shared: true, app: s}}
}

// enter registers a call in flight: Stop waits for it before the store
// closes. The returned func ends it.
func (c *core) enter() (func(), error) {
	_, done, err := c.jobs.Enter()
	if err != nil {
		return nil, err
	}
	return done, nil
}

// call is enter for the UI's methods, which have no context of their own:
// it returns the services' one, which ends on Stop.
func (c *core) call() (context.Context, func(), error) {
	return c.jobs.Enter()
}

func (c *core) emit(event string, data any) {
	c.shellMu.RLock()
	sh := c.shell
	c.shellMu.RUnlock()
	if sh != nil {
		sh.Emit(event, data)
	}
}

// errNoDialogs is a Choose method called where no native dialog can open.
var errNoDialogs = errors.New("no window to open a dialog in")

func (c *core) dialogs() (Shell, error) {
	c.shellMu.RLock()
	defer c.shellMu.RUnlock()
	if c.shell == nil {
		return nil, errNoDialogs
	}
	return c.shell, nil
}

// catchUpIndex is one round of the index task: the index applies what the
// database changed, telling the UI how far it is.
func (c *core) catchUpIndex(ctx context.Context) {
	err := c.tl.Sync(ctx, c.indexProgress())
	if err != nil && ctx.Err() == nil {
		c.log.Error("search index update failed", "err", err)
	}
	c.emit(EventIndexProgress, IndexProgress{Done: true})
}

// indexProgress emits index progress, at most ~10 events a second.
func (c *core) indexProgress() func(done, total int) {
	var last time.Time
	return func(done, total int) {
		if time.Since(last) >= 100*time.Millisecond {
			c.emit(EventIndexProgress, IndexProgress{Indexed: done, Total: total})
			last = time.Now()
		}
	}
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
