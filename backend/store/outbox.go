package store

import (
	"context"
	"fmt"
	"strings"
)

// OutboxEntry is a session whose search index entry is stale.
type OutboxEntry struct {
	SessionID int64
	// IndexedStart is the start the index has the session under (0: not
	// indexed, or unknown), so the index can drop it from there.
	IndexedStart int64
	seq          int64
}

// Outbox returns up to limit stale sessions in the order they changed,
// after the entry after (nil: from the first). Reading on after the last
// entry of a batch not yet acknowledged gives the next batch: a session
// changed meanwhile comes again later with a newer sequence number.
func (s *Store) Outbox(ctx context.Context, after *OutboxEntry, limit int) ([]OutboxEntry, error) {
	var seq, id int64 = -1, 0
	if after != nil {
		seq, id = after.seq, after.SessionID
	}
	rows, err := s.read.QueryContext(ctx, `
		SELECT o.session_id, COALESCE(o.indexed_start, s.indexed_start, 0), o.seq
		FROM search_outbox o LEFT JOIN sessions s ON s.id = o.session_id
		WHERE (o.seq, o.session_id) > (?, ?)
		ORDER BY o.seq, o.session_id LIMIT ?`, seq, id, limit)
	if err != nil {
		return nil, fmt.Errorf("read search outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		if err := rows.Scan(&e.SessionID, &e.IndexedStart, &e.seq); err != nil {
			return nil, fmt.Errorf("read search outbox: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxLen is the number of sessions waiting for the index.
func (s *Store) OutboxLen(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count search outbox: %w", err)
	}
	return n, nil
}

// AckOutbox records that the index now holds entries: indexed maps the
// ids that were written to the start they were indexed under (deleted
// sessions are absent). An entry changed again meanwhile stays queued.
func (s *Store) AckOutbox(ctx context.Context, entries []OutboxEntry, indexed map[int64]int64) error {
	return s.Update(ctx, func(tx *Tx) error {
		setStart, err := tx.tx.PrepareContext(ctx, `UPDATE sessions SET indexed_start = ? WHERE id = ?`)
		if err != nil {
			return fmt.Errorf("acknowledge search outbox: %w", err)
		}
		defer setStart.Close()
		del, err := tx.tx.PrepareContext(ctx, `DELETE FROM search_outbox WHERE session_id = ? AND seq = ?`)
		if err != nil {
			return fmt.Errorf("acknowledge search outbox: %w", err)
		}
		defer del.Close()
		for _, e := range entries {
			if start, ok := indexed[e.SessionID]; ok {
				if _, err := setStart.ExecContext(ctx, start, e.SessionID); err != nil {
					return fmt.Errorf("acknowledge search outbox: %w", err)
				}
			}
			if _, err := del.ExecContext(ctx, e.SessionID, e.seq); err != nil {
				return fmt.Errorf("acknowledge search outbox: %w", err)
			}
		}
		return nil
	})
}

// RequeueAll marks every session stale and forgets where the index had
// them, for a rebuild from scratch.
func (s *Store) RequeueAll(ctx context.Context) error {
	return s.Update(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`DELETE FROM search_outbox`,
			`UPDATE sessions SET indexed_start = NULL WHERE indexed_start IS NOT NULL`,
			`UPDATE search_seq SET n = n + 1`,
			`INSERT INTO search_outbox(session_id, indexed_start, seq) SELECT id, NULL, (SELECT n FROM search_seq) FROM sessions`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("requeue sessions for the index: %w", err)
			}
		}
		return nil
	})
}

// SearchDoc is what the index needs of a session.
type SearchDoc struct {
	Session
	// Text is the session's customer, agent and bot messages, cut at
	// maxIndexedText bytes: enough to find a session by what was said,
	// without a single endless thread bloating the index.
	Text string
}

const maxIndexedText = 32 << 10

// SearchDocs loads the sessions with these ids (missing ones are left out).
func (s *Store) SearchDocs(ctx context.Context, ids []int64) ([]SearchDoc, error) {
	list, err := s.SessionsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load sessions for the index: %w", err)
	}
	args := make([]any, len(list))
	for i, sess := range list {
		args[i] = sess.ID
	}
	in := placeholders(len(list))
	docs := make([]SearchDoc, len(list))
	index := make(map[int64]int, len(list))
	for i, sess := range list {
		docs[i].Session = sess
		index[sess.ID] = i
	}
	texts := make([]strings.Builder, len(list))
	if len(list) == 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `
		SELECT s.id, m.body FROM sessions s
		JOIN messages m ON m.conversation_id = s.conversation_id AND m.at >= s.started_at AND m.at <= s.last_message_at
		WHERE s.id IN (`+in+`) AND m.role != 'system' AND m.kind != 'deleted'
		ORDER BY s.id, m.at, m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load session text for the index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("load session text for the index: %w", err)
		}
		b := &texts[index[id]]
		if b.Len()+len(body) > maxIndexedText {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(body)
	}
	for i := range docs {
		docs[i].Text = texts[i].String()
	}
	return docs, rows.Err()
}

// ChangeSeq grows with every change to a session, its labels, fields or
// contact: a cheap way to tell that cached answers about sessions are stale.
func (s *Store) ChangeSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT n FROM search_seq`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read change sequence: %w", err)
	}
	return n, nil
}
