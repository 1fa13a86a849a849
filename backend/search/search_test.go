package search

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/synth"
)

func ms(y int, m time.Month, d, h, min, s, milli int) int64 {
	return time.Date(y, m, d, h, min, s, milli*1e6, time.UTC).UnixMilli()
}

const hour = int64(time.Hour / time.Millisecond)

// fixture is a small set of sessions over four months, one of them at each
// edge of a month.
func fixture() []Doc {
	docs := []Doc{
		{ID: 6, Start: ms(2023, 12, 31, 23, 59, 59, 999), ContactName: "Omar Khan", ContactEmail: "o.khan@acme.com",
			Summary: "Blue jacket out of stock", Text: "jane recommended you", Channel: "webchat", Sentiment: "neutral",
			Labels: []string{"Lead"}},
		{ID: 1, Start: ms(2024, 1, 10, 9, 0, 0, 0), ContactName: "Jane Doe", ContactEmail: "Jane.Doe@Acme.com",
			Summary: "Refund requested for the blue shoes", Text: "hello I want my money back", Channel: "whatsapp",
			Sentiment: "positive", Labels: []string{"VIP", "Refund"}, Fields: map[string]string{"plan": "Pro"}},
		{ID: 7, Start: ms(2024, 1, 20, 15, 0, 0, 0), ContactName: "Rene\u0301e Dubois", ContactEmail: "renee@free.fr",
			Summary: "Gift voucher", Text: "merci beaucoup", Channel: "webchat"},
		{ID: 2, Start: ms(2024, 2, 5, 10, 0, 0, 0), ContactName: "José Müller", ContactEmail: "jose.muller@example.org",
			Summary: "Café order delayed", Text: "where is my parcel", Channel: "instagram", Sentiment: "negative",
			Labels: []string{"Shipping"}, Fields: map[string]string{"plan": "basic", "country": "DE"}},
		{ID: 3, Start: ms(2024, 2, 20, 11, 0, 0, 0), ContactName: "Jonathan Smith", ContactEmail: "jon@globex.com",
			Summary: "Invoice question", Text: "please send the invoice again", Channel: "facebook", Sentiment: "neutral",
			Labels: []string{"billing"}},
		{ID: 4, Start: ms(2024, 3, 1, 0, 0, 0, 0), ContactName: "Hans MÜLLER", ContactEmail: "hans.mueller@web.de",
			Summary: "Exchange size 43", Text: "too small", Channel: "webchat"},
		{ID: 5, Start: ms(2024, 3, 31, 23, 59, 59, 999), ContactName: "Janet Rossi", ContactEmail: "janet@libero.it",
			Summary: "refund for damaged box", Text: "the box arrived damaged", Channel: "whatsapp", Sentiment: "negative",
			Labels: []string{"refund"}, Fields: map[string]string{"plan": "PRO"}},
	}
	for i := range docs {
		docs[i].End = docs[i].Start + hour/2
		docs[i].ActiveUntil = docs[i].Start + hour
	}
	docs[0].ActiveUntil = ms(2030, 1, 1, 0, 0, 0, 0) // an old session still active
	return docs
}

func openTest(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func upserts(docs []Doc) []Change {
	out := make([]Change, len(docs))
	for i, d := range docs {
		out[i] = Change{Doc: d}
	}
	return out
}

func apply(t *testing.T, ix *Index, changes ...Change) {
	t.Helper()
	if err := ix.Apply(context.Background(), changes); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

// all pages through q (with q.Limit per page) and returns every id, failing
// on an id seen twice or a page without progress.
func all(t *testing.T, ix *Index, q Query) []int64 {
	t.Helper()
	var ids []int64
	seen := map[int64]bool{}
	for page := 0; ; page++ {
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		for _, id := range res.IDs {
			if seen[id] {
				t.Fatalf("id %d returned twice (page %d)", id, page)
			}
			seen[id] = true
		}
		ids = append(ids, res.IDs...)
		if res.Next == nil {
			return ids
		}
		if len(res.IDs) == 0 || page > 10_000 {
			t.Fatalf("page %d: empty page with a next cursor", page)
		}
		q.After = res.Next
	}
}

func TestSearchFilters(t *testing.T) {
	ix := openTest(t, t.TempDir())
	apply(t, ix, upserts(fixture())...)
	now := ms(2025, 1, 1, 0, 0, 0, 0)
	tests := []struct {
		name string
		q    Query
		want []int64
	}{
		{"everything, newest first", Query{}, []int64{5, 4, 3, 2, 7, 1, 6}},
		{"Q name prefix", Query{Q: "jan"}, []int64{5, 1}},
		{"Q summary word", Query{Q: "refund"}, []int64{5, 1}},
		{"Q email domain", Query{Q: "acme"}, []int64{1, 6}},
		{"Q whole email", Query{Q: "jane.doe@acme.com"}, []int64{1}},
		{"Q not message text", Query{Q: "parcel"}, nil},
		{"Q words AND across fields", Query{Q: "omar blue"}, []int64{6}},
		{"Q words AND, name and summary", Query{Q: "JANE refund"}, []int64{5, 1}},
		{"Q accent-insensitive", Query{Q: "jose"}, []int64{2}},
		{"Q accents in the query", Query{Q: "Jösé"}, []int64{2}},
		{"Q upper case folded", Query{Q: "MULLER"}, []int64{4, 2}},
		{"Q summary accent", Query{Q: "cafe"}, []int64{2}},
		{"Q decomposed accent", Query{Q: "renee"}, []int64{7}},
		{"Q precomposed finds decomposed", Query{Q: "Renée"}, []int64{7}},
		{"Q no match", Query{Q: "zebra"}, nil},
		{"Q punctuation only is no criterion", Query{Q: "?!"}, []int64{5, 4, 3, 2, 7, 1, 6}},
		{"summary", Query{Summary: "blue"}, []int64{1, 6}},
		{"summary all words", Query{Summary: "blue shoes"}, []int64{1}},
		{"summary not name", Query{Summary: "jane"}, nil},
		{"name partial", Query{Name: "jan"}, []int64{5, 1}},
		{"name partial accent", Query{Name: "mull"}, []int64{4, 2}},
		{"name partial last word", Query{Name: "smi"}, []int64{3}},
		{"name two words", Query{Name: "jo mu"}, []int64{2}},
		{"name typo, long word", Query{Name: "Jonathon"}, []int64{3}},
		{"name typo, short word", Query{Name: "Jano"}, nil},
		{"name typo and prefix", Query{Name: "jonathon smi"}, []int64{3}},
		{"name not summary", Query{Name: "refund"}, nil},
		{"email domain", Query{Email: "acme"}, []int64{1, 6}},
		{"email domain with tld", Query{Email: "ACME.com"}, []int64{1, 6}},
		{"email local part", Query{Email: "jane.doe"}, []int64{1}},
		{"email word of local part", Query{Email: "doe"}, []int64{1}},
		{"email whole", Query{Email: "jane.doe@acme.com"}, []int64{1}},
		{"email whole, other domain", Query{Email: "jane.doe@acme.co"}, nil},
		{"email partial word", Query{Email: "acm"}, nil},
		{"text", Query{Text: "parcel"}, []int64{2}},
		{"text all words", Query{Text: "box damaged"}, []int64{5}},
		{"text not summary", Query{Text: "refund"}, nil},
		{"channel", Query{Channels: []string{"webchat"}}, []int64{4, 7, 6}},
		{"channels any of", Query{Channels: []string{"whatsapp", "Facebook"}}, []int64{5, 3, 1}},
		{"labels case-insensitive", Query{Labels: []string{"REFUND"}}, []int64{5, 1}},
		{"labels any of", Query{Labels: []string{"vip", "billing"}}, []int64{3, 1}},
		{"sentiment", Query{Sentiment: "negative"}, []int64{5, 2}},
		{"field value case-insensitive", Query{Fields: map[string]string{"plan": "pro"}}, []int64{5, 1}},
		{"field key exact", Query{Fields: map[string]string{"Plan": "pro"}}, nil},
		{"fields all of", Query{Fields: map[string]string{"plan": "basic", "country": "de"}}, []int64{2}},
		{"fields all of, one missing", Query{Fields: map[string]string{"plan": "pro", "country": "de"}}, nil},
		{"from inclusive", Query{From: ms(2024, 3, 1, 0, 0, 0, 0)}, []int64{5, 4}},
		{"from one ms later", Query{From: ms(2024, 3, 1, 0, 0, 0, 1)}, []int64{5}},
		{"to inclusive", Query{To: ms(2023, 12, 31, 23, 59, 59, 999)}, []int64{6}},
		{"to one ms earlier", Query{To: ms(2023, 12, 31, 23, 59, 59, 998)}, nil},
		{"from and to in one month", Query{From: ms(2024, 2, 1, 0, 0, 0, 0), To: ms(2024, 2, 10, 0, 0, 0, 0)}, []int64{2}},
		{"from and to over months", Query{From: ms(2024, 1, 15, 0, 0, 0, 0), To: ms(2024, 3, 1, 0, 0, 0, 0)}, []int64{4, 3, 2, 7}},
		{"status all", Query{Status: "all", Now: now}, []int64{5, 4, 3, 2, 7, 1, 6}},
		{"status active, old session", Query{Status: "active", Now: now}, []int64{6}},
		{"status completed", Query{Status: "completed", Now: now}, []int64{5, 4, 3, 2, 7, 1}},
		{"layered", Query{Q: "refund", Channels: []string{"whatsapp"}, Labels: []string{"refund"},
			Sentiment: "negative", From: ms(2024, 3, 1, 0, 0, 0, 0), Fields: map[string]string{"plan": "pro"}}, []int64{5}},
		{"layered, one filter fails", Query{Q: "refund", Channels: []string{"whatsapp"}, Sentiment: "positive",
			From: ms(2024, 3, 1, 0, 0, 0, 0)}, nil},
		{"layered name, email, text", Query{Name: "jane", Email: "acme", Text: "money"}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, limit := range []int{0, 1, 2} {
				q := tt.q
				q.Limit = limit
				q.Count = true
				got := all(t, ix, q)
				if !slices.Equal(got, tt.want) {
					t.Fatalf("limit %d: got %v, want %v", limit, got, tt.want)
				}
				res, err := ix.Search(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != len(tt.want) {
					t.Errorf("limit %d: Total = %d, want %d", limit, res.Total, len(tt.want))
				}
			}
		})
	}
}

func TestSearchStatusMovesWithNow(t *testing.T) {
	ix := openTest(t, t.TempDir())
	docs := fixture()
	apply(t, ix, upserts(docs)...)
	five := docs[len(docs)-1]
	tests := []struct {
		name      string
		now       int64
		active    []int64
		completed []int64
	}{
		{"before the last message of 5", five.End - 1, []int64{5, 6}, []int64{4, 3, 2, 7, 1}},
		{"a ms before 5 ends", five.ActiveUntil - 1, []int64{5, 6}, []int64{4, 3, 2, 7, 1}},
		{"when 5 ends", five.ActiveUntil, []int64{6}, []int64{5, 4, 3, 2, 7, 1}},
		{"after 6 ends", ms(2031, 1, 1, 0, 0, 0, 0), nil, []int64{5, 4, 3, 2, 7, 1, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				status string
				want   []int64
			}{{"active", tt.active}, {"completed", tt.completed}} {
				q := Query{Status: c.status, Now: tt.now, Count: true}
				if got := all(t, ix, q); !slices.Equal(got, c.want) {
					t.Errorf("%s: got %v, want %v", c.status, got, c.want)
				}
				res, err := ix.Search(context.Background(), q)
				if err != nil || res.Total != len(c.want) {
					t.Errorf("%s: Total = %d, %v; want %d", c.status, res.Total, err, len(c.want))
				}
			}
		})
	}
	if _, err := ix.Search(context.Background(), Query{Status: "ongoing"}); err == nil {
		t.Error("unknown status accepted")
	}
}

func TestSearchOrderTiesByID(t *testing.T) {
	ix := openTest(t, t.TempDir())
	start := ms(2024, 5, 5, 5, 5, 5, 5)
	var docs []Doc
	for _, id := range []int64{12, 3, 40, 7, 25, 1, 9} {
		docs = append(docs, Doc{ID: id, Start: start, Summary: "same time"})
	}
	docs = append(docs, Doc{ID: 2, Start: start + 1, Summary: "same time"}, Doc{ID: 99, Start: start - 1, Summary: "same time"})
	apply(t, ix, upserts(docs)...)
	want := []int64{2, 40, 25, 12, 9, 7, 3, 1, 99}
	for _, limit := range []int{1, 2, 3, 4, 50} {
		if got := all(t, ix, Query{Q: "time", Limit: limit}); !slices.Equal(got, want) {
			t.Errorf("limit %d: got %v, want %v", limit, got, want)
		}
	}
	res, err := ix.Search(context.Background(), Query{Q: "time", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Next == nil || *res.Next != (Cursor{Start: start, ID: 25}) {
		t.Errorf("Next = %+v, want {%d 25}", res.Next, start)
	}
	res, err = ix.Search(context.Background(), Query{Q: "time", Limit: len(want)})
	if err != nil || res.Next != nil {
		t.Errorf("a page holding the last result: Next = %+v, %v; want nil", res.Next, err)
	}
}

// TestPagingWithChanges pages with limit 3 through a result set that
// changes between pages: sessions added before and after the cursor,
// deleted and moved. Every session present from start to end is returned
// exactly once; those added behind the cursor are returned too.
func TestPagingWithChanges(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t, t.TempDir())
	docs := synthetic(400, 3)
	apply(t, ix, upserts(docs)...)
	q := Query{Channels: []string{"whatsapp"}, Limit: 3}
	var want []int64
	for i := len(docs) - 1; i >= 0; i-- {
		if docs[i].Channel == "whatsapp" {
			want = append(want, docs[i].ID)
		}
	}

	seen := map[int64]int{}
	var order []int64 // every returned id, in the order the pages gave them
	start := map[int64]int64{}
	for _, d := range docs {
		start[d.ID] = d.Start
	}
	added, deleted := map[int64]bool{}, map[int64]bool{}
	nextID := int64(10_000)
	r := rand.New(rand.NewPCG(1, 2))
	for page := 0; ; page++ {
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range res.IDs {
			seen[id]++
			order = append(order, id)
		}
		if res.Next == nil {
			break
		}
		q.After = res.Next
		if page%4 != 0 {
			continue
		}
		// Between pages: one session newer than the cursor (must not show
		// up), one older (must show up), one deleted further down.
		newer := Doc{ID: nextID, Start: res.Next.Start + 1 + r.Int64N(hour), Channel: "whatsapp"}
		older := Doc{ID: nextID + 1, Start: res.Next.Start - 1 - r.Int64N(30*24*hour), Channel: "whatsapp"}
		nextID += 2
		start[newer.ID], start[older.ID] = newer.Start, older.Start
		changes := []Change{{Doc: newer}, {Doc: older}}
		added[older.ID] = true
		for i := len(docs) - 1; i >= 0; i-- {
			d := docs[i]
			if d.Channel == "whatsapp" && d.Start < older.Start-24*hour && !deleted[d.ID] && r.IntN(3) == 0 {
				changes = append(changes, Change{Doc: d, Delete: true})
				deleted[d.ID] = true
				break
			}
		}
		apply(t, ix, changes...)
	}
	// Pages joined must stay newest first (Start, then ID, descending)
	// although sessions were added and deleted between them.
	for i := 1; i < len(order); i++ {
		a, b := order[i-1], order[i]
		if start[a] < start[b] || start[a] == start[b] && a < b {
			t.Errorf("result %d: session %d (start %d) after %d (start %d): not newest first", i, b, start[b], a, start[a])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("session %d returned %d times", id, n)
		}
		if id >= 10_000 && !added[id] {
			t.Errorf("session %d, added newer than the cursor, was returned", id)
		}
	}
	for _, id := range want {
		if !deleted[id] && seen[id] != 1 {
			t.Errorf("session %d missing", id)
		}
		if deleted[id] && seen[id] != 0 {
			t.Errorf("deleted session %d returned", id)
		}
	}
	for id := range added {
		if seen[id] != 1 {
			t.Errorf("session %d, added behind the cursor, missing", id)
		}
	}
	if len(deleted) == 0 || len(added) < 5 {
		t.Fatalf("the test changed too little: %d deleted, %d added", len(deleted), len(added))
	}
}

// TestSearchMatchesModel compares paged results and totals of random
// layered queries over synthetic sessions with a brute-force evaluation.
func TestSearchMatchesModel(t *testing.T) {
	ix := openTest(t, t.TempDir())
	docs := synthetic(3000, 11)
	apply(t, ix, upserts(docs)...)
	vocab := synth.Vocabulary()
	r := rand.New(rand.NewPCG(5, 6))
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
			m[w] = true
		}
		return m
	}
	for i := range 60 {
		var q Query
		if r.IntN(2) == 0 {
			q.Summary = vocab[r.IntN(300)]
		}
		if r.IntN(3) == 0 {
			q.Text = vocab[r.IntN(100)]
		}
		if r.IntN(2) == 0 {
			q.Channels = []string{"whatsapp", "instagram", "facebook", "webchat"}[:1+r.IntN(2)]
		}
		if r.IntN(3) == 0 {
			q.Labels = []string{strings.ToUpper(synth.Labels()[r.IntN(len(synth.Labels()))])}
		}
		if r.IntN(2) == 0 {
			q.From = synth.SessionsStart + r.Int64N(synth.SessionsEnd-synth.SessionsStart)
			q.To = q.From + r.Int64N(400*24*hour)
		}
		if r.IntN(3) == 0 {
			q.Status = []string{"active", "completed"}[r.IntN(2)]
			q.Now = docs[r.IntN(len(docs))].End + r.Int64N(2*24*hour)
		}
		q.Limit = 1 + r.IntN(40)
		q.Count = true

		var want []int64
		for j := len(docs) - 1; j >= 0; j-- {
			d := docs[j]
			ok := (q.Summary == "" || words(d.Summary)[q.Summary]) &&
				(q.Text == "" || words(d.Text)[q.Text]) &&
				(q.Channels == nil || slices.Contains(q.Channels, d.Channel)) &&
				(q.Labels == nil || slices.ContainsFunc(d.Labels, func(l string) bool { return strings.EqualFold(l, q.Labels[0]) })) &&
				(q.From == 0 || d.Start >= q.From) && (q.To == 0 || d.Start <= q.To) &&
				(q.Status != "active" || q.Now < d.ActiveUntil) && (q.Status != "completed" || q.Now >= d.ActiveUntil)
			if ok {
				want = append(want, d.ID)
			}
		}
		got := all(t, ix, q)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d %+v: got %d ids, want %d\ngot  %v\nwant %v", i, q, len(got), len(want), got, want)
		}
		res, err := ix.Search(context.Background(), q)
		if err != nil || res.Total != len(want) {
			t.Fatalf("query %d %+v: Total = %d, %v; want %d", i, q, res.Total, err, len(want))
		}
	}
}

func TestDeleteAndMove(t *testing.T) {
	ctx := context.Background()
	docs := fixture()
	tests := []struct {
		name    string
		changes []Change
		q       Query
		want    []int64
		count   uint64
	}{
		{"delete by start", []Change{{Doc: Doc{ID: 3, Start: docs[4].Start}, Delete: true}}, Query{}, []int64{5, 4, 2, 7, 1, 6}, 6},
		{"delete by prev start", []Change{{Doc: Doc{ID: 3}, PrevStart: docs[4].Start, Delete: true}}, Query{}, []int64{5, 4, 2, 7, 1, 6}, 6},
		{"delete, location unknown", []Change{{Doc: Doc{ID: 3}, Delete: true}}, Query{}, []int64{5, 4, 2, 7, 1, 6}, 6},
		{"delete of a missing session", []Change{{Doc: Doc{ID: 77, Start: docs[4].Start}, Delete: true}}, Query{}, []int64{5, 4, 3, 2, 7, 1, 6}, 7},
		{"start moved to another month", []Change{{Doc: func() Doc {
			d := docs[1] // session 1, January
			d.Start = ms(2024, 3, 15, 0, 0, 0, 0)
			return d
		}(), PrevStart: docs[1].Start}}, Query{Q: "jane"}, []int64{5, 1}, 7},
		{"start moved within the month", []Change{{Doc: func() Doc {
			d := docs[1]
			d.Start = ms(2024, 1, 25, 0, 0, 0, 0)
			return d
		}(), PrevStart: docs[1].Start}}, Query{}, []int64{5, 4, 3, 2, 1, 7, 6}, 7},
		{"update in place", []Change{{Doc: func() Doc {
			d := docs[3] // session 2
			d.Summary = "Tea order delayed"
			return d
		}(), PrevStart: docs[3].Start}}, Query{Summary: "tea"}, []int64{2}, 7},
		{"last change of a session wins", []Change{
			{Doc: Doc{ID: 2, Start: docs[3].Start}, Delete: true},
			{Doc: docs[3]},
		}, Query{Q: "jose"}, []int64{2}, 7},
		{"moved, then changed in place, in one call", []Change{
			{Doc: func() Doc {
				d := docs[1]
				d.Start = ms(2024, 3, 15, 0, 0, 0, 0)
				return d
			}(), PrevStart: docs[1].Start},
			{Doc: docs[1], PrevStart: docs[1].Start},
		}, Query{Q: "jane"}, []int64{5, 1}, 7},
		{"delete after upsert in one call", []Change{
			{Doc: docs[3]},
			{Doc: Doc{ID: 2, Start: docs[3].Start}, Delete: true},
		}, Query{Q: "jose"}, nil, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := openTest(t, t.TempDir())
			apply(t, ix, upserts(docs)...)
			res, err := ix.Search(ctx, Query{Count: true}) // fill the total cache
			if err != nil || res.Total != len(docs) {
				t.Fatalf("Total before = %d, %v", res.Total, err)
			}
			apply(t, ix, tt.changes...)
			q := tt.q
			q.Limit = 2
			if got := all(t, ix, q); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if n, err := ix.DocCount(); err != nil || n != tt.count {
				t.Errorf("DocCount = %d, %v; want %d", n, err, tt.count)
			}
			res, err = ix.Search(ctx, Query{Count: true})
			if err != nil || uint64(res.Total) != tt.count {
				t.Errorf("Total after = %d, %v; want %d (a stale cached total?)", res.Total, err, tt.count)
			}
		})
	}
}

func TestOpenNeedsRebuild(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")

	ix, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsRebuild() {
		t.Error("a new folder does not need a rebuild")
	}
	apply(t, ix, upserts(fixture())...)
	ix.Close()

	ix, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsRebuild() {
		t.Error("a rebuild never marked finished does not need a rebuild")
	}
	if n, _ := ix.DocCount(); n != 0 {
		t.Errorf("unfinished rebuild left %d docs", n)
	}
	apply(t, ix, upserts(fixture())...)
	if err := ix.MarkRebuilt(ctx); err != nil {
		t.Fatal(err)
	}
	if ix.NeedsRebuild() {
		t.Error("NeedsRebuild after MarkRebuilt")
	}
	ix.Close()

	ix, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.NeedsRebuild() {
		t.Error("a finished index needs a rebuild")
	}
	if n, err := ix.DocCount(); err != nil || n != 7 {
		t.Errorf("DocCount after reopen = %d, %v; want 7", n, err)
	}
	// The latest end of each month survives a reopen: the old session that
	// is still active is found.
	res, err := ix.Search(ctx, Query{Status: "active", Now: ms(2025, 1, 1, 0, 0, 0, 0)})
	if err != nil || !slices.Equal(res.IDs, []int64{6}) {
		t.Errorf("active after reopen = %v, %v; want [6]", res.IDs, err)
	}
	ix.Close()

	b, err := json.Marshal(meta{MappingVersion: MappingVersion + 1, Complete: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, metaFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.NeedsRebuild() {
		t.Error("another mapping version does not need a rebuild")
	}
	if n, err := ix.DocCount(); err != nil || n != 0 {
		t.Errorf("DocCount after a version change = %d, %v; want 0 (shards wiped)", n, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := parseMonthName(e.Name()); ok {
			t.Errorf("shard %s left after a version change", e.Name())
		}
	}
}

func TestReset(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := openTest(t, dir)
	apply(t, ix, upserts(fixture())...)
	if err := ix.MarkRebuilt(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(ctx, Query{Count: true}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsRebuild() {
		t.Error("NeedsRebuild is false after Reset")
	}
	if n, err := ix.DocCount(); err != nil || n != 0 {
		t.Errorf("DocCount after Reset = %d, %v", n, err)
	}
	res, err := ix.Search(ctx, Query{Count: true})
	if err != nil || len(res.IDs) != 0 || res.Total != 0 {
		t.Errorf("Search after Reset = %+v, %v", res, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := parseMonthName(e.Name()); ok {
			t.Errorf("shard %s left after Reset", e.Name())
		}
	}
	apply(t, ix, upserts(fixture()[:2])...)
	if got := all(t, ix, Query{}); !slices.Equal(got, []int64{1, 6}) {
		t.Errorf("after Reset and Apply: %v", got)
	}
}

func TestTotalCache(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t, t.TempDir())
	docs := fixture()
	apply(t, ix, upserts(docs)...)
	q := Query{Q: "refund", Count: true, Limit: 1}
	res, err := ix.Search(ctx, q)
	if err != nil || res.Total != 2 {
		t.Fatalf("Total = %d, %v; want 2", res.Total, err)
	}
	// The next page reuses the count: the cache holds one entry.
	q.After = res.Next
	if res, err = ix.Search(ctx, q); err != nil || res.Total != 2 {
		t.Fatalf("page 2 Total = %d, %v", res.Total, err)
	}
	if n := len(ix.totals.byKey); n != 1 {
		t.Errorf("%d cached totals, want 1", n)
	}
	extra := docs[0]
	extra.ID, extra.Summary = 100, "refund please"
	apply(t, ix, Change{Doc: extra})
	q.After = nil
	if res, err = ix.Search(ctx, q); err != nil || res.Total != 3 {
		t.Errorf("Total after Apply = %d, %v; want 3", res.Total, err)
	}
	// The cache is bounded.
	for i := range totalCacheSize + 10 {
		if _, err := ix.Search(ctx, Query{Text: strings.Repeat("x", i+1), Count: true}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(ix.totals.byKey); n != totalCacheSize {
		t.Errorf("%d cached totals, want %d", n, totalCacheSize)
	}
}

func TestConcurrentSearchAndApply(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t, t.TempDir())
	docs := synthetic(2000, 9)
	apply(t, ix, upserts(docs[:1000])...)
	done := make(chan error, 1)
	go func() {
		for i := 1000; i < len(docs); i += 100 {
			if err := ix.Apply(ctx, upserts(docs[i:i+100])); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	// Two more goroutines search beside the writer and this one.
	stop := make(chan struct{})
	searchErr := make(chan error, 2)
	for g := range 2 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					searchErr <- nil
					return
				default:
				}
				q := Query{Q: []string{"the", "refund", "zzz"}[(i+g)%3], Limit: 3 + i%7, Count: i%3 == 0}
				if _, err := ix.Search(ctx, q); err != nil {
					searchErr <- err
					return
				}
			}
		}()
	}
	defer func() {
		close(stop)
		for range 2 {
			if err := <-searchErr; err != nil {
				t.Error(err)
			}
		}
	}()
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := ix.DocCount(); n != uint64(len(docs)) {
				t.Errorf("DocCount = %d, want %d", n, len(docs))
			}
			return
		default:
		}
		if _, err := ix.Search(ctx, Query{Q: "order", Count: i%2 == 0, Limit: 5}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMonthNames(t *testing.T) {
	tests := []struct {
		name  string
		ms    int64
		month string
	}{
		{"first ms of a month", ms(2024, 3, 1, 0, 0, 0, 0), "2024-03"},
		{"last ms of a month", ms(2024, 2, 29, 23, 59, 59, 999), "2024-02"},
		{"last ms of a year", ms(2023, 12, 31, 23, 59, 59, 999), "2023-12"},
		{"epoch", 0, "1970-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := monthOf(tt.ms)
			if got := monthName(m); got != tt.month {
				t.Errorf("monthName = %s, want %s", got, tt.month)
			}
			first, last := monthBounds(m)
			if tt.ms < first || tt.ms > last || monthOf(first) != m || monthOf(last) != m || monthOf(last+1) != m+1 {
				t.Errorf("bounds %d..%d do not hold %d", first, last, tt.ms)
			}
			if back, ok := parseMonthName(tt.month); !ok || back != m {
				t.Errorf("parseMonthName(%s) = %d, %v", tt.month, back, ok)
			}
		})
	}
	for _, bad := range []string{"meta.json", "2024-3", "2024-13", "x2024-03"} {
		if _, ok := parseMonthName(bad); ok {
			t.Errorf("parseMonthName(%q) accepted", bad)
		}
	}
}
