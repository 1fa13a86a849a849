// Package webchat reads web-chat conversation exports into chat.Conversation
// values: the documented generic format (docs/webchat-format.md, as JSON or
// CSV) and two adapters for the payloads small businesses can actually get
// out of their widget, Chatwoot's API/webhook JSON and tawk.to's
// chat:transcript_created webhook JSON (FORMATS.md §3).
//
// No widget has a bulk export file, so these inputs are written by people
// and scripts: a bad row is skipped and reported with its line and the
// reason (chat.Skipped) instead of failing the file; only a file of which no
// row at all is readable, a CSV header without the required columns, or
// JSON that does not parse, is an error.
//
// Files are read once: the CSV reader and the JSON decoder stream from r,
// and JSON line numbers come from the decoder's byte offsets, mapped to
// lines by an index of the newlines built as the bytes pass through.
package webchat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// Format is a web-chat export format.
type Format string

// The formats Read understands. The strings are the identifiers the
// importer reports.
const (
	FormatJSON     Format = "webchat-json"  // the generic format as JSON
	FormatCSV      Format = "webchat-csv"   // the generic format as CSV
	FormatChatwoot Format = "chatwoot-json" // Chatwoot API responses and webhook payloads
	FormatTawk     Format = "tawkto-json"   // tawk.to chat:transcript_created webhook payloads
)

// Errors Read returns, wrapped with the file name and, where there is one,
// the line.
var (
	// ErrEmpty is returned for a file with nothing but white space (and a
	// byte-order mark) in it.
	ErrEmpty = errors.New("the file is empty")
	// ErrNoMessages is returned when not a single row of the file could be
	// read; the skipped rows say why.
	ErrNoMessages = errors.New("no message could be read")
	// ErrMissingColumns is returned for a CSV file whose header lacks one of
	// the required columns.
	ErrMissingColumns = errors.New("the header misses required columns")
	// ErrSyntax is returned for JSON that does not parse (or a file that
	// does not have the expected JSON structure).
	ErrSyntax = errors.New("broken JSON")
	// ErrFormat is returned for a Format Read does not know.
	ErrFormat = errors.New("unknown web-chat format")
)

const (
	maxSkipped   = 1000 // entries kept in the skipped list; the rest are summed up in one more
	ctxCheckMask = 1023 // check ctx every 1024 rows
)

// Result is what Read found in a file.
type Result struct {
	// Conversations are one per conversation id, in the order the ids
	// first appear.
	Conversations []chat.Conversation
	// Skipped are the rows that could not be read.
	Skipped []chat.Skipped
	// Repaired counts the bytes of invalid UTF-8 in the file, read as
	// U+FFFD.
	Repaired int
}

// Read parses a whole web-chat export of format f (see Detect) and returns
// one conversation per conversation id, in the order the ids first appear,
// the rows it could not read (also with an error) and the bytes of invalid
// UTF-8 it replaced. name is the file name used in errors and as the
// conversations' Source.
//
// loc is the zone of times written without an offset ("2024-03-05 14:03",
// which the generic format allows; Chatwoot and tawk.to times carry a
// zone); it is not applied to times that carry an offset or are epoch
// numbers. nil means time.Local.
//
// Every message has its Role set (the web-chat formats say who wrote what)
// and its time in UTC; messages are sorted by time, ties in file order.
func Read(ctx context.Context, r io.Reader, name string, f Format, loc *time.Location) (Result, error) {
	if loc == nil {
		loc = time.Local
	}
	c := newCollector(name, loc)
	ic := &invalidCounter{r: r}
	var err error
	switch f {
	case FormatCSV:
		err = readCSV(ctx, ic, c)
	case FormatJSON:
		err = readJSON(ctx, ic, c, &genericSink{c: c}, "messages")
	case FormatChatwoot:
		err = readJSON(ctx, ic, c, newChatwootSink(c), "payload")
	case FormatTawk:
		err = readJSON(ctx, ic, c, &tawkSink{c: c}, "")
	default:
		err = fmt.Errorf("%w %q", ErrFormat, f)
	}
	if err != nil {
		return Result{Skipped: c.skippedList(), Repaired: ic.invalid}, fmt.Errorf("webchat: read %s: %w", name, err)
	}
	convs, skipped, err := c.finish()
	return Result{Conversations: convs, Skipped: skipped, Repaired: ic.invalid}, err
}

// lineError is an error at a line of the file.
func lineError(line int, err error) error {
	return fmt.Errorf("line %d: %w", line, err)
}

// collector gathers the messages of all conversations of a file, whatever
// its format, and turns them into chat.Conversation values at the end.
type collector struct {
	name    string
	loc     *time.Location
	convs   map[string]*conv
	order   []*conv
	skipped []chat.Skipped
	more    int        // skipped rows beyond maxSkipped
	read    int        // rows read: messages kept or deliberately dropped (private notes)
	rows    int        // rows seen, for the ctx check
	lines   *lineIndex // of the JSON being read, for line numbers
}

// conv is a conversation being collected.
type conv struct {
	key string // chat.Conversation.Key
	id  string // the conversation id as the source writes it
	// Contact facts; the first non-empty value of each wins.
	name, email string
	ident       string         // the widget's own id for the person, namespaced
	msgs        []chat.Message // in file order until finish
	byID        map[string]int // source message id → index in msgs, for sources that repeat messages
}

func newCollector(name string, loc *time.Location) *collector {
	return &collector{name: name, loc: loc, convs: make(map[string]*conv)}
}

// conversation returns the conversation with key, creating it (with id, the
// source's conversation id) on first use.
func (c *collector) conversation(key, id string) *conv {
	if cv, ok := c.convs[key]; ok {
		return cv
	}
	cv := &conv{key: key, id: id}
	c.convs[key] = cv
	c.order = append(c.order, cv)
	return cv
}

// tick counts a row and reports ctx's error every ctxCheckMask+1 rows.
func (c *collector) tick(ctx context.Context) error {
	c.rows++
	if c.rows&ctxCheckMask == 0 {
		return ctx.Err()
	}
	return nil
}

// skip records a row that could not be read.
func (c *collector) skip(line int, format string, args ...any) {
	if len(c.skipped) >= maxSkipped {
		c.more++
		return
	}
	c.skipped = append(c.skipped, chat.Skipped{Line: line, Reason: fmt.Sprintf(format, args...)})
}

// skippedList returns the skipped rows, with one more entry summing up
// those beyond the cap.
func (c *collector) skippedList() []chat.Skipped {
	if c.more == 0 {
		return c.skipped
	}
	last := c.skipped[len(c.skipped)-1].Line
	return append(slices.Clip(c.skipped), chat.Skipped{Line: last, Reason: fmt.Sprintf("and %d more unreadable rows after this one (not listed)", c.more)})
}

// setContact records contact facts for cv; a fact already known is kept.
func (cv *conv) setContact(name, email, ident string) {
	if cv.name == "" {
		cv.name = cleanLine(name)
	}
	if cv.email == "" {
		cv.email = cleanEmail(email)
	}
	if cv.ident == "" {
		cv.ident = cleanLine(ident)
	}
}

// add appends m to cv. A non-empty id that cv has seen before replaces the
// earlier message in place (webhooks repeat messages, and message_updated
// carries the newer text).
func (c *collector) add(cv *conv, id string, m chat.Message) {
	c.read++
	if id != "" {
		if cv.byID == nil {
			cv.byID = make(map[string]int)
		}
		if i, ok := cv.byID[id]; ok {
			cv.msgs[i] = m
			return
		}
		cv.byID[id] = len(cv.msgs)
	}
	cv.msgs = append(cv.msgs, m)
}

// finish turns the collected conversations into the result of Read.
func (c *collector) finish() ([]chat.Conversation, []chat.Skipped, error) {
	skipped := c.skippedList()
	if c.read == 0 {
		if len(c.skipped) > 0 {
			s := c.skipped[0]
			return nil, skipped, fmt.Errorf("webchat: read %s: %w: %d rows skipped, the first at line %d: %s",
				c.name, ErrNoMessages, len(c.skipped)+c.more, s.Line, s.Reason)
		}
		return nil, skipped, fmt.Errorf("webchat: read %s: %w", c.name, ErrNoMessages)
	}
	out := make([]chat.Conversation, 0, len(c.order))
	for _, cv := range c.order {
		if len(cv.msgs) == 0 {
			continue // only private notes, or every row of it was bad
		}
		out = append(out, cv.conversation(c.name))
	}
	return out, skipped, nil
}

// conversation builds the chat.Conversation of cv.
func (cv *conv) conversation(source string) chat.Conversation {
	title := cv.name
	if title == "" {
		title = cv.email
	}
	if title == "" {
		title = "Visitor " + cv.id
	}
	// The widget's id for the person is the most reliable identity; a
	// lowercased address or a name let the importer find the person in other
	// sources; an anonymous visitor is only themself, in this conversation.
	ident := cv.ident
	switch {
	case ident != "":
	case cv.email != "":
		ident = strings.ToLower(cv.email)
	case cv.name != "":
		ident = cv.name
	default:
		ident = cv.key
	}
	name := cv.name
	if name == "" {
		name = title
	}
	slices.SortStableFunc(cv.msgs, func(a, b chat.Message) int { return a.At.Compare(b.At) })
	var participants []string
	for i := range cv.msgs {
		m := &cv.msgs[i]
		if m.Author == "" && m.Role == chat.RoleCustomer {
			m.Author = name
		}
		if m.Author != "" && m.Role != chat.RoleSystem && !slices.Contains(participants, m.Author) {
			participants = append(participants, m.Author)
		}
	}
	return chat.Conversation{
		Channel:      chat.WebChat,
		Key:          cv.key,
		Title:        title,
		Participants: participants,
		Contact:      chat.Contact{Name: name, Email: cv.email, Identity: ident},
		Messages:     cv.msgs,
		Source:       source,
	}
}

// parseRole reads a role of the generic format.
func parseRole(s string) (chat.Role, bool) {
	switch r := chat.Role(strings.ToLower(strings.TrimSpace(s))); r {
	case chat.RoleCustomer, chat.RoleAgent, chat.RoleBot, chat.RoleSystem:
		return r, true
	}
	return "", false
}

// Time layouts, tried in order. Those with a zone are absolute; the others
// are wall-clock times in the reader's location.
var (
	zonedLayouts = []string{
		time.RFC3339Nano,            // 2024-03-05T14:03:00.123+01:00, …Z
		"2006-01-02 15:04:05Z07:00", // a space for the T
		"2006-01-02T15:04:05Z0700",  // offset without a colon
		"2006-01-02 15:04:05Z0700",  //
		"2006-01-02 15:04:05 -0700", // Ruby's Time#to_s
		"2006-01-02T15:04Z07:00",    // no seconds
		"2006-01-02 15:04Z07:00",    //
	}
	// utcLayouts are followed by " UTC" or " GMT".
	utcLayouts = []string{
		"2006-01-02 15:04:05",
		"2006-01-02T15:04:05",
		"Mon, 02 Jan 2006 15:04:05", // RFC 1123, JavaScript's toUTCString
	}
	localLayouts = []string{
		"2006-01-02T15:04:05",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
	}
)

// The years a message may be in; anything else is a broken time (an epoch
// of 0, a number in the wrong unit), not a conversation.
const (
	minYear = 1990
	maxYear = 2999
)

// epochSecondsBelow separates epoch seconds from epoch milliseconds: every
// millisecond time after 1973 is above it, every second time before the
// year 5138 below it.
const epochSecondsBelow = 100_000_000_000

var digitsRE = regexp.MustCompile(`^-?[0-9]+$`)

// parseTime reads a time of any of the formats: RFC 3339 (and the common
// variants in zonedLayouts), a wall-clock time in loc, or a whole number of
// epoch milliseconds (seconds when below epochSecondsBelow). The result is
// in UTC.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("time is empty")
	}
	var t time.Time
	var err error
	if digitsRE.MatchString(s) {
		t, err = parseEpoch(s)
	} else {
		t, err = parseTimeText(s, loc)
	}
	if err != nil {
		return t, err
	}
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("time %q is not between %d and %d", s, minYear, maxYear)
	}
	return t.UTC(), nil
}

func parseEpoch(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is too large", s)
	}
	if n > -epochSecondsBelow && n < epochSecondsBelow {
		return time.Unix(n, 0), nil
	}
	return time.UnixMilli(n), nil
}

func parseTimeText(s string, loc *time.Location) (time.Time, error) {
	// Go parses any zone abbreviation as an unknown zone at offset 0, so
	// only the two that mean offset 0 are accepted ("2020-03-03 13:05:57
	// UTC" is what Chatwoot's older webhooks send).
	for _, z := range []string{" UTC", " GMT"} {
		if rest, ok := strings.CutSuffix(s, z); ok {
			for _, l := range utcLayouts {
				if t, err := time.Parse(l, rest); err == nil {
					return t, nil
				}
			}
		}
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is neither an RFC 3339 time (2024-03-05T14:03:00+01:00) nor epoch milliseconds", s)
}

// cleanText makes s a message body: valid UTF-8, CRLF and CR line ends as
// "\n", no control characters other than newline and tab, no white space
// at either end.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cleanLine is cleanText for one-line values (names, ids): line breaks and
// tabs become spaces.
func cleanLine(s string) string {
	s = cleanText(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// cleanEmail returns the address in s, or "" when s is not one: exports
// put placeholders such as "n/a" or "-" in the field, which are no
// address, but not a reason to lose the message either.
func cleanEmail(s string) string {
	s = cleanLine(s)
	if s == "" || !strings.Contains(s, "@") {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || strings.ContainsAny(a.Address, " \t") {
		return ""
	}
	return a.Address
}

// baseName returns the file name an attachment reference ends in: the last
// element of a URL's path (unescaped, without query) or of a file path with
// / or \ separators. It returns "" when nothing usable is left.
func baseName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	p := s
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		p = u.Path
	}
	p = strings.ReplaceAll(p, `\`, "/")
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p = cleanLine(p)
	if p == "." || p == ".." {
		return ""
	}
	return p
}

// attachmentName is baseName with a fallback for references that have no
// name (a URL ending in "/").
func attachmentName(s string) string {
	if b := baseName(s); b != "" {
		return b
	}
	return "attachment"
}
