package search

import (
	"fmt"
	"sync"
	"unicode/utf8"
)

// nameTerms is the set of every term ever indexed in contact names, over
// all shards. Typo-tolerant name matching looks candidates up here, once
// per query, and searches the shards for those exact terms: Bleve's fuzzy
// query builds a Levenshtein automaton per shard, which was half the cost
// of a search that walks every month. Terms are never removed (a term whose
// sessions are gone matches nothing), so the set only has to be complete,
// not exact.
type nameTerms struct {
	mu    sync.RWMutex
	set   map[string]struct{}
	byLen map[int][]string // by length in runes
}

func newNameTerms() *nameTerms {
	return &nameTerms{set: map[string]struct{}{}, byLen: map[int][]string{}}
}

// add records terms; it takes the write lock only for new ones.
func (n *nameTerms) add(terms []string) {
	n.mu.RLock()
	fresh := false
	for _, t := range terms {
		if _, ok := n.set[t]; !ok {
			fresh = true
			break
		}
	}
	n.mu.RUnlock()
	if !fresh {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, t := range terms {
		if _, ok := n.set[t]; !ok {
			n.set[t] = struct{}{}
			l := utf8.RuneCountInString(t)
			n.byLen[l] = append(n.byLen[l], t)
		}
	}
}

func (n *nameTerms) reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(n.set)
	clear(n.byLen)
}

// load adds every name term of a shard.
func (n *nameTerms) load(s *shard) error {
	dict, err := s.idx.FieldDict(fieldName)
	if err != nil {
		return fmt.Errorf("list names of shard %s: %w", s.path, err)
	}
	defer dict.Close()
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("list names of shard %s: %w", s.path, err)
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
	}
	n.add(terms)
	return nil
}

// withinOne returns the known terms at edit distance exactly 1 from t
// (one rune inserted, deleted or replaced).
func (n *nameTerms) withinOne(t string) []string {
	l := utf8.RuneCountInString(t)
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []string
	for cl := l - 1; cl <= l+1; cl++ {
		for _, c := range n.byLen[cl] {
			if c != t && withinOneEdit(t, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// withinOneEdit reports whether a and b are at most one insertion, deletion
// or substitution of a rune apart: once their common prefix and common
// suffix are cut off, at most one rune may remain of each.
func withinOneEdit(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	// Cut at a rune boundary of both, so the middles hold whole runes.
	for i > 0 && (i < len(a) && !utf8.RuneStart(a[i]) || i < len(b) && !utf8.RuneStart(b[i])) {
		i--
	}
	j := 0
	for j < len(a)-i && j < len(b)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	for j > 0 && !utf8.RuneStart(a[len(a)-j]) {
		j--
	}
	return utf8.RuneCountInString(a[i:len(a)-j]) <= 1 && utf8.RuneCountInString(b[i:len(b)-j]) <= 1
}
