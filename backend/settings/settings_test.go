package settings

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ptr[T any](v T) *T { return &v }

func TestDefaults(t *testing.T) {
	s, err := Load(context.Background(), open(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.SessionGap != sessions.DefaultGap || s.Theme != ThemeSystem || s.WhatsAppZone != "" || s.OllamaURL != "" ||
		s.AllowRemoteOllama || len(s.Agents) != 0 || s.Agents == nil || s.Bots == nil {
		t.Errorf("defaults = %+v", s)
	}
}

func TestSaveAndLoad(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	saved, err := Save(ctx, st, Patch{
		Agents: ptr([]string{" Maya ", "maya", "", "Jonas"}), Bots: ptr([]string{"Leafy"}),
		WhatsAppZone: ptr("Europe/Berlin"), OllamaURL: ptr("http://gpu.lan:11434"), AllowRemoteOllama: ptr(true),
		Model: ptr("llama3.2:3b"), Theme: ptr("dark"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Settings{saved, got} {
		if len(s.Agents) != 2 || s.Agents[0] != "Maya" || s.Agents[1] != "Jonas" || len(s.Bots) != 1 ||
			s.WhatsAppZone != "Europe/Berlin" || s.OllamaURL != "http://gpu.lan:11434" || !s.AllowRemoteOllama ||
			s.Model != "llama3.2:3b" || s.Theme != ThemeDark {
			t.Errorf("settings = %+v", s)
		}
	}
	// The CLI's summarizer reads the same keys: the permission is for that host.
	if v, err := st.Setting(ctx, KeyOllamaRemote); err != nil || v != "gpu.lan" {
		t.Errorf("remembered remote host = %q, %v; want gpu.lan", v, err)
	}
	// A patch changes only what it names; "" goes back to the default.
	back, err := Save(ctx, st, Patch{OllamaURL: ptr(""), Theme: ptr("system"), WhatsAppZone: ptr("")})
	if err != nil {
		t.Fatal(err)
	}
	if back.OllamaURL != "" || back.AllowRemoteOllama || back.Theme != ThemeSystem || back.WhatsAppZone != "" || back.Model != "llama3.2:3b" || len(back.Agents) != 2 {
		t.Errorf("after reset = %+v", back)
	}
	if _, err := st.Setting(ctx, KeyOllamaRemote); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("remote permission kept after the address went back to this machine: %v", err)
	}
}

func TestSaveRefuses(t *testing.T) {
	tests := []struct {
		name  string
		patch Patch
		field string
		is    error
	}{
		{"unknown zone", Patch{WhatsAppZone: ptr("Mars/Olympus")}, "whatsapp_zone", nil},
		{"Local is no zone", Patch{WhatsAppZone: ptr("Local")}, "whatsapp_zone", nil},
		{"another machine not allowed", Patch{OllamaURL: ptr("http://10.0.0.5:11434")}, "ollama_url", summarize.ErrRemoteOllama},
		{"another machine allowed then unticked", Patch{OllamaURL: ptr("gpu.lan"), AllowRemoteOllama: ptr(false)}, "ollama_url", summarize.ErrRemoteOllama},
		{"not http", Patch{OllamaURL: ptr("ftp://127.0.0.1")}, "ollama_url", nil},
		{"model with spaces", Patch{Model: ptr("llama 3")}, "model", nil},
		{"theme", Patch{Theme: ptr("blue")}, "theme", nil},
		{"long agent name", Patch{Agents: ptr([]string{string(make([]byte, 101))})}, "agents", nil},
		{"bot with a newline", Patch{Bots: ptr([]string{"Leafy\nBot"})}, "bots", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			_, err := Save(ctx, st, tt.patch)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("Save = %v, want a FieldError on %s", err, tt.field)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Save = %v, want it to wrap %v", err, tt.is)
			}
			kv, err := st.Settings(ctx)
			if err != nil || len(kv) != 0 {
				t.Errorf("a refused save wrote %v (%v)", kv, err)
			}
		})
	}
}

func TestZone(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if got := Zone(Settings{WhatsAppZone: "Europe/Berlin"}, time.UTC); got.String() != berlin.String() {
		t.Errorf("Zone = %v, want Europe/Berlin", got)
	}
	if got := Zone(Settings{}, time.UTC); got != time.UTC {
		t.Errorf("Zone of none = %v, want the fallback", got)
	}
}
