package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Saved views: a named set of filters (the URL's hash params) of the
// timeline or the insights page, listed in the sidebar in the user's
// order. They are the user's bookmarks, not session data: they do not go
// through the search outbox.

// ErrInvalidView is matched by every refusal of a saved view's name, page
// or params.
var ErrInvalidView = errors.New("invalid saved view")

// View pages.
const (
	ViewPageSessions = "sessions"
	ViewPageInsights = "insights"
)

// Limits of a saved view: a name fits the sidebar, params are a URL's.
const (
	maxViewName       = 80
	maxViewParams     = 64
	maxViewParamBytes = 4096
)

// SavedView is a stored view; Position is its place in the sidebar, from 0.
type SavedView struct {
	ID       int64
	Name     string
	Page     string
	Params   map[string]string
	Position int
}

// checkViewName trims a view's name and refuses an empty or overlong one,
// or one with control characters (it is shown as a line of the sidebar).
func checkViewName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", fmt.Errorf("%w: the name is empty", ErrInvalidView)
	case utf8.RuneCountInString(name) > maxViewName:
		return "", fmt.Errorf("%w: the name %q is longer than %d characters", ErrInvalidView, name, maxViewName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%w: the name %q holds a control character", ErrInvalidView, name)
	}
	return name, nil
}

// encodeViewParams checks a view's params and encodes them as the JSON
// object stored.
func encodeViewParams(params map[string]string) (string, error) {
	if len(params) > maxViewParams {
		return "", fmt.Errorf("%w: %d params, at most %d", ErrInvalidView, len(params), maxViewParams)
	}
	size := 0
	for k, v := range params {
		if strings.TrimSpace(k) == "" {
			return "", fmt.Errorf("%w: a param has no name", ErrInvalidView)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return "", fmt.Errorf("%w: param %q is not UTF-8", ErrInvalidView, k)
		}
		size += len(k) + len(v)
	}
	if size > maxViewParamBytes {
		return "", fmt.Errorf("%w: the params hold %d bytes, at most %d", ErrInvalidView, size, maxViewParamBytes)
	}
	if params == nil {
		params = map[string]string{}
	}
	b, err := json.Marshal(params)
	if err != nil {
		return "", fmt.Errorf("encode view params: %w", err)
	}
	return string(b), nil
}

// Views returns every saved view in the sidebar's order.
func (s *Store) Views(ctx context.Context) ([]SavedView, error) { return readViews(ctx, s.read) }

func readViews(ctx context.Context, q querier) ([]SavedView, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, page, params, position FROM saved_views ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("read saved views: %w", err)
	}
	defer rows.Close()
	out := []SavedView{}
	for rows.Next() {
		var v SavedView
		var params string
		if err := rows.Scan(&v.ID, &v.Name, &v.Page, &params, &v.Position); err != nil {
			return nil, fmt.Errorf("read saved views: %w", err)
		}
		if err := json.Unmarshal([]byte(params), &v.Params); err != nil {
			return nil, fmt.Errorf("read params of saved view %d: %w", v.ID, err)
		}
		if v.Params == nil {
			v.Params = map[string]string{}
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read saved views: %w", err)
	}
	return out, nil
}

// View returns one saved view, or ErrNotFound.
func (s *Store) View(ctx context.Context, id int64) (SavedView, error) {
	return viewByID(ctx, s.read, id)
}

func viewByID(ctx context.Context, q querier, id int64) (SavedView, error) {
	var v SavedView
	var params string
	err := q.QueryRowContext(ctx, `SELECT id, name, page, params, position FROM saved_views WHERE id = ?`, id).
		Scan(&v.ID, &v.Name, &v.Page, &params, &v.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return SavedView{}, fmt.Errorf("saved view %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return SavedView{}, fmt.Errorf("read saved view %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(params), &v.Params); err != nil {
		return SavedView{}, fmt.Errorf("read params of saved view %d: %w", id, err)
	}
	if v.Params == nil {
		v.Params = map[string]string{}
	}
	return v, nil
}

// nameTaken refuses a name another view has (compared without case, as the
// sidebar shows them side by side).
func nameTaken(ctx context.Context, tx *Tx, name string, except int64) error {
	var id int64
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM saved_views WHERE name = ? COLLATE NOCASE AND id != ?`, name, except).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("look up saved view %q: %w", name, err)
	}
	return fmt.Errorf("a saved view named %q: %w", name, ErrExists)
}

// SaveView adds a view at the end of the sidebar.
func (tx *Tx) SaveView(ctx context.Context, name, page string, params map[string]string, now int64) (SavedView, error) {
	name, err := checkViewName(name)
	if err != nil {
		return SavedView{}, err
	}
	switch page {
	case ViewPageSessions, ViewPageInsights:
	default:
		return SavedView{}, fmt.Errorf("%w: page %q (want sessions or insights)", ErrInvalidView, page)
	}
	enc, err := encodeViewParams(params)
	if err != nil {
		return SavedView{}, err
	}
	if err := nameTaken(ctx, tx, name, 0); err != nil {
		return SavedView{}, err
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO saved_views(name, page, params, position, created_at)
		VALUES (?, ?, ?, (SELECT COUNT(*) FROM saved_views), ?)`, name, page, enc, now)
	if err != nil {
		return SavedView{}, fmt.Errorf("save view %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return SavedView{}, fmt.Errorf("save view %q: %w", name, err)
	}
	return viewByID(ctx, tx.tx, id)
}

// RenameView renames a view.
func (tx *Tx) RenameView(ctx context.Context, id int64, name string) error {
	name, err := checkViewName(name)
	if err != nil {
		return err
	}
	if err := nameTaken(ctx, tx, name, id); err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE saved_views SET name = ? WHERE id = ?`, name, id)
	if err != nil {
		return fmt.Errorf("rename saved view %d: %w", id, err)
	}
	return mustChange(res, id)
}

// MoveView puts a view at position (from 0; beyond the end means last)
// and shifts the others, so positions stay 0..n-1.
func (tx *Tx) MoveView(ctx context.Context, id int64, position int) error {
	views, err := readViews(ctx, tx.tx)
	if err != nil {
		return err
	}
	from := -1
	for i, v := range views {
		if v.ID == id {
			from = i
		}
	}
	if from < 0 {
		return fmt.Errorf("saved view %d: %w", id, ErrNotFound)
	}
	if position < 0 {
		return fmt.Errorf("%w: position %d (want 0 or more)", ErrInvalidView, position)
	}
	position = min(position, len(views)-1)
	moved := views[from]
	views = append(views[:from], views[from+1:]...)
	views = append(views[:position], append([]SavedView{moved}, views[position:]...)...)
	return renumberViews(ctx, tx, views)
}

// DeleteView removes a view; the ones after it move up.
func (tx *Tx) DeleteView(ctx context.Context, id int64) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM saved_views WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete saved view %d: %w", id, err)
	}
	if err := mustChange(res, id); err != nil {
		return err
	}
	views, err := readViews(ctx, tx.tx)
	if err != nil {
		return err
	}
	return renumberViews(ctx, tx, views)
}

// renumberViews stores views' order as positions 0..n-1.
func renumberViews(ctx context.Context, tx *Tx, views []SavedView) error {
	for i, v := range views {
		if v.Position == i {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE saved_views SET position = ? WHERE id = ?`, i, v.ID); err != nil {
			return fmt.Errorf("reorder saved views: %w", err)
		}
	}
	return nil
}

func mustChange(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("saved view %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("saved view %d: %w", id, ErrNotFound)
	}
	return nil
}
