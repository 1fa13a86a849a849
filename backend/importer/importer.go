// Package importer turns export files into stored conversations, messages
// and sessions. It detects the format of a file by its content, hands it to
// the format's parser, assigns roles, and writes everything of one file in
// one transaction: a file either lands whole or leaves the database as it was.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/meta"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/webchat"
)

// ErrUnsupported is returned for a file that is no known export format.
var ErrUnsupported = errors.New("not a supported export (supported: a WhatsApp chat export .txt or .zip; " +
	"an Instagram or Facebook \"Download your information\" zip or folder, JSON or HTML, or the end-to-end-encrypted Messenger export; " +
	"a web-chat export in the Sessions JSON or CSV format, a Chatwoot conversation JSON or a tawk.to transcript JSON)")

// Options are the choices of one import run.
type Options struct {
	// Location is the zone the exporting phone was in; WhatsApp times carry
	// none. Nil means time.Local.
	Location *time.Location
	// Gap overrides the session gap and becomes the stored setting; zero
	// keeps the stored setting (default sessions.DefaultGap).
	Gap time.Duration
	// Agents and Bots are names added to the stored settings before importing.
	Agents, Bots []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// FileReport is the outcome of importing one file (or one folder holding a
// Meta download): the same facts reach the CLI's text and --json, the
// window's report and the import history.
type FileReport struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	// Status is StatusOK, StatusPartial (imported, but a whole thread of it
	// could not be read), StatusFailed (nothing imported: Err says why) or
	// StatusCancelled (stopped by the user; nothing imported).
	Status        string `json:"status"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"`
	Sessions      int    `json:"sessions"`
	Duplicates    int    `json:"duplicates"`
	// Reread counts stored messages this import read differently (their
	// role or kind), so their sessions were split again.
	Reread int `json:"reread"`
	// Repaired counts bytes of invalid UTF-8 replaced by U+FFFD.
	Repaired int `json:"repaired"`
	// BrokenThreads counts the threads of a download that could not be
	// read (each is also in Skipped, with line 0); their siblings imported.
	BrokenThreads int `json:"broken_threads"`
	// SkippedLines counts the lines not imported (unreadable lines, lines
	// cut off over-long messages), also past the cap of Skipped.
	SkippedLines int            `json:"skipped_lines"`
	Skipped      []chat.Skipped `json:"skipped"`
	Err          error          `json:"-"`
}

// The statuses of a FileReport (and of the import history).
const (
	StatusOK        = "ok"
	StatusPartial   = "partial"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Complete reports whether everything the file holds was imported: the rule
// behind the CLI's exit status. Lines skipped inside a file (text that is no
// message) do not make it incomplete; a thread, a file or a cancel does.
func (r FileReport) Complete() bool { return r.Status == StatusOK }

// Importer imports files into a store.
type Importer struct {
	st   *store.Store
	opts Options
}

// New returns an importer writing into st.
func New(st *store.Store, opts Options) *Importer {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Importer{st: st, opts: opts}
}

// Result is the outcome of importing a list of paths.
type Result struct {
	Files []FileReport
	// Ignored counts files met while walking a folder that are no
	// conversation export (photos, notes); they are not errors.
	Ignored int
}

// ImportPaths imports every path: a file, a zip or a folder (walked). A
// file that fails is reported and the others still import; the error
// returned is only for a path that cannot be read at all.
func (im *Importer) ImportPaths(ctx context.Context, paths []string) (Result, error) {
	var res Result
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		info, err := os.Stat(p)
		if err != nil {
			res.Files = append(res.Files, FileReport{Path: p, Status: StatusFailed, Err: fmt.Errorf("import %s: %w", p, err)})
			continue
		}
		if !info.IsDir() {
			res.Files = append(res.Files, im.ImportFile(ctx, p))
			continue
		}
		rep, ignored := im.importFolder(ctx, p)
		res.Files = append(res.Files, rep...)
		res.Ignored += ignored
	}
	return res, nil
}

// importFolder imports what a folder holds: a Meta download in it (found
// by walking) as one import, then every other export file on its own.
func (im *Importer) importFolder(ctx context.Context, dir string) (reps []FileReport, ignored int) {
	taken := map[string]bool{}
	if dl, err := meta.Discover(ctx, os.DirFS(dir)); err == nil && len(dl.Threads) > 0 {
		reps = append(reps, im.run(ctx, dir, FormatMetaFolder, "", func(ctx context.Context, w *writer) error {
			return w.importMetaFolder(ctx, dir, dl)
		}))
		for _, t := range dl.Threads {
			for _, f := range t.Files {
				taken[filepath.Join(dir, filepath.FromSlash(f))] = true
			}
		}
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir {
			if _, err := os.Stat(filepath.Join(path, store.FileName)); err == nil {
				return fs.SkipDir // a Sessions library kept among the exports
			}
		}
		if d.Type().IsRegular() && !taken[path] {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return append(reps, FileReport{Path: dir, Status: StatusFailed, Err: fmt.Errorf("walk %s: %w", dir, err)}), ignored
	}
	sort.Strings(files)
	for _, f := range files {
		found, err := Detect(ctx, f)
		switch {
		case err != nil && !errors.Is(err, ErrEmpty):
			// A broken zip among the exports is worth telling.
			reps = append(reps, im.importFound(ctx, found, err))
		case err != nil || found.Format == "" || (found.Format == FormatMetaFile && len(taken) > 0):
			// Not a conversation (a photo, a note beside the exports, an
			// empty file), or a part of the Meta download imported above
			// (an HTML twin).
			ignored++
		default:
			reps = append(reps, im.importFound(ctx, found, nil))
		}
		found.Close()
	}
	return reps, ignored
}

// ImportFile imports one file, in one transaction. A failed attempt is
// recorded in the import history and changes nothing else.
func (im *Importer) ImportFile(ctx context.Context, path string) FileReport {
	found, err := Detect(ctx, path)
	//lint:ignore SA5001 Detect hands back a Found to close with its error too
	defer found.Close()
	return im.importFound(ctx, found, err)
}

// importFound imports what Detect found (or records why it could not).
func (im *Importer) importFound(ctx context.Context, found *Found, err error) FileReport {
	path, format := found.Path, found.Format
	hash, herr := FileHash(path)
	if err == nil {
		err = herr
	}
	if err == nil && format == "" {
		err = fmt.Errorf("import %s: %w", path, ErrUnsupported)
	}
	if err != nil {
		return im.run(ctx, path, format, hash, func(context.Context, *writer) error { return err })
	}
	return im.run(ctx, path, format, hash, func(ctx context.Context, w *writer) error {
		switch format {
		case FormatWhatsAppText, FormatWhatsAppZip:
			return w.importWhatsApp(ctx, found)
		case FormatMetaZip, FormatMetaFile:
			return w.importMetaThreads(ctx, path, found.fsys, found.mine())
		case string(webchat.FormatJSON), string(webchat.FormatCSV), string(webchat.FormatChatwoot), string(webchat.FormatTawk):
			return w.importWebChat(ctx, path, webchat.Format(format))
		}
		return fmt.Errorf("import %s: %w", path, ErrUnsupported)
	})
}

// run imports one unit (a file, or a folder holding a Meta download) in one
// transaction with body. A failed attempt is recorded in the import
// history and changes nothing else.
func (im *Importer) run(ctx context.Context, path, format, hash string, body func(context.Context, *writer) error) FileReport {
	rep := FileReport{Path: path, Format: format, Status: StatusOK}
	started := im.opts.Now().UnixMilli()
	err := im.st.Update(ctx, func(tx *store.Tx) error {
		rec := store.Import{Path: path, FileHash: hash, Format: format, Status: "ok", StartedAt: started, FinishedAt: started}
		id, err := tx.RecordImport(ctx, rec)
		if err != nil {
			return err
		}
		w := &writer{tx: tx, im: im, importID: id, rep: &rep}
		if err := w.loadSettings(ctx); err != nil {
			return err
		}
		if err := body(ctx, w); err != nil {
			return err
		}
		if rep.BrokenThreads > 0 {
			rep.Status = StatusPartial
		}
		if rep.SkippedLines < len(rep.Skipped) {
			rep.SkippedLines = len(rep.Skipped)
		}
		rec.ID, rec.Status = id, historyStatus(rep.Status)
		rec.Conversations, rec.Messages, rec.Sessions, rec.Duplicates = rep.Conversations, rep.Messages, rep.Sessions, rep.Duplicates
		rec.Reread, rec.Repaired, rec.SkippedLines = rep.Reread, rep.Repaired, rep.SkippedLines
		rec.Skipped, rec.FinishedAt = rep.Skipped, im.opts.Now().UnixMilli()
		return tx.FinishImport(ctx, rec)
	})
	if err != nil {
		status := StatusFailed
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			status = StatusCancelled
			err = fmt.Errorf("import %s: cancelled, nothing of it was imported: %w", path, err)
		}
		rep = FileReport{Path: path, Format: format, Status: status, Err: err}
		// The history keeps failed and cancelled attempts too; if even that
		// fails, the import error is still what the user needs to see.
		bg := context.WithoutCancel(ctx)
		_ = im.st.Update(bg, func(tx *store.Tx) error {
			_, e := tx.RecordImport(bg, store.Import{Path: path, FileHash: hash, Format: format, Status: status,
				Error: err.Error(), StartedAt: started, FinishedAt: im.opts.Now().UnixMilli()})
			return e
		})
	}
	return rep
}

// historyStatus is how the import history records a status: a partial
// import committed, so it is "ok" there, its broken threads in its skipped
// list.
func historyStatus(s string) string {
	if s == StatusPartial {
		return StatusOK
	}
	return s
}

// writer holds what one file's transaction needs.
type writer struct {
	tx       *store.Tx
	im       *Importer
	importID int64
	rep      *FileReport
	agents   map[string]bool
	bots     map[string]bool
	gap      time.Duration
}

// loadSettings merges the run's agent and bot names and gap into the stored
// settings, so later imports use them too.
func (w *writer) loadSettings(ctx context.Context) error {
	var err error
	if w.agents, err = w.mergeNames(ctx, store.SettingAgents, w.im.opts.Agents); err != nil {
		return err
	}
	if w.bots, err = w.mergeNames(ctx, store.SettingBots, w.im.opts.Bots); err != nil {
		return err
	}
	w.gap = sessions.DefaultGap
	if w.im.opts.Gap > 0 {
		w.gap = w.im.opts.Gap
		return w.tx.SetSetting(ctx, store.SettingSessionGap, w.gap.String())
	}
	v, err := w.tx.Setting(ctx, store.SettingSessionGap)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if w.gap, err = time.ParseDuration(v); err != nil || w.gap <= 0 {
		return fmt.Errorf("stored session gap %q is not a duration: %v", v, err)
	}
	return nil
}

func (w *writer) mergeNames(ctx context.Context, key string, add []string) (map[string]bool, error) {
	names, err := w.tx.Names(ctx, key)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, n := range names {
		set[nameKey(n)] = true
	}
	changed := false
	for _, n := range add {
		n = strings.TrimSpace(n)
		if n == "" || set[nameKey(n)] {
			continue
		}
		set[nameKey(n)] = true
		names = append(names, n)
		changed = true
	}
	if changed {
		if err := w.tx.SetNames(ctx, key, names); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// nameKey is how names are compared: case, spacing and the invisible marks
// exports put around names and phone numbers do not matter.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' || r == '-' || r == '\u2011':
		case r >= '\u200b' && r <= '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\ufeff':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitConversation brings the stored sessions of a conversation in line
// with a new split, keeping ids where a session still applies.
func (w *writer) splitConversation(ctx context.Context, conv store.Conversation, spans []sessions.Span) (created int, err error) {
	bounds, err := w.tx.ConversationSessions(ctx, conv.ID)
	if err != nil {
		return 0, err
	}
	stored := make([]sessions.Stored, len(bounds))
	for i, b := range bounds {
		stored[i] = sessions.Stored{ID: b.ID, StartedAt: b.StartedAt, LastMessageAt: b.LastMessageAt}
	}
	plan := sessions.Reconcile(stored, spans)
	now := w.im.opts.Now().UnixMilli()
	for _, m := range plan.Merge {
		if err := w.tx.MergeSession(ctx, m.Into, m.From); err != nil {
			return 0, err
		}
	}
	for _, id := range plan.Delete {
		if err := w.tx.DeleteSession(ctx, id); err != nil {
			return 0, err
		}
	}
	for _, k := range plan.Keep {
		if err := w.tx.UpdateSession(ctx, k.ID, w.spanRow(k.Span), now); err != nil {
			return 0, err
		}
	}
	for _, sp := range plan.Create {
		if _, err := w.tx.InsertSession(ctx, conv.ID, conv.ContactID, conv.Channel, w.spanRow(sp), now); err != nil {
			return 0, err
		}
	}
	return len(plan.Create), nil
}

func (w *writer) spanRow(sp sessions.Span) store.SessionSpan {
	return store.SessionSpan{StartedAt: sp.StartedAt, LastMessageAt: sp.LastMessageAt, GapMS: w.gap.Milliseconds(),
		MessageCount: sp.MessageCount, Bot: sp.Bot, HandoffAgent: sp.HandoffAgent, HandoffAt: sp.HandoffAt,
		HandoffWaitMS: sp.HandoffWaitMS, Replies: sp.Replies}
}

// readHead returns up to n bytes from the start of a file.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:k], nil
}
