package webchat

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// validRole reports whether r is one of the four roles.
func validRole(r chat.Role) bool {
	switch r {
	case chat.RoleCustomer, chat.RoleAgent, chat.RoleBot, chat.RoleSystem:
		return true
	}
	return false
}

// addSeeds adds the test files with the given extensions and the examples
// of the documentation to the corpus of f.
func addSeeds(f *testing.F, ext string) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
	seeds = append(seeds, example("webchat-example"+ext))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
}

// checkResult checks what must hold of any result of Read: a valid role and
// kind on every message, UTC times in order, valid UTF-8, attachments that
// are base names, a key and title on every conversation.
func checkResult(t *testing.T, data []byte, res Result, err error) {
	t.Helper()
	convs, skipped := res.Conversations, res.Skipped
	// A file read to its end has every invalid byte counted; one that
	// failed part way, at most those.
	if want := chat.InvalidUTF8(data); res.Repaired > want || (err == nil && res.Repaired != want) {
		t.Fatalf("repaired %d, the input holds %d invalid bytes (err %v)", res.Repaired, want, err)
	}
	if err != nil && convs != nil {
		t.Fatalf("conversations %v with error %v", convs, err)
	}
	for _, s := range skipped {
		if s.Line < 0 || s.Reason == "" {
			t.Fatalf("skipped %+v", s)
		}
	}
	for _, c := range convs {
		if c.Channel != chat.WebChat || c.Key == "" || c.Title == "" || c.Contact.Identity == "" || len(c.Messages) == 0 {
			t.Fatalf("conversation %+v", c)
		}
		for i, m := range c.Messages {
			if !validRole(m.Role) {
				t.Fatalf("message %d: role %q", i, m.Role)
			}
			switch m.Kind {
			case chat.KindText, chat.KindMedia, chat.KindSystem, chat.KindDeleted:
			default:
				t.Fatalf("message %d: kind %q", i, m.Kind)
			}
			if m.At.Location() != time.UTC || m.At.Year() < minYear || m.At.Year() > maxYear {
				t.Fatalf("message %d: At %v", i, m.At)
			}
			if i > 0 && m.At.Before(c.Messages[i-1].At) {
				t.Fatalf("message %d: out of order", i)
			}
			if !utf8.ValidString(m.Body) || !utf8.ValidString(m.Author) {
				t.Fatalf("message %d: invalid UTF-8 %q / %q", i, m.Author, m.Body)
			}
			if m.Body == "" && len(m.Attachments) == 0 && m.Kind != chat.KindDeleted {
				t.Fatalf("message %d: empty", i)
			}
			for _, a := range m.Attachments {
				if a == "" || a == "." || a == ".." || strings.ContainsAny(a, "/\\\x00") || !utf8.ValidString(a) {
					t.Fatalf("message %d: attachment %q", i, a)
				}
			}
		}
	}
}

// FuzzReadCSV checks that the CSV reader never panics and returns only
// well-formed messages.
func FuzzReadCSV(f *testing.F) {
	addSeeds(f, ".csv")
	f.Add([]byte("conversation_id,time,role,body\nc,\"1700000000000\",Agent,\"a\"\"b\"\n,,,\n"))
	f.Add([]byte("Conversation ID;Time;Role;Body;Attachment\r\nc;2024-01-01 10:00;bot;;..\\..\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(context.Background(), strings.NewReader(string(data)), "fuzz.csv", FormatCSV, time.UTC)
		checkResult(t, data, res, err)
		Detect(data)
	})
}

// FuzzReadJSON checks that the three JSON readers never panic and return
// only well-formed messages.
func FuzzReadJSON(f *testing.F) {
	addSeeds(f, ".json")
	f.Add([]byte(`{"payload":[{"conversation":{"id":1,"messages":[{"message_type":0,"content":"x","created_at":1700000000}]},"message_type":"outgoing","sender":{"type":"agent_bot"},"attachments":[{"data_url":"https://h/a/..%2F"}],"created_at":"2024-01-01 00:00:00 UTC"}]}`))
	f.Add([]byte(`[{"chat":{"id":"c","messages":[{"sender":{"t":"v"},"type":"file","msg":"https://x/y/"}]},"time":1700000000000}]`))
	f.Add([]byte("{\"messages\":null}\n[1,\"x\",{\"conversation_id\":[]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatJSON, FormatChatwoot, FormatTawk} {
			res, err := Read(context.Background(), strings.NewReader(string(data)), "fuzz.json", format, time.UTC)
			checkResult(t, data, res, err)
		}
		Detect(data)
	})
}
