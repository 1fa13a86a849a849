package search

import (
	"context"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// node is a query as a tree of exact terms. Every query of this package is
// one: term and prefix matches combined with AND and OR. It is run two
// ways: as a Bleve query for pages, which need the hits in order, and as
// set operations on the postings bitmaps of each index segment for counts,
// which need only how many.
type node struct {
	op    nodeOp
	field string // opTerm, opPrefix
	term  string // the term, or the prefix of the terms
	kids  []node // opAnd, opOr
}

type nodeOp uint8

const (
	opAll    nodeOp = iota // every document
	opTerm                 // documents with term in field
	opPrefix               // documents with a term starting with term in field
	opAnd                  // documents matching every kid
	opOr                   // documents matching any kid
)

// query is n as a Bleve query.
func (n node) query() query.Query {
	switch n.op {
	case opTerm:
		q := bleve.NewTermQuery(n.term)
		q.SetField(n.field)
		return q
	case opPrefix:
		q := bleve.NewPrefixQuery(n.term)
		q.SetField(n.field)
		return q
	case opAnd, opOr:
		qs := make([]query.Query, len(n.kids))
		for i, k := range n.kids {
			qs[i] = k.query()
		}
		if n.op == opAnd {
			return bleve.NewConjunctionQuery(qs...)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	return bleve.NewMatchAllQuery()
}

// countShard counts the documents of one shard that match n and pass f.
//
// A Bleve search visits every hit through its searchers and collector,
// about a microsecond each: a word in half of a million sessions costs half
// a second. Here each segment of the shard answers with the bitmap of its
// documents per term (its postings, without deleted documents), the bitmaps
// are intersected and joined as n says, and the result's cardinality is the
// count: a few roaring operations per segment, whatever the number of hits.
// Only a shard with a key filter (a month cut by the date range, or holding
// sessions still active) reads the sort key of each remaining document.
func countShard(ctx context.Context, s *shard, n node, f keyFilter) (uint64, error) {
	adv, err := s.idx.Advanced()
	if err != nil {
		return 0, fmt.Errorf("count in shard %s: %w", s.path, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, fmt.Errorf("count in shard %s: %w", s.path, err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("count in shard %s: the index reader is a %T, not a scorch snapshot", s.path, r)
	}
	var total uint64
	for _, seg := range snap.Segments() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		e := segmentEval{seg: seg.Segment(), deleted: seg.Deleted(), dicts: map[string]segment.TermDictionary{}}
		bm, err := e.eval(n)
		if err != nil {
			return 0, fmt.Errorf("count in shard %s: %w", s.path, err)
		}
		if f.isNone() {
			total += bm.GetCardinality()
			continue
		}
		kept, err := keepByKey(e.seg, bm, f)
		if err != nil {
			return 0, fmt.Errorf("count in shard %s: %w", s.path, err)
		}
		total += kept
	}
	return total, nil
}

// keepByKey counts the documents of bm whose sort key passes f.
func keepByKey(seg segment.Segment, bm *roaring.Bitmap, f keyFilter) (uint64, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return 0, fmt.Errorf("segment %T has no doc values to filter by time", seg)
	}
	fields := []string{fieldSortKey}
	var (
		n     uint64
		keep  bool
		state segment.DocVisitState
		err   error
	)
	visit := func(field string, term []byte) {
		if field == fieldSortKey && len(term) == docKeyLen {
			keep = f.keepKey(term)
		}
	}
	it := bm.Iterator()
	for it.HasNext() {
		keep = false
		if state, err = dv.VisitDocValues(uint64(it.Next()), fields, visit, state); err != nil {
			return 0, fmt.Errorf("read sort key: %w", err)
		}
		if keep {
			n++
		}
	}
	return n, nil
}

// segmentEval evaluates nodes on one segment. Bitmaps it returns may be
// the segment's own: they are never changed, only combined into new ones.
type segmentEval struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // nil when nothing is deleted
	dicts   map[string]segment.TermDictionary
}

func (e *segmentEval) eval(n node) (*roaring.Bitmap, error) {
	switch n.op {
	case opAll:
		bm := roaring.New()
		bm.AddRange(0, e.seg.Count())
		if e.deleted != nil {
			bm.AndNot(e.deleted)
		}
		return bm, nil
	case opTerm:
		d, err := e.dict(n.field)
		if err != nil {
			return nil, err
		}
		return e.postings(d, []byte(n.term))
	case opPrefix:
		d, err := e.dict(n.field)
		if err != nil {
			return nil, err
		}
		var parts []*roaring.Bitmap
		it := d.AutomatonIterator(nil, []byte(n.term), prefixEnd([]byte(n.term)))
		for {
			entry, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("list terms of %s with prefix %q: %w", n.field, n.term, err)
			}
			if entry == nil {
				break
			}
			bm, err := e.postings(d, []byte(entry.Term))
			if err != nil {
				return nil, err
			}
			parts = append(parts, bm)
		}
		return roaring.FastOr(parts...), nil
	case opAnd:
		var acc *roaring.Bitmap
		for i, k := range n.kids {
			bm, err := e.eval(k)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				acc = bm
			} else {
				acc = roaring.And(acc, bm)
			}
			if acc.IsEmpty() {
				break
			}
		}
		if acc == nil {
			return roaring.New(), nil
		}
		return acc, nil
	case opOr:
		parts := make([]*roaring.Bitmap, 0, len(n.kids))
		for _, k := range n.kids {
			bm, err := e.eval(k)
			if err != nil {
				return nil, err
			}
			parts = append(parts, bm)
		}
		return roaring.FastOr(parts...), nil
	}
	return nil, fmt.Errorf("unknown query node %d", n.op)
}

func (e *segmentEval) dict(field string) (segment.TermDictionary, error) {
	if d, ok := e.dicts[field]; ok {
		return d, nil
	}
	d, err := e.seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("open terms of %s: %w", field, err)
	}
	e.dicts[field] = d
	return d, nil
}

// postings returns the live documents holding term. Postings of many
// documents come as a bitmap; those of one document only as an iterator.
func (e *segmentEval) postings(d segment.TermDictionary, term []byte) (*roaring.Bitmap, error) {
	pl, err := d.PostingsList(term, e.deleted, nil)
	if err != nil {
		return nil, fmt.Errorf("read postings of %q: %w", term, err)
	}
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, nil
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read postings of %q: %w", term, err)
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// prefixEnd is the first key after every key starting with prefix, or nil
// when there is none (a prefix of only 0xff bytes).
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
