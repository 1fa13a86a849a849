package store

import (
	"context"
	"fmt"
)

// The removals below serve backend/sample, which takes back what its
// sample library added: each removes a row only when nothing of the
// user's own hangs on it any more.

// DeleteConversation removes a conversation: its sessions one by one
// first (so the index's delete triggers queue each), then the
// conversation, whose messages go with it (ON DELETE CASCADE). It returns
// the number of sessions removed.
func (tx *Tx) DeleteConversation(ctx context.Context, id int64) (int, error) {
	bounds, err := tx.ConversationSessions(ctx, id)
	if err != nil {
		return 0, err
	}
	for _, b := range bounds {
		if err := tx.DeleteSession(ctx, b.ID); err != nil {
			return 0, err
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM conversations WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("delete conversation %d: %w", id, err)
	}
	return len(bounds), nil
}

// DeleteContactIfUnused removes a contact that no conversation refers to.
func (tx *Tx) DeleteContactIfUnused(ctx context.Context, id int64) error {
	if _, err := tx.tx.ExecContext(ctx, `
		DELETE FROM contacts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = ?)
			AND NOT EXISTS (SELECT 1 FROM sessions WHERE contact_id = ?)`, id, id, id); err != nil {
		return fmt.Errorf("delete contact %d: %w", id, err)
	}
	return nil
}

// DeleteLabelIfUnused removes a label that no session carries.
func (tx *Tx) DeleteLabelIfUnused(ctx context.Context, id int64) error {
	if _, err := tx.tx.ExecContext(ctx,
		`DELETE FROM labels WHERE id = ? AND NOT EXISTS (SELECT 1 FROM session_labels WHERE label_id = ?)`, id, id); err != nil {
		return fmt.Errorf("delete label %d: %w", id, err)
	}
	return nil
}

// DeleteFieldIfUnused removes a custom field that no session has a value of.
func (tx *Tx) DeleteFieldIfUnused(ctx context.Context, key string) error {
	if _, err := tx.tx.ExecContext(ctx, `
		DELETE FROM custom_fields WHERE key = ?
			AND NOT EXISTS (SELECT 1 FROM session_field_values v WHERE v.field_id = custom_fields.id)`, key); err != nil {
		return fmt.Errorf("delete field %q: %w", key, err)
	}
	return nil
}
