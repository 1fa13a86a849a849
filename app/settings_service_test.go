package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/settings"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

func ptr[T any](v T) *T { return &v }

func TestSettingsSaveAndRefuse(t *testing.T) {
	s, _ := newTestServices(t)
	v, err := s.Settings.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	if v.SessionGap != "24h0m0s" || v.Theme != "system" || v.Agents == nil || v.DefaultModel != summarize.DefaultModel || v.DefaultOllamaURL == "" {
		t.Fatalf("defaults = %+v", v)
	}
	v, err = s.Settings.SaveSettings(SettingsInput{Agents: ptr([]string{"Maria Lopez"}), Bots: ptr([]string{"Shop Bot"}),
		WhatsAppZone: ptr("Asia/Tokyo"), Theme: ptr("dark"), Model: ptr("qwen2.5:7b")})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Settings.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*SettingsView{v, again} {
		if !slices.Equal(got.Agents, []string{"Maria Lopez"}) || got.WhatsAppZone != "Asia/Tokyo" || got.Theme != "dark" || got.Model != "qwen2.5:7b" {
			t.Errorf("saved settings read back as %+v", got)
		}
	}
	tests := []struct {
		name  string
		in    SettingsInput
		field string
	}{
		{"zone", SettingsInput{WhatsAppZone: ptr("Atlantis/Capital")}, "whatsapp_zone: "},
		{"another machine", SettingsInput{OllamaURL: ptr("http://192.0.2.7:11434")}, "ollama_url: "},
		{"theme", SettingsInput{Theme: ptr("sepia")}, "theme: "},
		{"watched folder missing", SettingsInput{WatchFolder: ptr("/nonexistent/folder/for/sure")}, "watch_folder: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Settings.SaveSettings(tt.in)
			if err == nil || !strings.HasPrefix(err.Error(), tt.field) {
				t.Fatalf("SaveSettings = %v, want an error starting %q", err, tt.field)
			}
			if got, _ := s.Settings.GetSettings(); got.WhatsAppZone != "Asia/Tokyo" || got.Theme != "dark" || got.WatchFolder != "" {
				t.Errorf("a refused save changed %+v", got)
			}
		})
	}
	// Another machine once allowed is kept with its permission.
	v, err = s.Settings.SaveSettings(SettingsInput{OllamaURL: ptr("http://192.0.2.7:11434"), AllowRemoteOllama: ptr(true)})
	if err != nil || !v.AllowRemoteOllama || v.OllamaURL != "http://192.0.2.7:11434" {
		t.Fatalf("allowed remote: %+v, %v", v, err)
	}
	// The watched folder is set and cleared through the same call.
	dir := t.TempDir()
	if v, err = s.Settings.SaveSettings(SettingsInput{WatchFolder: &dir}); err != nil || v.WatchFolder != dir || s.Imports.WatchFolder() != dir {
		t.Fatalf("watch folder: %+v, %v", v, err)
	}
	if v, err = s.Settings.SaveSettings(SettingsInput{WatchFolder: ptr("")}); err != nil || v.WatchFolder != "" {
		t.Fatalf("stop watching: %+v, %v", v, err)
	}
}

// TestWhatsAppZone: the zone set in Settings reads the phone's times.
func TestWhatsAppZone(t *testing.T) {
	s, _ := newTestServices(t)
	if _, err := s.Settings.SaveSettings(SettingsInput{WhatsAppZone: ptr("Asia/Tokyo")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Imports.ImportFiles([]string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	page, err := s.Sessions.ListSessions(ListRequest{})
	if err != nil || len(page.Sessions) == 0 {
		t.Fatalf("list: %+v, %v", page, err)
	}
	first := page.Sessions[len(page.Sessions)-1]
	// 14/03/2024 09:02 in Tokyo is 00:02 UTC.
	at, err := time.Parse(time.RFC3339, first.StartedAt)
	if want := time.Date(2024, 3, 14, 0, 2, 0, 0, time.UTC); err != nil || !at.Equal(want) {
		t.Errorf("first session starts %v, want %v (09:02 Tokyo)", first.StartedAt, want)
	}
}

func TestGapPreviewAndApply(t *testing.T) {
	s, _ := newTestServices(t)
	if _, err := s.Imports.ImportFiles([]string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Sessions.ListSessions(ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Settings.PreviewGap("24h")
	if err != nil || p.Changed != 0 || p.SessionsNow != before.Total || p.SessionsAfter != before.Total {
		t.Fatalf("PreviewGap(24h) = %+v, %v; want nothing changed of %d", p, err, before.Total)
	}
	p, err = s.Settings.PreviewGap("1m")
	if err != nil || p.Changed == 0 || p.SessionsAfter <= p.SessionsNow {
		t.Fatalf("PreviewGap(1m) = %+v, %v; want more sessions", p, err)
	}
	for _, bad := range []string{"30s", "soon", ""} {
		if _, err := s.Settings.PreviewGap(bad); err == nil || !strings.HasPrefix(err.Error(), "session_gap: ") {
			t.Errorf("PreviewGap(%q) = %v, want a session_gap error", bad, err)
		}
	}
	applied, err := s.Settings.ApplyGap("1m")
	if err != nil || *applied != *p {
		t.Fatalf("ApplyGap(1m) = %+v, %v; want the preview %+v", applied, err, p)
	}
	after, err := s.Sessions.ListSessions(ListRequest{Text: "teapot"})
	if err != nil || after.IndexPending != 0 {
		t.Fatalf("search after the re-split: %+v, %v", after, err)
	}
	all, _ := s.Sessions.ListSessions(ListRequest{})
	if all.Total != p.SessionsAfter {
		t.Errorf("%d sessions listed after ApplyGap, the preview said %d", all.Total, p.SessionsAfter)
	}
	if v, _ := s.Settings.GetSettings(); v.SessionGap != "1m0s" {
		t.Errorf("gap setting %q after ApplyGap(1m)", v.SessionGap)
	}
}

func TestTestOllama(t *testing.T) {
	s, _ := newTestServices(t)
	o := newSlowOllama(t)
	got, err := s.Settings.TestOllama(o.srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if !got.OK || !slices.Equal(got.Models, []string{summarize.DefaultModel}) {
		t.Errorf("TestOllama(local, default model) = %+v", got)
	}
	got, err = s.Settings.TestOllama(o.srv.URL, "mistral")
	if err != nil || got.OK || !strings.Contains(got.Message, "ollama pull mistral") || len(got.Models) != 1 {
		t.Errorf("TestOllama(local, missing model) = %+v, %v", got, err)
	}
	// Another machine is not contacted until allowed and saved.
	got, err = s.Settings.TestOllama("http://192.0.2.7:11434", "")
	if err != nil || got.OK || !strings.Contains(got.Message, "another machine") {
		t.Errorf("TestOllama(remote) = %+v, %v", got, err)
	}
	if _, err := s.Settings.TestOllama("ftp://x", ""); err == nil || !strings.HasPrefix(err.Error(), "ollama_url: ") {
		t.Errorf("TestOllama(ftp) = %v, want an ollama_url error", err)
	}
}

func TestSampleData(t *testing.T) {
	s, shell := newTestServices(t)
	if _, err := s.Imports.ImportFiles([]string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	own, _ := s.Sessions.ListSessions(ListRequest{})
	if s.Settings.HasSampleData() {
		t.Fatal("sample data in a new library")
	}
	rep, err := s.Settings.LoadSampleData()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || rep.Totals.Sessions < 100 || rep.Totals.Conversations != 16 {
		t.Fatalf("report = %+v", rep.Totals)
	}
	if !s.Settings.HasSampleData() || !shell.saw(EventImportReport) {
		t.Fatal("HasSampleData false, or no import report told, after LoadSampleData")
	}
	// Search and filters see it at once.
	page, err := s.Sessions.ListSessions(ListRequest{Text: "watering sensor"})
	if err != nil || page.Total != 1 || page.IndexPending != 0 {
		t.Fatalf("search right after the sample: %+v, %v", page, err)
	}
	page, err = s.Sessions.ListSessions(ListRequest{Channels: []string{"instagram"}, Labels: []string{"REFUND"}})
	if err != nil || page.Total == 0 || len(page.Sessions[0].Labels) == 0 {
		t.Fatalf("instagram sessions labelled refund: %+v, %v", page, err)
	}
	all, _ := s.Sessions.ListSessions(ListRequest{})
	if all.Total != own.Total+rep.Totals.Sessions {
		t.Errorf("%d sessions, want the user's %d and the sample's %d", all.Total, own.Total, rep.Totals.Sessions)
	}
	if _, err := s.Settings.LoadSampleData(); err == nil {
		t.Error("a second LoadSampleData succeeded")
	}
	n, err := s.Settings.RemoveSampleData()
	if err != nil || n != rep.Totals.Sessions {
		t.Fatalf("RemoveSampleData = %d, %v; want %d", n, err, rep.Totals.Sessions)
	}
	left, _ := s.Sessions.ListSessions(ListRequest{})
	if left.Total != own.Total || s.Settings.HasSampleData() {
		t.Errorf("after removing: %d sessions (want the user's %d), HasSampleData %v", left.Total, own.Total, s.Settings.HasSampleData())
	}
	if page, _ := s.Sessions.ListSessions(ListRequest{Text: "watering sensor"}); page.Total != 0 {
		t.Errorf("search still finds the removed sample: %d", page.Total)
	}
}

// TestCLIImportZone: the CLI's import reads WhatsApp times in the zone set
// in Settings when --tz is not given, and in --tz when it is.
func TestCLIImportZone(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		want  time.Time
	}{
		{"the zone set in Settings", nil, time.Date(2024, 3, 14, 0, 2, 0, 0, time.UTC)},      // 09:02 Tokyo
		{"--tz wins", []string{"--tz", "UTC"}, time.Date(2024, 3, 14, 9, 2, 0, 0, time.UTC)}, // 09:02 UTC
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			st, err := store.Open(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			_, err = settings.Save(context.Background(), st, settings.Patch{WhatsAppZone: ptr("Asia/Tokyo")})
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--data", data, "import"}, tt.flags...)
			if code, _, errOut := run(t, append(args, aliceFile)...); code != 0 {
				t.Fatalf("import exit %d: %s", code, errOut)
			}
			code, out, errOut := run(t, "--data", data, "list", "--json")
			if code != 0 {
				t.Fatalf("list exit %d: %s", code, errOut)
			}
			var page struct {
				Sessions []struct {
					StartedAt string `json:"started_at"`
				} `json:"sessions"`
			}
			if err := json.Unmarshal([]byte(out), &page); err != nil || len(page.Sessions) == 0 {
				t.Fatalf("list --json: %v: %s", err, out)
			}
			at, err := time.Parse(time.RFC3339, page.Sessions[len(page.Sessions)-1].StartedAt)
			if err != nil || !at.Equal(tt.want) {
				t.Errorf("first session starts %v (%v), want %v", at, err, tt.want)
			}
		})
	}
}
