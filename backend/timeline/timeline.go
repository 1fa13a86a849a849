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
	"sync/atomic"
	"time"

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
	Labels    []string          // any of, by labels.Fold (case and accents)
	Sentiment string            // positive | neutral | negative
	Fields    map[string]string // custom field key = value (by labels.Fold), all of
	From, To  int64             // start between, UTC ms inclusive; 0 leaves a side open
	// EndedFrom and EndedTo bound the end (last message) of completed
	// sessions, UTC ms inclusive; active sessions have none and never
	// match. 0 leaves a side open.
	EndedFrom, EndedTo int64
	// ContactID, when not 0, keeps one contact's sessions (the contact
	// page). The search index does not know contacts: with words it is
	// for aggregates (Select) only.
	ContactID int64
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
	// ix is the search index, nil while this process cannot open it:
	// another process holds it, or it failed to open (a full disk). Word
	// searches, Rebuild and Sync then try again (see index).
	ix   atomic.Pointer[search.Index]
	dir  string
	opts Options
	// openMu makes one goroutine at a time try to open the index; ixErr
	// is why the last try failed.
	openMu sync.Mutex
	ixErr  error
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
	if q.Status == store.StatusActive || q.Status == store.StatusCompleted || q.EndedFrom != 0 || q.EndedTo != 0 {
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
	ix := s.ix.Load()
	if ix == nil || ix.NeedsRebuild() || f.ContactID != 0 { // the index does not know contacts
		return 0, false, nil
	}
	pending, err := s.st.OutboxLen(ctx)
	if err != nil || pending > 0 {
		return 0, false, err
	}
	n, err := ix.Count(ctx, searchQuery(f, now))
	if err != nil {
		return 0, false, fmt.Errorf("count matching sessions: %w", err)
	}
	return n, true, nil
}

// searchQuery is f at the clock now as a query of the search index.
func searchQuery(f Filter, now int64) search.Query {
	return search.Query{Q: f.Q, Summary: f.Summary, Name: f.Name, Email: f.Email, Text: f.Text, Channels: f.Channels,
		Labels: f.Labels, Sentiment: f.Sentiment, Fields: f.Fields, From: f.From, To: f.To, EndedFrom: f.EndedFrom, EndedTo: f.EndedTo,
		Status: f.Status, Now: now}
}

// Options configures OpenWith.
type Options struct {
	// LockWait is how long a word search or a rebuild waits for another
	// process (a CLI import) to let go of the search index; 0 fails at once
	// with an IndexBusyError. Filters without words never wait: SQLite
	// answers them.
	LockWait time.Duration
	// OnLockWait, when not nil, hears who holds the index (as
	// search.Holder.String names it) when a word search or a rebuild starts
	// waiting for it.
	OnLockWait func(holder string)
	// Holder is what this process is, for the messages of the others; empty
	// means its command line.
	Holder string
}

// Open opens the index in dir with the zero Options. See OpenWith.
func Open(ctx context.Context, st *store.Store, dir string) (*Service, error) {
	return OpenWith(ctx, st, dir, Options{})
}

// OpenWith opens the index in dir and brings it up to date with the store:
// rebuilt when new or of an older mapping, otherwise the changes a crash
// left in the outbox are applied. When the index cannot be opened now —
// another process holds it, the disk is full, the library is read-only —
// the service still answers everything SQLite can (filters without
// words), IndexUnavailable says why, and word searches, Rebuild and Sync
// try again.
func OpenWith(ctx context.Context, st *store.Store, dir string, opts Options) (*Service, error) {
	s := &Service{st: st, dir: dir, opts: opts, batch: syncBatchSize}
	if _, err := s.index(ctx, false); err != nil && ctx.Err() != nil {
		return nil, err
	}
	return s, nil
}

// index returns the search index, opening it when this process does not
// hold it yet; wait says whether to wait (Options.LockWait) for another
// process to let go of it. The error says why there is none.
func (s *Service) index(ctx context.Context, wait bool) (*search.Index, error) {
	if ix := s.ix.Load(); ix != nil {
		return ix, nil
	}
	s.openMu.Lock()
	defer s.openMu.Unlock()
	if ix := s.ix.Load(); ix != nil {
		return ix, nil
	}
	ix, err := s.openIndex(ctx, wait)
	if err != nil {
		s.ixErr = err
		return nil, err
	}
	s.ixErr = nil
	s.ix.Store(ix)
	return ix, nil
}

func (s *Service) openIndex(ctx context.Context, wait bool) (*search.Index, error) {
	if ro := s.st.ReadOnly(); ro != nil {
		// The index is written even to be read (its lock, its outbox),
		// which a read-only library cannot take.
		return nil, &IndexUnavailableError{Err: fmt.Errorf("the search index cannot be opened, as the library in %s is read-only (%s)", ro.Dir, ro.Reason)}
	}
	opts := search.Options{Holder: s.opts.Holder}
	if wait {
		opts.LockWait = s.opts.LockWait
		if on := s.opts.OnLockWait; on != nil {
			opts.OnLockWait = func(h *search.Holder) { on(h.String()) }
		}
	}
	ix, err := search.Open(ctx, s.dir, opts)
	var locked *search.LockedError
	switch {
	case errors.As(err, &locked):
		// What this process changes waits in the outbox for the holder
		// (or for this process, once it gets the index).
		return nil, &IndexBusyError{Holder: locked.Holder}
	case err != nil && ctx.Err() != nil:
		return nil, err
	case err != nil:
		// The index is derived data: SQLite still answers what it can.
		return nil, &IndexUnavailableError{Err: fmt.Errorf("open search index %s: %w", s.dir, err)}
	}
	if ix.NeedsRebuild() {
		if err := s.st.RequeueAll(ctx); err != nil {
			ix.Close()
			return nil, &IndexUnavailableError{Err: err}
		}
	}
	return ix, nil
}

// IndexUnavailable says why this process has no search index now (see
// OpenWith), or nil when it has one.
func (s *Service) IndexUnavailable() error {
	if s.ix.Load() != nil {
		return nil
	}
	s.openMu.Lock()
	defer s.openMu.Unlock()
	return s.ixErr
}

// ErrIndexBusy is matched by IndexBusyError: another process holds the
// search index.
var ErrIndexBusy = errors.New("the search index is in use by another Sessions process")

// IndexBusyError is returned for a word search or a rebuild while another
// process holds the search index, once Options.LockWait has passed.
type IndexBusyError struct {
	Holder *search.Holder // nil when the holder did not say who it is
}

func (e *IndexBusyError) Error() string {
	return "the search index is in use by " + e.Holder.String() +
		": try again when it has finished, or use filters without words"
}

func (e *IndexBusyError) Is(target error) bool { return target == ErrIndexBusy }

// ErrIndexUnavailable is matched by IndexUnavailableError.
var ErrIndexUnavailable = errors.New("the search index cannot be opened")

// IndexUnavailableError is returned for a word search or a rebuild when
// the search index cannot be opened (a full disk, a read-only library).
type IndexUnavailableError struct{ Err error }

func (e *IndexUnavailableError) Error() string {
	return fmt.Sprintf("%v; filters without words still work", e.Err)
}

func (e *IndexUnavailableError) Unwrap() error { return e.Err }

func (e *IndexUnavailableError) Is(target error) bool { return target == ErrIndexUnavailable }

// Close closes the index.
func (s *Service) Close() error {
	s.openMu.Lock()
	defer s.openMu.Unlock()
	ix := s.ix.Swap(nil)
	if ix == nil {
		return nil
	}
	return ix.Close()
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
	ix, err := s.index(ctx, false)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// The process holding the index applies the outbox, or this one
		// does once the index can be opened again.
		return nil
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
			if ix.NeedsRebuild() {
				// Every session is in: the rebuild asked for at open is done.
				return ix.MarkRebuilt(ctx)
			}
			return nil
		}
		// A pass reads the outbox once, in order; what changes behind
		// its reading position is taken by the next pass.
		if err := s.syncPass(ctx, ix, &done, progress); err != nil {
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
func (s *Service) syncPass(ctx context.Context, ix *search.Index, done *int, progress func(done, total int)) error {
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
		if err := ix.Apply(ctx, b.changes); err != nil {
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
	ix, err := s.index(ctx, true)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	s.syncMu.Lock()
	err = ix.Reset(ctx)
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
		return fmt.Errorf("%w: the start date range begins after it ends", ErrBadFilter)
	}
	if f.EndedFrom != 0 && f.EndedTo != 0 && f.EndedFrom > f.EndedTo {
		return fmt.Errorf("%w: the end date range begins after it ends", ErrBadFilter)
	}
	if f.ContactID < 0 {
		return fmt.Errorf("%w: contact %d", ErrBadFilter, f.ContactID)
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
	if f.ContactID != 0 && f.HasWords() {
		return Page{}, fmt.Errorf("%w: words with a contact (the contact page lists their sessions without words)", ErrBadFilter)
	}
	if !f.HasWords() {
		q := store.ListSessions{Status: f.Status, Now: now, Channels: f.Channels, Labels: f.Labels, Sentiment: f.Sentiment,
			Fields: f.Fields, From: f.From, To: f.To, EndedFrom: f.EndedFrom, EndedTo: f.EndedTo, ContactID: f.ContactID, Limit: limit + 1, After: after}
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
	ix := s.ix.Load()
	if ix == nil {
		// Another process held the index, or it could not be opened: wait
		// for it (bounded), then catch up with what changed meanwhile.
		var err error
		if ix, err = s.index(ctx, true); err != nil {
			return Page{}, fmt.Errorf("search words: %w", err)
		}
		if err := s.Sync(ctx, nil); err != nil {
			return Page{}, err
		}
	}
	q := searchQuery(f, now)
	q.Limit, q.Count = limit, true
	if after != nil {
		q.After = &search.Cursor{Start: after.StartedAt, ID: after.ID}
	}
	res, err := ix.Search(ctx, q)
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
