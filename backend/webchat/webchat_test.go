package webchat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	_ "time/tzdata" // zone tests must not depend on the machine's zoneinfo
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// wantConv is what a test expects of one conversation. roles and kinds
// spell the messages in order, one letter each: roles c(ustomer), a(gent),
// b(ot), s(ystem); kinds t(ext), m(edia), s(ystem), d(eleted).
type wantConv struct {
	key, title            string
	name, email, identity string
	roles, kinds          string
	first, last           string   // At of the first and last message, RFC 3339 in UTC
	authors               []string // Author of each message
	attachments           []string // all attachments, in order
	body                  map[int]string
}

// example returns the path of a file of the user documentation.
func example(name string) string {
	return filepath.Join("..", "..", "docs", "examples", name)
}

func readFile(t testing.TB, path string, f Format, loc *time.Location) ([]chat.Conversation, []chat.Skipped, error) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	res, err := Read(context.Background(), fh, filepath.Base(path), f, loc)
	return res.Conversations, res.Skipped, err
}

func readString(s string, f Format) ([]chat.Conversation, []chat.Skipped, error) {
	res, err := Read(context.Background(), strings.NewReader(s), "test", f, time.UTC)
	return res.Conversations, res.Skipped, err
}

var roleLetter = map[chat.Role]string{chat.RoleCustomer: "c", chat.RoleAgent: "a", chat.RoleBot: "b", chat.RoleSystem: "s"}
var kindLetter = map[chat.Kind]string{chat.KindText: "t", chat.KindMedia: "m", chat.KindSystem: "s", chat.KindDeleted: "d"}

// checkConv compares c with w and checks what holds for every conversation.
func checkConv(t *testing.T, c chat.Conversation, w wantConv, source string) {
	t.Helper()
	if c.Channel != chat.WebChat || c.Key != w.key || c.Title != w.title || c.Source != source {
		t.Errorf("conversation = %s %q %q from %q, want webchat %q %q from %q", c.Channel, c.Key, c.Title, c.Source, w.key, w.title, source)
	}
	if want := (chat.Contact{Name: w.name, Email: w.email, Identity: w.identity}); c.Contact != want {
		t.Errorf("%s: contact = %+v, want %+v", w.key, c.Contact, want)
	}
	var roles, kinds strings.Builder
	var authors, atts []string
	for i, m := range c.Messages {
		roles.WriteString(roleLetter[m.Role])
		kinds.WriteString(kindLetter[m.Kind])
		authors = append(authors, m.Author)
		atts = append(atts, m.Attachments...)
		if m.At.Location() != time.UTC {
			t.Errorf("%s: message %d: At %v is not in UTC", w.key, i, m.At)
		}
		if i > 0 && m.At.Before(c.Messages[i-1].At) {
			t.Errorf("%s: message %d at %v is before the one before it", w.key, i, m.At)
		}
		if m.Line < 1 {
			t.Errorf("%s: message %d has line %d", w.key, i, m.Line)
		}
	}
	if roles.String() != w.roles || kinds.String() != w.kinds {
		t.Errorf("%s: roles/kinds = %s/%s, want %s/%s", w.key, roles.String(), kinds.String(), w.roles, w.kinds)
	}
	if w.authors != nil && !slices.Equal(authors, w.authors) {
		t.Errorf("%s: authors = %q, want %q", w.key, authors, w.authors)
	}
	if !slices.Equal(atts, w.attachments) {
		t.Errorf("%s: attachments = %q, want %q", w.key, atts, w.attachments)
	}
	if len(c.Messages) > 0 {
		if got := c.Messages[0].At.Format(time.RFC3339Nano); got != w.first {
			t.Errorf("%s: first message at %s, want %s", w.key, got, w.first)
		}
		if got := c.Messages[len(c.Messages)-1].At.Format(time.RFC3339Nano); got != w.last {
			t.Errorf("%s: last message at %s, want %s", w.key, got, w.last)
		}
	}
	for i, b := range w.body {
		if i >= len(c.Messages) || c.Messages[i].Body != b {
			t.Errorf("%s: body of message %d differs, want %q", w.key, i, b)
		}
	}
}

// exampleConvs is what the two documentation examples hold.
var exampleConvs = []wantConv{{
	key: "generic:web-1001", title: "Emma Wilson",
	name: "Emma Wilson", email: "emma.wilson@example.com", identity: "emma.wilson@example.com",
	roles: "cbsaca", kinds: "ttstmt",
	first: "2024-05-14T07:02:11Z", last: "2024-05-14T07:09:30Z",
	authors:     []string{"Emma Wilson", "Sunny", "", "Sam Lee", "Emma Wilson", "Sam Lee"},
	attachments: []string{"label-photo.jpg"},
	body:        map[int]string{5: "Thanks! A blue one is on its way; keep the red one.\nHave a nice day!"},
}, {
	key: "generic:web-1002", title: "Noah Patel",
	name: "Noah Patel", email: "noah.patel@example.net", identity: "noah.patel@example.net",
	roles: "cac", kinds: "ttt",
	first: "2024-05-15T08:00:00Z", last: "2024-05-15T08:01:40Z",
	authors: []string{"Noah Patel", "Sam Lee", "Noah Patel"},
}}

// TestRead reads a realistic file of every format and checks the
// conversations, contacts, roles, kinds, order, times and what was skipped.
func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		format  Format
		loc     *time.Location
		convs   []wantConv
		skipped []chat.Skipped
	}{
		{
			// The messages API: meta.contact, a private note (dropped), an
			// activity, an agent_bot reply, a CSAT template, attachments.
			name: "chatwoot messages API", path: "testdata/chatwoot_api_messages.json", format: FormatChatwoot,
			convs: []wantConv{{
				key: "chatwoot:3:57", title: "María López",
				name: "María López", email: "maria.lopez@example.com", identity: "chatwoot:contact:231",
				roles: "cbcsacbs", kinds: "tttsmmts",
				first: "2024-03-05T14:00:00Z", last: "2024-03-05T14:10:10Z",
				authors:     []string{"María López", "Sunny", "María López", "", "Tom Baker", "María López", "", ""},
				attachments: []string{"return-label 45.pdf", "IMG_2231.jpg"},
				body:        map[int]string{3: "Assigned to Tom Baker by Sunny", 5: ""},
			}},
		},
		{
			// A message_created webhook: ISO created_at, the contact's email in
			// conversation.meta.sender, the message repeated in
			// conversation.messages (kept once) after a template message.
			name: "chatwoot message_created webhook", path: "testdata/chatwoot_webhook_message_created.json", format: FormatChatwoot,
			convs: []wantConv{{
				key: "chatwoot:1:10", title: "Liam Chen",
				name: "Liam Chen", email: "Liam.Chen@example.org", identity: "chatwoot:contact:14",
				roles: "bc", kinds: "tt",
				first: "2024-03-06T09:15:00Z", last: "2024-03-06T09:15:42Z",
				authors: []string{"", "Liam Chen"},
			}},
		},
		{
			// A log of webhooks, one per line: message_updated replaces the
			// text of the bot's message, the older "… UTC" time format, an
			// event without messages skipped.
			name: "chatwoot webhook log", path: "testdata/chatwoot_webhook_log.json", format: FormatChatwoot,
			convs: []wantConv{{
				key: "chatwoot:1:11", title: "Olivia Brown",
				name: "Olivia Brown", email: "olivia.brown@example.com", identity: "chatwoot:contact:15",
				roles: "cbc", kinds: "ttt",
				first: "2024-03-09T17:02:10Z", last: "2024-03-09T17:03:40Z",
				authors: []string{"Olivia Brown", "Sunny", "Olivia Brown"},
				body:    map[int]string{1: "Yes, 10:00 to 16:00 on Sundays (closed on public holidays)."},
			}},
			skipped: []chat.Skipped{{Line: 4, Reason: `the Chatwoot event "webwidget_triggered" carries no messages`}},
		},
		{
			// The documented transcript: no per-message times, so the event
			// time plus the index in ms; a system greeting; a file.
			name: "tawk.to transcript", path: "testdata/tawkto_transcript.json", format: FormatTawk,
			convs: []wantConv{{
				key: "tawkto:58ca8453b8a7e060cd3b1ecb:70fe3290-99ad-11e9-a30a-51567162179f", title: "Linda Belcher",
				name: "Linda Belcher", email: "linda.belcher@example.com", identity: "linda.belcher@example.com",
				roles: "scaccs", kinds: "sttmts",
				first: "2024-07-03T01:02:37.78Z", last: "2024-07-03T01:02:37.785Z",
				authors:     []string{"", "Linda Belcher", "Bob", "Linda Belcher", "Linda Belcher", ""},
				attachments: []string{"guest-list.pdf"},
				body:        map[int]string{2: "Sure! 7 pm works.\nDo you need the vegetarian menu too?"},
			}},
		},
		{
			// A list of events: chat:start skipped, per-message times used, a
			// visitor without email identified by name, an unknown sender.
			name: "tawk.to event list", path: "testdata/tawkto_events.json", format: FormatTawk,
			convs: []wantConv{{
				key: "tawkto:58ca8453b8a7e060cd3b1ecb:0a1b2c3d-0000-11ee-8c99-0242ac120002", title: "V1720087200000",
				name: "V1720087200000", identity: "V1720087200000",
				roles: "ca", kinds: "tt",
				first: "2024-07-04T10:00:00Z", last: "2024-07-04T10:01:30Z",
			}},
			skipped: []chat.Skipped{
				{Line: 2, Reason: `the tawk.to event "chat:start" carries no transcript`},
				{Line: 20, Reason: `tawk.to sender type "x" is not v (visitor), a (agent) or s (system)`},
			},
		},
		{
			// Columns in another order and case, a BOM, an extra column, a
			// multi-line quoted body with a blank line, epoch ms, offsets, a
			// time without offset (read in loc), an empty spreadsheet row, an
			// anonymous visitor.
			name: "generic CSV", path: "testdata/generic.csv", format: FormatCSV, loc: time.FixedZone("UTC+2", 2*3600),
			convs: []wantConv{{
				key: "generic:c-77", title: "Priya Shah",
				name: "Priya Shah", email: "Priya.Shah@Example.com", identity: "priya.shah@example.com",
				roles: "cacas", kinds: "tttms",
				first: "2024-06-01T10:15:00Z", last: "2024-06-01T10:21:00Z",
				authors:     []string{"Priya Shah", "Ana", "Priya Shah", "Ana", ""},
				attachments: []string{"receipt c-77.pdf"},
				body: map[int]string{
					2: "12 Mill Lane\nFlat 3\n\nLeeds LS1 4AB",
					3: `Done, "12 Mill Lane" it is. Here is your updated receipt.`,
				},
			}, {
				key: "generic:c-78", title: "Visitor c-78",
				name: "Visitor c-78", identity: "generic:c-78",
				roles: "c", kinds: "t",
				first: "2024-06-01T10:00:00Z", last: "2024-06-01T10:00:00Z",
				authors: []string{"Visitor c-78"},
			}},
		},
		{
			// {"messages": [...]}: numeric ids, out-of-order times, "BOT" in
			// capitals, a Windows path as attachment, a contact by email only.
			name: "generic JSON wrapped", path: "testdata/generic_wrapped.json", format: FormatJSON,
			convs: []wantConv{{
				key: "generic:501", title: "Jonas Berg",
				name: "Jonas Berg", identity: "Jonas Berg",
				roles: "cba", kinds: "ttt",
				first: "2024-02-10T15:40:05Z", last: "2024-02-10T15:41:00Z",
				authors: []string{"Jonas Berg", "Shoebot", "Kim"},
			}, {
				key: "generic:502", title: "anon42@example.com",
				name: "anon42@example.com", email: "anon42@example.com", identity: "anon42@example.com",
				roles: "c", kinds: "m",
				first: "2024-02-11T08:00:00Z", last: "2024-02-11T08:00:00Z",
				attachments: []string{"broken sole.png"},
			}, {
				key: "generic:503", title: "Visitor 503",
				name: "Visitor 503", identity: "generic:503",
				roles: "c", kinds: "t",
				first: "2024-02-11T09:00:00Z", last: "2024-02-11T09:00:00Z",
			}},
		},
		{
			name: "generic JSON lines", path: "testdata/generic_lines.json", format: FormatJSON,
			convs: []wantConv{{
				key: "generic:x1", title: "Li Wei",
				name: "Li Wei", email: "li.wei@example.com", identity: "li.wei@example.com",
				roles: "ca", kinds: "tt",
				first: "2024-01-02T03:04:05Z", last: "2024-01-02T03:05:05Z",
			}},
		},
		{name: "docs example JSON (array)", path: example("webchat-example.json"), format: FormatJSON, convs: exampleConvs},
		{name: "docs example CSV", path: example("webchat-example.csv"), format: FormatCSV, convs: exampleConvs},
		{
			name: "generic CSV with bad rows", path: "testdata/generic_bad.csv", format: FormatCSV,
			convs: []wantConv{{
				key: "generic:b1", title: "Visitor b1", name: "Visitor b1", identity: "generic:b1",
				roles: "ca", kinds: "tt",
				first: "2024-01-02T03:04:05Z", last: "2024-01-02T03:04:12Z",
				authors: []string{"Good Row", "Max"},
			}},
			skipped: []chat.Skipped{
				{Line: 3, Reason: `role "boss" is not one of customer, agent, bot, system`},
				{Line: 4, Reason: `time "yesterday" is neither an RFC 3339 time (2024-03-05T14:03:00+01:00) nor epoch milliseconds`},
				{Line: 5, Reason: `a " inside a field that is not in quotes (put the field in quotes and double the " inside it)`},
				{Line: 6, Reason: `the row has 6 fields, the header 5 (a comma in an unquoted body?)`},
				{Line: 7, Reason: `conversation_id is empty`},
				{Line: 8, Reason: `role is empty`},
				{Line: 9, Reason: `body is empty and there is no attachment`},
			},
		},
		{
			name: "generic JSON with bad rows", path: "testdata/generic_bad.json", format: FormatJSON,
			convs: []wantConv{{
				key: "generic:b1", title: "Good Row", name: "Good Row", identity: "Good Row",
				roles: "ca", kinds: "tt",
				first: "2024-01-02T03:04:05Z", last: "2024-01-02T03:04:10Z",
				authors: []string{"Good Row", ""},
			}},
			skipped: []chat.Skipped{
				{Line: 3, Reason: `role "boss" is not one of customer, agent, bot, system`},
				{Line: 4, Reason: `time "yesterday" is neither an RFC 3339 time (2024-03-05T14:03:00+01:00) nor epoch milliseconds`},
				{Line: 5, Reason: `body: want text, got an object`},
				{Line: 6, Reason: `a message must be an object, not text`},
				{Line: 7, Reason: `conversation_id is empty`},
				{Line: 8, Reason: `time "0" is not between 1990 and 2999`},
				{Line: 9, Reason: `body is empty and there is no attachment`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			convs, skipped, err := readFile(t, tt.path, tt.format, loc)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(convs) != len(tt.convs) {
				t.Fatalf("%d conversations, want %d: %+v", len(convs), len(tt.convs), convs)
			}
			for i, w := range tt.convs {
				checkConv(t, convs[i], w, filepath.Base(tt.path))
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("skipped = %+v\nwant %+v", skipped, tt.skipped)
			}
		})
	}
}

// TestReadDetected checks that every test file and example is detected as
// the format it is read as.
func TestReadDetected(t *testing.T) {
	tests := []struct {
		name string
		path string
		want Format
	}{
		{"chatwoot API", "testdata/chatwoot_api_messages.json", FormatChatwoot},
		{"chatwoot webhook", "testdata/chatwoot_webhook_message_created.json", FormatChatwoot},
		{"chatwoot log", "testdata/chatwoot_webhook_log.json", FormatChatwoot},
		{"tawk transcript", "testdata/tawkto_transcript.json", FormatTawk},
		{"tawk list", "testdata/tawkto_events.json", FormatTawk},
		{"generic CSV", "testdata/generic.csv", FormatCSV},
		{"generic bad CSV", "testdata/generic_bad.csv", FormatCSV},
		{"generic wrapped", "testdata/generic_wrapped.json", FormatJSON},
		{"generic lines", "testdata/generic_lines.json", FormatJSON},
		{"generic bad JSON", "testdata/generic_bad.json", FormatJSON},
		{"example JSON", example("webchat-example.json"), FormatJSON},
		{"example CSV", example("webchat-example.csv"), FormatCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := Detect(b[:min(len(b), 16<<10)]); got != tt.want || !ok {
				t.Errorf("Detect = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

// TestDocsExamples checks the promise of docs/webchat-format.md: both
// example files give the same two conversations, each with an email.
func TestDocsExamples(t *testing.T) {
	j, _, err := readFile(t, example("webchat-example.json"), FormatJSON, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := readFile(t, example("webchat-example.csv"), FormatCSV, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(j) != 2 || len(c) != 2 {
		t.Fatalf("%d and %d conversations, want 2 and 2", len(j), len(c))
	}
	for i := range j {
		if j[i].Contact.Email == "" {
			t.Errorf("conversation %s has no email", j[i].Key)
		}
		j[i].Source, c[i].Source = "", ""
		for k := range j[i].Messages {
			j[i].Messages[k].Line, c[i].Messages[k].Line = 0, 0 // the JSON has a "[" line first
		}
		if fmt.Sprint(j[i]) != fmt.Sprint(c[i]) {
			t.Errorf("JSON and CSV examples differ:\n%+v\n%+v", j[i], c[i])
		}
	}
}

// TestReadErrors checks the files that cannot be read at all, and the
// rows skipped in small files, with their lines.
func TestReadErrors(t *testing.T) {
	const header = "conversation_id,time,role,body\n"
	tests := []struct {
		name    string
		in      string
		format  Format
		wantErr error    // nil: no error
		errHas  []string // substrings of the error
		skipped []chat.Skipped
		convs   int
	}{
		{name: "empty CSV", in: "", format: FormatCSV, wantErr: ErrEmpty},
		{name: "BOM and blank lines CSV", in: "\xef\xbb\xbf\n\n  \n", format: FormatCSV, wantErr: ErrEmpty},
		{name: "empty JSON", in: " \n\t", format: FormatJSON, wantErr: ErrEmpty},
		{name: "empty chatwoot", in: "", format: FormatChatwoot, wantErr: ErrEmpty},
		{name: "empty tawk", in: "\xef\xbb\xbf", format: FormatTawk, wantErr: ErrEmpty},
		{name: "header only", in: header, format: FormatCSV, wantErr: ErrNoMessages},
		{name: "empty list", in: "[]", format: FormatJSON, wantErr: ErrNoMessages},
		{
			name: "missing columns named", in: "conversation_id,when,author,text\nc1,2024-01-01T00:00:00Z,a,hi\n", format: FormatCSV,
			wantErr: ErrMissingColumns, errHas: []string{"test: line 1:", "time, role, body"},
		},
		{
			name: "duplicate column", in: "conversation_id,time,role,body,Body\n", format: FormatCSV,
			errHas: []string{"line 1: the column body appears twice"},
		},
		{
			name: "no row readable", in: header + "c1,2024-01-01T00:00:00Z,boss,hi\nc1,,agent,hi\n", format: FormatCSV,
			wantErr: ErrNoMessages, errHas: []string{"2 rows skipped", `line 2: role "boss"`},
			skipped: []chat.Skipped{{Line: 2, Reason: `role "boss" is not one of customer, agent, bot, system`}, {Line: 3, Reason: "time is empty"}},
		},
		{
			name: "broken JSON names the line", in: "[\n {\"conversation_id\": \"c1\",\n  \"role\": \"agent\"\n  \"body\": \"x\"}\n]", format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{"test: line 4: broken JSON"},
		},
		{
			name: "missing comma between messages", in: "[\n{\"conversation_id\": \"c\", \"time\": 1700000000000, \"role\": \"agent\", \"body\": \"a\"},\n{\"conversation_id\": \"c\", \"time\": 1700000000000, \"role\": \"agent\", \"body\": \"b\"}\n{\"conversation_id\": \"c\"}\n]", format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{"line 4: broken JSON"},
		},
		{
			name: "bad literal deep in the wrapper", in: "{\n\"meta\": {},\n\"messages\": [\n  {\"conversation_id\": \"c\",\n   \"body\": tru}\n]}", format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{"line 5: broken JSON"},
		},
		{
			name: "missing colon in chatwoot object", in: "{\"meta\": {},\n \"payload\" [", format: FormatChatwoot,
			wantErr: ErrSyntax, errHas: []string{"line 2: broken JSON"},
		},
		{
			name: "truncated JSON", in: "{\"messages\": [\n {\"conversation_id\": \"c1\", \"time\": 1700000000000, \"role\": \"agent\", \"body\": \"x\"},\n {\"conv", format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{"line 3:", "cut short"},
		},
		{
			name: "top-level string", in: `"hello"`, format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{"line 1:"},
		},
		{
			name: "messages not a list", in: "{\n\"messages\": {}}", format: FormatJSON,
			wantErr: ErrSyntax, errHas: []string{`line 2: broken JSON: "messages" must be a list`},
		},
		{
			name: "unknown format", in: header, format: "fax", wantErr: ErrFormat,
		},
		{
			name: "unclosed quote skips the rest", in: header + "c1,2024-01-01T00:00:00Z,agent,ok\nc1,2024-01-01T00:00:01Z,agent,\"never closed\nc1,2024-01-01T00:00:02Z,agent,lost\n", format: FormatCSV,
			convs:   1,
			skipped: []chat.Skipped{{Line: 3, Reason: `a quoted field is not closed, or has a lone " inside (double it); the rest of the file was read as part of it`}},
		},
		{
			name: "semicolon CSV from a spreadsheet", in: "Conversation ID;Time;Role;Body\r\nc1;2024-01-01 10:00;Customer;\"Hallo; guten Tag\"\r\n", format: FormatCSV,
			convs: 1,
		},
		{
			name: "short row reads as empty fields", in: "conversation_id,time,role,body,attachment\nc1,2024-01-01T00:00:00Z,agent,hi\n", format: FormatCSV,
			convs: 1,
		},
		{
			name: "placeholder email is no email", in: "conversation_id,time,role,body,contact_email\nc1,2024-01-01T00:00:00Z,customer,hi,n/a\n", format: FormatCSV,
			convs: 1,
		},
		{
			name: "chatwoot private notes only", in: `{"payload":[{"id":1,"conversation_id":2,"message_type":1,"private":true,"content":"note","created_at":1700000000}]}`, format: FormatChatwoot,
		},
		{
			name: "chatwoot unknown message_type", in: "[\n{\"id\":1,\"conversation_id\":2,\"message_type\":7,\"content\":\"x\",\"created_at\":1700000000},\n{\"id\":2,\"conversation_id\":2,\"message_type\":\"incoming\",\"content\":\"y\",\"created_at\":1700000000}]", format: FormatChatwoot,
			convs:   1,
			skipped: []chat.Skipped{{Line: 2, Reason: `Chatwoot message_type "7" is not incoming (0), outgoing (1), activity (2) or template (3)`}},
		},
		{
			name: "chatwoot deleted message", in: `[{"id":1,"conversation_id":2,"message_type":0,"content":"This message was deleted","content_attributes":{"deleted":true},"created_at":1700000000}]`, format: FormatChatwoot,
			convs: 1,
		},
		{
			name: "tawk without any time", in: `{"event":"chat:transcript_created","chat":{"id":"c","messages":[{"sender":{"t":"v"},"type":"msg","msg":"hi"}]}}`, format: FormatTawk,
			wantErr: ErrNoMessages, errHas: []string{"the message has no time"},
			skipped: []chat.Skipped{{Line: 1, Reason: `the message has no time and the event's time is unusable: time is empty`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			convs, skipped, err := readString(tt.in, tt.format)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && len(tt.errHas) == 0 && err != nil:
				t.Errorf("err = %v, want none", err)
			}
			for _, s := range tt.errHas {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("err = %v, want it to contain %q", err, s)
				}
			}
			if err != nil && !strings.HasPrefix(err.Error(), "webchat: read test: ") {
				t.Errorf("err = %v, want it to start with the file name", err)
			}
			if tt.skipped != nil && !slices.Equal(skipped, tt.skipped) {
				t.Errorf("skipped = %+v\nwant %+v", skipped, tt.skipped)
			}
			if len(convs) != tt.convs {
				t.Errorf("%d conversations, want %d", len(convs), tt.convs)
			}
			for _, c := range convs {
				for _, m := range c.Messages {
					if !validRole(m.Role) {
						t.Errorf("message with role %q", m.Role)
					}
				}
			}
		})
	}
}

// TestReadDetails checks single facts of the mapping in small inputs.
func TestReadDetails(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("times without offset use loc, others do not", func(t *testing.T) {
		in := "conversation_id,time,role,body\n" +
			"c,2024-07-01 12:00,agent,local\n" +
			"c,2024-07-01T12:00:00Z,agent,utc\n" +
			"c,1719835200000,agent,epoch ms\n" +
			"c,1719835200,agent,epoch s\n"
		res, err := Read(context.Background(), strings.NewReader(in), "t.csv", FormatCSV, berlin)
		if err != nil {
			t.Fatal(err)
		}
		convs := res.Conversations
		var got []string
		for _, m := range convs[0].Messages {
			got = append(got, m.Body+"@"+m.At.Format("15:04Z07:00"))
		}
		want := []string{"local@10:00Z", "utc@12:00Z", "epoch ms@12:00Z", "epoch s@12:00Z"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("equal times keep file order", func(t *testing.T) {
		in := `[{"conversation_id":"c","time":"2024-01-01T00:00:00Z","role":"customer","body":"1"},` +
			`{"conversation_id":"c","time":"2024-01-01T00:00:00Z","role":"agent","body":"2"},` +
			`{"conversation_id":"c","time":"2023-12-31T23:00:00Z","role":"customer","body":"0"},` +
			`{"conversation_id":"c","time":"2024-01-01T00:00:00Z","role":"bot","body":"3"}]`
		convs, _, err := readString(in, FormatJSON)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, m := range convs[0].Messages {
			got += m.Body
		}
		if got != "0123" {
			t.Errorf("order %s, want 0123", got)
		}
	})
	t.Run("first contact value wins, email cleaned", func(t *testing.T) {
		in := "conversation_id,time,role,body,contact_name,contact_email\n" +
			"c,2024-01-01T00:00:00Z,agent,hi,,\n" +
			"c,2024-01-01T00:00:01Z,customer,yo,Ann,Ann <ANN@example.com>\n" +
			"c,2024-01-01T00:00:02Z,customer,yo,Anne,other@example.com\n"
		convs, _, err := readString(in, FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		want := chat.Contact{Name: "Ann", Email: "ANN@example.com", Identity: "ann@example.com"}
		if convs[0].Contact != want {
			t.Errorf("contact %+v, want %+v", convs[0].Contact, want)
		}
	})
	t.Run("chatwoot outgoing with sender_type AgentBot is a bot", func(t *testing.T) {
		in := `[{"id":1,"conversation_id":9,"inbox_id":4,"message_type":1,"content":"hi","created_at":1700000000,"sender_type":"AgentBot","sender_id":1}]`
		convs, _, err := readString(in, FormatChatwoot)
		if err != nil {
			t.Fatal(err)
		}
		if m := convs[0].Messages[0]; m.Role != chat.RoleBot || convs[0].Key != "chatwoot:4:9" {
			t.Errorf("role %s key %s, want bot chatwoot:4:9", m.Role, convs[0].Key)
		}
	})
	t.Run("chatwoot conversation_status_changed webhook", func(t *testing.T) {
		in := `{"event":"conversation_status_changed","id":10,"inbox_id":1,"status":"resolved",
"contact_inbox":{"source_id":"405f1d30"},
"messages":[{"id":120,"content":"Get notified by email","account_id":1,"inbox_id":1,"conversation_id":10,"message_type":3,"created_at":1627063369,"private":false,"content_type":"input_email","sender_type":null,"sender_id":null,
 "conversation":{"assignee_id":3,"unread_count":0,"contact_inbox":{"source_id":"405f1d30"}}}],
"meta":{"sender":{"email":null,"name":"jane"}}}`
		convs, _, err := readString(in, FormatChatwoot)
		if err != nil {
			t.Fatal(err)
		}
		c := convs[0]
		if c.Key != "chatwoot:1:10" || c.Contact != (chat.Contact{Name: "jane", Identity: "chatwoot:source:405f1d30"}) || c.Messages[0].Role != chat.RoleBot || c.Messages[0].Line != 3 {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("conversation_id,time,role,body\n")
		for i := range 5000 {
			fmt.Fprintf(&b, "c,%d,agent,m\n", 1700000000000+i)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Read(ctx, strings.NewReader(b.String()), "big.csv", FormatCSV, time.UTC); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("line numbers deep into big JSON files", func(t *testing.T) {
		// More lines than the line index keeps before forgetting, in the
		// three shapes that stream: a list, a wrapped list, JSON Lines.
		const n = 2*forgetBatch + 500
		row := func(i int, role string) string {
			return fmt.Sprintf(`{"conversation_id":"c","time":%d,"role":%q,"body":"m"}`, 1700000000000+i, role)
		}
		var list, wrapped, lines strings.Builder
		list.WriteString("[\n")
		wrapped.WriteString("{\"messages\": [\n")
		for i := range n {
			role := "agent"
			if i == n-2 {
				role = "boss"
			}
			list.WriteString(row(i, role) + ",\n")
			wrapped.WriteString(row(i, role) + ",\n")
			lines.WriteString(row(i, role) + "\n")
		}
		list.WriteString(row(n, "bot") + "\n]\n")
		wrapped.WriteString(row(n, "bot") + "\n]}\n")
		lines.WriteString("{\"conversation_id\": tru}\n")
		for _, tt := range []struct {
			name, in string
			bad      int // line of the skipped row
			errLine  string
		}{
			{"list", list.String(), n - 1, ""},
			{"wrapped", wrapped.String(), n - 1, ""},
			{"lines with a syntax error at the end", lines.String(), n - 1, fmt.Sprintf("line %d: broken JSON", n+1)},
		} {
			convs, skipped, err := readString(tt.in, FormatJSON)
			if tt.errLine != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errLine) {
					t.Errorf("%s: err = %v, want %q", tt.name, err, tt.errLine)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(skipped) != 1 || skipped[0].Line != tt.bad+1 {
				t.Errorf("%s: skipped %+v, want line %d", tt.name, skipped, tt.bad+1)
			}
			msgs := convs[0].Messages
			if len(msgs) != n || msgs[n-1].Line != n+2 || msgs[0].Line != 2 {
				t.Errorf("%s: %d messages, lines %d…%d", tt.name, len(msgs), msgs[0].Line, msgs[len(msgs)-1].Line)
			}
		}
	})
	t.Run("skipped list is capped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("conversation_id,time,role,body\nc,1700000000000,agent,ok\n")
		for range maxSkipped + 5 {
			b.WriteString("c,1700000000000,boss,x\n")
		}
		_, skipped, err := readString(b.String(), FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		if len(skipped) != maxSkipped+1 || !strings.Contains(skipped[maxSkipped].Reason, "and 5 more") {
			t.Errorf("%d skipped, last %+v", len(skipped), skipped[len(skipped)-1])
		}
	})
}

// TestParseTime covers the accepted time forms and the rejected ones.
func TestParseTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string // want "" means an error
	}{
		{"RFC 3339 Z", "2024-03-05T14:03:00Z", "2024-03-05T14:03:00Z"},
		{"RFC 3339 offset", "2024-03-05T14:03:00+01:00", "2024-03-05T13:03:00Z"},
		{"fraction", "2021-07-23T18:02:48.000Z", "2021-07-23T18:02:48Z"},
		{"space for T", "2024-03-05 14:03:00-05:00", "2024-03-05T19:03:00Z"},
		{"offset without colon", "2024-03-05T14:03:00+0100", "2024-03-05T13:03:00Z"},
		{"Ruby to_s", "2024-03-05 14:03:00 +0000", "2024-03-05T14:03:00Z"},
		{"UTC suffix", "2020-03-03 13:05:57 UTC", "2020-03-03T13:05:57Z"},
		{"RFC 1123 GMT", "Tue, 05 Mar 2024 14:03:00 GMT", "2024-03-05T14:03:00Z"},
		{"local with seconds", "2024-03-05 09:03:00", "2024-03-05T14:03:00Z"},
		{"local no seconds", "2024-07-05T09:03", "2024-07-05T13:03:00Z"},
		{"epoch ms", "1709647380000", "2024-03-05T14:03:00Z"},
		{"epoch s", "1709647380", "2024-03-05T14:03:00Z"},
		{"padded", "  1709647380000 ", "2024-03-05T14:03:00Z"},
		{"empty", "", ""},
		{"date only", "2024-03-05", ""},
		{"words", "yesterday", ""},
		{"zero", "0", ""},
		{"negative", "-1", ""},
		{"far future", "99999999999999999", ""},
		{"overflow", "999999999999999999999", ""},
		{"unknown zone", "2024-03-05 14:03:00 PST", ""},
		{"float", "1.7e12", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTime(tt.in, ny)
			if tt.want == "" {
				if err == nil {
					t.Errorf("parseTime(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got.Format(time.RFC3339) != tt.want || got.Location() != time.UTC {
				t.Errorf("parseTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestBaseName covers attachment references.
func TestBaseName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"file name", "photo.jpg", "photo.jpg"},
		{"URL with query", "https://x.example/a/b/IMG_1.jpg?x=1#f", "IMG_1.jpg"},
		{"escaped URL", "https://x.example/a/my%20file.pdf", "my file.pdf"},
		{"escaped slash", "https://x.example/a/..%2F..%2Fetc%2Fpasswd", "passwd"},
		{"Windows path", `C:\Users\me\doc.txt`, "doc.txt"},
		{"Unix path", "/home/me/../doc.txt", "doc.txt"},
		{"dot dot", "../..", ""},
		{"URL without path", "https://x.example/", ""},
		{"control characters", "a\x00b\n.txt", "ab .txt"},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := baseName(tt.in); got != tt.want {
				t.Errorf("baseName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRepaired: the bytes of invalid UTF-8 in a file are read as U+FFFD
// and counted for the import report, whatever the format and however the
// source hands out its bytes (one at a time cuts every sequence).
func TestRepaired(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		format   Format
		repaired int
		body     string
	}{
		// 0xff; 0xc3 cut off; 0xe2 0x82 cut off: one byte each
		{"csv", "testdata/invalid_utf8.csv", FormatCSV, 4, "Price \ufffd list?"},
		{"generic json", "testdata/invalid_utf8.json", FormatJSON, 4, "Price \ufffd list?"},
		{"tawk.to json", "testdata/invalid_utf8_tawkto.json", FormatTawk, 3, "Price \ufffd list?"},
		{"valid csv", "testdata/generic.csv", FormatCSV, 0, "Hello, I'd like to change my delivery address."},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/one byte reads %v", tt.name, oneByte), func(t *testing.T) {
				data, err := os.ReadFile(tt.path)
				if err != nil {
					t.Fatal(err)
				}
				var r io.Reader = bytes.NewReader(data)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				res, err := Read(context.Background(), r, tt.path, tt.format, time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				if res.Repaired != tt.repaired {
					t.Errorf("Repaired = %d, want %d", res.Repaired, tt.repaired)
				}
				found := false
				for _, c := range res.Conversations {
					for _, m := range c.Messages {
						if !utf8.ValidString(m.Body) || !utf8.ValidString(m.Author) {
							t.Errorf("line %d not valid UTF-8: %q by %q", m.Line, m.Body, m.Author)
						}
						found = found || m.Body == tt.body
					}
				}
				if !found {
					t.Errorf("no message reads %q", tt.body)
				}
			})
		}
	}
}
