package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/summarize"
	"github.com/sessions-app/sessions/backend/synth"
)

// slowOllama speaks Ollama's wire protocol (/api/version, /api/tags with
// the default model, /api/chat) but never answers a chat: it holds the
// request until the client goes away, as a model busy for minutes would.
type slowOllama struct {
	srv      *httptest.Server
	inFlight chan struct{} // closed when the first chat request arrives
	once     sync.Once
	mu       sync.Mutex
	chats    int
	gone     int // chat requests whose client went away
}

func newSlowOllama(t *testing.T) *slowOllama {
	t.Helper()
	o := &slowOllama{inFlight: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"version":"0.17.4"}`)
	})
	mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{"models": []map[string]any{{
			"name": summarize.DefaultModel, "model": summarize.DefaultModel, "modified_at": "2025-02-03T10:11:12.123456789+01:00",
			"size": 2019393189, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
			"details": map[string]any{"format": "gguf", "family": "llama", "families": []string{"llama"}, "parameter_size": "3.2B", "quantization_level": "Q4_K_M"},
		}}})
	})
	mux.HandleFunc("POST /api/chat", func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.chats++
		o.mu.Unlock()
		// Read whole, as Ollama does: only then does the server notice the
		// client hanging up.
		io.Copy(io.Discard, r.Body)
		o.once.Do(func() { close(o.inFlight) })
		select {
		case <-r.Context().Done():
			o.mu.Lock()
			o.gone++
			o.mu.Unlock()
		case <-time.After(time.Minute):
			// Never reached while the app stops as it should; answering
			// now would let a late summary be written.
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	o.srv = httptest.NewServer(mux)
	t.Cleanup(o.srv.Close)
	return o
}

// logRecorder keeps the records at Warn and above, from the services' own
// logger and from slog's default one (the backend's), while a test runs.
type logRecorder struct {
	mu   sync.Mutex
	recs []string
}

func (l *logRecorder) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	l.mu.Lock()
	l.recs = append(l.recs, b.String())
	l.mu.Unlock()
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }
func (l *logRecorder) records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recs...)
}

var goroutineHeader = regexp.MustCompile(`(?m)^goroutine (\d+) \[`)

// goroutines returns the stacks of every goroutine but the caller's, by id.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for i, stack := range strings.Split(string(buf), "\n\n") {
		m := goroutineHeader.FindStringSubmatch(stack)
		if i == 0 || m == nil { // the first is the caller
			continue
		}
		out[m[1]] = stack
	}
	return out
}

// ourGoroutines returns the stacks of the goroutines started after before
// that run this module's code (jobs, services, the backend), leaving out
// the test's own and its fake server's.
func ourGoroutines(before map[string]string) []string {
	var out []string
	for id, stack := range goroutines() {
		if _, ok := before[id]; ok {
			continue
		}
		// A call inside the func Enter gave it has ended: that func is
		// every call's last act.
		if exiting(stack) || strings.Contains(stack, "github.com/sessions-app/sessions/backend/jobs.(*Runner).Enter.func1(") {
			continue
		}
		// Frames of ours, but for the test's own functions, its fake
		// server, and the runner's wrapper of a job that has told Stop it
		// is done and is returning.
		ours := 0
		for _, line := range strings.Split(stack, "\n") {
			if strings.HasPrefix(line, "github.com/sessions-app/sessions/") &&
				!strings.HasPrefix(line, "github.com/sessions-app/sessions/app.Test") &&
				!strings.HasPrefix(line, "github.com/sessions-app/sessions/app.newSlowOllama") &&
				!strings.HasPrefix(line, "github.com/sessions-app/sessions/backend/jobs.(*Runner).Go.func1(") {
				ours++
			}
		}
		if ours > 0 {
			out = append(out, stack)
		}
	}
	return out
}

// exiting reports whether a goroutine is runnable in its own function,
// calling nothing: it has signalled what it was waited for (closed a
// channel, said Done) and has only its return left. One still at work is
// blocked (select, I/O, a lock) or inside a call.
func exiting(stack string) bool {
	if !strings.Contains(stack, " [runnable]:") {
		return false
	}
	frames := 0
	for _, line := range strings.Split(stack, "\n")[1:] {
		if line != "" && !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "created by ") {
			frames++
		}
	}
	return frames == 1
}

// leftSince waits up to 10 s for every goroutine started after before to
// end and returns the stacks of those that did not.
func leftSince(before map[string]string) []string {
	var left []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		// Keep-alive connections of the HTTP client are the transport's,
		// not a job's: closed here so that only our goroutines count.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		left = left[:0]
		for id, stack := range goroutines() {
			if _, ok := before[id]; !ok {
				left = append(left, stack)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
	}
}

// TestShutdownWithSummaryInFlight is closing the app while Ollama is busy
// with a summary: every job stops before the store and the index close,
// so nothing is written after they close, nothing is logged, the
// unfinished summary stays queued (not failed) and no goroutine is left.
func TestShutdownWithSummaryInFlight(t *testing.T) {
	tests := []struct {
		name string
		// stop is how the app is told to close.
		stop func(cancel context.CancelFunc, s *Services)
	}{
		{name: "the window closes (Stop)", stop: func(_ context.CancelFunc, s *Services) { s.Stop() }},
		{name: "Ctrl+C or SIGTERM, then Stop", stop: func(cancel context.CancelFunc, s *Services) { cancel(); s.Stop() }},
		{name: "Stop twice at once", stop: func(_ context.CancelFunc, s *Services) {
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() { defer wg.Done(); s.Stop() }()
			}
			wg.Wait()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := importedDataDir(t) // built-in summaries, which the model is to upgrade
			ollama := newSlowOllama(t)
			t.Setenv("OLLAMA_HOST", ollama.srv.URL)
			rec := &logRecorder{}
			prev := slog.Default()
			slog.SetDefault(slog.New(rec))
			t.Cleanup(func() { slog.SetDefault(prev) })

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := Config{DataDir: data}
			b, err := open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			before := goroutines()
			s := NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: data, Shell: &recordingShell{}, Log: slog.New(rec)})
			s.Start(ctx)
			if err := s.Imports.SetWatchFolder(t.TempDir()); err != nil { // the watcher runs too
				t.Fatal(err)
			}
			select {
			case <-ollama.inFlight:
			case <-time.After(30 * time.Second):
				t.Fatalf("no summary reached Ollama; log: %v", rec.records())
			}

			// A hang is reported with every stack, not as a test timeout.
			watchdog := time.AfterFunc(30*time.Second, func() {
				panic("Stop did not return with a summary in flight:\n" + strings.Join(leftSince(nil), "\n\n"))
			})
			tt.stop(cancel, s)
			watchdog.Stop()
			// Stop waited: no job is left the moment it returns, before
			// the store closes (the HTTP connections may take longer).
			if left := ourGoroutines(before); len(left) > 0 {
				t.Fatalf("%d jobs still running when Stop returned:\n%s", len(left), strings.Join(left, "\n\n"))
			}
			if err := b.Close(); err != nil {
				t.Fatalf("close the library: %v", err)
			}
			if _, err := s.Sessions.ListSessions(ListRequest{}); !errors.Is(err, jobs.ErrStopped) {
				t.Fatalf("a call after Stop: %v, want ErrStopped", err)
			}
			s.Stop() // once more, after the close: nothing to do, nothing touched

			if left := leftSince(before); len(left) > 0 {
				t.Fatalf("%d goroutines left after Stop and Close:\n%s", len(left), strings.Join(left, "\n\n"))
			}
			if recs := rec.records(); len(recs) > 0 {
				t.Fatalf("logged while closing:\n%s", strings.Join(recs, "\n"))
			}
			ollama.mu.Lock()
			chats, gone := ollama.chats, ollama.gone
			ollama.mu.Unlock()
			if chats != 1 || gone != 1 {
				t.Fatalf("Ollama saw %d chat requests, %d of them abandoned; want the one in flight, abandoned", chats, gone)
			}

			// What the store holds says nothing was written for the
			// abandoned summary: it is still queued, not failed, and the
			// built-in summaries stand.
			if n := queryInt(t, data, `SELECT COUNT(*) FROM summary_jobs`); n != 2 {
				t.Errorf("%d summary jobs queued after the shutdown, want both still queued", n)
			}
			if n := queryInt(t, data, `SELECT COUNT(*) FROM sessions WHERE summary_source = 'builtin' AND summary_error IS NULL`); n != 2 {
				t.Errorf("%d sessions keep their built-in summary and no error, want 2", n)
			}
		})
	}
}

// TestShutdownWithImportInFlight is closing the window while the user's
// import runs: the call is cancelled and has returned when Stop returns,
// the file is rolled back whole, nothing is logged and nothing is left.
func TestShutdownWithImportInFlight(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "http://127.0.0.1:1") // no model: nothing but the import runs
	rec := &logRecorder{}
	prev := slog.Default()
	slog.SetDefault(slog.New(rec))
	t.Cleanup(func() { slog.SetDefault(prev) })
	// Big enough to take a while to import, so Stop lands inside it.
	const messages = 100_000
	chat := filepath.Join(t.TempDir(), "WhatsApp Chat with Busy Customer.txt")
	f, err := os.Create(chat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteWhatsApp(f, synth.WhatsAppOptions{Messages: messages, Seed: 11, Customer: "Busy Customer"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	data := t.TempDir()
	b, err := open(context.Background(), Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	before := goroutines()
	shell := &recordingShell{}
	s := NewServices(context.Background(), Deps{Store: b.st, Timeline: b.tl, DataDir: data, Shell: shell, Log: slog.New(rec)})
	s.Start(context.Background())
	returned := make(chan error, 1)
	go func() {
		_, err := s.Imports.ImportFiles([]string{chat})
		returned <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); !shell.saw(EventImportBusy); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the import never started")
		}
	}
	time.Sleep(50 * time.Millisecond) // well inside the file
	watchdog := time.AfterFunc(30*time.Second, func() {
		panic("Stop did not return with an import in flight:\n" + strings.Join(leftSince(nil), "\n\n"))
	})
	s.Stop()
	watchdog.Stop()
	if left := ourGoroutines(before); len(left) > 0 {
		t.Fatalf("%d calls or jobs still running when Stop returned:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Had the call gone on past Stop, it would meet the closed store here.
	select {
	case err := <-returned:
		if err != nil {
			t.Fatalf("the cancelled import: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the import call never returned")
	}
	if left := leftSince(before); len(left) > 0 {
		t.Fatalf("%d goroutines left:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	if recs := rec.records(); len(recs) > 0 {
		t.Fatalf("logged while closing:\n%s", strings.Join(recs, "\n"))
	}
	if got := queryString(t, data, `PRAGMA integrity_check`); got != "ok" {
		t.Fatalf("integrity check: %s", got)
	}
	n := queryInt(t, data, `SELECT COUNT(*) FROM messages`)
	t.Logf("%d of %d messages stored when the import was stopped", n, messages)
	if n != 0 && n != messages {
		t.Fatalf("%d messages stored; want none (rolled back) or all %d", n, messages)
	}
}
