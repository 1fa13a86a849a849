package app

import (
	"context"

	"github.com/sessions-app/sessions/backend/store"
)

// FieldView is a custom field definition with the number of sessions that
// have a value for it.
type FieldView struct {
	ID   int64  `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
	// Type is "text", "number", "date" (YYYY-MM-DD) or "choice".
	Type string `json:"type"`
	// Choices are the options of a choice field, in order; empty otherwise.
	Choices  []string `json:"choices"`
	Sessions int      `json:"sessions"`
}

// FieldInput defines or changes a custom field. In UpdateField the key is
// the method's argument (a key does not change), an empty name or type
// keeps it and null choices keep them.
type FieldInput struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Choices []string `json:"choices"`
}

// FieldsService manages custom fields and their values on sessions. Every
// change is one transaction; the search index follows before the call
// returns.
type FieldsService struct{ c *core }

func fieldView(f store.Field) FieldView {
	v := FieldView{ID: f.ID, Key: f.Key, Name: f.Name, Type: f.Type, Choices: f.Choices, Sessions: f.Sessions}
	if v.Choices == nil {
		v.Choices = []string{}
	}
	return v
}

// ListFields returns every custom field by name.
func (s *FieldsService) ListFields() ([]FieldView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := s.c.st.Fields(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FieldView, len(list))
	for i, f := range list {
		out[i] = fieldView(f)
	}
	return out, nil
}

// DefineField adds a custom field.
func (s *FieldsService) DefineField(input FieldInput) (*FieldView, error) {
	return s.change(func(ctx context.Context, tx *store.Tx) (store.Field, error) {
		return tx.DefineField(ctx, input.Key, input.Name, input.Type, input.Choices, s.c.now().UnixMilli())
	})
}

// UpdateField renames a field or changes its type or choices; a change the
// stored values would not fit is refused.
func (s *FieldsService) UpdateField(key string, input FieldInput) (*FieldView, error) {
	return s.change(func(ctx context.Context, tx *store.Tx) (store.Field, error) {
		return tx.UpdateField(ctx, key, input.Name, input.Type, input.Choices)
	})
}

// DeleteField removes a field and its values from every session.
func (s *FieldsService) DeleteField(key string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error { return tx.DeleteField(ctx, key) })
}

// SetSessionField sets a session's value of a field, checked against the
// field's type (a number, a date YYYY-MM-DD, one of the choices in any
// case or accents, stored in the option's spelling); "" clears it.
func (s *FieldsService) SetSessionField(sessionID int64, key, value string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.SetSessionField(ctx, sessionID, key, value)
		return err
	})
}

func (s *FieldsService) change(fn func(ctx context.Context, tx *store.Tx) (store.Field, error)) (*FieldView, error) {
	var f store.Field
	err := s.c.change(func(ctx context.Context, tx *store.Tx) error {
		var err error
		f, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	v := fieldView(f)
	return &v, nil
}
