package resplit

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
)

// open imports testdata's chat (split at the default 24 h) into a new library.
func open(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rep := importer.New(st, importer.Options{Location: time.UTC}).ImportFile(ctx, filepath.Join("testdata", "WhatsApp Chat with Alice Example.txt"))
	if rep.Err != nil || rep.Sessions != 2 {
		t.Fatalf("import: %d sessions, err %v; want 2 sessions", rep.Sessions, rep.Err)
	}
	return st
}

func sessionsOf(t *testing.T, st *store.Store) []store.Session {
	t.Helper()
	list, err := st.ListSessions(context.Background(), store.ListSessions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPreview(t *testing.T) {
	st := open(t)
	tests := []struct {
		name string
		gap  time.Duration
		want Result
	}{
		{"same gap changes nothing", 24 * time.Hour, Result{SessionsNow: 2, SessionsAfter: 2, Changed: 0}},
		{"1h cuts the afternoon off the morning", time.Hour, Result{SessionsNow: 2, SessionsAfter: 3, Changed: 2}},
		{"10m cuts the morning too", 10 * time.Minute, Result{SessionsNow: 2, SessionsAfter: 4, Changed: 3}},
		{"72h joins everything", 72 * time.Hour, Result{SessionsNow: 2, SessionsAfter: 1, Changed: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Preview(context.Background(), st, tt.gap)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Preview(%s) = %+v, want %+v", tt.gap, got, tt.want)
			}
		})
	}
	if got := sessionsOf(t, st); len(got) != 2 {
		t.Errorf("a preview wrote: %d sessions, want 2", len(got))
	}
}

func TestApplyKeepsIDsAndLabels(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	before := sessionsOf(t, st) // newest first
	morning := before[1]
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.LabelSession(ctx, morning.ID, "Fern", 1) }); err != nil {
		t.Fatal(err)
	}
	seq0, err := st.ChangeSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	res, err := Apply(ctx, st, time.Hour, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Result{SessionsNow: 2, SessionsAfter: 3, Changed: 2}); res != want {
		t.Errorf("Apply(1h) = %+v, want %+v", res, want)
	}
	after := sessionsOf(t, st)
	if len(after) != 3 {
		t.Fatalf("%d sessions after Apply(1h), want 3", len(after))
	}
	first := after[2]
	if first.ID != morning.ID || len(first.Labels) != 1 || first.Labels[0] != "Fern" || first.MessageCount != 3 {
		t.Errorf("the morning session after 1h = id %d labels %v, %d messages; want id %d, [Fern], 3", first.ID, first.Labels, first.MessageCount, morning.ID)
	}
	for _, s := range after {
		if s.GapMS != time.Hour.Milliseconds() {
			t.Errorf("session %d keeps gap %d ms, want 1h", s.ID, s.GapMS)
		}
	}
	if v, err := st.Setting(ctx, store.SettingSessionGap); err != nil || v != "1h0m0s" {
		t.Errorf("stored gap = %q, %v; want 1h0m0s", v, err)
	}
	if seq, err := st.ChangeSeq(ctx); err != nil || seq <= seq0 {
		t.Errorf("search outbox sequence %d after apply, was %d: the index is not told", seq, seq0)
	}
	if again, err := Preview(ctx, st, time.Hour); err != nil || again.Changed != 0 {
		t.Errorf("Preview(1h) after Apply(1h) = %+v, %v; want nothing changed", again, err)
	}

	// Back to 24 h: the afternoon folds into the morning, which keeps its id and label.
	if _, err := Apply(ctx, st, 24*time.Hour, 3); err != nil {
		t.Fatal(err)
	}
	back := sessionsOf(t, st)
	if len(back) != 2 || back[1].ID != morning.ID || len(back[1].Labels) != 1 || back[1].MessageCount != 5 {
		t.Errorf("after 24h again: %d sessions, morning id %d labels %v; want 2, id %d with [Fern]", len(back), back[1].ID, back[1].Labels, morning.ID)
	}
}

func TestApplyCancelledChangesNothing(t *testing.T) {
	st := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Apply(ctx, st, time.Hour, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply on a cancelled context = %v, want context.Canceled", err)
	}
	if got := sessionsOf(t, st); len(got) != 2 {
		t.Errorf("%d sessions after a cancelled apply, want 2", len(got))
	}
}

func TestParseGap(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"24h", 24 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"1m", time.Minute, true},
		{"59s", 0, false},
		{"0", 0, false},
		{"-2h", 0, false},
		{"a day", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseGap(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Errorf("ParseGap(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrGap) {
				t.Errorf("ParseGap(%q) error %v does not wrap ErrGap", tt.in, err)
			}
		})
	}
	if _, err := Preview(context.Background(), nil, 30*time.Second); !errors.Is(err, ErrGap) {
		t.Errorf("Preview(30s) = %v, want ErrGap", err)
	}
}
