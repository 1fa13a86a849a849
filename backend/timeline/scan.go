package timeline

import (
	"context"
	"fmt"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
)

// DefaultScanBatch is how many sessions Scan hands over at a time: big
// enough that the per-batch queries (labels, fields) are few, small enough
// that the memory of a batch stays a few megabytes.
const DefaultScanBatch = 1000

// Scan calls fn with every session matching f at the clock now (UTC ms),
// newest first, batch sessions at a time (0 means DefaultScanBatch), the
// way List pages them — keyset pages over SQLite for filters without
// words, the search index's ordered ids for words — but without counting
// them: an export of a million sessions reads each row once and holds one
// batch in memory. The slice is fn's only until it returns. An error from
// fn stops the scan and is returned as it is.
func (s *Service) Scan(ctx context.Context, f Filter, now int64, batch int, fn func([]store.Session) error) error {
	f = f.trimmed()
	if err := f.Validate(); err != nil {
		return err
	}
	if batch <= 0 {
		batch = DefaultScanBatch
	}
	if !f.HasWords() {
		q := store.ListSessions{Status: f.Status, Now: now, Channels: f.Channels, Labels: f.Labels, Sentiment: f.Sentiment,
			Fields: f.Fields, From: f.From, To: f.To, EndedFrom: f.EndedFrom, EndedTo: f.EndedTo, Limit: batch}
		for {
			rows, err := s.st.ListSessions(ctx, q)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return nil
			}
			if err := fn(rows); err != nil {
				return err
			}
			if len(rows) < batch {
				return nil
			}
			last := rows[len(rows)-1]
			q.After = &store.Cursor{StartedAt: last.StartedAt, ID: last.ID}
		}
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
	q.Limit = batch
	for {
		res, err := ix.Search(ctx, q)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if len(res.IDs) > 0 {
			rows, err := s.st.SessionsByIDs(ctx, res.IDs)
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
