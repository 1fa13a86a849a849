package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/jobs"
)

func TestBindingsAndAppInfo(t *testing.T) {
	tests := []struct {
		name      string
		transport string
		want      AppInfo
	}{
		{name: "the window", transport: TransportDesktop, want: AppInfo{Transport: "desktop", Dialogs: true}},
		{name: "the default is the window", transport: "", want: AppInfo{Transport: "desktop", Dialogs: true}},
		{name: "a browser", transport: TransportServe, want: AppInfo{Transport: "serve", Dialogs: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServices(context.Background(), Deps{DataDir: "/data", Transport: tt.transport})
			defer s.Stop()
			info := s.Settings.AppInfo()
			if info.Transport != tt.want.Transport || info.Dialogs != tt.want.Dialogs || info.DataDir != "/data" || info.Version != Version {
				t.Fatalf("AppInfo = %+v, want %+v", info, tt.want)
			}
			if tt.transport == TransportServe && info.FileDrop {
				t.Fatal("a browser says window drops are imported")
			}
			var names []string
			for _, b := range s.Bindings() {
				names = append(names, reflect.TypeOf(b).Elem().Name())
			}
			want := []string{"SessionsService", "ConversationsService", "ImportsService", "SummariesService", "SettingsService", "LabelsService", "FieldsService", "InsightsService", "ExportService", "ViewsService"}
			if !reflect.DeepEqual(names, want) {
				t.Fatalf("bindings %v, want %v", names, want)
			}
		})
	}
}

// TestNoShell: without a window the dialogs say so and events go nowhere;
// a shell given later (the desktop's, in OnStartup) is used from then on.
func TestNoShell(t *testing.T) {
	s, _ := newTestServices(t)
	s.SetShell(nil)
	if _, err := s.Imports.ChooseAndImport(); !errors.Is(err, errNoDialogs) {
		t.Fatalf("ChooseAndImport without a window: %v", err)
	}
	if _, err := s.Imports.ChooseWatchFolder(); !errors.Is(err, errNoDialogs) {
		t.Fatalf("ChooseWatchFolder without a window: %v", err)
	}
	shell := &recordingShell{}
	s.SetShell(shell)
	s.ImportDropped([]string{aliceFile})
	deadline := time.Now().Add(15 * time.Second)
	for !shell.saw(EventImportReport) {
		if time.Now().After(deadline) {
			t.Fatal("a drop gave no import report")
		}
		time.Sleep(20 * time.Millisecond)
	}
	page, err := s.Sessions.ListSessions(ListRequest{})
	if err != nil || page.Total != 2 {
		t.Fatalf("after the drop: %+v, %v", page, err)
	}
	s.Stop()
	s.ImportDropped([]string{aliceFile}) // after Stop: refused, nothing runs
	if _, err := s.Imports.ImportFiles([]string{aliceFile}); !errors.Is(err, jobs.ErrStopped) {
		t.Fatalf("ImportFiles after Stop: %v", err)
	}
	if _, err := s.ImportPaths(context.Background(), []string{aliceFile}); !errors.Is(err, jobs.ErrStopped) {
		t.Fatalf("ImportPaths after Stop: %v", err)
	}
}

// TestCommandConfigSharesTheLibrary: a command run with the app's config
// uses the app's open store and index and leaves them open.
func TestCommandConfigSharesTheLibrary(t *testing.T) {
	s, _ := newTestServices(t)
	if _, err := s.ImportPaths(context.Background(), []string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	cfg := s.commandConfig()
	for range 2 {
		b, err := open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if b.st != s.c.st || b.tl != s.c.tl {
			t.Fatal("open did not hand back the app's store and index")
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Still open: the app goes on.
	if page, err := s.Sessions.ListSessions(ListRequest{}); err != nil || page.Total != 2 {
		t.Fatalf("after the command closed its backend: %+v, %v", page, err)
	}
	code, out, errOut := 0, "", ""
	{
		var o, e syncBuffer
		code = runArgs(context.Background(), cfg, []string{"list"}, &o, &e, nil)
		out, errOut = o.String(), e.String()
	}
	if code != 0 || !strings.Contains(out, "Alice Example") {
		t.Fatalf("list over the app's library: exit %d\n%s\n%s", code, out, errOut)
	}
	// An import run inside the app tells its window, as its own do.
	shell := &recordingShell{}
	s.SetShell(shell)
	bob := filepath.Join(t.TempDir(), "WhatsApp Chat with Bob Stone.txt")
	if err := os.WriteFile(bob, []byte("14/03/2024, 09:02 - Bob Stone: Do you ship to Spain?\n14/03/2024, 09:05 - Maria Lopez: Yes!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var o, e syncBuffer
	if code := runArgs(context.Background(), cfg, []string{"import", "--tz", "UTC", bob}, &o, &e, nil); code != 0 {
		t.Fatalf("import inside the app: exit %d\n%s\n%s", code, o.String(), e.String())
	}
	if !shell.saw(EventImportReport) {
		t.Fatal("an import inside the app did not tell its window")
	}
	if page, err := s.Sessions.ListSessions(ListRequest{Text: "Spain"}); err != nil || page.Total != 1 {
		t.Fatalf("the app after an import inside it: %+v, %v", page, err)
	}
	// Another data dir is opened as usual, not the app's.
	other := cfg
	other.DataDir = t.TempDir()
	b, err := open(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.st == s.c.st {
		t.Fatal("another data dir got the app's store")
	}
}
