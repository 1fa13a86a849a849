package whatsapp

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The texts WhatsApp writes into an export (notices, placeholders, call
// lines, deleted and edited markers) come from one table per language in
// locales/ (see locales/README.md for the format and the sources). They are
// compiled once into an entryMatcher that tells, from the text alone, what an
// entry is.
//
//go:embed locales
var localeFiles embed.FS

// entryClass is what a table says an entry's text is.
type entryClass uint8

const (
	classNone     entryClass = iota
	classNotice              // a WhatsApp notice: system line
	classCall                // a call event (missed voice/video call)
	classMedia               // a media placeholder: the author's media message
	classDocument            // "NAME document omitted": the author's media message
	classAttached            // "NAME (file attached)", "<attached: NAME>"
	classDeleted             // a deleted-message tombstone
	classLocation            // a shared location: the author's message
	classEdited              // the marker appended to an edited message
)

// tableClasses maps the class column of the tables to entry classes.
var tableClasses = map[string]entryClass{
	"encryption":   classNotice,
	"security":     classNotice,
	"group":        classNotice,
	"disappearing": classNotice,
	"business":     classNotice,
	"notice":       classNotice,
	"call":         classCall,
	"media":        classMedia,
	"document":     classDocument,
	"attached":     classAttached,
	"deleted":      classDeleted,
	"location":     classLocation,
	"edited":       classEdited,
}

// pattern is one table entry, normalised: its literal parts between the
// {} wildcards.
type pattern struct {
	parts []string // normalised literals; empty strings never occur
	lead  bool     // starts with a wildcard
	trail bool     // ends with a wildcard
	class entryClass
	label string // "uk security", for tests and reports
	// minLen is the shortest normalised text the pattern can match, kept
	// so a bucket's texts are ruled out without walking the parts.
	minLen int
}

// shortest is the shortest normalised text the pattern can match.
func (p *pattern) shortest() int {
	n := 0
	for _, s := range p.parts {
		n += len(s)
	}
	if p.lead {
		n++
	}
	if p.trail {
		n++
	}
	return n + len(p.parts) - 1
}

// spans are where the first and the last wildcard of a match are in the
// normalised text (-1 when the pattern has none).
type spans struct {
	firstStart, firstEnd, lastStart, lastEnd int
}

var noSpans = spans{-1, -1, -1, -1}

func (sp *spans) add(s, e int) {
	if sp.firstStart < 0 {
		sp.firstStart, sp.firstEnd = s, e
	}
	sp.lastStart, sp.lastEnd = s, e
}

// match reports whether the normalised text t is all of the pattern, and
// where its wildcards are.
func (p *pattern) match(t []byte) (bool, spans) {
	parts := p.parts
	sp := noSpans
	pos := 0
	if !p.lead {
		if !bytes.HasPrefix(t, []byte(parts[0])) {
			return false, sp
		}
		pos = len(parts[0])
		parts = parts[1:]
	}
	end := len(t)
	if !p.trail {
		if len(parts) == 0 {
			return pos == len(t), sp
		}
		last := parts[len(parts)-1]
		if !bytes.HasSuffix(t, []byte(last)) {
			return false, sp
		}
		end = len(t) - len(last)
		parts = parts[:len(parts)-1]
	}
	// Every wildcard takes at least one byte.
	for _, s := range parts {
		if pos+1 > end {
			return false, sp
		}
		i := bytes.Index(t[pos+1:end], []byte(s))
		if i < 0 {
			return false, sp
		}
		sp.add(pos, pos+1+i)
		pos += 1 + i + len(s)
	}
	if end-pos < 1 {
		return false, sp
	}
	sp.add(pos, end)
	return true, sp
}

// entryMatcher finds the pattern a normalised text is, through indexes that
// let an ordinary message be rejected in a few map lookups.
type entryMatcher struct {
	exact    map[string]*pattern
	byPrefix map[uint64][]*pattern // by literalKey of the leading literal
	bySuffix map[uint64][]*pattern // by literalKey of the trailing literal
	// ends holds, as a Bloom filter of one hash, the keys of the leading
	// literals of exact and prefix patterns and of the trailing literals
	// of suffix patterns: a message is ruled out with a few bit tests.
	ends     [endsFilterBits / 64]uint64
	headLens uint16 // bit n: some head key is n runes long
	tailLens uint16
	// infixAlways is set when a pattern that is no notice has wildcards at
	// both ends: then no text can be ruled out by its ends alone.
	infixAlways bool
	infix       []*pattern      // wildcards at both ends: notices
	infixAny    []*pattern      // wildcards at both ends: the other classes
	edited      map[string]bool // normalised edited markers ("<this message was edited>")
	langs       []string
}

// matchOpts says which patterns may decide an entry.
type matchOpts struct {
	// notices lets wildcard notice patterns match. Texts such as "{} left"
	// or "{} added {}" are also things people type, so they decide only
	// entries that WhatsApp marked as its own (a body starting with U+200E
	// or U+200F, an authorless line). Exact notice texts always match.
	notices bool
}

// find returns the pattern that t (normalised) is, or nil.
func (m *entryMatcher) find(t []byte, o matchOpts) (*pattern, spans) {
	if len(t) == 0 || m == nil {
		return nil, noSpans
	}
	if p, ok := m.exact[string(t)]; ok {
		return p, noSpans
	}
	try := func(list []*pattern) (*pattern, spans) {
		for _, p := range list {
			if p.class == classNotice && !o.notices {
				continue
			}
			if len(t) < p.minLen {
				continue
			}
			if ok, sp := p.match(t); ok {
				return p, sp
			}
		}
		return nil, noSpans
	}
	e := endsOf(t)
	for n := keyRunes; n >= 1; n-- {
		if m.headLens&(1<<n) != 0 {
			if p, sp := try(m.byPrefix[e.headKey(n)]); p != nil {
				return p, sp
			}
		}
		if m.tailLens&(1<<n) != 0 {
			if p, sp := try(m.bySuffix[e.tailKey(n)]); p != nil {
				return p, sp
			}
		}
	}
	if o.notices {
		if p, sp := try(m.infix); p != nil {
			return p, sp
		}
	}
	if p, sp := try(m.infixAny); p != nil {
		return p, sp
	}
	return nil, noSpans
}

// keyRunes is how many runes at each end of a literal index a pattern: a
// literal shorter than that is indexed by all its runes. Two runes let most
// messages through (they start like "th", "ca", "hi"); four rule them out.
const keyRunes = 8

// ends are the first and last keyRunes runes of a text as normalised
// (foldRune, spaces collapsed, leading spaces and trailing spaces and
// punctuation trimmed), read from either the raw or the normalised text.
type ends struct {
	head, tail   [keyRunes]rune // tail[0] is the last rune
	nHead, nTail int
	// hHead[n-1] and hTail[n-1] hash the first n runes of head and tail
	// (FNV-1a, in array order), built as the runes are read.
	hHead, hTail [keyRunes]uint64
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func (e *ends) pushHead(r rune) {
	h := uint64(fnvOffset64)
	if e.nHead > 0 {
		h = e.hHead[e.nHead-1]
	}
	e.head[e.nHead], e.hHead[e.nHead] = r, (h^uint64(r))*fnvPrime64
	e.nHead++
}

func (e *ends) pushTail(r rune) {
	h := uint64(fnvOffset64)
	if e.nTail > 0 {
		h = e.hTail[e.nTail-1]
	}
	e.tail[e.nTail], e.hTail[e.nTail] = r, (h^uint64(r))*fnvPrime64
	e.nTail++
}

// asciiFold is foldRune for ASCII, with unicode.IsPunct: the per-byte
// table that lets endsOf skip decoding on the common path.
var asciiFold = func() (t [utf8.RuneSelf]struct {
	r     byte
	kind  uint8
	punct bool
}) {
	for c := 0; c < utf8.RuneSelf; c++ {
		f, kind := foldRune(rune(c))
		t[c].r, t[c].kind, t[c].punct = byte(f), uint8(kind), unicode.IsPunct(f)
	}
	return t
}()

// endsOf reads the ends of b without normalising the whole text.
func endsOf(b []byte) ends {
	var e ends
	space := false
	for i := 0; i < len(b) && e.nHead < keyRunes; {
		var f rune
		var kind int
		if c := b[i]; c < utf8.RuneSelf {
			a := &asciiFold[c]
			f, kind = rune(a.r), int(a.kind)
			i++
		} else {
			r, size := utf8.DecodeRune(b[i:])
			i += size
			f, kind = foldRune(r)
		}
		switch kind {
		case foldDrop:
			continue
		case foldSpace:
			space = e.nHead > 0
			continue
		}
		if space {
			e.pushHead(' ')
			space = false
			if e.nHead == keyRunes {
				break
			}
		}
		e.pushHead(f)
	}
	space = false
	trimming := true
	for j := len(b); j > 0 && e.nTail < keyRunes; {
		var f rune
		var kind int
		var punct bool
		if c := b[j-1]; c < utf8.RuneSelf {
			a := &asciiFold[c]
			f, kind, punct = rune(a.r), int(a.kind), a.punct
			j--
		} else {
			r, size := utf8.DecodeLastRune(b[:j])
			j -= size
			f, kind = foldRune(r)
			punct = unicode.IsPunct(f)
		}
		switch {
		case kind == foldDrop:
			continue
		case trimming && (kind == foldSpace || punct):
			continue
		case kind == foldSpace:
			space = true
			continue
		}
		trimming = false
		if space {
			e.pushTail(' ')
			space = false
			if e.nTail == keyRunes {
				break
			}
		}
		e.pushTail(f)
	}
	return e
}

// headKey is the key of the first n runes (0 when there are fewer).
func (e *ends) headKey(n int) uint64 {
	if n > e.nHead || n < 1 {
		return 0
	}
	return finishKey(e.hHead[n-1], n)
}

// tailKey is the key of the last n runes, read backwards (0 when there
// are fewer).
func (e *ends) tailKey(n int) uint64 {
	if n > e.nTail || n < 1 {
		return 0
	}
	return finishKey(e.hTail[n-1], n)
}

// finishKey mixes the length into a hash and spreads it to the high bits
// the filter takes. Never 0.
func finishKey(h uint64, n int) uint64 {
	h ^= uint64(n)
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 32
	if h == 0 {
		h = 1
	}
	return h
}

// literalKey is the key a pattern's leading (or trailing) literal is
// indexed by, and its length in runes.
func literalKey(lit string, last bool) (uint64, int) {
	e := endsOf([]byte(lit))
	n := keyLen(e.nHead)
	if last {
		n = keyLen(e.nTail)
		return e.tailKey(n), n
	}
	return e.headKey(n), n
}

// keyLen is the number of runes a literal of n runes is keyed by. (Keying
// literals of 5 to 7 runes by their first 4, for fewer probes, lets more
// messages through to the slow path than the probes cost.)
func keyLen(n int) int {
	return min(n, keyRunes)
}

// mayMatch tells from the ends of a raw text alone whether some pattern
// could match it once normalised; most messages are ruled out here without
// being normalised. notices is matchOpts.notices.
func (m *entryMatcher) mayMatch(raw []byte, notices bool) bool {
	if m == nil {
		return false
	}
	if m.infixAlways || (notices && len(m.infix) > 0) {
		return true
	}
	return m.headMayMatch(raw) || m.tailMayMatch(raw)
}

// headMayMatch is endsOf's head walk that probes the filter as it goes,
// keeping no runes: the hot path of every message.
func (m *entryMatcher) headMayMatch(b []byte) bool {
	h, n, space := uint64(fnvOffset64), 0, false
	for i := 0; i < len(b) && n < keyRunes; {
		var f rune
		if c := b[i]; c < utf8.RuneSelf {
			a := &asciiFold[c]
			i++
			switch a.kind {
			case foldSpace:
				space = n > 0
				continue
			case foldDrop:
				continue
			}
			f = rune(a.r)
		} else {
			r, size := utf8.DecodeRune(b[i:])
			i += size
			var kind int
			if f, kind = foldRune(r); kind != foldKeep {
				space = space || (kind == foldSpace && n > 0)
				continue
			}
		}
		if space {
			h, n, space = (h^' ')*fnvPrime64, n+1, false
			if m.headLens&(1<<n) != 0 && m.endsHas(finishKey(h, n)) {
				return true
			}
			if n == keyRunes {
				break
			}
		}
		h, n = (h^uint64(f))*fnvPrime64, n+1
		if m.headLens&(1<<n) != 0 && m.endsHas(finishKey(h, n)) {
			return true
		}
	}
	return false
}

// tailMayMatch is headMayMatch for the end of the text, read backwards
// after the trailing spaces and punctuation.
func (m *entryMatcher) tailMayMatch(b []byte) bool {
	h, n, space, trimming := uint64(fnvOffset64), 0, false, true
	for j := len(b); j > 0 && n < keyRunes; {
		var f rune
		var kind int
		var punct bool
		if c := b[j-1]; c < utf8.RuneSelf {
			a := &asciiFold[c]
			f, kind, punct = rune(a.r), int(a.kind), a.punct
			j--
		} else {
			r, size := utf8.DecodeLastRune(b[:j])
			j -= size
			f, kind = foldRune(r)
			punct = unicode.IsPunct(f)
		}
		switch {
		case kind == foldDrop:
			continue
		case trimming && (kind == foldSpace || punct):
			continue
		case kind == foldSpace:
			space = true
			continue
		}
		trimming = false
		if space {
			h, n, space = (h^' ')*fnvPrime64, n+1, false
			if m.tailLens&(1<<n) != 0 && m.endsHas(finishKey(h, n)^tailSalt) {
				return true
			}
			if n == keyRunes {
				break
			}
		}
		h, n = (h^uint64(f))*fnvPrime64, n+1
		if m.tailLens&(1<<n) != 0 && m.endsHas(finishKey(h, n)^tailSalt) {
			return true
		}
	}
	return false
}

// The filter is a blocked Bloom filter: each key sets two bits of one
// 64-bit word. A few thousand keys in 2^17 bits (16 KiB, which stays in the
// first-level cache) let under one message in a hundred through by chance.
const (
	endsFilterLog  = 17
	endsFilterBits = 1 << endsFilterLog
)

// tailSalt keeps a tail key apart from the same runes as a head key.
const tailSalt = 0x9E3779B97F4A7C15

func endsWord(k uint64) (int, uint64) {
	return int(k >> (64 - (endsFilterLog - 6))), 1<<(k&63) | 1<<((k>>6)&63)
}

func (m *entryMatcher) endsAdd(k uint64) {
	w, mask := endsWord(k)
	m.ends[w] |= mask
}

func (m *entryMatcher) endsHas(k uint64) bool {
	w, mask := endsWord(k)
	return m.ends[w]&mask == mask
}

// What foldRune does with a rune.
const (
	foldKeep  = iota
	foldDrop  // an invisible mark
	foldSpace // a space-like character
)

// foldRune is the per-rune normalisation of normBuf.run: lower case, one
// quote and apostrophe, marks dropped, space-likes as spaces.
func foldRune(r rune) (rune, int) {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A', foldKeep
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return ' ', foldSpace
		case r == '`':
			return '\'', foldKeep
		}
		return r, foldKeep
	}
	switch {
	case r == '\u200e' || r == '\u200f' || r == '\ufeff' || r == '\u061c' || r == '\u200b' || r == '\u200c' || r == '\u200d',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		// Bidi and zero-width marks; the joiners too, which tables copied
		// from rendered text may lack (Persian ZWNJ).
		return 0, foldDrop
	case r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\u2007' || r == '\u3000':
		return ' ', foldSpace
	case r == '\u201c' || r == '\u201d' || r == '\u201e' || r == '\u201f' || r == '\u00ab' || r == '\u00bb' ||
		r == '\u2039' || r == '\u203a' || r == '\uff02' || r == '\u300c' || r == '\u300d' || r == '\u300e' || r == '\u300f':
		return '"', foldKeep
	case r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b' || r == '\u02bc':
		return '\'', foldKeep
	case r == '\u2011' || r == '\u2010':
		return '-', foldKeep
	}
	return unicode.ToLower(r), foldKeep
}

var (
	matcherOnce sync.Once
	matcherVal  *entryMatcher
)

// entries returns the matcher compiled from the embedded tables. A broken
// table is a build mistake that the package's tests catch; at run time it
// leaves the matcher with the tables that did load.
func entries() *entryMatcher {
	matcherOnce.Do(func() {
		matcherVal, _ = compileTables(localeFiles, "locales")
	})
	return matcherVal
}

// compileTables reads every *.tsv of dir in fsys.
func compileTables(fsys fs.FS, dir string) (*entryMatcher, error) {
	m := &entryMatcher{
		exact:    map[string]*pattern{},
		byPrefix: map[uint64][]*pattern{},
		bySuffix: map[uint64][]*pattern{},
		edited:   map[string]bool{},
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.tsv"))
	if err != nil {
		return m, fmt.Errorf("whatsapp tables: %w", err)
	}
	sort.Strings(names)
	var errs []string
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".tsv")
		m.langs = append(m.langs, lang)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimRight(sc.Text(), "\r")
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := m.add(lang, line); err != nil {
				errs = append(errs, fmt.Sprintf("%s line %d: %v", name, n, err))
			}
		}
	}
	// Within a bucket, longer (more specific) patterns are tried first.
	for _, idx := range []map[uint64][]*pattern{m.byPrefix, m.bySuffix} {
		for _, list := range idx {
			sortPatterns(list)
		}
	}
	sortPatterns(m.infix)
	sortPatterns(m.infixAny)
	if len(errs) > 0 {
		return m, fmt.Errorf("whatsapp tables: %s", strings.Join(errs, "; "))
	}
	return m, nil
}

func sortPatterns(list []*pattern) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].minLen > list[j].minLen })
}

// add compiles one table line: class, pattern, source.
func (m *entryMatcher) add(lang, line string) error {
	cols := strings.Split(line, "\t")
	if len(cols) < 2 {
		return fmt.Errorf("want class<TAB>pattern<TAB>source, got %q", line)
	}
	if len(cols) < 3 || strings.TrimSpace(cols[2]) == "" {
		return fmt.Errorf("no source for %q", cols[1])
	}
	name := strings.TrimSpace(cols[0])
	class, ok := tableClasses[name]
	if !ok {
		return fmt.Errorf("unknown class %q", name)
	}
	raw := strings.TrimSpace(cols[1])
	if class == classEdited {
		key := editedKey(nil, []byte(raw))
		if len(key) == 0 {
			return fmt.Errorf("empty edited marker")
		}
		m.edited[string(key)] = true
		return nil
	}
	if err := m.addPattern(lang, name, class, raw); err != nil {
		return err
	}
	if class == classNotice {
		// WhatsApp changes the sentence after a notice ("Tap to learn more.",
		// "Learn more.", "Tap for more info.", or none) across versions and
		// platforms while the notice itself stays: a long enough first
		// sentence also stands for the notice, alone or followed by any
		// sentence. These decide only entries marked as WhatsApp's own.
		if first, ok := firstSentence(raw); ok {
			derived := name + " (first sentence)"
			if err := m.addPattern(lang, derived, classNotice, first); err != nil {
				return err
			}
			if err := m.addPattern(lang, derived, classNotice, first+" {}"); err != nil {
				return err
			}
		}
	}
	return nil
}

// minSentenceBytes is the shortest first sentence (normalised) that stands
// for its notice: "You left." is too short to tell anything.
const minSentenceBytes = 24

// firstSentence returns the first sentence of a notice text of several
// sentences, with its final stop.
func firstSentence(raw string) (string, bool) {
	for _, stop := range []string{". ", "。", "। ", "۔ ", "! "} {
		i := strings.Index(raw, stop)
		if i < 0 {
			continue
		}
		first := raw[:i+len(strings.TrimRight(stop, " "))]
		rest := strings.TrimSpace(raw[len(first):])
		if rest == "" || strings.HasPrefix(rest, "{}") {
			return "", false
		}
		if len(normalizeLiteral(strings.ReplaceAll(first, "{}", ""), true, true)) < minSentenceBytes {
			return "", false
		}
		return first, true
	}
	return "", false
}

// editedKey normalises an edited marker such as "<This message was
// edited>" or "<Diese Nachricht wurde bearbeitet.>": the text inside the
// angle brackets, without its final punctuation.
func editedKey(dst []byte, b []byte) []byte {
	b = bytes.TrimSpace(b)
	b = bytes.TrimPrefix(b, []byte("<"))
	b = bytes.TrimSuffix(b, []byte(">"))
	return normalizeEntry(dst, b)
}

// addPattern compiles one pattern text into the indexes.
func (m *entryMatcher) addPattern(lang, name string, class entryClass, raw string) error {
	p := &pattern{class: class, label: lang + " " + name}
	segs := strings.Split(raw, "{}")
	for i, s := range segs {
		first, last := i == 0, i == len(segs)-1
		norm := normalizeLiteral(s, first, last)
		if strings.TrimSpace(norm) == "" {
			switch {
			case len(segs) == 1:
			case first:
				p.lead = true
			case last:
				// "… to "{}"": the closing quote is trailing punctuation.
				p.trail = true
			default:
				return fmt.Errorf("two wildcards without text between them in %q", raw)
			}
			continue
		}
		p.parts = append(p.parts, norm)
	}
	if len(p.parts) == 0 {
		return fmt.Errorf("pattern %q has no text", raw)
	}
	p.minLen = p.shortest()
	switch {
	case !p.lead && !p.trail && len(p.parts) == 1:
		if _, dup := m.exact[p.parts[0]]; !dup {
			m.exact[p.parts[0]] = p
		}
		k, n := literalKey(p.parts[0], false)
		m.endsAdd(k)
		m.headLens |= 1 << n
	case !p.lead:
		k, n := literalKey(p.parts[0], false)
		m.byPrefix[k] = append(m.byPrefix[k], p)
		m.endsAdd(k)
		m.headLens |= 1 << n
	case !p.trail:
		k, n := literalKey(p.parts[len(p.parts)-1], true)
		m.bySuffix[k] = append(m.bySuffix[k], p)
		m.endsAdd(k ^ tailSalt)
		m.tailLens |= 1 << n
	case p.class == classNotice:
		m.infix = append(m.infix, p)
	default:
		m.infixAny = append(m.infixAny, p)
		m.infixAlways = true
	}
	return nil
}

// normalizeLiteral normalises a literal piece of a pattern. The spaces next
// to a wildcard are kept (they separate the wildcard's text from the
// literal); only the pattern's own start and end are trimmed.
func normalizeLiteral(s string, first, last bool) string {
	var nb normBuf
	nb.run([]byte(s), first, last, false)
	return string(nb.out)
}

// normalizeEntry normalises a whole text (trimmed at both ends) into dst.
func normalizeEntry(dst []byte, b []byte) []byte {
	nb := normBuf{out: dst}
	nb.run(b, true, true, false)
	return nb.out
}

// normBuf is the reusable output of a normalisation: the text, and when
// offsets are asked for, the span of input bytes each output byte came from.
type normBuf struct {
	out        []byte
	start, end []int32
}

// raw returns the input bytes that out[s:e] came from.
func (nb *normBuf) raw(in []byte, s, e int) []byte {
	if s < 0 || e <= s || e > len(nb.out) {
		return nil
	}
	return in[nb.start[s]:nb.end[e-1]]
}

// run lower-cases b, drops bidi and zero-width marks, turns space-like
// characters into one space, folds quotes and apostrophes (foldRune), and
// trims (as asked) spaces at the start, and spaces and punctuation of any
// script at the end. With offsets it records where each output byte came from.
func (nb *normBuf) run(b []byte, trimStart, trimEnd, offsets bool) {
	out := nb.out[:0]
	nb.start, nb.end = nb.start[:0], nb.end[:0]
	space, spaceAt := false, 0 // a space is pending
	for i := 0; i < len(b); {
		if !offsets && !space {
			// The common path: ASCII letters, digits and punctuation.
			for i < len(b) && b[i] < utf8.RuneSelf {
				a := &asciiFold[b[i]]
				if a.kind != foldKeep {
					break
				}
				out = append(out, a.r)
				i++
			}
			if i == len(b) {
				break
			}
		}
		var f rune
		var kind int
		size := 1
		if c := b[i]; c < utf8.RuneSelf {
			a := &asciiFold[c]
			f, kind = rune(a.r), int(a.kind)
		} else {
			var r rune
			r, size = utf8.DecodeRune(b[i:])
			f, kind = foldRune(r)
		}
		switch kind {
		case foldDrop:
			i += size
			continue
		case foldSpace:
			if !space {
				space, spaceAt = true, i
			}
			i += size
			continue
		}
		if space {
			if len(out) > 0 || !trimStart {
				out = append(out, ' ')
				if offsets {
					nb.start, nb.end = append(nb.start, int32(spaceAt)), append(nb.end, int32(i))
				}
			}
			space = false
		}
		n := len(out)
		if f < utf8.RuneSelf {
			out = append(out, byte(f))
		} else {
			out = utf8.AppendRune(out, f)
		}
		if offsets {
			for ; n < len(out); n++ {
				nb.start, nb.end = append(nb.start, int32(i)), append(nb.end, int32(i+size))
			}
		}
		i += size
	}
	if space && !trimEnd {
		out = append(out, ' ')
		if offsets {
			nb.start, nb.end = append(nb.start, int32(spaceAt)), append(nb.end, int32(len(b)))
		}
	}
	if trimEnd {
		for len(out) > 0 {
			r, n := utf8.DecodeLastRune(out)
			if r != ' ' && !unicode.IsPunct(r) {
				break
			}
			out = out[:len(out)-n]
		}
		if offsets {
			nb.start, nb.end = nb.start[:len(out)], nb.end[:len(out)]
		}
	}
	nb.out = out
}
