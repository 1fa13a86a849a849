package sample

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
)

var clock = time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)

// userLibrary is a library holding the user's own chat (2 sessions, one
// labelled "Refund" as the sample also labels) and field "plant".
func userLibrary(t *testing.T) (*store.Store, []store.Session) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rep := importer.New(st, importer.Options{Location: time.UTC}).ImportFile(ctx, filepath.Join("testdata", "WhatsApp Chat with Alice Example.txt"))
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	own := list(t, st, store.ListSessions{})
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateLabel(ctx, "Refund", "#111111", 1); err != nil {
			return err
		}
		if err := tx.LabelSession(ctx, own[0].ID, "Refund", 1); err != nil {
			return err
		}
		if _, err := tx.DefineField(ctx, "plant", "Plant kind", "text", nil, 1); err != nil {
			return err
		}
		_, err := tx.SetSessionField(ctx, own[0].ID, "plant", "Fern")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, list(t, st, store.ListSessions{})
}

func list(t *testing.T, st *store.Store, q store.ListSessions) []store.Session {
	t.Helper()
	q.Limit, q.Now = 100000, clock.UnixMilli()
	got, err := st.ListSessions(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLoadShowsEveryFeature(t *testing.T) {
	ctx := context.Background()
	st, own := userLibrary(t)
	res, err := Load(ctx, st, Options{Now: func() time.Time { return clock }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	all := list(t, st, store.ListSessions{})
	if res.Sessions != len(all)-len(own) || res.Conversations != len(customers) || res.Messages < 700 {
		t.Errorf("Load = %+v; %d sessions stored beside the user's %d", res, len(all), len(own))
	}
	checks := []struct {
		name string
		q    store.ListSessions
		min  int
	}{
		{"whatsapp", store.ListSessions{Channels: []string{"whatsapp"}}, 80},
		{"instagram", store.ListSessions{Channels: []string{"instagram"}}, 5},
		{"facebook", store.ListSessions{Channels: []string{"facebook"}}, 4},
		{"webchat", store.ListSessions{Channels: []string{"webchat"}}, 5},
		{"active", store.ListSessions{Status: store.StatusActive}, 3},
		{"completed", store.ListSessions{Status: store.StatusCompleted}, 100},
		{"labelled Refund", store.ListSessions{Labels: []string{"Refund"}}, 10},
	}
	for _, c := range checks {
		if got := list(t, st, c.q); len(got) < c.min {
			t.Errorf("%s: %d sessions, want at least %d", c.name, len(got), c.min)
		}
	}
	var handoff, bigThread, longSession, withField bool
	threads := map[int64]int{}
	for _, s := range all {
		threads[s.ConversationID]++
		if s.Bot == bot && s.HandoffAgent == agentJonas && s.HandoffWaitMS > 0 {
			handoff = true
		}
		if s.MessageCount >= 200 {
			longSession = true
		}
		if s.Fields["order_number"] != "" && s.Fields["order_value"] != "" {
			withField = true
		}
	}
	for _, n := range threads {
		bigThread = bigThread || n >= 80
	}
	if !handoff || !bigThread || !longSession || !withField {
		t.Errorf("handoff %v, thread of 80 sessions %v, session of 200 messages %v, fields %v: want all", handoff, bigThread, longSession, withField)
	}
	labels, err := st.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	colors := map[string]string{}
	for _, l := range labels {
		colors[l.Name] = l.Color
	}
	if colors["Plant care"] != "#30a46c" || colors["Refund"] != "#111111" {
		t.Errorf("label colours %v: want the sample's own and the user's Refund kept #111111", colors)
	}
	if ok, err := Has(ctx, st); !ok || err != nil {
		t.Errorf("Has = %v, %v after Load", ok, err)
	}
	if _, err := Load(ctx, st, Options{Now: func() time.Time { return clock }}); !errors.Is(err, ErrLoaded) {
		t.Errorf("second Load = %v, want ErrLoaded", err)
	}
}

func TestRemoveLeavesTheUsersData(t *testing.T) {
	ctx := context.Background()
	st, own := userLibrary(t)
	res, err := Load(ctx, st, Options{Now: func() time.Time { return clock }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := st.ChangeSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := Remove(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if removed != res.Sessions {
		t.Errorf("Remove = %d sessions, Load wrote %d", removed, res.Sessions)
	}
	left := list(t, st, store.ListSessions{})
	if len(left) != len(own) || left[0].ID != own[0].ID || len(left[0].Labels) != 1 || left[0].Fields["plant"] != "Fern" {
		t.Fatalf("after Remove: %+v; want the user's %d sessions as they were", left, len(own))
	}
	counts, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Conversations != 1 {
		t.Errorf("%d conversations after Remove, want the user's 1", counts.Conversations)
	}
	labels, _ := st.Labels(ctx)
	if len(labels) != 1 || labels[0].Name != "Refund" {
		t.Errorf("labels after Remove = %+v, want only the user's Refund", labels)
	}
	fields, _ := st.Fields(ctx)
	if len(fields) != 1 || fields[0].Key != "plant" {
		t.Errorf("fields after Remove = %+v, want only the user's plant", fields)
	}
	if ok, _ := Has(ctx, st); ok {
		t.Error("Has after Remove")
	}
	if after, _ := st.ChangeSeq(ctx); after <= seq {
		t.Errorf("search outbox sequence %d after Remove, was %d: the index is not told", after, seq)
	}
	if n, err := Remove(ctx, st); n != 0 || err != nil {
		t.Errorf("Remove with none loaded = %d, %v", n, err)
	}
}

func TestLoadFollowsTheLibrarysGap(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, store.SettingSessionGap, "240h") }); err != nil {
		t.Fatal(err)
	}
	res, err := Load(ctx, st, Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list(t, st, store.ListSessions{}) {
		if s.GapMS != (240 * time.Hour).Milliseconds() {
			t.Fatalf("session %d has gap %d ms, want the library's 240h", s.ID, s.GapMS)
		}
	}
	if res.Sessions >= 100 {
		t.Errorf("%d sessions under a 10-day gap: the sessions days apart should have joined", res.Sessions)
	}
}
