package whatsapp

// Hand-written scanner for the message header ("31/12/2023, 23:59 - ",
// "[1/29/18, 12:24:03 PM] ", …). It runs on every line of a file twice, so it
// works on the raw bytes, allocates nothing and rejects continuation lines on
// their first bytes. FORMATS.md §1.2 lists the grammar it accepts.

// Separator kinds between the time and the rest of the line.
const (
	sepBracket = iota // "] " (iOS)
	sepDash           // " - " (Android)
	sepColon          // ": " (legacy iOS, some hand-edited files)
	sepSpace          // a bare space ("13. 6. 2018. 21:25:15 a: m")
	numSeps
)

// Meridiem markers.
const (
	merNone = iota
	merAM
	merPM
)

// header is a parsed message header. The date components are kept in file
// order; which one is the day is decided once per file (see decideOrder).
type header struct {
	num     [3]int // date components as written
	ndig    [3]int // their digit counts
	yearIdx int    // index of the year component; -1 when not marked by an era/BE
	yearAdd [3]int // offset added to a component when it is the year (era base, -543 for BE)
	hour    int
	min     int
	sec     int
	mer     int
	sep     int
	dateSep byte
	rest    int  // offset in the line where the author/system text starts
	named   bool // the month is written as a name: num is day, month, year (0 when not written)
}

// invisLen returns the byte length of an invisible mark at line[i:] that is
// ignored inside headers (U+FEFF, U+200E, U+200F, U+061C), or 0.
func invisLen(line []byte, i int) int {
	if i+2 < len(line) {
		switch line[i] {
		case 0xEF:
			if line[i+1] == 0xBB && line[i+2] == 0xBF { // U+FEFF
				return 3
			}
		case 0xE2:
			if line[i+1] == 0x80 && (line[i+2] == 0x8E || line[i+2] == 0x8F) { // U+200E, U+200F
				return 3
			}
		}
	}
	if i+1 < len(line) && line[i] == 0xD8 && line[i+1] == 0x9C { // U+061C ARABIC LETTER MARK
		return 2
	}
	return 0
}

func skipInvis(line []byte, i int) int {
	for i < len(line) {
		if line[i] < 0x80 {
			return i
		}
		n := invisLen(line, i)
		if n == 0 {
			return i
		}
		i += n
	}
	return i
}

// spaceLen returns the byte length of a space-like character at line[i:]
// (space, NBSP, U+202F, U+2009), or 0.
func spaceLen(line []byte, i int) int {
	if i >= len(line) {
		return 0
	}
	switch line[i] {
	case ' ':
		return 1
	case 0xC2:
		if i+1 < len(line) && line[i+1] == 0xA0 {
			return 2
		}
	case 0xE2:
		if i+2 < len(line) && line[i+1] == 0x80 && (line[i+2] == 0xAF || line[i+2] == 0x89) {
			return 3
		}
	}
	return 0
}

// skipSpaces skips space-like characters and invisible marks.
func skipSpaces(line []byte, i int) int {
	for i < len(line) {
		if n := spaceLen(line, i); n > 0 {
			i += n
			continue
		}
		if n := invisLen(line, i); n > 0 {
			i += n
			continue
		}
		break
	}
	return i
}

// digitAt returns the value of an ASCII, Arabic-Indic (U+0660–0669) or
// Extended Arabic-Indic / Persian (U+06F0–06F9) digit at line[i:] and its
// byte length, or (-1, 0).
func digitAt(line []byte, i int) (int, int) {
	if i >= len(line) {
		return -1, 0
	}
	c := line[i]
	if c >= '0' && c <= '9' {
		return int(c - '0'), 1
	}
	if i+1 < len(line) {
		d := line[i+1]
		if c == 0xD9 && d >= 0xA0 && d <= 0xA9 {
			return int(d - 0xA0), 2
		}
		if c == 0xDB && d >= 0xB0 && d <= 0xB9 {
			return int(d - 0xB0), 2
		}
	}
	return -1, 0
}

// readNum reads 1 to max digits at line[i:]. ok is false when there is no
// digit or when more than max digits follow.
func readNum(line []byte, i, max int) (val, ndig, next int, ok bool) {
	for i < len(line) {
		d, n := int(line[i])-'0', 1
		if uint(d) > 9 {
			if line[i] < 0x80 {
				break
			}
			if d, n = digitAt(line, i); n == 0 {
				break
			}
		}
		if ndig == max {
			return 0, 0, i, false
		}
		val = val*10 + d
		ndig++
		i += n
	}
	return val, ndig, i, ndig > 0
}

// mayStartHeader is the fast reject: after invisible marks a header starts
// with '[', an ASCII digit or an Arabic-Indic digit.
func mayStartHeader(line []byte) bool {
	i := 0
	if len(line) > 0 && line[0] >= 0x80 {
		i = skipInvis(line, 0)
	}
	if i >= len(line) {
		return false
	}
	c := line[i]
	if c == '[' || (c >= '0' && c <= '9') {
		return true
	}
	_, n := digitAt(line, i)
	return n > 0
}

// eraBase returns the Gregorian year of year 0 of a Japanese era letter.
func eraBase(c byte) int {
	switch c {
	case 'R': // Reiwa
		return 2018
	case 'H': // Heisei
		return 1988
	case 'S': // Showa
		return 1925
	case 'T': // Taisho
		return 1911
	}
	return 0
}

// parseDate reads "N SEP N SEP N [BE] [.]" at line[i:].
func parseDate(line []byte, i int, h *header) (int, bool) {
	h.yearIdx = -1
	h.yearAdd = [3]int{}
	var sep byte
	for k := 0; k < 3; k++ {
		if k > 0 {
			i = skipInvis(line, i)
			if i >= len(line) {
				return i, false
			}
			c := line[i]
			if c != '/' && c != '.' && c != '-' {
				return i, false
			}
			if k == 1 {
				sep = c
			} else if c != sep {
				return i, false
			}
			i++
			i = skipInvis(line, i)
			for i < len(line) && line[i] == ' ' {
				i++
			}
			i = skipInvis(line, i)
		}
		if i < len(line) {
			if base := eraBase(line[i]); base != 0 && i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9' {
				if h.yearIdx >= 0 {
					return i, false
				}
				h.yearIdx = k
				h.yearAdd[k] = base
				i++
				v, n, next, ok := readNum(line, i, 2)
				if !ok {
					return i, false
				}
				h.num[k], h.ndig[k], i = v, n, next
				continue
			}
		}
		v, n, next, ok := readNum(line, i, 4)
		if !ok {
			return i, false
		}
		h.num[k], h.ndig[k], i = v, n, next
	}
	h.dateSep = sep
	// Buddhist calendar marker: " BE".
	if n := spaceLen(line, i); n > 0 && i+n+1 < len(line) && line[i+n] == 'B' && line[i+n+1] == 'E' &&
		(i+n+2 == len(line) || !isASCIILetter(line[i+n+2])) {
		if h.yearIdx < 0 {
			h.yearIdx = 2
			h.yearAdd[2] = -543
		}
		i += n + 2
	}
	return i, true
}

func isASCIILetter(c byte) bool {
	return (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

// skipDateTimeGap skips what sits between the date and the time: ", ",
// " ", "، " (Arabic comma), ". " (hr/sr), " klo " (fi), " saat " (tr).
func skipDateTimeGap(line []byte, i int) (int, bool) {
	start := i
	sawSep := false
	for i < len(line) && i-start < 24 {
		c := line[i]
		if n := spaceLen(line, i); n > 0 {
			i += n
			sawSep = true
			continue
		}
		if n := invisLen(line, i); n > 0 {
			i += n
			continue
		}
		if c == ',' || c == '.' {
			i++
			sawSep = true
			continue
		}
		if c == 0xD8 && i+1 < len(line) && line[i+1] == 0x8C { // U+060C ARABIC COMMA
			i += 2
			sawSep = true
			continue
		}
		if isASCIILetter(c) && sawSep {
			// A word such as "klo" or "saat" between spaces.
			j := i
			for j < len(line) && (isASCIILetter(line[j]) || line[j] == '.') && j-i < 6 {
				j++
			}
			if spaceLen(line, j) == 0 {
				return i, false
			}
			i = j
			continue
		}
		break
	}
	return i, sawSep
}

// parseTime reads "H:MM[:SS]" or "H.MM[.SS]" and an optional meridiem.
func parseTime(line []byte, i int, h *header) (int, bool) {
	v, _, next, ok := readNum(line, i, 2)
	if !ok || next >= len(line) {
		return i, false
	}
	h.hour = v
	i = next
	sep := line[i]
	if sep != ':' && sep != '.' {
		return i, false
	}
	i++
	v, n, next, ok := readNum(line, i, 2)
	if !ok || n != 2 {
		return i, false
	}
	h.min = v
	i = next
	h.sec = 0
	if i+1 < len(line) && line[i] == sep {
		if v, n, next, ok := readNum(line, i+1, 2); ok && n == 2 {
			h.sec = v
			i = next
		}
	}
	h.mer = merNone
	if mer, next := parseMeridiem(line, i); mer != merNone {
		h.mer = mer
		i = next
	}
	return i, true
}

// parseMeridiem matches, after optional spaces, AM/PM in the forms "AM",
// "am", "a.m.", "a. m." (NBSP possible inside), the Arabic "ص"/"م", and the
// CJK/Korean "午前/午後", "오전/오후". Greedy: it runs before the author is
// looked for, so a legacy "1:46:01 PM: Name: text" never gets author "PM".
func parseMeridiem(line []byte, i int) (int, int) {
	j := i
	for k := 0; k < 3; k++ {
		n := spaceLen(line, j)
		if n == 0 {
			break
		}
		j += n
	}
	if j >= len(line) {
		return merNone, i
	}
	c := line[j]
	switch {
	case c == 'a' || c == 'A' || c == 'p' || c == 'P':
		mer := merAM
		if c == 'p' || c == 'P' {
			mer = merPM
		}
		k := j + 1
		if k < len(line) && line[k] == '.' {
			k++
		}
		for {
			n := spaceLen(line, k)
			if n == 0 {
				break
			}
			k += n
		}
		if k >= len(line) || (line[k] != 'm' && line[k] != 'M') {
			return merNone, i
		}
		k++
		if k < len(line) && line[k] == '.' {
			k++
		}
		if k < len(line) && isASCIILetter(line[k]) {
			return merNone, i
		}
		return mer, k
	case c == 0xD9 && j+1 < len(line) && line[j+1] == 0x85: // م
		return merPM, j + 2
	case c == 0xD8 && j+1 < len(line) && line[j+1] == 0xB5: // ص
		return merAM, j + 2
	case c == 0xE5 && j+5 < len(line) && line[j+1] == 0x8D && line[j+2] == 0x88 && line[j+3] == 0xE5:
		if line[j+4] == 0x89 && line[j+5] == 0x8D { // 午前
			return merAM, j + 6
		}
		if line[j+4] == 0xBE && line[j+5] == 0x8C { // 午後
			return merPM, j + 6
		}
	case c == 0xEC && j+5 < len(line) && line[j+1] == 0x98 && line[j+2] == 0xA4:
		if line[j+3] == 0xEC && line[j+4] == 0xA0 && line[j+5] == 0x84 { // 오전
			return merAM, j + 6
		}
		if line[j+3] == 0xED && line[j+4] == 0x9B && line[j+5] == 0x84 { // 오후
			return merPM, j + 6
		}
	}
	return merNone, i
}

// parseHeader reports whether line starts with a message header and fills h.
// A header needs a full date, a full time and a separator; a line such as
// "2016-04-29 10:30:00" (no separator, no text) is not one.
func parseHeader(line []byte, h *header) bool {
	ok, _ := parseHeaderAt(line, h)
	return ok
}

// parseHeaderAt is parseHeader that also returns where the time starts in
// a date-first header (0 for time-first ones), for headerCache.
func parseHeaderAt(line []byte, h *header) (bool, int) {
	h.named = false
	if !mayStartHeader(line) {
		if startsWithMonth(line) { // "Mar 5, 8:11 PM - "
			return parseDateFirst(line, skipInvis(line, 0), false, h, true)
		}
		return false, 0
	}
	i := skipInvis(line, 0)
	bracket := line[i] == '['
	if bracket {
		i = skipInvis(line, i+1)
	}
	var ok bool
	if timeFirst(line, i) {
		// vi-VN iOS "[14:56:01, 3/18/22] ", and "19:23, 28 Aug 2013 - "
		if i, ok = parseTime(line, i, h); !ok {
			return false, 0
		}
		i = skipInvis(line, i)
		if i >= len(line) || line[i] != ',' {
			return false, 0
		}
		i = skipSpaces(line, i+1)
		if i >= len(line) {
			return false, 0
		}
		j, ok := parseDate(line, i, h)
		if !ok {
			if j, ok = parseNamedDate(line, i, h); !ok {
				return false, 0
			}
		} else if !bracket {
			return false, 0
		}
		i = j
		if i < len(line) && line[i] == '.' {
			i++
		}
		return parseSeparator(line, i, bracket, h), 0
	}
	return parseDateFirst(line, i, bracket, h, false)
}

// parseDateFirst parses a header that starts with its date at line[i:]: a
// numeric one, else (or when named) one with the month's name ("18 Mar 12:14 - ").
func parseDateFirst(line []byte, i int, bracket bool, h *header, named bool) (bool, int) {
	j, ok := i, false
	if !named {
		j, ok = parseDate(line, i, h)
	}
	if !ok {
		if j, ok = parseNamedDate(line, i, h); !ok {
			return false, 0
		}
	}
	if j, ok = skipDateTimeGap(line, j); !ok {
		return false, 0
	}
	return parseTimeAndSeparator(line, j, bracket, h), j
}

// parseTimeAndSeparator parses the time at line[i:] and what follows it.
func parseTimeAndSeparator(line []byte, i int, bracket bool, h *header) bool {
	i, ok := parseTime(line, i, h)
	if !ok {
		return false
	}
	return parseSeparator(line, i, bracket, h)
}

// parseSeparator parses what follows the time (or the date of a time-first
// header): "] ", " - ", ": " or a bare space, and sets h.sep and h.rest.
func parseSeparator(line []byte, i int, bracket bool, h *header) bool {
	i = skipInvis(line, i)
	if bracket {
		i = skipSpaces(line, i)
		if i >= len(line) || line[i] != ']' {
			return false
		}
		i++
		if n := spaceLen(line, i); n > 0 {
			i += n
		}
		h.sep, h.rest = sepBracket, i
		return true
	}
	if i+2 < len(line) && line[i] == ' ' && line[i+1] == '-' && line[i+2] == ' ' {
		h.sep, h.rest = sepDash, i+3
		return true
	}
	if i+1 == len(line)-1 && line[i] == ' ' && line[i+1] == '-' { // " -" with nothing after
		h.sep, h.rest = sepDash, len(line)
		return true
	}
	if i < len(line) && line[i] == ':' {
		if i+1 == len(line) {
			h.sep, h.rest = sepColon, len(line)
			return true
		}
		if n := spaceLen(line, i+1); n > 0 {
			h.sep, h.rest = sepColon, i+1+n
			return true
		}
		return false
	}
	if n := spaceLen(line, i); n > 0 {
		j := skipSpaces(line, i+n)
		if j < len(line) {
			h.sep, h.rest = sepSpace, i+n
			return true
		}
	}
	return false
}

// headerCache speeds up parseHeader on real files, where most headers
// repeat the date of the header before: when a line starts with the same
// bytes up to the time as the last date-first header, only the time and
// the separator are parsed. The result is the same as parseHeader's.
type headerCache struct {
	prefix  []byte // the last header's bytes from the line start to the time
	date    header // its date fields
	bracket bool
}

// sameDate reports whether line starts with the date of the last
// date-first header (and so may be a header with an already known date).
func (c *headerCache) sameDate(line []byte) bool {
	n := len(c.prefix)
	return n > 0 && len(line) > n && line[0] == c.prefix[0] && string(line[:n]) == string(c.prefix)
}

func (c *headerCache) parse(line []byte, h *header) bool {
	if c.sameDate(line) {
		h.num, h.ndig, h.yearIdx, h.yearAdd, h.dateSep, h.named = c.date.num, c.date.ndig, c.date.yearIdx, c.date.yearAdd, c.date.dateSep, c.date.named
		if parseTimeAndSeparator(line, len(c.prefix), c.bracket, h) {
			return true
		}
	}
	ok, timeAt := parseHeaderAt(line, h)
	if ok && timeAt > 0 {
		c.prefix = append(c.prefix[:0], line[:timeAt]...)
		c.date = *h
		c.bracket = line[skipInvis(line, 0)] == '['
	}
	return ok
}

// timeFirst reports whether line[i:] starts with "H:" (a time, not a date).
func timeFirst(line []byte, i int) bool {
	_, _, next, ok := readNum(line, i, 2)
	return ok && next < len(line) && line[next] == ':'
}
