package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sessions-app/sessions/backend/labels"
)

// Query is one search. Every set criterion must hold (AND); within
// Channels and Labels any value may match (OR).
type Query struct {
	// Q is the search box: every word must match the contact name (as Name
	// does: prefix, typo tolerance), the contact email (as Email does) or
	// the summary (as Summary does). Not the message text.
	Q       string
	Summary string // summary contains all these words
	// Name matches contact names by word: each query word is a prefix of a
	// name word ("jan" finds "Jane"), case- and accent-insensitively; words
	// of 5 or more letters also match with one typo ("Jonathon" finds
	// "Jonathan").
	Name string
	// Email matches the whole address, the local part, the domain or any
	// word of them ("acme" finds "bob@acme.com"), case-insensitively.
	Email     string
	Text      string   // message text contains all these words
	Channels  []string // any of
	Labels    []string // any of, case-insensitive
	Sentiment string
	Fields    map[string]string // all of: exact key, case-insensitive value
	// From and To bound Start, inclusive; 0 means unbounded. The caller
	// turns local days into UTC ms.
	From, To int64
	// EndedFrom and EndedTo bound End of completed sessions (ActiveUntil
	// <= Now), inclusive; active ones never match. 0 means unbounded.
	EndedFrom, EndedTo int64
	// Status is "", "all", "active" (Now < ActiveUntil) or "completed".
	Status string
	Now    int64
	Limit  int     // page size; 0 means 50
	After  *Cursor // continue strictly after this position
	Count  bool    // also compute Result.Total
}

// Cursor is a position in the result order: the last session of a page.
type Cursor struct{ Start, ID int64 }

// Result is one page.
type Result struct {
	IDs   []int64 // newest first by Start, then by ID descending
	Next  *Cursor // the position to continue after; nil when no more match
	Total int     // sessions matching over all shards, when Query.Count
}

// DefaultLimit is the page size when Query.Limit is 0.
const DefaultLimit = 50

// fuzzyMinRunes is the shortest name word that matches with one typo: with
// fewer letters one edit finds too many unrelated names.
const fuzzyMinRunes = 5

// totalCacheSize is the number of cached totals.
const totalCacheSize = 256

// sortOrder is the order of every search: the sort key (start, id), highest
// first. A new one per request: a SortField collects the values of the hit
// being visited and must not be shared between searches.
func sortOrder() search.SortOrder {
	return search.SortOrder{&search.SortField{
		Field: fieldSortKey,
		Type:  search.SortFieldAsString,
		Desc:  true,
	}}
}

// Search returns one page of sessions matching q, newest first.
//
// It walks the month shards from the cursor's month (or the newest) back
// in time, skipping those outside [From, To] (and, for Status "active",
// those whose sessions all ended before Now), and asks each for the hits
// still missing with SearchAfter on the sort key; it stops as soon as
// Limit+1 hits are in (the extra one tells whether there is a next page).
// The cost of a page is therefore that of the newest months holding
// matches: small for common words, and a pass over every shard for words
// that match nothing.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	tree, err := ix.buildTree(q)
	if err != nil {
		return Result{}, err
	}
	base := tree.query()

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return Result{}, errClosed
	}
	shards := ix.sortedShards()

	_, hi := bounds(q)
	if q.After != nil && q.After.Start < hi {
		hi = q.After.Start
	}
	var parts []part
	for _, s := range shards {
		if s.first > hi {
			continue // newer than the cursor or To
		}
		if skip, f := plan(s, q); !skip {
			parts = append(parts, part{s, f})
		}
	}

	want := limit + 1
	hits := make([]hit, 0, want)
	for i := 0; i < len(parts) && len(hits) < want; {
		// The first months alone: a common query fills its page there.
		// After that the page is probably far from full, and the next
		// months are searched ix.workers at a time.
		n := 1
		if i >= sequentialShards {
			n = min(ix.workers, len(parts)-i)
		}
		found, err := ix.searchParts(ctx, parts[i:i+n], base, q.After, want-len(hits))
		if err != nil {
			return Result{}, err
		}
		for _, f := range found {
			hits = append(hits, f[:min(len(f), want-len(hits))]...)
		}
		i += n
	}

	var out Result
	if len(hits) > limit {
		hits = hits[:limit]
		last := hits[limit-1]
		out.Next = &Cursor{Start: last.start, ID: last.id}
	}
	out.IDs = make([]int64, len(hits))
	for i, h := range hits {
		out.IDs[i] = h.id
	}
	if q.Count {
		if out.Total, err = ix.total(ctx, q, tree, shards); err != nil {
			return Result{}, err
		}
	}
	return out, nil
}

// sequentialShards is the number of months a search reads one at a time
// before it reads ix.workers months at once.
const sequentialShards = 2

// part is a shard taking part in a search, with the checks its hits need.
type part struct {
	s *shard
	f keyFilter
}

// hit is a result: its place in the order and its id.
type hit struct{ start, id int64 }

// searchParts asks each part, concurrently, for its first size hits after
// the cursor, and returns them in the order of parts.
func (ix *Index) searchParts(ctx context.Context, parts []part, base query.Query, after *Cursor, size int) ([][]hit, error) {
	out := make([][]hit, len(parts))
	if len(parts) == 1 {
		h, err := searchPart(ctx, parts[0], base, after, size)
		out[0] = h
		return out, err
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = searchPart(ctx, p, base, after, size)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// searchPart returns the first size hits of one shard after the cursor.
func searchPart(ctx context.Context, p part, base query.Query, after *Cursor, size int) ([]hit, error) {
	s := p.s
	req := bleve.NewSearchRequestOptions(withFilter(base, p.f), size, 0, false)
	req.SortByCustom(sortOrder())
	req.Score = bleve.ScoreNone
	if after != nil && after.Start <= s.last {
		req.SearchAfter = []string{cursorKey(*after)}
	}
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search shard %s: %w", s.path, err)
	}
	hits := make([]hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if len(h.Sort) != 1 {
			return nil, fmt.Errorf("search shard %s: hit %s has %d sort values", s.path, h.ID, len(h.Sort))
		}
		start, id, _, err := parseDocKey([]byte(h.Sort[0]))
		if err != nil {
			return nil, fmt.Errorf("search shard %s: hit %s: %w", s.path, h.ID, err)
		}
		hits = append(hits, hit{start, id})
	}
	return hits, nil
}

// bounds returns the inclusive range of Start that q allows. A completed
// session started at or before Now (it ended after it started), so
// "completed" also bounds Start: the months after Now are skipped instead
// of having each of their sessions checked and rejected.
func bounds(q Query) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if q.From != 0 {
		lo = q.From
	}
	if q.To != 0 {
		hi = q.To
	}
	if q.Status == "completed" && q.Now < hi {
		hi = q.Now
	}
	// A session starts before it ends.
	if q.EndedTo != 0 && q.EndedTo < hi {
		hi = q.EndedTo
	}
	if (q.EndedFrom != 0 || q.EndedTo != 0) && q.Now < hi {
		hi = q.Now
	}
	return lo, hi
}

// total counts the sessions matching q over every shard that can hold some
// (see plan), ix.workers shards at a time, and caches the count for the
// current generation of the index. With a Status the key includes Now, so
// the caller should keep Now fixed while paging through one listing (which
// also keeps sessions from moving between pages as they end).
func (ix *Index) total(ctx context.Context, q Query, tree node, shards []*shard) (int, error) {
	key, err := totalKey(q)
	if err != nil {
		return 0, err
	}
	gen := ix.gen.Load()
	if n, ok := ix.totals.get(key, gen); ok {
		return n, nil
	}
	var parts []part
	for _, s := range shards {
		if skip, f := plan(s, q); !skip {
			parts = append(parts, part{s, f})
		}
	}
	var (
		mu       sync.Mutex
		total    uint64
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan part)
	for range min(ix.workers, len(parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				n, err := countShard(ctx, p.s, tree, p.f)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				total += n
				mu.Unlock()
			}
		}()
	}
	for _, p := range parts {
		next <- p
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	ix.totals.put(key, gen, int(total))
	return int(total), nil
}

// Count returns the number of sessions matching q (its page position and
// size do not matter).
func (ix *Index) Count(ctx context.Context, q Query) (int, error) {
	tree, err := ix.buildTree(q)
	if err != nil {
		return 0, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, errClosed
	}
	return ix.total(ctx, q, tree, ix.sortedShards())
}

// totalKey identifies the set of sessions a query matches: the query
// without its page position and size, and without Now unless the status
// depends on it.
func totalKey(q Query) (string, error) {
	q.After, q.Limit, q.Count = nil, 0, false
	if q.Status != "active" && q.Status != "completed" && q.EndedFrom == 0 && q.EndedTo == 0 {
		q.Now = 0
	}
	b, err := json.Marshal(q) // map keys come out sorted
	if err != nil {
		return "", fmt.Errorf("encode query as cache key: %w", err)
	}
	return string(b), nil
}

// buildTree turns the criteria of q, all but the range on Start and the
// status (see plan), into a tree of terms. Words are analysed here, with
// the analyzers the documents were indexed with, and become term and prefix
// nodes, which are not analysed again.
func (ix *Index) buildTree(q Query) (node, error) {
	var all []node
	term := func(field, t string) node { return node{op: opTerm, field: field, term: t} }
	// nameWord matches one word of a contact name: as a prefix, and for
	// long words the known name terms one edit away (see nameTerms).
	nameWord := func(t string) []node {
		out := []node{{op: opPrefix, field: fieldName, term: t}}
		if utf8.RuneCountInString(t) <= edgeRunes {
			out[0] = node{op: opTerm, field: fieldNameEdge, term: t}
		}
		if utf8.RuneCountInString(t) >= fuzzyMinRunes {
			for _, c := range ix.names.withinOne(t) {
				out = append(out, term(fieldName, c))
			}
		}
		return out
	}
	anyOf := func(ns []node) node {
		if len(ns) == 1 {
			return ns[0]
		}
		return node{op: opOr, kids: ns}
	}

	for _, t := range ix.an.terms(q.Q) {
		alts := nameWord(t)
		alts = append(alts, term(fieldEmail, t), term(fieldSummary, t))
		all = append(all, anyOf(alts))
	}
	for _, t := range ix.an.terms(q.Summary) {
		all = append(all, term(fieldSummary, t))
	}
	for _, t := range ix.an.terms(q.Name) {
		all = append(all, anyOf(nameWord(t)))
	}
	for _, t := range strings.Fields(ix.an.normalize(q.Email)) {
		all = append(all, term(fieldEmail, t))
	}
	for _, t := range ix.an.terms(q.Text) {
		all = append(all, term(fieldText, t))
	}
	keywords := func(field string, values []string) {
		var alts []node
		for _, v := range values {
			if v = keywordValue(v); v != "" {
				alts = append(alts, term(field, v))
			}
		}
		if len(alts) > 0 {
			all = append(all, anyOf(alts))
		}
	}
	keywords(fieldChannel, q.Channels)
	labelTerms := make([]string, len(q.Labels))
	for i, l := range q.Labels {
		labelTerms[i] = labels.Fold(l)
	}
	keywords(fieldLabel, labelTerms)
	if s := keywordValue(q.Sentiment); s != "" {
		all = append(all, term(fieldSentiment, s))
	}
	for k, v := range q.Fields {
		all = append(all, term(fieldCustom, customTerm(k, v)))
	}

	switch q.Status {
	case "", "all", "active", "completed":
	default:
		return node{}, fmt.Errorf("unknown status %q: want all, active or completed", q.Status)
	}

	switch len(all) {
	case 0:
		return node{op: opAll}, nil
	case 1:
		return all[0], nil
	}
	return node{op: opAnd, kids: all}, nil
}
