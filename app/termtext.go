package app

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text from chats (bodies, names, summaries made from bodies, titles taken
// from file names) is written by strangers. Printed raw to a terminal, an
// ESC sequence in it can set the window title, change colours, hide text or
// plant an OSC 8 link, and a bidi override can reorder what follows it on
// the line. termLine and termText make such characters visible instead:
// they are printed as Go-style escapes (\x1b, \u0085, \u202e), which a
// reader can still see and which no terminal acts on.

// termLine makes s safe as one field of a terminal line: every control
// character, newlines and tabs included (a tab would also shift the columns
// of a table), is shown escaped.
func termLine(s string) string { return termEscape(s, false) }

// termText makes s safe as multi-line terminal text: newlines and tabs are
// kept, every other control character is shown escaped.
func termText(s string) string { return termEscape(s, true) }

func termEscape(s string, multiline bool) string {
	if !needsTermEscape(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			// A stray byte: 0x9b alone is CSI to a terminal that reads
			// 8-bit controls, so it is shown rather than passed on.
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case termUnsafe(r, multiline):
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsTermEscape reports whether termEscape would change s, so that the
// common clean string is returned without a copy.
func needsTermEscape(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || termUnsafe(r, multiline) {
			return true
		}
		i += size
	}
	return false
}

// termUnsafe reports the characters a terminal acts on or that reorder the
// line: C0 controls (ESC among them), DEL, the C1 controls U+0080–U+009F,
// the bidi embeddings and overrides U+202A–U+202E and isolates
// U+2066–U+2069, and the line and paragraph separators U+2028/U+2029.
func termUnsafe(r rune, multiline bool) bool {
	switch {
	case multiline && (r == '\n' || r == '\t'):
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}
