package search

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/synth"
)

// Benchmarks:
//
//	go test -run '^$' -bench '100k$' -benchtime 1x ./backend/search/
//	go test -run '^$' -bench '1M$' -benchtime 1x -timeout 60m ./backend/search/
//
// BenchmarkIndex* build an index from synthetic docs with Apply (chunks of
// benchChunk changes, Workers=2) and report docs/s and the size on disk;
// BenchmarkSearch* time ~200 varied queries one by one on an index built
// once per process (the one BenchmarkIndex* built, when it ran first) and
// report p50/p99 in ms of a page with its count, the count not cached.
// SESSIONS_BENCH_KEEP=DIR keeps the index built for BenchmarkSearch* in
// DIR for the next run.

// benchChunk is the number of changes per Apply call while building.
const benchChunk = 10_000

// benchQueries is the number of varied queries per search case.
const benchQueries = 200

var (
	benchMu    sync.Mutex
	benchBuilt = map[int]*benchIndex{}
	benchDirs  []string
)

// benchIndex is a built index. The docs it was built from are not kept:
// a million of them fill gigabytes, and the collector's work on such a
// heap would be timed with every search (the app holds no such heap).
type benchIndex struct {
	ix *Index
}

// TestMain removes the benchmarks' index folders.
func TestMain(m *testing.M) {
	code := m.Run()
	benchMu.Lock()
	for _, b := range benchBuilt {
		b.ix.Close()
	}
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
	benchMu.Unlock()
	os.Exit(code)
}

// buildBench builds an index of docs in a new temp folder.
func buildBench(b *testing.B, docs []Doc) (*Index, time.Duration) {
	b.Helper()
	dir, err := os.MkdirTemp("", "search-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchMu.Lock()
	benchDirs = append(benchDirs, dir)
	benchMu.Unlock()
	ctx := context.Background()
	ix, err := Open(ctx, dir, Options{Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	changes := make([]Change, 0, benchChunk)
	for i := 0; i < len(docs); i += benchChunk {
		changes = changes[:0]
		for _, d := range docs[i:min(i+benchChunk, len(docs))] {
			changes = append(changes, Change{Doc: d})
		}
		if err := ix.Apply(ctx, changes); err != nil {
			b.Fatal(err)
		}
	}
	if err := ix.MarkRebuilt(ctx); err != nil {
		b.Fatal(err)
	}
	return ix, time.Since(start)
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func runBenchIndex(b *testing.B, n int) {
	docs := synthetic(n, 1)
	b.ResetTimer()
	var total time.Duration
	var ix *Index
	cpu0 := cpuTime()
	for range b.N {
		if ix != nil {
			ix.Close()
		}
		var d time.Duration
		ix, d = buildBench(b, docs)
		total += d
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "docs/s")
	// CPU time per document, all goroutines: what the machine must spend,
	// whatever else shares it; 2 cores / cpu-µs/doc bounds the rate.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/doc")
	b.ReportMetric(float64(dirSize(ix.dir))/float64(n)*100_000/(1<<20), "MB/100k-docs")
	benchMu.Lock()
	defer benchMu.Unlock()
	if benchBuilt[n] == nil {
		benchBuilt[n] = &benchIndex{ix: ix}
	} else {
		ix.Close()
	}
}

func BenchmarkIndex100k(b *testing.B) { runBenchIndex(b, 100_000) }
func BenchmarkIndex1M(b *testing.B)   { runBenchIndex(b, 1_000_000) }

// prebuilt returns the index of n synthetic docs, building it once.
func prebuilt(b *testing.B, n int) *benchIndex {
	benchMu.Lock()
	bi := benchBuilt[n]
	benchMu.Unlock()
	if bi != nil {
		return bi
	}
	keep := os.Getenv("SESSIONS_BENCH_KEEP") // a folder to keep the index in between runs
	kept := filepath.Join(keep, fmt.Sprintf("search-%d", n))
	if keep != "" {
		if _, err := os.Stat(filepath.Join(kept, "complete")); err == nil {
			bi = &benchIndex{ix: openBench(b, kept, n)}
			b.Logf("reusing the index kept in %s", kept)
		}
	}
	if bi == nil {
		ix, d := buildBench(b, synthetic(n, 1))
		b.Logf("built %d docs in %v (%.0f docs/s), %d MB", n, d.Round(time.Millisecond), float64(n)/d.Seconds(), dirSize(ix.dir)>>20)
		if keep != "" {
			ix.Close()
			os.RemoveAll(kept)
			if err := os.MkdirAll(keep, 0o700); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(ix.dir, kept); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(kept, "complete"), nil, 0o600); err != nil {
				b.Fatal(err)
			}
			ix = openBench(b, kept, n)
		}
		bi = &benchIndex{ix: ix}
	}
	benchMu.Lock()
	benchBuilt[n] = bi
	benchMu.Unlock()
	return bi
}

// openBench opens a kept benchmark index of n docs.
func openBench(b *testing.B, dir string, n int) *Index {
	ix, err := Open(context.Background(), dir, Options{Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	if got, err := ix.DocCount(); err != nil || got != uint64(n) {
		b.Fatalf("kept index %s holds %d docs (%v), want %d: remove it", dir, got, err, n)
	}
	return ix
}

// benchCase makes the i-th query of a case; prepare, when set, runs before
// the timed search (untimed) and may return the query to time instead.
type benchCase struct {
	name    string
	query   func(i int) Query
	prepare func(ctx context.Context, ix *Index, q Query) (Query, error)
}

func benchSearch(b *testing.B, n int) {
	bi := prebuilt(b, n)
	ix := bi.ix
	vocab := synth.Vocabulary()
	r := rand.New(rand.NewPCG(7, 7))
	pick := func(lo, hi int) string { return vocab[lo+r.IntN(hi-lo)] }
	firstNames := synth.FirstNames()
	prefixes := make([]string, benchQueries)
	for i := range prefixes {
		name := strings.ToLower(firstNames[r.IntN(len(firstNames))])
		prefixes[i] = name[:min(len(name), 3)]
	}
	common := make([]string, benchQueries)
	rare := make([]string, benchQueries)
	medium := make([]string, benchQueries)
	for i := range benchQueries {
		common[i] = pick(1, 20)
		rare[i] = pick(1500, synth.VocabularySize)
		medium[i] = pick(50, 300)
	}
	year := int64(365 * 24 * time.Hour / time.Millisecond)
	cases := []benchCase{
		{name: "common-word", query: func(i int) Query { return Query{Q: common[i]} }},
		{name: "rare-word", query: func(i int) Query { return Query{Q: rare[i]} }},
		{name: "absent-word", query: func(i int) Query { return Query{Q: fmt.Sprintf("zzqx%d", i)} }},
		{name: "partial-name", query: func(i int) Query { return Query{Q: prefixes[i]} }},
		{name: "layered", query: func(i int) Query {
			from := synth.SessionsStart + int64(i)*(synth.SessionsEnd-synth.SessionsStart-year)/benchQueries
			return Query{
				Q:        medium[i],
				Channels: []string{[]string{"whatsapp", "instagram", "facebook", "webchat"}[i%4]},
				Labels:   []string{synth.Labels()[i%len(synth.Labels())]},
				From:     from,
				To:       from + year,
			}
		}},
		{name: "deep-page-21", query: func(i int) Query { return Query{Q: common[i]} },
			prepare: func(ctx context.Context, ix *Index, q Query) (Query, error) {
				for range 20 {
					res, err := ix.Search(ctx, q)
					if err != nil || res.Next == nil {
						return q, err
					}
					q.After = res.Next
				}
				return q, nil
			}},
		{name: "message-text", query: func(i int) Query { return Query{Text: medium[i]} }},
		{name: "completed-common-word", query: func(i int) Query {
			return Query{Q: common[i], Status: "completed", Now: synth.SessionsEnd - int64(i)*24*3_600_000}
		}},
	}
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			var hits int
			for range b.N {
				for i := range benchQueries {
					q := c.query(i)
					// Every page comes with its count, as the timeline
					// asks, and the count is not cached: the cost of a
					// new query.
					q.Count = true
					ix.totals.clear()
					if c.prepare != nil {
						var err error
						if q, err = c.prepare(ctx, ix, q); err != nil {
							b.Fatal(err)
						}
					}
					start := time.Now()
					res, err := ix.Search(ctx, q)
					times = append(times, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					hits += len(res.IDs)
				}
			}
			slices.Sort(times)
			ms := func(p float64) float64 {
				return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(times)), "ids/query")
		})
	}
}

func BenchmarkSearch100k(b *testing.B) { benchSearch(b, 100_000) }
func BenchmarkSearch1M(b *testing.B)   { benchSearch(b, 1_000_000) }
