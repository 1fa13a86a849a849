package app

import (
	"context"

	"github.com/sessions-app/sessions/backend/store"
)

// LabelView is a label with the number of sessions carrying it.
type LabelView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Color    string `json:"color"` // #rrggbb
	Sessions int    `json:"sessions"`
}

// LabelInput creates or changes a label; in an update an empty field keeps
// what the label has.
type LabelInput struct {
	Name  string `json:"name"`
	Color string `json:"color"` // #RRGGBB; empty takes the palette's next colour
}

// LabelsService manages labels and puts them on sessions. Every change is
// one transaction; the search index follows before the call returns, so
// the timeline and search show it at once.
type LabelsService struct{ c *core }

func labelView(l store.Label) LabelView {
	return LabelView{ID: l.ID, Name: l.Name, Color: l.Color, Sessions: l.Sessions}
}

// ListLabels returns every label by name, with its number of sessions.
func (s *LabelsService) ListLabels() ([]LabelView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := s.c.st.Labels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]LabelView, len(list))
	for i, l := range list {
		out[i] = labelView(l)
	}
	return out, nil
}

// CreateLabel adds a label; a name that differs from an existing one only
// in case or accents is refused.
func (s *LabelsService) CreateLabel(input LabelInput) (*LabelView, error) {
	return s.change(func(ctx context.Context, tx *store.Tx) (store.Label, error) {
		return tx.CreateLabel(ctx, input.Name, input.Color, s.c.now().UnixMilli())
	})
}

// UpdateLabel renames and/or recolours a label.
func (s *LabelsService) UpdateLabel(id int64, input LabelInput) (*LabelView, error) {
	return s.change(func(ctx context.Context, tx *store.Tx) (store.Label, error) {
		return tx.UpdateLabel(ctx, id, input.Name, input.Color)
	})
}

// DeleteLabel removes a label from every session and deletes it.
func (s *LabelsService) DeleteLabel(id int64) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error { return tx.DeleteLabel(ctx, id) })
}

// AddSessionLabel puts a label on a session, creating the label (in the
// palette's next colour) when there is none of that name.
func (s *LabelsService) AddSessionLabel(sessionID int64, name string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error {
		return tx.LabelSession(ctx, sessionID, name, s.c.now().UnixMilli())
	})
}

// RemoveSessionLabel takes a label off a session.
func (s *LabelsService) RemoveSessionLabel(sessionID int64, name string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error { return tx.UnlabelSession(ctx, sessionID, name) })
}

func (s *LabelsService) change(fn func(ctx context.Context, tx *store.Tx) (store.Label, error)) (*LabelView, error) {
	var l store.Label
	err := s.c.change(func(ctx context.Context, tx *store.Tx) error {
		var err error
		l, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	v := labelView(l)
	return &v, nil
}

// change runs fn in one transaction, then brings the search index up to
// date with it before returning, so that the next page or search shows it.
// A change is saved even when the index cannot follow now (another process
// holds it): the outbox keeps it for later, and the error is only logged.
func (c *core) change(fn func(ctx context.Context, tx *store.Tx) error) error {
	ctx, done, err := c.call()
	if err != nil {
		return err
	}
	defer done()
	if err := c.st.Update(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		return err
	}
	if err := c.tl.Sync(ctx, nil); err != nil && ctx.Err() == nil {
		c.log.Warn("search index update after a change failed; it catches up later", "err", err)
	}
	return nil
}
