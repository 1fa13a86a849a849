package meta

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata" // zone tests must not depend on the machine's zoneinfo
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// moji writes s the way Meta's JSON writer does: each UTF-8 byte above
// ASCII as its own \u00XX escape.
func moji(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			b.WriteString(`\u00`)
			b.WriteString("0123456789abcdef"[c>>4 : c>>4+1])
			b.WriteString("0123456789abcdef"[c&15 : c&15+1])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func TestFixMojibake(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii", "Hello", "Hello"},
		{"empty", "", ""},
		{"café", "caf\u00c3\u00a9", "café"},
		{"heart", "\u00e2\u009d\u00a4", "❤"},
		{"thumbs up", "\u00f0\u009f\u0091\u008d", "👍"},
		{"emoji with text", "ok \u00f0\u009f\u0098\u00a0!", "ok 😠!"},
		{"nbsp", "a\u00c2\u00a0b", "a\u00a0b"},
		{"guard: real curly quote left alone", "\u201chi\u201d caf\u00c3\u00a9", "\u201chi\u201d caf\u00c3\u00a9"},
		{"guard: genuine Latin-1 is not UTF-8 as bytes", "café", "café"},
		{"guard: already correct emoji", "👍", "👍"},
		{"invalid UTF-8 input unchanged", "caf\xc3", "caf\xc3"},
		{"lone continuation byte", "\u0080", "\u0080"},
		{"truncated sequence", "\u00c3", "\u00c3"},
		{"real U+FFFD", "\ufffd\u00c3\u00a9", "\ufffd\u00c3\u00a9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FixMojibake(tt.in); got != tt.want {
				t.Errorf("FixMojibake(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// mapFS builds a download from slash paths and contents.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, s := range files {
		m[p] = &fstest.MapFile{Data: []byte(s), Mode: 0o644}
	}
	return m
}

// readOne reads a single JSON thread file given as text.
func readOne(t *testing.T, content string) (chat.Conversation, error) {
	t.Helper()
	fsys := mapFS(map[string]string{"t/message_1.json": content})
	return ReadThread(context.Background(), fsys, ThreadRef{Dir: "t", Key: "t", Files: []string{"t/message_1.json"}, Format: FormatJSON, Channel: chat.Facebook})
}

// TestDecodeJSON covers the hand-written decoder: escapes, surrogates,
// numbers, BOM, both schemas, tolerance of wrong-typed fields and the
// errors of broken files (with their line).
func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		body    string // first message body
		author  string
		at      int64 // first message, epoch ms
		line    int   // >0: want ErrCorrupt at this line
		errText string
	}{
		{name: "escapes", in: `{"participants":[],"messages":[{"sender_name":"A","timestamp_ms":1600000000000,"content":"a\"b\\c\/d\n\te\u0041\b\f\r"}]}`, body: "a\"b\\c/d\n\teA\b\f\r", author: "A", at: 1600000000000},
		{name: "surrogate pair", in: `{"messages":[{"sender_name":"A","timestamp_ms":1,"content":"\ud83d\ude00 x"}]}`, body: "😀 x", author: "A", at: 1000},
		{name: "lone surrogate", in: `{"messages":[{"sender_name":"A","timestamp_ms":1,"content":"\ud83d x \ude00"}]}`, body: "\ufffd x \ufffd", author: "A", at: 1000},
		{name: "high then non-low surrogate", in: `{"messages":[{"sender_name":"A","timestamp_ms":1,"content":"\ud83d\u0041"}]}`, body: "\ufffdA", author: "A", at: 1000},
		{name: "raw UTF-8 and invalid bytes", in: "{\"messages\":[{\"sender_name\":\"Zoë\",\"timestamp_ms\":1,\"content\":\"a\xffb\"}]}", body: "a\ufffdb", author: "Zoë", at: 1000},
		{name: "mojibake mixed with a real escape above U+00FF", in: `{"messages":[{"sender_name":"A","timestamp_ms":1,"content":"caf\u00c3\u00a9 \u201cx\u201d"}]}`, body: "caf\u00c3\u00a9 \u201cx\u201d", author: "A", at: 1000},
		{name: "BOM", in: "\ufeff{\"messages\":[{\"sender_name\":\"A\",\"timestamp_ms\":5,\"content\":\"x\"}]}", body: "x", author: "A", at: 5000},
		{name: "float timestamp", in: `{"messages":[{"sender_name":"A","timestamp_ms":1.6e12,"content":"x"}]}`, body: "x", author: "A", at: 1600000000000},
		{name: "seconds timestamp", in: `{"messages":[{"sender_name":"A","timestamp_ms":1600000000,"content":"x"}]}`, body: "x", author: "A", at: 1600000000000},
		{name: "wrong types skipped", in: `{"participants":{"x":1},"title":7,"messages":[{"sender_name":null,"timestamp_ms":"1","content":5,"photos":{"uri":"x"},"reactions":"no","share":[1],"is_unsent":"yes","extra":{"deep":[1,{"a":[true,false,null]}]}}]}`, body: "", author: "", at: 0},
		{name: "e2ee camelCase", in: `{"participants":["A","B"],"threadName":"T","messages":[{"senderName":"B","text":"caf\u00c3\u00a9","timestamp":1600000000000,"isUnsent":false,"media":[]}]}`, body: "café", author: "B", at: 1600000000000},
		{name: "not JSON", in: "{this is not: valid json", line: 1, errText: "invalid character 't'"},
		{name: "error line from offset", in: "{\n  \"participants\": [],\n  \"messages\": [\n    {\"sender_name\": \"A\",\n     \"content\": \"x\" \"y\"}\n  ]\n}", line: 5, errText: "after object key:value pair"},
		{name: "truncated", in: "{\n\"messages\": [\n{\"content\": \"abc", line: 3, errText: "unexpected end of JSON input"},
		{name: "trailing comma", in: `{"messages":[{"content":"x"},]}`, line: 1},
		{name: "control character in string", in: "{\"messages\":[{\"content\":\"a\tb\"}]}", line: 1},
		{name: "bad escape", in: `{"messages":[{"content":"\x"}]}`, line: 1},
		{name: "bad number", in: `{"messages":[{"timestamp_ms":01}]}`, line: 1},
		{name: "trailing data", in: `{"messages":[]} x`, line: 1, errText: "after top-level value"},
		{name: "two values", in: "{\"messages\":[]}\n{}", line: 2},
		{name: "top-level array", in: `[{"messages":[]}]`, line: 1},
		{name: "no messages array", in: `{"participants":[{"name":"A"}]}`, line: 1, errText: "no \"messages\" array"},
		{name: "messages is null", in: `{"messages":null}`, line: 1},
		{name: "empty", in: "", line: 1, errText: "unexpected end"},
		{name: "deep nesting", in: `{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,"messages":[]}`, line: 1, errText: "max depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := readOne(t, tt.in)
			if tt.line > 0 {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("err = %v, want ErrCorrupt", err)
				}
				if !strings.Contains(err.Error(), "t/message_1.json") || !strings.Contains(err.Error(), "line "+itoa(tt.line)+":") || !strings.Contains(err.Error(), tt.errText) {
					t.Errorf("err = %q, want file, line %d and %q", err, tt.line, tt.errText)
				}
				if json.Valid([]byte(strings.TrimPrefix(tt.in, "\ufeff"))) && tt.errText != "no \"messages\" array" && tt.name != "top-level array" && tt.name != "messages is null" {
					t.Errorf("encoding/json accepts what the decoder rejects")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Messages) != 1 {
				t.Fatalf("%d messages", len(c.Messages))
			}
			m := c.Messages[0]
			if m.Body != tt.body || m.Author != tt.author || m.At.UnixMilli() != tt.at {
				t.Errorf("got %q by %q at %d, want %q by %q at %d", m.Body, m.Author, m.At.UnixMilli(), tt.body, tt.author, tt.at)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestMessageMapping covers the mapping of the DYI message kinds.
func TestMessageMapping(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want chat.Message // At and Line not compared
	}{
		{"text", `{"sender_name":"A","content":"hi","type":"Generic"}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "hi"}},
		{"unsent tombstone keeps reactions", `{"sender_name":"A","content":"gone","is_unsent":true,"reactions":[{"reaction":"\u00e2\u009d\u00a4","actor":"B"}],"photos":[{"uri":"p/x.jpg"}]}`,
			chat.Message{Author: "A", Kind: chat.KindDeleted, Reactions: []chat.Reaction{{Emoji: "❤", Actor: "B"}}}},
		{"subscribe with users", `{"sender_name":"A","type":"Subscribe","users":[{"name":"B"},{"name":"C"}]}`, chat.Message{Author: "A", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "A added B, C"}},
		{"unsubscribe self", `{"sender_name":"A","type":"Unsubscribe","users":[{"name":"A"}]}`, chat.Message{Author: "A", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "A left the group"}},
		{"unsubscribe with content", `{"sender_name":"A","type":"Unsubscribe","content":"A removed B from the group."}`, chat.Message{Author: "A", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "A removed B from the group."}},
		{"call long", `{"sender_name":"A","type":"Call","call_duration":3725}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "Call, 1 h 2 min 5 s"}},
		{"call zero", `{"sender_name":"A","type":"Call","call_duration":0}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "Call"}},
		{"share with content", `{"sender_name":"A","content":"look at this","share":{"link":"https://x.example/a","share_text":"caf\u00c3\u00a9 menu"}}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "look at this\nhttps://x.example/a\ncafé menu"}},
		{"share repeating its link", `{"sender_name":"A","content":"https://x.example/a","type":"Share","share":{"link":"https://x.example/a"}}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "https://x.example/a"}},
		{"live location: share_text only", `{"sender_name":"A","share":{"share_text":"Live location"}}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "Live location"}},
		{"all media kinds, base names only", `{"sender_name":"A","content":"c","photos":[{"uri":"messages/inbox/a/photos/1.jpg"}],"videos":[{"uri":"v\\2.mp4","thumbnail":{"uri":"t.jpg"}}],"audio_files":[{"uri":"3.aac"}],"files":[{"uri":"f/4.pdf"}],"gifs":[{"uri":"https://x.example/g/5.gif?x=1"}],"sticker":{"uri":"messages/stickers_used/6.png","ai_stickers":[]}}`,
			chat.Message{Author: "A", Kind: chat.KindMedia, Body: "c", Attachments: []string{"1.jpg", "2.mp4", "3.aac", "4.pdf", "5.gif", "6.png"}}},
		{"mojibake file name", `{"sender_name":"A","files":[{"uri":"files/caf\u00c3\u00a9.pdf"}]}`, chat.Message{Author: "A", Kind: chat.KindMedia, Attachments: []string{"café.pdf"}}},
		{"unusable uris dropped", `{"sender_name":"A","content":"x","photos":[{"uri":""},{"uri":"a/.."},{"uri":"a/"}]}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "x"}},
		{"instagram like", `{"sender_name":"A","content":"Liked a message"}`, chat.Message{Author: "A", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "Liked a message"}},
		{"instagram reacted", `{"sender_name":"A","content":"Reacted \u00e2\u009d\u00a4\u00ef\u00b8\u008f to your message"}`, chat.Message{Author: "A", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "Reacted ❤️ to your message"}},
		{"older like", `{"sender_name":"ann","content":"ann liked a message"}`, chat.Message{Author: "ann", Role: chat.RoleSystem, Kind: chat.KindSystem, Body: "ann liked a message"}},
		{"a sentence about likes stays text", `{"sender_name":"A","content":"I liked a message you sent"}`, chat.Message{Author: "A", Kind: chat.KindText, Body: "I liked a message you sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := readOne(t, `{"messages":[`+tt.msg+`]}`)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Messages[0]
			got.At, got.Line = time.Time{}, 0
			if got.Author != tt.want.Author || got.Role != tt.want.Role || got.Kind != tt.want.Kind || got.Body != tt.want.Body ||
				!slices.Equal(got.Attachments, tt.want.Attachments) || !slices.Equal(got.Reactions, tt.want.Reactions) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestOrderTies: equal timestamps keep the reverse of their file order
// (DYI files are newest first), across files too; an ascending file is
// kept as written.
func TestOrderTies(t *testing.T) {
	msg := func(body string, ts int) string {
		return `{"sender_name":"A","timestamp_ms":` + itoa(ts) + `,"content":"` + body + `"}`
	}
	tests := []struct {
		name   string
		format Format
		files  []string // message_1 first
		want   []string
	}{
		{"one file newest first", FormatJSON, []string{`{"messages":[` + msg("d", 3000) + `,` + msg("c", 2000) + `,` + msg("b", 2000) + `,` + msg("a", 1000) + `]}`}, []string{"a", "b", "c", "d"}},
		{"all equal: reverse file order", FormatJSON, []string{`{"messages":[` + msg("c", 1000) + `,` + msg("b", 1000) + `,` + msg("a", 1000) + `]}`}, []string{"a", "b", "c"}},
		{"ties across files", FormatJSON, []string{
			`{"messages":[` + msg("d", 3000) + `,` + msg("c", 2000) + `]}`,
			`{"messages":[` + msg("b", 2000) + `,` + msg("a", 1000) + `]}`,
		}, []string{"a", "b", "c", "d"}},
		{"ascending file kept as written", FormatJSON, []string{`{"messages":[` + msg("a", 1000) + `,` + msg("b", 2000) + `,` + msg("c", 2000) + `,` + msg("d", 3000) + `]}`}, []string{"a", "b", "c", "d"}},
		{"e2ee all equal: as written", FormatE2EE, []string{`{"participants":["A"],"messages":[` + msg("a", 1000) + `,` + msg("b", 1000) + `]}`}, []string{"a", "b"}},
		{"out of order input sorted", FormatJSON, []string{`{"messages":[` + msg("c", 3000) + `,` + msg("a", 1000) + `,` + msg("d", 4000) + `,` + msg("b", 2000) + `]}`}, []string{"a", "b", "c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			ref := ThreadRef{Dir: "t", Key: "t", Format: tt.format, Channel: chat.Facebook}
			for i, f := range tt.files {
				name := "t/message_" + itoa(i+1) + ".json"
				files[name] = f
				ref.Files = append(ref.Files, name)
			}
			c, err := ReadThread(context.Background(), mapFS(files), ref)
			if err != nil {
				t.Fatal(err)
			}
			checkConversation(t, c)
			if got := bodies(c.Messages); !slices.Equal(got, tt.want) {
				t.Errorf("order = %q, want %q", got, tt.want)
			}
		})
	}
}

const fbThread = `{"participants":[{"name":"Shop"},{"name":"Ann"}],"messages":[{"sender_name":"Ann","timestamp_ms":1500000000000,"content":"hi","type":"Generic"}],"title":"Ann","is_still_participant":true,"thread_type":"Regular","thread_path":"inbox/ann_a1b2c3"}`
const igThread = `{"participants":[{"name":"Shop"},{"name":"Bea"}],"messages":[{"sender_name":"Bea","timestamp_ms":1600000000000,"content":"hi"}],"title":"Bea","is_still_participant":true,"thread_path":"inbox/bea_17841400000000000"}`
const modernThread = `{"participants":[{"name":"Shop"},{"name":"Cy"}],"messages":[{"sender_name":"Cy","timestamp_ms":1700000000000,"content":"hi","is_geoblocked_for_viewer":false}],"title":"Cy","thread_path":"inbox/cy_10206072096154041"}`

// TestDiscoverLayouts walks every layout era and section.
func TestDiscoverLayouts(t *testing.T) {
	type want struct {
		dir     string
		key     string
		format  Format
		channel chat.Channel
		files   int
	}
	tests := []struct {
		name    string
		files   map[string]string
		threads []want
		ignored int
	}{
		{
			name: "facebook before 2024: bare messages/, thread_type, stickers_used",
			files: map[string]string{
				"messages/inbox/ann_a1b2c3/message_1.json":                                   fbThread,
				"messages/inbox/ann_a1b2c3/photos/1.jpg":                                     "jpg",
				"messages/stickers_used/39178562_1505197616293642_5411344281094848512_n.png": "png",
				"messages/message_requests/zed_x9/message_1.json":                            modernThread,
				"profile_information/profile_information.json":                               `{"profile_v2":{"name":{"full_name":"Shop"}}}`,
			},
			threads: []want{
				{"messages/inbox/ann_a1b2c3", "ann_a1b2c3", FormatJSON, chat.Facebook, 1},
				{"messages/message_requests/zed_x9", "zed_x9", FormatJSON, chat.Facebook, 1},
			},
			ignored: 3,
		},
		{
			name: "instagram 2020-2022: bare messages/, no type anywhere",
			files: map[string]string{
				"messages/inbox/bea_17841400000000000/message_1.json":            igThread,
				"messages/message_requests/dan_17841400000000009/message_1.json": modernThread,
				"personal_information/personal_information.json":                 `{"profile_user":[]}`,
			},
			threads: []want{
				{"messages/inbox/bea_17841400000000000", "bea_17841400000000000", FormatJSON, chat.Instagram, 1},
				{"messages/message_requests/dan_17841400000000009", "dan_17841400000000009", FormatJSON, chat.Instagram, 1},
			},
			ignored: 1,
		},
		{
			name: "instagram 2023+: your_instagram_activity, inbox and message_requests",
			files: map[string]string{
				"your_instagram_activity/messages/inbox/bea_17841400000000000/message_1.json":            igThread,
				"your_instagram_activity/messages/inbox/bea_17841400000000000/message_2.json":            igThread,
				"your_instagram_activity/messages/message_requests/eli_17841400000000003/message_1.json": igThread,
				"your_instagram_activity/messages/secret_conversations.json":                             `{"ig_secret_conversations":{}}`,
				"your_instagram_activity/messages/chats.html":                                            "<html></html>",
			},
			threads: []want{
				{"your_instagram_activity/messages/inbox/bea_17841400000000000", "bea_17841400000000000", FormatJSON, chat.Instagram, 2},
				{"your_instagram_activity/messages/message_requests/eli_17841400000000003", "eli_17841400000000003", FormatJSON, chat.Instagram, 1},
			},
			ignored: 2,
		},
		{
			name: "facebook 2024 root, every section",
			files: map[string]string{
				"your_activity_across_facebook/messages/inbox/cy_1/message_1.json":            modernThread,
				"your_activity_across_facebook/messages/archived_threads/cy_2/message_1.json": modernThread,
				"your_activity_across_facebook/messages/filtered_threads/cy_3/message_1.json": modernThread,
				"your_activity_across_facebook/messages/message_requests/cy_4/message_1.json": modernThread,
				"your_activity_across_facebook/messages/e2ee_cutover/cy_5/message_1.json":     modernThread,
			},
			threads: []want{
				{"your_activity_across_facebook/messages/archived_threads/cy_2", "cy_2", FormatJSON, chat.Facebook, 1},
				{"your_activity_across_facebook/messages/e2ee_cutover/cy_5", "cy_5", FormatJSON, chat.Facebook, 1},
				{"your_activity_across_facebook/messages/filtered_threads/cy_3", "cy_3", FormatJSON, chat.Facebook, 1},
				{"your_activity_across_facebook/messages/inbox/cy_1", "cy_1", FormatJSON, chat.Facebook, 1},
				{"your_activity_across_facebook/messages/message_requests/cy_4", "cy_4", FormatJSON, chat.Facebook, 1},
			},
		},
		{
			name: "facebook 2025 root, HTML thread, E2EE beside it, zip top folder",
			files: map[string]string{
				"facebook-shop-2025/your_facebook_activity/messages/inbox/cy_1/message_1.html": "<html><body><div><div>Cy</div><div>hi</div><div>Oct 19, 2019, 2:37 PM</div></div></body></html>",
				"facebook-shop-2025/your_facebook_activity/messages/inbox/cy_1/message_2.html": "<html></html>",
				"e2ee/Cy_7.json":   `{"participants":["Shop","Cy"],"threadName":"Cy","messages":[]}`,
				"e2ee/media/p.jpg": "jpg",
			},
			threads: []want{
				{"e2ee/Cy_7.json", "e2ee:Cy_7", FormatE2EE, chat.Facebook, 1},
				{"facebook-shop-2025/your_facebook_activity/messages/inbox/cy_1", "cy_1", FormatHTML, chat.Facebook, 2},
			},
			ignored: 1,
		},
		{
			name: "bare HTML thread follows the JSON evidence of its root",
			files: map[string]string{
				"messages/inbox/ann_a1b2c3/message_1.json": fbThread,
				"messages/inbox/old_q1/message_1.html":     "<html></html>",
			},
			threads: []want{
				{"messages/inbox/ann_a1b2c3", "ann_a1b2c3", FormatJSON, chat.Facebook, 1},
				{"messages/inbox/old_q1", "old_q1", FormatHTML, chat.Facebook, 1},
			},
		},
		{
			name: "instagram media uri decides a bare layout",
			files: map[string]string{
				"messages/inbox/fox_1/message_1.json": `{"participants":[{"name":"A"}],"messages":[{"sender_name":"A","timestamp_ms":1,"type":"Generic","photos":[{"uri":"your_instagram_activity/messages/inbox/fox_1/photos/1.jpg"}]}]}`,
			},
			threads: []want{{"messages/inbox/fox_1", "fox_1", FormatJSON, chat.Instagram, 1}},
		},
		{
			name: "thread files at the top",
			files: map[string]string{
				"message_1.json":            igThread,
				"message_2.json":            igThread,
				"__MACOSX/._message_1.json": "\x00\x05\x16\x07",
			},
			threads: []want{{".", "", FormatJSON, chat.Instagram, 2}},
		},
		{
			name: "numeric order, JSON over HTML, unrelated names",
			files: map[string]string{
				"t/x_1/message_10.json":   igThread,
				"t/x_1/message_2.json":    igThread,
				"t/x_1/message_1.json":    igThread,
				"t/x_1/message_1.html":    "<html></html>",
				"t/x_1/message_a.json":    `{"a":1}`,
				"t/x_1/messages_1.json":   `[1]`,
				"t/x_1/._message_3.json":  "\x00\x05",
				"t/x_1/audio/1.mp4":       "",
				"t/x_1/message.json.bak":  "",
				"t/message_requests.html": "",
			},
			threads: []want{{"t/x_1", "x_1", FormatJSON, chat.Instagram, 3}},
			ignored: 7,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl, err := Discover(context.Background(), mapFS(tt.files))
			if err != nil {
				t.Fatal(err)
			}
			if len(dl.Threads) != len(tt.threads) {
				t.Fatalf("threads = %+v, want %d", dl.Threads, len(tt.threads))
			}
			for i, w := range tt.threads {
				r := dl.Threads[i]
				if r.Dir != w.dir || r.Key != w.key || r.Format != w.format || r.Channel != w.channel || len(r.Files) != w.files {
					t.Errorf("thread %d = %+v, want %+v", i, r, w)
				}
			}
			if dl.Ignored != tt.ignored {
				t.Errorf("Ignored = %d, want %d", dl.Ignored, tt.ignored)
			}
		})
	}
}

// TestDiscoverFileOrder: message_N in numeric order of N.
func TestDiscoverFileOrder(t *testing.T) {
	files := map[string]string{}
	for _, n := range []int{10, 2, 1, 11, 9} {
		files["inbox/a_1/message_"+itoa(n)+".json"] = igThread
	}
	dl, err := Discover(context.Background(), mapFS(files))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"inbox/a_1/message_1.json", "inbox/a_1/message_2.json", "inbox/a_1/message_9.json", "inbox/a_1/message_10.json", "inbox/a_1/message_11.json"}
	if got := dl.Threads[0].Files; !slices.Equal(got, want) {
		t.Errorf("Files = %q, want %q", got, want)
	}
}

// TestKeyAcrossEras: the same thread in a 2024 and a 2025 download, and in
// the older bare layout, gets the same Key.
func TestKeyAcrossEras(t *testing.T) {
	var keys []string
	for _, root := range []string{"messages", "your_activity_across_facebook/messages", "your_facebook_activity/messages"} {
		dl, err := Discover(context.Background(), mapFS(map[string]string{root + "/inbox/cy_10206072096154041/message_1.json": modernThread}))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, dl.Threads[0].Key)
	}
	if keys[0] != "cy_10206072096154041" || keys[1] != keys[0] || keys[2] != keys[0] {
		t.Errorf("keys = %q", keys)
	}
}

func TestDiscoverNotMeta(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"empty", map[string]string{}},
		{"photos and other JSON", map[string]string{"a/1.jpg": "x", "b/profile.json": `{"messages":"no"}`, "c/list.json": `[{"messages":[]}]`, "d/broken.json": "{"}},
		{"whatsapp export", map[string]string{"WhatsApp Chat with Ann.txt": "1/2/23, 10:00 - Ann: hi\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl, err := Discover(context.Background(), mapFS(tt.files))
			if !errors.Is(err, ErrNotMeta) {
				t.Errorf("err = %v, want ErrNotMeta", err)
			}
			if dl.Ignored != len(tt.files) {
				t.Errorf("Ignored = %d, want %d", dl.Ignored, len(tt.files))
			}
		})
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fsys := os.DirFS(msgvault("json_simple"))
	if _, err := Discover(ctx, fsys); !errors.Is(err, context.Canceled) {
		t.Errorf("Discover: %v", err)
	}
	ref := ThreadRef{Dir: "x", Files: []string{"x/message_1.json"}, Format: FormatJSON}
	if _, err := ReadThread(ctx, fsys, ref); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadThread: %v", err)
	}
	if _, err := GuessOwner(ctx, fsys, []ThreadRef{ref, ref}); !errors.Is(err, context.Canceled) {
		t.Errorf("GuessOwner: %v", err)
	}
}

func TestReadThreadErrors(t *testing.T) {
	fsys := mapFS(map[string]string{
		"t/message_1.html": "<html><body><p>nothing here</p></body></html>",
		"u/message_1.html": "<html>\x00\x01</html>",
	})
	tests := []struct {
		name    string
		ref     ThreadRef
		corrupt bool
	}{
		{"no files", ThreadRef{Dir: "t"}, false},
		{"missing file", ThreadRef{Dir: "m", Files: []string{"m/message_1.json"}, Format: FormatJSON}, false},
		{"html without messages", ThreadRef{Dir: "t", Files: []string{"t/message_1.html"}, Format: FormatHTML}, true},
		{"binary html", ThreadRef{Dir: "u", Files: []string{"u/message_1.html"}, Format: FormatHTML}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadThread(context.Background(), fsys, tt.ref)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrCorrupt) != tt.corrupt {
				t.Errorf("err = %v, corrupt want %v", err, tt.corrupt)
			}
			if errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), tt.ref.Files[0]) {
				t.Errorf("err = %v does not name the file", err)
			}
			if tt.name == "missing file" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("err = %v, want fs.ErrNotExist", err)
			}
		})
	}
}

// TestInstagramMojibakeThread reads testdata's Instagram thread: mojibake in
// names, text, title and reactions, the \u201c guard, a photo, a like
// notice and an unsent message.
func TestInstagramMojibakeThread(t *testing.T) {
	dl := discover(t, "testdata/instagram")
	if len(dl.Threads) != 1 {
		t.Fatalf("%+v", dl)
	}
	ref := dl.Threads[0]
	if ref.Channel != chat.Instagram || ref.Key != "zoecafe_17841400000000001" {
		t.Errorf("ref = %+v", ref)
	}
	c := read(t, "testdata/instagram", ref)
	checkConversation(t, c)
	const zoe, owner = "Zoë Café 🌸", "Bäckerei Müller"
	if c.Title != zoe || !slices.Equal(c.Participants, []string{zoe, owner}) {
		t.Errorf("title %q participants %q", c.Title, c.Participants)
	}
	want := []struct {
		author string
		kind   chat.Kind
		body   string
	}{
		{zoe, chat.KindText, "Hallo! Habt ihr Hafermilch für den Café au lait? ☕"},
		{zoe, chat.KindDeleted, ""},
		{owner, chat.KindText, "We have \u201coat milk\u201d, yes"},
		{zoe, chat.KindMedia, ""},
		{zoe, chat.KindSystem, "Liked a message"},
		{owner, chat.KindText, "Danke schön! Bis morgen 👋"},
	}
	if len(c.Messages) != len(want) {
		t.Fatalf("%d messages, want %d", len(c.Messages), len(want))
	}
	for i, w := range want {
		m := c.Messages[i]
		if m.Author != w.author || m.Kind != w.kind || m.Body != w.body {
			t.Errorf("message %d = %q %s %q, want %+v", i, m.Author, m.Kind, m.Body, w)
		}
	}
	if got := c.Messages[3].Attachments; !slices.Equal(got, []string{"1234567890123456.jpg"}) {
		t.Errorf("attachments = %q", got)
	}
	if got := c.Messages[5].Reactions; !slices.Equal(got, []chat.Reaction{{Emoji: "❤️", Actor: zoe}}) {
		t.Errorf("reactions = %+v", got)
	}
	if c.Messages[4].Role != chat.RoleSystem {
		t.Errorf("like notice role %q", c.Messages[4].Role)
	}
}

// TestInstagramHTMLThread reads testdata's Instagram 2023+ HTML thread:
// <h2> sender, lower-case times without a comma, reactions with and
// without a time, a video, a photo in a link, a body that is a date, a
// <br>, entities, and two messages in the same minute (newest first).
func TestInstagramHTMLThread(t *testing.T) {
	dir := "testdata/instagram_html"
	dl := discover(t, dir)
	if len(dl.Threads) != 1 || dl.Threads[0].Format != FormatHTML || dl.Threads[0].Channel != chat.Instagram {
		t.Fatalf("%+v", dl)
	}
	c := read(t, dir, dl.Threads[0])
	checkConversation(t, c)
	if c.Title != "Ana, Ben and Bäckerei Müller" || !slices.Equal(c.Participants, []string{"Ana", "Ben", "Bäckerei Müller"}) {
		t.Errorf("title %q participants %q", c.Title, c.Participants)
	}
	at := func(d, h, m int) time.Time { return time.Date(2023, 3, d, h, m, 0, 0, time.UTC) }
	want := []struct {
		at     time.Time
		author string
		kind   chat.Kind
		body   string
		atts   []string
	}{
		{at(5, 23, 58), "Ana", chat.KindMedia, "Do you deliver\nto the office?", []string{"998877.jpg"}},
		{at(6, 0, 2), "Ana", chat.KindSystem, "Liked a message", nil},
		{at(6, 18, 26), "Ben", chat.KindText, "Sep 22, 2017 6:33 am\nhttps://example.com/menu", nil},
		{at(6, 18, 26), "Bäckerei Müller", chat.KindMedia, "", []string{"1276044200006294.mp4"}},
		{at(6, 18, 31), "Ana", chat.KindText, "Perfect, thanks & see you at 5!", nil},
	}
	if len(c.Messages) != len(want) {
		t.Fatalf("%d messages: %+v", len(c.Messages), c.Messages)
	}
	for i, w := range want {
		m := c.Messages[i]
		if !m.At.Equal(w.at) || m.Author != w.author || m.Kind != w.kind || m.Body != w.body || !slices.Equal(m.Attachments, w.atts) {
			t.Errorf("message %d = %v %q %s %q %q, want %+v", i, m.At, m.Author, m.Kind, m.Body, m.Attachments, w)
		}
	}
	wantReactions := []chat.Reaction{{Emoji: "❤️", Actor: "Bäckerei Müller"}, {Emoji: "👍🏽", Actor: "Ben"}}
	if got := c.Messages[4].Reactions; !slices.Equal(got, wantReactions) {
		t.Errorf("reactions = %+v, want %+v", got, wantReactions)
	}
	owner, err := GuessOwner(context.Background(), os.DirFS(dir), dl.Threads)
	if err != nil || owner != "" {
		t.Errorf("GuessOwner on one thread = %q, %v; want \"\"", owner, err)
	}
}

func TestParseHTMLTime(t *testing.T) {
	d := func(y int, mo time.Month, day, h, mi, s int) time.Time {
		return time.Date(y, mo, day, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time // zero: not a timestamp
	}{
		{"Oct 19, 2019, 2:37 PM", d(2019, 10, 19, 14, 37, 0)},
		{"Oct 19, 2019 at 2:37 PM", d(2019, 10, 19, 14, 37, 0)},
		{"19 Oct 2019, 14:37", d(2019, 10, 19, 14, 37, 0)},
		{"Sep 22, 2017 6:33 am", d(2017, 9, 22, 6, 33, 0)},
		{"Mar 06, 2023 12:02 am", d(2023, 3, 6, 0, 2, 0)},
		{"Mar 06, 2023 12:02 pm", d(2023, 3, 6, 12, 2, 0)},
		{"Jan 2, 2006, 3:04:05 PM", d(2006, 1, 2, 15, 4, 5)},
		{"October 19, 2019 at 2:37\u202fPM", d(2019, 10, 19, 14, 37, 0)},
		{"19. Okt. 2019, 14:37", d(2019, 10, 19, 14, 37, 0)},
		{"Oct 19, 2019, 2:37pm", d(2019, 10, 19, 14, 37, 0)},
		{"Oct 19, 2019, 14:37 PM", d(2019, 10, 19, 14, 37, 0)},
		{"Feb 30, 2019, 2:37 PM", time.Time{}},
		{"Oct 19, 2019", time.Time{}},
		{"Hello Oct 19, 2019, 2:37 PM", time.Time{}},
		{"Oct 19, 2019, 2:37 PM x", time.Time{}},
		{"Oct 19 20, 2019, 2:37 PM", time.Time{}},
		{"Oct 19, 2019, 13:37 AM", time.Time{}},
		{"Oct 19, 2019, 2:7 PM", time.Time{}},
		{"Oct 19, 2019, 24:00", time.Time{}},
		{"Oct 19, 19, 2:37 PM", time.Time{}},
		{"see you at 2:37 PM", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseHTMLTime(tt.in, time.UTC)
			if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
				t.Errorf("parseHTMLTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestParseReaction(t *testing.T) {
	tests := []struct {
		in    string
		want  chat.Reaction
		valid bool
	}{
		{"❤️friend_username (Apr 23, 2022 5:32 pm)", chat.Reaction{Emoji: "❤️", Actor: "friend_username"}, true},
		{"👍🏽 Ben", chat.Reaction{Emoji: "👍🏽", Actor: "Ben"}, true},
		{"👨‍👩‍👧Family Shop", chat.Reaction{Emoji: "👨‍👩‍👧", Actor: "Family Shop"}, true},
		{"🇩🇪Hans", chat.Reaction{Emoji: "🇩🇪", Actor: "Hans"}, true},
		{"Ben (not a time)", chat.Reaction{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseReaction(tt.in)
			if ok != tt.valid || got != tt.want {
				t.Errorf("parseReaction(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.valid)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"dyi json", read(msgvault("json_simple") + "/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"), true},
		{"e2ee json", read(msgvault("e2ee_simple") + "/your_activity_across_facebook/messages/alice_1.json"), true},
		{"chat-miner instagram", read(fixture("chat-miner", "test", "instagram", "test_export.json")), true},
		{"dyi html", read(msgvault("html_simple") + "/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.html"), true},
		{"instagram html", read("testdata/instagram_html/your_instagram_activity/messages/inbox/teamshop_17841400000000002/message_1.html"), true},
		{"truncated head", `{"participants":[{"name":"A"}],"messages":[{"sender_name":"A","timestamp_ms":1,"content":"a very long`, true},
		{"bom", "\ufeff" + igThread, true},
		{"chat-miner target", read(fixture("chat-miner", "test", "instagram", "target.json")), false},
		{"other json", `{"profile_v2":{"name":"x"},"messages":1}`, false},
		{"messages without sender", `{"messages":[{"x":1}]}`, false},
		{"whatsapp", "1/2/23, 10:00 - Ann: hi\n", false},
		{"plain html", "<html><body>hello</body></html>", false},
		{"empty", "", false},
		{"binary", "\x00\x01PK", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.head)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGuessOwner(t *testing.T) {
	thread := func(names ...string) string {
		var ps []string
		for _, n := range names {
			ps = append(ps, `{"name":"`+moji(n)+`"}`)
		}
		return `{"participants":[` + strings.Join(ps, ",") + `],"messages":[]}`
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"owner in every thread, mojibake repaired", map[string]string{
			"inbox/a_1/message_1.json": thread("Ann", "Bäckerei"),
			"inbox/b_2/message_1.json": thread("Bea", "Bäckerei"),
			"inbox/c_3/message_1.json": thread("Cy", "Bäckerei", "Dan"),
		}, "Bäckerei"},
		{"two threads share the owner", map[string]string{
			"inbox/a_1/message_1.json": thread("Ann", "Shop"),
			"inbox/b_2/message_1.json": thread("Shop", "Bea"),
		}, "Shop"},
		{"single thread", map[string]string{"inbox/a_1/message_1.json": thread("Ann", "Shop")}, ""},
		{"tie", map[string]string{
			"inbox/a_1/message_1.json": thread("Ann", "Shop"),
			"inbox/b_2/message_1.json": thread("Shop", "Ann"),
		}, ""},
		{"nobody in two threads", map[string]string{
			"inbox/a_1/message_1.json": thread("Ann", "Bob"),
			"inbox/b_2/message_1.json": thread("Cy", "Dan"),
		}, ""},
		{"duplicates within a thread count once", map[string]string{
			"inbox/a_1/message_1.json": thread("Ann", "Ann", "Ann", "Shop"),
			"inbox/b_2/message_1.json": thread("Shop", "Bea"),
			"inbox/c_3/message_1.json": thread("Ann", "Shop"),
		}, "Shop"},
		{"participants after messages, BOM, corrupt sibling, e2ee and html", map[string]string{
			"inbox/a_1/message_1.json": "\ufeff" + `{"messages":[{"sender_name":"x","content":"[{\"name\":\"y\"}]"}],"participants":[{"name":"Shop"},{"name":"Ann"}]}`,
			"inbox/b_2/message_1.json": "{broken",
			"e2ee/Bea_1.json":          `{"participants":["Shop","Bea"],"threadName":"Bea","messages":[]}`,
			"inbox/c_3/message_1.html": "<html><div>Participants: Cy, Dan and Shop</div><div><div>Cy</div><div>x</div><div>Oct 19, 2019, 2:37 PM</div></div></html>",
		}, "Shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := mapFS(tt.files)
			dl, err := Discover(context.Background(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			got, err := GuessOwner(context.Background(), fsys, dl.Threads)
			if err != nil || got != tt.want {
				t.Errorf("GuessOwner = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestTitleFallback: a thread without a title is named after its
// participants other than the owner.
func TestTitleFallback(t *testing.T) {
	fsys := mapFS(map[string]string{"a/message_1.json": `{"participants":[{"name":"Ann"},{"name":"Shop"}],"messages":[],"thread_path":"inbox/ann_77"}`})
	ref := ThreadRef{Dir: "a", Files: []string{"a/message_1.json"}, Format: FormatJSON}
	tests := []struct {
		owner, title string
	}{
		{"", "Ann, Shop"},
		{"Shop", "Ann"},
	}
	for _, tt := range tests {
		t.Run("owner "+tt.owner, func(t *testing.T) {
			c, err := ReadThreadWith(context.Background(), fsys, ref, ReadOptions{Owner: tt.owner})
			if err != nil {
				t.Fatal(err)
			}
			if c.Title != tt.title || c.Key != "ann_77" || len(c.Messages) != 0 {
				t.Errorf("title %q key %q, want %q and the key from thread_path", c.Title, c.Key, tt.title)
			}
		})
	}
}

// TestRepairedBytes: invalid UTF-8 in a thread file is read as U+FFFD and
// counted, byte by byte, so the import report can say so; Meta's \u00XX
// mojibake is valid JSON, repaired and not counted.
func TestRepairedBytes(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		format   Format
		repaired int
		body     string // a message body that must be there
	}{
		// 0xff, 0xc3 cut off, 0xe2 0x82 cut off: each byte one U+FFFD
		{"json: a raw 0xff and cut sequences", "message_1.json", FormatJSON, 4, "Price \ufffd list?"},
		{"json: mojibake only", "clean_1.json", FormatJSON, 0, "Schön"},
		{"html: two raw bytes", "message_1.html", FormatHTML, 2, "Price \ufffd list?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := ThreadRef{Dir: ".", Key: "t", Files: []string{tt.file}, Format: tt.format, Channel: chat.Instagram}
			c, err := ReadThread(context.Background(), os.DirFS("testdata/invalid_utf8"), ref)
			if err != nil {
				t.Fatal(err)
			}
			if c.Repaired != tt.repaired {
				t.Errorf("Repaired = %d, want %d", c.Repaired, tt.repaired)
			}
			found := false
			for _, m := range c.Messages {
				if !utf8.ValidString(m.Body) || !utf8.ValidString(m.Author) {
					t.Errorf("message %d is not valid UTF-8: %q by %q", m.Line, m.Body, m.Author)
				}
				found = found || m.Body == tt.body
			}
			if !found {
				t.Errorf("no message reads %q in %+v", tt.body, c.Messages)
			}
		})
	}
}
