package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// Conversation is one thread with one contact on one channel.
type Conversation struct {
	ID          int64
	Channel     string
	ExternalKey string
	ContactID   int64
	Title       string
}

// ConversationByKey finds the conversation that channel knows as key.
func (tx *Tx) ConversationByKey(ctx context.Context, channel, key string) (Conversation, error) {
	c := Conversation{Channel: channel, ExternalKey: key}
	var contact sql.NullInt64
	err := tx.tx.QueryRowContext(ctx,
		`SELECT id, contact_id, title FROM conversations WHERE channel = ? AND external_key = ?`, channel, key).
		Scan(&c.ID, &contact, &c.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("find conversation %s/%s: %w", channel, key, err)
	}
	c.ContactID = contact.Int64
	return c, nil
}

// CreateConversation adds a conversation and returns its id.
func (tx *Tx) CreateConversation(ctx context.Context, c Conversation, now int64) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO conversations(channel, external_key, contact_id, title, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Channel, c.ExternalKey, nullInt(c.ContactID), c.Title, now, now)
	if err != nil {
		return 0, fmt.Errorf("create conversation %q: %w", c.Title, err)
	}
	return res.LastInsertId()
}

// TouchConversation records that the conversation changed at now.
func (tx *Tx) TouchConversation(ctx context.Context, id, now int64) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE conversations SET updated_at = ? WHERE id = ?`, now, id); err != nil {
		return fmt.Errorf("update conversation %d: %w", id, err)
	}
	return nil
}

// GetConversation returns one conversation, or ErrNotFound.
func (s *Store) GetConversation(ctx context.Context, id int64) (Conversation, error) {
	c := Conversation{ID: id}
	var contact sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT channel, external_key, contact_id, title FROM conversations WHERE id = ?`, id).
		Scan(&c.Channel, &c.ExternalKey, &contact, &c.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, fmt.Errorf("conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("read conversation %d: %w", id, err)
	}
	c.ContactID = contact.Int64
	return c, nil
}

// MessagePos is a message's place in its conversation: messages are in
// (At, ID) order.
type MessagePos struct{ At, ID int64 }

// MessagePage selects messages of a conversation: the first Limit after
// After, or when Before is set the last Limit before Before (still
// returned oldest first), or with neither the first Limit.
type MessagePage struct {
	After, Before *MessagePos
	Limit         int
}

// ConversationMessages returns a page of a conversation's messages, oldest
// first. Keyset reads over messages_conversation_at: any page of a thread
// of any length costs the same.
func (s *Store) ConversationMessages(ctx context.Context, conversationID int64, p MessagePage) ([]Message, error) {
	query := `SELECT ` + messageColumns + ` FROM messages m WHERE m.conversation_id = ?`
	args := []any{conversationID}
	order := ` ORDER BY m.at, m.id`
	switch {
	case p.Before != nil:
		query += ` AND (m.at, m.id) < (?, ?)`
		args = append(args, p.Before.At, p.Before.ID)
		order = ` ORDER BY m.at DESC, m.id DESC`
	case p.After != nil:
		query += ` AND (m.at, m.id) > (?, ?)`
		args = append(args, p.After.At, p.After.ID)
	}
	args = append(args, p.Limit)
	out, err := s.queryMessages(ctx, query+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
	}
	if p.Before != nil {
		slices.Reverse(out)
	}
	return out, nil
}
