// Package whatsapp parses WhatsApp "Export chat" text files (Android and iOS,
// every locale, calendar and 12/24-hour variant described in FORMATS.md §1)
// into chat.Message values.
//
// A file is streamed twice and never held in memory. The first pass reads
// only the dates to decide, once per file, whether days or months come first
// (Pustur's three-stage heuristic over all distinct dates; it stops early
// when a first component above 12 makes day-first certain, since no later
// date can change that). The second pass parses the messages in a two-stage
// pipeline: a goroutine reads lines and headers, the caller's goroutine
// builds the messages and calls emit.
package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// DateOrder is the order of day and month in the dates of an export.
type DateOrder int

// The date orders. OrderYearFirst is year/month/day.
const (
	OrderAuto       DateOrder = iota // decide from all dates of the file
	OrderDayFirst                    // day before month (31/12/2023)
	OrderMonthFirst                  // month before day (12/31/2023)
	OrderYearFirst                   // year, month, day (2023/12/31)
)

// String returns "auto", "day-first", "month-first" or "year-first".
func (o DateOrder) String() string {
	switch o {
	case OrderAuto:
		return "auto"
	case OrderDayFirst:
		return "day-first"
	case OrderMonthFirst:
		return "month-first"
	case OrderYearFirst:
		return "year-first"
	}
	return fmt.Sprintf("DateOrder(%d)", int(o))
}

// Options tunes Parse.
type Options struct {
	// Location is the zone the phone was in; nil means time.Local. Exports
	// carry wall-clock times without a zone.
	Location *time.Location
	// DateOrder forces the order of day and month; OrderAuto (the default)
	// decides it from all dates of the file.
	DateOrder DateOrder
	// ExportedAt is when the export was made (the file's or zip entry's
	// modification time); zero means now. It dates exports whose headers
	// have no year ("18 Mar 12:14 - "): their last entry is the latest
	// such date not after it.
	ExportedAt time.Time
	// FullFirstPass makes the first pass read every date even once a day
	// above 12 has settled the order (it stops there otherwise). The result
	// is the same; benchmarks use it to measure what a month-first file,
	// which never settles early, costs.
	FullFirstPass bool
}

// Opener opens the chat text from its start. Parse calls it twice: one pass
// reads only the dates to decide day/month order from all dates of the file,
// the second parses; so a file is streamed and never held in memory.
type Opener func() (io.ReadCloser, error)

// Info describes a parsed export.
type Info struct {
	DateOrder DateOrder      // the order used (decided or forced)
	Ambiguous bool           // true when no date could decide it and the fallback was used
	Messages  int            // messages emitted (system lines included)
	Skipped   []chat.Skipped // lines that could not be read (at most maxSkipped entries)
	// SkippedLines counts every skipped line, also those beyond the cap of
	// Skipped, and the lines cut off messages over maxMessageBytes.
	SkippedLines int
	// InvalidBytes counts the bytes of invalid UTF-8 that were replaced
	// with U+FFFD in names and bodies.
	InvalidBytes int
	Authors      []string // distinct authors in order of first appearance (system notices excluded)
}

// ErrNotWhatsApp is returned (wrapped, with the reason) for input that is not
// a WhatsApp chat export: empty, binary, or without a message header in its
// first lines.
var ErrNotWhatsApp = errors.New("not a WhatsApp chat export")

const (
	headerSearchLines = 50       // non-empty lines searched for the first header
	binaryCheckBytes  = 64 << 10 // bytes checked for NUL and invalid UTF-8
	maxSkipped        = 1000     // entries kept in Info.Skipped
	ctxCheckMask      = 4095     // check ctx every 4096 lines
	maxAuthorBytes    = 128      // longer "authors" are sentences of system lines
	// maxMessageBytes bounds one message's text (WhatsApp's own limit is
	// 65,536 characters): lines past it are dropped and reported, so a file
	// of one header and a gigabyte of lines is read at flat memory.
	maxMessageBytes = 1 << 20
	maxInterned     = 1 << 16 // distinct author strings interned
)

// Reasons of skipped lines.
const reasonBeforeHeader = "text before the first message header"

// Parse streams the messages of the export to emit, in file order (not
// sorted: an export may be out of time order). It stops and returns emit's
// error if emit fails, and honours ctx.
func Parse(ctx context.Context, open Opener, opts Options, emit func(chat.Message) error) (Info, error) {
	var info Info
	if open == nil || emit == nil {
		return info, errors.New("whatsapp: Parse needs an opener and an emit function")
	}
	if opts.DateOrder < OrderAuto || opts.DateOrder > OrderYearFirst {
		return info, fmt.Errorf("whatsapp: invalid date order %d", int(opts.DateOrder))
	}
	if err := ctx.Err(); err != nil {
		return info, err
	}
	stats, err := scanDates(ctx, open, !opts.FullFirstPass)
	if err != nil {
		return info, err
	}
	info.DateOrder = opts.DateOrder
	if info.DateOrder == OrderAuto {
		info.DateOrder, info.Ambiguous = stats.decideOrder()
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	r := &reader{
		loc:           loc,
		order:         info.DateOrder,
		dayFirst:      info.DateOrder == OrderDayFirst,
		allowSpaceSep: stats.sepCount[sepSpace]*2 > stats.headers,
		matcher:       entries(),
		allowNamed:    stats.named*2 > stats.headers,
		baseYear:      stats.firstYear(opts.ExportedAt, loc),
	}
	b := &builder{
		emit:    emit,
		info:    &info,
		authors: make(map[string]*authorRec, 16),
		cls:     newClassifier(),
	}
	err = secondPass(ctx, open, r, b)
	info.Skipped, info.SkippedLines = r.skipped, r.skippedLines
	info.InvalidBytes = b.strs.invalid
	return info, err
}

func notWhatsApp(format string, args ...any) error {
	return fmt.Errorf("whatsapp: "+format+": %w", append(args, ErrNotWhatsApp)...)
}

// isBlank reports whether line holds only spaces and invisible marks.
func isBlank(line []byte) bool {
	i := skipSpaces(line, 0)
	for i < len(line) && (line[i] == '\t' || line[i] == ' ') {
		i = skipSpaces(line, i+1)
	}
	return i == len(line)
}

// scanDates is the first pass: it checks that the input is an export and
// collects the dates of all headers, or with earlyExit those up to the
// first that settles the order.
func scanDates(ctx context.Context, open Opener, earlyExit bool) (*orderStats, error) {
	rc, err := open()
	if err != nil {
		return nil, fmt.Errorf("whatsapp: open: %w", err)
	}
	defer rc.Close()
	lr := newLineReader(rc)
	st := &orderStats{}
	var h header
	var hc headerCache
	var checked, invalid int64
	nonEmpty := 0
	binaryLooking := func() bool { return invalid*5 > checked && invalid > 0 }
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err == errLongLine {
			continue // reported by the second pass
		}
		if err != nil {
			return nil, fmt.Errorf("whatsapp: %w", err)
		}
		if lr.n&ctxCheckMask == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if checked < binaryCheckBytes {
			if lr.n == 1 && (bytes.HasPrefix(line, []byte{0xFF, 0xFE}) || bytes.HasPrefix(line, []byte{0xFE, 0xFF})) {
				return nil, notWhatsApp("UTF-16 text; convert the file to UTF-8")
			}
			if i := bytes.IndexByte(line, 0); i >= 0 {
				return nil, notWhatsApp("binary content (NUL byte on line %d)", lr.n)
			}
			if !utf8.Valid(line) {
				invalid += int64(chat.InvalidUTF8(line))
			}
			checked += int64(len(line)) + 1
		}
		if st.headers > 0 && hc.sameDate(line) {
			// The date is known already; only the header counts change. (A
			// continuation line that starts with the same date is counted
			// too: the counts only feed majority votes.)
			st.addRepeat()
			continue
		}
		if st.headers == 0 {
			if isBlank(line) {
				continue
			}
			nonEmpty++
			if !hc.parse(line, &h) {
				if nonEmpty >= headerSearchLines {
					if binaryLooking() {
						return nil, notWhatsApp("binary content (mostly invalid UTF-8)")
					}
					return nil, notWhatsApp("no message header (such as \"31/12/2023, 23:59 - Name: text\") in the first %d non-empty lines", headerSearchLines)
				}
				continue
			}
		} else if !hc.parse(line, &h) {
			continue
		}
		st.add(&h)
		// Stage 1 of the heuristic ends on the first day above 12, whatever
		// the other dates are: the rest of the file cannot change the result.
		if st.dayAbove12 && st.yearless == 0 && earlyExit {
			break
		}
	}
	switch {
	case nonEmpty == 0:
		return nil, notWhatsApp("empty file")
	case binaryLooking():
		return nil, notWhatsApp("binary content (mostly invalid UTF-8)")
	case st.headers == 0:
		return nil, notWhatsApp("no message header (such as \"31/12/2023, 23:59 - Name: text\") in the file")
	}
	return st, nil
}
