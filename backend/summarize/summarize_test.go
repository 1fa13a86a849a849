package summarize

import (
	"regexp"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

func TestContentHash(t *testing.T) {
	base := session("Alice", "Maria", "c: Is the blue teapot still in stock?", "a: Yes, 3 left.")
	h := ContentHash(base)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
		t.Fatalf("hash %q is not 64 hex digits", h)
	}
	// A fixed value: the hash must not change between runs or releases
	// unless hashVersion is bumped on purpose (stored hashes would all
	// look changed and every session be summarized again).
	const golden = "26932e789a9fa5bcf06612e1e5834399bcc6883e4328f8f15706bca15e784d8e"
	if h != golden {
		t.Errorf("hash = %s, want %s", h, golden)
	}
	if again := ContentHash(session("Alice", "Maria", "c: Is the blue teapot still in stock?", "a: Yes, 3 left.")); again != h {
		t.Errorf("hash not stable: %s then %s", h, again)
	}
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name   string
		change func([]Message) []Message
		same   bool
	}{
		{"same content", func(m []Message) []Message { return m }, true},
		{"same instant in another zone", func(m []Message) []Message { m[0].At = m[0].At.In(paris); return m }, true},
		{"body changed", func(m []Message) []Message { m[0].Body = "Is the red teapot still in stock?"; return m }, false},
		{"body one character", func(m []Message) []Message { m[1].Body += " "; return m }, false},
		{"author changed", func(m []Message) []Message { m[1].Author = "Mario"; return m }, false},
		{"role changed", func(m []Message) []Message { m[1].Role = chat.RoleBot; return m }, false},
		{"time changed", func(m []Message) []Message { m[1].At = m[1].At.Add(time.Second); return m }, false},
		{"message added", func(m []Message) []Message { return append(m, Message{Body: "ok"}) }, false},
		{"message removed", func(m []Message) []Message { return m[:1] }, false},
		{"field boundary moved", func(m []Message) []Message {
			m[0].Author, m[0].Body = "AliceI", "s the blue teapot still in stock?"
			return m
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs := tc.change(session("Alice", "Maria", "c: Is the blue teapot still in stock?", "a: Yes, 3 left."))
			if got := ContentHash(msgs) == h; got != tc.same {
				t.Errorf("hash equal = %v, want %v", got, tc.same)
			}
		})
	}
	if ContentHash(nil) == ContentHash([]Message{{}}) {
		t.Error("empty session and one empty message hash alike")
	}
}
