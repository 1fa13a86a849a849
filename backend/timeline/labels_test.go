package timeline

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/store"
)

// TestLabelAndFieldFold: one folding rule (case and accents) on SQLite's
// path (no words) and the index's (words), and the total agrees with the
// rows on both.
func TestLabelAndFieldFold(t *testing.T) {
	f := open(t)
	ctx := context.Background()
	// José Müller (1) lives in München, Jane Doe (0) in Munchen.
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.DefineField(ctx, "city", "City", "text", nil, 1); err != nil {
			return err
		}
		if _, err := tx.SetSessionField(ctx, f.ids[1], "city", "München"); err != nil {
			return err
		}
		_, err := tx.SetSessionField(ctx, f.ids[0], "city", "munchen")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		flt  Filter
		want []int64
	}{
		{"field upper case", Filter{Fields: map[string]string{"city": "MÜNCHEN"}}, f.want(0, 1)},
		{"field upper case, words", Filter{Fields: map[string]string{"city": "MÜNCHEN"}, Q: "jose"}, f.want(1)},
		{"field no accent, words", Filter{Fields: map[string]string{"city": "munchen"}, Text: "hello"}, f.want(0, 1)},
		{"field another value", Filter{Fields: map[string]string{"city": "Berlin"}}, nil},
		{"label upper case", Filter{Labels: []string{"ÄRGER"}}, f.want(3)},
		{"label no accent", Filter{Labels: []string{"arger"}}, f.want(3)},
		{"label no accent, words", Filter{Labels: []string{"ARGER"}, Name: "bob"}, f.want(3)},
		{"labels any of, folded", Filter{Labels: []string{"REFUND", "Gíft"}}, f.want(0, 2, 6)},
		{"labels any of, folded, words", Filter{Labels: []string{"REFUND", "Gíft"}, Text: "order"}, f.want(0, 2, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.list(t, tt.flt); !slices.Equal(got, tt.want) {
				t.Fatalf("List(%+v) = %v, want %v", tt.flt, got, tt.want)
			}
		})
	}
}

// TestEndedRange: the end of completed sessions bounds the list on both
// paths; an active session has no end and never matches. Days are taken in
// a zone 14 hours east of UTC, where a session ending at 10:10 UTC ended
// on the next day.
func TestEndedRange(t *testing.T) {
	f := open(t)
	zone, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		t.Fatalf("load zone (install tzdata): %v", err)
	}
	// localDay is the first and last ms of a day in zone, as the app
	// turns a YYYY-MM-DD into a range.
	localDay := func(y int, m time.Month, d int) (int64, int64) {
		start := time.Date(y, m, d, 0, 0, 0, 0, zone)
		return start.UnixMilli(), start.AddDate(0, 0, 1).UnixMilli() - 1
	}
	// Session n of the library ends at 10:10 UTC on 1 March + startDay,
	// which is 00:10 the day after in the zone.
	mar2From, mar2To := localDay(2024, 3, 2)
	mar3From, _ := localDay(2024, 3, 3)
	_, mar4To := localDay(2024, 3, 4)
	utcMar2 := time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC).UnixMilli()
	tests := []struct {
		name string
		flt  Filter
		want []int64
	}{
		{"one local day", Filter{EndedFrom: mar2From, EndedTo: mar2To}, f.want(0)},
		{"the same UTC day is another session", Filter{EndedFrom: utcMar2, EndedTo: utcMar2 + day - 1}, f.want(1)},
		{"one local day, words", Filter{EndedFrom: mar2From, EndedTo: mar2To, Q: "jane"}, f.want(0)},
		{"from only", Filter{EndedFrom: mar3From}, f.want(1, 2, 3, 4, 5, 6)},
		{"a range", Filter{EndedFrom: mar3From, EndedTo: mar4To}, f.want(1, 2)},
		{"a range, words", Filter{EndedFrom: mar3From, EndedTo: mar4To, Text: "order"}, f.want(1, 2)},
		{"with a start bound", Filter{From: base + day, EndedTo: mar4To}, f.want(1, 2)},
		{"with a label", Filter{EndedTo: mar4To, Labels: []string{"refund"}}, f.want(0, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.list(t, tt.flt); !slices.Equal(got, tt.want) {
				t.Fatalf("List(%+v) = %v, want %v", tt.flt, got, tt.want)
			}
		})
	}

	// While Zoë's session (6, day 40) is active it has no end: an open
	// range leaves it out, on both paths, and active + ended is empty.
	during := base + 40*day + 60_000
	for _, tt := range []struct {
		name string
		flt  Filter
		want []int64
	}{
		{"active has no end", Filter{EndedFrom: base}, f.want(0, 1, 2, 3, 4, 5)},
		{"active has no end, words", Filter{EndedFrom: base, Q: "stone"}, f.want(3)},
		{"active and ended", Filter{Status: "active", EndedFrom: base}, nil},
		{"active and ended, words", Filter{Status: "active", EndedFrom: base, Q: "zoe"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.tl.List(context.Background(), tt.flt, during, 50, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, s := range p.Sessions {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, tt.want) || p.Total != len(tt.want) {
				t.Fatalf("List(%+v) at day 40 = %v of %d, want %v", tt.flt, got, p.Total, tt.want)
			}
		})
	}
	if err := (Filter{EndedFrom: mar3From, EndedTo: mar2To}).Validate(); err == nil {
		t.Fatal("an end range that begins after it ends was accepted")
	}
}
