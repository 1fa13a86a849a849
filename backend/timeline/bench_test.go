package timeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
)

// library is a synthetic library of n sessions in a real store and index,
// built once per process and size.
type benchLibrary struct {
	st   *store.Store
	tl   *Service
	docs []search.Doc
	now  int64
}

var (
	libMu     sync.Mutex
	libraries = map[int]*benchLibrary{}
)

// buildLibrary stores n synthetic sessions (names, emails, summaries,
// labels, channels and sentiments over five years, from synth.Sessions)
// and, when withIndex, indexes them.
func buildLibrary(b *testing.B, n int, withIndex bool) *benchLibrary {
	libMu.Lock()
	defer libMu.Unlock()
	if lib, ok := libraries[n]; ok {
		return lib
	}
	ctx := context.Background()
	ss := synth.Sessions(n, 1)
	docs := make([]search.Doc, len(ss))
	for i, s := range ss {
		docs[i] = search.Doc(s)
	}
	if lib := reuseLibrary(b, n, withIndex, docs); lib != nil {
		libraries[n] = lib
		return lib
	}
	dir, err := os.MkdirTemp("", "sessions-timeline-bench")
	if keep := os.Getenv(benchKeepEnv); keep != "" {
		dir, err = benchKeepDir(keep, n, withIndex), os.MkdirAll(benchKeepDir(keep, n, withIndex), 0o700)
	}
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	const chunk = 20_000
	contacts := map[string]int64{}
	for lo := 0; lo < n; lo += chunk {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for i := lo; i < min(lo+chunk, n); i++ {
				d := docs[i]
				key := d.ContactEmail + "|" + d.ContactName
				cid, ok := contacts[key]
				if !ok {
					var err error
					cid, err = tx.CreateContact(ctx, store.Contact{Name: d.ContactName, Email: d.ContactEmail}, d.Channel, fmt.Sprint(i), 1)
					if err != nil {
						return err
					}
					contacts[key] = cid
				}
				conv, err := tx.CreateConversation(ctx, store.Conversation{Channel: d.Channel, ExternalKey: fmt.Sprint(i), ContactID: cid, Title: d.ContactName}, 1)
				if err != nil {
					return err
				}
				id, err := tx.InsertSession(ctx, conv, cid, d.Channel, store.SessionSpan{StartedAt: d.Start, LastMessageAt: d.End, GapMS: d.ActiveUntil - d.End, MessageCount: 8}, 1)
				if err != nil {
					return err
				}
				docs[i].ID = id
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
	b.Logf("stored %d sessions in %s", n, time.Since(started).Round(time.Second))
	benchField(b, st, docs)
	tl, err := Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		b.Fatal(err)
	}
	if withIndex {
		started = time.Now()
		if err := tl.Sync(ctx, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("indexed %d sessions in %s (%.0f sessions/s)", n, time.Since(started).Round(time.Second), float64(n)/time.Since(started).Seconds())
	}
	if keep := os.Getenv(benchKeepEnv); keep != "" {
		if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	lib := newBenchLibrary(st, tl, docs)
	libraries[n] = lib
	return lib
}

// benchKeepEnv names a folder where built libraries are kept between runs:
// a million sessions take ~15 minutes to store and index.
const benchKeepEnv = "SESSIONS_BENCH_KEEP"

func benchKeepDir(keep string, n int, withIndex bool) string {
	return filepath.Join(keep, fmt.Sprintf("timeline-%d-index-%v", n, withIndex))
}

// reuseLibrary opens the library a previous run kept, or returns nil.
func reuseLibrary(b *testing.B, n int, withIndex bool, docs []search.Doc) *benchLibrary {
	keep := os.Getenv(benchKeepEnv)
	if keep == "" {
		return nil
	}
	dir := benchKeepDir(keep, n, withIndex)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err != nil {
		os.RemoveAll(dir) // unfinished: build again
		return nil
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	tl, err := Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		b.Fatal(err)
	}
	// The store gave ids 1..n in the order the sessions were stored.
	for i := range docs {
		docs[i].ID = int64(i + 1)
	}
	got, err := st.SessionsByIDs(ctx, []int64{1, int64(n)})
	if err != nil || len(got) != 2 || got[0].StartedAt != docs[0].Start || got[1].StartedAt != docs[n-1].Start {
		b.Fatalf("kept library %s does not hold the synthetic sessions (%v): remove it", dir, err)
	}
	b.Logf("reusing the library kept in %s", dir)
	benchField(b, st, docs)
	if pending, err := st.OutboxLen(ctx); err != nil {
		b.Fatal(err)
	} else if pending > 0 { // a new mapping version: the index is rebuilt
		started := time.Now()
		if err := tl.Sync(ctx, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("indexed %d sessions in %s (%.0f sessions/s)", pending, time.Since(started).Round(time.Second), float64(pending)/time.Since(started).Seconds())
	}
	return newBenchLibrary(st, tl, docs)
}

func newBenchLibrary(st *store.Store, tl *Service, docs []search.Doc) *benchLibrary {
	var latest int64
	for _, d := range docs {
		latest = max(latest, d.End)
	}
	return &benchLibrary{st: st, tl: tl, docs: docs, now: latest + 3_600_000}
}

// measure runs each query once per iteration and reports p50 and p99.
func measure(b *testing.B, queries int, run func(i int) error) {
	var times []time.Duration
	for it := 0; it < b.N; it++ {
		for i := 0; i < queries; i++ {
			t0 := time.Now()
			if err := run(i); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*99/100]), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

func benchTimeline(b *testing.B, n int, withIndex bool) {
	lib := buildLibrary(b, n, withIndex)
	ctx := context.Background()
	labels := []string{}
	for _, d := range lib.docs[:200] {
		labels = append(labels, d.Labels...)
	}
	channels := []string{"whatsapp", "instagram", "facebook", "webchat"}
	cursorAt := func(i int) *store.Cursor {
		d := lib.docs[(i*7919)%len(lib.docs)]
		return &store.Cursor{StartedAt: d.Start, ID: d.ID}
	}
	b.Run("plain-first-page", func(b *testing.B) {
		measure(b, 200, func(int) error {
			_, err := lib.tl.List(ctx, Filter{}, lib.now, 50, nil)
			return err
		})
	})
	b.Run("plain-any-page", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			_, err := lib.tl.List(ctx, Filter{}, lib.now, 50, cursorAt(i))
			return err
		})
	})
	b.Run("filter-channel-label-dates", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			d := lib.docs[(i*104729)%len(lib.docs)]
			f := Filter{Channels: []string{channels[i%4]}, Labels: []string{labels[i%len(labels)]}, From: d.Start - 365*day, To: d.Start}
			_, err := lib.tl.List(ctx, f, lib.now, 50, nil)
			return err
		})
	})
	b.Run("filter-status-sentiment-deep-page", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			f := Filter{Status: "completed", Sentiment: []string{"positive", "neutral", "negative"}[i%3]}
			_, err := lib.tl.List(ctx, f, lib.now, 50, cursorAt(i))
			return err
		})
	})
	// A label alone and a custom field alone (typed in capitals, found by
	// their fold), first pages and pages deep in the list: the filters of
	// issue 12's chips.
	b.Run("filter-label-page", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			var after *store.Cursor
			if i%2 == 1 {
				after = cursorAt(i)
			}
			_, err := lib.tl.List(ctx, Filter{Labels: []string{strings.ToUpper(labels[i%len(labels)])}}, lib.now, 50, after)
			return err
		})
	})
	b.Run("filter-field-page", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			var after *store.Cursor
			if i%2 == 1 {
				after = cursorAt(i)
			}
			f := Filter{Fields: map[string]string{benchFieldKey: strings.ToUpper(benchCities[i%len(benchCities)])}}
			_, err := lib.tl.List(ctx, f, lib.now, 50, after)
			return err
		})
	})
	if !withIndex {
		return
	}
	vocab := synth.Vocabulary()
	b.Run("search-label-field", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			f := Filter{Q: vocab[(i*31)%len(vocab)], Labels: []string{labels[i%len(labels)]},
				Fields: map[string]string{benchFieldKey: benchCities[i%len(benchCities)]}}
			_, err := lib.tl.List(ctx, f, lib.now, 50, nil)
			return err
		})
	})
	b.Run("search-box-first-page", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			_, err := lib.tl.List(ctx, Filter{Q: vocab[i%len(vocab)]}, lib.now, 50, nil)
			return err
		})
	})
	b.Run("search-layered", func(b *testing.B) {
		measure(b, 200, func(i int) error {
			f := Filter{Q: vocab[(i*31)%len(vocab)], Channels: []string{channels[i%4]}, Status: "completed"}
			_, err := lib.tl.List(ctx, f, lib.now, 50, nil)
			return err
		})
	})
}

// benchFieldKey is the custom field of the benchmark libraries: every
// session has a city, one of benchCities in turn.
const benchFieldKey = "city"

var benchCities = []string{"München", "Köln", "Zürich", "São Paulo", "Kraków", "Berlin", "Lyon", "Málaga"}

// benchField gives every session of a library a city, once (a kept
// library keeps it), before the index is brought up to date: the index
// then takes the cities in the same pass.
func benchField(b *testing.B, st *store.Store, docs []search.Doc) {
	ctx := context.Background()
	if _, err := st.Field(ctx, benchFieldKey); err == nil {
		return
	}
	started := time.Now()
	const chunk = 20_000
	for lo := 0; lo < len(docs); lo += chunk {
		err := st.Update(ctx, func(tx *store.Tx) error {
			if lo == 0 {
				if _, err := tx.DefineField(ctx, benchFieldKey, "City", "text", nil, 1); err != nil {
					return err
				}
			}
			for i := lo; i < min(lo+chunk, len(docs)); i++ {
				if _, err := tx.SetSessionField(ctx, docs[i].ID, benchFieldKey, benchCities[i%len(benchCities)]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("set a city on %d sessions in %s", len(docs), time.Since(started).Round(time.Second))
}

// The timeline, store and index together, at 100,000 and 1,000,000
// sessions. Set SESSIONS_BENCH_KEEP to a folder to keep the libraries
// between runs.
func BenchmarkTimeline100k(b *testing.B) { benchTimeline(b, 100_000, true) }
func BenchmarkTimeline1M(b *testing.B)   { benchTimeline(b, 1_000_000, true) }
