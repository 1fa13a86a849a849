package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// seedFiles returns the contents of every fixture and testdata file with
// one of the extensions.
func seedFiles(exts ...string) [][]byte {
	var out [][]byte
	for _, root := range []string{"testdata", fixture("msgvault"), fixture("chat-miner", "test", "instagram")} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			for _, ext := range exts {
				if strings.HasSuffix(p, ext) {
					if b, err := os.ReadFile(p); err == nil {
						out = append(out, b)
					}
				}
			}
			return nil
		})
	}
	return out
}

// checkFuzzConversation checks the invariants of any conversation read.
func checkFuzzConversation(t *testing.T, c chat.Conversation) {
	t.Helper()
	valid := func(what, s string) {
		if !utf8.ValidString(s) {
			t.Fatalf("%s %q is not valid UTF-8", what, s)
		}
	}
	valid("title", c.Title)
	for _, p := range c.Participants {
		valid("participant", p)
	}
	for i, m := range c.Messages {
		if m.Line != i+1 {
			t.Fatalf("message %d: line %d", i, m.Line)
		}
		if i > 0 && m.At.Before(c.Messages[i-1].At) {
			t.Fatalf("message %d out of order", i)
		}
		if m.At.Location() != time.UTC {
			t.Fatalf("At %v not UTC", m.At)
		}
		valid("author", m.Author)
		valid("body", m.Body)
		for _, a := range m.Attachments {
			valid("attachment", a)
			if a == "" || a == "." || a == ".." || strings.ContainsAny(a, `/\`) {
				t.Fatalf("attachment %q", a)
			}
		}
		for _, r := range m.Reactions {
			valid("emoji", r.Emoji)
			valid("actor", r.Actor)
		}
		switch m.Kind {
		case chat.KindText, chat.KindMedia, chat.KindSystem, chat.KindDeleted:
		default:
			t.Fatalf("kind %q", m.Kind)
		}
	}
}

// FuzzReadThreadJSON: ReadThread never panics on a JSON thread file, what it
// reads satisfies the invariants, and it agrees with encoding/json on what
// is valid JSON: it rejects all invalid input, and accepts every valid
// object whose "messages" is an array, with as many messages as the array
// has objects.
func FuzzReadThreadJSON(f *testing.F) {
	for _, s := range seedFiles(".json") {
		f.Add(s)
	}
	f.Add([]byte(`{"messages":[{"sender_name":"\ud83d","content":"\u00c3","photos":[{"uri":"..\\.."}],"timestamp_ms":-1e400}]}`))
	f.Add([]byte("\ufeff{\"participants\":[\"a\",{\"name\":null},3],\"messages\":[{\"timestamp\":1e308,\"call_duration\":1e30,\"type\":\"Call\"}]}"))
	f.Add([]byte("{\"messages\":[]}\x00junk")) // peek read the NUL as the end (issue 10)
	ref := ThreadRef{Dir: "t", Key: "t", Files: []string{"t/message_1.json"}, Format: FormatJSON, Channel: chat.Facebook}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := mapFS(map[string]string{"t/message_1.json": string(data)})
		c, err := ReadThread(context.Background(), fsys, ref)
		trimmed := bytes.TrimPrefix(data, utf8BOM)
		valid := json.Valid(trimmed)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v does not wrap ErrCorrupt", err)
			}
		} else {
			checkFuzzConversation(t, c)
			if !valid {
				t.Fatalf("accepted invalid JSON")
			}
		}
		if valid && bytes.Count(trimmed, []byte(`"messages"`)) == 1 {
			var top map[string]json.RawMessage
			if json.Unmarshal(trimmed, &top) == nil {
				var arr []json.RawMessage
				if raw, ok := top["messages"]; ok && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) && json.Unmarshal(raw, &arr) == nil {
					objects := 0
					for _, el := range arr {
						if bytes.HasPrefix(bytes.TrimSpace(el), []byte("{")) {
							objects++
						}
					}
					if err != nil {
						t.Fatalf("rejected a valid thread: %v", err)
					}
					if len(c.Messages) != objects {
						t.Fatalf("%d messages, array has %d objects", len(c.Messages), objects)
					}
				}
			}
		}
		Sniff(data)
		owner, _ := GuessOwner(context.Background(), fsys, []ThreadRef{ref, ref})
		if !utf8.ValidString(owner) {
			t.Fatalf("owner %q", owner)
		}
	})
}

// FuzzReadThreadHTML: ReadThread never panics on an HTML thread file and
// what it reads satisfies the invariants.
func FuzzReadThreadHTML(f *testing.F) {
	for _, s := range seedFiles(".html") {
		f.Add(s)
	}
	f.Add([]byte("<div><div>A</div><div><video src=x><a href=y.mp4>c</a></video><ul><li>❤️B (Oct 19, 2019, 2:37 PM)</li></ul></div><div>Oct 19, 2019, 2:37 PM</div></div><script>if(a<b){}</script><!-- x"))
	f.Add([]byte("<div>" + strings.Repeat("<div>", 300) + "<div>A</div><div>b</div><div>19 Oct 2019, 14:37</div>"))
	ref := ThreadRef{Dir: "t", Key: "t", Files: []string{"t/message_1.html"}, Format: FormatHTML, Channel: chat.Instagram}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := mapFS(map[string]string{"t/message_1.html": string(data)})
		c, err := ReadThreadIn(context.Background(), fsys, ref, berlin)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v does not wrap ErrCorrupt", err)
			}
			return
		}
		checkFuzzConversation(t, c)
		Sniff(data)
		GuessOwner(context.Background(), fsys, []ThreadRef{ref, ref})
	})
}

// FuzzFixMojibake checks FixMojibake against the rule of FORMATS.md §2.4
// written the plain way, and that valid input gives valid output.
func FuzzFixMojibake(f *testing.F) {
	for _, s := range []string{"", "abc", "caf\u00c3\u00a9", "\u00f0\u009f\u0091\u008d", "café", "\u201c", "\xff", "\u00c3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FixMojibake(s)
		want := s
		if utf8.ValidString(s) {
			b := make([]byte, 0, len(s))
			latin := true
			for _, r := range s {
				if r > 0xFF {
					latin = false
					break
				}
				b = append(b, byte(r))
			}
			if latin && utf8.Valid(b) {
				want = string(b)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("FixMojibake(%q) = %q, invalid UTF-8", s, got)
			}
		}
		if got != want {
			t.Fatalf("FixMojibake(%q) = %q, want %q", s, got, want)
		}
		// the decoder's built-in repair agrees with FixMojibake
		if utf8.ValidString(s) {
			enc, _ := json.Marshal(s)
			d := decoder{data: enc}
			dec, ok := d.str(true)
			if !ok || dec != got {
				t.Fatalf("decoder repair of %s = %q, %v; FixMojibake %q", enc, dec, ok, got)
			}
		}
		parseHTMLTime(s, time.UTC)
		parseReaction(s)
	})
}
