package app

import (
	"time"

	"github.com/sessions-app/sessions/backend/store"
)

// The JSON shapes below are shared by the command line (--json) and the UI:
// the frontend reads exactly these fields, so renaming one is an API change.

// ContactView is the contact of a session.
type ContactView struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Email *string `json:"email"`
}

// HandoffView says whether an AI agent took part in a session and, when a
// human took over, who and when.
type HandoffView struct {
	Bot   *string `json:"bot"`
	Agent *string `json:"agent"`
	At    *string `json:"at"`
	// WaitS is how long the customer waited for the human after the bot's
	// last message, in seconds.
	WaitS *int64 `json:"wait_s"`
	// BotOnly is true when the bot handled the session alone.
	BotOnly bool `json:"bot_only"`
}

// SessionView is one row of the timeline. Times are RFC 3339 with the
// offset of the viewer's zone; empty values are null.
type SessionView struct {
	ID int64 `json:"id"`
	// ConversationID is the thread the session is part of.
	ConversationID int64       `json:"conversation_id"`
	Contact        ContactView `json:"contact"`
	Channel        string      `json:"channel"`
	Status         string      `json:"status"`
	StartedAt      string      `json:"started_at"`
	EndedAt        *string     `json:"ended_at"`
	DurationS      *int64      `json:"duration_s"`
	MessageCount   int         `json:"message_count"`
	Summary        *string     `json:"summary"`
	// SummarySource is "builtin" or "ollama": the UI marks built-in ones.
	SummarySource *string `json:"summary_source"`
	// SummaryError says why the last summary attempt failed.
	SummaryError *string    `json:"summary_error"`
	Sentiment    *string    `json:"sentiment"`
	Labels       []LabelRef `json:"labels"`
	// Fields are the session's custom field values by key; the fields'
	// names and types come from FieldsService.ListFields.
	Fields  map[string]string `json:"fields"`
	Handoff HandoffView       `json:"handoff"`
}

// LabelRef is a label on a session: its name and colour (#rrggbb).
type LabelRef struct {
	Name  string `json:"name"`
	Color string `json:"color"`
}

// SessionPage is one page of the timeline; NextCursor is null at the end.
type SessionPage struct {
	Sessions   []SessionView `json:"sessions"`
	NextCursor *string       `json:"next_cursor"`
	// Total is the number of sessions matching the request in all.
	Total int `json:"total"`
	// IndexPending is the number of sessions the search index has not
	// caught up with yet: word searches may miss them until it is 0.
	IndexPending int `json:"index_pending"`
}

// MessageView is one message of a session.
type MessageView struct {
	At          string   `json:"at"`
	Author      *string  `json:"author"`
	Role        string   `json:"role"`
	Kind        string   `json:"kind"`
	Body        string   `json:"body"`
	Attachments []string `json:"attachments"`
}

// SessionDetail is a session with its entries: everything in the thread from
// its first message to its last. Messages (customer, agent, bot) are what
// message_count counts; WhatsApp notices and call events (role "system")
// are listed among them and counted apart, as notice_count.
type SessionDetail struct {
	SessionView
	NoticeCount int           `json:"notice_count"`
	Messages    []MessageView `json:"messages"`
}

// ListRequest selects a page of the timeline. Every filter is optional and
// they combine with AND.
type ListRequest struct {
	// Status is "all" (or empty), "active" or "completed".
	Status string `json:"status"`
	// Q is the search box: it matches summaries, contact names and emails.
	Q string `json:"q"`
	// Summary, Name, Email and Text match words in the summary, the
	// contact's name (partial words, small typos), the contact's email and
	// the messages of the session.
	Summary string `json:"summary"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Text    string `json:"text"`
	// From and To are days (YYYY-MM-DD) in the viewer's zone, inclusive,
	// bounding the session's start.
	From string `json:"from"`
	To   string `json:"to"`
	// EndedFrom and EndedTo are days (YYYY-MM-DD) in the viewer's zone,
	// inclusive, bounding the day a session ended; active sessions have
	// not ended and never match.
	EndedFrom string `json:"ended_from"`
	EndedTo   string `json:"ended_to"`
	// Channels and Labels keep sessions with any of them.
	Channels []string `json:"channels"`
	Labels   []string `json:"labels"`
	// Sentiment is positive, neutral or negative.
	Sentiment string `json:"sentiment"`
	// Fields keeps sessions whose custom field KEY has VALUE, for each pair.
	Fields map[string]string `json:"fields"`
	// ContactID, when not 0, keeps one contact's sessions (the contact
	// page's insights); the timeline refuses it together with words.
	ContactID int64 `json:"contact_id"`
	// Limit is the page size; 0 means 50.
	Limit int `json:"limit"`
	// Cursor is the next_cursor of the previous page, or empty for the first.
	Cursor string `json:"cursor"`
}

// filtered reports whether the request narrows the timeline at all.
func (r ListRequest) filtered() bool {
	return (r.Status != "" && r.Status != "all") || r.Q != "" || r.Summary != "" || r.Name != "" || r.Email != "" ||
		r.Text != "" || r.From != "" || r.To != "" || r.EndedFrom != "" || r.EndedTo != "" || len(r.Channels) > 0 || len(r.Labels) > 0 || r.Sentiment != "" || len(r.Fields) > 0 || r.ContactID != 0
}

// ConversationRequest selects a page of a whole thread.
type ConversationRequest struct {
	ID int64 `json:"id"`
	// SessionID, when set, starts the page at that session's first
	// message: the detail page's "show in the thread".
	SessionID int64 `json:"session_id"`
	// After is a next_cursor (the messages after it), Before a prev_cursor
	// (the messages before it); with neither the thread starts at its
	// first message.
	After  string `json:"after"`
	Before string `json:"before"`
	// Limit is the number of messages; 0 means 500, at most 5000.
	Limit int `json:"limit"`
}

// ThreadMessage is a message of a thread and the session it belongs to.
type ThreadMessage struct {
	ID int64 `json:"id"`
	// SessionID is null for a message outside every session (a system
	// note between two of them).
	SessionID *int64 `json:"session_id"`
	// Edited marks a message its author changed after sending: the thread
	// says so, as the chat app did.
	Edited bool `json:"edited"`
	MessageView
}

// ConversationView is a page of a thread: its messages oldest first, and
// the sessions they belong to (oldest first), whose first and last
// messages are the boundaries the thread shows.
type ConversationView struct {
	ID           int64           `json:"id"`
	Channel      string          `json:"channel"`
	Title        string          `json:"title"`
	Contact      *ContactView    `json:"contact"`
	MessageCount int             `json:"message_count"` // messages of the whole thread (notices and calls not counted)
	SessionCount int             `json:"session_count"` // in the whole thread
	Sessions     []SessionView   `json:"sessions"`
	Messages     []ThreadMessage `json:"messages"`
	// NextCursor and PrevCursor continue the thread after the last and
	// before the first message of the page; null at its ends.
	NextCursor *string `json:"next_cursor"`
	PrevCursor *string `json:"prev_cursor"`
}

// ContactRequest selects a page of a contact's sessions.
type ContactRequest struct {
	ID int64 `json:"id"`
	// Limit is the page size; 0 means 20.
	Limit int `json:"limit"`
	// Cursor is the next_cursor of the previous page.
	Cursor string `json:"cursor"`
}

// ContactDetail is a contact and a page of its sessions, newest first.
type ContactDetail struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	Email    *string  `json:"email"`
	Phone    *string  `json:"phone"`
	Channels []string `json:"channels"` // the channels the contact wrote on
	// Total is the number of the contact's sessions.
	Total      int           `json:"total"`
	Sessions   []SessionView `json:"sessions"`
	NextCursor *string       `json:"next_cursor"`
}

// viewer turns stored rows into the views above: times in the viewer's
// zone, a session's status as of now.
type viewer struct {
	loc *time.Location
	now func() time.Time
}

func (v viewer) messageView(m store.Message) MessageView {
	mv := MessageView{At: v.timeString(m.At), Author: optional(m.Author), Role: m.Role, Kind: m.Kind, Body: m.Body,
		Attachments: m.Attachments}
	if mv.Attachments == nil {
		mv.Attachments = []string{}
	}
	return mv
}

func (v viewer) sessionView(s store.Session) SessionView {
	sv := SessionView{
		ID:             s.ID,
		ConversationID: s.ConversationID,
		Contact:        ContactView{ID: s.ContactID, Name: s.ContactName, Email: optional(s.ContactEmail)},
		Channel:        s.Channel,
		Status:         store.StatusActive,
		StartedAt:      v.timeString(s.StartedAt),
		MessageCount:   s.MessageCount,
		Summary:        optional(s.Summary),
		SummarySource:  optional(s.SummarySource),
		SummaryError:   optional(s.SummaryError),
		Sentiment:      optional(s.Sentiment),
		Labels:         make([]LabelRef, len(s.Labels)),
		Fields:         s.Fields,
		Handoff:        HandoffView{Bot: optional(s.Bot), Agent: optional(s.HandoffAgent)},
	}
	if !s.Active(v.now().UnixMilli()) {
		sv.Status = store.StatusCompleted
		end := v.timeString(s.LastMessageAt)
		sv.EndedAt = &end
		d := (s.LastMessageAt - s.StartedAt) / 1000
		sv.DurationS = &d
	}
	if s.HandoffAt != 0 {
		at := v.timeString(s.HandoffAt)
		sv.Handoff.At = &at
		wait := s.HandoffWaitMS / 1000
		sv.Handoff.WaitS = &wait
	}
	sv.Handoff.BotOnly = s.Bot != "" && s.HandoffAgent == ""
	for i, name := range s.Labels {
		sv.Labels[i] = LabelRef{Name: name}
		if i < len(s.LabelColors) {
			sv.Labels[i].Color = s.LabelColors[i]
		}
	}
	if sv.Fields == nil {
		sv.Fields = map[string]string{}
	}
	return sv
}

func (v viewer) timeString(ms int64) string {
	return time.UnixMilli(ms).In(v.loc).Format(time.RFC3339)
}
