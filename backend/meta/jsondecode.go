package meta

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// decoder is a JSON reader made for thread files, about five times faster
// than encoding/json into structs: it decodes the few fields it knows in
// one pass, repairs mojibake while it unescapes (Meta writes "\u00c3\u00a9",
// so the bytes are at hand), interns the strings that repeat on every
// message (sender names, reaction emoji, types), and validates everything
// it skips, so a file is accepted exactly when it is valid JSON (RFC 8259)
// of the right shape.
//
// Keys match exactly (Meta's are lower-case snake or camelCase), unlike
// encoding/json's case-insensitive match. A known field with a value of the
// wrong type is skipped as if absent rather than failing the whole file.
// Invalid UTF-8 and lone surrogates become U+FFFD, as in encoding/json.
type decoder struct {
	data    []byte
	pos     int
	err     *syntaxError
	depth   int
	buf     []byte            // scratch for unescaping
	latin   []byte            // scratch for the mojibake repair
	interns map[string]string // raw string bytes → repaired value
}

// syntaxError is a decoding error at a byte offset.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string { return e.msg }

// maxJSONDepth bounds nesting, as encoding/json does.
const maxJSONDepth = 10000

func (d *decoder) fail(format string, args ...any) bool {
	if d.err == nil {
		d.err = &syntaxError{msg: fmt.Sprintf(format, args...), offset: d.pos}
	}
	return false
}

// unexpected records an error for the byte at d.pos. A NUL byte is named
// with its offset: it is what a zero-filled tail (a download cut short, a
// preallocated file) leaves, and on a one-line file the line says little.
func (d *decoder) unexpected(context string) bool {
	if d.pos >= len(d.data) {
		return d.fail("unexpected end of JSON input")
	}
	if d.data[d.pos] == 0 {
		return d.fail("invalid NUL byte at offset %d %s", d.pos, context)
	}
	return d.fail("invalid character %s %s", quoteByte(d.data[d.pos]), context)
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	return strconv.QuoteRune(rune(c))
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end. A NUL byte in the
// data also reads as 0, which matches no token, so callers that need the
// end itself (the top level) test d.pos rather than compare with 0.
func (d *decoder) peek() byte {
	d.ws()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

// object calls field for each key of the object at d.pos; field must
// consume the value.
func (d *decoder) object(field func(key []byte) bool) bool {
	if d.peek() != '{' {
		return d.unexpected("looking for beginning of object")
	}
	d.pos++
	if d.depth++; d.depth > maxJSONDepth {
		return d.fail("exceeded max depth")
	}
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return true
	}
	for {
		if d.peek() != '"' {
			return d.unexpected("looking for beginning of object key string")
		}
		key, ok := d.rawKey()
		if !ok {
			return false
		}
		if d.peek() != ':' {
			return d.unexpected("after object key")
		}
		d.pos++
		if !field(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return true
		default:
			return d.unexpected("after object key:value pair")
		}
	}
}

// array calls elem for each element of the array at d.pos.
func (d *decoder) array(elem func() bool) bool {
	if d.peek() != '[' {
		return d.unexpected("looking for beginning of array")
	}
	d.pos++
	if d.depth++; d.depth > maxJSONDepth {
		return d.fail("exceeded max depth")
	}
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return true
		default:
			return d.unexpected("after array element")
		}
	}
}

// rawKey reads a key; keys with escapes are unescaped (into d.buf, valid
// until the next string).
func (d *decoder) rawKey() ([]byte, bool) {
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.data[start:i], true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	s, ok := d.str(false)
	return []byte(s), ok
}

// skip validates and skips any value.
func (d *decoder) skip() bool {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) bool { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		_, _, ok := d.strEnd()
		return ok
	case c == '-' || ('0' <= c && c <= '9'):
		_, ok := d.number()
		return ok
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	return d.unexpected("looking for beginning of value")
}

func (d *decoder) literal(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != lit[i] {
			return d.unexpected("in literal " + lit + " (expecting " + quoteByte(lit[i]) + ")")
		}
		d.pos++
	}
	return true
}

// strEnd validates a string at d.pos and moves past it, returning the raw
// bytes between the quotes and whether they are plain (no escape, no byte
// above ASCII: the raw bytes are the value).
func (d *decoder) strEnd() (raw []byte, plain, ok bool) {
	start := d.pos + 1
	i := start
	plain = true
	data := d.data
	for i < len(data) {
		c := data[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c >= utf8.RuneSelf {
				plain = false
			}
			i++
			continue
		}
		switch {
		case c == '"':
			d.pos = i + 1
			return data[start:i], plain, true
		case c == '\\':
			plain = false
			if i+1 >= len(data) {
				d.pos = len(data)
				return nil, false, d.unexpected("in string escape code")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if i+k >= len(data) || !isHex(data[i+k]) {
						d.pos = i + k
						return nil, false, d.unexpected("in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				d.pos = i + 1
				return nil, false, d.unexpected("in string escape code")
			}
		default: // a control character
			d.pos = i
			return nil, false, d.unexpected("in string literal")
		}
	}
	d.pos = len(data)
	return nil, false, d.fail("unexpected end of JSON input")
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func hexVal(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		default:
			r = r<<4 | rune(c-'A'+10)
		}
	}
	return r
}

// str reads a string value; with fix, the FixMojibake repair is applied.
func (d *decoder) str(fix bool) (string, bool) {
	raw, plain, ok := d.strEnd()
	if !ok {
		return "", false
	}
	if plain {
		return string(raw), true
	}
	return d.unescape(raw, fix), true
}

// strInterned is str(true) through the intern table: for strings that
// repeat (names, emoji, types), each distinct raw value is decoded once.
func (d *decoder) strInterned() (string, bool) {
	raw, _, ok := d.strEnd()
	if !ok {
		return "", false
	}
	if v, ok := d.interns[string(raw)]; ok {
		return v, true
	}
	v := d.unescape(raw, true)
	if d.interns == nil {
		d.interns = make(map[string]string, 16)
	}
	if len(d.interns) < 4096 {
		d.interns[string(raw)] = v
	}
	return v, true
}

// unescape decodes the validated raw bytes of a string. With fix, when all
// code points are ≤ U+00FF and some are ≥ U+0080, the code points taken as
// bytes replace the string if they are valid UTF-8 (FixMojibake's rule).
func (d *decoder) unescape(raw []byte, fix bool) string {
	out := d.buf[:0]
	latin := d.latin[:0]
	allLatin, high := true, false
	put := func(r rune) {
		out = utf8.AppendRune(out, r)
		if r > 0xFF {
			allLatin = false
		} else {
			latin = append(latin, byte(r))
			if r >= 0x80 {
				high = true
			}
		}
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			switch raw[i+1] {
			case 'u':
				r := hexVal(raw[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						r2 = hexVal(raw[i+2 : i+6])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				put(r)
			case 'b':
				put('\b')
				i += 2
			case 'f':
				put('\f')
				i += 2
			case 'n':
				put('\n')
				i += 2
			case 'r':
				put('\r')
				i += 2
			case 't':
				put('\t')
				i += 2
			default: // '"', '\\', '/'
				put(rune(raw[i+1]))
				i += 2
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			latin = append(latin, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			put(r) // RuneError for invalid bytes, as encoding/json
			i += size
		}
	}
	d.buf, d.latin = out, latin
	if fix && allLatin && high && utf8.Valid(latin) {
		return string(latin)
	}
	return string(out)
}

// number reads a JSON number and returns it as float64.
func (d *decoder) number() (float64, bool) {
	start := d.pos
	i := d.pos
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if digits() == 0 {
		d.pos = i
		return 0, d.unexpected("in numeric literal")
	}
	simple := true
	if i < len(d.data) && d.data[i] == '.' {
		simple = false
		i++
		if digits() == 0 {
			d.pos = i
			return 0, d.unexpected("after decimal point in numeric literal")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		simple = false
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			return 0, d.unexpected("in exponent of numeric literal")
		}
	}
	d.pos = i
	lit := d.data[start:i]
	if simple && len(lit) <= 18 {
		n, neg := int64(0), false
		for _, c := range lit {
			if c == '-' {
				neg = true
				continue
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		// out of range: valid JSON, an unusable value
		return 0, true
	}
	return f, true
}

// optString reads a string, or skips a value of another type (null, a
// number) and returns "".
func (d *decoder) optString(intern bool) (string, bool) {
	if d.peek() != '"' {
		return "", d.skip()
	}
	if intern {
		return d.strInterned()
	}
	return d.str(true)
}

// optNumber reads a number, or skips another value and returns 0.
func (d *decoder) optNumber() (float64, bool) {
	c := d.peek()
	if c == '-' || ('0' <= c && c <= '9') {
		return d.number()
	}
	return 0, d.skip()
}

// optBool reads true/false, or skips another value and returns false.
func (d *decoder) optBool() (bool, bool) {
	switch d.peek() {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	}
	return false, d.skip()
}

// optArray runs array when the value is an array, else skips it.
func (d *decoder) optArray(elem func() bool) bool {
	if d.peek() != '[' {
		return d.skip()
	}
	return d.array(elem)
}

// optObject runs object when the value is an object, else skips it.
func (d *decoder) optObject(field func(key []byte) bool) bool {
	if d.peek() != '{' {
		return d.skip()
	}
	return d.object(field)
}

// jsonFile is what one thread file holds.
type jsonFile struct {
	participants []string
	hasMessages  bool
	msgs         []chat.Message
	title        string
	threadName   string
	threadPath   string
}

// rawMessage holds the fields of one message while it is read; one value
// is reused for every message of a file.
type rawMessage struct {
	sender       string
	ts           float64
	content      string
	typ          string
	unsent       bool
	missed       bool
	share        bool
	shareLink    string
	shareText    string
	callDuration float64
	users        []string
	atts         []string
	reactions    []chat.Reaction
}

func (r *rawMessage) reset() {
	*r = rawMessage{users: r.users[:0], atts: r.atts[:0], reactions: r.reactions[:0]}
}

// decodeThread reads a whole thread file, in either schema (FORMATS.md
// §2.2, §2.7: DYI snake_case and E2EE camelCase share one reader).
func decodeThread(data []byte) (jsonFile, *syntaxError) {
	d := decoder{data: data}
	if bytes.HasPrefix(data, utf8BOM) {
		// a BOM can precede the JSON (§2.4); skipped here rather than cut
		// off so that error offsets count the file's own bytes
		d.pos = len(utf8BOM)
	}
	var f jsonFile
	var r rawMessage
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "participants":
			return d.optArray(func() bool {
				switch d.peek() {
				case '"':
					s, ok := d.strInterned()
					f.participants = append(f.participants, s)
					return ok
				case '{':
					return d.object(func(k []byte) bool {
						if string(k) == "name" {
							s, ok := d.optString(true)
							f.participants = append(f.participants, s)
							return ok
						}
						return d.skip()
					})
				}
				return d.skip()
			})
		case "messages":
			if d.peek() != '[' {
				return d.skip()
			}
			f.hasMessages = true
			if f.msgs == nil {
				// a guess from the size: ~250 bytes a message
				f.msgs = make([]chat.Message, 0, min(len(data)/200+1, 20000))
			}
			return d.array(func() bool {
				if d.peek() != '{' {
					return d.skip()
				}
				r.reset()
				if !d.message(&r) {
					return false
				}
				f.msgs = append(f.msgs, chat.Message{})
				r.convert(&f.msgs[len(f.msgs)-1])
				return true
			})
		case "title":
			s, ok := d.optString(false)
			f.title = s
			return ok
		case "threadName":
			s, ok := d.optString(false)
			f.threadName = s
			return ok
		case "thread_path":
			s, ok := d.optString(false)
			f.threadPath = s
			return ok
		}
		return d.skip()
	})
	if ok {
		if d.ws(); d.pos < len(d.data) {
			ok = d.unexpected("after top-level value")
		}
	}
	if !ok {
		return f, d.err
	}
	return f, nil
}

// message reads the fields of one message object into r.
func (d *decoder) message(r *rawMessage) bool {
	var ts, tsE2EE float64
	var content, text string
	var unsent, unsentE2EE bool
	ok := d.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "sender_name", "senderName":
			var s string
			s, ok = d.optString(true)
			if s != "" || r.sender == "" {
				r.sender = s
			}
		case "timestamp_ms":
			ts, ok = d.optNumber()
		case "timestamp": // E2EE, milliseconds
			tsE2EE, ok = d.optNumber()
		case "content":
			content, ok = d.optString(false)
		case "text": // E2EE
			text, ok = d.optString(false)
		case "type":
			r.typ, ok = d.optString(true)
		case "is_unsent":
			unsent, ok = d.optBool()
		case "isUnsent":
			unsentE2EE, ok = d.optBool()
		case "photos", "videos", "audio_files", "files", "gifs", "media":
			ok = d.optArray(func() bool { return d.uriObject(r) })
		case "sticker":
			ok = d.uriObject(r)
		case "share":
			ok = d.optObject(func(k []byte) bool {
				var ok bool
				switch string(k) {
				case "link":
					r.shareLink, ok = d.optString(false)
				case "share_text":
					r.shareText, ok = d.optString(false)
				default:
					ok = d.skip()
				}
				return ok
			})
			r.share = r.shareLink != "" || r.shareText != ""
		case "reactions":
			ok = d.optArray(func() bool {
				var re chat.Reaction
				ok := d.optObject(func(k []byte) bool {
					var ok bool
					switch string(k) {
					case "reaction":
						re.Emoji, ok = d.optString(true)
					case "actor":
						re.Actor, ok = d.optString(true)
					default:
						ok = d.skip()
					}
					return ok
				})
				if re.Emoji != "" || re.Actor != "" {
					r.reactions = append(r.reactions, re)
				}
				return ok
			})
		case "call_duration":
			r.callDuration, ok = d.optNumber()
		case "missed":
			r.missed, ok = d.optBool()
		case "users":
			ok = d.optArray(func() bool {
				return d.optObject(func(k []byte) bool {
					if string(k) == "name" {
						s, ok := d.optString(true)
						if s != "" {
							r.users = append(r.users, s)
						}
						return ok
					}
					return d.skip()
				})
			})
		default:
			ok = d.skip()
		}
		return ok
	})
	r.ts = ts
	if r.ts == 0 {
		r.ts = tsE2EE
	}
	r.content = content
	if r.content == "" {
		r.content = text
	}
	r.unsent = unsent || unsentE2EE
	return ok
}

// uriObject reads {"uri": …} (other keys skipped) and keeps the base name.
func (d *decoder) uriObject(r *rawMessage) bool {
	return d.optObject(func(k []byte) bool {
		if string(k) != "uri" {
			return d.skip()
		}
		s, ok := d.optString(false)
		if b := baseName(s); b != "" {
			r.atts = append(r.atts, b)
		}
		return ok
	})
}
