// Package app is the boundary between the product's logic (backend/...) and
// its users: the narrow services the UI calls (bound to the desktop window
// by Wails, served over HTTP by serve), and the command-line commands. It
// only translates: rules, paging and background work live in backend/. It
// is the only package that imports Wails.
package app

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sessions-app/sessions/backend/store"
)

// Version is the version of the program; release builds set it with -ldflags.
var Version = "dev"

// DefaultPageSize is the timeline's page size.
const DefaultPageSize = 50

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ErrBadCursor is returned for a cursor that no page handed out.
var ErrBadCursor = errors.New("invalid cursor")

// A cursor is opaque to callers: the start time and id of the last row.
func encodeCursor(c store.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.StartedAt, 10) + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeCursor(s string) (store.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	at, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	var c store.Cursor
	if c.StartedAt, err = strconv.ParseInt(at, 10, 64); err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	return c, nil
}
