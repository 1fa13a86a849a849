package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingShell is the window side of the API in tests: it keeps the
// events and answers dialogs with fixed choices.
type recordingShell struct {
	mu     sync.Mutex
	events []string
	files  []string
	folder string
}

func (r *recordingShell) Emit(event string, _ any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
}
func (r *recordingShell) ChooseFiles(string) ([]string, error) { return r.files, nil }
func (r *recordingShell) ChooseFolder(string) (string, error)  { return r.folder, nil }

func (r *recordingShell) saw(event string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if e == event {
			return true
		}
	}
	return false
}

// newTestServices are the services over an empty library in a temp dir,
// with a recording shell; cleanup stops them before the library closes.
func newTestServices(t *testing.T) (*Services, *recordingShell) {
	t.Helper()
	cfg := Config{DataDir: t.TempDir()}
	b, err := open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	shell := &recordingShell{}
	s := NewServices(context.Background(), Deps{Store: b.st, Timeline: b.tl, DataDir: cfg.DataDir, Shell: shell})
	t.Cleanup(func() {
		s.Stop()
		b.Close()
	})
	return s, shell
}

func TestChooseAndImport(t *testing.T) {
	s, shell := newTestServices(t)
	shell.files = []string{aliceFile}
	rep, err := s.Imports.ChooseAndImport()
	if err != nil || len(rep.Files) != 1 || rep.Totals.Messages != 13 || rep.Totals.Sessions != 2 {
		t.Fatalf("report = %+v, %v", rep, err)
	}
	if !shell.saw(EventImportBusy) {
		t.Fatal("no busy event")
	}
	// The after-import pipeline ran before the report came back: every
	// session has its built-in summary and a word search finds the import.
	page, err := s.Sessions.ListSessions(ListRequest{Text: "teapot"})
	if err != nil || page.Total != 2 || page.IndexPending != 0 {
		t.Fatalf("word search right after the import: %+v, %v", page, err)
	}
	for _, v := range page.Sessions {
		if v.Summary == nil || v.SummarySource == nil || *v.SummarySource != "builtin" {
			t.Errorf("session %d has no built-in summary right after the import", v.ID)
		}
	}
	shell.files = nil // the user cancels the dialog
	rep, err = s.Imports.ChooseAndImport()
	if err != nil || len(rep.Files) != 0 {
		t.Fatalf("cancelled dialog: %+v, %v", rep, err)
	}
}

func TestWatchedFolder(t *testing.T) {
	s, shell := newTestServices(t)
	if err := s.Imports.SetWatchFolder(s.c.dataDir); err == nil || !strings.Contains(err.Error(), "own data") {
		t.Fatalf("the data dir was accepted as inbox: %v", err)
	}
	inbox := t.TempDir()
	shell.folder = inbox
	got, err := s.Imports.ChooseWatchFolder()
	if err != nil || got != inbox || s.Imports.WatchFolder() != inbox {
		t.Fatalf("ChooseWatchFolder = %q, %v", got, err)
	}
	data, _ := os.ReadFile(aliceFile)
	if err := os.WriteFile(filepath.Join(inbox, "WhatsApp Chat with Alice Example.txt"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !shell.saw(EventImportReport) {
		if time.Now().After(deadline) {
			t.Fatal("the watched folder's file was never imported")
		}
		time.Sleep(50 * time.Millisecond)
	}
	page, err := s.Sessions.ListSessions(ListRequest{})
	if err != nil || page.Total != 2 {
		t.Fatalf("after the watched import: %+v, %v", page, err)
	}
	// The folder is remembered for the next start.
	if v, err := s.c.st.Setting(context.Background(), SettingWatchDir); err != nil || v != inbox {
		t.Fatalf("stored folder = %q, %v", v, err)
	}
	if err := s.Imports.SetWatchFolder(""); err != nil || s.Imports.WatchFolder() != "" {
		t.Fatalf("stop watching: %v", err)
	}
}
