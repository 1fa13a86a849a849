package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ConversationRef is what re-splitting a conversation needs to know of it:
// new sessions take its contact and channel.
type ConversationRef struct {
	ID        int64
	ContactID int64
	Channel   string
}

// Conversations returns every conversation, by id.
func (s *Store) Conversations(ctx context.Context) ([]ConversationRef, error) {
	return conversationRefs(ctx, s.read)
}

// Conversations returns every conversation, by id.
func (tx *Tx) Conversations(ctx context.Context) ([]ConversationRef, error) {
	return conversationRefs(ctx, tx.tx)
}

func conversationRefs(ctx context.Context, q querier) ([]ConversationRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, contact_id, channel FROM conversations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	var out []ConversationRef
	for rows.Next() {
		var c ConversationRef
		var contact sql.NullInt64
		if err := rows.Scan(&c.ID, &contact, &c.Channel); err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		c.ContactID = contact.Int64
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return out, nil
}

// EachMessagePoint calls fn with every message of a conversation in time
// order (then id), read outside any write: a preview of a re-split must
// not hold the write lock while it reads the whole library.
func (s *Store) EachMessagePoint(ctx context.Context, conversationID int64, fn func(MessagePoint)) error {
	rows, err := s.read.QueryContext(ctx,
		`SELECT id, at, role, COALESCE(author, '') FROM messages WHERE conversation_id = ? ORDER BY at, id`, conversationID)
	if err != nil {
		return fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p MessagePoint
		if err := rows.Scan(&p.ID, &p.At, &p.Role, &p.Author); err != nil {
			return fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
		}
		fn(p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
	}
	return nil
}

// ConversationSessionSpans returns the stored sessions of a conversation
// with what a split decides about them, oldest first.
func (s *Store) ConversationSessionSpans(ctx context.Context, conversationID int64) ([]StoredSpan, error) {
	return sessionSpans(ctx, s.read, conversationID)
}

// ConversationSessionSpans returns the stored sessions of a conversation
// with what a split decides about them, oldest first.
func (tx *Tx) ConversationSessionSpans(ctx context.Context, conversationID int64) ([]StoredSpan, error) {
	return sessionSpans(ctx, tx.tx, conversationID)
}

// StoredSpan is a stored session's id and extent.
type StoredSpan struct {
	ID int64
	SessionSpan
}

func sessionSpans(ctx context.Context, q querier, conversationID int64) ([]StoredSpan, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, started_at, last_message_at, gap_ms, message_count
		FROM sessions WHERE conversation_id = ? ORDER BY started_at, id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []StoredSpan
	for rows.Next() {
		var s StoredSpan
		if err := rows.Scan(&s.ID, &s.StartedAt, &s.LastMessageAt, &s.GapMS, &s.MessageCount); err != nil {
			return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
	}
	return out, nil
}
