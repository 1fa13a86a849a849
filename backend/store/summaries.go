package store

import (
	"context"
	"fmt"
)

// Summary is what a summarizer made of a session.
type Summary struct {
	Text      string
	Source    string // "ollama" or "builtin"
	Model     string
	Hash      string // the content hash it was made from
	Sentiment string // positive | neutral | negative | ""
}

// SetSummary stores the summary and sentiment of a session.
func (tx *Tx) SetSummary(ctx context.Context, sessionID int64, s Summary) error {
	var sentiment any
	if s.Sentiment != "" {
		sentiment = s.Sentiment
	}
	_, err := tx.tx.ExecContext(ctx, `
		UPDATE sessions SET summary = ?, summary_source = ?, summary_model = ?, summary_hash = ?, sentiment = ?
		WHERE id = ?`, nullString(s.Text), nullString(s.Source), nullString(s.Model), nullString(s.Hash), sentiment, sessionID)
	if err != nil {
		return fmt.Errorf("store summary of session %d: %w", sessionID, err)
	}
	return nil
}

// SetFieldValue fills the custom field key of a session, creating a text
// field of that key when there is none yet.
func (tx *Tx) SetFieldValue(ctx context.Context, sessionID int64, key, value string, now int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO custom_fields(key, name, type, created_at) VALUES (?, ?, 'text', ?)
		ON CONFLICT(key) DO NOTHING`, key, key, now); err != nil {
		return fmt.Errorf("create field %q: %w", key, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO session_field_values(session_id, field_id, value) SELECT ?, id, ? FROM custom_fields WHERE key = ?
		ON CONFLICT(session_id, field_id) DO UPDATE SET value = excluded.value`, sessionID, value, key); err != nil {
		return fmt.Errorf("set field %q of session %d: %w", key, sessionID, err)
	}
	return nil
}
