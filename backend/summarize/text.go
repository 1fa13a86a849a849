package summarize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind says what a token is.
type tokKind uint8

const (
	tokWord  tokKind = iota
	tokBreak         // punctuation that ends the reach of a negation
	tokEmoji         // an emoji or emoticon with a sentiment weight
)

// tok is one token of a message body.
type tok struct {
	kind tokKind
	// fold is the word lowercased with accents removed ("não" → "nao",
	// "Straße" → "strasse"): the key of every word table, so that customers
	// who type without accents match the same entries.
	fold string
	// lower is the word lowercased as written, shown in topics.
	lower string
	// w is the weight of an emoji token.
	w float64
}

// tokenize appends the tokens of s to dst. Words are runs of letters,
// digits and inner apostrophes; contractions are expanded where it matters
// for negation ("don't" → "not", "n'est" → "ne est", "I'd" → "i would");
// @mentions are skipped because a name is neither content nor sentiment.
func tokenize(s string, dst []tok) []tok {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWordRune(r):
			j := i + size
			for j < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r2) {
					j += sz
					continue
				}
				if r2 == '\'' || r2 == '’' {
					if r3, _ := utf8.DecodeRuneInString(s[j+sz:]); j+sz < len(s) && unicode.IsLetter(r3) {
						j += sz
						continue
					}
				}
				break
			}
			dst = appendWord(dst, s[i:j])
			i = j
			continue
		case r == '@':
			i = skipMention(s, i+size)
			continue
		case r == ':' || r == ';':
			if w, n := emoticon(s[i+size:]); n > 0 {
				dst = append(dst, tok{kind: tokEmoji, w: w})
				i += size + n
				continue
			}
			dst = appendBreak(dst)
		case r == '<' && strings.HasPrefix(s[i+size:], "3"):
			dst = append(dst, tok{kind: tokEmoji, w: 1})
			i += size + 1
			continue
		case isBreakRune(r):
			dst = appendBreak(dst)
		default:
			if w, ok := emojiWeight[r]; ok {
				dst = append(dst, tok{kind: tokEmoji, w: w})
			}
		}
		i += size
	}
	return dst
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isBreakRune(r rune) bool {
	switch r {
	case '.', ',', '!', '?', '¿', '¡', '(', ')', '\n', '…', '"', '“', '”', '«', '»', '–', '—':
		return true
	}
	return false
}

func appendBreak(dst []tok) []tok {
	if n := len(dst); n > 0 && dst[n-1].kind == tokBreak {
		return dst
	}
	return append(dst, tok{kind: tokBreak})
}

// skipMention skips the name after an "@": WhatsApp wraps it in the
// isolates U+2068…U+2069, other channels write one word.
func skipMention(s string, i int) int {
	if strings.HasPrefix(s[i:], "\u2068") {
		if end := strings.Index(s[i:], "\u2069"); end >= 0 {
			return i + end + len("\u2069")
		}
	}
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			break
		}
		i += sz
	}
	return i
}

// emoticon reports the weight and length of an ASCII emoticon that follows
// a ':' or ';' (":)", ":-(", ":'(", ":D").
func emoticon(s string) (float64, int) {
	n := 0
	if n < len(s) && (s[n] == '-' || s[n] == '\'') {
		n++
	}
	if n >= len(s) {
		return 0, 0
	}
	var w float64
	switch s[n] {
	case ')', ']', 'D', 'P', 'p':
		w = 1
	case '(', '[':
		w = -1
	default:
		return 0, 0
	}
	n++
	// ":Do" or ":Por" is a label, not a face.
	if n < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsLetter(r) {
			return 0, 0
		}
	}
	return w, n
}

// appendWord lowercases and folds one word and expands its contraction.
func appendWord(dst []tok, word string) []tok {
	lower, fold := word, word
	if !isLowerASCII(word) {
		lower, fold = lowerFold(word)
	}
	ap := strings.IndexByte(fold, '\'')
	if ap < 0 {
		return append(dst, tok{fold: fold, lower: lower})
	}
	lap := strings.IndexByte(lower, '\'')
	pre, post := fold[:ap], fold[ap+1:]
	lpre, lpost := lower[:lap], lower[lap+1:]
	switch {
	case strings.HasSuffix(fold, "n't"):
		// The base is an auxiliary (do, is, ca(n), wo(n't)): only the
		// negation matters.
		return append(dst, tok{fold: "not", lower: "not"})
	case post == "s" || post == "m" || post == "re" || post == "ll" || post == "ve":
		return append(dst, tok{fold: pre, lower: lpre})
	case post == "d":
		return append(dst, tok{fold: pre, lower: lpre}, tok{fold: "would", lower: "would"})
	}
	switch pre {
	case "n":
		return append(dst, tok{fold: "ne", lower: "ne"}, tok{fold: post, lower: lpost})
	case "l", "d", "j", "qu", "c", "s", "m", "t", "jusqu", "lorsqu", "puisqu":
		return append(dst, tok{fold: post, lower: lpost})
	}
	return append(dst, tok{fold: strings.ReplaceAll(fold, "'", ""), lower: strings.ReplaceAll(lower, "'", "")})
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' || c == '\'' {
			return false
		}
	}
	return true
}

// lowerFold returns word lowercased, and lowercased with accents removed;
// both with "’" written as "'".
func lowerFold(word string) (lower, fold string) {
	var lb, fb strings.Builder
	lb.Grow(len(word))
	fb.Grow(len(word))
	for _, r := range word {
		if r == '’' {
			r = '\''
		}
		r = unicode.ToLower(r)
		lb.WriteRune(r)
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent of a decomposed letter
		}
		switch f := foldRune(r); f {
		case 'ß':
			fb.WriteString("ss")
		case 'æ':
			fb.WriteString("ae")
		case 'œ':
			fb.WriteString("oe")
		default:
			fb.WriteRune(f)
		}
	}
	return lb.String(), fb.String()
}

// foldRune removes the accent of a lowercase Latin letter.
func foldRune(r rune) rune {
	if r < 0xe0 || r > 0x17f {
		return r
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī', 'į':
		return 'i'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'š', 'ś':
		return 's'
	case 'ž', 'ź', 'ż':
		return 'z'
	case 'ł':
		return 'l'
	}
	return r
}

// foldWord folds a table entry the way tokenize folds words.
func foldWord(w string) string {
	if isLowerASCII(w) {
		return w
	}
	_, f := lowerFold(w)
	return f
}

// quote returns s as a short one-line quote: whitespace collapsed, and cut
// at a word boundary near max bytes with "…" when longer.
func quote(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// Back up to the last space, unless that would drop most of the text
	// (one very long word or URL).
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > max/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:-–—") + "…"
}

// excerpt returns s as the built-in summary quotes it: the author's words
// exactly as written, with runs of whitespace (line breaks too) collapsed
// into one space. When s is longer than max bytes it is cut, never inside a
// word: after the last whole sentence that ends past max/2 (then " …"
// follows), else after the last whole word before max ("…" follows, and a
// comma or colon left dangling at the cut goes with the omitted rest).
// Between two CJK characters is a word boundary. A first word longer than
// max is kept whole; only one longer than maxWord (no word, a pasted blob)
// is cut where it reaches maxWord.
func excerpt(s string, max int) string {
	s = collapseSpace(s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	sentences := s[:cut]
	if s[cut] == ' ' {
		sentences = s[:cut+1] // a sentence may end right at the cut
	}
	if end := lastSentenceEnd(sentences); end > max/2 {
		if s[end] == ' ' {
			return s[:end] + " …"
		}
		return s[:end] + "…" // after "。", "！" or "？"
	}
	before, _ := utf8.DecodeLastRuneInString(s[:cut])
	after, _ := utf8.DecodeRuneInString(s[cut:])
	switch {
	case s[cut] == ' ':
	case isCJK(before) && isCJK(after):
	default:
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 {
			cut = sp
			break
		}
		// The first word is longer than max (a link): keep it whole, unless
		// it is a pasted blob longer than maxWord.
		if sp := strings.IndexByte(s[cut:], ' '); sp >= 0 {
			cut += sp
		} else {
			cut = len(s)
		}
		if cut > maxWord {
			cut = maxWord
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			return s[:cut] + "…"
		}
		if cut == len(s) {
			return s
		}
	}
	if t := strings.TrimRight(s[:cut], " ,;:-–—"); t != "" {
		return t + "…"
	}
	return s[:cut] + "…"
}

// maxWord bounds a quote made of one giant word, see excerpt.
const maxWord = 8 * maxQuote

// collapseSpace trims s and replaces every run of whitespace inside it with
// one space; it returns s itself when there is nothing to replace.
func collapseSpace(s string) string {
	clean := true
	prevSpace := true // a leading space is to be trimmed too
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ') {
			clean = false
			break
		}
		prevSpace = space
	}
	if clean && !prevSpace {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// lastSentenceEnd returns the end of the last whole sentence of s (see
// sentenceEnd) that is followed by more text; 0 when there is none.
func lastSentenceEnd(s string) int {
	last := 0
	for i := 0; i < len(s); {
		end, n := sentenceEnd(s, i)
		if end > 0 && end < len(s) {
			last = end
		}
		i += n
	}
	return last
}

// firstSentence returns the length of the first sentence of s, its line
// break or the space after it excluded: up to a line break or a sentence
// end (see sentenceEnd), else all of s.
func firstSentence(s string) int {
	for i := 0; i < len(s); {
		if s[i] == '\n' {
			return i
		}
		end, n := sentenceEnd(s, i)
		if end > 0 {
			return end
		}
		i += n
	}
	return len(s)
}

// sentenceEnd looks at the rune at s[i]: when it ends a sentence it
// returns the index just after the sentence (and how far to advance); else
// 0. A sentence ends with ".", "!", "?", "…" or "؟" (followed by more of them
// and by closing quotes or brackets) before a space or the end of s, or
// with a CJK full stop, exclamation or question mark.
func sentenceEnd(s string, i int) (end, advance int) {
	r, size := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '。', '！', '？':
		return i + size, size
	case '.', '!', '?', '…', '؟':
		j := i + size
		for j < len(s) {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			if !strings.ContainsRune(".!?…؟\"'”’»)]", r2) {
				break
			}
			j += sz
		}
		if j == len(s) {
			return j, j - i
		}
		if r2, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsSpace(r2) {
			return j, j - i
		}
		return 0, j - i
	}
	return 0, size
}

// isCJK reports whether r is a Chinese character, Japanese kana or CJK
// punctuation: scripts written without spaces, where a quote may be cut
// between any two characters.
func isCJK(r rune) bool {
	return 0x3000 <= r && r <= 0x303f || 0xff01 <= r && r <= 0xff60 ||
		unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
