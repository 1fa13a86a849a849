package timeline

import (
	"context"
	"fmt"

	"github.com/sessions-app/sessions/backend/search"
	"github.com/sessions-app/sessions/backend/store"
)

// selectPage is how many ids a word search hands over per page when Select
// collects all of them.
const selectPage = 10_000

// Select resolves f at the clock now (UTC ms) into the sessions it
// matches, as the store reads them: the store's own query for filters
// without words, the ids the search index finds for words. Aggregates
// (insights, exports) read exactly the timeline's sessions this way,
// without a second filter language.
func (s *Service) Select(ctx context.Context, f Filter, now int64) (store.Selection, error) {
	f = f.trimmed()
	if err := f.Validate(); err != nil {
		return store.Selection{}, err
	}
	if !f.HasWords() {
		return store.Selection{Query: store.ListSessions{Status: f.Status, Now: now, Channels: f.Channels, Labels: f.Labels,
			Sentiment: f.Sentiment, Fields: f.Fields, From: f.From, To: f.To, EndedFrom: f.EndedFrom, EndedTo: f.EndedTo, ContactID: f.ContactID}}, nil
	}
	ids := []int64{}
	var after *store.Cursor
	for {
		p, err := s.listIDs(ctx, f, now, after)
		if err != nil {
			return store.Selection{}, err
		}
		ids = append(ids, p.ids...)
		if p.next == nil {
			// The index does not know contacts: the store keeps the
			// contact's among the ids.
			return store.Selection{Query: store.ListSessions{Now: now, ContactID: f.ContactID}, ByIDs: true, IDs: ids}, nil
		}
		after = p.next
	}
}

type idPage struct {
	ids  []int64
	next *store.Cursor
}

// listIDs is one page of a word search's ids, after the cursor.
func (s *Service) listIDs(ctx context.Context, f Filter, now int64, after *store.Cursor) (idPage, error) {
	ix := s.ix.Load()
	if ix == nil {
		var err error
		if ix, err = s.index(ctx, true); err != nil {
			return idPage{}, fmt.Errorf("search words: %w", err)
		}
		if err := s.Sync(ctx, nil); err != nil {
			return idPage{}, err
		}
	}
	q := searchQuery(f, now)
	q.Limit = selectPage
	if after != nil {
		q.After = &search.Cursor{Start: after.StartedAt, ID: after.ID}
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return idPage{}, fmt.Errorf("search: %w", err)
	}
	p := idPage{ids: res.IDs}
	if res.Next != nil {
		p.next = &store.Cursor{StartedAt: res.Next.Start, ID: res.Next.ID}
	}
	return p, nil
}
