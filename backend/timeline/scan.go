package timeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
)

// DefaultScanBatch is how many sessions Scan hands over at a time: big
// enough that the per-batch queries (labels, fields) are few, small enough
// that the memory of a batch stays a few megabytes.
const DefaultScanBatch = 1000

// scanSearchPage is how many ids Scan asks the search index for at a time.
const scanSearchPage = 10_000

// Scan calls fn with every session matching f at the clock now (UTC ms),
// newest first, batch sessions at a time (0 means DefaultScanBatch), as
// an export writes them (store.ExportRow). The filter is resolved as List
// resolves it — SQLite for filters without words, in one pass over its
// timeline index; the search index's ordered ids for words — but nothing
// is counted: an export of a million sessions reads each row once and
// holds a batch in memory. fn may keep the slice. An error from fn stops
// the scan and is returned as it is.
func (s *Service) Scan(ctx context.Context, f Filter, now int64, batch int, fn func([]store.ExportRow) error) error {
	f = f.trimmed()
	if err := f.Validate(); err != nil {
		return err
	}
	if batch <= 0 {
		batch = DefaultScanBatch
	}
	if f.ContactID != 0 && f.HasWords() {
		// As List: the index does not know contacts.
		return fmt.Errorf("%w: words with a contact (the contact page lists their sessions without words)", ErrBadFilter)
	}
	if !f.HasWords() {
		q := store.ListSessions{Status: f.Status, Now: now, Channels: f.Channels, Labels: f.Labels, Sentiment: f.Sentiment,
			Fields: f.Fields, From: f.From, To: f.To, EndedFrom: f.EndedFrom, EndedTo: f.EndedTo, ContactID: f.ContactID}
		return s.st.ExportSessions(ctx, q, batch, fn)
	}
	ix, err := s.index(ctx, true)
	if err != nil {
		return fmt.Errorf("search words: %w", err)
	}
	// What changed since the index last caught up is taken first, as a
	// word search's first page does.
	if err := s.Sync(ctx, nil); err != nil {
		return err
	}
	q := searchQuery(f, now)
	// Each search starts over from its cursor, sorting what matches
	// after it: from a batch of the default size on, the ids come in
	// pages of scanSearchPage (pages of 1,000 gave 29,000 rows/s over
	// 173,000 matches, of 10,000 39,000). Smaller batches page as they go.
	q.Limit = batch
	if batch >= DefaultScanBatch {
		q.Limit = max(batch, scanSearchPage)
	}
	for {
		res, err := ix.Search(ctx, q)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for ids := range slices.Chunk(res.IDs, batch) {
			rows, err := s.st.ExportSessionsByIDs(ctx, ids)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				if err := fn(rows); err != nil {
					return err
				}
			}
		}
		if res.Next == nil {
			return nil
		}
		q.After = &search.Cursor{Start: res.Next.Start, ID: res.Next.ID}
	}
}

// OpenLazy returns the timeline over st without opening the search index
// in dir yet: it is opened (waiting opts.LockWait for another process)
// the first time words need it. Until then everything is SQLite's, and
// the index's files are not read: an export of a filter without words
// then keeps the memory of its batch, not the hundreds of megabytes of a
// million sessions' index pages.
func OpenLazy(st *store.Store, dir string, opts Options) *Service {
	return &Service{st: st, dir: dir, opts: opts, batch: syncBatchSize}
}
