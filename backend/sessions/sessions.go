// Package sessions splits a conversation into sessions — one customer
// interaction each — and matches a new split to the sessions stored before,
// so that session ids (and the labels, fields and summaries hanging on them)
// survive re-imports. It is pure logic: no database, no clock.
package sessions

import (
	"sort"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// DefaultGap is the WhatsApp customer-service window.
const DefaultGap = 24 * time.Hour

// Point is one message as the splitter sees it.
type Point struct {
	ID     int64 // the message's id; sorts ties in insertion order
	At     int64 // UTC ms
	Role   chat.Role
	Author string
}

// Span is one session found in a conversation.
type Span struct {
	StartedAt     int64 // first customer, agent or bot message
	LastMessageAt int64 // last customer, agent or bot message
	MessageCount  int   // customer, agent and bot messages; system lines are not counted
	// Bot is the first AI agent that wrote in the session.
	Bot string
	// HandoffAgent and HandoffAt are the first human agent message after a
	// bot message: the moment the AI passed the customer to a person.
	HandoffAgent string
	HandoffAt    int64
	// HandoffWaitMS is how long the customer waited for the human: from the
	// bot's last message before the handoff to the human's first.
	HandoffWaitMS int64
	// Replies are the messages per side and the first replies, for the
	// insights' response times and the export's counts: kept with the
	// session so that a million of them need no pass over their messages.
	Replies Replies
}

// Replies counts a session's messages per side and times the first
// replies: from the customer's first message to the first agent message
// after it, and to the first bot message after it. A bot reply is its own
// figure: it never stands in for a person's answer.
type Replies struct {
	CustomerMessages, AgentMessages, BotMessages int
	// AgentReplied and BotReplied say whether an agent or a bot answered
	// the customer in the session; AgentResponseMS and BotResponseMS are
	// how long that took (0 when they did not).
	AgentReplied, BotReplied       bool
	AgentResponseMS, BotResponseMS int64
}

// Split cuts points (sorted by At, then ID) into sessions wherever two
// consecutive customer, agent or bot messages are more than gap apart.
// System lines never open, extend or close a session.
func Split(points []Point, gap time.Duration) []Span {
	sp := NewSplitter(gap)
	for _, p := range points {
		sp.Add(p)
	}
	return sp.Spans()
}

// Splitter is Split one point at a time, so a conversation of millions of
// messages can be split while it streams from the parser or the database,
// in memory that grows with its sessions, not its messages.
type Splitter struct {
	gapMS     int64
	spans     []Span
	botSeen   bool
	lastBotAt int64
	// customerAt is the customer's first message in the current span,
	// once customerSeen.
	customerSeen bool
	customerAt   int64
}

// NewSplitter returns a splitter for the session gap.
func NewSplitter(gap time.Duration) *Splitter {
	return &Splitter{gapMS: gap.Milliseconds()}
}

// Add takes the next point; points must come sorted by At, then ID.
func (s *Splitter) Add(p Point) {
	if p.Role == chat.RoleSystem {
		return
	}
	n := len(s.spans)
	if n == 0 || p.At-s.spans[n-1].LastMessageAt > s.gapMS {
		s.spans = append(s.spans, Span{StartedAt: p.At})
		n++
		s.botSeen, s.customerSeen = false, false
	}
	cur := &s.spans[n-1]
	cur.LastMessageAt = p.At
	cur.MessageCount++
	r := &cur.Replies
	switch p.Role {
	case chat.RoleCustomer:
		r.CustomerMessages++
		if !s.customerSeen {
			s.customerSeen, s.customerAt = true, p.At
		}
	case chat.RoleBot:
		r.BotMessages++
		if s.customerSeen && !r.BotReplied {
			r.BotReplied, r.BotResponseMS = true, p.At-s.customerAt
		}
		s.botSeen = true
		s.lastBotAt = p.At
		if cur.Bot == "" {
			cur.Bot = p.Author
		}
	case chat.RoleAgent:
		r.AgentMessages++
		if s.customerSeen && !r.AgentReplied {
			r.AgentReplied, r.AgentResponseMS = true, p.At-s.customerAt
		}
		if s.botSeen && cur.HandoffAgent == "" {
			cur.HandoffAgent, cur.HandoffAt = p.Author, p.At
			cur.HandoffWaitMS = p.At - s.lastBotAt
		}
	}
}

// Spans returns the sessions found so far, oldest first.
func (s *Splitter) Spans() []Span { return s.spans }

// Stored is a session saved by an earlier import.
type Stored struct {
	ID            int64
	StartedAt     int64
	LastMessageAt int64
}

// Plan says how to bring the stored sessions of a conversation in line with
// a new split.
type Plan struct {
	// Keep pairs a stored session id with the span it now covers (its bounds
	// may have grown).
	Keep []Kept
	// Create are spans that no stored session covers.
	Create []Span
	// Merge folds stored sessions into a kept one when new messages closed
	// the gap between them: From's labels and fields move to Into.
	Merge []Merge
	// Delete are stored sessions that no span covers any more.
	Delete []int64
}

// Kept is a stored session and the span it covers now.
type Kept struct {
	ID   int64
	Span Span
}

// Merge folds one stored session into another.
type Merge struct {
	Into, From int64
}

// Reconcile matches spans (sorted by start) to stored sessions. A span keeps
// the oldest stored session that overlaps it, so ids are stable when a
// longer export extends the last session or adds new ones; stored sessions
// that now fall inside the same span are merged into it.
func Reconcile(stored []Stored, spans []Span) Plan {
	stored = append([]Stored(nil), stored...)
	sort.Slice(stored, func(i, j int) bool {
		if stored[i].StartedAt != stored[j].StartedAt {
			return stored[i].StartedAt < stored[j].StartedAt
		}
		return stored[i].ID < stored[j].ID
	})
	var plan Plan
	used := make([]bool, len(stored))
	for _, sp := range spans {
		keep := int64(0)
		for i, st := range stored {
			if used[i] || st.LastMessageAt < sp.StartedAt || st.StartedAt > sp.LastMessageAt {
				continue
			}
			used[i] = true
			if keep == 0 {
				keep = st.ID
			} else {
				plan.Merge = append(plan.Merge, Merge{Into: keep, From: st.ID})
			}
		}
		if keep != 0 {
			plan.Keep = append(plan.Keep, Kept{ID: keep, Span: sp})
		} else {
			plan.Create = append(plan.Create, sp)
		}
	}
	for i, st := range stored {
		if !used[i] {
			plan.Delete = append(plan.Delete, st.ID)
		}
	}
	return plan
}
