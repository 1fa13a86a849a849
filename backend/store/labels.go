package store

import (
	"context"
	"fmt"
)

// LabelSession puts the label called name on a session, creating the label
// when it does not exist yet.
func (tx *Tx) LabelSession(ctx context.Context, sessionID int64, name string, now int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO labels(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING`, name, now); err != nil {
		return fmt.Errorf("create label %q: %w", name, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT OR IGNORE INTO session_labels(session_id, label_id) SELECT ?, id FROM labels WHERE name = ?`, sessionID, name); err != nil {
		return fmt.Errorf("label session %d %q: %w", sessionID, name, err)
	}
	return nil
}
