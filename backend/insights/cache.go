package insights

import "sync"

// Cache keeps recent results until the library changes (the store's
// change sequence moves) or the minute turns (sessions end with the
// clock): switching a chart's period and back, or returning to the view,
// then costs nothing, where a million sessions take about a second.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	seq, minute int64
	res         *Result
}

// cacheSize bounds the entries; when full the cache starts over.
const cacheSize = 64

// Get returns the result kept for key at the change sequence seq and the
// minute, if any. The result is shared: callers do not change it.
func (c *Cache) Get(key string, seq, minute int64) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.seq != seq || e.minute != minute {
		return nil, false
	}
	return e.res, true
}

// Put keeps res for key at seq and minute.
func (c *Cache) Put(key string, seq, minute int64, res *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= cacheSize {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[key] = cacheEntry{seq: seq, minute: minute, res: res}
}
