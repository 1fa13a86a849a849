package app

import (
	"context"

	"github.com/sessions-app/sessions/backend/store"
)

// SavedView is a named filter set in the sidebar. Its URL is stable:
// #/view/ID opens Page with Params (the page's hash params).
type SavedView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Page is "sessions" (the timeline) or "insights".
	Page string `json:"page"`
	// Params are the page's hash params (q, status, channel, …) as the
	// page wrote them.
	Params map[string]string `json:"params"`
	// Position is the view's place in the sidebar, from 0.
	Position int `json:"position"`
}

// SavedViewInput is a view to save: a name, its page and its params.
type SavedViewInput struct {
	Name   string            `json:"name"`
	Page   string            `json:"page"`
	Params map[string]string `json:"params"`
}

// ViewsService keeps the saved views: named, ordered sets of filters of
// the timeline or the insights page. Each change is one transaction.
type ViewsService struct{ c *core }

func savedView(v store.SavedView) SavedView {
	return SavedView{ID: v.ID, Name: v.Name, Page: v.Page, Params: v.Params, Position: v.Position}
}

// ListViews returns the saved views in the sidebar's order.
func (s *ViewsService) ListViews() ([]SavedView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := s.c.st.Views(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SavedView, len(list))
	for i, v := range list {
		out[i] = savedView(v)
	}
	return out, nil
}

// SaveView saves a view at the end of the sidebar. A name another view
// has (in any case) is refused.
func (s *ViewsService) SaveView(input SavedViewInput) (*SavedView, error) {
	var saved store.SavedView
	err := s.update(func(ctx context.Context, tx *store.Tx) error {
		var err error
		saved, err = tx.SaveView(ctx, input.Name, input.Page, input.Params, s.c.now().UnixMilli())
		return err
	})
	if err != nil {
		return nil, err
	}
	v := savedView(saved)
	return &v, nil
}

// RenameView renames a view.
func (s *ViewsService) RenameView(id int64, name string) error {
	return s.update(func(ctx context.Context, tx *store.Tx) error { return tx.RenameView(ctx, id, name) })
}

// MoveView puts a view at a position of the sidebar (from 0; past the end
// is last); the others shift.
func (s *ViewsService) MoveView(id int64, position int) error {
	return s.update(func(ctx context.Context, tx *store.Tx) error { return tx.MoveView(ctx, id, position) })
}

// DeleteView removes a view.
func (s *ViewsService) DeleteView(id int64) error {
	return s.update(func(ctx context.Context, tx *store.Tx) error { return tx.DeleteView(ctx, id) })
}

// update runs one change of the views. Views are no session data: the
// search index has nothing to follow.
func (s *ViewsService) update(fn func(ctx context.Context, tx *store.Tx) error) error {
	ctx, done, err := s.c.call()
	if err != nil {
		return err
	}
	defer done()
	return s.c.st.Update(ctx, func(tx *store.Tx) error { return fn(ctx, tx) })
}
