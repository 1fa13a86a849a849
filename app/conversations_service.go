package app

import (
	"github.com/sessions-app/sessions/backend/conversations"
	"github.com/sessions-app/sessions/backend/store"
)

// ConversationsService shows whole threads a page at a time; the paging
// rules are backend/conversations', this only translates.
type ConversationsService struct {
	c       *core
	threads *conversations.Service
}

// GetConversation returns a page of a conversation's messages with the
// sessions they belong to.
func (s *ConversationsService) GetConversation(req ConversationRequest) (*ConversationView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	q := conversations.Request{ConversationID: req.ID, Limit: req.Limit}
	// One direction, the first given of Before, After and SessionID.
	switch {
	case req.Before != "":
		if q.Before, err = decodeMessagePos(req.Before); err != nil {
			return nil, err
		}
	case req.After != "":
		if q.After, err = decodeMessagePos(req.After); err != nil {
			return nil, err
		}
	default:
		q.SessionID = req.SessionID
	}
	p, err := s.threads.Page(ctx, q)
	if err != nil {
		return nil, err
	}
	v := &ConversationView{ID: p.Conversation.ID, Channel: p.Conversation.Channel, Title: p.Conversation.Title,
		MessageCount: p.MessageCount, SessionCount: p.SessionCount,
		Sessions: make([]SessionView, 0, len(p.Sessions)), Messages: make([]ThreadMessage, 0, len(p.Messages)),
		NextCursor: encodeMessagePos(p.Next), PrevCursor: encodeMessagePos(p.Prev)}
	if p.Contact != nil {
		v.Contact = &ContactView{ID: p.Contact.ID, Name: p.Contact.Name, Email: optional(p.Contact.Email)}
	}
	for _, sess := range p.Sessions {
		v.Sessions = append(v.Sessions, s.c.sessionView(sess))
	}
	for _, m := range p.Messages {
		tm := ThreadMessage{ID: m.ID, Edited: m.Edited, MessageView: s.c.messageView(m.Message)}
		if m.SessionID != 0 {
			id := m.SessionID
			tm.SessionID = &id
		}
		v.Messages = append(v.Messages, tm)
	}
	return v, nil
}

// Thread cursors are opaque like the timeline's, over a message's time
// and id.
func decodeMessagePos(s string) (*store.MessagePos, error) {
	c, err := decodeCursor(s)
	if err != nil {
		return nil, err
	}
	return &store.MessagePos{At: c.StartedAt, ID: c.ID}, nil
}

func encodeMessagePos(p *store.MessagePos) *string {
	if p == nil {
		return nil
	}
	c := encodeCursor(store.Cursor{StartedAt: p.At, ID: p.ID})
	return &c
}
