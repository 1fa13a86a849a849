package meta

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// fixture returns the path of a shared fixture (never copied into the repo).
func fixture(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "..", "shared", "fixtures"}, parts...)...)
}

// msgvault returns the fs.FS of one msgvault fbmessenger sample download.
func msgvault(name string) string {
	return fixture("msgvault", "internal", "fbmessenger", "testdata", name)
}

func discover(t *testing.T, dir string) Download {
	t.Helper()
	dl, err := Discover(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("Discover(%s): %v", dir, err)
	}
	return dl
}

func read(t *testing.T, dir string, ref ThreadRef) chat.Conversation {
	t.Helper()
	conv, err := ReadThread(context.Background(), os.DirFS(dir), ref)
	if err != nil {
		t.Fatalf("ReadThread(%s): %v", ref.Dir, err)
	}
	return conv
}

func bodies(msgs []chat.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Body
	}
	return out
}

func kinds(msgs []chat.Message) []chat.Kind {
	out := make([]chat.Kind, len(msgs))
	for i, m := range msgs {
		out[i] = m.Kind
	}
	return out
}

// checkConversation checks what every conversation must satisfy: lines
// 1..n, times ascending and in UTC, attachments plain base names.
func checkConversation(t *testing.T, c chat.Conversation) {
	t.Helper()
	for i, m := range c.Messages {
		if m.Line != i+1 {
			t.Errorf("message %d: Line %d", i, m.Line)
		}
		if i > 0 && m.At.Before(c.Messages[i-1].At) {
			t.Errorf("message %d at %v before %v", i, m.At, c.Messages[i-1].At)
		}
		if m.At.Location() != time.UTC {
			t.Errorf("message %d: At %v not UTC", i, m.At)
		}
		for _, a := range m.Attachments {
			if a == "" || strings.ContainsAny(a, `/\`) {
				t.Errorf("message %d: attachment %q is not a base name", i, a)
			}
		}
	}
	if c.Contact != (chat.Contact{}) {
		t.Errorf("Contact = %+v, want empty (the importer decides)", c.Contact)
	}
}

// TestMsgvaultFixtures checks every msgvault Meta sample against SOURCES.md.
// msgvault drops unsent messages; we keep them as tombstones, so the E2EE
// direct chat has 4 messages (3 + 1 deleted).
func TestMsgvaultFixtures(t *testing.T) {
	tests := []struct {
		name         string
		dir          string
		thread       string // Dir suffix of the thread checked
		threads      int
		key          string
		format       Format
		title        string
		participants []string
		bodies       []string
		kinds        []chat.Kind
		attachments  map[int][]string
	}{
		{
			name: "json_simple 2024 layout, mojibake, newest first", dir: "json_simple", thread: "inbox/alice_ABC123", threads: 2,
			key: "alice_ABC123", format: FormatJSON, title: "Alice Example", participants: []string{"Test User", "Alice Example"},
			bodies: []string{"Hello", "café time?", "See you soon"},
			kinds:  []chat.Kind{chat.KindText, chat.KindText, chat.KindText},
		},
		{
			name: "json_simple archived_threads", dir: "json_simple", thread: "archived_threads/zoe_ARCH", threads: 2,
			key: "zoe_ARCH", format: FormatJSON, title: "Zoe Archive", participants: []string{"Test User", "Zoe Archive"},
			bodies: []string{"Old message in archive"}, kinds: []chat.Kind{chat.KindText},
		},
		{
			name: "json_group three participants", dir: "json_group", thread: "inbox/crew_GRP123", threads: 1,
			key: "crew_GRP123", format: FormatJSON, title: "Crew", participants: []string{"Test User", "Alice Example", "Bob Example"},
			bodies: []string{"Hey crew", "Hi!", "Hello."},
			kinds:  []chat.Kind{chat.KindText, chat.KindText, chat.KindText},
		},
		{
			name: "json_multifile numeric message_N order", dir: "json_multifile", thread: "inbox/dave_MULTI", threads: 1,
			key: "dave_MULTI", format: FormatJSON, title: "Dave Multi", participants: []string{"Test User", "Dave Multi"},
			bodies: []string{"Message A (from file 1, oldest)", "Message B (from file 1, newer)", "Message C (from file 2)", "Message D (from file 10, newest)"},
			kinds:  []chat.Kind{chat.KindText, chat.KindText, chat.KindText, chat.KindText},
		},
		{
			name: "json_nontext sticker photo calls share unsubscribe", dir: "json_nontext", thread: "inbox/sam_NONTXT", threads: 1,
			key: "sam_NONTXT", format: FormatJSON, title: "Sam NonText", participants: []string{"Test User", "Sam NonText"},
			bodies:      []string{"Sam left the chat", "https://example.com/article\nExample share text", "Missed call", "Call, 3 min 12 s", "", ""},
			kinds:       []chat.Kind{chat.KindSystem, chat.KindText, chat.KindText, chat.KindText, chat.KindMedia, chat.KindMedia},
			attachments: map[int][]string{4: {"missing.jpg"}, 5: {"1.png"}},
		},
		{
			name: "json_with_media photo uri relative to the root", dir: "json_with_media", thread: "inbox/bob_XYZ789", threads: 1,
			key: "bob_XYZ789", format: FormatJSON, title: "Bob Mediafile", participants: []string{"Test User", "Bob Mediafile"},
			bodies: []string{"Here's a photo"}, kinds: []chat.Kind{chat.KindMedia}, attachments: map[int][]string{0: {"tiny.png"}},
		},
		{
			name: "json_with_media_alt 2025 root", dir: "json_with_media_alt", thread: "your_facebook_activity/messages/inbox/carol_ALT456", threads: 1,
			key: "carol_ALT456", format: FormatJSON, title: "Carol Altlayout", participants: []string{"Test User", "Carol Altlayout"},
			bodies: []string{"Photo from alt layout"}, kinds: []chat.Kind{chat.KindMedia}, attachments: map[int][]string{0: {"tiny.png"}},
		},
		{
			name: "mixed JSON and HTML are one thread", dir: "mixed", thread: "inbox/eve_MIX", threads: 1,
			key: "eve_MIX", format: FormatJSON, title: "Eve Mixer", participants: []string{"Test User", "Eve Mixer"},
			bodies: []string{"Mixed hello", "Mixed reply"}, kinds: []chat.Kind{chat.KindText, chat.KindText},
		},
		{
			name: "e2ee direct camelCase, unsent kept as tombstone", dir: "e2ee_simple", thread: "messages/alice_1.json", threads: 2,
			key: "e2ee:alice_1", format: FormatE2EE, title: "Alice Example", participants: []string{"Test User", "Alice Example"},
			bodies: []string{"Hello", "café time?", "See you soon", ""},
			kinds:  []chat.Kind{chat.KindText, chat.KindText, chat.KindText, chat.KindDeleted},
		},
		{
			name: "e2ee group with media", dir: "e2ee_simple", thread: "messages/group_2.json", threads: 2,
			key: "e2ee:group_2", format: FormatE2EE, title: "Weekend crew", participants: []string{"Test User", "Alice Example", "Bob Builder"},
			bodies: []string{"Plans?", ""}, kinds: []chat.Kind{chat.KindText, chat.KindMedia}, attachments: map[int][]string{1: {"photo.jpg"}},
		},
		{
			name: "html_simple real-looking classes", dir: "html_simple", thread: "inbox/alice_ABC123", threads: 1,
			key: "alice_ABC123", format: FormatHTML, title: "Alice Example", participants: []string{"Test User", "Alice Example"},
			bodies: []string{"Hello", "café time?", "See you soon"},
			kinds:  []chat.Kind{chat.KindText, chat.KindText, chat.KindText},
		},
		{
			name: "html_with_media", dir: "html_with_media", thread: "inbox/bob_XYZ789", threads: 1,
			key: "bob_XYZ789", format: FormatHTML, title: "Bob Mediafile", participants: []string{"Test User", "Bob Mediafile"},
			bodies: []string{"Here's a photo"}, kinds: []chat.Kind{chat.KindMedia}, attachments: map[int][]string{0: {"tiny.png"}},
		},
		{
			name: "html_multi_media image in its own block", dir: "html_multi_media", thread: "inbox/carol_IMG456", threads: 1,
			key: "carol_IMG456", format: FormatHTML, title: "Carol Photoshare", participants: []string{"Test User", "Carol Photoshare"},
			bodies:      []string{"Hello Carol", "Check out this photo", "Nice picture"},
			kinds:       []chat.Kind{chat.KindText, chat.KindMedia, chat.KindText},
			attachments: map[int][]string{1: {"photo1.png"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := msgvault(tt.dir)
			dl := discover(t, dir)
			if len(dl.Threads) != tt.threads {
				t.Fatalf("%d threads, want %d: %+v", len(dl.Threads), tt.threads, dl.Threads)
			}
			i := slices.IndexFunc(dl.Threads, func(r ThreadRef) bool { return strings.HasSuffix(r.Dir, tt.thread) })
			if i < 0 {
				t.Fatalf("no thread %s in %+v", tt.thread, dl.Threads)
			}
			ref := dl.Threads[i]
			if ref.Key != tt.key || ref.Format != tt.format || ref.Channel != chat.Facebook {
				t.Errorf("ref = %+v, want key %q format %q channel facebook", ref, tt.key, tt.format)
			}
			c := read(t, dir, ref)
			checkConversation(t, c)
			if c.Key != tt.key || c.Channel != chat.Facebook || c.Source != ref.Files[0] {
				t.Errorf("Key/Channel/Source = %q/%q/%q", c.Key, c.Channel, c.Source)
			}
			if c.Title != tt.title {
				t.Errorf("Title = %q, want %q", c.Title, tt.title)
			}
			if !slices.Equal(c.Participants, tt.participants) {
				t.Errorf("Participants = %q, want %q", c.Participants, tt.participants)
			}
			if got := bodies(c.Messages); !slices.Equal(got, tt.bodies) {
				t.Errorf("bodies = %q, want %q", got, tt.bodies)
			}
			if got := kinds(c.Messages); !slices.Equal(got, tt.kinds) {
				t.Errorf("kinds = %q, want %q", got, tt.kinds)
			}
			for i, m := range c.Messages {
				if want := tt.attachments[i]; !slices.Equal(m.Attachments, want) {
					t.Errorf("message %d attachments = %q, want %q", i, m.Attachments, want)
				}
			}
		})
	}
}

// TestMsgvaultReactions: mojibake reactions repaired (❤, 👍), on the right
// message, with their actors; the E2EE one too.
func TestMsgvaultReactions(t *testing.T) {
	tests := []struct {
		name, dir, thread string
		index             int
		want              []chat.Reaction
	}{
		{"dyi", "json_simple", "inbox/alice_ABC123", 1, []chat.Reaction{{Emoji: "❤", Actor: "Test User"}, {Emoji: "👍", Actor: "Alice Example"}}},
		{"e2ee", "e2ee_simple", "messages/alice_1.json", 1, []chat.Reaction{{Emoji: "❤", Actor: "Test User"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := msgvault(tt.dir)
			dl := discover(t, dir)
			i := slices.IndexFunc(dl.Threads, func(r ThreadRef) bool { return strings.HasSuffix(r.Dir, tt.thread) })
			c := read(t, dir, dl.Threads[i])
			for j, m := range c.Messages {
				if j == tt.index {
					if !slices.Equal(m.Reactions, tt.want) {
						t.Errorf("reactions = %+v, want %+v", m.Reactions, tt.want)
					}
				} else if len(m.Reactions) != 0 {
					t.Errorf("message %d has reactions %+v", j, m.Reactions)
				}
			}
		})
	}
}

// TestMsgvaultTimestamps: timestamp_ms is UTC epoch ms; the JSON and the
// HTML of the same thread agree to the minute.
func TestMsgvaultTimestamps(t *testing.T) {
	dir := msgvault("json_simple")
	dl := discover(t, dir)
	c := read(t, dir, dl.Threads[1])
	if got, want := c.Messages[0].At, time.UnixMilli(1600000000000).UTC(); !got.Equal(want) {
		t.Errorf("first at %v, want %v", got, want)
	}
	dir = msgvault("html_simple")
	dl = discover(t, dir)
	h := read(t, dir, dl.Threads[0])
	if got, want := h.Messages[0].At, time.Date(2020, 9, 13, 12, 26, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("html first at %v, want %v", got, want)
	}
}

// TestCorruptSibling: Discover finds both threads; the broken one fails
// with ErrCorrupt naming the file and line; the sibling still reads.
func TestCorruptSibling(t *testing.T) {
	dir := msgvault("corrupt")
	dl := discover(t, dir)
	if len(dl.Threads) != 2 {
		t.Fatalf("%d threads, want 2", len(dl.Threads))
	}
	for _, ref := range dl.Threads {
		c, err := ReadThread(context.Background(), os.DirFS(dir), ref)
		switch ref.Key {
		case "broken_BAD":
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("broken: err = %v, want ErrCorrupt", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "broken_BAD/message_1.json") || !strings.Contains(msg, "line 1") {
				t.Errorf("error %q does not name the file and line", msg)
			}
		case "goodsibling_OK":
			if err != nil {
				t.Fatal(err)
			}
			if got := bodies(c.Messages); !slices.Equal(got, []string{"Still valid"}) {
				t.Errorf("bodies = %q", got)
			}
		default:
			t.Errorf("unexpected thread %+v", ref)
		}
	}
}

// TestMixedIgnoresHTMLTwin: the HTML twin of a JSON thread is not a second
// thread, it is counted as ignored.
func TestMixedIgnoresHTMLTwin(t *testing.T) {
	dl := discover(t, msgvault("mixed"))
	if len(dl.Threads) != 1 || dl.Ignored != 1 || len(dl.Threads[0].Files) != 1 || !strings.HasSuffix(dl.Threads[0].Files[0], ".json") {
		t.Errorf("got %+v", dl)
	}
}

// TestHTMLTimestampLayouts reads msgvault's three timestamp layouts: each is
// 2019-10-19 14:37 in the given zone.
func TestHTMLTimestampLayouts(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	dir := msgvault("html_timestamps")
	for _, file := range []string{"layout1.html", "layout2.html", "layout3.html"} {
		for _, loc := range []*time.Location{nil, time.UTC, berlin} {
			name := file + " UTC"
			if loc == berlin {
				name = file + " Berlin"
			}
			t.Run(name, func(t *testing.T) {
				ref := ThreadRef{Dir: ".", Key: "ts", Files: []string{file}, Format: FormatHTML, Channel: chat.Facebook}
				c, err := ReadThreadIn(context.Background(), os.DirFS(dir), ref, loc)
				if err != nil {
					t.Fatal(err)
				}
				checkConversation(t, c)
				want := time.Date(2019, 10, 19, 14, 37, 0, 0, time.UTC)
				if loc == berlin {
					want = time.Date(2019, 10, 19, 14, 37, 0, 0, berlin).UTC()
				}
				if len(c.Messages) != 1 || !c.Messages[0].At.Equal(want) || c.Messages[0].Author != "Test User" || c.Messages[0].Body != "ping" {
					t.Errorf("messages = %+v, want ping by Test User at %v", c.Messages, want)
				}
				if c.Title != "TS Test" || !slices.Equal(c.Participants, []string{"Test User", "TS Test"}) {
					t.Errorf("title %q participants %q", c.Title, c.Participants)
				}
			})
		}
	}
}

// TestChatMinerInstagram: chat-miner's participant-less Instagram sample is
// found, is Instagram, and gives target.json's two messages (ascending here;
// target.json lists them newest first).
func TestChatMinerInstagram(t *testing.T) {
	dir := fixture("chat-miner", "test", "instagram")
	dl := discover(t, dir)
	if len(dl.Threads) != 1 || dl.Ignored != 1 {
		t.Fatalf("got %+v, want 1 thread and target.json ignored", dl)
	}
	ref := dl.Threads[0]
	if ref.Channel != chat.Instagram || ref.Format != FormatJSON || ref.Key != "json:test_export" {
		t.Errorf("ref = %+v", ref)
	}
	c := read(t, dir, ref)
	checkConversation(t, c)
	raw, err := os.ReadFile(filepath.Join(dir, "target.json"))
	if err != nil {
		t.Fatal(err)
	}
	var target []struct{ Timestamp, Author, Message string }
	if err := json.Unmarshal(raw, &target); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(target)
	if len(c.Messages) != len(target) {
		t.Fatalf("%d messages, want %d", len(c.Messages), len(target))
	}
	for i, want := range target {
		m := c.Messages[i]
		if got := m.At.Format("2006-01-02T15:04:05"); got != want.Timestamp || m.Author != want.Author || m.Body != want.Message {
			t.Errorf("message %d = %s %q %q, want %+v", i, got, m.Author, m.Body, want)
		}
	}
	if !slices.Equal(c.Participants, []string{"Jane Doe", "John Doe"}) {
		t.Errorf("participants from authors = %q", c.Participants)
	}
	c, err = ReadThreadWith(context.Background(), os.DirFS(dir), ref, ReadOptions{Owner: "John Doe"})
	if err != nil || c.Title != "Jane Doe" {
		t.Errorf("with owner: title %q, err %v; want the other participant", c.Title, err)
	}
}
