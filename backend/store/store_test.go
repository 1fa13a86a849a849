package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sessions-app/sessions/backend/chat"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil || v != len(migrations) {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := st.read.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := st.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v; want 1", fk, err)
	}
	st.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("database file: %v", err)
	}
	st, err = Open(ctx, dir) // a second open applies nothing and fails on nothing
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	var n int
	if err := st.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(migrations) {
		t.Fatalf("schema_migrations rows = %d, %v", n, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.write.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES (999)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Fatal("Open of a database from a newer program succeeded")
	}
}

func TestUpdateRollsBack(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.SetSetting(ctx, "k", "v"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want boom", err)
	}
	if _, err := st.Setting(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("setting after rollback: %v, want ErrNotFound", err)
	}
	err = st.Update(ctx, func(tx *Tx) error {
		_ = tx.SetSetting(ctx, "k", "v")
		panic("kaboom")
	})
	if err == nil {
		t.Fatal("a panicking transaction reported success")
	}
	if _, err := st.Setting(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("setting after panic: %v, want ErrNotFound", err)
	}
}

// seed adds one conversation with n sessions, one hour apart, starting at
// base, and returns the session ids in insertion order.
func seed(t *testing.T, st *Store, key string, base int64, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := st.Update(ctx, func(tx *Tx) error {
		cid, err := tx.CreateContact(ctx, Contact{Name: key}, "whatsapp", key, 1)
		if err != nil {
			return err
		}
		conv, err := tx.CreateConversation(ctx, Conversation{Channel: "whatsapp", ExternalKey: key, ContactID: cid, Title: key}, 1)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			at := base + int64(i)*3_600_000
			id, err := tx.InsertSession(ctx, conv, cid, "whatsapp", SessionSpan{StartedAt: at, LastMessageAt: at + 60_000, GapMS: 1_800_000, MessageCount: 2}, 1)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestListSessionsPagesAndStatus(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "ann", 1_000_000, 5)
	// ids[4] is the newest; at now = its last message + 1 min it is active
	// (gap 30 min), the others completed.
	now := int64(1_000_000 + 4*3_600_000 + 120_000)
	tests := []struct {
		name   string
		status string
		want   []int64
	}{
		{"all", StatusAll, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"active", StatusActive, []int64{ids[4]}},
		{"completed", StatusCompleted, []int64{ids[3], ids[2], ids[1], ids[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			var after *Cursor
			for page := 0; page < 10; page++ {
				rows, err := st.ListSessions(ctx, ListSessions{Status: tt.status, Now: now, Limit: 2, After: after})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if len(rows) < 2 {
					break
				}
				last := rows[len(rows)-1]
				after = &Cursor{StartedAt: last.StartedAt, ID: last.ID}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	if _, err := st.ListSessions(ctx, ListSessions{Status: "bogus", Limit: 1}); err == nil {
		t.Fatal("unknown status accepted")
	}
}

func TestMergeSessionKeepsLabelsAndFields(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	ids := seed(t, st, "bo", 0, 2)
	err := st.Update(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`INSERT INTO labels(id, name, created_at) VALUES (1, 'refund', 0), (2, 'vip', 0)`,
			`INSERT INTO custom_fields(id, key, name, type, created_at) VALUES (1, 'order', 'Order', 'text', 0)`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO session_labels VALUES (?, 1), (?, 2)`, ids[0], ids[1]); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO session_field_values(session_id, field_id, value, value_fold) VALUES (?, 1, 'A-17', 'a-17')`, ids[1]); err != nil {
			return err
		}
		return tx.MergeSession(ctx, ids[0], ids[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.GetSession(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Labels) != 2 || s.Labels[0] != "refund" || s.Labels[1] != "vip" || s.Fields["order"] != "A-17" {
		t.Fatalf("merged session labels %v fields %v", s.Labels, s.Fields)
	}
	if _, err := st.GetSession(ctx, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("merged-away session: %v, want ErrNotFound", err)
	}
}

func TestMessageInserterBatches(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	const n = insertBatch*2 + 7 // two full batches and a partial one
	err := st.Update(ctx, func(tx *Tx) error {
		conv, err := tx.CreateConversation(ctx, Conversation{Channel: "whatsapp", ExternalKey: "k", Title: "k"}, 1)
		if err != nil {
			return err
		}
		ins, err := tx.MessageInserter(ctx, conv, 0)
		if err != nil {
			return err
		}
		var prev int64
		for i := 0; i < n; i++ {
			m := Message{At: int64(i), Author: "Ann", Role: "customer", Kind: "media", Body: "hi", Attachments: []string{"a.jpg"}, Hash: int64(i)}
			id, err := ins.Insert(m)
			if err != nil {
				return err
			}
			if prev != 0 && id != prev+1 {
				t.Fatalf("ids not consecutive: %d after %d", id, prev)
			}
			prev = id
		}
		if err := ins.Close(); err != nil {
			return err
		}
		hashes, err := tx.MessageHashes(ctx, conv)
		if err != nil || len(hashes) != n {
			t.Fatalf("MessageHashes = %d, %v", len(hashes), err)
		}
		var got []int64
		if err := tx.EachMessagePoint(ctx, conv, func(p MessagePoint) { got = append(got, p.At) }); err != nil {
			return err
		}
		if len(got) != n || got[n-1] != n-1 {
			t.Fatalf("points = %d", len(got))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Count(ctx)
	if err != nil || c.Messages != n {
		t.Fatalf("Count = %+v, %v", c, err)
	}
	err = st.Update(ctx, func(tx *Tx) error {
		ins, err := tx.MessageInserter(ctx, 1, 0)
		if err != nil {
			return err
		}
		if _, err := ins.Insert(Message{Role: "nobody", Kind: "text", Hash: 1}); err != nil {
			return err
		}
		return ins.Close()
	})
	if err == nil {
		t.Fatal("a message with an unknown role was stored")
	}
}

// TestMessageInserterExtras: batches without attachments or reactions
// write them as NULL in the SQL, batches with some bind them; every
// message reads back with its own, whatever batch it fell in.
func TestMessageInserterExtras(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		extras func(i int) bool // message i has an attachment and a reaction
	}{
		{"none", insertBatch*2 + 7, func(int) bool { return false }},
		{"all", insertBatch*2 + 7, func(int) bool { return true }},
		{"one in the second batch", insertBatch*2 + 7, func(i int) bool { return i == insertBatch+3 }},
		{"only in the partial batch", insertBatch + 5, func(i int) bool { return i == insertBatch+4 }},
		{"every third", insertBatch*3 + 1, func(i int) bool { return i%3 == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openTest(t)
			var conv int64
			err := st.Update(ctx, func(tx *Tx) error {
				var err error
				if conv, err = tx.CreateConversation(ctx, Conversation{Channel: "whatsapp", ExternalKey: "k", Title: "k"}, 1); err != nil {
					return err
				}
				ins, err := tx.MessageInserter(ctx, conv, 0)
				if err != nil {
					return err
				}
				for i := range tt.n {
					m := Message{At: int64(i), Author: "Ann", Role: "customer", Kind: "text", Body: fmt.Sprint("m", i), SourceLine: i + 1, Hash: int64(i)}
					if tt.extras(i) {
						m.Attachments = []string{fmt.Sprint("a", i, ".jpg")}
						m.Reactions = []chat.Reaction{{Emoji: "👍", Actor: "Bo"}}
					}
					if _, err := ins.Insert(m); err != nil {
						return err
					}
				}
				return ins.Close()
			})
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := st.ConversationMessages(ctx, conv, MessagePage{Limit: tt.n + 1})
			if err != nil || len(msgs) != tt.n {
				t.Fatalf("%d messages, %v; want %d", len(msgs), err, tt.n)
			}
			for i, m := range msgs {
				if m.Body != fmt.Sprint("m", i) || m.SourceLine != i+1 || m.Hash != int64(i) || m.Author != "Ann" {
					t.Fatalf("message %d = %+v", i, m)
				}
				want := 0
				if tt.extras(i) {
					want = 1
					if m.Attachments[0] != fmt.Sprint("a", i, ".jpg") || m.Reactions[0].Actor != "Bo" {
						t.Fatalf("message %d: attachments %v reactions %v", i, m.Attachments, m.Reactions)
					}
				}
				if len(m.Attachments) != want || len(m.Reactions) != want {
					t.Fatalf("message %d: attachments %v reactions %v, want %d of each", i, m.Attachments, m.Reactions, want)
				}
			}
		})
	}
}
