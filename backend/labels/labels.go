// Package labels holds the rules of labels and custom fields that more than
// one layer needs: how a label name or a field value is compared (Fold, the
// search index's rule, so that SQLite and the index agree), the colour
// palette and colour checks, and the type checks of custom field values.
// It depends on nothing of Sessions, so the store and the index both use it.
package labels

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
)

// Fold is how label names and field values are compared everywhere (the
// SQLite path, the search index, uniqueness of names): trimmed, accents
// stripped (é→e, ß→ss, also in decomposed form) and lowercased in full
// Unicode. SQLite's NOCASE folds only ASCII, so "MÜNCHEN" would not find
// "München" there while the index would.
func Fold(s string) string {
	s = strings.TrimSpace(StripCombining(s))
	if !isASCII(s) {
		s = string(asciifolding.New().Filter([]byte(s)))
	}
	return strings.ToLower(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// StripCombining drops combining diacritical marks (U+0300–U+036F): text
// in decomposed form (NFD, as macOS writes it: "e" + U+0301) then folds as
// the precomposed "é" does, which the asciifolding char filter alone only
// knows. The search index strips them before analysing text, too.
func StripCombining(s string) string {
	if !hasCombining(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x300 && r <= 0x36f {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasCombining reports whether s holds a mark of U+0300–U+036F. They are
// encoded as 0xCC 0x80 … 0xCD 0xAF, so most text is ruled out by a byte scan.
func hasCombining(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0xcc || c == 0xcd {
			r, _ := utf8.DecodeRuneInString(s[i:])
			if r >= 0x300 && r <= 0x36f {
				return true
			}
		}
	}
	return false
}

// Palette is the colours new labels get in turn when none is given: distinct
// on light and dark backgrounds, readable with white text.
var Palette = []string{"#2f6fde", "#1f9d55", "#d97706", "#c2410c", "#9333ea", "#db2777", "#0e7490", "#4d7c0f"}

// DefaultColor is the colour of the n-th label (0-based) made without one.
func DefaultColor(n int) string {
	if n < 0 {
		n = -n
	}
	return Palette[n%len(Palette)]
}

// ErrInvalid is matched by every refusal of this package: a bad name,
// colour, key, type or value.
var ErrInvalid = errors.New("invalid")

// Color checks a colour written #RRGGBB and returns it lowercased.
func Color(c string) (string, error) {
	c = strings.TrimSpace(c)
	if len(c) != 7 || c[0] != '#' {
		return "", fmt.Errorf("%w colour %q: want #RRGGBB, like #2f6fde", ErrInvalid, c)
	}
	for _, r := range c[1:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return "", fmt.Errorf("%w colour %q: want #RRGGBB, like #2f6fde", ErrInvalid, c)
		}
	}
	return strings.ToLower(c), nil
}

// maxNameLen bounds label and field names: they are shown on chips.
const maxNameLen = 64

// Name checks a label or field name and returns it trimmed.
func Name(what, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", fmt.Errorf("%w %s name: it is empty", ErrInvalid, what)
	case utf8.RuneCountInString(name) > maxNameLen:
		return "", fmt.Errorf("%w %s name %q: longer than %d characters", ErrInvalid, what, name, maxNameLen)
	case strings.ContainsAny(name, ",\x1f\n\r\t"):
		// A comma separates labels in the CLI and in the URL's label list.
		return "", fmt.Errorf("%w %s name %q: it may not hold a comma or a control character", ErrInvalid, what, name)
	}
	return name, nil
}

// Key checks a custom field key: letters, digits, '_', '-' and '.', as it
// is written in --field KEY=VALUE and in the URL's field=KEY:VALUE.
func Key(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", fmt.Errorf("%w field key: it is empty", ErrInvalid)
	}
	if utf8.RuneCountInString(key) > maxNameLen {
		return "", fmt.Errorf("%w field key %q: longer than %d characters", ErrInvalid, key, maxNameLen)
	}
	for _, r := range key {
		if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", fmt.Errorf("%w field key %q: use letters, digits, '_', '-' and '.'", ErrInvalid, key)
		}
	}
	return key, nil
}

// Field types.
const (
	TypeText   = "text"
	TypeNumber = "number"
	TypeDate   = "date"
	TypeChoice = "choice"
)

// Type checks a field type; empty means text.
func Type(t string) (string, error) {
	switch t = strings.ToLower(strings.TrimSpace(t)); t {
	case "":
		return TypeText, nil
	case TypeText, TypeNumber, TypeDate, TypeChoice:
		return t, nil
	}
	return "", fmt.Errorf("%w field type %q: want text, number, date or choice", ErrInvalid, t)
}

// Choices checks the options of a choice field: trimmed, none empty, no two
// the same under Fold (they could not be told apart in a filter).
func Choices(typ string, choices []string) ([]string, error) {
	if typ != TypeChoice {
		if len(choices) > 0 {
			return nil, fmt.Errorf("%w choices: only a choice field has them", ErrInvalid)
		}
		return nil, nil
	}
	out := make([]string, 0, len(choices))
	seen := map[string]bool{}
	for _, c := range choices {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if seen[Fold(c)] {
			return nil, fmt.Errorf("%w choices: %q is given twice", ErrInvalid, c)
		}
		seen[Fold(c)] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w choices: a choice field needs at least one option", ErrInvalid)
	}
	return out, nil
}

// Value checks a value for a field of type typ (and options choices) and
// returns it as stored: trimmed; a number as written; a date as
// YYYY-MM-DD; a choice in the option's own spelling, whatever case or
// accents it was typed with. An empty value is returned as "" (it clears).
func Value(typ string, choices []string, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	switch typ {
	case TypeText, "":
		return v, nil
	case TypeNumber:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "", fmt.Errorf("%w number %q: write it like 42 or 3.5", ErrInvalid, v)
		}
		return v, nil
	case TypeDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "", fmt.Errorf("%w date %q: write it like 2024-03-14", ErrInvalid, v)
		}
		return v, nil
	case TypeChoice:
		fv := Fold(v)
		for _, c := range choices {
			if Fold(c) == fv {
				return c, nil
			}
		}
		return "", fmt.Errorf("%w choice %q: want one of %s", ErrInvalid, v, strings.Join(choices, ", "))
	}
	return "", fmt.Errorf("%w field type %q", ErrInvalid, typ)
}
