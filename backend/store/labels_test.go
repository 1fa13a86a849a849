package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/sessions-app/sessions/backend/labels"
)

// drainOutbox acknowledges everything queued for the index, as the index
// does once it has applied it.
func drainOutbox(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	entries, err := st.Outbox(ctx, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AckOutbox(ctx, entries, map[int64]int64{}); err != nil {
		t.Fatal(err)
	}
}

// queued is the sessions waiting for the index.
func queued(t *testing.T, st *Store) []int64 {
	t.Helper()
	entries, err := st.Outbox(context.Background(), nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range entries {
		ids = append(ids, e.SessionID)
	}
	slices.Sort(ids)
	return ids
}

// TestLabelAndFieldChangesQueueTheIndex: every change that alters what a
// session's index entry holds queues that session (and only those), in the
// change's transaction; a colour, which the index does not hold, queues
// none.
func TestLabelAndFieldChangesQueueTheIndex(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "bo", 0, 3)
	var vip Label
	tests := []struct {
		name   string
		change func(tx *Tx) error
		want   []int64
	}{
		{"label a session (new label)", func(tx *Tx) error { return tx.LabelSession(ctx, ids[0], "VIP", 1) }, []int64{ids[0]}},
		{"the same label by its fold", func(tx *Tx) error { return tx.LabelSession(ctx, ids[1], "vip", 1) }, []int64{ids[1]}},
		{"rename it", func(tx *Tx) error {
			l, err := labelNamed(ctx, tx.tx, "vip")
			if err != nil {
				return err
			}
			vip, err = tx.UpdateLabel(ctx, l.ID, "Stammkunde", "")
			return err
		}, []int64{ids[0], ids[1]}},
		{"recolour it", func(tx *Tx) error { _, err := tx.UpdateLabel(ctx, vip.ID, "", "#123456"); return err }, nil},
		{"unlabel one", func(tx *Tx) error { return tx.UnlabelSession(ctx, ids[0], "STAMMKUNDE") }, []int64{ids[0]}},
		{"delete the label", func(tx *Tx) error { return tx.DeleteLabel(ctx, vip.ID) }, []int64{ids[1]}},
		{"define a field", func(tx *Tx) error {
			_, err := tx.DefineField(ctx, "tier", "Tier", labels.TypeChoice, []string{"gold", "Silber"}, 1)
			return err
		}, nil},
		{"set a value", func(tx *Tx) error { _, err := tx.SetSessionField(ctx, ids[2], "tier", "GOLD"); return err }, []int64{ids[2]}},
		{"set the same value again", func(tx *Tx) error { _, err := tx.SetSessionField(ctx, ids[2], "tier", "gold"); return err }, nil},
		{"respell a choice", func(tx *Tx) error {
			_, err := tx.UpdateField(ctx, "tier", "", "", []string{"Gold", "Silber"})
			return err
		}, []int64{ids[2]}},
		{"clear it", func(tx *Tx) error { _, err := tx.SetSessionField(ctx, ids[2], "tier", ""); return err }, []int64{ids[2]}},
		{"set it on two, delete the field", func(tx *Tx) error {
			for _, id := range ids[:2] {
				if _, err := tx.SetSessionField(ctx, id, "tier", "silber"); err != nil {
					return err
				}
			}
			return tx.DeleteField(ctx, "tier")
		}, []int64{ids[0], ids[1]}},
	}
	drainOutbox(t, st)
	for _, tt := range tests {
		if err := st.Update(ctx, tt.change); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := queued(t, st); !slices.Equal(got, tt.want) {
			t.Fatalf("%s: queued %v, want %v", tt.name, got, tt.want)
		}
		drainOutbox(t, st)
	}
	if n, _ := st.Fields(ctx); len(n) != 0 {
		t.Fatalf("fields after delete: %+v", n)
	}
}

// TestRefusedChangesLeaveNothing: a change the rules refuse fails whole,
// and says why.
func TestRefusedChangesLeaveNothing(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "bo", 0, 2)
	err := st.Update(ctx, func(tx *Tx) error {
		if _, err := tx.DefineField(ctx, "n", "Total", labels.TypeText, nil, 1); err != nil {
			return err
		}
		if _, err := tx.SetSessionField(ctx, ids[0], "n", "12"); err != nil {
			return err
		}
		if _, err := tx.SetSessionField(ctx, ids[1], "n", "twelve"); err != nil {
			return err
		}
		_, err := tx.CreateLabel(ctx, "Café", "", 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	drainOutbox(t, st)
	tests := []struct {
		name   string
		change func(tx *Tx) error
		want   error
	}{
		{"a type the values do not fit", func(tx *Tx) error { _, err := tx.UpdateField(ctx, "n", "", labels.TypeNumber, nil); return err }, labels.ErrInvalid},
		{"a label twice under the fold", func(tx *Tx) error { _, err := tx.CreateLabel(ctx, "CAFE", "", 1); return err }, ErrExists},
		{"a field twice", func(tx *Tx) error { _, err := tx.DefineField(ctx, "n", "", "", nil, 1); return err }, ErrExists},
		{"a label on a missing session, after a good one", func(tx *Tx) error {
			if err := tx.LabelSession(ctx, ids[0], "ok", 1); err != nil {
				return err
			}
			return tx.LabelSession(ctx, 999, "ok", 1)
		}, ErrNotFound},
		{"a value of a missing field", func(tx *Tx) error { _, err := tx.SetSessionField(ctx, ids[0], "nope", "1"); return err }, ErrNotFound},
		{"a bad colour", func(tx *Tx) error { _, err := tx.CreateLabel(ctx, "x", "#12345", 1); return err }, labels.ErrInvalid},
	}
	for _, tt := range tests {
		err := st.Update(ctx, tt.change)
		if !errors.Is(err, tt.want) {
			t.Fatalf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if q := queued(t, st); len(q) != 0 {
			t.Fatalf("%s: a refused change queued %v", tt.name, q)
		}
	}
	all, err := st.Labels(ctx)
	if err != nil || len(all) != 1 || all[0].Name != "Café" {
		t.Fatalf("labels = %+v, %v", all, err)
	}
	f, err := st.Field(ctx, "n")
	if err != nil || f.Type != labels.TypeText || f.Sessions != 2 {
		t.Fatalf("field n = %+v, %v", f, err)
	}
}

// TestFieldFilterFolds: a value typed in another case or without its
// accents finds the session, counted the same, also after the session it
// was on was merged into another.
func TestFieldFilterFolds(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "bo", 0, 3)
	err := st.Update(ctx, func(tx *Tx) error {
		if _, err := tx.DefineField(ctx, "city", "City", "", nil, 1); err != nil {
			return err
		}
		if _, err := tx.SetSessionField(ctx, ids[1], "city", "München"); err != nil {
			return err
		}
		if err := tx.LabelSession(ctx, ids[1], "Ärger", 1); err != nil {
			return err
		}
		return tx.MergeSession(ctx, ids[0], ids[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    ListSessions
	}{
		{"field upper case", ListSessions{Fields: map[string]string{"city": "MÜNCHEN"}}},
		{"field without accents", ListSessions{Fields: map[string]string{"city": "munchen"}}},
		{"field decomposed", ListSessions{Fields: map[string]string{"city": " Mu\u0308nchen "}}},
		{"label upper case", ListSessions{Labels: []string{"ÄRGER"}}},
		{"label without accents", ListSessions{Labels: []string{"arger"}}},
	}
	for _, tt := range tests {
		tt.q.Limit = 10
		rows, err := st.ListSessions(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CountSessions(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].ID != ids[0] || n != 1 {
			t.Fatalf("%s: rows %d (first %v), count %d; want the merged session %d once", tt.name, len(rows), rows, n, ids[0])
		}
	}
}

// TestMigration8FoldsStoredValues: values stored before value_fold existed
// are folded by the migration's step.
func TestMigration8FoldsStoredValues(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "bo", 0, 1)
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.SetFieldValue(ctx, ids[0], "city", "Köln", 1); err != nil {
			return err
		}
		// As a database of migration 7 has it.
		if _, err := tx.tx.ExecContext(ctx, `UPDATE session_field_values SET value_fold = NULL`); err != nil {
			return err
		}
		return migrationSteps[8](ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CountSessions(ctx, ListSessions{Fields: map[string]string{"city": "KOLN"}})
	if err != nil || n != 1 {
		t.Fatalf("count after the fold step = %d, %v; want 1", n, err)
	}
}
