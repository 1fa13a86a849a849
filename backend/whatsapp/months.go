package whatsapp

// Month names in headers. A few exports write the date with the month's
// name instead of its number, some with no year at all:
//
//	19:23, 28 Aug 2013 - Name: text     time first, day, month, year
//	Mar 5, 8:11 PM - Name: text         month, day, no year
//	18 Mar 12:14 - Name: text           day, month, no year
//
// A year that is not written is found from the file itself: the entries of
// an export are in time order, so a date earlier than the one before it is
// a new year, and the last entry was written before the export was made.

// monthNames maps lower-case month names and abbreviations (without a final
// '.') to month numbers. English, and the abbreviations of the languages
// whose exports use the Latin script, where they do not clash.
var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
	// de, nl, fr, es, it, pt (abbreviations and full names that differ from English).
	"januar": 1, "jänner": 1, "februar": 2, "mär": 3, "märz": 3, "mai": 5, "juni": 6, "juli": 7,
	"okt": 10, "oktober": 10, "dez": 12, "dezember": 12,
	"mrt": 3, "maart": 3, "mei": 5, "januari": 1, "februari": 2, "augustus": 8,
	"janv": 1, "janvier": 1, "févr": 2, "février": 2, "mars": 3, "avr": 4, "avril": 4,
	"juin": 6, "juil": 7, "juillet": 7, "août": 8, "déc": 12, "décembre": 12,
	"ene": 1, "enero": 1, "febrero": 2, "marzo": 3, "abr": 4, "abril": 4, "mayo": 5,
	"junio": 6, "julio": 7, "ago": 8, "agosto": 8, "septiembre": 9, "octubre": 10,
	"noviembre": 11, "dic": 12, "diciembre": 12,
	"gen": 1, "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "mag": 5, "giu": 6,
	"giugno": 6, "lug": 7, "luglio": 7, "set": 9, "settembre": 9, "ott": 10, "ottobre": 10,
	"dicembre": 12,
	"fev":      2, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
	"out": 10, "outubro": 10, "novembro": 11, "dezembro": 12, "janeiro": 1,
}

// monthAt reads a month name at line[i:] ("Aug", "aug.", "août") and
// returns its number and the offset after it (and after a final '.').
func monthAt(line []byte, i int) (int, int) {
	var buf [16]byte
	n, j := 0, i
	for j < len(line) && n < len(buf)-3 {
		c := line[j]
		switch {
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z':
			buf[n] = c
		case c == 0xC3 && j+1 < len(line) && line[j+1] >= 0x80 && line[j+1] <= 0xBF: // é, ä, û, ç (and their capitals)
			d := line[j+1]
			if d >= 0x80 && d <= 0x9E {
				d += 0x20
			}
			buf[n], buf[n+1] = c, d
			n += 2
			j += 2
			continue
		default:
			goto done
		}
		n++
		j++
	}
done:
	if n < 3 {
		return 0, i
	}
	m, ok := monthNames[string(buf[:n])]
	if !ok {
		return 0, i
	}
	if j < len(line) && line[j] == '.' {
		j++
	}
	return m, j
}

// startsWithMonth reports whether line (after invisible marks) starts with
// a month name followed by a space and a digit: "Mar 5, …".
func startsWithMonth(line []byte) bool {
	i := skipInvis(line, 0)
	if i >= len(line) || !isASCIILetter(line[i]) {
		return false
	}
	m, j := monthAt(line, i)
	if m == 0 {
		return false
	}
	n := spaceLen(line, j)
	return n > 0 && j+n < len(line) && line[j+n] >= '0' && line[j+n] <= '9'
}

// parseNamedDate reads "D Mon[.] [YYYY]" or "Mon D[,] [YYYY]" at line[i:]
// into h (num = day, month, year; year 0 when not written). A number after
// the month that is followed by ':' or '.' and digits is the time, not a year.
func parseNamedDate(line []byte, i int, h *header) (int, bool) {
	var day, month, next int
	if i >= len(line) {
		return i, false
	}
	if line[i] >= '0' && line[i] <= '9' {
		v, _, j, ok := readNum(line, i, 2)
		if !ok {
			return i, false
		}
		j = skipSpaces(line, j)
		if j < len(line) && line[j] == '.' { // "28. Aug"
			j = skipSpaces(line, j+1)
		}
		m, k := monthAt(line, j)
		if m == 0 {
			return i, false
		}
		day, month, next = v, m, k
	} else {
		m, j := monthAt(line, i)
		if m == 0 {
			return i, false
		}
		n := spaceLen(line, j)
		if n == 0 {
			return i, false
		}
		v, _, k, ok := readNum(line, j+n, 2)
		if !ok {
			return i, false
		}
		day, month, next = v, m, k
	}
	h.num = [3]int{day, month, 0}
	h.ndig = [3]int{2, 2, 0}
	h.yearIdx, h.yearAdd, h.named, h.dateSep = 2, [3]int{}, true, ' '
	// An optional year: ", 2013" or " 2013".
	j := next
	if j < len(line) && line[j] == ',' {
		j++
	}
	if n := spaceLen(line, j); n > 0 {
		if v, nd, k, ok := readNum(line, j+n, 4); ok && nd == 4 && (k >= len(line) || (line[k] != ':' && line[k] != '.')) {
			h.num[2], h.ndig[2] = v, nd
			return k, true
		}
	}
	return next, true
}

// namedYear tracks the years of an export whose dates have no year.
type namedYear struct {
	last      int // month*32 + day of the last yearless date
	have      bool
	rollovers int // dates seen that went back in the year
}

// add counts the date (month, day) and returns the number of new years
// begun so far. A date more than a day before the one before it is in the
// next year; a day back is an export slightly out of order.
func (y *namedYear) add(month, day int) int {
	md := month*32 + day
	if y.have && md < y.last-1 {
		y.rollovers++
	}
	y.last, y.have = md, true
	return y.rollovers
}
