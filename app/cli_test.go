package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const aliceFile = "../backend/importer/testdata/WhatsApp Chat with Alice Example.txt"

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, &out, &errOut, nil)
	return code, out.String(), errOut.String()
}

func TestImportJSONReport(t *testing.T) {
	data := t.TempDir()
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("just some notes\n"), 0o600)
	code, out, errOut := run(t, "--data", data, "import", "--tz", "UTC", "--bot", "Shop Bot", "--json", aliceFile, bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one file failed); stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, bad) || !strings.Contains(errOut, "not a supported export") {
		t.Fatalf("stderr %q should name the bad file and why", errOut)
	}
	var rep struct {
		Files []struct {
			Path          string  `json:"path"`
			Format        string  `json:"format"`
			Conversations *int    `json:"conversations"`
			Messages      *int    `json:"messages"`
			Sessions      *int    `json:"sessions"`
			Duplicates    *int    `json:"duplicates"`
			Skipped       []any   `json:"skipped"`
			Error         *string `json:"error"`
		} `json:"files"`
		Totals map[string]int `json:"totals"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if len(rep.Files) != 2 {
		t.Fatalf("files = %+v", rep.Files)
	}
	good, failed := rep.Files[0], rep.Files[1]
	if good.Error != nil || *good.Messages != 13 || *good.Sessions != 2 || *good.Conversations != 1 || *good.Duplicates != 0 || good.Skipped == nil {
		t.Fatalf("good file = %+v", good)
	}
	if failed.Error == nil || failed.Path != bad {
		t.Fatalf("failed file = %+v", failed)
	}
	for _, k := range []string{"conversations", "messages", "sessions", "duplicates"} {
		if _, ok := rep.Totals[k]; !ok {
			t.Fatalf("totals lack %q: %v", k, rep.Totals)
		}
	}
	if rep.Totals["messages"] != 13 {
		t.Fatalf("totals = %v", rep.Totals)
	}
}

func TestListAndShowJSON(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", "--bot", "Shop Bot", aliceFile); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	// Page through one session at a time: each exactly once, then the end.
	var ids []float64
	cursor := ""
	for i := 0; i < 5; i++ {
		args := []string{"--data", data, "list", "--json", "--limit", "1"}
		if cursor != "" {
			args = append(args, "--cursor", cursor)
		}
		code, out, errOut := run(t, args...)
		if code != 0 {
			t.Fatalf("list: %s", errOut)
		}
		var page map[string]any
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatal(err)
		}
		for _, s := range page["sessions"].([]any) {
			sess := s.(map[string]any)
			ids = append(ids, sess["id"].(float64))
			for _, k := range []string{"id", "contact", "channel", "status", "started_at", "ended_at", "duration_s", "message_count", "summary", "summary_source", "sentiment", "labels", "fields", "handoff"} {
				if _, ok := sess[k]; !ok {
					t.Fatalf("session lacks %q: %v", k, sess)
				}
			}
			// The import gave every session a built-in summary at once.
			if sess["summary"] == nil || sess["summary_source"] != "builtin" || sess["sentiment"] == nil || sess["status"] != "completed" {
				t.Fatalf("session = %v", sess)
			}
		}
		next, present := page["next_cursor"]
		if !present {
			t.Fatal("next_cursor missing")
		}
		if next == nil {
			break
		}
		cursor = next.(string)
	}
	if len(ids) != 2 || ids[0] <= ids[1] {
		t.Fatalf("paged ids = %v, want 2 newest first", ids)
	}

	code, out, errOut := run(t, "--data", data, "show", "--json", "1")
	if code != 0 {
		t.Fatalf("show: %s", errOut)
	}
	var d struct {
		ID      int64 `json:"id"`
		Handoff struct {
			Bot, Agent, At *string
			WaitS          *int64 `json:"wait_s"`
			BotOnly        bool   `json:"bot_only"`
		}
		Messages []struct {
			At          string   `json:"at"`
			Author      *string  `json:"author"`
			Role        string   `json:"role"`
			Kind        string   `json:"kind"`
			Body        string   `json:"body"`
			Attachments []string `json:"attachments"`
		} `json:"messages"`
		StartedAt string `json:"started_at"`
		DurationS int64  `json:"duration_s"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != 1 || d.StartedAt != "2024-03-14T09:02:00Z" && !strings.HasPrefix(d.StartedAt, "2024-03-14T") || d.DurationS != 39*60 {
		t.Fatalf("show = %+v", d)
	}
	// Shop Bot wrote last at 09:03, Maria answered at 09:11: 8 minutes.
	if d.Handoff.Bot == nil || *d.Handoff.Bot != "Shop Bot" || d.Handoff.Agent == nil || *d.Handoff.Agent != "Maria Lopez" || d.Handoff.At == nil ||
		d.Handoff.WaitS == nil || *d.Handoff.WaitS != 480 || d.Handoff.BotOnly {
		t.Fatalf("handoff = %+v", d.Handoff)
	}
	if len(d.Messages) != 8 || d.Messages[0].Role != "system" || d.Messages[0].Author != nil || d.Messages[0].Attachments == nil {
		t.Fatalf("messages = %+v", d.Messages)
	}
}

// TestUsageErrors: a mistake prints one line saying what is wrong, plus the
// hint to --help for usage mistakes, never the whole usage.
func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"--data", data, "frobnicate"}, 2, "sessions: unknown command \"frobnicate\""},
		{"unknown global flag", []string{"--frob", "list"}, 2, "flag provided but not defined: -frob"},
		{"unknown command flag", []string{"--data", data, "list", "--frob"}, 2, "sessions list: flag provided but not defined: -frob"},
		{"import without path", []string{"--data", data, "import"}, 2, "sessions import: no PATH"},
		{"bad zone", []string{"--data", data, "import", "--tz", "Mars/Olympus", aliceFile}, 2, "unknown time zone"},
		{"bad status", []string{"--data", data, "list", "--status", "sleeping"}, 2, "--status"},
		{"bad cursor", []string{"--data", data, "list", "--cursor", "!!"}, 1, "invalid cursor"},
		{"show missing", []string{"--data", data, "show", "99"}, 1, "not found"},
		{"show not a number", []string{"--data", data, "show", "abc"}, 2, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			want := []string{"the message"}
			if tt.code == 2 {
				want = append(want, usageHint)
			}
			if len(lines) != len(want) || (tt.code == 2 && lines[1] != usageHint) || strings.Contains(errOut, "Usage:") {
				t.Fatalf("stderr %q: want %d lines: %v", errOut, len(want), want)
			}
			if out != "" {
				t.Fatalf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestDataDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SESSIONS_DATA", dir)
	if code, _, errOut := run(t, "import", "--tz", "UTC", aliceFile); code != 0 {
		t.Fatal(errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "sessions.db")); err != nil {
		t.Fatalf("SESSIONS_DATA not used: %v", err)
	}
}

func TestSummarizeFallsBackToBuiltin(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", "--bot", "Shop Bot", aliceFile); code != 0 {
		t.Fatal(errOut)
	}
	// Nothing listens on port 1: the built-in summarizer steps in, says
	// why, and the model's address is remembered for next time.
	code, out, errOut := run(t, "--data", data, "summarize", "--all", "--ollama", "http://127.0.0.1:1")
	if code != 0 || !strings.Contains(errOut, "built-in") || !strings.Contains(out, "2 sessions summarized with builtin") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = run(t, "--data", data, "show", "1")
	if code != 0 || !strings.Contains(out, "Summary (built-in):") || !strings.Contains(out, "the customer waited") {
		t.Fatalf("show:\n%s", out)
	}
}

func TestListFiltersAndReindex(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", aliceFile, "../docs/examples/webchat-example.csv"); code != 0 {
		t.Fatal(errOut)
	}
	total := func(args ...string) float64 {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--data", data, "list", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("list %v: %s", args, errOut)
		}
		var page map[string]any
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatal(err)
		}
		return page["total"].(float64)
	}
	tests := []struct {
		args []string
		want float64
	}{
		{nil, 4},
		{[]string{"--q", "alice"}, 2},
		{[]string{"--channel", "webchat"}, 2},
		{[]string{"--channel", "whatsapp,webchat", "--from", "2024-03-15"}, 3},
		{[]string{"--text", "teapot"}, 2},
		{[]string{"--email", "example.com"}, 1},
		{[]string{"--sentiment", "positive", "--status", "completed", "--to", "2000-01-01"}, 0},
	}
	check := func() {
		for _, tt := range tests {
			if got := total(tt.args...); got != tt.want {
				t.Errorf("list %v: total %v, want %v", tt.args, got, tt.want)
			}
		}
	}
	check()
	if code, out, errOut := run(t, "--data", data, "reindex"); code != 0 || !strings.Contains(out, "rebuilt") {
		t.Fatalf("reindex: %d %s %s", code, out, errOut)
	}
	check()
	if code, _, errOut := run(t, "--data", data, "list", "--field", "nokey"); code != 2 || !strings.Contains(errOut, "KEY=VALUE") {
		t.Fatalf("bad --field: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "--data", data, "list", "--channel", "telegram"); code != 2 || !strings.Contains(errOut, "telegram") {
		t.Fatalf("bad --channel: %d %s", code, errOut)
	}
}

// TestImportExitStatus is the one documented rule: 0 when every file was
// imported whole (skipped non-message lines are listed, not failures), 1
// when a file failed, a thread of a download could not be read, or the
// import was cancelled (importer's TestCancelledImportChangesNothing); the
// report says which.
func TestImportExitStatus(t *testing.T) {
	corrupt := "../../shared/fixtures/msgvault/internal/fbmessenger/testdata/corrupt"
	skippy := filepath.Join(t.TempDir(), "WhatsApp Chat with Bea.txt")
	os.WriteFile(skippy, []byte("a note before the chat\n14/03/2024, 09:02 - Bea: hi\n14/03/2024, 09:03 - Shop: hello\n"), 0o600)
	tests := []struct {
		name   string
		paths  []string
		code   int
		stdout []string
	}{
		{"whole file", []string{aliceFile}, 0, []string{"✓ ", "13 messages"}},
		{"skipped lines are listed, not failures", []string{skippy}, 0, []string{"✓ ", "1 line not imported", "line 1: text before the first message header"}},
		{"a broken thread of a download", []string{corrupt}, 1, []string{"! ", "1 thread could not be read", "broken_BAD", "1 imported in part"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"--data", t.TempDir(), "import", "--tz", "UTC"}, tt.paths...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, tt.code, out, errOut)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout %q lacks %q", out, want)
				}
			}
		})
	}
}
