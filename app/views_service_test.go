package app

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
)

// TestSavedViews runs the sidebar's changes one after another over a real
// library and checks the whole list after each: names, pages, params and
// the order, which stays 0..n-1 whatever moves or goes.
func TestSavedViews(t *testing.T) {
	s, _ := newTestServices(t)
	v := s.Views
	ids := map[string]int64{}
	type step struct {
		name string
		do   func() error
		// want is the list after the step, as "name@page"; nil skips the
		// check (the step failed, the list is what it was).
		want    []string
		wantErr error
	}
	save := func(name, page string, params map[string]string) func() error {
		return func() error {
			sv, err := v.SaveView(SavedViewInput{Name: name, Page: page, Params: params})
			if err == nil {
				ids[sv.Name] = sv.ID
			}
			return err
		}
	}
	steps := []step{
		{name: "first view", do: save("Angry WhatsApp", "sessions", map[string]string{"channel": "whatsapp", "sentiment": "negative"}),
			want: []string{"Angry WhatsApp@sessions"}},
		{name: "second view goes last", do: save(" Weekly report ", "insights", map[string]string{"period": "week"}),
			want: []string{"Angry WhatsApp@sessions", "Weekly report@insights"}},
		{name: "third", do: save("München VIPs", "sessions", map[string]string{"label": "VIP", "field": "city:München"}),
			want: []string{"Angry WhatsApp@sessions", "Weekly report@insights", "München VIPs@sessions"}},
		{name: "a name taken in another case is refused", do: save("weekly REPORT", "sessions", nil), wantErr: store.ErrExists},
		{name: "an empty name is refused", do: save("  ", "sessions", nil), wantErr: store.ErrInvalidView},
		{name: "an unknown page is refused", do: save("Labels", "labels", nil), wantErr: store.ErrInvalidView},
		{name: "a name with a line break is refused", do: save("a\nb", "sessions", nil), wantErr: store.ErrInvalidView},
		{name: "move the last to the top", do: func() error { return v.MoveView(ids["München VIPs"], 0) },
			want: []string{"München VIPs@sessions", "Angry WhatsApp@sessions", "Weekly report@insights"}},
		{name: "move past the end is last", do: func() error { return v.MoveView(ids["München VIPs"], 99) },
			want: []string{"Angry WhatsApp@sessions", "Weekly report@insights", "München VIPs@sessions"}},
		{name: "move to the middle", do: func() error { return v.MoveView(ids["Angry WhatsApp"], 1) },
			want: []string{"Weekly report@insights", "Angry WhatsApp@sessions", "München VIPs@sessions"}},
		{name: "a negative position is refused", do: func() error { return v.MoveView(ids["Angry WhatsApp"], -1) }, wantErr: store.ErrInvalidView},
		{name: "rename", do: func() error { return v.RenameView(ids["Angry WhatsApp"], "Unhappy on WhatsApp") },
			want: []string{"Weekly report@insights", "Unhappy on WhatsApp@sessions", "München VIPs@sessions"}},
		{name: "rename to its own name in another case", do: func() error { return v.RenameView(ids["München VIPs"], "MÜNCHEN VIPs") },
			want: []string{"Weekly report@insights", "Unhappy on WhatsApp@sessions", "MÜNCHEN VIPs@sessions"}},
		{name: "rename onto another's name is refused", do: func() error { return v.RenameView(ids["München VIPs"], "weekly report") }, wantErr: store.ErrExists},
		{name: "rename a missing view", do: func() error { return v.RenameView(12345, "x") }, wantErr: store.ErrNotFound},
		{name: "delete the first: the rest move up", do: func() error { return v.DeleteView(ids["Weekly report"]) },
			want: []string{"Unhappy on WhatsApp@sessions", "MÜNCHEN VIPs@sessions"}},
		{name: "delete a missing view", do: func() error { return v.DeleteView(ids["Weekly report"]) }, wantErr: store.ErrNotFound},
		{name: "move a missing view", do: func() error { return v.MoveView(12345, 0) }, wantErr: store.ErrNotFound},
		{name: "a new view after a delete goes last", do: save("Open now", "sessions", map[string]string{"status": "active"}),
			want: []string{"Unhappy on WhatsApp@sessions", "MÜNCHEN VIPs@sessions", "Open now@sessions"}},
	}
	for _, st := range steps {
		before, err := v.ListViews()
		if err != nil {
			t.Fatal(err)
		}
		err = st.do()
		if st.wantErr != nil {
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("%s: error %v, want %v", st.name, err, st.wantErr)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := v.ListViews()
		if err != nil {
			t.Fatal(err)
		}
		if st.want == nil {
			if !reflect.DeepEqual(got, before) {
				t.Fatalf("%s: a refused change changed the list:\n%+v\nwas\n%+v", st.name, got, before)
			}
			continue
		}
		var names []string
		for i, g := range got {
			names = append(names, g.Name+"@"+g.Page)
			if g.Position != i {
				t.Fatalf("%s: %q at index %d has position %d", st.name, g.Name, i, g.Position)
			}
		}
		if !reflect.DeepEqual(names, st.want) {
			t.Fatalf("%s: views %q, want %q", st.name, names, st.want)
		}
	}
	// Params come back as saved, the field's value with its own spelling.
	got, err := v.ListViews()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"label": "VIP", "field": "city:München"}
	if !reflect.DeepEqual(got[1].Params, want) {
		t.Fatalf("params %v, want %v", got[1].Params, want)
	}
	if got[2].Params == nil || len(got[2].Params) != 1 {
		t.Fatalf("params of a new view: %v", got[2].Params)
	}
}

// TestSavedViewsKept: views live in the library, so they are there after
// the app restarts on it (a new store over the same files).
func TestSavedViewsKept(t *testing.T) {
	dir := t.TempDir()
	for round := range 2 {
		b, err := open(t.Context(), Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		s := NewServices(t.Context(), Deps{Store: b.st, Timeline: b.tl, DataDir: dir})
		if round == 0 {
			if _, err := s.Views.SaveView(SavedViewInput{Name: "Kept", Page: "insights", Params: map[string]string{"period": "month"}}); err != nil {
				t.Fatal(err)
			}
		} else {
			got, err := s.Views.ListViews()
			if err != nil || len(got) != 1 || got[0].Name != "Kept" || got[0].Params["period"] != "month" {
				t.Fatalf("after a restart: %+v, %v", got, err)
			}
		}
		s.Stop()
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
