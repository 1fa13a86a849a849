package search

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSortKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	vals := []int64{math.MinInt64, -1 << 40, -1, 0, 1, 127, 128, 1 << 40, ms(2024, 3, 1, 0, 0, 0, 0), math.MaxInt64}
	for range 200 {
		vals = append(vals, r.Int64()-r.Int64())
	}
	type pair struct{ start, id int64 }
	var pairs []pair
	for range 2000 {
		pairs = append(pairs, pair{vals[r.IntN(len(vals))], vals[r.IntN(len(vals))]})
	}
	for _, p := range pairs {
		k := docKey(p.start, p.id, p.id^p.start, p.start^p.id<<1)
		if strings.IndexByte(k, 0xff) >= 0 || len(k) != docKeyLen {
			t.Fatalf("key of %+v: %q", p, k)
		}
		s, id, au, err := parseDocKey([]byte(k))
		if err != nil || s != p.start || id != p.id || au != p.id^p.start {
			t.Fatalf("parseDocKey(docKey(%+v)) = %d, %d, %d, %v", p, s, id, au, err)
		}
		if end := keyInt([]byte(k[3*keyIntLen:])); end != p.start^p.id<<1 {
			t.Fatalf("end of docKey(%+v) = %d", p, end)
		}
		c := cursorKey(Cursor{p.start, p.id})
		if !strings.HasPrefix(k, c) || !(k > c) {
			t.Fatalf("cursor key of %+v is not a smaller prefix of its doc key", p)
		}
	}
	for i := 1; i < len(pairs); i++ {
		a, b := pairs[i-1], pairs[i]
		num := 0
		switch {
		case a.start < b.start || a.start == b.start && a.id < b.id:
			num = -1
		case a.start > b.start || a.id > b.id:
			num = 1
		}
		ka, kb := docKey(a.start, a.id, 0, 0), docKey(b.start, b.id, 1, 1)
		if num != 0 && strings.Compare(ka, kb) != num {
			t.Fatalf("%+v vs %+v: keys compare %d, numbers %d", a, b, strings.Compare(ka, kb), num)
		}
		// A doc strictly before the cursor in descending order is exactly
		// one with a smaller (start, id).
		if before := docKey(a.start, a.id, 5, 5) < cursorKey(Cursor{b.start, b.id}); before != (num < 0) {
			t.Fatalf("%+v after cursor %+v = %v, want %v", a, b, before, num < 0)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"equal", "jonathan", "jonathan", true},
		{"substitution", "jonathon", "jonathan", true},
		{"insertion", "jonathn", "jonathan", true},
		{"deletion", "jonathaan", "jonathan", true},
		{"first rune", "xonathan", "jonathan", true},
		{"last rune", "jonathax", "jonathan", true},
		{"two substitutions", "jonethon", "jonathan", false},
		{"transposition is two edits", "jonatahn", "jonathan", false},
		{"two apart", "jonath", "jonathan", false},
		{"multibyte substitution", "jürgen", "jörgen", true},
		{"multibyte vs ascii", "jurgen", "jürgen", true},
		{"multibyte insertion", "srensen", "sørensen", true},
		{"same first byte, other rune", "é", "è", true},
		{"empty and one", "", "a", true},
		{"repeated runes", "aaa", "aa", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withinOneEdit(tt.a, tt.b); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := withinOneEdit(tt.b, tt.a); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestLargeMonthBatches writes one month in several batches at once (more
// than maxBatch sessions) and checks that the month's latest end survives a
// reopen, whatever order the batches landed in.
func TestLargeMonthBatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(ctx, dir, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	base := ms(2022, 6, 1, 0, 0, 0, 0)
	n := 3*maxBatch + 17
	var changes []Change
	for i := range n {
		start := base + int64(i)*1000
		changes = append(changes, Change{Doc: Doc{ID: int64(i + 1), Start: start, ActiveUntil: start + hour, Summary: "bulk"}})
	}
	latest := changes[7].Doc
	latest.ActiveUntil = ms(2029, 1, 1, 0, 0, 0, 0)
	changes[7].Doc = latest
	apply(t, ix, changes...)
	if err := ix.MarkRebuilt(ctx); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix = openTest(t, dir)
	if c, err := ix.DocCount(); err != nil || c != uint64(n) {
		t.Fatalf("DocCount = %d, %v; want %d", c, err, n)
	}
	res, err := ix.Search(ctx, Query{Status: "active", Now: ms(2028, 1, 1, 0, 0, 0, 0), Count: true})
	if err != nil || !slices.Equal(res.IDs, []int64{latest.ID}) || res.Total != 1 {
		t.Errorf("active = %v (total %d), %v; want [%d]", res.IDs, res.Total, err, latest.ID)
	}
	if got := all(t, ix, Query{Q: "bulk", Limit: 500}); len(got) != n || got[0] != int64(n) || got[n-1] != 1 {
		t.Errorf("paging the month: %d ids, want %d newest first", len(got), n)
	}
}

func TestOpenLocksTheFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ix, upserts(fixture())...)
	if err := ix.MarkRebuilt(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if n, err := ix.DocCount(); err != nil || n != 7 {
		t.Errorf("the first index lost documents to the second Open: %d, %v", n, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openTest(t, dir)
	if n, err := ix.DocCount(); err != nil || n != 7 || ix.NeedsRebuild() {
		t.Errorf("reopen after Close: %d docs, %v, NeedsRebuild %v", n, err, ix.NeedsRebuild())
	}
}

// testAnalyzers returns the analyzers of the index mapping.
func testAnalyzers(t *testing.T) analyzers {
	t.Helper()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an, err := newAnalyzers(m)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

func TestUniqueWordsKeepsTerms(t *testing.T) {
	an := testAnalyzers(t)
	tests := []struct {
		name, in, want string
	}{
		{"no repeats", "hello there", "hello there"},
		{"repeats", "the box the box arrived", "the box arrived"},
		{"case and punctuation kept apart", "Refund refund refund. refund", "Refund refund refund."},
		{"newlines and tabs", "ok\nok\tthanks  ok", "ok thanks"},
		{"accents", "café Café café", "café Café"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := an.uniqueWords(tt.in)
			if got != tt.want {
				t.Errorf("uniqueWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
			a, b := an.terms(tt.in), an.terms(got)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Errorf("terms %v, after uniqueWords %v", a, b)
			}
		})
	}
}

func TestSplitBatches(t *testing.T) {
	tests := []struct {
		name                 string
		ops, workers, months int
		want                 []int
	}{
		{"small call", 10, 2, 1, []int{10}},
		{"one month, shared by the workers", 2000, 2, 1, []int{1000, 1000}},
		{"one month, too small to share", 900, 2, 1, []int{900}},
		{"two months, one batch each", 2000, 2, 2, []int{2000}},
		{"large month", 2*maxBatch + 1, 2, 3, []int{1334, 1334, 1333}},
		{"one month, three workers", 3000, 3, 1, []int{1000, 1000, 1000}},
		{"nothing", 0, 2, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := make([]op, tt.ops)
			var got []int
			total := 0
			for _, b := range splitBatches(ops, tt.workers, tt.months) {
				got = append(got, len(b))
				total += len(b)
				if len(b) > maxBatch {
					t.Errorf("batch of %d > maxBatch", len(b))
				}
			}
			if total != tt.ops {
				t.Errorf("batches hold %d ops, want %d", total, tt.ops)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("batches %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNamePrefixes(t *testing.T) {
	an := testAnalyzers(t)
	tests := []struct {
		in   string
		want []string
	}{
		{"Jane", []string{"j", "ja", "jan", "jane"}},
		{"José Müller", []string{"j", "jo", "jos", "jose", "m", "mu", "mul", "mull"}},
		{"Al Alvarez", []string{"a", "al", "alv", "alva"}},
		{"Łukasz Øberg", []string{"l", "lu", "luk", "luka", "o", "ob", "obe", "ober"}},
		{"Ελένη", []string{"ε", "ελ", "ελέ", "ελέν"}}, // whole runes, as the name field has them
		{"", nil},
	}
	for _, tt := range tests {
		if got := an.namePrefixes(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("namePrefixes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
