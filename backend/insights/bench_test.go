package insights

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
	"github.com/sessions-app/sessions/backend/timeline"
)

// benchLibraryEnv names a library to measure on (a copy of one the
// timeline benchmarks keep, such as timeline-1000000-index-true: it is
// given figures below, so never the original). Without it a library of
// benchSizeEnv sessions (default 100,000) is built in a temporary folder.
const (
	benchLibraryEnv = "SESSIONS_INSIGHTS_BENCH_LIBRARY"
	benchSizeEnv    = "SESSIONS_INSIGHTS_BENCH_SIZE"
)

// benchLibrary opens the library to measure, with an AI agent on a third
// of its sessions (half of those handed off), first replies on nine in
// ten and summary topics on half, spread by the session id, so that every
// figure has work to do.
func benchLibrary(b *testing.B) (*store.Store, *timeline.Service) {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv(benchLibraryEnv)
	if dir == "" {
		n := 100_000
		if s := os.Getenv(benchSizeEnv); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil {
				b.Fatalf("%s=%q: %v", benchSizeEnv, s, err)
			}
		}
		dir = b.TempDir()
		buildBenchLibrary(b, dir, n)
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	giveFigures(b, filepath.Join(dir, "sessions.db"))
	tl, err := timeline.Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tl.Close() })
	started := time.Now()
	if err := tl.Sync(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("index caught up in %s", time.Since(started).Round(time.Millisecond))
	return st, tl
}

// buildBenchLibrary stores n synthetic sessions (synth.Sessions: five
// years, four channels, labels, sentiments).
func buildBenchLibrary(b *testing.B, dir string, n int) {
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ss := synth.Sessions(n, 1)
	const chunk = 20_000
	for lo := 0; lo < n; lo += chunk {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for i := lo; i < min(lo+chunk, n); i++ {
				d := ss[i]
				key := fmt.Sprint(i)
				cid, err := tx.CreateContact(ctx, store.Contact{Name: d.ContactName, Email: d.ContactEmail}, d.Channel, key, 1)
				if err != nil {
					return err
				}
				conv, err := tx.CreateConversation(ctx, store.Conversation{Channel: d.Channel, ExternalKey: key, ContactID: cid, Title: d.ContactName}, 1)
				if err != nil {
					return err
				}
				id, err := tx.InsertSession(ctx, conv, cid, d.Channel, store.SessionSpan{StartedAt: d.Start, LastMessageAt: d.End, GapMS: d.ActiveUntil - d.End, MessageCount: 8}, 1)
				if err != nil {
					return err
				}
				if err := tx.SetSummary(ctx, id, store.Summary{Text: d.Summary, Source: "builtin", Sentiment: d.Sentiment}); err != nil {
					return err
				}
				for _, l := range d.Labels {
					if err := tx.LabelSession(ctx, id, l, 1); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// giveFigures sets the AI agent, handoff, first-reply and topic columns
// the synthetic sessions lack, once per library.
func giveFigures(b *testing.B, path string) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var done int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM sessions WHERE first_response_ms IS NOT NULL LIMIT 1)`).Scan(&done); err != nil {
		b.Fatal(err)
	}
	if done == 1 {
		return
	}
	started := time.Now()
	_, err = db.Exec(`UPDATE sessions SET
		bot = CASE WHEN id % 3 = 0 THEN 'Botty' END,
		handoff_agent = CASE WHEN id % 6 = 0 THEN 'Bo' END,
		handoff_at = CASE WHEN id % 6 = 0 THEN started_at + 60000 END,
		handoff_wait_ms = CASE WHEN id % 6 = 0 THEN (id * 7919) % 1800000 END,
		customer_messages = 4, agent_messages = CASE WHEN id % 6 = 3 THEN 0 ELSE 3 END, bot_messages = CASE WHEN id % 3 = 0 THEN 1 ELSE 0 END,
		first_response_ms = CASE WHEN id % 10 != 0 AND id % 6 != 3 THEN (id * 104729) % 7200000 END,
		bot_first_response_ms = CASE WHEN id % 3 = 0 THEN (id * 131) % 60000 END,
		summary_topics = CASE id % 4 WHEN 0 THEN '["refund","shipping"]' WHEN 1 THEN '["Order status"]' END`)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("figures given in %s", time.Since(started).Round(time.Millisecond))
}

// BenchmarkInsights is every insight of a filter over the bench library,
// in Europe/Berlin, as InsightsService computes it: the filter resolved
// (timeline.Select) and aggregated.
func BenchmarkInsights(b *testing.B) {
	st, tl := benchLibrary(b)
	ctx := context.Background()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatalf("load Europe/Berlin (install tzdata): %v", err)
	}
	now := synth.SessionsEnd + 30*24*3600*1000
	year := func(y int) (int64, int64) {
		return time.Date(y, 1, 1, 0, 0, 0, 0, berlin).UnixMilli(), time.Date(y+1, 1, 1, 0, 0, 0, 0, berlin).UnixMilli() - 1
	}
	from, to := year(2024)
	cases := []struct {
		name   string
		filter timeline.Filter
		period string
	}{
		{"all/day", timeline.Filter{}, Day},
		{"all/week", timeline.Filter{}, Week},
		{"all/month", timeline.Filter{}, Month},
		{"channel/day", timeline.Filter{Channels: []string{"whatsapp"}}, Day},
		{"label/day", timeline.Filter{Labels: []string{"refund"}}, Day},
		{"label-year/week", timeline.Filter{Labels: []string{"refund"}, From: from, To: to}, Week},
		{"year/day", timeline.Filter{From: from, To: to}, Day},
		{"negative-year/week", timeline.Filter{Sentiment: "negative", From: from, To: to}, Week},
		{"words/day", timeline.Filter{Q: "order"}, Day}, // a word in 40% of the summaries
		{"name/day", timeline.Filter{Name: "maria"}, Day},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				sel, err := tl.Select(ctx, c.filter, now)
				if err != nil {
					b.Fatal(err)
				}
				res, err := Compute(ctx, st, Request{Selection: sel, Period: c.period, Location: berlin})
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "sessions")
		})
	}
}
