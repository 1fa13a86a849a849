// Package conversations pages through whole threads: a page of a
// conversation's messages in either direction, whether the thread goes on
// before and after it, and which session each message belongs to. A thread
// can hold a hundred thousand messages; every page costs the same.
package conversations

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/sessions-app/sessions/backend/store"
)

// Page sizes: the default and the largest number of messages per page.
const (
	DefaultLimit = 500
	MaxLimit     = 5000
)

// ErrBadRequest is a request that names no page (both directions at once).
var ErrBadRequest = errors.New("invalid thread request")

// Request selects a page of a thread. At most one of After, Before and
// SessionID is set; with none the page starts at the thread's first
// message.
type Request struct {
	ConversationID int64
	// After continues after that message, Before ends before it.
	After, Before *store.MessagePos
	// SessionID starts the page at that session's first message.
	SessionID int64
	// Limit is the number of messages: 0 means DefaultLimit; more than
	// MaxLimit means MaxLimit.
	Limit int
}

// Message is a message of the page and the session it belongs to.
type Message struct {
	store.Message
	// SessionID is 0 for a message outside every session (a system note
	// between two of them).
	SessionID int64
}

// Page is a page of a thread.
type Page struct {
	Conversation store.Conversation
	// Contact is the thread's contact; nil when it has none.
	Contact *store.Contact
	// MessageCount and SessionCount are of the whole thread (notices and
	// calls are not messages).
	MessageCount, SessionCount int
	// Messages are oldest first; Sessions are those they belong to,
	// oldest first.
	Messages []Message
	Sessions []store.Session
	// Next and Prev are where the thread goes on after the last and
	// before the first message of the page; nil at its ends.
	Next, Prev *store.MessagePos
}

// Service reads thread pages from a store.
type Service struct{ st *store.Store }

// New returns the service over st.
func New(st *store.Store) *Service { return &Service{st: st} }

// Page returns a page of a thread. An unknown conversation, or a session
// of another one, gives an error wrapping store.ErrNotFound.
func (s *Service) Page(ctx context.Context, req Request) (*Page, error) {
	n := 0
	for _, set := range []bool{req.After != nil, req.Before != nil, req.SessionID != 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("%w: ask for the page after a message, before one or from a session, not several", ErrBadRequest)
	}
	conv, err := s.st.GetConversation(ctx, req.ConversationID)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	// One message more than the page is read, to tell whether the thread
	// goes on in the direction read; the other direction is asked once.
	q := store.MessagePage{Limit: limit + 1, Before: req.Before, After: req.After}
	if req.SessionID != 0 {
		sess, err := s.st.GetSession(ctx, req.SessionID)
		if err != nil {
			return nil, err
		}
		if sess.ConversationID != conv.ID {
			return nil, fmt.Errorf("session %d is not in conversation %d: %w", sess.ID, conv.ID, store.ErrNotFound)
		}
		// Just before the session's first message: its first moment, and
		// an id above every id, so every message of that moment is in.
		q.After = &store.MessagePos{At: sess.StartedAt - 1, ID: 1<<63 - 1}
	}
	msgs, err := s.st.ConversationMessages(ctx, conv.ID, q)
	if err != nil {
		return nil, err
	}
	more := len(msgs) > limit
	if more {
		if q.Before != nil {
			msgs = msgs[1:] // the extra one is the oldest
		} else {
			msgs = msgs[:limit]
		}
	}

	p := &Page{Conversation: conv, Messages: make([]Message, 0, len(msgs))}
	if p.MessageCount, p.SessionCount, err = s.st.ConversationStats(ctx, conv.ID); err != nil {
		return nil, err
	}
	if conv.ContactID != 0 {
		c, err := s.st.GetContact(ctx, conv.ContactID)
		if err != nil {
			return nil, err
		}
		p.Contact = &c
	}
	if len(msgs) == 0 {
		return p, nil
	}
	first, last := msgs[0], msgs[len(msgs)-1]
	if p.Sessions, err = s.st.SessionsInSpan(ctx, conv.ID, first.At, last.At); err != nil {
		return nil, err
	}
	for _, m := range msgs {
		p.Messages = append(p.Messages, Message{Message: m, SessionID: sessionOf(p.Sessions, m.At)})
	}

	hasNext, hasPrev := more, more
	if q.Before != nil {
		hasNext = true // the page ends where a later page began
	} else {
		hasPrev = false
		if q.After != nil {
			before, err := s.st.ConversationMessages(ctx, conv.ID, store.MessagePage{Before: &store.MessagePos{At: first.At, ID: first.ID}, Limit: 1})
			if err != nil {
				return nil, err
			}
			hasPrev = len(before) > 0
		}
	}
	if hasNext {
		p.Next = &store.MessagePos{At: last.At, ID: last.ID}
	}
	if hasPrev {
		p.Prev = &store.MessagePos{At: first.At, ID: first.ID}
	}
	return p, nil
}

// sessionOf returns the id of the session holding a message at `at`: the
// last of sessions (oldest first) to start by then, if it has not ended
// before it; 0 when none does.
func sessionOf(sessions []store.Session, at int64) int64 {
	i := sort.Search(len(sessions), func(i int) bool { return sessions[i].StartedAt > at }) - 1
	if i >= 0 && at <= sessions[i].LastMessageAt {
		return sessions[i].ID
	}
	return 0
}
