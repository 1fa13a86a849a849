package timeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/store"
)

const day = int64(24 * time.Hour / time.Millisecond)

// base is 1 March 2024, 10:00 UTC; the fixture sessions start days after.
var base = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()

type seedSession struct {
	contact, email, channel string
	startDay                int
	summary, sentiment      string
	labels                  []string
	fields                  map[string]string
}

// library is the test library: names with accents and case, emails,
// summaries, labels and fields spread over channels and days.
var library = []seedSession{
	{"Jane Doe", "jane@acme.com", "whatsapp", 0, "Asked about a refund for the blue teapot", "negative", []string{"Refund"}, map[string]string{"order": "A-17"}},
	{"José Müller", "jose@beispiel.de", "instagram", 1, "Wants the café set delivered to Berlin", "positive", []string{"delivery"}, nil},
	{"Jonathan Price", "jp@example.org", "facebook", 2, "Complained that the lid was chipped", "negative", []string{"Refund", "quality"}, map[string]string{"order": "B-2"}},
	{"Bob Stone", "bob@acme.com", "webchat", 3, "Asked whether we ship to Spain", "neutral", []string{"Ärger"}, nil},
	{"Ana Ruiz", "", "whatsapp", 4, "Thanked the team for the fast delivery", "positive", []string{"delivery"}, map[string]string{"order": "A-17"}},
	{"Jan Kowalski", "jan@poczta.pl", "webchat", 5, "Asked for a discount code", "neutral", nil, nil},
	{"Zoë Stone", "zoe@acme.com", "instagram", 40, "Ordered a gift wrap for the teapot", "positive", []string{"gift"}, nil},
}

type fixture struct {
	st  *store.Store
	tl  *Service
	ids []int64 // in library order
	dir string
}

func open(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := Open(context.Background(), st, filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, tl: tl, dir: dir}
	t.Cleanup(func() { f.tl.Close(); st.Close() })
	for i, s := range library {
		f.ids = append(f.ids, f.add(t, i, s))
	}
	if err := tl.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// add stores one session with its contact, summary, labels and fields.
func (f *fixture) add(t *testing.T, n int, s seedSession) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		key := s.contact + string(rune('a'+n))
		cid, err := tx.CreateContact(ctx, store.Contact{Name: s.contact, Email: s.email}, s.channel, key, 1)
		if err != nil {
			return err
		}
		conv, err := tx.CreateConversation(ctx, store.Conversation{Channel: s.channel, ExternalKey: key, ContactID: cid, Title: s.contact}, 1)
		if err != nil {
			return err
		}
		start := base + int64(s.startDay)*day
		ins, err := tx.MessageInserter(ctx, conv, 0)
		if err != nil {
			return err
		}
		if _, err := ins.Insert(store.Message{At: start, Author: s.contact, Role: "customer", Kind: "text", Body: "hello, about my order " + s.summary, Hash: 1}); err != nil {
			return err
		}
		if err := ins.Close(); err != nil {
			return err
		}
		id, err = tx.InsertSession(ctx, conv, cid, s.channel, store.SessionSpan{StartedAt: start, LastMessageAt: start + 600_000, GapMS: day, MessageCount: 1}, 1)
		if err != nil {
			return err
		}
		if err := tx.SetSummary(ctx, id, store.Summary{Text: s.summary, Source: "builtin", Sentiment: s.sentiment}); err != nil {
			return err
		}
		for _, l := range s.labels {
			if err := tx.LabelSession(ctx, id, l, 1); err != nil {
				return err
			}
		}
		for k, v := range s.fields {
			if err := tx.SetFieldValue(ctx, id, k, v, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// now is long after every session: all are completed.
var now = base + 400*day

func (f *fixture) list(t *testing.T, flt Filter) []int64 {
	t.Helper()
	var ids []int64
	var after *store.Cursor
	for page := 0; page < 50; page++ {
		p, err := f.tl.List(context.Background(), flt, now, 2, after)
		if err != nil {
			t.Fatalf("List(%+v): %v", flt, err)
		}
		for _, s := range p.Sessions {
			ids = append(ids, s.ID)
		}
		if p.Next == nil {
			if p.Total != len(ids) {
				t.Fatalf("Total = %d but the pages hold %d sessions", p.Total, len(ids))
			}
			return ids
		}
		after = p.Next
	}
	t.Fatal("paging never ended")
	return nil
}

// want maps library positions to ids, newest first (library is in start order).
func (f *fixture) want(positions ...int) []int64 {
	var ids []int64
	for i := len(positions) - 1; i >= 0; i-- {
		ids = append(ids, f.ids[positions[i]])
	}
	return ids
}

func TestFilters(t *testing.T) {
	f := open(t)
	day := func(n int) int64 { return base - 10*3_600_000 + int64(n)*24*3_600_000 } // midnight UTC of day n
	tests := []struct {
		name   string
		filter Filter
		want   []int
	}{
		{"everything", Filter{}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"search box: a name", Filter{Q: "jane"}, []int{0}},
		{"search box: an email", Filter{Q: "acme.com"}, []int{0, 3, 6}},
		{"search box: summary words", Filter{Q: "teapot"}, []int{0, 6}},
		{"search box: accents and case", Filter{Q: "MULLER"}, []int{1}},
		{"search box: accented query", Filter{Q: "zoë"}, []int{6}},
		{"search box ignores message text", Filter{Q: "hello"}, nil},
		{"partial name", Filter{Name: "jan"}, []int{0, 5}},
		{"name typo", Filter{Name: "Jonathon"}, []int{2}},
		{"email", Filter{Email: "acme"}, []int{0, 3, 6}},
		{"summary contains", Filter{Summary: "delivery"}, []int{4}},
		{"message text contains", Filter{Text: "discount"}, []int{5}},
		{"one channel", Filter{Channels: []string{"webchat"}}, []int{3, 5}},
		{"two channels", Filter{Channels: []string{"webchat", "facebook"}}, []int{2, 3, 5}},
		{"label, any case", Filter{Labels: []string{"refund"}}, []int{0, 2}},
		{"label, non-ASCII case", Filter{Labels: []string{"äRGER"}}, []int{3}},
		{"label, non-ASCII case, with words", Filter{Labels: []string{"ärger"}, Q: "spain"}, []int{3}},
		{"label with spaces around", Filter{Labels: []string{" Refund ", ""}}, []int{0, 2}},
		{"field value with spaces around", Filter{Fields: map[string]string{"order": " A-17 "}}, []int{0, 4}},
		{"labels, any of", Filter{Labels: []string{"gift", "quality"}}, []int{2, 6}},
		{"sentiment", Filter{Sentiment: "positive"}, []int{1, 4, 6}},
		{"custom field", Filter{Fields: map[string]string{"order": "a-17"}}, []int{0, 4}},
		{"from day 2", Filter{From: day(2)}, []int{2, 3, 4, 5, 6}},
		{"to day 2 inclusive", Filter{To: day(3) - 1}, []int{0, 1, 2}},
		{"between", Filter{From: day(1), To: day(4) - 1}, []int{1, 2, 3}},
		{"layered without words", Filter{Labels: []string{"Refund"}, Sentiment: "negative", Channels: []string{"facebook"}}, []int{2}},
		{"layered with words", Filter{Q: "acme", Channels: []string{"webchat", "instagram"}, From: day(3)}, []int{3, 6}},
		{"layered words and field", Filter{Summary: "refund teapot", Fields: map[string]string{"order": "A-17"}}, []int{0}},
		{"completed", Filter{Status: "completed"}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"active", Filter{Status: "active"}, nil},
		{"active with words", Filter{Status: "active", Q: "jane"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.list(t, tt.filter)
			want := f.want(tt.want...)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}

// TestCountsFromIndexEqualSQLite checks that the index counts filters
// without words as SQLite does, and that a count falls back to SQLite
// while the index has not caught up.
func TestCountsFromIndexEqualSQLite(t *testing.T) {
	f := open(t)
	ctx := context.Background()
	day := func(n int) int64 { return base - 10*3_600_000 + int64(n)*24*3_600_000 }
	filters := []Filter{
		{}, {Channels: []string{"webchat", "facebook"}}, {Labels: []string{"REFUND", "gift"}}, {Sentiment: "neutral"},
		{Fields: map[string]string{"order": "a-17"}}, {From: day(1), To: day(4) - 1}, {Status: "completed"},
		{Status: "active"}, {Labels: []string{"Refund"}, Sentiment: "negative", Channels: []string{"facebook"}},
		{Labels: []string{"äRGER"}},
	}
	for _, at := range []int64{now, day(40) + 12*3_600_000} { // all completed; Zoë active
		for _, flt := range filters {
			q := store.ListSessions{Status: flt.Status, Now: at, Channels: flt.Channels, Labels: flt.Labels,
				Sentiment: flt.Sentiment, Fields: flt.Fields, From: flt.From, To: flt.To}
			want, err := f.st.CountSessions(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := f.tl.indexCount(ctx, flt, at)
			if err != nil || !ok || got != want {
				t.Errorf("%+v at %d: index count = %d, %v, %v; SQLite counts %d", flt, at, got, ok, err, want)
			}
		}
	}

	// A session stored but not yet indexed: the count must include it.
	f.add(t, 7, seedSession{"Eve Late", "eve@acme.com", "webchat", 6, "Asked again", "neutral", nil, nil})
	if _, ok, err := f.tl.indexCount(ctx, Filter{}, now); ok || err != nil {
		t.Fatalf("index count with a pending outbox: ok = %v, %v; want a fallback", ok, err)
	}
	p, err := f.tl.List(ctx, Filter{Channels: []string{"webchat"}}, now, 10, nil)
	if err != nil || p.Total != 3 || len(p.Sessions) != 3 {
		t.Fatalf("webchat before the index caught up: total %d, %d sessions, %v; want 3", p.Total, len(p.Sessions), err)
	}
}

func TestBadFilters(t *testing.T) {
	f := open(t)
	for _, flt := range []Filter{{Status: "sleeping"}, {Channels: []string{"telegram"}}, {Sentiment: "angry"}, {From: 10, To: 5}} {
		if _, err := f.tl.List(context.Background(), flt, now, 10, nil); err == nil {
			t.Errorf("List(%+v) accepted", flt)
		}
	}
}

func TestStatusFollowsTheClock(t *testing.T) {
	f := open(t)
	last := base + 40*day + 600_000 // Zoë's last message; gap is a day
	for _, tc := range []struct {
		at     int64
		active bool
	}{{last + 3_600_000, true}, {last + day + 1, false}} {
		for _, words := range []string{"", "zoe"} {
			p, err := f.tl.List(context.Background(), Filter{Status: "active", Q: words}, tc.at, 10, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := len(p.Sessions) == 1 && p.Sessions[0].ID == f.ids[6]
			if got != tc.active {
				t.Errorf("at +%dh (words %q): active = %v, want %v", (tc.at-last)/3_600_000, words, got, tc.active)
			}
		}
	}
}

func TestPagingWithAnImportBetweenPages(t *testing.T) {
	// The same walk through SQLite (no words) and through the index (a word
	// every session's messages hold).
	for _, flt := range []Filter{{}, {Text: "order"}} {
		f := open(t)
		first, err := f.tl.List(context.Background(), flt, now, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		// New sessions land, older and newer than the page boundary.
		f.add(t, 20, seedSession{"Late Old", "", "whatsapp", 1, "an old one", "", nil, nil})
		f.add(t, 21, seedSession{"Late New", "", "whatsapp", 90, "a new one", "", nil, nil})
		if err := f.tl.Sync(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]int{}
		for _, s := range first.Sessions {
			seen[s.ID]++
		}
		after := first.Next
		for after != nil {
			p, err := f.tl.List(context.Background(), flt, now, 3, after)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range p.Sessions {
				seen[s.ID]++
			}
			after = p.Next
		}
		for _, id := range f.ids {
			if seen[id] != 1 {
				t.Errorf("filter %+v: session %d seen %d times", flt, id, seen[id])
			}
		}
	}
}

func TestCrashBeforeIndexUpdateIsRepaired(t *testing.T) {
	f := open(t)
	ctx := context.Background()
	// A change commits, and the process dies before the index hears of it.
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		return tx.SetSummary(ctx, f.ids[3], store.Summary{Text: "Asked about shipping to Portugal", Sentiment: "neutral"})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, 30, seedSession{"Pedro Alves", "pedro@acme.com", "webchat", 7, "Asked about shipping to Portugal", "", nil, nil})
	f.tl.Close()
	tl, err := Open(ctx, f.st, filepath.Join(f.dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	f.tl = tl
	if n, _ := tl.Pending(ctx); n != 2 {
		t.Fatalf("pending after the crash = %d, want 2", n)
	}
	if err := tl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	got := f.list(t, Filter{Q: "portugal"})
	if len(got) != 2 || got[1] != f.ids[3] {
		t.Fatalf("after repair: %v", got)
	}
	if got := f.list(t, Filter{Q: "spain"}); len(got) != 0 {
		t.Fatalf("the old summary is still found: %v", got)
	}
}

// TestChangesDuringSync changes sessions while Sync is between batches,
// behind and ahead of where it reads the outbox: both must reach the index.
func TestChangesDuringSync(t *testing.T) {
	f := open(t)
	ctx := context.Background()
	if err := f.st.RequeueAll(ctx); err != nil {
		t.Fatal(err)
	}
	f.tl.batch = 2
	label := func(id int64, name string) {
		t.Helper()
		if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.LabelSession(ctx, id, name, 1) }); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	err := f.tl.Sync(ctx, func(done, total int) {
		calls++
		if calls == 1 { // the first batch (the first two ids) is in
			label(f.ids[0], "behind")
			label(f.ids[6], "ahead")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 4 {
		t.Fatalf("progress heard %d times: the batches were not small", calls)
	}
	if n, _ := f.tl.Pending(ctx); n != 0 {
		t.Fatalf("pending after Sync = %d", n)
	}
	for _, tc := range []struct {
		label string
		id    int64
	}{{"behind", f.ids[0]}, {"ahead", f.ids[6]}} {
		got := f.list(t, Filter{Labels: []string{tc.label}, Q: "a"})
		if len(got) != 1 || got[0] != tc.id {
			t.Errorf("label %s through the index: %v, want [%d]", tc.label, got, tc.id)
		}
	}
}

func TestReindexGivesTheSameAnswers(t *testing.T) {
	f := open(t)
	queries := []Filter{{Q: "acme"}, {Name: "jan"}, {Labels: []string{"refund"}, Q: "teapot"}, {Text: "order", Channels: []string{"instagram"}}}
	var before [][]int64
	for _, q := range queries {
		before = append(before, f.list(t, q))
	}
	if err := f.tl.Rebuild(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		if got := f.list(t, q); !slices.Equal(got, before[i]) {
			t.Errorf("%+v after reindex: %v, before %v", q, got, before[i])
		}
	}
}

func TestDeletedAndMergedSessionsLeaveTheIndex(t *testing.T) {
	f := open(t)
	ctx := context.Background()
	err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.MergeSession(ctx, f.ids[3], f.ids[5]) })
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.list(t, Filter{Q: "discount"}); len(got) != 0 {
		t.Fatalf("a merged-away session is still found: %v", got)
	}
}

func TestSecondProcessFallsBackToSQLite(t *testing.T) {
	f := open(t)
	// The app holds the index; the command line opens the same data dir.
	other, err := Open(context.Background(), f.st, filepath.Join(f.dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p, err := other.List(context.Background(), Filter{Channels: []string{"webchat"}}, now, 10, nil)
	if err != nil || len(p.Sessions) != 2 {
		t.Fatalf("filters without words: %+v, %v", p, err)
	}
	if _, err := other.List(context.Background(), Filter{Q: "jane"}, now, 10, nil); !errors.Is(err, ErrIndexBusy) {
		t.Fatalf("word search = %v, want ErrIndexBusy", err)
	}
	if err := other.Sync(context.Background(), nil); err != nil {
		t.Fatalf("Sync without the index: %v", err)
	}
}

// TestWordSearchWaitsForTheHolder: a word search beside a process that
// holds the index (a CLI import) waits for it, then catches up with what
// that process changed and answers.
func TestWordSearchWaitsForTheHolder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := open(t)
	f.tl.Close()
	holder, err := OpenWith(ctx, f.st, filepath.Join(f.dir, "index"), Options{Holder: "sessions import chat.zip"})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	heard := make(chan string, 1)
	other, err := OpenWith(ctx, f.st, filepath.Join(f.dir, "index"), Options{
		LockWait: 20 * time.Second, OnLockWait: func(h string) { heard <- h }})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.IndexUnavailable(); !errors.Is(err, ErrIndexBusy) {
		t.Fatalf("IndexUnavailable beside the holder = %v, want ErrIndexBusy", err)
	}
	type result struct {
		p   Page
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := other.List(ctx, Filter{Q: "portugal"}, now, 10, nil)
		done <- result{p, err}
	}()
	select {
	case h := <-heard:
		if !strings.Contains(h, `"sessions import chat.zip" (pid `) {
			t.Fatalf("heard holder %q, want the import", h)
		}
	case <-ctx.Done():
		t.Fatal("the word search did not wait for the holder")
	}
	// The holder imports a session (indexed only in the outbox) and ends.
	id := f.add(t, 30, seedSession{"Pedro Alves", "pedro@acme.com", "webchat", 7, "Asked about shipping to Portugal", "", nil, nil})
	if err := holder.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || len(r.p.Sessions) != 1 || r.p.Sessions[0].ID != id {
			t.Fatalf("word search after the wait: %+v, %v; want session %d", r.p.Sessions, r.err, id)
		}
	case <-ctx.Done():
		t.Fatal("the word search did not answer once the holder let go")
	}
	if err := other.IndexUnavailable(); err != nil {
		t.Fatalf("IndexUnavailable once opened = %v", err)
	}
}

// TestIndexBusyNamesTheHolder: once the wait is over, word searches and
// rebuilds say who holds the index, not "the open app".
func TestIndexBusyNamesTheHolder(t *testing.T) {
	ctx := context.Background()
	f := open(t)
	f.tl.Close()
	holder, err := OpenWith(ctx, f.st, filepath.Join(f.dir, "index"), Options{Holder: "sessions import big.zip"})
	if err != nil {
		t.Fatal(err)
	}
	f.tl = holder
	other, err := OpenWith(ctx, f.st, filepath.Join(f.dir, "index"), Options{LockWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tests := []struct {
		name string
		run  func() error
	}{
		{"word search", func() error { _, err := other.List(ctx, Filter{Q: "jane"}, now, 10, nil); return err }},
		{"rebuild", func() error { return other.Rebuild(ctx, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, ErrIndexBusy) {
				t.Fatalf("%s = %v, want ErrIndexBusy", tt.name, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, `"sessions import big.zip" (pid `+strconv.Itoa(os.Getpid())) || strings.Contains(msg, "app") {
				t.Fatalf("message %q does not name the holder", msg)
			}
		})
	}
}

// TestIndexThatCannotOpenLeavesSQLite: an index that cannot be opened (here
// a file where its folder should be; a full disk or a read-only library
// alike) leaves everything SQLite answers working, and says why words do
// not.
func TestIndexThatCannotOpenLeavesSQLite(t *testing.T) {
	ctx := context.Background()
	f := open(t)
	bad := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(bad, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenWith(ctx, f.dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	tests := []struct {
		name string
		st   *store.Store
		dir  string
		want string
	}{
		{"index folder cannot be made", f.st, bad, "open search index"},
		{"read-only library", ro, filepath.Join(f.dir, "index"), "read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := OpenWith(ctx, tt.st, tt.dir, Options{})
			if err != nil {
				t.Fatalf("OpenWith = %v, want the SQLite-only service", err)
			}
			defer tl.Close()
			if err := tl.IndexUnavailable(); !errors.Is(err, ErrIndexUnavailable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("IndexUnavailable = %v, want ErrIndexUnavailable saying %q", err, tt.want)
			}
			p, err := tl.List(ctx, Filter{Channels: []string{"webchat"}}, now, 10, nil)
			if err != nil || len(p.Sessions) != 2 || p.Total != 2 {
				t.Fatalf("filters without words: %d sessions of %d, %v; want 2", len(p.Sessions), p.Total, err)
			}
			if err := tl.Sync(ctx, nil); err != nil {
				t.Fatalf("Sync without an index: %v", err)
			}
			if _, err := tl.List(ctx, Filter{Q: "jane"}, now, 10, nil); !errors.Is(err, ErrIndexUnavailable) {
				t.Fatalf("word search = %v, want ErrIndexUnavailable", err)
			}
		})
	}
}
