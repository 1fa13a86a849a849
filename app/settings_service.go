package app

import (
	"context"
	"fmt"
	"os"
	goruntime "runtime"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/resplit"
	"github.com/sessions-app/sessions/backend/sample"
	"github.com/sessions-app/sessions/backend/settings"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

// AppInfo tells the UI where the data lives, for the empty state's advice,
// and what the transport it is reached through can do.
type AppInfo struct {
	DataDir string `json:"data_dir"`
	Version string `json:"version"`
	// FileDrop says whether files dropped on the window are imported:
	// Wails 2.9 does not deliver drops on Linux (wailsapp/wails#3563).
	FileDrop bool `json:"file_drop"`
	// Transport is "desktop" (the window) or "serve" (a browser).
	Transport string `json:"transport"`
	// Dialogs says whether native file dialogs open (ChooseAndImport,
	// ChooseWatchFolder); a browser uploads files instead.
	Dialogs bool `json:"dialogs"`
}

// SettingsView is the settings page: every preference with its default
// filled in, and the defaults the empty fields stand for.
type SettingsView struct {
	Agents []string `json:"agents"`
	Bots   []string `json:"bots"`
	// SessionGap is a Go duration ("24h0m0s"); it changes with ApplyGap.
	SessionGap string `json:"session_gap"`
	// WhatsAppZone is the IANA zone WhatsApp times are read in; "" is
	// this computer's.
	WhatsAppZone      string `json:"whatsapp_zone"`
	OllamaURL         string `json:"ollama_url"`
	Model             string `json:"model"`
	AllowRemoteOllama bool   `json:"allow_remote_ollama"`
	WatchFolder       string `json:"watch_folder"`
	Theme             string `json:"theme"`
	// DefaultOllamaURL and DefaultModel are what an empty ollama_url or
	// model means (OLLAMA_HOST, else the built-in defaults).
	DefaultOllamaURL string `json:"default_ollama_url"`
	DefaultModel     string `json:"default_model"`
}

// SettingsInput changes some settings: a field left out (null) keeps its
// value, "" goes back to the default. The gap is not here: ApplyGap
// re-splits the library with it.
type SettingsInput struct {
	Agents            *[]string `json:"agents,omitempty"`
	Bots              *[]string `json:"bots,omitempty"`
	WhatsAppZone      *string   `json:"whatsapp_zone,omitempty"`
	OllamaURL         *string   `json:"ollama_url,omitempty"`
	Model             *string   `json:"model,omitempty"`
	AllowRemoteOllama *bool     `json:"allow_remote_ollama,omitempty"`
	WatchFolder       *string   `json:"watch_folder,omitempty"`
	Theme             *string   `json:"theme,omitempty"`
}

// GapPreview counts the sessions before and after a re-split with a gap,
// and how many of them change.
type GapPreview struct {
	SessionsNow   int `json:"sessions_now"`
	SessionsAfter int `json:"sessions_after"`
	Changed       int `json:"changed"`
}

// OllamaTest is what "Test connection" found.
type OllamaTest struct {
	// OK says the server answered and has the model.
	OK     bool     `json:"ok"`
	Models []string `json:"models"`
	// Message says what was found, or why not, in a sentence.
	Message string `json:"message"`
}

// SettingsService reads and changes the user's settings, re-splits the
// library with a new session gap, and loads and removes the sample data.
type SettingsService struct {
	c         *core
	transport string
	imports   *ImportsService
	sums      *SummariesService
}

// AppInfo returns facts about this installation.
func (s *SettingsService) AppInfo() AppInfo {
	desktop := s.transport == TransportDesktop
	return AppInfo{DataDir: s.c.dataDir, Version: Version, FileDrop: desktop && goruntime.GOOS != "linux",
		Transport: s.transport, Dialogs: desktop}
}

// GetSettings returns the settings.
func (s *SettingsService) GetSettings() (*SettingsView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	set, err := settings.Load(ctx, s.c.st)
	if err != nil {
		return nil, err
	}
	return s.view(set), nil
}

func (s *SettingsService) view(set settings.Settings) *SettingsView {
	def := summarize.DefaultOllamaURL
	if env := envOllamaHost(); env != "" {
		def = env
	}
	return &SettingsView{Agents: set.Agents, Bots: set.Bots, SessionGap: set.SessionGap.String(), WhatsAppZone: set.WhatsAppZone,
		OllamaURL: set.OllamaURL, Model: set.Model, AllowRemoteOllama: set.AllowRemoteOllama, WatchFolder: s.imports.WatchFolder(),
		Theme: set.Theme, DefaultOllamaURL: def, DefaultModel: summarize.DefaultModel}
}

// SaveSettings checks and stores the settings given; nothing is stored
// when one is wrong, and the error names it ("whatsapp_zone: …").
func (s *SettingsService) SaveSettings(input SettingsInput) (*SettingsView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	before, err := settings.Load(ctx, s.c.st)
	if err != nil {
		return nil, err
	}
	if input.WatchFolder != nil && *input.WatchFolder != s.imports.WatchFolder() {
		// First, as it is the one that can fail on the disk: a folder
		// that is not there leaves every other setting as it was.
		if err := s.imports.SetWatchFolder(*input.WatchFolder); err != nil {
			return nil, fmt.Errorf("watch_folder: %w", err)
		}
	}
	after, err := settings.Save(ctx, s.c.st, settings.Patch{Agents: input.Agents, Bots: input.Bots, WhatsAppZone: input.WhatsAppZone,
		OllamaURL: input.OllamaURL, Model: input.Model, AllowRemoteOllama: input.AllowRemoteOllama, Theme: input.Theme})
	if err != nil {
		return nil, err
	}
	if after.OllamaURL != before.OllamaURL || after.Model != before.Model || after.AllowRemoteOllama != before.AllowRemoteOllama {
		s.sums.upgrade() // the next summaries come from the new server or model
	}
	if after.WhatsAppZone != before.WhatsAppZone {
		if dir := s.imports.WatchFolder(); dir != "" {
			s.imports.startWatching(dir) // its importer reads times in the new zone
		}
	}
	return s.view(after), nil
}

// gapArg reads the gap argument of PreviewGap and ApplyGap.
func gapArg(gap string) (time.Duration, error) {
	d, err := resplit.ParseGap(gap)
	if err != nil {
		return 0, &settings.FieldError{Field: "session_gap", Err: err}
	}
	return d, nil
}

// PreviewGap says how many sessions a re-split with gap would change.
func (s *SettingsService) PreviewGap(gap string) (*GapPreview, error) {
	d, err := gapArg(gap)
	if err != nil {
		return nil, err
	}
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := resplit.Preview(ctx, s.c.st, d)
	if err != nil {
		return nil, err
	}
	return &GapPreview{SessionsNow: res.SessionsNow, SessionsAfter: res.SessionsAfter, Changed: res.Changed}, nil
}

// ApplyGap re-splits every conversation with gap in one transaction
// (sessions that survive keep their ids, labels and fields), makes it the
// gap of later imports, and returns once summaries and search have
// caught up.
func (s *SettingsService) ApplyGap(gap string) (*GapPreview, error) {
	d, err := gapArg(gap)
	if err != nil {
		return nil, err
	}
	var res resplit.Result
	err = s.libraryChange(func(ctx context.Context) error {
		var err error
		res, err = resplit.Apply(ctx, s.c.st, d, s.c.now().UnixMilli())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GapPreview{SessionsNow: res.SessionsNow, SessionsAfter: res.SessionsAfter, Changed: res.Changed}, nil
}

// TestOllama asks the Ollama server at url (empty: the default) for its
// models and whether it has model (empty: the saved one, else the
// default). Another machine is asked only once the user has allowed it
// (allow_remote_ollama saved with that address): the test itself would
// otherwise tell it we are here.
func (s *SettingsService) TestOllama(url, model string) (*OllamaTest, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	set, err := settings.Load(ctx, s.c.st)
	if err != nil {
		return nil, err
	}
	if url == "" {
		url = envOllamaHost()
	}
	if model == "" {
		model = set.Model
	}
	host, local, err := summarize.OllamaHost(url)
	if err != nil {
		return nil, &settings.FieldError{Field: "ollama_url", Err: err}
	}
	savedHost, _, _ := summarize.OllamaHost(set.OllamaURL)
	allowed := local || (set.AllowRemoteOllama && savedHost == host)
	if !allowed {
		return &OllamaTest{Models: []string{}, Message: fmt.Sprintf(
			"%s is another machine: tick \"Allow another machine\" and save before testing it (the conversations would be sent there)", host)}, nil
	}
	res, err := summarize.TestConnection(ctx, summarize.OllamaConfig{URL: url, Model: model, Timeout: 5 * time.Second, AllowRemote: !local})
	if err != nil {
		return nil, &settings.FieldError{Field: "ollama_url", Err: err}
	}
	if res.Models == nil {
		res.Models = []string{}
	}
	return &OllamaTest{OK: res.OK, Models: res.Models, Message: res.Message}, nil
}

// LoadSampleData writes the fictional sample library and returns once
// summaries and search have caught up; the report reads like an import's.
func (s *SettingsService) LoadSampleData() (*ImportReport, error) {
	var res sample.Result
	err := s.libraryChange(func(ctx context.Context) error {
		var err error
		res, err = sample.Load(ctx, s.c.st, sample.Options{Now: s.c.now, Location: s.c.loc})
		return err
	})
	if err != nil {
		return nil, err
	}
	rep := buildReport(importer.Result{Files: []importer.FileReport{{Path: sample.ImportPath, Format: sample.ImportFormat,
		Status: importer.StatusOK, Conversations: res.Conversations, Messages: res.Messages, Sessions: res.Sessions}}})
	// Every window (and browser) showing the timeline takes the new sessions.
	s.c.emit(EventImportReport, &rep)
	return &rep, nil
}

// RemoveSampleData takes the sample library back (none of the user's own
// data) and returns the number of sessions removed.
func (s *SettingsService) RemoveSampleData() (int, error) {
	n := 0
	err := s.libraryChange(func(ctx context.Context) error {
		var err error
		n, err = sample.Remove(ctx, s.c.st)
		return err
	})
	return n, err
}

// HasSampleData reports whether the sample library is loaded (the
// timeline then says so, with a Remove button).
func (s *SettingsService) HasSampleData() bool {
	ctx, done, err := s.c.call()
	if err != nil {
		return false
	}
	defer done()
	ok, err := sample.Has(ctx, s.c.st)
	if err != nil {
		s.c.log.Warn("look for the sample data", "err", err)
	}
	return ok
}

// libraryChange runs a change of many sessions as an import runs (one at
// a time with imports), then the after-import pipeline, so the call
// returns with summaries and search caught up.
func (s *SettingsService) libraryChange(fn func(ctx context.Context) error) error {
	ctx, done, err := s.c.call()
	if err != nil {
		return err
	}
	defer done()
	s.imports.importMu.Lock()
	defer s.imports.importMu.Unlock()
	s.c.emit(EventImportBusy, true)
	defer s.c.emit(EventImportBusy, false)
	if err := fn(ctx); err != nil {
		return err
	}
	after := jobs.AfterImport{Store: s.c.st, Timeline: s.c.tl, IndexProgress: s.c.indexProgress(), Upgrade: s.sums.upgrade}
	if err := after.Run(ctx); err != nil && ctx.Err() == nil {
		s.c.log.Error("after a library change", "err", err)
	}
	s.c.emit(EventIndexProgress, IndexProgress{Done: true})
	return nil
}

// importZone is the zone WhatsApp times are read in: the one set in
// Settings, else the app's.
func (c *core) importZone(ctx context.Context) *time.Location {
	return storedZone(ctx, c.st, c.loc)
}

// storedZone is the WhatsApp zone of the settings, else fallback.
func storedZone(ctx context.Context, st *store.Store, fallback *time.Location) *time.Location {
	z, err := st.Setting(ctx, store.SettingWhatsAppZone)
	if err != nil {
		// None set, or unreadable: the import still runs, in the app's
		// zone, as before the setting existed.
		return fallback
	}
	return settings.Zone(settings.Settings{WhatsAppZone: z}, fallback)
}

// envOllamaHost is OLLAMA_HOST, the address Ollama's own tools use.
func envOllamaHost() string { return os.Getenv("OLLAMA_HOST") }

// withZone is the CLI's zone for an import: --tz when given, else the
// WhatsApp zone set in Settings, else this machine's.
func withZone(ctx context.Context, st *store.Store, flag *time.Location) *time.Location {
	if flag != nil {
		return flag
	}
	return storedZone(ctx, st, time.Local)
}
