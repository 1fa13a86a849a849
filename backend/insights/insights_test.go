package insights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// fixture is testdata/library.json.
type fixture struct {
	Conversations []struct {
		Channel, Contact string
		Messages         []struct {
			At           time.Time
			Role, Author string
		}
		Sessions []struct {
			Labels    []string
			Sentiment string
			Topics    []string
		}
	}
}

// now is the clock of the tests: every session has ended but the last
// (Ed's, on 2024-03-12), which is still active.
var now = time.Date(2024, 3, 12, 12, 0, 0, 0, time.UTC).UnixMilli()

// library stores testdata/library.json in a real store in t.TempDir(),
// split into sessions the way the importer splits them, and opens the
// timeline (with its search index caught up) over it.
func library(t *testing.T) (*store.Store, *timeline.Service) {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join("testdata", "library.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(ctx, func(tx *store.Tx) error {
		for i, c := range fx.Conversations {
			key := c.Contact
			cid, err := tx.CreateContact(ctx, store.Contact{Name: c.Contact}, c.Channel, key, 1)
			if err != nil {
				return err
			}
			conv, err := tx.CreateConversation(ctx, store.Conversation{Channel: c.Channel, ExternalKey: key, ContactID: cid, Title: c.Contact}, 1)
			if err != nil {
				return err
			}
			mi, err := tx.MessageInserter(ctx, conv, 0)
			if err != nil {
				return err
			}
			var points []sessions.Point
			for j, m := range c.Messages {
				id, err := mi.Insert(store.Message{At: m.At.UnixMilli(), Author: m.Author, Role: m.Role, Kind: "text", Body: "hello", Hash: int64(i*1000 + j)})
				if err != nil {
					return err
				}
				points = append(points, sessions.Point{ID: id, At: m.At.UnixMilli(), Role: chat.Role(m.Role), Author: m.Author})
			}
			if err := mi.Close(); err != nil {
				return err
			}
			spans := sessions.Split(points, sessions.DefaultGap)
			if len(spans) != len(c.Sessions) {
				return fmt.Errorf("conversation %s: %d sessions, the fixture describes %d", c.Contact, len(spans), len(c.Sessions))
			}
			for k, sp := range spans {
				id, err := tx.InsertSession(ctx, conv, cid, c.Channel, store.SessionSpan{StartedAt: sp.StartedAt, LastMessageAt: sp.LastMessageAt,
					GapMS: sessions.DefaultGap.Milliseconds(), MessageCount: sp.MessageCount, Bot: sp.Bot, HandoffAgent: sp.HandoffAgent,
					HandoffAt: sp.HandoffAt, HandoffWaitMS: sp.HandoffWaitMS, Replies: sp.Replies}, 1)
				if err != nil {
					return err
				}
				d := c.Sessions[k]
				if err := tx.SetSummary(ctx, id, store.Summary{Text: "summary of " + c.Contact, Source: "builtin", Sentiment: d.Sentiment, Topics: d.Topics}); err != nil {
					return err
				}
				for _, l := range d.Labels {
					if err := tx.LabelSession(ctx, id, l, 1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := timeline.Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tl.Close() })
	if err := tl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return st, tl
}

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s (install the tzdata package): %v", name, err)
	}
	return loc
}

// sec is Stats of times given in seconds.
func sec(median, p90 float64, n int) Stats {
	return Stats{MedianMS: median * 1000, P90MS: p90 * 1000, Count: n}
}

// bucket is what a test expects of one bucket.
type bucket struct {
	start, end                string
	total                     int
	channels                  [4]int // whatsapp, instagram, facebook, webchat
	sentiment                 [4]int // none, positive, neutral, negative
	duration, agent, bot      Stats
	botOnly, handedOff, noBot int
}

func gotBuckets(bs []Bucket) []bucket {
	out := make([]bucket, len(bs))
	for i, b := range bs {
		out[i] = bucket{start: b.Start.Format(time.DateOnly), end: b.End.Format(time.DateOnly), total: b.Total, channels: b.ByChannel,
			sentiment: b.Sentiment, duration: b.Duration, agent: b.AgentResponse, bot: b.BotResponse,
			botOnly: b.BotOnly, handedOff: b.HandedOff, noBot: b.NoBot}
	}
	return out
}

// busy is a Busiest with the given (weekday, hour, count) cells set.
func busy(cells ...[3]int) [7][24]int {
	var b [7][24]int
	for _, c := range cells {
		b[c[0]][c[1]] += c[2]
	}
	return b
}

// TestCompute checks the aggregates against values worked out by hand
// from testdata/library.json. The sessions, in New York time:
//
//	A whatsapp Ann  Sat 03-09 23:30–23:45 EST, bot 23:31, Bo 23:40 (handoff after 9 min), positive, VIP
//	B whatsapp Eve  Mon 03-11 00:30–00:32 EDT (the day after the 23-hour day), negative, VIP Urgent
//	C webchat  Cy   Sun 03-10 23:30–23:36 EDT, bot only (30 s), neutral
//	D instagram Di  Sun 03-10 12:00–12:40 EDT, Bo wrote first, Di at 12:10, Bo answered 12:40
//	E facebook Ed   Tue 03-12 07:00–07:01 EDT, still active
//
// A at 23:30 is on 03-09 in New York but 03-10 in UTC (the day boundary);
// B at 00:30 EDT is on 03-11, which an offset taken from before the change
// (EST) would put at 23:30 on 03-10 (the daylight-saving day). The bot's
// replies (A after 60 s, C after 30 s) never enter the human figure: A's
// human wait is Bo's 10 minutes, and C has none.
func TestCompute(t *testing.T) {
	st, tl := library(t)
	ny, berlin := loadZone(t, "America/New_York"), loadZone(t, "Europe/Berlin")
	tests := []struct {
		name     string
		filter   timeline.Filter
		period   string
		loc      *time.Location
		total    int
		buckets  []bucket
		duration Stats
		agent    Stats
		bot      Stats
		ai       [3]int // bot only, handed off, no bot
		wait     Stats
		labels   []store.LabelCount
		topics   []Topic
		busiest  [7][24]int
	}{
		{
			name: "days in New York", period: Day, loc: ny, total: 5,
			buckets: []bucket{
				{start: "2024-03-09", end: "2024-03-09", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 1, 0, 0},
					duration: sec(900, 900, 1), agent: sec(600, 600, 1), bot: sec(60, 60, 1), handedOff: 1},
				{start: "2024-03-10", end: "2024-03-10", total: 2, channels: [4]int{0, 1, 0, 1}, sentiment: [4]int{1, 0, 1, 0},
					duration: sec(1380, 2196, 2), agent: sec(1800, 1800, 1), bot: sec(30, 30, 1), botOnly: 1, noBot: 1},
				{start: "2024-03-11", end: "2024-03-11", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 0, 0, 1},
					duration: sec(120, 120, 1), agent: sec(120, 120, 1), noBot: 1},
				{start: "2024-03-12", end: "2024-03-12", total: 1, channels: [4]int{0, 0, 1, 0}, sentiment: [4]int{1, 0, 0, 0},
					agent: sec(60, 60, 1), noBot: 1},
			},
			// durations 120 360 900 2400 (E is active); human waits 60 120 600 1800; bot 30 60.
			duration: sec(630, 1950, 4), agent: sec(360, 1440, 4), bot: sec(45, 57, 2),
			ai: [3]int{1, 1, 3}, wait: sec(540, 540, 1),
			labels:  []store.LabelCount{{Name: "VIP", Color: "", Count: 2}, {Name: "Urgent", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			busiest: busy([3]int{5, 23, 1}, [3]int{0, 0, 1}, [3]int{6, 23, 1}, [3]int{6, 12, 1}, [3]int{1, 7, 1}),
		},
		{
			name: "days in UTC move A to the next day", period: Day, loc: time.UTC, total: 5,
			buckets: []bucket{
				{start: "2024-03-10", end: "2024-03-10", total: 2, channels: [4]int{1, 1, 0, 0}, sentiment: [4]int{1, 1, 0, 0},
					duration: sec(1650, 2250, 2), agent: sec(1200, 1680, 2), bot: sec(60, 60, 1), handedOff: 1, noBot: 1},
				{start: "2024-03-11", end: "2024-03-11", total: 2, channels: [4]int{1, 0, 0, 1}, sentiment: [4]int{0, 0, 1, 1},
					duration: sec(240, 336, 2), agent: sec(120, 120, 1), bot: sec(30, 30, 1), botOnly: 1, noBot: 1},
				{start: "2024-03-12", end: "2024-03-12", total: 1, channels: [4]int{0, 0, 1, 0}, sentiment: [4]int{1, 0, 0, 0},
					agent: sec(60, 60, 1), noBot: 1},
			},
			duration: sec(630, 1950, 4), agent: sec(360, 1440, 4), bot: sec(45, 57, 2),
			ai: [3]int{1, 1, 3}, wait: sec(540, 540, 1),
			labels:  []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			busiest: busy([3]int{6, 4, 1}, [3]int{0, 4, 1}, [3]int{0, 3, 1}, [3]int{6, 16, 1}, [3]int{1, 11, 1}),
		},
		{
			name: "weeks from Monday in New York", period: Week, loc: ny, total: 5,
			buckets: []bucket{
				{start: "2024-03-04", end: "2024-03-10", total: 3, channels: [4]int{1, 1, 0, 1}, sentiment: [4]int{1, 1, 1, 0},
					duration: sec(900, 2100, 3), agent: sec(1200, 1680, 2), bot: sec(45, 57, 2), botOnly: 1, handedOff: 1, noBot: 1},
				{start: "2024-03-11", end: "2024-03-17", total: 2, channels: [4]int{1, 0, 1, 0}, sentiment: [4]int{1, 0, 0, 1},
					duration: sec(120, 120, 1), agent: sec(90, 114, 2), noBot: 2},
			},
			duration: sec(630, 1950, 4), agent: sec(360, 1440, 4), bot: sec(45, 57, 2),
			ai: [3]int{1, 1, 3}, wait: sec(540, 540, 1),
			labels:  []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			busiest: busy([3]int{5, 23, 1}, [3]int{0, 0, 1}, [3]int{6, 23, 1}, [3]int{6, 12, 1}, [3]int{1, 7, 1}),
		},
		{
			name: "a month in Berlin", period: Month, loc: berlin, total: 5,
			buckets: []bucket{
				{start: "2024-03-01", end: "2024-03-31", total: 5, channels: [4]int{2, 1, 1, 1}, sentiment: [4]int{2, 1, 1, 1},
					duration: sec(630, 1950, 4), agent: sec(360, 1440, 4), bot: sec(45, 57, 2), botOnly: 1, handedOff: 1, noBot: 3},
			},
			duration: sec(630, 1950, 4), agent: sec(360, 1440, 4), bot: sec(45, 57, 2),
			ai: [3]int{1, 1, 3}, wait: sec(540, 540, 1),
			labels: []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}},
			topics: []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			// Berlin is UTC+1 until 03-31: A 05:30 Sun, B 05:30 Mon, C 04:30 Mon, D 17:00 Sun, E 12:00 Tue.
			busiest: busy([3]int{6, 5, 1}, [3]int{0, 5, 1}, [3]int{0, 4, 1}, [3]int{6, 17, 1}, [3]int{1, 12, 1}),
		},
		{
			name: "a channel filter (SQLite)", filter: timeline.Filter{Channels: []string{"whatsapp"}}, period: Day, loc: ny, total: 2,
			buckets: []bucket{
				{start: "2024-03-09", end: "2024-03-09", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 1, 0, 0},
					duration: sec(900, 900, 1), agent: sec(600, 600, 1), bot: sec(60, 60, 1), handedOff: 1},
				{start: "2024-03-10", end: "2024-03-10"},
				{start: "2024-03-11", end: "2024-03-11", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 0, 0, 1},
					duration: sec(120, 120, 1), agent: sec(120, 120, 1), noBot: 1},
			},
			duration: sec(510, 822, 2), agent: sec(360, 552, 2), bot: sec(60, 60, 1),
			ai: [3]int{0, 1, 1}, wait: sec(540, 540, 1),
			labels:  []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			busiest: busy([3]int{5, 23, 1}, [3]int{0, 0, 1}),
		},
		{
			name: "a label filter (SQLite)", filter: timeline.Filter{Labels: []string{"urgent"}}, period: Day, loc: ny, total: 1,
			buckets: []bucket{
				{start: "2024-03-11", end: "2024-03-11", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 0, 0, 1},
					duration: sec(120, 120, 1), agent: sec(120, 120, 1), noBot: 1},
			},
			duration: sec(120, 120, 1), agent: sec(120, 120, 1),
			ai:      [3]int{0, 0, 1},
			labels:  []store.LabelCount{{Name: "Urgent", Count: 1}, {Name: "VIP", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 1}},
			busiest: busy([3]int{0, 0, 1}),
		},
		{
			name: "words go through the search index", filter: timeline.Filter{Name: "cy"}, period: Day, loc: ny, total: 1,
			buckets: []bucket{
				{start: "2024-03-10", end: "2024-03-10", total: 1, channels: [4]int{0, 0, 0, 1}, sentiment: [4]int{0, 0, 1, 0},
					duration: sec(360, 360, 1), bot: sec(30, 30, 1), botOnly: 1},
			},
			duration: sec(360, 360, 1), bot: sec(30, 30, 1),
			ai:      [3]int{1, 0, 0},
			labels:  []store.LabelCount{},
			topics:  []Topic{},
			busiest: busy([3]int{6, 23, 1}),
		},
		{
			name: "completed sessions (the index of the insights, the clock's flag)", filter: timeline.Filter{Status: "completed"}, period: Day, loc: ny, total: 4,
			buckets: []bucket{
				{start: "2024-03-09", end: "2024-03-09", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 1, 0, 0},
					duration: sec(900, 900, 1), agent: sec(600, 600, 1), bot: sec(60, 60, 1), handedOff: 1},
				{start: "2024-03-10", end: "2024-03-10", total: 2, channels: [4]int{0, 1, 0, 1}, sentiment: [4]int{1, 0, 1, 0},
					duration: sec(1380, 2196, 2), agent: sec(1800, 1800, 1), bot: sec(30, 30, 1), botOnly: 1, noBot: 1},
				{start: "2024-03-11", end: "2024-03-11", total: 1, channels: [4]int{1, 0, 0, 0}, sentiment: [4]int{0, 0, 0, 1},
					duration: sec(120, 120, 1), agent: sec(120, 120, 1), noBot: 1},
			},
			duration: sec(630, 1950, 4), agent: sec(600, 1560, 3), bot: sec(45, 57, 2),
			ai: [3]int{1, 1, 2}, wait: sec(540, 540, 1),
			labels:  []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}},
			topics:  []Topic{{Topic: "Refund", Count: 2}, {Topic: "Shipping", Count: 1}},
			busiest: busy([3]int{5, 23, 1}, [3]int{0, 0, 1}, [3]int{6, 23, 1}, [3]int{6, 12, 1}),
		},
		{
			name: "active sessions", filter: timeline.Filter{Status: "active"}, period: Day, loc: ny, total: 1,
			buckets: []bucket{
				{start: "2024-03-12", end: "2024-03-12", total: 1, channels: [4]int{0, 0, 1, 0}, sentiment: [4]int{1, 0, 0, 0},
					agent: sec(60, 60, 1), noBot: 1},
			},
			agent: sec(60, 60, 1), ai: [3]int{0, 0, 1},
			labels: []store.LabelCount{}, topics: []Topic{},
			busiest: busy([3]int{1, 7, 1}),
		},
		{
			name: "nothing matches", filter: timeline.Filter{Sentiment: "negative", Channels: []string{"webchat"}}, period: Week, loc: ny,
			buckets: []bucket{}, labels: []store.LabelCount{}, topics: []Topic{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			sel, err := tl.Select(ctx, tt.filter, now)
			if err != nil {
				t.Fatal(err)
			}
			if sel.ByIDs != tt.filter.HasWords() {
				t.Fatalf("selection by ids = %v, want it only for words", sel.ByIDs)
			}
			res, err := Compute(ctx, st, Request{Selection: sel, Period: tt.period, Location: tt.loc})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tt.total || res.Period != tt.period {
				t.Errorf("total %d period %q, want %d %q", res.Total, res.Period, tt.total, tt.period)
			}
			if got := gotBuckets(res.Buckets); !reflect.DeepEqual(got, tt.buckets) {
				t.Errorf("buckets\n%+v\nwant\n%+v", got, tt.buckets)
			}
			checks := []struct {
				what      string
				got, want Stats
			}{
				{"duration", res.Duration, tt.duration}, {"human first response", res.AgentResponse, tt.agent},
				{"bot first response", res.BotResponse, tt.bot}, {"wait after handoff", res.HandoffWait, tt.wait},
			}
			for _, c := range checks {
				if !near(c.got, c.want) {
					t.Errorf("%s = %+v, want %+v", c.what, c.got, c.want)
				}
			}
			if got := [3]int{res.BotOnly, res.HandedOff, res.NoBot}; got != tt.ai {
				t.Errorf("bot only, handed off, no bot = %v, want %v", got, tt.ai)
			}
			for i := range res.Labels {
				res.Labels[i].Color = "" // colours come from the palette
			}
			for i := range tt.labels {
				tt.labels[i].Color = ""
			}
			if !reflect.DeepEqual(res.Labels, tt.labels) {
				t.Errorf("labels %+v, want %+v", res.Labels, tt.labels)
			}
			if !reflect.DeepEqual(res.Topics, tt.topics) {
				t.Errorf("topics %+v, want %+v", res.Topics, tt.topics)
			}
			if res.Busiest != tt.busiest {
				t.Errorf("busiest %v, want %v", res.Busiest, tt.busiest)
			}
		})
	}
}

// near compares Stats to a millisecond: the percentiles are interpolated.
func near(a, b Stats) bool {
	d := func(x, y float64) bool { return x-y < 1 && y-x < 1 }
	return a.Count == b.Count && d(a.MedianMS, b.MedianMS) && d(a.P90MS, b.P90MS)
}

func TestComputeRefusesAnUnknownPeriod(t *testing.T) {
	st, _ := library(t)
	if _, err := Compute(context.Background(), st, Request{Period: "year"}); err == nil {
		t.Fatal("period year accepted")
	}
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		values  []int64
		p, want float64
	}{
		{[]int64{5}, 0.5, 5},
		{[]int64{5}, 0.9, 5},
		{[]int64{20, 10}, 0.5, 15},
		{[]int64{40, 10, 30, 20}, 0.5, 25},
		{[]int64{40, 10, 30, 20}, 0.9, 37},
		{[]int64{100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 10},
		{[]int64{7, 7, 7, 7, 7}, 0.9, 7},
		{[]int64{3, 1, 2, 3, 1, 2, 3, 1, 2, 9}, 0.5, 2},
		{[]int64{3, 1, 2, 3, 1, 2, 3, 1, 2, 9}, 0.9, 4}, // rank 8.1: 3 + 0.1·(9−3), to the ms
	}
	for _, tt := range tests {
		if got := quantile(slices.Clone(tt.values), tt.p); got != tt.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", tt.values, tt.p, got, tt.want)
		}
	}
	// Against a sort, on values with many repeats.
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 300; n += 7 {
		v := make([]int64, n)
		for i := range v {
			v[i] = r.Int64N(20)
		}
		for k := 0; k < n; k++ {
			sorted := slices.Sorted(slices.Values(v))
			if got := nth(slices.Clone(v), k); got != sorted[k] {
				t.Fatalf("nth(%v, %d) = %d, want %d", v, k, got, sorted[k])
			}
		}
	}
}

// TestComputeFieldFilter: a custom field filter (matched by its fold, as
// the timeline matches it) keeps the sessions with that value, and with
// a label filter only those with both.
func TestComputeFieldFilter(t *testing.T) {
	st, tl := library(t)
	ctx := context.Background()
	rows, err := st.ListSessions(ctx, store.ListSessions{Channels: []string{"whatsapp"}, Limit: 10})
	if err != nil || len(rows) != 2 {
		t.Fatalf("the whatsapp sessions: %v %v", rows, err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.DefineField(ctx, "city", "City", "text", nil, 1); err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := tx.SetSessionField(ctx, r.ID, "city", "München"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter timeline.Filter
		total  int
		labels []store.LabelCount
	}{
		{"the field", timeline.Filter{Fields: map[string]string{"city": "MÜNCHEN"}}, 2, []store.LabelCount{{Name: "VIP", Count: 2}, {Name: "Urgent", Count: 1}}},
		{"the field and a label", timeline.Filter{Fields: map[string]string{"city": "munchen"}, Labels: []string{"urgent"}}, 1,
			[]store.LabelCount{{Name: "Urgent", Count: 1}, {Name: "VIP", Count: 1}}},
		{"another value", timeline.Filter{Fields: map[string]string{"city": "Köln"}}, 0, []store.LabelCount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := tl.Select(ctx, tt.filter, now)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Compute(ctx, st, Request{Selection: sel})
			if err != nil {
				t.Fatal(err)
			}
			for i := range res.Labels {
				res.Labels[i].Color = ""
			}
			if res.Total != tt.total || !reflect.DeepEqual(res.Labels, tt.labels) {
				t.Fatalf("total %d labels %+v, want %d %+v", res.Total, res.Labels, tt.total, tt.labels)
			}
		})
	}
}

// TestComputeContact: the contact page's insights are one contact's
// sessions, with or without words (the index does not know contacts: the
// store keeps the contact's among its ids); the timeline lists them
// without words and refuses the two together.
func TestComputeContact(t *testing.T) {
	st, tl := library(t)
	ctx := context.Background()
	rows, err := st.ListSessions(ctx, store.ListSessions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	contact := map[string]int64{}
	for _, r := range rows {
		contact[r.ContactName] = r.ContactID
	}
	tests := []struct {
		name   string
		filter timeline.Filter
		total  int
		labels int
	}{
		{"Eve", timeline.Filter{ContactID: contact["Eve"]}, 1, 2},
		{"Eve by a word of hers", timeline.Filter{ContactID: contact["Eve"], Name: "eve"}, 1, 2},
		{"Eve by a word of Cy's", timeline.Filter{ContactID: contact["Eve"], Name: "cy"}, 0, 0},
		{"Ann on whatsapp", timeline.Filter{ContactID: contact["Ann"], Channels: []string{"whatsapp"}}, 1, 1},
		{"Ann on webchat", timeline.Filter{ContactID: contact["Ann"], Channels: []string{"webchat"}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := tl.Select(ctx, tt.filter, now)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Compute(ctx, st, Request{Selection: sel})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tt.total || len(res.Labels) != tt.labels {
				t.Fatalf("total %d, %d labels; want %d, %d", res.Total, len(res.Labels), tt.total, tt.labels)
			}
			if tt.filter.HasWords() {
				return
			}
			page, err := tl.List(ctx, tt.filter, now, 10, nil)
			if err != nil || page.Total != tt.total || len(page.Sessions) != tt.total {
				t.Fatalf("timeline: %d sessions of %d, %v; want %d", len(page.Sessions), page.Total, err, tt.total)
			}
		})
	}
	if _, err := tl.List(ctx, timeline.Filter{ContactID: contact["Eve"], Name: "eve"}, now, 10, nil); !errors.Is(err, timeline.ErrBadFilter) {
		t.Fatalf("timeline with words and a contact: %v", err)
	}
}
