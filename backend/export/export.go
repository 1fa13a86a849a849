// Package export writes the sessions of a timeline filter for other tools:
// one row per session, as CSV for spreadsheets (UTF-8, optional byte order
// mark, RFC 4180 quoting, cells that a spreadsheet would run as a formula
// defused) or as JSON Lines. Rows are written as they are read, a batch at
// a time, so a million sessions export in the memory of one batch.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// Format is the file format of an export.
type Format string

// Formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// ErrBadFormat is returned for a format that is neither csv nor jsonl.
var ErrBadFormat = errors.New("unknown export format")

// ParseFormat reads a format name ("" is CSV).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "csv":
		return CSV, nil
	case "jsonl", "ndjson":
		return JSONL, nil
	}
	return "", fmt.Errorf("%w %q (want csv or jsonl)", ErrBadFormat, s)
}

// Options says how to write an export.
type Options struct {
	Format Format // CSV when empty
	// BOM starts a CSV file with the UTF-8 byte order mark, by which Excel
	// tells UTF-8 from the system's code page. JSON Lines never has one.
	BOM bool
	// Location is the zone of the times written (RFC 3339 with its
	// offset); nil means UTC.
	Location *time.Location
	// Now (UTC ms) decides which sessions are still active: they have no
	// end and no duration yet.
	Now int64
	// Batch is the number of sessions read at a time; 0 means
	// timeline.DefaultScanBatch.
	Batch int
}

// Columns are the fixed columns of a CSV export, in order; the custom
// fields follow, one column each, headed by the field's name.
var Columns = []string{
	"id", "contact", "email", "phone", "channel", "status", "start", "end", "duration_s",
	"customer_messages", "agent_messages", "bot_messages", "first_response_s", "bot_first_response_s",
	"handoff_bot", "handoff_agent", "handoff_at", "summary", "sentiment", "labels",
}

// LabelSeparator joins a session's labels in one CSV cell. Label names
// cannot hold a comma, but a semicolon reads better and is what
// spreadsheets split on.
const LabelSeparator = "; "

// Exporter writes exports of one library.
type Exporter struct {
	st *store.Store
	tl *timeline.Service
}

// New returns an exporter over a store and its timeline.
func New(st *store.Store, tl *timeline.Service) *Exporter { return &Exporter{st: st, tl: tl} }

// bufferSize is the write buffer: rows reach w in pieces of this size.
const bufferSize = 64 << 10

// Write writes every session matching f to w, newest first, and returns
// how many rows it wrote. On an error w holds what was written until then.
func (e *Exporter) Write(ctx context.Context, w io.Writer, f timeline.Filter, o Options) (int, error) {
	if o.Format == "" {
		o.Format = CSV
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	fields, err := e.st.Fields(ctx)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, bufferSize)
	var out rowWriter
	switch o.Format {
	case CSV:
		out, err = newCSVRows(bw, fields, o.BOM)
	case JSONL:
		out = newJSONRows(bw, fields)
	default:
		return 0, fmt.Errorf("%w %q (want csv or jsonl)", ErrBadFormat, o.Format)
	}
	if err != nil {
		return 0, err
	}
	n, err := e.pipe(ctx, f, o, out)
	if err != nil {
		return n, err
	}
	if err := out.flush(); err != nil {
		return n, fmt.Errorf("write export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("write export: %w", err)
	}
	return n, nil
}

// pipe reads the sessions in one goroutine and writes them in this one:
// reading (SQLite) and formatting take about as long, and the machine
// has a core for each. At most two batches wait between them.
func (e *Exporter) pipe(ctx context.Context, f timeline.Filter, o Options, out rowWriter) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []store.ExportRow, 2)
	scanned := make(chan error, 1)
	go func() {
		defer close(batches)
		scanned <- e.tl.Scan(ctx, f, o.Now, o.Batch, func(b []store.ExportRow) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n := 0
	var werr error
	for b := range batches {
		if werr != nil {
			continue // drain: the reader stops at its next batch
		}
		for i := range b {
			if err := out.row(rowOf(&b[i], o)); err != nil {
				werr = fmt.Errorf("write export: %w", err)
				cancel()
				break
			}
			n++
		}
	}
	if werr != nil {
		return n, werr
	}
	if err := <-scanned; err != nil {
		return n, err
	}
	return n, nil
}

// row is one session as exported; times already in the export's zone,
// zero values where there is none (see the writers for how each format
// says "none").
type row struct {
	s          *store.ExportRow
	status     string
	start, end string
	durationS  int64 // -1: active
	handoffAt  string
}

func rowOf(s *store.ExportRow, o Options) row {
	r := row{s: s, status: store.StatusActive, durationS: -1, start: timeString(s.StartedAt, o.Location)}
	if !s.Active(o.Now) {
		r.status = store.StatusCompleted
		r.end = timeString(s.LastMessageAt, o.Location)
		r.durationS = (s.LastMessageAt - s.StartedAt) / 1000
	}
	if s.HandoffAt != 0 {
		r.handoffAt = timeString(s.HandoffAt, o.Location)
	}
	return r
}

func timeString(ms int64, loc *time.Location) string {
	return time.UnixMilli(ms).In(loc).Format(time.RFC3339)
}

type rowWriter interface {
	row(r row) error
	flush() error
}

// csvRows writes rows as CSV.
type csvRows struct {
	w      *CSVWriter
	keys   []string // custom field keys, in column order
	record []string
}

func newCSVRows(w io.Writer, fields []store.Field, bom bool) (*csvRows, error) {
	c := &csvRows{w: NewCSVWriter(w, bom), keys: make([]string, len(fields))}
	header := append([]string(nil), Columns...)
	for i, f := range fields {
		c.keys[i] = f.Key
		header = append(header, f.Name)
	}
	c.record = make([]string, len(header))
	return c, c.w.Write(header)
}

func (c *csvRows) row(r row) error {
	s, f := r.s, r.s
	rec := c.record[:0]
	rec = append(rec, strconv.FormatInt(s.ID, 10), s.ContactName, s.ContactEmail, f.Phone, s.Channel, r.status, r.start, r.end,
		seconds(r.durationS*1000), strconv.Itoa(f.CustomerMessages), strconv.Itoa(f.AgentMessages), strconv.Itoa(f.BotMessages),
		seconds(f.FirstResponseMS), seconds(f.BotFirstResponseMS), s.Bot, s.HandoffAgent, r.handoffAt,
		s.Summary, s.Sentiment, strings.Join(s.Labels, LabelSeparator))
	for _, k := range c.keys {
		rec = append(rec, s.Fields[k])
	}
	return c.w.Write(rec)
}

func (c *csvRows) flush() error { return c.w.Flush() }

// seconds is a duration in ms as whole seconds; "" for none (negative).
func seconds(ms int64) string {
	if ms < 0 {
		return ""
	}
	return strconv.FormatInt(ms/1000, 10)
}

// jsonRows writes rows as JSON Lines: one object per session, null where
// there is no value, labels as a list, custom fields as an object by key.
type jsonRows struct {
	enc  *json.Encoder
	keys []string
}

func newJSONRows(w io.Writer, fields []store.Field) *jsonRows {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	j := &jsonRows{enc: enc, keys: make([]string, len(fields))}
	for i, f := range fields {
		j.keys[i] = f.Key
	}
	return j
}

// JSONRow is one line of a JSON Lines export.
type JSONRow struct {
	ID                int64             `json:"id"`
	Contact           string            `json:"contact"`
	Email             *string           `json:"email"`
	Phone             *string           `json:"phone"`
	Channel           string            `json:"channel"`
	Status            string            `json:"status"`
	Start             string            `json:"start"`
	End               *string           `json:"end"`
	DurationS         *int64            `json:"duration_s"`
	CustomerMessages  int               `json:"customer_messages"`
	AgentMessages     int               `json:"agent_messages"`
	BotMessages       int               `json:"bot_messages"`
	FirstResponseS    *int64            `json:"first_response_s"`
	BotFirstResponseS *int64            `json:"bot_first_response_s"`
	Handoff           JSONHandoff       `json:"handoff"`
	Summary           *string           `json:"summary"`
	Sentiment         *string           `json:"sentiment"`
	Labels            []string          `json:"labels"`
	Fields            map[string]string `json:"fields"`
}

// JSONHandoff is the AI handoff of a JSON Lines row.
type JSONHandoff struct {
	Bot   *string `json:"bot"`
	Agent *string `json:"agent"`
	At    *string `json:"at"`
}

func (j *jsonRows) row(r row) error {
	s, f := r.s, r.s
	out := JSONRow{
		ID: s.ID, Contact: s.ContactName, Email: optional(s.ContactEmail), Phone: optional(f.Phone), Channel: s.Channel,
		Status: r.status, Start: r.start, End: optional(r.end), DurationS: optionalSeconds(r.durationS * 1000),
		CustomerMessages: f.CustomerMessages, AgentMessages: f.AgentMessages, BotMessages: f.BotMessages,
		FirstResponseS: optionalSeconds(f.FirstResponseMS), BotFirstResponseS: optionalSeconds(f.BotFirstResponseMS),
		Handoff: JSONHandoff{Bot: optional(s.Bot), Agent: optional(s.HandoffAgent), At: optional(r.handoffAt)},
		Summary: optional(s.Summary), Sentiment: optional(s.Sentiment), Labels: s.Labels, Fields: map[string]string{},
	}
	if out.Labels == nil {
		out.Labels = []string{}
	}
	for _, k := range j.keys {
		if v, ok := s.Fields[k]; ok {
			out.Fields[k] = v
		}
	}
	return j.enc.Encode(out)
}

func (j *jsonRows) flush() error { return nil }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalSeconds(ms int64) *int64 {
	if ms < 0 {
		return nil
	}
	s := ms / 1000
	return &s
}
