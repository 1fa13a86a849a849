package search

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/synth"
)

// TestCountEqualsHits checks the bitmap count against the hits Bleve's
// searchers return, for every kind of criterion, on an index whose
// segments hold updated and deleted documents (their old versions must not
// be counted).
func TestCountEqualsHits(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t, t.TempDir())
	docs := synthetic(2000, 21)
	// Several batches: several segments per shard.
	for i := 0; i < len(docs); i += 700 {
		apply(t, ix, upserts(docs[i:min(i+700, len(docs))])...)
	}
	r := rand.New(rand.NewPCG(8, 9))
	var changes []Change
	for range 200 {
		d := docs[r.IntN(len(docs))] // some sessions change twice in one call
		switch r.IntN(3) {
		case 0:
			changes = append(changes, Change{Doc: d, Delete: true})
		case 1: // a new summary, same month
			d.Summary = "reworded " + d.Summary
			changes = append(changes, Change{Doc: d, PrevStart: d.Start})
		case 2: // moved to another month
			prev := d.Start
			d.Start = synth.SessionsStart + r.Int64N(synth.SessionsEnd-synth.SessionsStart)
			d.End, d.ActiveUntil = d.Start+hour, d.Start+hour+24*hour
			changes = append(changes, Change{Doc: d, PrevStart: prev})
		}
	}
	apply(t, ix, changes...)

	vocab := synth.Vocabulary()
	name := func() string {
		n := strings.Fields(docs[r.IntN(len(docs))].ContactName)[0]
		switch r.IntN(3) {
		case 0:
			return n[:min(len(n), 1+r.IntN(3))] // a prefix
		case 1:
			if len(n) >= fuzzyMinRunes {
				return n[:2] + "x" + n[3:] // one typo
			}
		}
		return n
	}
	for i := range 100 {
		var q Query
		switch r.IntN(4) {
		case 0:
			q.Q = vocab[r.IntN(50)]
		case 1:
			q.Q = name()
		case 2:
			q.Q = name() + " " + vocab[r.IntN(300)]
		}
		if r.IntN(4) == 0 {
			q.Name = name()
		}
		if e := docs[r.IntN(len(docs))].ContactEmail; e != "" && r.IntN(6) == 0 {
			q.Email = strings.Split(e, "@")[r.IntN(2)]
		}
		if r.IntN(4) == 0 {
			q.Text = vocab[r.IntN(200)]
		}
		if r.IntN(3) == 0 {
			q.Channels = []string{"whatsapp", "instagram", "facebook", "webchat"}[r.IntN(3):][:1+r.IntN(2)]
		}
		if r.IntN(3) == 0 {
			q.Labels = []string{synth.Labels()[r.IntN(len(synth.Labels()))], strings.ToLower(synth.Labels()[r.IntN(len(synth.Labels()))])}
		}
		if r.IntN(4) == 0 {
			q.Sentiment = []string{"positive", "neutral", "negative"}[r.IntN(3)]
		}
		if r.IntN(5) == 0 {
			q.Fields = map[string]string{"country": synth.Countries()[r.IntN(len(synth.Countries()))]}
		}
		if r.IntN(2) == 0 {
			q.From = synth.SessionsStart + r.Int64N(synth.SessionsEnd-synth.SessionsStart)
			q.To = q.From + r.Int64N(400*24*hour)
		}
		if r.IntN(3) == 0 {
			q.Status = []string{"active", "completed"}[r.IntN(2)]
			q.Now = docs[r.IntN(len(docs))].End + r.Int64N(2*24*hour)
		}
		q.Limit = 500
		hits := len(all(t, ix, q))
		n, err := ix.Count(ctx, q)
		if err != nil {
			t.Fatalf("query %d %+v: Count: %v", i, q, err)
		}
		if n != hits {
			t.Fatalf("query %d %+v: Count = %d, the search returns %d sessions", i, q, n, hits)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		in, want []byte
	}{
		{[]byte("jan"), []byte("jao")},
		{[]byte{'a', 0xff}, []byte("b")},
		{[]byte{0xff, 0xff}, nil},
		{[]byte("é"), []byte{0xc3, 0xaa}},
	}
	for _, tt := range tests {
		if got := prefixEnd(tt.in); string(got) != string(tt.want) {
			t.Errorf("prefixEnd(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
