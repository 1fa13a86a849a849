package search

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// keyFilter is a check of the numbers in a hit's sort key: Start within
// [startLo, startHi], ActiveUntil within (auAbove, auAtMost] and End within
// [endLo, endHi]. It runs per
// candidate hit, so a plan adds it only to the shards that need it: the
// months at the edges of [From, To], and for a status the months whose
// latest ActiveUntil is after Now.
type keyFilter struct {
	startLo, startHi  int64
	auAbove, auAtMost int64
	endLo, endHi      int64
}

func noFilter() keyFilter {
	return keyFilter{math.MinInt64, math.MaxInt64, math.MinInt64, math.MaxInt64, math.MinInt64, math.MaxInt64}
}

func (f keyFilter) isNone() bool { return f == noFilter() }

func (f keyFilter) keep(start, activeUntil, end int64) bool {
	return start >= f.startLo && start <= f.startHi && activeUntil > f.auAbove && activeUntil <= f.auAtMost &&
		end >= f.endLo && end <= f.endHi
}

// keepKey is keep over a sort key term (see docKey).
func (f keyFilter) keepKey(term []byte) bool {
	return f.keep(keyInt(term[0:]), keyInt(term[2*keyIntLen:]), keyInt(term[3*keyIntLen:]))
}

// plan decides how a shard takes part in q: skip it when no session of the
// month can match, and otherwise which checks its hits need.
func plan(s *shard, q Query) (skip bool, f keyFilter) {
	f = noFilter()
	lo, hi := bounds(q)
	if s.last < lo || s.first > hi {
		return true, f
	}
	if s.first < lo || s.last > hi {
		f.startLo, f.startHi = lo, hi
	}
	maxActive := s.maxActive.Load()
	switch q.Status {
	case "active": // Now < ActiveUntil
		if maxActive <= q.Now {
			return true, f
		}
		f.auAbove = q.Now
	case "completed": // ActiveUntil <= Now
		if maxActive > q.Now {
			f.auAtMost = q.Now
		}
	}
	if q.EndedFrom != 0 || q.EndedTo != 0 {
		// Only completed sessions have ended; the end itself is known per
		// session only, so every hit of the shard is checked.
		if maxActive > q.Now {
			f.auAtMost = min(f.auAtMost, q.Now)
		}
		if q.EndedFrom != 0 {
			f.endLo = q.EndedFrom
		}
		if q.EndedTo != 0 {
			f.endHi = q.EndedTo
		}
	}
	return false, f
}

// withFilter wraps q in f unless f checks nothing.
func withFilter(q query.Query, f keyFilter) query.Query {
	if f.isNone() {
		return q
	}
	return &keyFilterQuery{child: q, filter: f}
}

// keyFilterQuery keeps the hits of child that pass filter, reading the sort
// key's doc value of each candidate. It does what bleve's CustomFilterQuery
// does, without resolving every candidate's external id and building a map
// of its fields, which cost more than the check.
type keyFilterQuery struct {
	child  query.Query
	filter keyFilter
}

func (q *keyFilterQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	child, err := q.child.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	dv, err := r.DocValueReader([]string{fieldSortKey})
	if err != nil {
		child.Close()
		return nil, fmt.Errorf("read sort keys: %w", err)
	}
	f := q.filter
	return searcher.NewFilteringSearcher(ctx, child, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		keep := false
		err := dv.VisitDocValues(d.IndexInternalID, func(field string, term []byte) {
			if field != fieldSortKey || len(term) != docKeyLen {
				return
			}
			keep = f.keepKey(term)
		})
		return err == nil && keep
	}), nil
}
