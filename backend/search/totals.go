package search

import (
	"container/list"
	"sync"
)

// totalCache remembers recent totals, so paging through a result set counts
// it once. An entry is valid only for the index generation it was counted
// at; Apply and Reset move the generation and clear the cache.
type totalCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *totalEntry, most recently used first
	byKey map[string]*list.Element
}

type totalEntry struct {
	key   string
	gen   uint64
	total int
}

func newTotalCache(max int) *totalCache {
	return &totalCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *totalCache) get(key string, gen uint64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return 0, false
	}
	e := el.Value.(*totalEntry)
	if e.gen != gen {
		c.order.Remove(el)
		delete(c.byKey, key)
		return 0, false
	}
	c.order.MoveToFront(el)
	return e.total, true
}

func (c *totalCache) put(key string, gen uint64, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		el.Value = &totalEntry{key: key, gen: gen, total: total}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&totalEntry{key: key, gen: gen, total: total})
	for c.order.Len() > c.max {
		el := c.order.Back()
		c.order.Remove(el)
		delete(c.byKey, el.Value.(*totalEntry).key)
	}
}

func (c *totalCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.byKey)
}
