package summaries

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

const alice = "../importer/testdata/WhatsApp Chat with Alice Example.txt"
const longer = "../importer/testdata/later/WhatsApp Chat with Alice Example.txt"

func setup(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importFile(t, st, alice)
	return st
}

func importFile(t *testing.T, st *store.Store, path string) {
	t.Helper()
	rep := importer.New(st, importer.Options{Location: time.UTC}).ImportFile(context.Background(), path)
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
}

func sessions(t *testing.T, st *store.Store) []store.Session {
	t.Helper()
	ss, err := st.ListSessions(context.Background(), store.ListSessions{Now: time.Now().UnixMilli(), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// counting wraps a summarizer and counts its calls; fail makes the n-th
// call fail, block makes every call wait for the context.
type counting struct {
	seen   atomic.Int32 // messages handed to the last call
	inner  summarize.Summarizer
	calls  atomic.Int32
	name   string
	fail   int32
	block  bool
	prompt string // written into results instead of the summarizer's version
}

func (c *counting) Name() string {
	if c.name != "" {
		return c.name
	}
	return c.inner.Name()
}

func (c *counting) Summarize(ctx context.Context, msgs []summarize.Message) (summarize.Result, error) {
	n := c.calls.Add(1)
	c.seen.Store(int32(len(msgs)))
	if c.block {
		<-ctx.Done()
		return summarize.Result{}, ctx.Err()
	}
	if n == c.fail {
		return summarize.Result{}, errors.New("the model answered nonsense")
	}
	res, err := c.inner.Summarize(ctx, msgs)
	if c.name != "" {
		res.Source, res.Model = "ollama", "test-model"
	}
	if c.prompt != "" {
		res.Prompt = c.prompt
	}
	return res, err
}

func TestRunSummarizesEverySessionOnce(t *testing.T) {
	st := setup(t)
	var stored []int64
	var last Progress
	r := New(st, summarize.Builtin{}, Options{OnStored: func(id int64) { stored = append(stored, id) }, Progress: func(p Progress) { last = p }})
	stats, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Summarized != 2 || len(stored) != 2 {
		t.Fatalf("stats = %+v, stored %v", stats, stored)
	}
	if last.Done != 2 || last.Total != 2 || last.Running || last.Source != "builtin" {
		t.Fatalf("last progress = %+v", last)
	}
	for _, s := range sessions(t, st) {
		if s.Summary == "" || s.SummarySource != "builtin" || s.Sentiment == "" {
			t.Fatalf("session %d: summary %q source %q sentiment %q", s.ID, s.Summary, s.SummarySource, s.Sentiment)
		}
	}
	if n, _ := st.SummaryJobCount(context.Background()); n != 0 {
		t.Fatalf("%d jobs left", n)
	}
	// A re-import of the same file queues nothing new; a longer export
	// queues only the sessions it changed or added.
	importFile(t, st, alice)
	if n, _ := st.SummaryJobCount(context.Background()); n != 0 {
		t.Fatalf("re-import queued %d jobs", n)
	}
	importFile(t, st, longer)
	if n, _ := st.SummaryJobCount(context.Background()); n != 2 {
		t.Fatalf("longer export queued %d jobs, want 2 (one extended, one new)", n)
	}
}

func TestUnchangedSessionsAreSkipped(t *testing.T) {
	st := setup(t)
	ctx := context.Background()
	if _, err := New(st, summarize.Builtin{}, Options{}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	// Queued again without force (as a re-split would): nothing changed,
	// so nothing is summarized again.
	if n, err := st.EnqueueSummaries(ctx, store.QueueAll, 0, 1, false); err != nil || n != 2 {
		t.Fatalf("queued %d, %v", n, err)
	}
	c := &counting{inner: summarize.Builtin{}}
	stats, err := New(st, c, Options{}).Run(ctx)
	if err != nil || stats.Skipped != 2 || c.calls.Load() != 0 {
		t.Fatalf("unchanged: %+v calls %d %v", stats, c.calls.Load(), err)
	}
	// Asked for on purpose (the detail page's button), it runs.
	id := sessions(t, st)[0].ID
	if _, err := st.EnqueueSummaries(ctx, store.QueueOne, id, 1, true); err != nil {
		t.Fatal(err)
	}
	stats, err = New(st, c, Options{}).Run(ctx)
	if err != nil || stats.Summarized != 1 || c.calls.Load() != 1 {
		t.Fatalf("forced: %+v calls %d %v", stats, c.calls.Load(), err)
	}
	// A longer export changes one session and adds one: only those run.
	importFile(t, st, longer)
	c2 := &counting{inner: summarize.Builtin{}}
	stats, err = New(st, c2, Options{}).Run(ctx)
	if err != nil || stats.Summarized != 2 || c2.calls.Load() != 2 {
		t.Fatalf("after the longer export: %+v calls %d %v", stats, c2.calls.Load(), err)
	}
}

// TestOlderHeuristicsAreRedone: built-in summaries made by an earlier
// version of the heuristics are made again when queued, although the
// session did not change; current ones are skipped.
func TestOlderHeuristicsAreRedone(t *testing.T) {
	st := setup(t)
	ctx := context.Background()
	old := &counting{inner: summarize.Builtin{}, prompt: "v1"}
	if _, err := New(st, old, Options{}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnqueueSummaries(ctx, store.QueueAll, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	c := &counting{inner: summarize.Builtin{}}
	stats, err := New(st, c, Options{}).Run(ctx)
	if err != nil || stats.Summarized != 2 || c.calls.Load() != 2 {
		t.Fatalf("older heuristics: %+v calls %d %v", stats, c.calls.Load(), err)
	}
	if _, err := st.EnqueueSummaries(ctx, store.QueueAll, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	stats, err = New(st, c, Options{}).Run(ctx)
	if err != nil || stats.Skipped != 2 || c.calls.Load() != 2 {
		t.Fatalf("current heuristics: %+v calls %d %v", stats, c.calls.Load(), err)
	}
}

func TestModelSummariesAreNotDowngraded(t *testing.T) {
	st := setup(t)
	ctx := context.Background()
	model := &counting{inner: summarize.Builtin{}, name: "ollama:test-model"}
	if _, err := New(st, model, Options{}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	// Unforced jobs for unchanged sessions: the built-in summarizer must
	// leave the model's summaries alone.
	if _, err := st.EnqueueSummaries(ctx, store.QueueAll, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	if stats, err := New(st, summarize.Builtin{}, Options{}).Run(ctx); err != nil || stats.Skipped != 2 {
		t.Fatalf("builtin over model summaries: %+v %v", stats, err)
	}
	for _, s := range sessions(t, st) {
		if s.SummarySource != "ollama" {
			t.Fatalf("source = %q", s.SummarySource)
		}
	}
	if _, err := st.EnqueueSummaries(ctx, store.QueueBuiltin, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.SummaryJobCount(ctx); n != 0 {
		t.Fatalf("model summaries queued for an upgrade: %d", n)
	}
}

func TestBuiltinSummariesUpgrade(t *testing.T) {
	st := setup(t)
	ctx := context.Background()
	if _, err := New(st, summarize.Builtin{}, Options{}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := st.EnqueueSummaries(ctx, store.QueueBuiltin, 0, 1, false); err != nil || n != 2 {
		t.Fatalf("queued %d, %v", n, err)
	}
	model := &counting{inner: summarize.Builtin{}, name: "ollama:test-model"}
	stats, err := New(st, model, Options{}).Run(ctx)
	if err != nil || stats.Summarized != 2 {
		t.Fatalf("%+v %v", stats, err)
	}
	for _, s := range sessions(t, st) {
		if s.SummarySource != "ollama" {
			t.Fatalf("not upgraded: %q", s.SummarySource)
		}
	}
}

func TestFailureIsRecordedAndTheRestGoOn(t *testing.T) {
	st := setup(t)
	c := &counting{inner: summarize.Builtin{}, fail: 1}
	stats, err := New(st, c, Options{}).Run(context.Background())
	if err != nil || stats.Failed != 1 || stats.Summarized != 1 {
		t.Fatalf("%+v %v", stats, err)
	}
	failed := 0
	for _, s := range sessions(t, st) {
		if s.SummaryError != "" {
			failed++
			if !strings.Contains(s.SummaryError, "nonsense") {
				t.Errorf("error = %q", s.SummaryError)
			}
		}
	}
	if failed != 1 {
		t.Fatalf("%d sessions record a failure", failed)
	}
	// Failed sessions can be queued again on purpose.
	if n, err := st.EnqueueSummaries(context.Background(), store.QueueFailed, 0, 1, false); err != nil || n != 1 {
		t.Fatalf("requeue failed: %d %v", n, err)
	}
}

func TestCancelAndResumeAfterACrash(t *testing.T) {
	st := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := &counting{inner: summarize.Builtin{}, block: true}
	done := make(chan error)
	go func() {
		_, err := New(st, c, Options{}).Run(ctx)
		done <- err
	}()
	for c.calls.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel() // the user cancels, or the app is killed mid-summary
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	if n, _ := st.SummaryJobCount(context.Background()); n != 2 {
		t.Fatalf("jobs after cancel = %d, want both still queued", n)
	}
	// The next start picks the queue up from the database.
	stats, err := New(st, summarize.Builtin{}, Options{}).Run(context.Background())
	if err != nil || stats.Summarized != 2 {
		t.Fatalf("resume: %+v %v", stats, err)
	}
}

func TestServerDownStopsTheRun(t *testing.T) {
	st := setup(t)
	o, err := summarize.NewOllama(summarize.OllamaConfig{URL: "http://127.0.0.1:1", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(st, o, Options{}).Run(context.Background())
	if !errors.Is(err, summarize.ErrOllamaDown) {
		t.Fatalf("Run = %v, want ErrOllamaDown", err)
	}
	if n, _ := st.SummaryJobCount(context.Background()); n != 2 {
		t.Fatalf("jobs = %d, want both kept for later", n)
	}
	for _, s := range sessions(t, st) {
		if s.SummaryError != "" {
			t.Fatalf("a down server marked session %d as failed", s.ID)
		}
	}
}

// TestLongSessionReadsItsEnds: a session that never pauses is summarized
// from its first and last endMessages messages and a note of what lies
// between, so the work does not grow with the session.
func TestLongSessionReadsItsEnds(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(t.TempDir(), "WhatsApp Chat with Busy Group.txt")
	var b strings.Builder
	start := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	const n = 2*endMessages + 500
	for i := 0; i < n; i++ {
		who := "Busy Group"
		if i%3 == 1 {
			who = "Shop"
		}
		fmt.Fprintf(&b, "%s - %s: message %d\n", start.Add(time.Duration(i)*time.Minute).Format("02/01/2006, 15:04"), who, i)
	}
	os.WriteFile(path, []byte(b.String()), 0o600)
	importFile(t, st, path)
	c := &counting{inner: summarize.Builtin{}}
	stats, err := New(st, c, Options{}).Run(context.Background())
	if err != nil || stats.Summarized != 1 {
		t.Fatalf("stats %+v, %v", stats, err)
	}
	if got := c.seen.Load(); got != 2*endMessages+1 {
		t.Fatalf("the summarizer got %d messages, want %d (both ends and a note)", got, 2*endMessages+1)
	}
	first, last, omitted, err := st.SessionMessageEnds(context.Background(), sessions(t, st)[0].ID, endMessages)
	if err != nil || len(first) != endMessages || len(last) != endMessages || omitted != 500 ||
		first[0].Body != "message 0" || last[len(last)-1].Body != fmt.Sprintf("message %d", n-1) {
		t.Fatalf("ends: %d, %d, %d omitted, %v", len(first), len(last), omitted, err)
	}
}
