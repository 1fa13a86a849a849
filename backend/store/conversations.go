package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
