package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
	"github.com/sessions-app/sessions/backend/watch"
)

const usage = `Sessions: review customer conversations, locally.

Usage:
  sessions [--data DIR]                      open the desktop app
  sessions [--data DIR] import [flags] PATH...  import chat exports: WhatsApp, Instagram, Facebook, web chat
                                             (files, .zip downloads, or folders of them)
  sessions [--data DIR] list [flags]         print the timeline, newest first
  sessions [--data DIR] show [--json] ID     print one session with its messages
  sessions [--data DIR] watch [flags] DIR    import what lands in DIR (and its subfolders) until stopped
  sessions [--data DIR] reindex              rebuild the search index from the database
  sessions [--data DIR] summarize [flags]    summarize the waiting sessions (Ollama, else built-in)
  sessions labels [--json]                   the labels, with their colours and number of sessions
  sessions labels create NAME [--color #RRGGBB] | rename OLD NEW | color NAME #RRGGBB | delete NAME
  sessions label ID NAME...                  put labels on a session (new ones are created)
  sessions unlabel ID NAME...                take labels off a session
  sessions fields [--json]                   the custom fields, with their number of sessions
  sessions fields define KEY --name NAME --type text|number|date|choice [--choices a,b,c]
  sessions field ID KEY=VALUE...             set a session's custom fields (KEY= clears one)
  sessions [--data DIR] export [list filters] [--format csv|jsonl] [--out FILE] [--bom]
                                             every session of the filter, one row each (stdout without --out)
  sessions [--data DIR] insights [list filters] [--period day|week|month] [--zone ZONE] [--json | --csv CHART [--bom]]
                                             the Insights view of the filter's sessions, days in ZONE (default: this machine's);
                                             CHART: sessions, duration, first_response, sentiment, labels, topics, ai, busiest
  sessions [--data DIR] serve [--addr HOST:PORT]  the same app in a browser (default 127.0.0.1:8080; any
                                             other address asks for the token it prints)

While the app (window or serve) is open, the commands run inside it, so they work beside it.

Import and watch flags:
  --tz ZONE       zone the phone was in (WhatsApp times carry none); default: the one set in Settings, else this machine's
  --gap DUR       session gap, e.g. 24h (kept for later imports); default 24h
  --agent NAME    a person of the business (repeatable; kept for later imports)
  --bot NAME      an AI agent name (repeatable; kept for later imports)
  --json          machine-readable report (import)
  --settle DUR    how long a file must stay unchanged before it is read (watch); default 2s

List flags (all optional, combined with AND):
  --q TEXT          search box: summaries, contact names and emails
  --summary TEXT    summary contains        --text TEXT      a message contains
  --name TEXT       contact name (partial)  --email TEXT     contact email contains
  --from DATE       started on or after (YYYY-MM-DD, local)   --to DATE  started on or before
  --ended-from DATE ended on or after (completed sessions)    --ended-to DATE  ended on or before
  --channel LIST    whatsapp,instagram,facebook,webchat       --label LIST
  --sentiment S     positive|neutral|negative                 --field KEY=VALUE (repeatable)
  --status all|active|completed   --limit N (default 50)   --cursor C   --json

Summarize flags:
  --ollama URL    Ollama's address (default $OLLAMA_HOST, else http://127.0.0.1:11434; kept for later);
                  it must be this machine (127.0.0.0/8, ::1, localhost) unless allowed:
  --allow-remote-ollama  let the address be another machine, which then receives the
                  conversations (kept for later with the --ollama it came with)
  --model NAME    the model (default llama3.2:3b; kept for later)
  --builtin       use the built-in summarizer even when Ollama runs
  --all           summarize every session again     --retry-failed   try failed sessions again

--data DIR defaults to $SESSIONS_DATA, else the user data dir + /sessions.
`

// Config is what every command needs.
type Config struct {
	// DataDir holds the database and, in DataDir/index, the search index.
	DataDir string
	// shared, when set, is the running app's own open store and index
	// (see Services.commandConfig): a command sent over the app's local
	// socket runs against them, since the app holds the index, and
	// leaves closing them to the app. open uses it only for its DataDir.
	shared *backend
	// lazyIndex opens the search index only once words need it: a command
	// that may read a million rows without (export) keeps its memory.
	lazyIndex bool
}

// Validate checks the config.
func (c Config) Validate() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("no data dir: set --data DIR or SESSIONS_DATA")
	}
	return nil
}

// DefaultDataDir is $SESSIONS_DATA, else the OS user data dir + /sessions.
func DefaultDataDir() string {
	if d := os.Getenv("SESSIONS_DATA"); d != "" {
		return d
	}
	var base string
	switch runtime.GOOS {
	case "windows":
		base = os.Getenv("LocalAppData")
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, "Library", "Application Support")
		}
	default:
		base = os.Getenv("XDG_DATA_HOME")
		if base == "" {
			if home, err := os.UserHomeDir(); err == nil {
				base = filepath.Join(home, ".local", "share")
			}
		}
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, "sessions")
}

// Main runs the program with args (without the program name) and returns
// the exit status: 0 success, 1 failure, 2 bad usage. With no command it
// opens the desktop window on assets.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, assets fs.FS) int {
	return runArgs(ctx, Config{DataDir: DefaultDataDir()}, args, stdout, stderr, assets)
}

// usageHint ends every message about a mistake in the command line: the
// whole usage is one command away, not printed over the error.
const usageHint = "Run 'sessions --help' for usage."

// runArgs is Main over a given config: the global flags, then one command.
func runArgs(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer, assets fs.FS) int {
	global := flag.NewFlagSet("sessions", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data dir")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "sessions: %v\n%s\n", err, usageHint)
		return 2
	}
	rest := global.Args()
	// While the app is open on this library it holds the index: the
	// command runs inside it, over its socket (not when this already is
	// the app running a forwarded command).
	if cfg.shared == nil {
		if handled, code := forwardToApp(ctx, cfg, rest, stdout, stderr); handled {
			return code
		}
	}
	cmd := ""
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	var run func(context.Context, Config, []string, io.Writer, io.Writer) error
	switch cmd {
	case "":
		run = func(ctx context.Context, cfg Config, _ []string, _, _ io.Writer) error {
			return runDesktop(ctx, cfg, assets)
		}
	case "import":
		run = runImport
	case "list":
		run = runList
	case "show":
		run = runShow
	case "watch":
		run = runWatch
	case "reindex":
		run = runReindex
	case "summarize":
		run = runSummarize
	case "labels":
		run = runLabels
	case "label":
		run = runLabel
	case "unlabel":
		run = runUnlabel
	case "fields":
		run = runFields
	case "field":
		run = runField
	case "export":
		run = runExport
	case "insights":
		run = runInsights
	case "serve":
		run = serveCommand(assets)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "sessions: unknown command %q\n%s\n", cmd, usageHint)
		return 2
	}
	return exitStatus(cmd, run(ctx, cfg, rest, stdout, stderr), stderr)
}

// exitStatus says what failed, in one line, and turns err into the exit
// status: 0 success, 1 failure, 2 bad usage.
func exitStatus(cmd string, err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "sessions %s: %s\n%s\n", cmd, termLine(err.Error()), usageHint)
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(stderr, "sessions: %s\n", termLine(err.Error()))
		return 1
	}
}

// usageError is a mistake in the command line.
type usageError struct{ error }

// errReported means the command already told the user what failed.
var errReported = errors.New("reported")

// parseInterleaved parses flags that may stand before, between or after the
// positional arguments, as users type them.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, usageError{err}
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseNoArgs parses a command that takes flags only.
func parseNoArgs(fset *flag.FlagSet, args []string) error {
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", pos[0])}
	}
	return nil
}

func newFlagSet(name string, cfg *Config) *flag.FlagSet {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	fset.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data dir")
	return fset
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// backend is the store and the timeline over it, opened together.
type backend struct {
	st      *store.Store
	tl      *timeline.Service
	dataDir string
	// shared says the store and index belong to the running app: Close
	// leaves them open.
	shared bool
	// app is the running app's services when shared: an import run
	// inside it tells its window and kicks its model summaries.
	app *Services
}

// open opens the database and the search index of the data dir, or hands
// back the app's own when cfg carries them for that dir.
func open(ctx context.Context, cfg Config) (*backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.shared != nil && sameDir(cfg.DataDir, cfg.shared.dataDir) {
		return cfg.shared, nil
	}
	// A second process (an import beside an import) waits for the first;
	// said once, as an import writes in many transactions.
	var saidWait atomic.Bool
	st, err := store.OpenWith(ctx, cfg.DataDir, store.Options{OnWait: func() {
		if !saidWait.Swap(true) {
			fmt.Fprintln(os.Stderr, "sessions: waiting for another Sessions process to finish writing…")
		}
	}})
	if err != nil {
		return nil, err
	}
	if ro := st.ReadOnly(); ro != nil {
		fmt.Fprintf(os.Stderr, "sessions: %v; reading works\n", ro)
	}
	// A word search or a reindex beside a CLI import waits this long for
	// the search index; filters without words never wait.
	const indexLockWait = time.Minute
	topts := timeline.Options{
		LockWait: indexLockWait,
		OnLockWait: func(holder string) {
			fmt.Fprintf(os.Stderr, "sessions: the search index is in use by %s; waiting up to %s…\n", holder, indexLockWait)
		},
	}
	if cfg.lazyIndex {
		return &backend{st: st, tl: timeline.OpenLazy(st, filepath.Join(cfg.DataDir, "index"), topts), dataDir: cfg.DataDir}, nil
	}
	tl, err := timeline.OpenWith(ctx, st, filepath.Join(cfg.DataDir, "index"), topts)
	if err != nil {
		st.Close()
		return nil, err
	}
	if err := tl.IndexUnavailable(); errors.Is(err, timeline.ErrIndexUnavailable) && st.ReadOnly() == nil {
		fmt.Fprintf(os.Stderr, "sessions: %v\n", err)
	}
	return &backend{st: st, tl: tl, dataDir: cfg.DataDir}, nil
}

// Close closes the store and the index, unless they are the app's.
func (b *backend) Close() error {
	if b.shared {
		return nil
	}
	return errors.Join(b.tl.Close(), b.st.Close())
}

// services returns the services over the backend, showing times in this
// machine's zone; the commands call the same methods as the UI, so both
// show the same data the same way. Their calls run under ctx.
func (b *backend) services(ctx context.Context) *Services {
	return NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: b.dataDir})
}

// afterImport runs the after-import pipeline the app runs too (built-in
// summaries, then the index), telling a terminal how far the index is.
func (b *backend) afterImport(ctx context.Context, stderr io.Writer) error {
	return jobs.AfterImport{Store: b.st, Timeline: b.tl, IndexProgress: indexProgress(stderr, "indexing for search", syncBatchQuiet)}.Run(ctx)
}

// syncIndex brings the search index up to date, telling a terminal how far
// it is when that takes a while.
func (b *backend) syncIndex(ctx context.Context, stderr io.Writer) error {
	err := b.tl.Sync(ctx, indexProgress(stderr, "indexing for search", syncBatchQuiet))
	if err != nil {
		return fmt.Errorf("update search index: %w", err)
	}
	return nil
}

// indexProgress prints index progress on one terminal line, twice a
// second at most, once more than quiet sessions are to be done.
func indexProgress(w io.Writer, what string, quiet int) func(done, total int) {
	last := time.Now()
	return func(done, total int) {
		if total <= quiet || (time.Since(last) < 500*time.Millisecond && done != total) {
			return
		}
		fmt.Fprintf(w, "\r%s: %d/%d", what, done, total)
		if done == total {
			fmt.Fprintln(w)
		}
		last = time.Now()
	}
}

// syncBatchQuiet is how many sessions the index catches up with silently.
const syncBatchQuiet = 5000

// ImportReport is the --json output of import.
type ImportReport struct {
	Files  []ImportFileView `json:"files"`
	Totals ImportTotals     `json:"totals"`
}

// ImportFileView is one file of an import report.
type ImportFileView struct {
	importer.FileReport
	Error *string `json:"error"`
}

// ImportTotals sums an import report.
type ImportTotals struct {
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
	Sessions      int `json:"sessions"`
	Duplicates    int `json:"duplicates"`
	Reread        int `json:"reread"`
	Repaired      int `json:"repaired"`
	Ignored       int `json:"ignored"`
	Partial       int `json:"partial"`   // files imported but for a thread that could not be read
	Cancelled     int `json:"cancelled"` // files stopped by the user, rolled back
	Failed        int `json:"failed"`
}

// importFlags adds the flags import and watch share; the returned func
// reads them once parsed.
func importFlags(fset *flag.FlagSet) func() (importer.Options, error) {
	tz := fset.String("tz", "", "zone")
	gap := fset.Duration("gap", 0, "session gap")
	var agents, bots stringList
	fset.Var(&agents, "agent", "agent name")
	fset.Var(&bots, "bot", "bot name")
	return func() (importer.Options, error) {
		if *gap < 0 {
			return importer.Options{}, usageError{fmt.Errorf("--gap %v: must be positive", *gap)}
		}
		var loc *time.Location // none given: the zone set in Settings, else this machine's (withZone)
		if *tz != "" {
			var err error
			if loc, err = time.LoadLocation(*tz); err != nil {
				return importer.Options{}, usageError{fmt.Errorf("--tz %q: unknown time zone (use an IANA name such as Europe/Berlin)", *tz)}
			}
		}
		return importer.Options{Location: loc, Gap: *gap, Agents: agents, Bots: bots}, nil
	}
}

func runImport(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("import", &cfg)
	opts := importFlags(fset)
	asJSON := fset.Bool("json", false, "json")
	paths, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageError{errors.New("no PATH given")}
	}
	o, err := opts()
	if err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	o.Location = withZone(ctx, b.st, o.Location)
	res, err := importer.New(b.st, o).ImportPaths(ctx, paths)
	cancelled := ctx.Err() != nil
	if err != nil && !cancelled {
		return err
	}
	// Every new session gets a built-in summary at once (a model upgrades
	// it later), and the import returns once search has caught up too, so
	// a search right after it finds what it brought. What is imported is
	// saved whatever happens here: both catch up at the next start.
	var after error
	if !cancelled {
		after = b.afterImport(ctx, stderr)
	}
	report := buildReport(res)
	if b.app != nil && !cancelled && after == nil {
		// Run inside the open app: its window shows what came in, and its
		// model upgrades the built-in summaries, as after its own imports.
		b.app.c.emit(EventImportReport, &report)
		b.app.Summaries.upgrade()
	}
	for _, f := range res.Files {
		if f.Err != nil {
			fmt.Fprintf(stderr, "sessions: %s\n", termLine(f.Err.Error()))
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, report); err != nil {
			return err
		}
	} else {
		printImportReport(stdout, report)
	}
	switch {
	case cancelled:
		fmt.Fprintln(stderr, "sessions: import cancelled: the files listed as imported are saved, the one being read was rolled back whole")
	case after != nil:
		fmt.Fprintf(stderr, "sessions: the import is saved, but %v; they catch up when Sessions next starts\n", after)
	}
	// The exit status: 0 when every file was imported whole (lines that are
	// no message may be skipped: they are listed), 1 when a file failed, a
	// thread of a download could not be read, the import was cancelled or
	// the steps after it failed.
	if cancelled || after != nil || report.Totals.Failed > 0 || report.Totals.Partial > 0 || report.Totals.Cancelled > 0 {
		return errReported
	}
	return nil
}

func printImportReport(w io.Writer, r ImportReport) {
	for _, f := range r.Files {
		switch {
		case f.Status == importer.StatusCancelled:
			fmt.Fprintf(w, "✗ %s: cancelled, nothing of it imported\n", termLine(f.Path))
			continue
		case f.Error != nil:
			fmt.Fprintf(w, "✗ %s: failed (see above)\n", termLine(f.Path))
			continue
		}
		mark := "✓"
		if f.Status == importer.StatusPartial {
			mark = "!"
		}
		fmt.Fprintf(w, "%s %s (%s): %s, %s, %s skipped", mark,
			termLine(f.Path), f.Format, plural(f.Messages, "message"), plural(f.Sessions, "new session"), plural(f.Duplicates, "duplicate"))
		if f.BrokenThreads > 0 {
			fmt.Fprintf(w, "; %s could not be read (below), the rest imported", plural(f.BrokenThreads, "thread"))
		}
		if f.SkippedLines > 0 {
			fmt.Fprintf(w, "; %s not imported", plural(f.SkippedLines, "line"))
		}
		if f.Repaired > 0 {
			fmt.Fprintf(w, "; %s of invalid UTF-8 replaced by \uFFFD", plural(f.Repaired, "byte"))
		}
		switch {
		case f.Reread == 1:
			fmt.Fprint(w, ", 1 stored entry read anew")
		case f.Reread > 1:
			fmt.Fprintf(w, ", %d stored entries read anew", f.Reread)
		}
		fmt.Fprintln(w)
		for i, s := range f.Skipped {
			if i == 20 {
				fmt.Fprintf(w, "    … and %d more unreadable lines\n", len(f.Skipped)-20)
				break
			}
			switch {
			case s.Line == 0:
				fmt.Fprintf(w, "    %s\n", termLine(s.Reason)) // a whole thread file; the reason names it
			case s.File != "":
				fmt.Fprintf(w, "    %s line %d: %s\n", termLine(s.File), s.Line, termLine(s.Reason))
			default:
				fmt.Fprintf(w, "    line %d: %s\n", s.Line, termLine(s.Reason))
			}
		}
	}
	t := r.Totals
	fmt.Fprintf(w, "%s: %s, %s, %s skipped", plural(len(r.Files), "file"),
		plural(t.Messages, "message"), plural(t.Sessions, "new session"), plural(t.Duplicates, "duplicate"))
	if t.Ignored > 0 {
		fmt.Fprintf(w, ", %s ignored (not chat exports)", plural(t.Ignored, "other file"))
	}
	if t.Partial > 0 {
		fmt.Fprintf(w, ", %d imported in part", t.Partial)
	}
	if t.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", t.Failed)
	}
	if t.Cancelled > 0 {
		fmt.Fprintf(w, ", %d cancelled", t.Cancelled)
	}
	fmt.Fprintln(w)
}

func runList(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("list", &cfg)
	filters := listFilterFlags(fset)
	limit := fset.Int("limit", DefaultPageSize, "page size")
	cursor := fset.String("cursor", "", "cursor")
	asJSON := fset.Bool("json", false, "json")
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	req, err := filters()
	if err != nil {
		return err
	}
	req.Limit, req.Cursor = *limit, *cursor
	if req.Limit <= 0 {
		return usageError{fmt.Errorf("--limit %d: must be positive", req.Limit)}
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.syncIndex(ctx, stderr); err != nil {
		if ctx.Err() != nil {
			return err
		}
		// A full disk stops the index from catching up, but the database
		// still answers: list what it has and say what may be missing.
		fmt.Fprintf(stderr, "sessions: %v; the list may miss the latest changes\n", err)
	}
	svc := b.services(ctx)
	defer svc.Stop()
	page, err := svc.Sessions.ListSessions(req)
	if errors.Is(err, timeline.ErrBadFilter) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, page)
	}
	if len(page.Sessions) == 0 && req.Cursor == "" {
		if page.Total == 0 && !req.filtered() {
			fmt.Fprintln(stdout, "No sessions yet. Import an export: sessions import \"WhatsApp Chat with Alice.zip\"")
		} else {
			fmt.Fprintln(stdout, "No sessions match.")
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTARTED\tCONTACT\tCHANNEL\tSTATUS\tDURATION\tMESSAGES")
	for _, s := range page.Sessions {
		dur := "-"
		if s.DurationS != nil {
			dur = humanDuration(*s.DurationS)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", s.ID, humanTime(s.StartedAt), termLine(s.Contact.Name), termLine(s.Channel), termLine(s.Status), dur, s.MessageCount)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%s of %d", plural(len(page.Sessions), "session"), page.Total)
	if page.NextCursor != nil {
		fmt.Fprintf(stdout, "; more: add --cursor %s", *page.NextCursor)
	}
	fmt.Fprintln(stdout)
	return nil
}

func runReindex(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("reindex", &cfg)
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	started := time.Now()
	if err := b.tl.Rebuild(ctx, indexProgress(stderr, "indexing", 0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Search index rebuilt in %s.\n", time.Since(started).Round(time.Millisecond))
	return nil
}

func runShow(ctx context.Context, cfg Config, args []string, stdout, _ io.Writer) error {
	fset := newFlagSet("show", &cfg)
	asJSON := fset.Bool("json", false, "json")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{errors.New("want exactly one session ID")}
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Errorf("session ID %q is not a number", pos[0])}
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	svc := b.services(ctx)
	defer svc.Stop()
	d, err := svc.Sessions.GetSession(id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, d)
	}
	fmt.Fprintf(stdout, "Session %d · %s · %s · %s\n", d.ID, termLine(d.Contact.Name), termLine(d.Channel), termLine(d.Status))
	fmt.Fprintf(stdout, "Started %s", humanTime(d.StartedAt))
	if d.EndedAt != nil {
		fmt.Fprintf(stdout, ", ended %s (%s)", humanTime(*d.EndedAt), humanDuration(*d.DurationS))
	}
	fmt.Fprintf(stdout, ", %s", plural(d.MessageCount, "message"))
	if d.NoticeCount > 0 {
		// Notices and calls are shown in the session but are not messages.
		fmt.Fprintf(stdout, " and %s", plural(d.NoticeCount, "notice"))
	}
	fmt.Fprintln(stdout)
	if d.Summary != nil {
		tag := ""
		if d.SummarySource != nil && *d.SummarySource == "builtin" {
			tag = " (built-in)"
		}
		fmt.Fprintf(stdout, "Summary%s: %s\n", tag, termText(*d.Summary))
	}
	if d.Sentiment != nil {
		fmt.Fprintf(stdout, "Sentiment: %s\n", termLine(*d.Sentiment))
	}
	if len(d.Labels) > 0 || len(d.Fields) > 0 {
		printTags(stdout, d.SessionView)
	}
	if d.Handoff.Bot != nil {
		fmt.Fprintf(stdout, "AI agent: %s", termLine(*d.Handoff.Bot))
		if d.Handoff.Agent != nil {
			fmt.Fprintf(stdout, ", handed off to %s at %s (the customer waited %s)", termLine(*d.Handoff.Agent), humanTime(*d.Handoff.At), humanDuration(*d.Handoff.WaitS))
		} else {
			fmt.Fprint(stdout, ", handled the session alone")
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout)
	for _, m := range d.Messages {
		who := m.Role
		if m.Author != nil {
			who = *m.Author
		}
		if m.Role == "system" {
			line := m.Body
			if m.Kind == "call" && m.Author != nil {
				line = *m.Author + ": " + line
			}
			fmt.Fprintf(stdout, "%s  · %s\n", humanTime(m.At), strings.ReplaceAll(termText(line), "\n", "\n    "))
			continue
		}
		body := m.Body
		if m.Kind == "deleted" {
			body = "(deleted) " + body
		}
		for _, a := range m.Attachments {
			body += " [" + a + "]"
		}
		fmt.Fprintf(stdout, "%s  %s (%s): %s\n", humanTime(m.At), termLine(who), termLine(m.Role), strings.ReplaceAll(termText(body), "\n", "\n    "))
	}
	return nil
}

// splitList reads repeatable flags that may also hold comma lists.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func humanTime(rfc string) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return t.Format("2006-01-02 15:04")
}

func humanDuration(s int64) string {
	d := time.Duration(s) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", s)
	case d < time.Hour:
		return fmt.Sprintf("%dm", s/60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
	}
}

// runWatch is `sessions watch DIR`: import what lands in DIR until stopped.
func runWatch(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("watch", &cfg)
	opts := importFlags(fset)
	settle := fset.Duration("settle", 2*time.Second, "how long a file must stay unchanged")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{errors.New("want exactly one folder to watch")}
	}
	o, err := opts()
	if err != nil {
		return err
	}
	wcfg := watch.Config{Dir: pos[0], Settle: *settle}
	if err := wcfg.Validate(); err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	o.Location = withZone(ctx, b.st, o.Location)
	imp := importer.New(b.st, o)
	inbox := imp.Inbox(func(r importer.FileReport) {
		if r.Err != nil {
			fmt.Fprintf(stderr, "sessions: %v\n", r.Err)
		}
		if err := b.afterImport(ctx, stderr); err != nil && ctx.Err() == nil {
			fmt.Fprintf(stderr, "sessions: the import is saved, but %v; they catch up when Sessions next starts\n", err)
		}
		printImportReport(stdout, buildReport(importer.Result{Files: []importer.FileReport{r}}))
	})
	fmt.Fprintf(stdout, "Watching %s (Ctrl-C to stop)\n", pos[0])
	return watch.New(wcfg, inbox, nil).Run(ctx)
}
