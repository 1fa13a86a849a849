package whatsapp

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// What an entry is comes from its text, looked up in the language tables
// (entries.go, locales/). U+200E and U+200F never decide it: WhatsApp puts
// them before its notices, but also before media placeholders, attachments,
// deleted notices, locations and some plain texts, which are the author's
// own messages (FORMATS.md §1.3–1.4). The marks only allow the vaguer
// notice patterns ("{} left", "{} added {}") to match, since people type
// such sentences too.

// maxEntryBytes bounds the first line that is looked up in the tables: no
// WhatsApp text is longer (a group subject is at most 100 characters).
const maxEntryBytes = 2048

var (
	lrm = []byte("\u200e")
	rlm = []byte("\u200f")
)

// classified is the outcome of classify.
type classified struct {
	kind        chat.Kind
	body        []byte // slice of the input, or of scratch
	attachments []string
	edited      bool
	system      bool // a WhatsApp notice or a call event: not a message
}

// classifier classifies message bodies with reusable scratch space.
type classifier struct {
	m  *entryMatcher
	nb normBuf
}

func newClassifier() *classifier {
	return &classifier{m: entries()}
}

// marked reports whether b starts (after spaces) with U+200E or U+200F, the
// mark WhatsApp puts before its own texts.
func marked(b []byte) bool {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return bytes.HasPrefix(b[i:], lrm) || bytes.HasPrefix(b[i:], rlm)
}

// mayMatchEnd and mayMatchStart are the two halves of mayMatch for a
// body's first line as the reader sees it (the header line's rest after the
// author): the reader and the builder each take one, on their own cores.
func (m *entryMatcher) mayMatchEnd(first []byte) bool {
	fl := trimTrailing(trimLeadingMarks(first))
	if len(fl) == 0 || len(fl) > maxEntryBytes {
		return false
	}
	if m.infixAlways || (marked(first) && len(m.infix) > 0) {
		return true
	}
	return m.tailMayMatch(fl)
}

func (m *entryMatcher) mayMatchStart(first []byte) bool {
	fl := trimTrailing(trimLeadingMarks(first))
	return len(fl) > 0 && len(fl) <= maxEntryBytes && m.headMayMatch(fl)
}

// notice reports whether a whole authorless-looking text is a WhatsApp
// notice or call line, for lines whose text holds ": " without an author
// (`You changed the subject from "A: B" to "C"`).
func (c *classifier) notice(text []byte) bool {
	if len(text) > maxEntryBytes || !c.m.mayMatch(text, true) {
		return false
	}
	c.nb.run(text, true, true, false)
	p, _ := c.m.find(c.nb.out, matchOpts{notices: true})
	return p != nil && (p.class == classNotice || p.class == classCall)
}

// classify decides the kind of a message body and strips the export's own
// markers. firstLen is the length of the body's first line; maybe is false
// when mayMatch (or its halves) ruled the first line out, so the tables
// are not searched. The returned body aliases body.
func (c *classifier) classify(body []byte, firstLen int, maybe bool) classified {
	out := classified{kind: chat.KindText}
	b := body
	isMarked := marked(b)

	// Edited marker at the end of the last line: "… <This message was edited>".
	if t := trimTrailingLines(b); len(t) > 0 && t[len(t)-1] == '>' {
		if open := bytes.LastIndexByte(t, '<'); open >= 0 && len(t)-open <= 256 {
			c.nb.out = editedKey(c.nb.out, t[open:])
			if c.m.edited[string(c.nb.out)] {
				out.edited = true
				maybe = true // the first line the reader judged has changed
				b = trimTrailing(t[:open])
				if firstLen > len(b) {
					firstLen = len(b)
				}
			}
		}
	}

	first, caption := b, []byte(nil)
	if firstLen < len(b) {
		first, caption = b[:firstLen], b[firstLen+1:]
	}
	hasCaption := len(bytes.TrimSpace(caption)) > 0
	fl := trimTrailing(trimLeadingMarks(first))

	if maybe && len(fl) > 0 && len(fl) <= maxEntryBytes {
		c.nb.run(fl, true, true, false)
		if p, sp := c.m.find(c.nb.out, matchOpts{notices: isMarked}); p != nil {
			if p.class == classAttached || p.class == classDocument {
				// The file name is taken from the raw text: normalise again,
				// this time noting where each byte came from.
				c.nb.run(fl, true, true, true)
				_, sp = c.m.find(c.nb.out, matchOpts{notices: isMarked})
			}
			switch p.class {
			case classNotice, classCall:
				if !hasCaption {
					out.kind, out.system = chat.KindSystem, true
					if p.class == classCall {
						out.kind = chat.KindCall
					}
					out.body = withoutMarks(fl)
					return out
				}
			case classDeleted:
				if !hasCaption {
					// A "deleted" sentence followed by more lines was typed by someone.
					out.kind, out.body = chat.KindDeleted, withoutMarks(fl)
					return out
				}
			case classMedia, classDocument, classAttached:
				out.kind = chat.KindMedia
				var name []byte
				switch p.class {
				case classAttached:
					name = c.nb.raw(fl, sp.lastStart, sp.lastEnd)
				case classDocument:
					name = c.nb.raw(fl, sp.firstStart, sp.firstEnd)
					if i := bytes.Index(name, []byte("\u2022")); i >= 0 {
						name = name[:i] // "Resume.pdf • 2 pages"
					}
				}
				if n := baseName(name); n != "" {
					out.attachments = []string{n}
				}
				if hasCaption {
					out.body = caption
				} else {
					out.body = withoutMarks(fl)
				}
				return out
			case classLocation:
				out.body = trimLeadingMarks(b)
				return out
			}
		}
	}
	if len(fl) > 0 {
		// Files of the export in a language the tables lack: the names
		// WhatsApp gives media files are the same everywhere.
		if name, ok := exportFileName(fl); ok {
			out.kind = chat.KindMedia
			if n := baseName(name); n != "" {
				out.attachments = []string{n}
			}
			if hasCaption {
				out.body = caption
			} else {
				out.body = withoutMarks(fl)
			}
			return out
		}
	}
	out.body = trimLeadingMarks(b)
	return out
}

// exportFileName recognises, whatever the language of the words around it,
// a line naming a media file of the export: "<WORD: 00000148-VIDEO-….mp4>"
// (iOS) or "IMG-20220323-WA0002.jpg (WORDS)" (Android).
func exportFileName(fl []byte) ([]byte, bool) {
	if len(fl) < 8 {
		return nil, false
	}
	switch fl[len(fl)-1] {
	case '>':
		open := bytes.LastIndexByte(fl, '<')
		colon := bytes.IndexByte(fl[max(open, 0):], ':')
		if open < 0 || colon < 0 {
			return nil, false
		}
		name := bytes.TrimSpace(trimLeadingMarks(bytes.TrimSpace(fl[open+colon+1 : len(fl)-1])))
		if iosMediaName(name) {
			return name, true
		}
	case ')':
		open := bytes.LastIndexByte(fl, '(')
		if open <= 0 {
			return nil, false
		}
		name := bytes.TrimSpace(trimLeadingMarks(fl[:open]))
		if androidMediaName(name) {
			return name, true
		}
	}
	return nil, false
}

// iosMediaName matches "00000148-VIDEO-2022-03-27-21-41-55.mp4" and
// "00000042-TR.vcf": eight digits, a dash, a name with an extension.
func iosMediaName(b []byte) bool {
	if len(b) < 12 || b[8] != '-' {
		return false
	}
	for _, c := range b[:8] {
		if c < '0' || c > '9' {
			return false
		}
	}
	dot := bytes.LastIndexByte(b, '.')
	return dot > 9 && dot < len(b)-1
}

// androidMediaName matches "IMG-20220323-WA0002.jpg", "PTT-…-WA0000.opus",
// "STK-…", "VID-…", "AUD-…", "DOC-…".
func androidMediaName(b []byte) bool {
	if len(b) < 20 || b[3] != '-' || b[12] != '-' || !bytes.HasPrefix(b[13:], []byte("WA")) {
		return false
	}
	switch string(b[:3]) {
	case "IMG", "VID", "PTT", "STK", "AUD", "DOC":
	default:
		return false
	}
	for _, c := range b[4:12] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return bytes.IndexByte(b[13:], '.') > 0
}

// trimLeadingMarks drops U+200E, U+200F, U+061C and U+FEFF at the start of b.
func trimLeadingMarks(b []byte) []byte {
	return b[skipInvis(b, 0):]
}

// trimTrailing drops spaces, tabs and invisible marks at the end of b.
func trimTrailing(b []byte) []byte {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c == ' ' || c == '\t' {
			b = b[:len(b)-1]
			continue
		}
		if len(b) >= 3 && b[len(b)-3] == 0xE2 && b[len(b)-2] == 0x80 && (c == 0x8E || c == 0x8F || c == 0xAF) {
			b = b[:len(b)-3]
			continue
		}
		if len(b) >= 2 && b[len(b)-2] == 0xC2 && c == 0xA0 {
			b = b[:len(b)-2]
			continue
		}
		break
	}
	return b
}

// trimTrailingLines is trimTrailing that also drops line breaks.
func trimTrailingLines(b []byte) []byte {
	for {
		t := trimTrailing(b)
		if len(t) > 0 && (t[len(t)-1] == '\n' || t[len(t)-1] == '\r') {
			b = t[:len(t)-1]
			continue
		}
		return t
	}
}

// withoutMarks removes every U+200E and U+200F of a line such as
// "<\u200eimage omitted>" (copying only when there is one).
func withoutMarks(b []byte) []byte {
	if bytes.Contains(b, lrm) {
		b = bytes.ReplaceAll(b, lrm, nil)
	}
	if bytes.Contains(b, rlm) {
		b = bytes.ReplaceAll(b, rlm, nil)
	}
	return b
}

// baseName keeps the last path element of a file name found in a message,
// so that a name can never point outside the export ("../../x" → "x").
func baseName(name []byte) string {
	if i := bytes.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = withoutMarks(name)
	s := string(bytes.TrimSpace(name))
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\x00", "")
	if s == "." || s == ".." {
		return ""
	}
	return s
}
