package app

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
}

// SessionView is one row of the timeline. Times are RFC 3339 with the
// offset of the viewer's zone; empty values are null.
type SessionView struct {
	ID           int64             `json:"id"`
	Contact      ContactView       `json:"contact"`
	Channel      string            `json:"channel"`
	Status       string            `json:"status"`
	StartedAt    string            `json:"started_at"`
	EndedAt      *string           `json:"ended_at"`
	DurationS    *int64            `json:"duration_s"`
	MessageCount int               `json:"message_count"`
	Summary      *string           `json:"summary"`
	Sentiment    *string           `json:"sentiment"`
	Labels       []string          `json:"labels"`
	Fields       map[string]string `json:"fields"`
	Handoff      HandoffView       `json:"handoff"`
}

// SessionPage is one page of the timeline; NextCursor is null at the end.
type SessionPage struct {
	Sessions   []SessionView `json:"sessions"`
	NextCursor *string       `json:"next_cursor"`
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

// SessionDetail is a session with its messages.
type SessionDetail struct {
	SessionView
	Messages []MessageView `json:"messages"`
}

// ListRequest selects a page of the timeline.
type ListRequest struct {
	// Status is "all" (or empty), "active" or "completed".
	Status string `json:"status"`
	// Limit is the page size; 0 means 50.
	Limit int `json:"limit"`
	// Cursor is the next_cursor of the previous page, or empty for the first.
	Cursor string `json:"cursor"`
}
