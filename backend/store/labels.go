package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sessions-app/sessions/backend/labels"
)

// Label is a label with the number of sessions carrying it.
type Label struct {
	ID       int64
	Name     string
	Color    string // #rrggbb
	Sessions int
}

const labelColumns = `l.id, l.name, l.color, (SELECT COUNT(*) FROM session_labels sl WHERE sl.label_id = l.id)`

func scanLabel(sc interface{ Scan(...any) error }) (Label, error) {
	var l Label
	err := sc.Scan(&l.ID, &l.Name, &l.Color, &l.Sessions)
	return l, err
}

// readLabels reads every label; counted says whether to count their
// sessions too, which reads the whole of session_labels: the lookups by
// name that labelling a session does (once per session on a bulk import)
// do without.
func readLabels(ctx context.Context, q querier, counted bool) ([]Label, error) {
	cols := `l.id, l.name, l.color, 0`
	if counted {
		cols = labelColumns
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM labels l ORDER BY l.name COLLATE NOCASE, l.id`)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer rows.Close()
	out := []Label{}
	for rows.Next() {
		l, err := scanLabel(rows)
		if err != nil {
			return nil, fmt.Errorf("read labels: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	return out, nil
}

// Labels returns every label by name, with its number of sessions.
func (s *Store) Labels(ctx context.Context) ([]Label, error) { return readLabels(ctx, s.read, true) }

// LabelNamed returns the label whose name folds (labels.Fold) as name
// does, or ErrNotFound. Its Sessions is not counted.
func (s *Store) LabelNamed(ctx context.Context, name string) (Label, error) {
	return labelNamed(ctx, s.read, name)
}

// labelNamed finds a label by the fold of its name. Labels are few: they
// are all read, as SQLite cannot fold accents.
func labelNamed(ctx context.Context, q querier, name string) (Label, error) {
	all, err := readLabels(ctx, q, false)
	if err != nil {
		return Label{}, err
	}
	want := labels.Fold(name)
	for _, l := range all {
		if labels.Fold(l.Name) == want {
			return l, nil
		}
	}
	return Label{}, fmt.Errorf("label %q: %w", name, ErrNotFound)
}

func (tx *Tx) label(ctx context.Context, id int64) (Label, error) {
	l, err := scanLabel(tx.tx.QueryRowContext(ctx, `SELECT `+labelColumns+` FROM labels l WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Label{}, fmt.Errorf("label %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Label{}, fmt.Errorf("read label %d: %w", id, err)
	}
	return l, nil
}

// CreateLabel adds a label. The name is checked (labels.Name); one that
// folds as an existing label's does is ErrExists ("Café" is "cafe"). An
// empty colour takes the palette's next one.
func (tx *Tx) CreateLabel(ctx context.Context, name, color string, now int64) (Label, error) {
	var err error
	if name, err = labels.Name("label", name); err != nil {
		return Label{}, err
	}
	all, err := readLabels(ctx, tx.tx, false)
	if err != nil {
		return Label{}, err
	}
	for _, l := range all {
		if labels.Fold(l.Name) == labels.Fold(name) {
			return Label{}, fmt.Errorf("label %q (as %q): %w", name, l.Name, ErrExists)
		}
	}
	if color == "" {
		color = labels.DefaultColor(len(all))
	} else if color, err = labels.Color(color); err != nil {
		return Label{}, err
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO labels(name, color, created_at) VALUES (?, ?, ?)`, name, color, now)
	if err != nil {
		return Label{}, fmt.Errorf("create label %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Label{}, fmt.Errorf("create label %q: %w", name, err)
	}
	return tx.label(ctx, id)
}

// UpdateLabel renames and/or recolours a label; an empty name or colour
// keeps it. A new name that folds as another label's is ErrExists.
func (tx *Tx) UpdateLabel(ctx context.Context, id int64, name, color string) (Label, error) {
	l, err := tx.label(ctx, id)
	if err != nil {
		return Label{}, err
	}
	if name != "" {
		if name, err = labels.Name("label", name); err != nil {
			return Label{}, err
		}
		all, err := readLabels(ctx, tx.tx, false)
		if err != nil {
			return Label{}, err
		}
		for _, o := range all {
			if o.ID != id && labels.Fold(o.Name) == labels.Fold(name) {
				return Label{}, fmt.Errorf("label %q (as %q): %w", name, o.Name, ErrExists)
			}
		}
		l.Name = name
	}
	if color != "" {
		if l.Color, err = labels.Color(color); err != nil {
			return Label{}, err
		}
	}
	// A rename queues the label's sessions for the index (trigger
	// search_labels_rename fires on any UPDATE naming the column); a
	// colour is not indexed, so it is set by a statement of its own.
	if _, err := tx.tx.ExecContext(ctx, `UPDATE labels SET name = ? WHERE id = ? AND name IS NOT ?`, l.Name, id, l.Name); err != nil {
		return Label{}, fmt.Errorf("rename label %d: %w", id, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE labels SET color = ? WHERE id = ?`, l.Color, id); err != nil {
		return Label{}, fmt.Errorf("recolour label %d: %w", id, err)
	}
	return tx.label(ctx, id)
}

// DeleteLabel removes a label from every session and then itself.
func (tx *Tx) DeleteLabel(ctx context.Context, id int64) error {
	if _, err := tx.label(ctx, id); err != nil {
		return err
	}
	// By statement first, so that the delete trigger queues each session
	// for the index.
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM session_labels WHERE label_id = ?`, id); err != nil {
		return fmt.Errorf("remove label %d from its sessions: %w", id, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM labels WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete label %d: %w", id, err)
	}
	return nil
}

// LabelSession puts the label called name (matched by its fold) on a
// session, creating the label, in the palette's next colour, when there is
// none yet. A session that does not exist is ErrNotFound.
func (tx *Tx) LabelSession(ctx context.Context, sessionID int64, name string, now int64) error {
	if err := tx.sessionExists(ctx, sessionID); err != nil {
		return err
	}
	l, err := labelNamed(ctx, tx.tx, name)
	if errors.Is(err, ErrNotFound) {
		l, err = tx.CreateLabel(ctx, name, "", now)
	}
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT OR IGNORE INTO session_labels(session_id, label_id) VALUES (?, ?)`, sessionID, l.ID); err != nil {
		return fmt.Errorf("label session %d %q: %w", sessionID, l.Name, err)
	}
	return nil
}

// UnlabelSession takes the label called name (matched by its fold) off a
// session; a label or session that does not exist is ErrNotFound, a label
// the session does not carry is no error.
func (tx *Tx) UnlabelSession(ctx context.Context, sessionID int64, name string) error {
	if err := tx.sessionExists(ctx, sessionID); err != nil {
		return err
	}
	l, err := labelNamed(ctx, tx.tx, name)
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM session_labels WHERE session_id = ? AND label_id = ?`, sessionID, l.ID); err != nil {
		return fmt.Errorf("unlabel session %d %q: %w", sessionID, l.Name, err)
	}
	return nil
}
