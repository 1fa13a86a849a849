package export

import (
	"encoding/csv"
	"io"
	"strings"
)

// bom is the UTF-8 byte order mark.
const bom = "\uFEFF"

// CSVWriter writes CSV records for spreadsheets: RFC 4180 quoting (CRLF
// line ends, fields with commas, quotes or line breaks quoted; a line
// break inside a cell is written CRLF), an optional byte order mark
// first, and every cell passed through Guard.
// The insights' tables are written with it too.
type CSVWriter struct {
	w       io.Writer
	c       *csv.Writer
	bom     bool
	started bool
	guarded []string
}

// NewCSVWriter returns a CSVWriter over w; bom says whether the file
// starts with the UTF-8 byte order mark.
func NewCSVWriter(w io.Writer, bom bool) *CSVWriter {
	c := csv.NewWriter(w)
	c.UseCRLF = true
	return &CSVWriter{w: w, c: c, bom: bom}
}

// Write writes one record, each cell guarded.
func (c *CSVWriter) Write(record []string) error {
	if !c.started {
		c.started = true
		if c.bom {
			if _, err := io.WriteString(c.w, bom); err != nil {
				return err
			}
		}
	}
	c.guarded = c.guarded[:0]
	for _, cell := range record {
		c.guarded = append(c.guarded, lineBreaks(Guard(cell)))
	}
	return c.c.Write(c.guarded)
}

// lineBreaks makes every line break in a cell (CRLF, or a lone CR) an LF,
// which encoding/csv writes as CRLF inside the quoted cell: it would drop
// a lone CR, joining two lines into one.
func lineBreaks(cell string) string {
	if !strings.ContainsRune(cell, '\r') {
		return cell
	}
	return strings.ReplaceAll(strings.ReplaceAll(cell, "\r\n", "\n"), "\r", "\n")
}

// Flush writes what is buffered and reports any error of the writes.
func (c *CSVWriter) Flush() error {
	c.c.Flush()
	return c.c.Error()
}

// Guard defuses a cell that a spreadsheet would read as a formula (or,
// after a tab or carriage return that it strips, as one): a cell starting
// with =, +, -, @, tab or carriage return gets a leading apostrophe, as
// OWASP's "CSV injection" advice says. The value stays readable; the
// export is data, not a sheet. A customer's message can say anything.
func Guard(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
