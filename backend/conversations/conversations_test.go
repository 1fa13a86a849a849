package conversations

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
)

// carol is a library holding testdata's two chats. Carol's thread has 10
// entries: the encryption notice, 4 messages (session 1), a security-code
// notice days later (in no session), 4 messages (session 2).
type carol struct {
	svc      *Service
	conv     int64
	other    int64 // Dan's conversation
	all      []Message
	sessions []store.Session
	danSess  int64
}

func openCarol(t *testing.T) carol {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	res, err := importer.New(st, importer.Options{Location: time.UTC, Agents: []string{"Maria Lopez"}}).ImportPaths(ctx, []string{
		filepath.Join("testdata", "WhatsApp Chat with Carol Test.txt"),
		filepath.Join("testdata", "WhatsApp Chat with Dan Other.txt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if f.Err != nil {
			t.Fatalf("import %s: %v", f.Path, f.Err)
		}
	}
	rows, err := st.ListSessions(ctx, store.ListSessions{Limit: 10})
	if err != nil || len(rows) != 3 {
		t.Fatalf("sessions: %d, %v", len(rows), err)
	}
	c := carol{svc: New(st)}
	for _, s := range rows {
		if s.ContactName == "Dan Other" {
			c.other, c.danSess = s.ConversationID, s.ID
		} else {
			c.conv = s.ConversationID
		}
	}
	whole, err := c.svc.Page(ctx, Request{ConversationID: c.conv, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Messages) != 10 || len(whole.Sessions) != 2 || whole.Next != nil || whole.Prev != nil {
		t.Fatalf("whole thread: %d messages, %d sessions, next %v, prev %v", len(whole.Messages), len(whole.Sessions), whole.Next, whole.Prev)
	}
	c.all, c.sessions = whole.Messages, whole.Sessions
	return c
}

func pos(m Message) *store.MessagePos { return &store.MessagePos{At: m.At, ID: m.ID} }

func TestPage(t *testing.T) {
	c := openCarol(t)
	s1, s2 := c.sessions[0].ID, c.sessions[1].ID
	// Which session each entry of the thread belongs to.
	wantSession := []int64{s1, s1, s1, s1, s1, 0, s2, s2, s2, s2}
	for i, m := range c.all {
		if m.SessionID != wantSession[i] {
			t.Errorf("entry %d (%q): session %d, want %d", i, m.Body, m.SessionID, wantSession[i])
		}
	}
	tests := []struct {
		name string
		req  Request
		// want are indexes into the whole thread; next and prev say
		// whether the page has them.
		want       []int
		next, prev bool
		sessions   []int64
	}{
		{name: "first page", req: Request{Limit: 3}, want: []int{0, 1, 2}, next: true, sessions: []int64{s1}},
		{name: "default limit", req: Request{}, want: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{name: "after the third", req: Request{After: pos(c.all[2]), Limit: 3}, want: []int{3, 4, 5}, next: true, prev: true, sessions: []int64{s1}},
		{name: "after, to the end", req: Request{After: pos(c.all[6]), Limit: 3}, want: []int{7, 8, 9}, prev: true, sessions: []int64{s2}},
		{name: "after the last", req: Request{After: pos(c.all[9]), Limit: 3}, want: []int{}},
		{name: "from session 2", req: Request{SessionID: s2, Limit: 2}, want: []int{6, 7}, next: true, prev: true, sessions: []int64{s2}},
		{name: "from session 1", req: Request{SessionID: s1, Limit: 2}, want: []int{0, 1}, next: true, sessions: []int64{s1}},
		{name: "before session 2", req: Request{Before: pos(c.all[6]), Limit: 3}, want: []int{3, 4, 5}, next: true, prev: true, sessions: []int64{s1}},
		{name: "before, to the start", req: Request{Before: pos(c.all[3]), Limit: 5}, want: []int{0, 1, 2}, next: true, sessions: []int64{s1}},
		{name: "the notice alone", req: Request{After: pos(c.all[4]), Limit: 1}, want: []int{5}, next: true, prev: true, sessions: []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.ConversationID = c.conv
			p, err := c.svc.Page(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if p.MessageCount != 8 || p.SessionCount != 2 || p.Contact == nil || p.Contact.Name != "Carol Test" || p.Conversation.Channel != "whatsapp" {
				t.Fatalf("thread facts: %d messages, %d sessions, contact %+v, channel %q", p.MessageCount, p.SessionCount, p.Contact, p.Conversation.Channel)
			}
			if len(p.Messages) != len(tt.want) {
				t.Fatalf("%d messages, want %d", len(p.Messages), len(tt.want))
			}
			for i, w := range tt.want {
				if p.Messages[i].ID != c.all[w].ID || p.Messages[i].SessionID != c.all[w].SessionID {
					t.Errorf("message %d: id %d (session %d), want entry %d (id %d, session %d)", i, p.Messages[i].ID, p.Messages[i].SessionID, w, c.all[w].ID, c.all[w].SessionID)
				}
			}
			if (p.Next != nil) != tt.next || (p.Prev != nil) != tt.prev {
				t.Fatalf("next %v, prev %v; want next %v, prev %v", p.Next, p.Prev, tt.next, tt.prev)
			}
			if p.Next != nil && *p.Next != *pos(p.Messages[len(p.Messages)-1]) {
				t.Errorf("next %v is not the page's last message", *p.Next)
			}
			if p.Prev != nil && *p.Prev != *pos(p.Messages[0]) {
				t.Errorf("prev %v is not the page's first message", *p.Prev)
			}
			if tt.sessions != nil {
				if len(p.Sessions) != len(tt.sessions) {
					t.Fatalf("%d sessions, want %v", len(p.Sessions), tt.sessions)
				}
				for i, id := range tt.sessions {
					if p.Sessions[i].ID != id {
						t.Errorf("session %d is %d, want %d", i, p.Sessions[i].ID, id)
					}
				}
			}
		})
	}
}

// TestPageWalk pages the thread both ways with every page size: each
// entry exactly once, in order.
func TestPageWalk(t *testing.T) {
	c := openCarol(t)
	ctx := context.Background()
	for limit := 1; limit <= 11; limit++ {
		var got []int64
		req := Request{ConversationID: c.conv, Limit: limit}
		for i := 0; ; i++ {
			p, err := c.svc.Page(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range p.Messages {
				got = append(got, m.ID)
			}
			if p.Next == nil {
				break
			}
			if i > 20 {
				t.Fatalf("limit %d: forward paging never ends", limit)
			}
			req = Request{ConversationID: c.conv, After: p.Next, Limit: limit}
		}
		checkIDs(t, "forward", limit, got, c.all)

		got = nil
		req = Request{ConversationID: c.conv, Before: &store.MessagePos{At: 1<<62 - 1, ID: 1<<62 - 1}, Limit: limit}
		for i := 0; ; i++ {
			p, err := c.svc.Page(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, 0, len(p.Messages))
			for _, m := range p.Messages {
				ids = append(ids, m.ID)
			}
			got = append(ids, got...)
			if p.Prev == nil {
				break
			}
			if i > 20 {
				t.Fatalf("limit %d: backward paging never ends", limit)
			}
			req = Request{ConversationID: c.conv, Before: p.Prev, Limit: limit}
		}
		checkIDs(t, "backward", limit, got, c.all)
	}
}

func checkIDs(t *testing.T, way string, limit int, got []int64, all []Message) {
	t.Helper()
	if len(got) != len(all) {
		t.Fatalf("%s, limit %d: %d messages, want %d", way, limit, len(got), len(all))
	}
	for i := range all {
		if got[i] != all[i].ID {
			t.Fatalf("%s, limit %d: message %d is %d, want %d", way, limit, i, got[i], all[i].ID)
		}
	}
}

func TestPageErrors(t *testing.T) {
	c := openCarol(t)
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{name: "unknown conversation", req: Request{ConversationID: c.conv + c.other + 100}, want: store.ErrNotFound},
		{name: "unknown session", req: Request{ConversationID: c.conv, SessionID: 999}, want: store.ErrNotFound},
		{name: "session of another thread", req: Request{ConversationID: c.conv, SessionID: c.danSess}, want: store.ErrNotFound},
		{name: "both directions", req: Request{ConversationID: c.conv, After: pos(c.all[1]), Before: pos(c.all[5])}, want: ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.svc.Page(context.Background(), tt.req); !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}
