package app

import (
	"fmt"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// defaultContactPage is the number of a contact's recent sessions shown.
const defaultContactPage = 20

// SessionsService is the timeline: pages of sessions, one session with its
// messages, a contact with theirs.
type SessionsService struct{ c *core }

// ListSessions returns one page of the timeline, newest first, with the
// number of sessions matching in all.
func (s *SessionsService) ListSessions(req ListRequest) (*SessionPage, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	f, err := s.c.filter(req)
	if err != nil {
		return nil, err
	}
	var after *store.Cursor
	if req.Cursor != "" {
		c, err := decodeCursor(req.Cursor)
		if err != nil {
			return nil, err
		}
		after = &c
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	p, err := s.c.tl.List(ctx, f, s.c.now().UnixMilli(), limit, after)
	if err != nil {
		return nil, err
	}
	page := &SessionPage{Sessions: make([]SessionView, 0, len(p.Sessions)), Total: p.Total}
	if p.Next != nil {
		next := encodeCursor(*p.Next)
		page.NextCursor = &next
	}
	for _, sess := range p.Sessions {
		page.Sessions = append(page.Sessions, s.c.sessionView(sess))
	}
	if f.HasWords() {
		if page.IndexPending, err = s.c.tl.Pending(ctx); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// filter turns a request into a timeline filter; days are read in the
// viewer's zone.
func (v viewer) filter(req ListRequest) (timeline.Filter, error) {
	f := timeline.Filter{Status: req.Status, Q: req.Q, Summary: req.Summary, Name: req.Name, Email: req.Email, Text: req.Text,
		Channels: req.Channels, Labels: req.Labels, Sentiment: req.Sentiment, Fields: req.Fields, ContactID: req.ContactID}
	var err error
	if f.From, err = v.dayStart("from", req.From); err != nil {
		return f, err
	}
	if f.To, err = v.dayEnd("to", req.To); err != nil {
		return f, err
	}
	if f.EndedFrom, err = v.dayStart("ended_from", req.EndedFrom); err != nil {
		return f, err
	}
	if f.EndedTo, err = v.dayEnd("ended_to", req.EndedTo); err != nil {
		return f, err
	}
	return f, f.Validate()
}

// dayStart is the first millisecond (UTC ms) of a day written YYYY-MM-DD in
// the viewer's zone; 0 for none. what names the field in the error.
func (v viewer) dayStart(what, day string) (int64, error) {
	if day == "" {
		return 0, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, day, v.loc)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a day like 2024-03-14", timeline.ErrBadFilter, what, day)
	}
	return d.UnixMilli(), nil
}

// dayEnd is the last millisecond of a day in the viewer's zone: the whole
// day, also on a DST change; 0 for none.
func (v viewer) dayEnd(what, day string) (int64, error) {
	if day == "" {
		return 0, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, day, v.loc)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a day like 2024-03-14", timeline.ErrBadFilter, what, day)
	}
	return d.AddDate(0, 0, 1).UnixMilli() - 1, nil
}

// GetSession returns one session with its messages.
func (s *SessionsService) GetSession(id int64) (*SessionDetail, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	sess, err := s.c.st.GetSession(ctx, id)
	if err != nil {
		return nil, err
	}
	msgs, err := s.c.st.SessionMessages(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &SessionDetail{SessionView: s.c.sessionView(sess), Messages: make([]MessageView, 0, len(msgs))}
	for _, m := range msgs {
		d.Messages = append(d.Messages, s.c.messageView(m))
		if m.Role == "system" {
			d.NoticeCount++
		}
	}
	return d, nil
}

// ContactSessions returns a contact and a page of its sessions, newest
// first.
func (s *SessionsService) ContactSessions(req ContactRequest) (*ContactDetail, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	c, err := s.c.st.GetContact(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	channels, err := s.c.st.ContactChannels(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultContactPage
	}
	q := store.ListSessions{ContactID: c.ID, Limit: limit + 1}
	if req.Cursor != "" {
		after, err := decodeCursor(req.Cursor)
		if err != nil {
			return nil, err
		}
		q.After = &after
	}
	rows, err := s.c.st.ListSessions(ctx, q)
	if err != nil {
		return nil, err
	}
	d := &ContactDetail{ID: c.ID, Name: c.Name, Email: optional(c.Email), Phone: optional(c.Phone), Channels: channels,
		Sessions: make([]SessionView, 0, min(len(rows), limit))}
	if len(rows) > limit {
		rows = rows[:limit]
		next := encodeCursor(store.Cursor{StartedAt: rows[limit-1].StartedAt, ID: rows[limit-1].ID})
		d.NextCursor = &next
	}
	for _, sess := range rows {
		d.Sessions = append(d.Sessions, s.c.sessionView(sess))
	}
	if d.Total, err = s.c.st.CountSessions(ctx, store.ListSessions{ContactID: c.ID}); err != nil {
		return nil, err
	}
	return d, nil
}
