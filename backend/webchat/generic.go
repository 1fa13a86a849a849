package webchat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// The fields of the generic format (docs/webchat-format.md): CSV column
// names and JSON keys alike.
const (
	colConversation = "conversation_id"
	colTime         = "time"
	colAuthor       = "author"
	colRole         = "role"
	colContactName  = "contact_name"
	colContactEmail = "contact_email"
	colBody         = "body"
	colAttachment   = "attachment"
)

// requiredColumns must be in a CSV header; without them no row can be read.
var requiredColumns = []string{colConversation, colTime, colRole, colBody}

// knownColumns are all the fields, in the order of the spec.
var knownColumns = []string{colConversation, colTime, colAuthor, colRole, colContactName, colContactEmail, colBody, colAttachment}

// row is one message of the generic format, as text, before validation.
type row struct {
	line                                                        int
	convID, time, author, role, contactName, contactEmail, body string
	attachments                                                 []string
}

// addRow validates r and adds its message, or skips it with the first
// problem found.
func (c *collector) addRow(r row) {
	id := cleanLine(r.convID)
	if id == "" {
		c.skip(r.line, "conversation_id is empty")
		return
	}
	if strings.TrimSpace(r.role) == "" {
		c.skip(r.line, "role is empty")
		return
	}
	role, ok := parseRole(r.role)
	if !ok {
		c.skip(r.line, "role %s is not one of customer, agent, bot, system", quote(r.role))
		return
	}
	at, err := parseTime(r.time, c.loc)
	if err != nil {
		c.skip(r.line, "%v", err)
		return
	}
	var atts []string
	for _, a := range r.attachments {
		if strings.TrimSpace(a) != "" {
			atts = append(atts, attachmentName(a))
		}
	}
	body := cleanText(r.body)
	if body == "" && len(atts) == 0 {
		c.skip(r.line, "body is empty and there is no attachment")
		return
	}
	kind := chat.KindText
	switch {
	case role == chat.RoleSystem:
		kind = chat.KindSystem
	case len(atts) > 0:
		kind = chat.KindMedia
	}
	cv := c.conversation("generic:"+id, id)
	cv.setContact(r.contactName, r.contactEmail, "")
	c.add(cv, "", chat.Message{At: at, Line: r.line, Author: cleanLine(r.author), Role: role, Kind: kind, Body: body, Attachments: atts})
}

// quote quotes a value for a reason, cut to a readable length.
func quote(s string) string {
	s = cleanLine(s)
	if len(s) > 60 {
		i := 57
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// genericSink reads the generic JSON: a list of message objects, an object
// with a "messages" list, or message objects one after the other (JSON
// Lines).
type genericSink struct{ c *collector }

func (s *genericSink) element(ctx context.Context, _ string, n node) error {
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	line := s.c.line(n.off)
	f := n.object()
	if f == nil {
		s.c.skip(line, "a message must be an object, not %s", n.kindName())
		return nil
	}
	s.row(f, line)
	return nil
}

func (s *genericSink) object(ctx context.Context, f map[string]node, streamed bool, line int) error {
	if streamed {
		return nil // {"messages": [...]}: the messages were read as they came
	}
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	if _, ok := f[colConversation]; !ok {
		if _, ok := f[colBody]; !ok {
			s.c.skip(line, "the object has neither a \"messages\" list nor the fields of a message")
			return nil
		}
	}
	s.row(f, line)
	return nil
}

// row reads the fields of one message object.
func (s *genericSink) row(f map[string]node, line int) {
	r := row{line: line}
	for _, fd := range []struct {
		name string
		dst  *string
	}{
		{colConversation, &r.convID}, {colTime, &r.time}, {colAuthor, &r.author}, {colRole, &r.role},
		{colContactName, &r.contactName}, {colContactEmail, &r.contactEmail}, {colBody, &r.body},
	} {
		v, err := f[fd.name].str()
		if err != nil {
			s.c.skip(line, "%s: %v", fd.name, err)
			return
		}
		*fd.dst = v
	}
	// One attachment is the spec; a list of them is accepted as well.
	a := f[colAttachment]
	if list := a.array(); list != nil {
		for _, e := range list {
			v, err := e.str()
			if err != nil {
				s.c.skip(line, "%s: %v", colAttachment, err)
				return
			}
			r.attachments = append(r.attachments, v)
		}
	} else {
		v, err := a.str()
		if err != nil {
			s.c.skip(line, "%s: %v", colAttachment, err)
			return
		}
		r.attachments = []string{v}
	}
	s.c.addRow(r)
}

// line returns the line of the byte at offset off of the JSON being read.
func (c *collector) line(off int64) int {
	if c.lines == nil {
		return 0
	}
	return c.lines.line(off)
}

// readCSV reads the generic CSV: a header row naming the columns, then one
// message per record.
func readCSV(ctx context.Context, r io.Reader, c *collector) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(br.Size())
	if len(bytes.TrimSpace(head)) == 0 && len(head) < br.Size() {
		return ErrEmpty
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1 // short rows are read as empty fields, long ones reported
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return ErrEmpty
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return lineError(pe.StartLine, fmt.Errorf("header: %v", pe.Err))
		}
		return err
	}
	headerLine, _ := cr.FieldPos(0)
	cols, err := mapHeader(header)
	if err != nil {
		return lineError(headerLine, err)
	}
	width := len(header)
	lastErr := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			if pe.StartLine <= lastErr {
				return lineError(pe.StartLine, pe.Err) // no progress: give up rather than loop
			}
			lastErr = pe.StartLine
			c.skip(pe.StartLine, "%s", csvReason(pe.Err))
			continue
		}
		if err := c.tick(ctx); err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // a spreadsheet's empty row (",,,,")
		}
		if len(rec) > width && !blank(rec[width:]) {
			c.skip(line, "the row has %d fields, the header %d (a comma in an unquoted body?)", len(rec), width)
			continue
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		c.addRow(row{
			line:         line,
			convID:       get(colConversation),
			time:         get(colTime),
			author:       get(colAuthor),
			role:         get(colRole),
			contactName:  get(colContactName),
			contactEmail: get(colContactEmail),
			body:         get(colBody),
			attachments:  []string{get(colAttachment)},
		})
	}
	return nil
}

// csvReason explains a CSV parse error of a record.
func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a " inside a field that is not in quotes (put the field in quotes and double the " inside it)`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field is not closed, or has a lone " inside (double it); the rest of the file was read as part of it`
	}
	return err.Error()
}

// blank reports whether every field of rec is white space.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// normColumn makes a header name comparable: case, surrounding spaces and
// "Conversation ID" vs conversation_id do not matter.
func normColumn(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// mapHeader returns the index of each known column in header; other
// columns are ignored. It fails when a required column is missing or a
// known one appears twice.
func mapHeader(header []string) (map[string]int, error) {
	cols := make(map[string]int)
	for i, h := range header {
		n := normColumn(h)
		if !isKnownColumn(n) {
			continue
		}
		if _, dup := cols[n]; dup {
			return nil, fmt.Errorf("the column %s appears twice in the header", n)
		}
		cols[n] = i
	}
	var missing []string
	for _, r := range requiredColumns {
		if _, ok := cols[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s (required: %s)", ErrMissingColumns, strings.Join(missing, ", "), strings.Join(requiredColumns, ", "))
	}
	return cols, nil
}

func isKnownColumn(n string) bool {
	for _, k := range knownColumns {
		if k == n {
			return true
		}
	}
	return false
}

// sniffComma returns the separator of the header line at the start of
// head: a comma, or the semicolon or tab that spreadsheets in many locales
// save with, whichever finds the most required columns (comma on a tie).
func sniffComma(head []byte) rune {
	line := head
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	best, bestN := ',', -1
	for _, sep := range []rune{',', ';', '\t'} {
		n := 0
		cr := csv.NewReader(bytes.NewReader(line))
		cr.Comma = sep
		cr.LazyQuotes = true
		if rec, err := cr.Read(); err == nil {
			for _, h := range rec {
				n0 := normColumn(h)
				for _, r := range requiredColumns {
					if n0 == r {
						n++
					}
				}
			}
		}
		if n > bestN {
			best, bestN = sep, n
		}
	}
	return best
}
