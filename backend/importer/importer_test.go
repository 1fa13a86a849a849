package importer

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
)

// fixed is the clock of the tests: long after every test chat, so all
// sessions are completed unless a test says otherwise.
var fixed = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newImporter(st *store.Store, opts Options) *Importer {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	opts.Now = func() time.Time { return fixed }
	return New(st, opts)
}

const alice = "testdata/WhatsApp Chat with Alice Example.txt"

func allSessions(t *testing.T, st *store.Store) []store.Session {
	t.Helper()
	rows, err := st.ListSessions(context.Background(), store.ListSessions{Now: fixed.UnixMilli(), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func counts(t *testing.T, st *store.Store) store.Counts {
	t.Helper()
	c, err := st.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportWhatsAppSessionsRolesHandoff(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rep := newImporter(st, Options{Bots: []string{"Shop Bot"}}).ImportFile(ctx, alice)
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	if rep.Format != FormatWhatsAppText || rep.Conversations != 1 || rep.Messages != 13 || rep.Sessions != 2 || rep.Duplicates != 0 {
		t.Fatalf("report = %+v", rep)
	}
	c := counts(t, st)
	if c.Contacts != 1 || c.Conversations != 1 || c.Messages != 14 || c.Sessions != 2 {
		t.Fatalf("counts = %+v (14 messages: 13 + the encryption notice)", c)
	}
	ss := allSessions(t, st)
	second, first := ss[0], ss[1]
	ms := func(s string) int64 { tm, _ := time.Parse("2006-01-02 15:04", s); return tm.UnixMilli() }
	checks := []struct {
		name      string
		got, want any
	}{
		{"contact", first.ContactName, "Alice Example"},
		{"first start", first.StartedAt, ms("2024-03-14 09:02")},
		{"first end", first.LastMessageAt, ms("2024-03-14 09:41")},
		{"first count", first.MessageCount, 7},
		{"bot", first.Bot, "Shop Bot"},
		{"handoff agent", first.HandoffAgent, "Maria Lopez"},
		{"handoff at", first.HandoffAt, ms("2024-03-14 09:11")},
		{"second start", second.StartedAt, ms("2024-03-20 18:30")},
		{"second end", second.LastMessageAt, ms("2024-03-21 08:15")},
		{"second count", second.MessageCount, 6},
		{"second bot", second.Bot, ""},
		{"channel", second.Channel, "whatsapp"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	msgs, err := st.SessionMessages(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	kinds := map[string]int{}
	for _, m := range msgs {
		roles[m.Author] = m.Role
		kinds[m.Kind]++
		if m.Kind == "media" && (len(m.Attachments) != 1 || m.Attachments[0] != "IMG-20240320-WA0004.jpg") {
			t.Errorf("media message attachments = %v", m.Attachments)
		}
		if strings.Contains(m.Body, "<This message was edited>") {
			t.Errorf("edited marker left in body %q", m.Body)
		}
	}
	if roles["Alice Example"] != "customer" || roles["Tom Baker"] != "agent" {
		t.Errorf("roles = %v", roles)
	}
	if kinds["deleted"] != 1 || kinds["media"] != 1 || kinds["text"] != 4 {
		t.Errorf("kinds = %v", kinds)
	}
	firstMsgs, _ := st.SessionMessages(ctx, first.ID)
	if firstMsgs[0].Role != "system" && firstMsgs[1].Role != "system" {
		// the notice shares the minute of the first message
		t.Errorf("encryption notice not shown inside the first session: %+v", firstMsgs[:2])
	}
}

func TestReimportIsIdempotentAndLongerExportKeepsIDs(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	imp := newImporter(st, Options{Bots: []string{"Shop Bot"}})
	if rep := imp.ImportFile(ctx, alice); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	before := allSessions(t, st)
	err := st.Update(ctx, func(tx *store.Tx) error { return tx.LabelSession(ctx, before[0].ID, "lid", 1) })
	if err != nil {
		t.Fatal(err)
	}
	cBefore := counts(t, st)

	rep := imp.ImportFile(ctx, alice)
	if rep.Err != nil || rep.Messages != 13 || rep.Duplicates != 13 || rep.Sessions != 0 {
		t.Fatalf("second import report = %+v", rep)
	}
	if c := counts(t, st); c != cBefore {
		t.Fatalf("counts after re-import = %+v, want %+v", c, cBefore)
	}
	again := allSessions(t, st)
	for i := range before {
		if again[i].ID != before[i].ID || again[i].StartedAt != before[i].StartedAt || again[i].LastMessageAt != before[i].LastMessageAt {
			t.Fatalf("session changed on re-import: %+v -> %+v", before[i], again[i])
		}
	}

	// The settings stay: the longer export names no bot, yet Shop Bot is one.
	rep = newImporter(st, Options{}).ImportFile(ctx, "testdata/later/WhatsApp Chat with Alice Example.txt")
	if rep.Err != nil || rep.Messages != 16 || rep.Duplicates != 13 || rep.Sessions != 1 {
		t.Fatalf("longer export report = %+v", rep)
	}
	after := allSessions(t, st)
	if len(after) != 3 {
		t.Fatalf("sessions after longer export = %d, want 3", len(after))
	}
	if after[1].ID != before[0].ID || after[2].ID != before[1].ID {
		t.Fatalf("session ids changed: before %d,%d after %d,%d", before[0].ID, before[1].ID, after[1].ID, after[2].ID)
	}
	if after[1].MessageCount != 7 || len(after[1].Labels) != 1 || after[1].Labels[0] != "lid" {
		t.Fatalf("extended session = %+v", after[1])
	}
	if after[2].Bot != "Shop Bot" {
		t.Fatalf("stored bot setting not used on a later import: %+v", after[2])
	}
	if c := counts(t, st); c.Conversations != 1 || c.Contacts != 1 || c.Messages != 17 {
		t.Fatalf("counts = %+v", c)
	}
}

func TestBadFilesChangeNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, path, want string
	}{
		{"empty file", "testdata/WhatsApp Chat with Empty.txt", "empty"},
		{"binary file", "testdata/binary.png", "not a supported export"},
		{"corrupt zip", "testdata/WhatsApp Chat - Broken.zip", "zip"},
		{"missing file", "testdata/nope.txt", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			imp := newImporter(st, Options{})
			if rep := imp.ImportFile(ctx, alice); rep.Err != nil {
				t.Fatal(rep.Err)
			}
			before := counts(t, st)
			rep := imp.ImportFile(ctx, tt.path)
			if rep.Err == nil {
				t.Fatalf("import of %s succeeded", tt.path)
			}
			msg := rep.Err.Error()
			if !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q should name the file and say %q", msg, tt.want)
			}
			if after := counts(t, st); after != before {
				t.Fatalf("counts changed from %+v to %+v", before, after)
			}
			hist, err := st.Imports(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if hist[0].Status != "failed" || hist[0].Error == "" || hist[0].Path != tt.path {
				t.Fatalf("history = %+v", hist[0])
			}
		})
	}
}

// TestCancelledImportChangesNothing: Ctrl-C half-way through a file rolls
// it back whole and the history says it was cancelled (and a watched folder
// tries the file again).
func TestCancelledImportChangesNothing(t *testing.T) {
	st := newStore(t)
	big := filepath.Join(t.TempDir(), "WhatsApp Chat with Customer.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteWhatsApp(f, synth.WhatsAppOptions{Messages: 20000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if rep := newImporter(st, Options{}).ImportFile(context.Background(), alice); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	before := counts(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The clock is read when the conversation is created, inside the
	// transaction and before the messages stream: cancel there.
	calls := 0
	imp := New(st, Options{Location: time.UTC, Now: func() time.Time {
		calls++
		if calls == 3 {
			cancel()
		}
		return fixed
	}})
	rep := imp.ImportFile(ctx, big)
	if rep.Status != StatusCancelled || rep.Err == nil || !strings.Contains(rep.Err.Error(), "cancelled") || !strings.Contains(rep.Err.Error(), big) {
		t.Fatalf("report = %+v, want cancelled, naming the file", rep)
	}
	if after := counts(t, st); after != before {
		t.Fatalf("counts changed from %+v to %+v", before, after)
	}
	hist, err := st.Imports(context.Background(), 10)
	if err != nil || hist[0].Status != StatusCancelled || hist[0].Path != big {
		t.Fatalf("history = %+v, %v", hist[0], err)
	}
	hash, err := FileHash(big)
	if err != nil {
		t.Fatal(err)
	}
	if seen, err := st.ImportedHash(context.Background(), hash); err != nil || seen {
		t.Fatalf("a cancelled file counts as seen (%v, %v): the watched folder would never retry it", seen, err)
	}
}

// TestReportFacts: skipped lines with their count, repaired bytes and the
// status reach the report and the import history alike.
func TestReportFacts(t *testing.T) {
	st := newStore(t)
	path := filepath.Join(t.TempDir(), "WhatsApp Chat with Bea.txt")
	body := "note before the chat\n14/03/2024, 09:02 - Bea: caf\xe9\n14/03/2024, 09:03 - Shop: " + strings.Repeat("x", 17<<20) + "\n14/03/2024, 09:04 - Shop: hi\n"
	body = strings.Replace(body, "14/03/2024, 09:03 - Shop: ", "14/03/2024, 09:03 - Shop: ok\n", 1)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := newImporter(st, Options{}).ImportFile(context.Background(), path)
	if rep.Err != nil || rep.Status != StatusOK || !rep.Complete() {
		t.Fatalf("report = %+v", rep)
	}
	if rep.Messages != 3 || rep.Repaired != 1 || rep.SkippedLines != 2 || len(rep.Skipped) != 2 || rep.Skipped[1].Line != 4 {
		t.Fatalf("report = %+v, want 3 messages, 1 byte repaired, lines 1 and 4 skipped", rep)
	}
	hist, err := st.Imports(context.Background(), 1)
	if err != nil || hist[0].Status != "ok" || hist[0].Repaired != 1 || hist[0].SkippedLines != 2 || len(hist[0].Skipped) != 2 {
		t.Fatalf("history = %+v, %v", hist[0], err)
	}
}

func TestImportFolderIgnoresOtherFiles(t *testing.T) {
	st := newStore(t)
	res, err := newImporter(st, Options{}).ImportPaths(context.Background(), []string{"testdata/folder"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Err != nil || res.Ignored != 2 {
		t.Fatalf("result = %+v", res)
	}
}

func TestImportZip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "WhatsApp Chat - Bob Stone.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("_chat.txt")
	w.Write([]byte("[14/03/2024, 09:02:11] Bob Stone: Hi, do you ship to Spain?\r\n" +
		"[14/03/2024, 09:05:40] Maria Lopez: Yes, 3 to 5 days.\r\n" +
		"\u200e[14/03/2024, 09:06:02] Bob Stone: \u200e<attached: 00000012-PHOTO-2024-03-14-09-06-02.jpg>\r\n"))
	w, _ = zw.Create("00000012-PHOTO-2024-03-14-09-06-02.jpg")
	w.Write([]byte("\xff\xd8\xff"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st := newStore(t)
	rep := newImporter(st, Options{}).ImportFile(context.Background(), path)
	if rep.Err != nil || rep.Format != FormatWhatsAppZip || rep.Messages != 3 || rep.Sessions != 1 {
		t.Fatalf("report = %+v", rep)
	}
	ss := allSessions(t, st)
	if ss[0].ContactName != "Bob Stone" {
		t.Fatalf("contact = %q", ss[0].ContactName)
	}
	msgs, _ := st.SessionMessages(context.Background(), ss[0].ID)
	last := msgs[len(msgs)-1]
	if last.Kind != "media" || len(last.Attachments) != 1 || last.Attachments[0] != "00000012-PHOTO-2024-03-14-09-06-02.jpg" {
		t.Fatalf("attachment message = %+v", last)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("import wrote files beside the zip: %v", entries)
	}
}

func TestTimeZone(t *testing.T) {
	st := newStore(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if rep := newImporter(st, Options{Location: ny}).ImportFile(context.Background(), alice); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	ss := allSessions(t, st)
	// 14 March 2024 09:02 in New York is EDT (UTC-4): 13:02 UTC.
	want := time.Date(2024, 3, 14, 13, 2, 0, 0, time.UTC).UnixMilli()
	if got := ss[len(ss)-1].StartedAt; got != want {
		t.Fatalf("start = %v, want %v", time.UnixMilli(got).UTC(), time.UnixMilli(want).UTC())
	}
}

func TestActiveFollowsTheClock(t *testing.T) {
	st := newStore(t)
	if rep := newImporter(st, Options{}).ImportFile(context.Background(), alice); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	last := allSessions(t, st)[0]
	for _, tc := range []struct {
		after  time.Duration
		active bool
	}{{time.Hour, true}, {23 * time.Hour, true}, {24*time.Hour + time.Minute, false}} {
		if got := last.Active(last.LastMessageAt + tc.after.Milliseconds()); got != tc.active {
			t.Errorf("%v after the last message: active = %v, want %v", tc.after, got, tc.active)
		}
	}
}

func TestNoCustomerLeftIsAnError(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "_chat.txt")
	os.WriteFile(p, []byte("14/03/2024, 09:02 - Maria Lopez: hello\n"), 0o600)
	rep := newImporter(st, Options{Agents: []string{"Maria Lopez"}}).ImportFile(context.Background(), p)
	if rep.Err == nil || !errors.Is(rep.Err, rep.Err) || !strings.Contains(rep.Err.Error(), "no customer") {
		t.Fatalf("err = %v", rep.Err)
	}
}

// TestReimportReadsStoredEntriesAnew: a library an earlier version filled
// (a notice stored as the customer's message, a message stored as a
// notice) is put right by importing the same export again, with the
// sessions split anew and their ids kept.
func TestReimportReadsStoredEntriesAnew(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	imp := newImporter(st, Options{Bots: []string{"Shop Bot"}})
	if rep := imp.ImportFile(ctx, alice); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	before := allSessions(t, st)
	msgs, err := st.ConversationMessages(ctx, before[0].ConversationID, store.MessagePage{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	// What an older reading left: the encryption notice as a message of
	// the customer, the customer's first message as a notice.
	notice, first := msgs[0], msgs[1]
	if notice.Role != "system" || first.Role != "customer" {
		t.Fatalf("fixture changed: %+v %+v", notice, first)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.Reclassify(ctx, notice.ID, "customer", "text"); err != nil {
			return err
		}
		return tx.Reclassify(ctx, first.ID, "system", "system")
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := imp.ImportFile(ctx, alice)
	if rep.Err != nil || rep.Reread != 2 || rep.Sessions != 0 || rep.Duplicates != 13 {
		t.Fatalf("re-import report = %+v, want 2 entries read anew and nothing new", rep)
	}
	after, err := st.ConversationMessages(ctx, before[0].ConversationID, store.MessagePage{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if after[0].Role != "system" || after[0].Kind != "system" || after[1].Role != "customer" || after[1].Kind != "text" {
		t.Fatalf("roles after re-import: %s/%s, %s/%s", after[0].Role, after[0].Kind, after[1].Role, after[1].Kind)
	}
	got := allSessions(t, st)
	if len(got) != len(before) {
		t.Fatalf("%d sessions, want %d", len(got), len(before))
	}
	for i := range got {
		if got[i].ID != before[i].ID || got[i].MessageCount != before[i].MessageCount || got[i].StartedAt != before[i].StartedAt {
			t.Errorf("session %d = %+v, want as before %+v", i, got[i], before[i])
		}
	}
	// And once more: nothing left to read anew.
	if rep := imp.ImportFile(ctx, alice); rep.Err != nil || rep.Reread != 0 {
		t.Fatalf("third import = %+v", rep)
	}
}
