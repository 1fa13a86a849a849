package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
)

// remoteTestURL names another machine that can never answer: no TCP
// connection to a multicast address is ever made, so a test that is
// allowed to use it fails at once instead of waiting on a network.
const remoteTestURL = "http://224.0.0.1:1"

// importedDataDir is a data dir holding the Alice sample, summarized by the
// built-in summarizer as every import does.
func importedDataDir(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", aliceFile); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	return data
}

// setSettings stores settings as an earlier run (or an older version of
// the app) would have left them.
func setSettings(t *testing.T, data string, kv map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(ctx, func(tx *store.Tx) error {
		for k, v := range kv {
			if err := tx.SetSetting(ctx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// setting reads one setting; "<unset>" when there is none.
func setting(t *testing.T, data, key string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.Setting(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return "<unset>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSummarizeRefusesRemoteOllama(t *testing.T) {
	tests := []struct {
		name    string
		env     string            // OLLAMA_HOST
		stored  map[string]string // settings left by an earlier run
		args    []string
		wantErr string
		wantURL string // the ollama_url setting after the run
	}{
		{
			name: "--ollama on the LAN", args: []string{"--ollama", "http://10.0.0.5:11434"},
			wantErr: "10.0.0.5 (--ollama) is not on this machine", wantURL: "<unset>",
		},
		{
			name: "--ollama by a name, which is never looked up", args: []string{"--ollama", "gpu.example.org"},
			wantErr: "gpu.example.org (--ollama) is not on this machine", wantURL: "<unset>",
		},
		{
			name: "OLLAMA_HOST elsewhere", env: "gpu.example.org:11434",
			wantErr: "gpu.example.org (OLLAMA_HOST) is not on this machine", wantURL: "<unset>",
		},
		{
			name:    "remembered remote address without a permission (an older version kept it)",
			stored:  map[string]string{SettingOllamaURL: "http://10.0.0.5:11434"},
			wantErr: "10.0.0.5 (the remembered --ollama) is not on this machine", wantURL: "http://10.0.0.5:11434",
		},
		{
			name:    "permission remembered for another host",
			stored:  map[string]string{SettingOllamaURL: "http://10.0.0.6:11434", SettingOllamaRemote: "10.0.0.5"},
			wantErr: "10.0.0.6 (the remembered --ollama) is not on this machine", wantURL: "http://10.0.0.6:11434",
		},
		{
			name:    "a remembered remote address beats a local OLLAMA_HOST",
			env:     "127.0.0.1:1",
			stored:  map[string]string{SettingOllamaURL: "http://10.0.0.5:11434"},
			wantErr: "10.0.0.5 (the remembered --ollama)", wantURL: "http://10.0.0.5:11434",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OLLAMA_HOST", tt.env)
			data := importedDataDir(t)
			if tt.stored != nil {
				setSettings(t, data, tt.stored)
			}
			code, out, errOut := run(t, append([]string{"--data", data, "summarize", "--all"}, tt.args...)...)
			if code != 1 || !strings.Contains(errOut, tt.wantErr) || !strings.Contains(errOut, "--allow-remote-ollama") {
				t.Fatalf("exit %d, stderr %q; want 1 and %q with the flag that allows it", code, errOut, tt.wantErr)
			}
			if out != "" || strings.Contains(errOut, "built-in summarizer") {
				t.Fatalf("a refused address must stop the run before any summary; stdout %q stderr %q", out, errOut)
			}
			if got := setting(t, data, SettingOllamaURL); got != tt.wantURL {
				t.Fatalf("ollama_url = %q, want %q (a refused address is not remembered)", got, tt.wantURL)
			}
		})
	}
}

// TestSummarizeRemoteOllamaWhenAllowed follows one permission through its
// life: given, remembered and said on every run, ended by a local address.
func TestSummarizeRemoteOllamaWhenAllowed(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "")
	data := importedDataDir(t)
	summarize := func(args ...string) (int, string, string) {
		t.Helper()
		return run(t, append([]string{"--data", data, "summarize"}, args...)...)
	}

	code, out, errOut := summarize("--all", "--ollama", remoteTestURL, "--allow-remote-ollama")
	notice := "Conversations will be sent to the Ollama server at 224.0.0.1 (--ollama)"
	if code != 0 || !strings.Contains(errOut, notice) || !strings.Contains(out, "summarized with builtin") {
		t.Fatalf("allowed: exit %d\nstdout %s\nstderr %s\nwant the notice %q, then the built-in fallback (nothing answers there)", code, out, errOut, notice)
	}
	if i, j := strings.Index(errOut, notice), strings.Index(errOut, "Ollama cannot be used"); j < i {
		t.Fatalf("the notice must come before the server is contacted:\n%s", errOut)
	}
	if u, h := setting(t, data, SettingOllamaURL), setting(t, data, SettingOllamaRemote); u != remoteTestURL || h != "224.0.0.1" {
		t.Fatalf("remembered %q allowed for %q; want %q allowed for 224.0.0.1", u, h, remoteTestURL)
	}

	// The remembered address is used again, and said again.
	code, _, errOut = summarize()
	if code != 0 || !strings.Contains(errOut, "224.0.0.1 (the remembered --ollama)") || !strings.Contains(errOut, "allowed earlier") {
		t.Fatalf("remembered: exit %d, stderr %q; want the notice naming the remembered address", code, errOut)
	}

	// A local address given without the flag ends the permission.
	code, _, errOut = summarize("--ollama", "http://127.0.0.1:1")
	if code != 0 || strings.Contains(errOut, "Conversations will be sent") {
		t.Fatalf("local: exit %d, stderr %q; want no notice", code, errOut)
	}
	if h := setting(t, data, SettingOllamaRemote); h != "" {
		t.Fatalf("permission after a local --ollama = %q, want it ended", h)
	}

	// The remote address back in the settings (as a copied data dir
	// could hold it) is refused again, and a bare permission flag is a
	// new explicit permission for the remembered host.
	setSettings(t, data, map[string]string{SettingOllamaURL: remoteTestURL})
	if code, _, errOut = summarize(); code != 1 || !strings.Contains(errOut, "not on this machine") {
		t.Fatalf("remembered without permission: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = summarize("--allow-remote-ollama")
	if code != 0 || !strings.Contains(errOut, "Conversations will be sent to the Ollama server at 224.0.0.1") || setting(t, data, SettingOllamaRemote) != "224.0.0.1" {
		t.Fatalf("bare --allow-remote-ollama: exit %d, stderr %q, permission %q", code, errOut, setting(t, data, SettingOllamaRemote))
	}
}

// TestDesktopNoteOnRemoteOllama checks the window's side: the desktop has
// no flag, so a remembered remote address without permission gives
// built-in summaries and a note that says why.
func TestDesktopNoteOnRemoteOllama(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "")
	data := importedDataDir(t)
	setSettings(t, data, map[string]string{SettingOllamaURL: "http://10.0.0.5:11434"})
	ctx := context.Background()
	cfg := Config{DataDir: data}
	b, err := open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := b.services(ctx)
	defer a.Stop()
	a.Summaries.summarizeOnce(ctx)
	st, err := a.Summaries.SummaryStatus()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Note, "Built-in summaries") || !strings.Contains(st.Note, "10.0.0.5 is another machine") || !strings.Contains(st.Note, "--allow-remote-ollama") {
		t.Fatalf("note = %q", st.Note)
	}
}
