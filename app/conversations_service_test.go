package app

import (
	"context"
	"errors"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
)

// aliceServices are the services over a library holding the Alice chat:
// 14 entries (13 messages and the encryption notice first) in two sessions.
func aliceServices(t *testing.T) (*Services, []SessionView) {
	t.Helper()
	cfg := Config{DataDir: t.TempDir()}
	if code, _, errOut := run(t, "--data", cfg.DataDir, "import", "--tz", "UTC", "--bot", "Shop Bot", aliceFile); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	b, err := open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := b.services(context.Background())
	t.Cleanup(func() {
		a.Stop()
		b.Close()
	})
	page, err := a.Sessions.ListSessions(ListRequest{})
	if err != nil || len(page.Sessions) != 2 {
		t.Fatalf("sessions: %+v, %v", page, err)
	}
	return a, page.Sessions // newest first
}

func TestConversationPages(t *testing.T) {
	a, sessions := aliceServices(t)
	conv := sessions[0].ConversationID
	if conv == 0 || sessions[1].ConversationID != conv {
		t.Fatalf("conversation ids %d, %d", conv, sessions[1].ConversationID)
	}
	// Forward, five messages at a time: every message once, in order, each
	// in the session GetSession shows it in.
	var all []ThreadMessage
	req := ConversationRequest{ID: conv, Limit: 5}
	for page := 0; ; page++ {
		v, err := a.Conversations.GetConversation(req)
		if err != nil {
			t.Fatal(err)
		}
		if v.MessageCount != 13 || v.SessionCount != 2 || v.Channel != "whatsapp" || v.Contact == nil || v.Contact.Name != "Alice Example" {
			t.Fatalf("page %d: %+v", page, v)
		}
		if (page == 0) != (v.PrevCursor == nil) {
			t.Fatalf("page %d: prev_cursor %v", page, v.PrevCursor)
		}
		for _, m := range v.Messages {
			if m.SessionID == nil {
				t.Fatalf("message %d outside every session", m.ID)
			}
			found := false
			for _, s := range v.Sessions {
				found = found || s.ID == *m.SessionID
			}
			if !found {
				t.Fatalf("page %d: message %d's session %d is not among the page's sessions", page, m.ID, *m.SessionID)
			}
		}
		all = append(all, v.Messages...)
		if v.NextCursor == nil {
			break
		}
		if page > 5 {
			t.Fatal("paging never ends")
		}
		req.After = *v.NextCursor
	}
	if len(all) != 14 {
		t.Fatalf("%d messages, want 14", len(all))
	}
	// The thread marks what the chat marked: the edited reply, the deleted
	// message, the photo with its file name.
	marks := map[string]int{}
	for _, m := range all {
		if m.Edited {
			marks["edited "+m.Body]++
		}
		if m.Kind == "deleted" {
			marks["deleted"]++
		}
		if m.Kind == "media" && len(m.Attachments) == 1 && m.Attachments[0] == "IMG-20240320-WA0004.jpg" {
			marks["photo"]++
		}
	}
	for _, want := range []string{"edited OK, thanks Tom", "deleted", "photo"} {
		if marks[want] != 1 {
			t.Errorf("%q marked %d times in the thread, want once (marks %v)", want, marks[want], marks)
		}
	}
	perSession := map[int64]int{}
	for i, m := range all {
		if i > 0 && m.At < all[i-1].At {
			t.Fatalf("message %d before the one ahead of it", m.ID)
		}
		perSession[*m.SessionID]++
	}
	for _, s := range sessions {
		d, err := a.Sessions.GetSession(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if perSession[s.ID] != len(d.Messages) {
			t.Errorf("session %d: %d thread messages, %d in its detail", s.ID, perSession[s.ID], len(d.Messages))
		}
	}

	// From the newer session's start, then back from there.
	v, err := a.Conversations.GetConversation(ConversationRequest{ID: conv, SessionID: sessions[0].ID, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != 2 || v.Messages[0].Body != "The teapot arrived but the lid is chipped :(" || v.PrevCursor == nil || v.NextCursor == nil {
		t.Fatalf("from session %d: %+v", sessions[0].ID, v)
	}
	back, err := a.Conversations.GetConversation(ConversationRequest{ID: conv, Before: *v.PrevCursor, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Messages) != 3 || back.Messages[2].Body != "Got the receipt, thank you!" || *back.Messages[2].SessionID != sessions[1].ID ||
		back.PrevCursor == nil || back.NextCursor == nil {
		t.Fatalf("before session %d: %+v", sessions[0].ID, back)
	}
	start, err := a.Conversations.GetConversation(ConversationRequest{ID: conv, Before: *back.PrevCursor, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(start.Messages) != 5 || start.PrevCursor != nil || start.Messages[0].Role != "system" {
		t.Fatalf("the thread's start: %d messages, prev %v", len(start.Messages), start.PrevCursor)
	}

	for _, bad := range []ConversationRequest{{ID: conv + 100}, {ID: conv, SessionID: 999}} {
		if _, err := a.Conversations.GetConversation(bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetConversation(%+v) = %v, want not found", bad, err)
		}
	}
	if _, err := a.Conversations.GetConversation(ConversationRequest{ID: conv, After: "%%"}); !errors.Is(err, ErrBadCursor) {
		t.Errorf("a bad cursor: %v", err)
	}
}

func TestContactSessions(t *testing.T) {
	a, sessions := aliceServices(t)
	contact := sessions[0].Contact.ID
	var got []int64
	req := ContactRequest{ID: contact, Limit: 1}
	for {
		d, err := a.Sessions.ContactSessions(req)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "Alice Example" || d.Total != 2 || len(d.Channels) != 1 || d.Channels[0] != "whatsapp" {
			t.Fatalf("contact = %+v", d)
		}
		for _, s := range d.Sessions {
			got = append(got, s.ID)
		}
		if d.NextCursor == nil {
			break
		}
		req.Cursor = *d.NextCursor
	}
	if len(got) != 2 || got[0] != sessions[0].ID || got[1] != sessions[1].ID {
		t.Fatalf("contact sessions %v, want %d then %d", got, sessions[0].ID, sessions[1].ID)
	}
	if _, err := a.Sessions.ContactSessions(ContactRequest{ID: contact + 100}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown contact: %v", err)
	}
}
