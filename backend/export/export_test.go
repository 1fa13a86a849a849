package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/labels"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// base is 2024-03-14 09:00 UTC; the library's sessions start an hour apart
// after it, the first oldest.
const base int64 = 1_710_406_800_000

// now is long after every session: all are completed but the one made
// active on purpose.
var now = base + 30*24*3600_000

// testSession is one session of the test library.
type testSession struct {
	contact, email, phone, channel string
	summary, sentiment             string
	labels                         []string
	fields                         map[string]string
	replies                        sessions.Replies
	durationMS                     int64
	bot, agent                     string
	handoffAfterMS                 int64
	active                         bool
}

// hard is what a spreadsheet gets wrong: separators, quotes, line breaks,
// emoji, right-to-left text and cells it would run as formulas.
var hard = []testSession{
	{contact: "Alice, \"Ali\" Example", email: "alice@example.com", phone: "+49 151 2345678", channel: "whatsapp",
		summary: "Asked for a refund, \"urgent\"\nsecond line\r\nthird line", sentiment: "negative", labels: []string{"Refund", "VIP"},
		fields: map[string]string{"city": "München", "order": "=1+2"}, durationMS: 3_600_000,
		replies: sessions.Replies{CustomerMessages: 4, AgentMessages: 3, AgentReplied: true, AgentResponseMS: 95_500}},
	{contact: "Bob 🚀 Stone", channel: "instagram", summary: "Loved it 👍🏽 — will order again 🎉", sentiment: "positive",
		replies: sessions.Replies{CustomerMessages: 2, BotMessages: 2, BotReplied: true, BotResponseMS: 1_200},
		bot:     "Ava", durationMS: 60_000},
	{contact: "سارة أحمد", channel: "facebook", summary: "الطلب لم يصل بعد، أريد استرداد المبلغ", labels: []string{"Shipping"},
		fields: map[string]string{"city": "القاهرة"}, durationMS: 120_000, bot: "Ava", agent: "Maria Lopez", handoffAfterMS: 30_000,
		replies: sessions.Replies{CustomerMessages: 3, AgentMessages: 1, BotMessages: 1, AgentReplied: true, AgentResponseMS: 40_000, BotReplied: true, BotResponseMS: 2_000}},
	{contact: "=HYPERLINK(\"http://evil.example\",\"click\")", channel: "webchat", summary: "=SUM(A1)", durationMS: 1000},
	{contact: "+1", channel: "webchat", summary: "+1 more", durationMS: 1000},
	{contact: "-1", channel: "webchat", summary: "-1", durationMS: 1000},
	{contact: "@x", channel: "webchat", summary: "@x", durationMS: 1000},
	{contact: "\tTabbed", channel: "webchat", summary: "\t=cmd|' /C calc'!A0", durationMS: 1000},
	{contact: "\rCarriage", channel: "webchat", summary: "\r=1", durationMS: 1000},
	{contact: "Active Ann", channel: "whatsapp", summary: "still talking", active: true,
		replies: sessions.Replies{CustomerMessages: 1}},
}

// library builds a real library in a temp dir holding list, with the
// custom fields city (text) and order (text).
func library(t *testing.T, list []testSession) (*store.Store, *timeline.Service, []int64) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tl, err := timeline.Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tl.Close() })
	ids := make([]int64, len(list))
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.DefineField(ctx, "city", "City", labels.TypeText, nil, base); err != nil {
			return err
		}
		if _, err := tx.DefineField(ctx, "order", "Order no.", labels.TypeText, nil, base); err != nil {
			return err
		}
		for i, ts := range list {
			cid, err := tx.CreateContact(ctx, store.Contact{Name: ts.contact, Email: ts.email, Phone: ts.phone}, ts.channel, "id-"+strconv.Itoa(i), base)
			if err != nil {
				return err
			}
			conv, err := tx.CreateConversation(ctx, store.Conversation{Channel: ts.channel, ExternalKey: "k" + strconv.Itoa(i), ContactID: cid, Title: ts.contact}, base)
			if err != nil {
				return err
			}
			start := base + int64(i)*3600_000
			if ts.active {
				start = now - 60_000
			}
			sp := store.SessionSpan{StartedAt: start, LastMessageAt: start + ts.durationMS, GapMS: 24 * 3600_000,
				MessageCount: ts.replies.CustomerMessages + ts.replies.AgentMessages + ts.replies.BotMessages,
				Bot:          ts.bot, HandoffAgent: ts.agent, Replies: ts.replies}
			if ts.agent != "" {
				sp.HandoffAt = start + ts.handoffAfterMS
				sp.HandoffWaitMS = 5000
			}
			if ids[i], err = tx.InsertSession(ctx, conv, cid, ts.channel, sp, base); err != nil {
				return err
			}
			if err := tx.SetSummary(ctx, ids[i], store.Summary{Text: ts.summary, Sentiment: ts.sentiment, Source: "builtin", At: base}); err != nil {
				return err
			}
			for _, l := range ts.labels {
				if err := tx.LabelSession(ctx, ids[i], l, base); err != nil {
					return err
				}
			}
			for k, v := range ts.fields {
				if _, err := tx.SetSessionField(ctx, ids[i], k, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return st, tl, ids
}

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func writeAll(t *testing.T, st *store.Store, tl *timeline.Service, f timeline.Filter, o Options) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := New(st, tl).Write(context.Background(), &buf, f, o)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), n
}

// TestCSVRoundTrip reads the export back with a CSV reader: every cell is
// what was stored, the formula-looking ones with the guard's apostrophe
// and nothing else changed.
func TestCSVRoundTrip(t *testing.T) {
	st, tl, ids := library(t, hard)
	for _, withBOM := range []bool{false, true} {
		t.Run("bom="+strconv.FormatBool(withBOM), func(t *testing.T) {
			out, n := writeAll(t, st, tl, timeline.Filter{}, Options{BOM: withBOM, Location: berlin, Now: now, Batch: 3})
			if n != len(hard) {
				t.Fatalf("%d rows written, want %d", n, len(hard))
			}
			if got := bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")); got != withBOM {
				t.Fatalf("starts with a BOM: %v, want %v", got, withBOM)
			}
			if !bytes.Contains(out, []byte("\r\n")) || bytes.Count(out, []byte("\r\n")) < len(hard)+1 {
				t.Fatal("records do not end in CRLF (RFC 4180)")
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF"))))
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("the export does not parse as CSV: %v\n%s", err, out)
			}
			header := append(append([]string(nil), Columns...), "City", "Order no.")
			if !reflect.DeepEqual(recs[0], header) {
				t.Fatalf("header %q,\nwant %q", recs[0], header)
			}
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			byID := map[string][]string{}
			for _, rec := range recs[1:] {
				if len(rec) != len(header) {
					t.Fatalf("a row has %d cells, the header %d", len(rec), len(header))
				}
				byID[rec[0]] = rec
			}
			// A cell comes back guarded, with its line breaks as a CSV
			// reader gives them: LF.
			guarded := func(s string) string {
				if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
					s = "'" + s
				}
				return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
			}
			for i, ts := range hard {
				rec := byID[strconv.FormatInt(ids[i], 10)]
				if rec == nil {
					t.Fatalf("session %d (%q) not exported", ids[i], ts.contact)
				}
				cell := func(name string) string { return rec[col[name]] }
				checks := map[string]string{
					"contact": guarded(ts.contact), "summary": guarded(ts.summary), "email": ts.email, "phone": guarded(ts.phone),
					"channel": ts.channel, "sentiment": ts.sentiment, "labels": strings.Join(ts.labels, "; "),
					"City": guarded(ts.fields["city"]), "Order no.": guarded(ts.fields["order"]),
					"customer_messages": strconv.Itoa(ts.replies.CustomerMessages), "agent_messages": strconv.Itoa(ts.replies.AgentMessages),
					"bot_messages": strconv.Itoa(ts.replies.BotMessages), "handoff_bot": ts.bot, "handoff_agent": ts.agent,
				}
				for name, want := range checks {
					if got := cell(name); got != want {
						t.Errorf("%q: %s = %q, want %q", ts.contact, name, got, want)
					}
				}
				for _, name := range []string{"contact", "summary", "phone", "City", "Order no."} {
					if v := cell(name); v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
						t.Errorf("%q: %s %q starts as a formula would", ts.contact, name, v)
					}
				}
				if ts.active {
					if cell("status") != "active" || cell("end") != "" || cell("duration_s") != "" {
						t.Errorf("active session: status %q end %q duration %q", cell("status"), cell("end"), cell("duration_s"))
					}
					continue
				}
				start := base + int64(i)*3600_000
				wantStart := time.UnixMilli(start).In(berlin).Format(time.RFC3339)
				wantEnd := time.UnixMilli(start + ts.durationMS).In(berlin).Format(time.RFC3339)
				if cell("status") != "completed" || cell("start") != wantStart || cell("end") != wantEnd ||
					cell("duration_s") != strconv.FormatInt(ts.durationMS/1000, 10) {
					t.Errorf("%q: status %q start %q end %q duration %q, want completed %s %s %d", ts.contact,
						cell("status"), cell("start"), cell("end"), cell("duration_s"), wantStart, wantEnd, ts.durationMS/1000)
				}
				if !strings.HasSuffix(cell("start"), "+01:00") {
					t.Errorf("start %q is not in Berlin's winter offset", cell("start"))
				}
				want := ""
				if ts.replies.AgentReplied {
					want = strconv.FormatInt(ts.replies.AgentResponseMS/1000, 10)
				}
				if cell("first_response_s") != want {
					t.Errorf("%q: first_response_s %q, want %q", ts.contact, cell("first_response_s"), want)
				}
				want = ""
				if ts.replies.BotReplied {
					want = strconv.FormatInt(ts.replies.BotResponseMS/1000, 10)
				}
				if cell("bot_first_response_s") != want {
					t.Errorf("%q: bot_first_response_s %q, want %q", ts.contact, cell("bot_first_response_s"), want)
				}
				want = ""
				if ts.agent != "" {
					want = time.UnixMilli(start + ts.handoffAfterMS).In(berlin).Format(time.RFC3339)
				}
				if cell("handoff_at") != want {
					t.Errorf("%q: handoff_at %q, want %q", ts.contact, cell("handoff_at"), want)
				}
			}
			// Newest first, as the timeline.
			if recs[1][0] != strconv.FormatInt(ids[len(ids)-1], 10) {
				t.Errorf("first row is session %s, want the newest %d", recs[1][0], ids[len(ids)-1])
			}
		})
	}
}

// TestGuard: exactly the cells a spreadsheet would evaluate are changed.
func TestGuard(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
		{"", ""}, {"plain", "plain"}, {"a=b", "a=b"}, {" =1", " =1"}, {"'quoted", "'quoted"}, {"🚀", "🚀"}, {"سارة", "سارة"},
	}
	for _, tt := range tests {
		if got := Guard(tt.in); got != tt.want {
			t.Errorf("Guard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestJSONLRoundTrip decodes every line: values exactly as stored (no
// guard: JSON is not run by anyone), nulls where there is none.
func TestJSONLRoundTrip(t *testing.T) {
	st, tl, ids := library(t, hard)
	out, n := writeAll(t, st, tl, timeline.Filter{}, Options{Format: JSONL, Location: berlin, Now: now, Batch: 4})
	if n != len(hard) || bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("%d rows (want %d), BOM %v", n, len(hard), bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")))
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	byID := map[int64]JSONRow{}
	lines := 0
	for sc.Scan() {
		lines++
		var r JSONRow
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v\n%s", lines, err, sc.Bytes())
		}
		byID[r.ID] = r
	}
	if lines != len(hard) {
		t.Fatalf("%d lines, want %d", lines, len(hard))
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for i, ts := range hard {
		r, ok := byID[ids[i]]
		if !ok {
			t.Fatalf("session %d missing", ids[i])
		}
		if r.Contact != ts.contact || str(r.Summary) != ts.summary || str(r.Email) != ts.email || str(r.Phone) != ts.phone ||
			str(r.Sentiment) != ts.sentiment || str(r.Handoff.Bot) != ts.bot || str(r.Handoff.Agent) != ts.agent {
			t.Errorf("session %d: %+v, want %+v", ids[i], r, ts)
		}
		wantLabels := ts.labels
		if wantLabels == nil {
			wantLabels = []string{}
		}
		wantFields := ts.fields
		if wantFields == nil {
			wantFields = map[string]string{}
		}
		if !reflect.DeepEqual(r.Labels, wantLabels) || !reflect.DeepEqual(r.Fields, wantFields) {
			t.Errorf("session %d: labels %q fields %v, want %q %v", ids[i], r.Labels, r.Fields, wantLabels, wantFields)
		}
		if ts.active != (r.End == nil) || ts.active != (r.DurationS == nil) {
			t.Errorf("session %d: active %v but end %v duration %v", ids[i], ts.active, r.End, r.DurationS)
		}
		if (r.FirstResponseS != nil) != ts.replies.AgentReplied || (r.BotFirstResponseS != nil) != ts.replies.BotReplied {
			t.Errorf("session %d: responses %v %v, want replied %v %v", ids[i], r.FirstResponseS, r.BotFirstResponseS, ts.replies.AgentReplied, ts.replies.BotReplied)
		}
	}
}

// TestExportFilters: an export holds exactly the rows the timeline pages
// through for the same filter, in its order, on both paths (SQLite for
// filters, the index for words), whatever the batch size.
func TestExportFilters(t *testing.T) {
	st, tl, _ := library(t, hard)
	tests := []struct {
		name string
		f    timeline.Filter
	}{
		{"all", timeline.Filter{}},
		{"a channel", timeline.Filter{Channels: []string{"webchat"}}},
		{"two channels", timeline.Filter{Channels: []string{"whatsapp", "facebook"}}},
		{"a label in other case", timeline.Filter{Labels: []string{"vip"}}},
		{"a field by its fold", timeline.Filter{Fields: map[string]string{"city": "MÜNCHEN"}}},
		{"active", timeline.Filter{Status: store.StatusActive}},
		{"completed", timeline.Filter{Status: store.StatusCompleted}},
		{"sentiment", timeline.Filter{Sentiment: "positive"}},
		{"start range", timeline.Filter{From: base + 2*3600_000, To: base + 6*3600_000}},
		{"words in summaries", timeline.Filter{Q: "refund"}},
		{"words and a channel", timeline.Filter{Summary: "order", Channels: []string{"instagram"}}},
		{"nothing matches", timeline.Filter{Channels: []string{"facebook"}, Sentiment: "positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := tl.List(context.Background(), tt.f, now, 1000, nil)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, s := range page.Sessions {
				want = append(want, strconv.FormatInt(s.ID, 10))
			}
			for _, batch := range []int{1, 2, 1000} {
				out, n := writeAll(t, st, tl, tt.f, Options{Now: now, Batch: batch})
				recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, rec := range recs[1:] {
					got = append(got, rec[0])
				}
				if n != page.Total || !reflect.DeepEqual(got, want) {
					t.Fatalf("batch %d: rows %v (%d), want the timeline's %v (total %d)", batch, got, n, want, page.Total)
				}
			}
		})
	}
	if _, err := New(st, tl).Write(context.Background(), io.Discard, timeline.Filter{Status: "open"}, Options{}); !errors.Is(err, timeline.ErrBadFilter) {
		t.Fatalf("a bad filter: %v", err)
	}
	if _, err := New(st, tl).Write(context.Background(), io.Discard, timeline.Filter{}, Options{Format: "xlsx"}); !errors.Is(err, ErrBadFormat) {
		t.Fatalf("a bad format: %v", err)
	}
}

// TestHeaderFollowsFields: each defined custom field is a column headed by
// its name, also one no session has a value for; without fields there are
// only the fixed columns.
func TestHeaderFollowsFields(t *testing.T) {
	st, tl, _ := library(t, hard[:1])
	ctx := context.Background()
	header := func() []string {
		out, _ := writeAll(t, st, tl, timeline.Filter{}, Options{Now: now})
		rec, err := csv.NewReader(bytes.NewReader(out)).Read()
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	steps := []struct {
		name   string
		change func(tx *store.Tx) error
		extra  []string
	}{
		{"as built", func(*store.Tx) error { return nil }, []string{"City", "Order no."}},
		{"a field nobody has yet", func(tx *store.Tx) error {
			_, err := tx.DefineField(ctx, "tier", "Tier", labels.TypeChoice, []string{"Gold", "Silver"}, base)
			return err
		}, []string{"City", "Order no.", "Tier"}},
		{"renamed", func(tx *store.Tx) error {
			_, err := tx.UpdateField(ctx, "city", "Town / area", "", nil)
			return err
		}, []string{"Order no.", "Tier", "Town / area"}},
		{"deleted", func(tx *store.Tx) error {
			if err := tx.DeleteField(ctx, "order"); err != nil {
				return err
			}
			if err := tx.DeleteField(ctx, "tier"); err != nil {
				return err
			}
			return tx.DeleteField(ctx, "city")
		}, nil},
	}
	for _, s := range steps {
		if err := st.Update(ctx, s.change); err != nil {
			t.Fatal(err)
		}
		want := append(append([]string(nil), Columns...), s.extra...)
		if got := header(); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: header %q, want %q", s.name, got, want)
		}
	}
}

// TestWriteErrors: a writer that fails stops the export with its error; a
// cancelled context stops it too.
func TestWriteErrors(t *testing.T) {
	st, tl, _ := library(t, hard)
	boom := errors.New("disk full")
	_, err := New(st, tl).Write(context.Background(), failWriter{boom}, timeline.Filter{}, Options{Now: now})
	if !errors.Is(err, boom) {
		t.Fatalf("failing writer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(st, tl).Write(ctx, io.Discard, timeline.Filter{}, Options{Now: now, Batch: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }
