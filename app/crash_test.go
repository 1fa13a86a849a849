package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
)

// The crash test kills a real `sessions` command with SIGKILL at random
// moments of an import, a reindex and a summary run, and checks after
// every kill that the database is whole, that the command's writes are all
// there or not at all, and that the search index, once the next command
// has opened it (the repair every start does), finds exactly the sessions
// SQLite holds.
//
// The command runs in a helper process: this test binary started again,
// running TestHelperProcess, which calls Main with the command line as
// main.go does. That is the whole command: main.go adds only the embedded
// UI (unused headless) and Ctrl-C handling (SIGKILL cannot be handled). A
// `go build` of the real binary would need the built frontend (main.go
// embeds frontend/dist), the Go toolchain at test time and some seconds of
// linking per run, for no code the helper does not run.
//
// SESSIONS_CRASH_ROUNDS sets the number of kills (default crashRounds),
// SESSIONS_CRASH_SEED the seed (default 1) to replay another sequence.

const (
	// crashHelperEnv carries the helper's command line, as JSON.
	crashHelperEnv = "SESSIONS_CRASH_HELPER"
	// crashRounds is the default number of kills: two of each command,
	// a few seconds in all.
	crashRounds = 6
	// crashMessages sizes the synthetic chat: big enough that an import
	// takes long enough to be hit in each of its phases (parse, insert,
	// commit, built-in summaries, index), small enough for the default run.
	crashMessages = 3000
	// staleMark is the summary every session has before a summary run, so
	// that a summary written before a kill and missing from the index is
	// seen.
	staleMark = "zzstale"
)

// TestHelperProcess is the killed command when crashHelperEnv is set, and
// does nothing otherwise.
func TestHelperProcess(t *testing.T) {
	raw := os.Getenv(crashHelperEnv)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintf(os.Stderr, "helper: bad %s: %v\n", crashHelperEnv, err)
		os.Exit(3)
	}
	os.Exit(Main(context.Background(), args, os.Stdout, os.Stderr, nil))
}

// crashOp is one command the test kills.
type crashOp struct {
	name string
	args func(chat string) []string
	// fresh: the command starts from an empty data dir, else from a copy
	// of the imported one with stale summaries.
	fresh bool
}

var crashOps = []crashOp{
	{name: "import", fresh: true, args: func(chat string) []string { return []string{"import", "--tz", "UTC", chat} }},
	{name: "reindex", args: func(string) []string { return []string{"reindex"} }},
	{name: "summarize", args: func(string) []string { return []string{"summarize", "--builtin", "--all"} }},
}

func TestCrashSafety(t *testing.T) {
	rounds := envInt(t, "SESSIONS_CRASH_ROUNDS", crashRounds)
	seed := envInt(t, "SESSIONS_CRASH_SEED", 1)
	rng := rand.New(rand.NewPCG(uint64(seed), 0xc0a5))
	started := time.Now()

	work := t.TempDir()
	chat := filepath.Join(work, "WhatsApp Chat with Crash Customer.txt")
	writeSynthChat(t, chat)

	// Reference runs, to their end in a helper like the killed ones: they
	// give the counts a whole import leaves, how long each command takes
	// (the range kills are drawn from), and check the end states too.
	imported := filepath.Join(work, "imported")
	took := map[string]time.Duration{}
	code, d, out := runHelper(t, imported, crashOps[0].args(chat), 0)
	if code != 0 {
		t.Fatalf("reference import: exit %d\n%s", code, out)
	}
	took["import"] = d
	want := readCounts(t, imported)
	if want.conversations != 1 || want.messages < crashMessages/2 || want.sessions < 30 {
		t.Fatalf("reference import: %+v", want)
	}
	repairAndCheckIndex(t, imported)
	markSummariesStale(t, imported)
	for _, op := range crashOps[1:] {
		dir := filepath.Join(work, "reference-"+op.name)
		copyDir(t, imported, dir)
		code, d, out := runHelper(t, dir, op.args(chat), 0)
		if code != 0 {
			t.Fatalf("reference %s: exit %d\n%s", op.name, code, out)
		}
		took[op.name] = d
		checkAfterKill(t, dir, op, want)
		repairAndCheckIndex(t, dir)
		if op.name == "summarize" {
			if n := queryInt(t, dir, `SELECT COUNT(*) FROM sessions WHERE summary LIKE '`+staleMark+`%'`); n != 0 {
				t.Fatalf("a finished summary run left %d stale summaries", n)
			}
		}
		os.RemoveAll(dir)
	}

	killed, finished := map[string]int{}, map[string]int{}
	// phases counts where the kills landed, as the data dir tells it.
	phases := map[string]int{}
	for i := range rounds {
		op := crashOps[i%len(crashOps)]
		// A little past the reference time, so that some kills land at
		// the very end (the last commit, the index flush, the exit).
		delay := time.Duration(rng.Int64N(int64(took[op.name]) * 11 / 10))
		dir := filepath.Join(work, fmt.Sprintf("round-%02d-%s", i, op.name))
		if !op.fresh {
			copyDir(t, imported, dir)
		}
		code, _, out := runHelper(t, dir, op.args(chat), delay)
		switch code {
		case -1:
			killed[op.name]++
		case 0:
			finished[op.name]++
		default:
			t.Fatalf("round %d: %s exited %d before the kill at %s:\n%s", i, op.name, code, delay, out)
		}
		got := checkAfterKill(t, dir, op, want)
		if code == -1 {
			phases[killPhase(t, dir, op, got)]++
		}
		repairAndCheckIndex(t, dir)
		if t.Failed() {
			t.Fatalf("round %d: %s killed after %s (seed %d)", i, op.name, delay, seed)
		}
		os.RemoveAll(dir)
	}
	t.Logf("seed %d: %d rounds in %s; killed %v, finished before the kill %v; kills by phase %v; reference times %v",
		seed, rounds, time.Since(started).Round(time.Millisecond), killed, finished, phases, took)
}

// killPhase names the point of op a kill hit, as far as the data dir
// shows it, for the test's log.
func killPhase(t *testing.T, dataDir string, op crashOp, got crashCounts) string {
	t.Helper()
	switch op.name {
	case "import":
		if got.messages == 0 {
			return "import before its commit"
		}
		if queryInt(t, dataDir, `SELECT COUNT(*) FROM summary_jobs`) > 0 {
			return "import during built-in summaries"
		}
		return "import after summaries (indexing, exit)"
	case "reindex":
		var md struct{ Complete bool }
		raw, err := os.ReadFile(filepath.Join(dataDir, "index", "meta.json"))
		if err == nil && json.Unmarshal(raw, &md) == nil && md.Complete {
			return "reindex before the reset or after it finished"
		}
		return "reindex with the index half rebuilt"
	default:
		stale := queryInt(t, dataDir, `SELECT COUNT(*) FROM sessions WHERE summary LIKE '`+staleMark+`%'`)
		switch {
		case stale == got.sessions:
			return "summarize before its first summary"
		case stale > 0:
			return "summarize half way"
		}
		return "summarize after its last summary"
	}
}

// runHelper runs the command args on dataDir in a helper process and,
// when delay is not 0, kills it with SIGKILL after delay. It returns the
// exit code (-1 when killed), how long it ran and its output.
func runHelper(t *testing.T, dataDir string, args []string, delay time.Duration) (int, time.Duration, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	line, err := json.Marshal(append([]string{"--data", dataDir}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+string(line), "OLLAMA_HOST=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	if delay > 0 {
		timer := time.AfterFunc(delay, func() { _ = cmd.Process.Kill() }) // SIGKILL on Unix
		defer timer.Stop()
	}
	err = cmd.Wait()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("helper %v did not end in time:\n%s", args, out.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, took, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), took, out.String()
	default:
		t.Fatalf("helper %v: %v", args, err)
		return 0, 0, ""
	}
}

// crashCounts are the rows a command may or may not have written whole.
type crashCounts struct {
	conversations, messages, sessions, okImports int
}

func readCounts(t *testing.T, dataDir string) crashCounts {
	t.Helper()
	return crashCounts{
		conversations: queryInt(t, dataDir, `SELECT COUNT(*) FROM conversations`),
		messages:      queryInt(t, dataDir, `SELECT COUNT(*) FROM messages`),
		sessions:      queryInt(t, dataDir, `SELECT COUNT(*) FROM sessions`),
		okImports:     queryInt(t, dataDir, `SELECT COUNT(*) FROM imports WHERE status = 'ok'`),
	}
}

// checkAfterKill checks the database a killed (or finished) op left, as
// found before anything else opens it, and returns its counts.
func checkAfterKill(t *testing.T, dataDir string, op crashOp, want crashCounts) crashCounts {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dataDir, "sessions.db")); errors.Is(err, fs.ErrNotExist) {
		if !op.fresh {
			t.Fatalf("%s: the database is gone", op.name)
		}
		return crashCounts{} // killed before the database was created
	}
	if res := queryString(t, dataDir, `PRAGMA integrity_check`); res != "ok" {
		t.Fatalf("%s: integrity_check: %s", op.name, res)
	}
	if fk := queryInt(t, dataDir, `SELECT COUNT(*) FROM pragma_foreign_key_check`); fk != 0 {
		t.Fatalf("%s: %d rows break a foreign key", op.name, fk)
	}
	// A kill while a new database is migrated leaves the migrations done
	// so far, each whole (the next open applies the rest); the summary
	// queue comes with a later one than the tables.
	hasTable := func(name string) bool {
		return queryInt(t, dataDir, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '`+name+`'`) == 1
	}
	if !hasTable("sessions") || !hasTable("summary_jobs") {
		if !op.fresh {
			t.Fatalf("%s: tables of the schema are gone", op.name)
		}
		if hasTable("sessions") {
			if got := readCounts(t, dataDir); got != (crashCounts{}) {
				t.Fatalf("%s: the schema is not complete but holds %+v", op.name, got)
			}
		}
		return crashCounts{}
	}
	got := readCounts(t, dataDir)
	if got != want && !(op.fresh && got == crashCounts{}) {
		t.Fatalf("%s: counts %+v; want all of %+v or, for an import, none", op.name, got, want)
	}
	// No session is left without a summary and out of the queue: the
	// queue is what survives a kill and finishes the work later.
	if n := queryInt(t, dataDir, `SELECT COUNT(*) FROM sessions WHERE summary IS NULL AND id NOT IN (SELECT session_id FROM summary_jobs)`); n != 0 {
		t.Fatalf("%s: %d sessions have no summary and are not queued for one", op.name, n)
	}
	if op.name == "summarize" {
		// Once the run has queued every session (one commit), a session
		// still stale must still be queued.
		redone := queryInt(t, dataDir, `SELECT COUNT(*) FROM sessions WHERE summary NOT LIKE '`+staleMark+`%'`)
		lost := queryInt(t, dataDir, `SELECT COUNT(*) FROM sessions WHERE summary LIKE '`+staleMark+`%' AND id NOT IN (SELECT session_id FROM summary_jobs)`)
		if redone > 0 && lost > 0 {
			t.Fatalf("summarize: %d sessions summarized anew, but %d stale ones left the queue without a new summary", redone, lost)
		}
	}
	return got
}

// repairAndCheckIndex runs `list` in this process, which opens the data
// dir as every command and the app do (replaying the search outbox,
// rebuilding an index a crash left unfinished), then compares what the
// index finds with what SQLite holds.
func repairAndCheckIndex(t *testing.T, dataDir string) {
	t.Helper()
	if code, _, errOut := run(t, "--data", dataDir, "list", "--json", "--limit", "1"); code != 0 {
		t.Fatalf("list after the kill: exit %d: %s", code, errOut)
	}
	if n := queryInt(t, dataDir, `SELECT COUNT(*) FROM search_outbox`); n != 0 {
		t.Fatalf("%d sessions still wait for the index after list", n)
	}
	ctx := context.Background()
	ix, err := search.Open(ctx, filepath.Join(dataDir, "index"), search.Options{})
	if err != nil {
		t.Fatalf("open the index: %v", err)
	}
	defer ix.Close()
	if ix.NeedsRebuild() {
		t.Fatal("the index still asks for a rebuild after list")
	}
	checks := []struct {
		name string
		q    search.Query
		sql  string
	}{
		{"every session", search.Query{}, `SELECT id FROM sessions`},
		{"by contact name", search.Query{Name: "crash"}, `SELECT s.id FROM sessions s JOIN contacts c ON c.id = s.contact_id WHERE c.name LIKE '%Crash%'`},
		{"stale summaries", search.Query{Summary: staleMark}, `SELECT id FROM sessions WHERE summary LIKE '` + staleMark + `%'`},
		{"positive", search.Query{Sentiment: "positive"}, `SELECT id FROM sessions WHERE sentiment = 'positive'`},
		{"neutral", search.Query{Sentiment: "neutral"}, `SELECT id FROM sessions WHERE sentiment = 'neutral'`},
		{"negative", search.Query{Sentiment: "negative"}, `SELECT id FROM sessions WHERE sentiment = 'negative'`},
		{"message text", search.Query{Text: "tracking"}, `SELECT DISTINCT s.id FROM sessions s JOIN messages m ON m.conversation_id = s.conversation_id
			AND m.at BETWEEN s.started_at AND s.last_message_at WHERE m.body LIKE '%tracking%'`},
	}
	for _, c := range checks {
		fromIndex := searchIDs(t, ix, c.q)
		fromSQL := queryIDs(t, dataDir, c.sql)
		if !slices.Equal(fromIndex, fromSQL) {
			t.Errorf("%s: the index finds %d sessions, SQLite holds %d (first differences: %v)", c.name, len(fromIndex), len(fromSQL), firstDiff(fromIndex, fromSQL))
		}
	}
}

// searchIDs pages through every session the index finds for q, sorted.
func searchIDs(t *testing.T, ix *search.Index, q search.Query) []int64 {
	t.Helper()
	q.Limit = 1000
	var ids []int64
	for {
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		ids = append(ids, res.IDs...)
		if res.Next == nil {
			break
		}
		q.After = res.Next
	}
	slices.Sort(ids)
	return ids
}

func firstDiff(a, b []int64) []int64 {
	var d []int64
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok && len(d) < 5 {
			d = append(d, x)
		}
	}
	for _, x := range b {
		if _, ok := slices.BinarySearch(a, x); !ok && len(d) < 10 {
			d = append(d, -x) // negative: in SQLite only
		}
	}
	return d
}

// markSummariesStale gives every session the summary staleMark with the
// sentiment "negative", through the store as a summary run writes it, and
// brings the index up to date.
func markSummariesStale(t *testing.T, dataDir string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	ids := queryIDs(t, dataDir, `SELECT id FROM sessions`)
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := tx.SetSummary(ctx, id, store.Summary{Text: staleMark + " summary", Source: "builtin", Sentiment: "negative", Hash: "stale"}); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("mark summaries stale: %v", err)
	}
	repairAndCheckIndex(t, dataDir)
	if n := len(queryIDs(t, dataDir, `SELECT id FROM sessions WHERE summary LIKE '`+staleMark+`%'`)); n != len(ids) {
		t.Fatalf("%d of %d summaries marked stale", n, len(ids))
	}
}

func writeSynthChat(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = synth.WriteWhatsApp(f, synth.WhatsAppOptions{Messages: crashMessages, Seed: 7, Customer: "Crash Customer"})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// openDB opens the data dir's database directly, as SQLite itself sees
// it: opening recovers what a killed writer left in the WAL.
func openDB(t *testing.T, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, "sessions.db")+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func queryInt(t *testing.T, dataDir, q string) int {
	t.Helper()
	n, err := strconv.Atoi(queryString(t, dataDir, q))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func queryString(t *testing.T, dataDir, q string) string {
	t.Helper()
	db := openDB(t, dataDir)
	defer db.Close()
	var v string
	if err := db.QueryRow(q).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// queryIDs returns the ids q selects, sorted.
func queryIDs(t *testing.T, dataDir, q string) []int64 {
	t.Helper()
	db := openDB(t, dataDir)
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// copyDir copies a closed data dir, the index included.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, src); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}
