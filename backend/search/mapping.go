package search

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/sessions-app/sessions/backend/labels"
)

// MappingVersion is the version of the index layout: the fields, their
// analyzers and the sort key encoding. Bump it whenever any of them changes;
// Open then wipes the shards and reports NeedsRebuild.
//
// 3: labels and custom field values folded by labels.Fold (accents too);
// End in the sort key for the ended range.
const MappingVersion = 3

// Field names inside a shard.
const (
	fieldName      = "name"
	fieldNameEdge  = "name_edge" // the first edgeRunes prefixes of each name word
	fieldEmail     = "email"
	fieldSummary   = "summary"
	fieldText      = "text"
	fieldChannel   = "channel"
	fieldSentiment = "sentiment"
	fieldLabel     = "label"
	fieldCustom    = "field"
	fieldSortKey   = "sk"
)

// Analyzer names, as recorded in each shard's mapping.
const (
	analyzerFolded = "folded" // names, summaries, message text, search box
)

// edgeRunes is the longest name-word prefix indexed as a term of its own.
// "jan" finding "Jane" is a prefix search, which Bleve answers by listing
// every name term with the prefix and reading each one's postings: for one
// or two letters that is hundreds of lists per segment (a count of "a"
// over a million sessions took 50 ms). Short prefixes are therefore
// indexed (edge n-grams, as search-as-you-type engines do) and looked up
// as one term; a longer prefix matches few names and is searched as one.
const edgeRunes = 4

// customSep separates a custom field's key from its value in the single
// "field" keyword field. A control character cannot be typed into a key.
const customSep = "\x1f"

// Options on the fields. Nothing is stored (SQLite holds the values) and
// nothing is scored (results are ordered by start), so the text and keyword
// fields skip term vectors, doc values and frequency/norms: smaller postings
// and less to decode per hit.
const (
	searchable = index.IndexField | index.SkipFreqNorm
	// The sort key is indexed (scorch builds doc values from the analysed
	// terms) and has doc values, which the sort and the range filters read
	// per candidate hit. It keeps freq/norm: the term is unique per
	// document, and zap only uses its compact "1-hit" postings for terms
	// with a frequency of 1.
	sortable = index.IndexField | index.DocValues
)

// newMapping builds the index mapping recorded in every shard. The shards
// are written with IndexAdvanced (documents built here, no reflection), so
// the mapping is the description of those documents and the source of the
// analyzers used both when indexing and when parsing a query.
//
//   - folded: asciifolding char filter (é→e, ß→ss, ø→o, Ł→L …), unicode
//     (UAX #29) word tokenizer, to_lower. No stemming and no stop words: the
//     sessions are in many languages and the search is for exact words.
//   - keyword for the email (its parts, folded and lowercased, see
//     emailTerms), channel, sentiment (trimmed and lowercased in Go, see
//     keywordValue), labels and custom fields (labels.Fold, the rule
//     SQLite's filters use too, see customTerm).
//   - sk, the sort key (see docKey): Start, ID, ActiveUntil and End of the
//     session in one keyword term with doc values. There are no numeric
//     fields: Bleve indexes 16 prefix-coded terms per number, mostly unique
//     per document, which doubled the cost of indexing; the few range
//     checks (Start in the months at the edges of [From, To], ActiveUntil
//     against Now) read sk's doc values instead, see keyFilter.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(analyzerFolded, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, fmt.Errorf("define analyzer %s: %w", analyzerFolded, err)
	}

	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		f.SkipFreqNorm = true
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(analyzerFolded))
	doc.AddFieldMappingsAt(fieldSummary, text(analyzerFolded))
	doc.AddFieldMappingsAt(fieldText, text(analyzerFolded))
	for _, f := range []string{fieldNameEdge, fieldEmail, fieldChannel, fieldSentiment, fieldLabel, fieldCustom} {
		doc.AddFieldMappingsAt(f, text(keyword.Name))
	}
	sk := text(keyword.Name)
	sk.DocValues = true
	sk.SkipFreqNorm = false
	doc.AddFieldMappingsAt(fieldSortKey, sk)

	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerFolded
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("validate mapping: %w", err)
	}
	return m, nil
}

// analyzers are the mapping's analyzers, looked up once. Bleve analyzers are
// stateless and safe for concurrent use.
type analyzers struct {
	folded, keyword analysis.Analyzer
	// foldedASCII is folded without its asciifolding char filter, which
	// turns every input into runes and back and was a tenth of the cost of
	// indexing. It gives the same terms for ASCII input, and is used for it.
	foldedASCII analysis.Analyzer
	words       *sync.Pool // of *wordSet
}

func newAnalyzers(m *mapping.IndexMappingImpl) (analyzers, error) {
	a := analyzers{
		folded:  m.AnalyzerNamed(analyzerFolded),
		keyword: m.AnalyzerNamed(keyword.Name),
		words: &sync.Pool{New: func() any {
			return &wordSet{seen: map[string]struct{}{}}
		}},
	}
	if a.folded == nil || a.keyword == nil {
		return a, fmt.Errorf("analyzers %s and %s missing from the mapping", analyzerFolded, keyword.Name)
	}
	f, ok := a.folded.(*analysis.DefaultAnalyzer)
	if !ok {
		return a, fmt.Errorf("analyzer %s is a %T, want *analysis.DefaultAnalyzer", analyzerFolded, a.folded)
	}
	a.foldedASCII = &analysis.DefaultAnalyzer{Tokenizer: f.Tokenizer, TokenFilters: f.TokenFilters}
	return a, nil
}

// forText returns the analyzer for a text value: folded, or its faster
// equivalent when the value is ASCII.
func (a analyzers) forText(s string) analysis.Analyzer {
	if isASCII(s) {
		return a.foldedASCII
	}
	return a.folded
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// terms returns the distinct terms of s, in order, as the folded analyzer
// indexes them.
func (a analyzers) terms(s string) []string {
	s = labels.StripCombining(s)
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, tok := range a.forText(s).Analyze([]byte(s)) {
		t := string(tok.Term)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// namePrefixes returns the distinct prefixes of up to edgeRunes runes of
// the words of a name, as analysed for the name field.
func (a analyzers) namePrefixes(name string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range a.terms(name) {
		n := 0
		for i := range t {
			if n == edgeRunes {
				break
			}
			n++
			_, size := utf8.DecodeRuneInString(t[i:])
			if p := t[:i+size]; !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// normalize folds (é→e) and lowercases a keyword-like value: the rule of
// labels and field values too (labels.Fold), so every path folds alike.
func (a analyzers) normalize(s string) string {
	return labels.Fold(s)
}

// emailTerms returns the terms indexed for an address, normalised: the
// whole address, the local part, the domain and every alphanumeric run of
// them. "Bob.Smith@acme.co.uk" is found by "bob.smith@acme.co.uk",
// "bob.smith", "acme.co.uk", "bob", "smith", "acme", "co" and "uk".
func (a analyzers) emailTerms(email string) []string {
	email = a.normalize(email)
	if email == "" {
		return nil
	}
	parts := []string{email}
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		parts = append(parts, email[:at], email[at+1:])
	}
	parts = append(parts, strings.FieldsFunc(email, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= utf8.RuneSelf)
	})...)
	out := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// uniqueWords returns s with repeated whitespace-separated chunks dropped
// (the first of each is kept). Words never span whitespace, so the terms of
// the result are the terms of s; and as the index keeps neither positions
// nor frequencies, nothing else of s is needed. Message texts repeat many
// words, and each occurrence costs a token and a map update in Bleve's
// analysis.
func (a analyzers) uniqueWords(s string) string {
	w := a.words.Get().(*wordSet)
	defer func() {
		clear(w.seen)
		w.list = w.list[:0]
		a.words.Put(w)
	}()
	dup := false
	for word := range strings.FieldsSeq(s) {
		if _, ok := w.seen[word]; ok {
			dup = true
			continue
		}
		w.seen[word] = struct{}{}
		w.list = append(w.list, word)
	}
	if !dup {
		return s
	}
	return strings.Join(w.list, " ")
}

// wordSet is uniqueWords' scratch space, reused through analyzers.words.
type wordSet struct {
	seen map[string]struct{}
	list []string
}

// keywordValue is how labels, channels and sentiments are compared:
// trimmed and lowercased.
func keywordValue(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// customTerm is the single term of one custom field: the key exactly as
// given, then the value folded as SQLite's filter folds it (labels.Fold).
func customTerm(key, value string) string {
	return key + customSep + labels.Fold(value)
}

// The sort key of a session is Start, ID, ActiveUntil and End, each an int64
// with the sign bit flipped (so that unsigned order is numeric order)
// written big-endian in 7-bit digits: 10 bytes per number, 40 in all, every
// byte below 0x80. Byte order is then numeric order, and no byte is 0xFF,
// which zap uses to separate the terms of a doc value.
//
// Sorting on it orders by (Start, ID), unique per session, so ActiveUntil
// never decides the order; it is there so that the status filter reads it
// from the same doc value, as the ended range reads End. A cursor is the 20-byte prefix (Start, ID): a
// document at the cursor compares greater than it (a longer string with the
// same prefix) and is therefore not repeated by SearchAfter in descending
// order.
const (
	keyIntLen = 10
	docKeyLen = 4 * keyIntLen
)

func putKeyInt(b []byte, v int64) {
	u := uint64(v) ^ (1 << 63)
	for i := keyIntLen - 1; i >= 0; i-- {
		b[i] = byte(u & 0x7f)
		u >>= 7
	}
}

func keyInt(b []byte) int64 {
	var u uint64
	for _, c := range b[:keyIntLen] {
		u = u<<7 | uint64(c&0x7f)
	}
	return int64(u ^ (1 << 63))
}

// docKey is the sort key term of a session.
func docKey(start, id, activeUntil, end int64) string {
	var b [docKeyLen]byte
	putKeyInt(b[0:], start)
	putKeyInt(b[keyIntLen:], id)
	putKeyInt(b[2*keyIntLen:], activeUntil)
	putKeyInt(b[3*keyIntLen:], end)
	return string(b[:])
}

// cursorKey is the SearchAfter value of a cursor.
func cursorKey(c Cursor) string {
	var b [2 * keyIntLen]byte
	putKeyInt(b[0:], c.Start)
	putKeyInt(b[keyIntLen:], c.ID)
	return string(b[:])
}

// parseDocKey is the inverse of docKey.
func parseDocKey(k []byte) (start, id, activeUntil int64, err error) {
	if len(k) != docKeyLen {
		return 0, 0, 0, fmt.Errorf("sort key of %d bytes, want %d", len(k), docKeyLen)
	}
	return keyInt(k[0:]), keyInt(k[keyIntLen:]), keyInt(k[2*keyIntLen:]), nil
}

// docID is the bleve document id of a session.
func docID(id int64) string { return strconv.FormatInt(id, 10) }

// buildDocument turns d into the bleve document of its shard. The text goes
// through the mapping's analyzers when scorch analyses the batch (on its
// own worker pool), not here.
func (a analyzers) buildDocument(d *Doc) *document.Document {
	doc := document.NewDocument(docID(d.ID))
	addText := func(name, value string) {
		value = labels.StripCombining(value)
		if strings.TrimSpace(value) == "" {
			return
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), searchable, a.forText(value)))
	}
	addKeyword := func(name, value string) {
		if value == "" {
			return
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), searchable, a.keyword))
	}
	addText(fieldName, d.ContactName)
	for _, p := range a.namePrefixes(d.ContactName) {
		addKeyword(fieldNameEdge, p)
	}
	for _, t := range a.emailTerms(d.ContactEmail) {
		addKeyword(fieldEmail, t)
	}
	addText(fieldSummary, a.uniqueWords(d.Summary))
	addText(fieldText, a.uniqueWords(d.Text))
	addKeyword(fieldChannel, keywordValue(d.Channel))
	addKeyword(fieldSentiment, keywordValue(d.Sentiment))
	for _, l := range d.Labels {
		addKeyword(fieldLabel, labels.Fold(l))
	}
	for k, v := range d.Fields {
		addKeyword(fieldCustom, customTerm(k, v))
	}
	doc.AddField(document.NewTextFieldCustom(fieldSortKey, nil, []byte(docKey(d.Start, d.ID, d.ActiveUntil, d.End)), sortable, a.keyword))
	return doc
}
