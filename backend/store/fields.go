package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sessions-app/sessions/backend/labels"
)

// ErrExists is returned when a label or field of that name or key exists.
var ErrExists = errors.New("already exists")

// Field is a custom field definition and how many sessions have a value.
type Field struct {
	ID       int64
	Key      string
	Name     string
	Type     string // labels.TypeText, TypeNumber, TypeDate or TypeChoice
	Choices  []string
	Sessions int
}

const fieldColumns = `f.id, f.key, f.name, f.type, COALESCE(f.choices, ''),
	(SELECT COUNT(*) FROM session_field_values v WHERE v.field_id = f.id)`

func scanField(sc interface{ Scan(...any) error }) (Field, error) {
	var f Field
	var choices string
	if err := sc.Scan(&f.ID, &f.Key, &f.Name, &f.Type, &choices, &f.Sessions); err != nil {
		return Field{}, err
	}
	if choices != "" {
		if err := json.Unmarshal([]byte(choices), &f.Choices); err != nil {
			return Field{}, fmt.Errorf("read choices of field %q: %w", f.Key, err)
		}
	}
	return f, nil
}

// Fields returns every custom field, by name.
func (s *Store) Fields(ctx context.Context) ([]Field, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields f ORDER BY f.name COLLATE NOCASE, f.key`)
	if err != nil {
		return nil, fmt.Errorf("read fields: %w", err)
	}
	defer rows.Close()
	out := []Field{}
	for rows.Next() {
		f, err := scanField(rows)
		if err != nil {
			return nil, fmt.Errorf("read fields: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read fields: %w", err)
	}
	return out, nil
}

// Field returns the field of this key (exact), or ErrNotFound.
func (s *Store) Field(ctx context.Context, key string) (Field, error) {
	f, err := scanField(s.read.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields f WHERE f.key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Field{}, fmt.Errorf("field %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return Field{}, fmt.Errorf("read field %q: %w", key, err)
	}
	return f, nil
}

// field reads a field inside the transaction. Its Sessions is counted only
// when counted: setting a value, once per session in a bulk change, does
// without a pass over the field's values.
func (tx *Tx) field(ctx context.Context, key string, counted bool) (Field, error) {
	cols := `f.id, f.key, f.name, f.type, COALESCE(f.choices, ''), 0`
	if counted {
		cols = fieldColumns
	}
	f, err := scanField(tx.tx.QueryRowContext(ctx, `SELECT `+cols+` FROM custom_fields f WHERE f.key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Field{}, fmt.Errorf("field %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return Field{}, fmt.Errorf("read field %q: %w", key, err)
	}
	return f, nil
}

func choicesJSON(choices []string) any {
	if len(choices) == 0 {
		return nil
	}
	b, _ := json.Marshal(choices) // a []string always encodes
	return string(b)
}

// DefineField adds a custom field. The key, name, type and choices are
// checked (labels.Key, Name, Type, Choices); a key in use is ErrExists.
func (tx *Tx) DefineField(ctx context.Context, key, name, typ string, choices []string, now int64) (Field, error) {
	var err error
	if key, err = labels.Key(key); err != nil {
		return Field{}, err
	}
	if name == "" {
		name = key
	}
	if name, err = labels.Name("field", name); err != nil {
		return Field{}, err
	}
	if typ, err = labels.Type(typ); err != nil {
		return Field{}, err
	}
	if choices, err = labels.Choices(typ, choices); err != nil {
		return Field{}, err
	}
	if _, err := tx.field(ctx, key, false); err == nil {
		return Field{}, fmt.Errorf("field %q: %w", key, ErrExists)
	} else if !errors.Is(err, ErrNotFound) {
		return Field{}, err
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO custom_fields(key, name, type, choices, created_at) VALUES (?, ?, ?, ?, ?)`,
		key, name, typ, choicesJSON(choices), now); err != nil {
		return Field{}, fmt.Errorf("define field %q: %w", key, err)
	}
	return tx.field(ctx, key, true)
}

// UpdateField renames a field and changes its type or choices; an empty
// name or type keeps it, nil choices keep them. A change the stored values
// would not fit (a text that is no number, a choice no longer offered) is
// refused, saying how many sessions are in the way; values that fit are
// rewritten as the new type stores them (a choice in its new spelling).
func (tx *Tx) UpdateField(ctx context.Context, key, name, typ string, choices []string) (Field, error) {
	f, err := tx.field(ctx, key, false)
	if err != nil {
		return Field{}, err
	}
	if name != "" {
		if f.Name, err = labels.Name("field", name); err != nil {
			return Field{}, err
		}
	}
	newType := f.Type
	if typ != "" {
		if newType, err = labels.Type(typ); err != nil {
			return Field{}, err
		}
	}
	newChoices := f.Choices
	if choices != nil || newType != f.Type {
		if newType != labels.TypeChoice {
			choices = nil
		} else if choices == nil {
			choices = f.Choices
		}
		if newChoices, err = labels.Choices(newType, choices); err != nil {
			return Field{}, err
		}
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT session_id, value FROM session_field_values WHERE field_id = ?`, f.ID)
	if err != nil {
		return Field{}, fmt.Errorf("read values of field %q: %w", key, err)
	}
	type change struct {
		session int64
		value   string
	}
	var changes []change
	misfits := 0
	var firstErr error
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.session, &c.value); err != nil {
			rows.Close()
			return Field{}, fmt.Errorf("read values of field %q: %w", key, err)
		}
		v, err := labels.Value(newType, newChoices, c.value)
		switch {
		case err != nil:
			misfits++
			if firstErr == nil {
				firstErr = err
			}
		case v != c.value:
			changes = append(changes, change{c.session, v})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Field{}, fmt.Errorf("read values of field %q: %w", key, err)
	}
	if misfits > 0 {
		return Field{}, fmt.Errorf("%w change of field %q: the value of %d session(s) would not fit (%v); change or clear them first",
			labels.ErrInvalid, key, misfits, firstErr)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE custom_fields SET name = ?, type = ?, choices = ? WHERE id = ?`,
		f.Name, newType, choicesJSON(newChoices), f.ID); err != nil {
		return Field{}, fmt.Errorf("update field %q: %w", key, err)
	}
	for _, c := range changes {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE session_field_values SET value = ?, value_fold = ? WHERE session_id = ? AND field_id = ?`,
			c.value, labels.Fold(c.value), c.session, f.ID); err != nil {
			return Field{}, fmt.Errorf("update field %q of session %d: %w", key, c.session, err)
		}
	}
	return tx.field(ctx, key, true)
}

// DeleteField removes a field and its values from every session (their
// index entries follow through the outbox triggers).
func (tx *Tx) DeleteField(ctx context.Context, key string) error {
	f, err := tx.field(ctx, key, false)
	if err != nil {
		return err
	}
	// The values go first, by statement, so that their delete triggers
	// queue the sessions for the index.
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM session_field_values WHERE field_id = ?`, f.ID); err != nil {
		return fmt.Errorf("delete values of field %q: %w", key, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM custom_fields WHERE id = ?`, f.ID); err != nil {
		return fmt.Errorf("delete field %q: %w", key, err)
	}
	return nil
}

// SetSessionField sets the field key of a session to value, checked and
// spelled as the field's type wants (labels.Value); an empty value clears
// it. It returns the value as stored.
func (tx *Tx) SetSessionField(ctx context.Context, sessionID int64, key, value string) (string, error) {
	f, err := tx.field(ctx, key, false)
	if err != nil {
		return "", err
	}
	if err := tx.sessionExists(ctx, sessionID); err != nil {
		return "", err
	}
	v, err := labels.Value(f.Type, f.Choices, value)
	if err != nil {
		return "", fmt.Errorf("field %q: %w", key, err)
	}
	if v == "" {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM session_field_values WHERE session_id = ? AND field_id = ?`, sessionID, f.ID); err != nil {
			return "", fmt.Errorf("clear field %q of session %d: %w", key, sessionID, err)
		}
		return "", nil
	}
	if err := tx.putFieldValue(ctx, sessionID, f.ID, v); err != nil {
		return "", fmt.Errorf("set field %q of session %d: %w", key, sessionID, err)
	}
	return v, nil
}

// putFieldValue stores a value with its fold. It writes nothing when the
// value is the same, so the index is not asked to redo the session.
func (tx *Tx) putFieldValue(ctx context.Context, sessionID, fieldID int64, value string) error {
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO session_field_values(session_id, field_id, value, value_fold) VALUES (?, ?, ?, ?)
		ON CONFLICT(session_id, field_id) DO UPDATE SET value = excluded.value, value_fold = excluded.value_fold
		WHERE value IS NOT excluded.value OR value_fold IS NOT excluded.value_fold`,
		sessionID, fieldID, value, labels.Fold(value))
	return err
}

// SetFieldValue fills the custom field key of a session, creating a text
// field of that key when there is none yet. The value is stored as given
// (trimmed); SetSessionField checks it against the field's type.
func (tx *Tx) SetFieldValue(ctx context.Context, sessionID int64, key, value string, now int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO custom_fields(key, name, type, created_at) VALUES (?, ?, 'text', ?)
		ON CONFLICT(key) DO NOTHING`, key, key, now); err != nil {
		return fmt.Errorf("create field %q: %w", key, err)
	}
	var id int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT id FROM custom_fields WHERE key = ?`, key).Scan(&id); err != nil {
		return fmt.Errorf("read field %q: %w", key, err)
	}
	if err := tx.putFieldValue(ctx, sessionID, id, strings.TrimSpace(value)); err != nil {
		return fmt.Errorf("set field %q of session %d: %w", key, sessionID, err)
	}
	return nil
}

// sessionExists is nil when the session exists, else ErrNotFound.
func (tx *Tx) sessionExists(ctx context.Context, id int64) error {
	var one int
	err := tx.tx.QueryRowContext(ctx, `SELECT 1 FROM sessions WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("session %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read session %d: %w", id, err)
	}
	return nil
}

// foldFieldValues fills value_fold of the values stored before migration
// 8 added it.
func foldFieldValues(ctx context.Context, tx *Tx) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT rowid, value FROM session_field_values WHERE value_fold IS NULL`)
	if err != nil {
		return fmt.Errorf("read field values to fold: %w", err)
	}
	type row struct {
		id    int64
		value string
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.value); err != nil {
			rows.Close()
			return fmt.Errorf("read field values to fold: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read field values to fold: %w", err)
	}
	for _, r := range list {
		if _, err := tx.exec(ctx, `UPDATE session_field_values SET value_fold = ? WHERE rowid = ?`, labels.Fold(r.value), r.id); err != nil {
			return fmt.Errorf("fold field value: %w", err)
		}
	}
	return nil
}
