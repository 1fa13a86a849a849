// Package timeline answers the questions of the timeline — which sessions
// match these filters and words, newest first, a page at a time, how many
// — and keeps the search index in step with the database. Filters without
// words are answered by SQLite alone (keyset pages over an index per
// filter); words go to the search index, which hands back ordered ids.
package timeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
)

// Filter is what the user asks for. Every field is optional; they combine
// with AND.
type Filter struct {
	Status    string            // all | active | completed
	Q         string            // search box: summaries, contact names and emails
	Summary   string            // summary contains
	Name      string            // contact name (partial words, small typos)
	Email     string            // contact email contains
	Text      string            // message text contains
	Channels  []string          // any of
	Labels    []string          // any of
	Sentiment string            // positive | neutral | negative
	Fields    map[string]string // custom field key = value, all of
	From, To  int64             // start between, UTC ms inclusive; 0 leaves a side open
}

// HasWords reports whether the filter needs the search index.
func (f Filter) HasWords() bool {
	return strings.TrimSpace(f.Q+f.Summary+f.Name+f.Email+f.Text) != ""
}

// Page is one page of the timeline.
type Page struct {
	Sessions []store.Session
	Next     *store.Cursor // nil at the end
	Total    int           // sessions matching the filter in all
}

// Service is the timeline over a store and its search index.
type Service struct {
	st *store.Store
	ix *search.Index
	// syncMu makes index updates one at a time: the outbox is read,
	// applied and acknowledged as a unit.
	syncMu sync.Mutex
	batch  int // sessions per round of Sync: syncBatchSize, smaller in tests
	counts countCache
}

// countCache keeps the number of sessions matching a filter until a
// session changes (or, for status filters, the minute turns): counting a
// million rows costs more than a page, and paging asks for it again and
// again.
type countCache struct {
	mu      sync.Mutex
	entries map[string]countEntry
}

type countEntry struct {
	seq, minute int64
	n           int
}

const countCacheSize = 256

func (c *countCache) get(key string, seq, minute int64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.seq != seq || e.minute != minute {
		return 0, false
	}
	return e.n, true
}

func (c *countCache) put(key string, seq, minute int64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= countCacheSize {
		c.entries = map[string]countEntry{}
	}
	c.entries[key] = countEntry{seq: seq, minute: minute, n: n}
}

// count is the number of sessions matching f, through the cache. q is f
// as the store's query, for when the index cannot answer.
func (s *Service) count(ctx context.Context, f Filter, q store.ListSessions) (int, error) {
	seq, err := s.st.ChangeSeq(ctx)
	if err != nil {
		return 0, err
	}
	q.Limit, q.After = 0, nil
	minute := int64(0)
	if q.Status == store.StatusActive || q.Status == store.StatusCompleted {
		minute = q.Now / 60_000
	}
	q.Now = minute * 60_000
	key := fmt.Sprintf("%+v", q) // fmt prints maps sorted: equal filters, equal keys
	if n, ok := s.counts.get(key, seq, minute); ok {
		return n, nil
	}
	n, ok, err := s.indexCount(ctx, f, q.Now)
	if err != nil {
		return 0, err
	}
	if !ok {
		if n, err = s.st.CountSessions(ctx, q); err != nil {
			return 0, err
		}
	}
	s.counts.put(key, seq, minute, n)
	return n, nil
}

// indexCount counts the sessions matching f with the search index, which
// counts any filter in a few milliseconds where SQLite needs a pass over
// the matching rows (~120 ms for a channel at a million sessions). It
// reports false when the index is not there or has not caught up with the
// database: the count would then be off.
func (s *Service) indexCount(ctx context.Context, f Filter, now int64) (int, bool, error) {
	if s.ix == nil || s.ix.NeedsRebuild() {
		return 0, false, nil
	}
	pending, err := s.st.OutboxLen(ctx)
	if err != nil || pending > 0 {
		return 0, false, err
	}
	n, err := s.ix.Count(ctx, searchQuery(f, now))
	if err != nil {
		return 0, false, fmt.Errorf("count matching sessions: %w", err)
	}
	return n, true, nil
}

// searchQuery is f at the clock now as a query of the search index.
func searchQuery(f Filter, now int64) search.Query {
	return search.Query{Q: f.Q, Summary: f.Summary, Name: f.Name, Email: f.Email, Text: f.Text, Channels: f.Channels,
		Labels: f.Labels, Sentiment: f.Sentiment, Fields: f.Fields, From: f.From, To: f.To, Status: f.Status, Now: now}
}

// Open opens the index in dir and brings it up to date with the store:
// rebuilt when new or of an older mapping, otherwise the changes a crash
// left in the outbox are applied.
func Open(ctx context.Context, st *store.Store, dir string) (*Service, error) {
	ix, err := search.Open(ctx, dir, search.Options{})
	if errors.Is(err, search.ErrLocked) {
		// The open app holds the index: filters still work from SQLite,
		// and what this process changes waits in the outbox for the app.
		return &Service{st: st, batch: syncBatchSize}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	s := &Service{st: st, ix: ix, batch: syncBatchSize}
	if ix.NeedsRebuild() {
		if err := st.RequeueAll(ctx); err != nil {
			ix.Close()
			return nil, err
		}
	}
	return s, nil
}

// ErrIndexBusy is returned for a word search while another process (the
// open app) holds the search index.
var ErrIndexBusy = errors.New("the search index is in use by the open Sessions app: close it to search words here, or use filters without words")

// Close closes the index.
func (s *Service) Close() error {
	if s.ix == nil {
		return nil
	}
	return s.ix.Close()
}

// Pending is the number of sessions the index has not caught up with.
func (s *Service) Pending(ctx context.Context) (int, error) { return s.st.OutboxLen(ctx) }

// syncBatchSize is how many sessions go to the index per round: big enough
// for the index's parallel shard writers (2,000 gave 5,300 sessions/s,
// 10,000 gave 7,900), small enough to bound the memory of the loaded
// session texts and to show progress.
const syncBatchSize = 5000

// Sync applies the outbox to the index until it is empty. progress, when
// not nil, hears how many sessions are done and how many were waiting.
func (s *Service) Sync(ctx context.Context, progress func(done, total int)) error {
	if s.ix == nil {
		return nil // the process holding the index applies the outbox
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	done := 0
	for {
		waiting, err := s.st.OutboxLen(ctx)
		if err != nil {
			return err
		}
		if waiting == 0 {
			if s.ix.NeedsRebuild() {
				// Every session is in: the rebuild asked for at open is done.
				return s.ix.MarkRebuilt(ctx)
			}
			return nil
		}
		// A pass reads the outbox once, in order; what changes behind
		// its reading position is taken by the next pass.
		if err := s.syncPass(ctx, &done, progress); err != nil {
			return err
		}
	}
}

// syncBatch is one round of Sync: outbox entries and the index changes
// they make.
type syncBatch struct {
	entries []store.OutboxEntry
	changes []search.Change
	indexed map[int64]int64 // session id → start it is indexed under
	err     error
}

// syncPass applies the outbox once through, a batch at a time. The next
// batch is read from SQLite while the index writes the current one, so
// that reading (one core) does not leave the index's writers (both cores)
// waiting. A rebuild of a million sessions ran at 6,900 sessions/s.
func (s *Service) syncPass(ctx context.Context, done *int, progress func(done, total int)) error {
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan syncBatch, 1)
	defer func() {
		cancel()
		for range batches { // wait for the reader to stop
		}
	}()
	go func() {
		defer close(batches)
		var after *store.OutboxEntry
		for {
			entries, err := s.st.Outbox(ctx, after, s.batch)
			if err != nil || len(entries) == 0 {
				if err != nil {
					batches <- syncBatch{err: err}
				}
				return
			}
			after = &entries[len(entries)-1]
			b, err := s.loadBatch(ctx, entries)
			if err != nil {
				b.err = err
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if err := s.ix.Apply(ctx, b.changes); err != nil {
			return fmt.Errorf("update search index: %w", err)
		}
		if err := s.st.AckOutbox(ctx, b.entries, b.indexed); err != nil {
			return err
		}
		*done += len(b.entries)
		if progress != nil {
			// Changes keep landing while the index catches up (a summary
			// stored queues its session again): what is left is counted
			// afresh, so the total is what this catch-up really does.
			left, err := s.st.OutboxLen(ctx)
			if err != nil {
				return err
			}
			progress(*done, *done+left)
		}
	}
	return ctx.Err()
}

// loadBatch reads what the index needs of the sessions of entries.
func (s *Service) loadBatch(ctx context.Context, entries []store.OutboxEntry) (syncBatch, error) {
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.SessionID
	}
	docs, err := s.st.SearchDocs(ctx, ids)
	if err != nil {
		return syncBatch{}, err
	}
	byID := make(map[int64]*store.SearchDoc, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	b := syncBatch{entries: entries, changes: make([]search.Change, 0, len(entries)), indexed: make(map[int64]int64, len(docs))}
	for _, e := range entries {
		d, ok := byID[e.SessionID]
		if !ok {
			// Deleted (or merged away): drop it where the index has it.
			if e.IndexedStart != 0 {
				b.changes = append(b.changes, search.Change{Delete: true, Doc: search.Doc{ID: e.SessionID, Start: e.IndexedStart}, PrevStart: e.IndexedStart})
			}
			continue
		}
		b.changes = append(b.changes, search.Change{Doc: docOf(d), PrevStart: e.IndexedStart})
		b.indexed[d.ID] = d.StartedAt
	}
	return b, nil
}

// Rebuild empties the index and indexes every session again.
func (s *Service) Rebuild(ctx context.Context, progress func(done, total int)) error {
	if s.ix == nil {
		return ErrIndexBusy
	}
	s.syncMu.Lock()
	err := s.ix.Reset(ctx)
	if err == nil {
		err = s.st.RequeueAll(ctx)
	}
	s.syncMu.Unlock()
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	return s.Sync(ctx, progress)
}

func docOf(d *store.SearchDoc) search.Doc {
	return search.Doc{
		ID:           d.ID,
		Start:        d.StartedAt,
		End:          d.LastMessageAt,
		ActiveUntil:  d.LastMessageAt + d.GapMS,
		Channel:      d.Channel,
		Sentiment:    d.Sentiment,
		ContactName:  d.ContactName,
		ContactEmail: d.ContactEmail,
		Summary:      d.Summary,
		Text:         d.Text,
		Labels:       d.Labels,
		Fields:       d.Fields,
	}
}

// ErrBadFilter is returned for a filter value that is not allowed.
var ErrBadFilter = errors.New("invalid filter")

// Validate checks the values of f that have a fixed set.
func (f Filter) Validate() error {
	switch f.Status {
	case "", store.StatusAll, store.StatusActive, store.StatusCompleted:
	default:
		return fmt.Errorf("%w: status %q (want all, active or completed)", ErrBadFilter, f.Status)
	}
	for _, c := range f.Channels {
		switch c {
		case "whatsapp", "instagram", "facebook", "webchat":
		default:
			return fmt.Errorf("%w: channel %q (want whatsapp, instagram, facebook or webchat)", ErrBadFilter, c)
		}
	}
	switch f.Sentiment {
	case "", "positive", "neutral", "negative":
	default:
		return fmt.Errorf("%w: sentiment %q (want positive, neutral or negative)", ErrBadFilter, f.Sentiment)
	}
	if f.From != 0 && f.To != 0 && f.From > f.To {
		return fmt.Errorf("%w: the start date is after the end date", ErrBadFilter)
	}
	return nil
}

// trimmed is f without spaces around its keyword values, and without
// empty ones. The index trims them and SQLite would not: a page read from
// SQLite and its count from the index must see the same filter.
func (f Filter) trimmed() Filter {
	trim := func(list []string) []string {
		var out []string
		for _, v := range list {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	f.Channels, f.Labels = trim(f.Channels), trim(f.Labels)
	f.Sentiment = strings.TrimSpace(f.Sentiment)
	if len(f.Fields) > 0 {
		fields := make(map[string]string, len(f.Fields))
		for k, v := range f.Fields {
			fields[k] = strings.TrimSpace(v)
		}
		f.Fields = fields
	}
	return f
}

// List returns one page of the sessions matching f at the clock now (UTC
// ms), newest first, after the cursor.
func (s *Service) List(ctx context.Context, f Filter, now int64, limit int, after *store.Cursor) (Page, error) {
	f = f.trimmed()
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	if limit <= 0 {
		limit = 50
	}
	if !f.HasWords() {
		q := store.ListSessions{Status: f.Status, Now: now, Channels: f.Channels, Labels: f.Labels, Sentiment: f.Sentiment,
			Fields: f.Fields, From: f.From, To: f.To, Limit: limit + 1, After: after}
		rows, err := s.st.ListSessions(ctx, q)
		if err != nil {
			return Page{}, err
		}
		total, err := s.count(ctx, f, q)
		if err != nil {
			return Page{}, err
		}
		p := Page{Sessions: rows, Total: total}
		if len(rows) > limit {
			p.Sessions = rows[:limit]
			last := p.Sessions[limit-1]
			p.Next = &store.Cursor{StartedAt: last.StartedAt, ID: last.ID}
		}
		return p, nil
	}
	if s.ix == nil {
		return Page{}, ErrIndexBusy
	}
	q := searchQuery(f, now)
	q.Limit, q.Count = limit, true
	if after != nil {
		q.After = &search.Cursor{Start: after.StartedAt, ID: after.ID}
	}
	res, err := s.ix.Search(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("search: %w", err)
	}
	rows, err := s.st.SessionsByIDs(ctx, res.IDs)
	if err != nil {
		return Page{}, err
	}
	p := Page{Sessions: rows, Total: res.Total}
	if res.Next != nil {
		p.Next = &store.Cursor{StartedAt: res.Next.Start, ID: res.Next.ID}
	}
	return p, nil
}
