package timeline

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
)

// TestScan: Scan hands over exactly the sessions List pages through, in
// its order, whatever the batch size, on both paths (SQLite without words,
// the index with), and no batch is larger than asked.
func TestScan(t *testing.T) {
	f := open(t)
	tests := []struct {
		name   string
		filter Filter
	}{
		{"everything", Filter{}},
		{"a channel", Filter{Channels: []string{"webchat"}}},
		{"a label by its fold", Filter{Labels: []string{"äRGER"}}},
		{"a field", Filter{Fields: map[string]string{"order": "a-17"}}},
		{"active: none", Filter{Status: "active"}},
		{"words", Filter{Q: "acme.com"}},
		{"words and a channel", Filter{Summary: "teapot", Channels: []string{"instagram", "whatsapp"}}},
		{"words matching nothing", Filter{Text: "zeppelin"}},
		{"one contact", Filter{ContactID: 1}},
	}
	all := len(f.list(t, Filter{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := f.list(t, tt.filter)
			if tt.filter.ContactID != 0 && (len(want) == 0 || len(want) == all) {
				t.Fatalf("the contact case keeps %d of %d sessions: it tests nothing", len(want), all)
			}
			// The rows carry what the timeline's do: labels in its order,
			// the fields by key.
			page, err := f.tl.List(context.Background(), tt.filter, now, 100, nil)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[int64]store.Session{}
			for _, s := range page.Sessions {
				byID[s.ID] = s
			}
			for _, batch := range []int{0, 1, 2, 3, 100} {
				var got []int64
				calls := 0
				err := f.tl.Scan(context.Background(), tt.filter, now, batch, func(rows []store.ExportRow) error {
					calls++
					if len(rows) == 0 || (batch > 0 && len(rows) > batch) {
						t.Fatalf("batch %d: a call with %d rows", batch, len(rows))
					}
					for _, r := range rows {
						got = append(got, r.ID)
						s := byID[r.ID]
						fields := r.Fields
						if fields == nil {
							fields = map[string]string{}
						}
						if r.ContactName != s.ContactName || r.Summary != s.Summary || !slices.Equal(r.Labels, s.Labels) ||
							!maps.Equal(fields, s.Fields) || r.StartedAt != s.StartedAt || r.Channel != s.Channel {
							t.Fatalf("row %+v, the timeline's %+v", r, s)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("batch %d: %v, want %v", batch, got, want)
				}
				if len(want) == 0 && calls != 0 {
					t.Fatalf("batch %d: %d calls for no rows", batch, calls)
				}
			}
		})
	}
}

// TestScanStops: fn's error ends the scan and comes back as it is; a bad
// filter is refused before anything is read.
func TestScanStops(t *testing.T) {
	f := open(t)
	stop := errors.New("enough")
	for _, flt := range []Filter{{}, {Q: "acme.com"}} {
		calls := 0
		err := f.tl.Scan(context.Background(), flt, now, 1, func([]store.ExportRow) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("%+v: %v after %d calls", flt, err, calls)
		}
	}
	// Refused as List refuses them: an unknown channel, and words with a
	// contact (the index does not know contacts).
	for _, bad := range []Filter{{Channels: []string{"telegram"}}, {ContactID: 1, Q: "acme.com"}} {
		err := f.tl.Scan(context.Background(), bad, now, 1, func([]store.ExportRow) error {
			t.Fatal("called for a bad filter")
			return nil
		})
		if !errors.Is(err, ErrBadFilter) {
			t.Fatalf("bad filter %+v: %v", bad, err)
		}
	}
}
