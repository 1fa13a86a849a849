package meta

import "unicode/utf8"

// FixMojibake repairs Meta's JSON mojibake (FORMATS.md §2.4): Meta writes
// each UTF-8 byte of a string as its own code point U+0000..U+00FF, so
// "café" arrives as "cafÃ©". When every rune of s is at most U+00FF, the
// runes are taken as bytes; if those bytes are valid UTF-8 they are the
// answer. Otherwise s is returned unchanged: a rune above U+00FF (a real
// "\u201c", already-correct text) or bytes that are not UTF-8 (genuine
// Latin-1 such as "café" written correctly) mean there is nothing to
// repair. That guard is what keeps the naive latin1→utf8 round trip from
// crashing or garbling (Chatistics #65). Invalid UTF-8 input is returned
// unchanged. ASCII strings cost one scan and no allocation.
func FixMojibake(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	n := i // bytes of the repaired string
	for j := i; j < len(s); {
		if s[j] < utf8.RuneSelf {
			j++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if r > 0xFF || (r == utf8.RuneError && size == 1) {
			return s
		}
		j += size
		n++
	}
	b := make([]byte, i, n)
	copy(b, s[:i])
	for j := i; j < len(s); {
		if s[j] < utf8.RuneSelf {
			b = append(b, s[j])
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		b = append(b, byte(r))
		j += size
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

// fixer repairs strings and remembers the answers for the few strings that
// repeat on every message (sender names, reaction emoji), so a thread of
// 100,000 messages by two people repairs two names, not 100,000.
type fixer struct {
	cache map[string]string
}

// name repairs a short, repeating string through the cache.
func (f *fixer) name(s string) string {
	if s == "" {
		return s
	}
	if v, ok := f.cache[s]; ok {
		return v
	}
	v := FixMojibake(s)
	if f.cache == nil {
		f.cache = make(map[string]string, 8)
	}
	if len(f.cache) < 4096 {
		f.cache[s] = v
	}
	return v
}
