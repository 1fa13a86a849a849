package app

import (
	"fmt"
	"sort"

	"github.com/sessions-app/sessions/backend/store"
)

// Thread pages: the default and the largest number of messages per call.
// A thread can hold a hundred thousand messages; the UI loads it a page at
// a time in either direction.
const (
	defaultThreadPage = 500
	maxThreadPage     = 5000
)

// defaultContactPage is the number of a contact's recent sessions shown.
const defaultContactPage = 20

// GetConversation returns a page of a conversation's messages with the
// sessions they belong to.
func (a *API) GetConversation(req ConversationRequest) (*ConversationView, error) {
	conv, err := a.st.GetConversation(a.ctx, req.ID)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultThreadPage
	}
	limit = min(limit, maxThreadPage)

	page := store.MessagePage{Limit: limit + 1}
	switch {
	case req.Before != "":
		c, err := decodeCursor(req.Before)
		if err != nil {
			return nil, err
		}
		page.Before = &store.MessagePos{At: c.StartedAt, ID: c.ID}
	case req.After != "":
		c, err := decodeCursor(req.After)
		if err != nil {
			return nil, err
		}
		page.After = &store.MessagePos{At: c.StartedAt, ID: c.ID}
	case req.SessionID != 0:
		s, err := a.st.GetSession(a.ctx, req.SessionID)
		if err != nil {
			return nil, err
		}
		if s.ConversationID != conv.ID {
			return nil, fmt.Errorf("session %d is not in conversation %d: %w", s.ID, conv.ID, store.ErrNotFound)
		}
		// Just before the session's first message: the first moment, no id.
		page.After = &store.MessagePos{At: s.StartedAt - 1, ID: 1<<63 - 1}
	}
	msgs, err := a.st.ConversationMessages(a.ctx, conv.ID, page)
	if err != nil {
		return nil, err
	}
	// One message more than the page was read, to tell whether the thread
	// goes on in the direction read; the other direction is asked once.
	more := len(msgs) > limit
	if more {
		if page.Before != nil {
			msgs = msgs[1:]
		} else {
			msgs = msgs[:limit]
		}
	}

	v := &ConversationView{ID: conv.ID, Channel: conv.Channel, Title: conv.Title, Sessions: []SessionView{}, Messages: make([]ThreadMessage, 0, len(msgs))}
	if v.MessageCount, v.SessionCount, err = a.st.ConversationStats(a.ctx, conv.ID); err != nil {
		return nil, err
	}
	if conv.ContactID != 0 {
		c, err := a.st.GetContact(a.ctx, conv.ContactID)
		if err != nil {
			return nil, err
		}
		v.Contact = &ContactView{ID: c.ID, Name: c.Name, Email: optional(c.Email)}
	}
	if len(msgs) == 0 {
		return v, nil
	}
	first, last := msgs[0], msgs[len(msgs)-1]
	sessions, err := a.st.SessionsInSpan(a.ctx, conv.ID, first.At, last.At)
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		v.Sessions = append(v.Sessions, a.sessionView(s))
	}
	for _, m := range msgs {
		tm := ThreadMessage{ID: m.ID, MessageView: a.messageView(m)}
		// The session holding m: the last to start by m's time, if it has
		// not ended before it.
		i := sort.Search(len(sessions), func(i int) bool { return sessions[i].StartedAt > m.At }) - 1
		if i >= 0 && m.At <= sessions[i].LastMessageAt {
			id := sessions[i].ID
			tm.SessionID = &id
		}
		v.Messages = append(v.Messages, tm)
	}

	cursorOf := func(m store.Message) *string {
		c := encodeCursor(store.Cursor{StartedAt: m.At, ID: m.ID})
		return &c
	}
	hasNext, hasPrev := more, more
	if page.Before != nil {
		hasNext = true // the page ends where an earlier page began
	} else {
		hasPrev = false
		if page.After != nil {
			before, err := a.st.ConversationMessages(a.ctx, conv.ID, store.MessagePage{Before: &store.MessagePos{At: first.At, ID: first.ID}, Limit: 1})
			if err != nil {
				return nil, err
			}
			hasPrev = len(before) > 0
		}
	}
	if hasNext {
		v.NextCursor = cursorOf(last)
	}
	if hasPrev {
		v.PrevCursor = cursorOf(first)
	}
	return v, nil
}

// ContactSessions returns a contact and a page of its sessions, newest
// first.
func (a *API) ContactSessions(req ContactRequest) (*ContactDetail, error) {
	c, err := a.st.GetContact(a.ctx, req.ID)
	if err != nil {
		return nil, err
	}
	channels, err := a.st.ContactChannels(a.ctx, req.ID)
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
	rows, err := a.st.ListSessions(a.ctx, q)
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
	for _, s := range rows {
		d.Sessions = append(d.Sessions, a.sessionView(s))
	}
	if d.Total, err = a.st.CountSessions(a.ctx, store.ListSessions{ContactID: c.ID}); err != nil {
		return nil, err
	}
	return d, nil
}
