package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// The second pass is a two-stage pipeline so that parsing uses both cores
// of a small machine and overlaps with the caller's work in emit:
//
//   - the reader (its own goroutine) reads lines, finds headers, converts
//     their times and groups lines into raw messages, in batches;
//   - the builder (the caller's goroutine) splits authors, classifies
//     bodies, makes the strings and calls emit, in file order.
//
// emit is only ever called from the goroutine that called Parse.

const (
	batchMsgs  = 1024      // raw messages per batch
	batchBytes = 256 << 10 // body bytes per batch (a longer message makes a bigger batch)
	numBatches = 4         // batches in flight
)

// rawMsg is a message as the reader found it: its body bytes (header rest
// and continuation lines) are buf[start:end] of its batch.
type rawMsg struct {
	at       time.Time
	line     int
	start    int
	firstEnd int // end of the header line's bytes
	end      int
	// The reader also splits the author and asks the tables whether the
	// body's first line may be a known text, so that this work runs on
	// the reader's core, not the builder's.
	authorEnd int // end of the author in buf; 0 when the line has none
	bodyStart int // start of the body in buf (start when no author)
	// maybe is set when the first line may be in the tables by its end
	// (the reader's half of mayMatch); the builder then tries its start.
	maybe bool
}

type batch struct {
	msgs []rawMsg
	buf  []byte
	err  error // set on the last batch when reading failed
}

// secondPass runs the reader and the builder until the end of the input,
// an error, or emit failing.
func secondPass(ctx context.Context, open Opener, r *reader, b *builder) error {
	rc, err := open()
	if err != nil {
		return fmt.Errorf("whatsapp: open: %w", err)
	}
	defer rc.Close()

	out := make(chan *batch, numBatches-1)
	free := make(chan *batch, numBatches)
	stop := make(chan struct{})
	stopReader := sync.OnceFunc(func() { close(stop) })
	go r.run(ctx, rc, out, free, stop)
	// Whatever happens here (even a panic in emit), the reader has exited
	// before rc is closed.
	defer func() {
		stopReader()
		for range out {
		}
	}()

	var failed error
	for bt := range out {
		if failed == nil {
			if bt.err != nil {
				failed = bt.err
			} else if err := ctx.Err(); err != nil {
				failed = err
			} else {
				failed = b.consume(bt)
			}
			if failed != nil {
				stopReader() // the reader exits and closes out; keep draining
			}
		}
		select {
		case free <- bt:
		default:
		}
	}
	return failed
}

// reader is the first stage of the second pass.
type reader struct {
	loc           *time.Location
	order         DateOrder
	dayFirst      bool
	allowSpaceSep bool
	matcher       *entryMatcher
	allowNamed    bool // month names are the file's layout, not a line that happens to start with one
	baseYear      int  // year of the first date of a file whose dates have no year
	years         namedYear

	skipped      []chat.Skipped
	skippedLines int

	have     bool // a message is open
	dropping bool // continuation lines of a skipped header are dropped
	// cutting is set while lines are cut off a message over
	// maxMessageBytes: lines cutFrom to cutTo (cutFirst: from its header).
	cutting        bool
	cutFirst       bool
	cutFrom, cutTo int
	batches        int // batches allocated

	days      map[uint32]dayInfo
	lastKey   uint32
	lastDay   dayInfo
	lastDate  header // date fields of the last valid header, for the fast path
	lastValid bool
}

// dayInfo caches the conversion of the wall-clock times of one day.
type dayInfo struct {
	base    int64 // Unix seconds of local midnight
	uniform bool  // no offset change during the day: at = base + seconds
}

// getBatch returns an empty batch: a new one while fewer than numBatches
// exist, else one the builder gave back. ok is false when stopped.
func (r *reader) getBatch(free chan *batch, stop <-chan struct{}) (*batch, bool) {
	if r.batches < numBatches {
		select {
		case bt := <-free:
			bt.msgs, bt.buf, bt.err = bt.msgs[:0], bt.buf[:0], nil
			return bt, true
		default:
		}
		r.batches++
		// Small first: a short chat needs little; big files grow the batches
		// once and then reuse them.
		return &batch{msgs: make([]rawMsg, 0, 64), buf: make([]byte, 0, 8<<10)}, true
	}
	select {
	case bt := <-free:
		bt.msgs, bt.buf, bt.err = bt.msgs[:0], bt.buf[:0], nil
		return bt, true
	case <-stop:
		return nil, false
	}
}

// run reads rc to the end and sends the batches to out, then closes out.
func (r *reader) run(ctx context.Context, rc io.Reader, out chan<- *batch, free chan *batch, stop <-chan struct{}) {
	defer close(out)
	bt, _ := r.getBatch(free, stop)
	send := func() bool {
		select {
		case out <- bt:
		case <-stop:
			return false
		}
		var ok bool
		bt, ok = r.getBatch(free, stop)
		return ok
	}
	defer func() {
		if v := recover(); v != nil {
			if bt == nil {
				bt = &batch{}
			}
			bt.msgs = bt.msgs[:0]
			bt.err = fmt.Errorf("whatsapp: internal error while reading: %v", v)
			send()
		}
	}()
	lr := newLineReader(rc)
	var h header
	var hc headerCache
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err == errLongLine {
			r.skip(lr.n, errLongLine.Error()+": not imported")
			continue
		}
		if err != nil {
			bt.msgs, bt.err = bt.msgs[:0], fmt.Errorf("whatsapp: %w", err)
			send()
			return
		}
		if lr.n&ctxCheckMask == 0 {
			if err := ctx.Err(); err != nil {
				bt.msgs, bt.err = bt.msgs[:0], err
				send()
				return
			}
		}
		if hc.parse(line, &h) && (h.sep != sepSpace || r.allowSpaceSep) && (!h.named || r.allowNamed) {
			at, reason := r.timeOf(&h)
			if reason != "" {
				r.skip(lr.n, reason)
				r.dropping = true
				continue
			}
			r.dropping = false
			r.endCut()
			if len(bt.msgs) >= batchMsgs || len(bt.buf) >= batchBytes {
				if !send() {
					return
				}
			}
			start := len(bt.buf)
			rest := line[h.rest:]
			if len(rest) > maxMessageBytes {
				rest = cutUTF8(rest, maxMessageBytes)
				r.cutStart(lr.n, true)
			}
			bt.buf = append(bt.buf, rest...)
			rm := rawMsg{at: at, line: lr.n, start: start, firstEnd: len(bt.buf), end: len(bt.buf), bodyStart: start}
			first := bt.buf[start:]
			if a, body, ok := splitAuthor(first); ok {
				rm.authorEnd, rm.bodyStart = start+len(a), rm.firstEnd-len(body)
				rm.maybe = r.matcher.mayMatchEnd(body)
			}
			bt.msgs = append(bt.msgs, rm)
			r.have = true
			continue
		}
		if r.dropping {
			continue
		}
		if !r.have {
			if !isBlank(line) {
				r.skip(lr.n, reasonBeforeHeader)
			}
			continue
		}
		cur := &bt.msgs[len(bt.msgs)-1]
		if r.cutting || cur.end-cur.start+1+len(line) > maxMessageBytes {
			r.cutStart(lr.n, false)
			continue
		}
		bt.buf = append(bt.buf, '\n')
		bt.buf = append(bt.buf, line...)
		cur.end = len(bt.buf)
	}
	r.endCut()
	if len(bt.msgs) > 0 {
		send()
	}
}

// cutStart notes that line n is cut off the open message (or, with first,
// that the message's first line was cut short).
func (r *reader) cutStart(n int, first bool) {
	if !r.cutting {
		r.cutting, r.cutFrom, r.cutFirst = true, n, first
	}
	r.cutTo = n
}

// endCut reports the lines cut off the message that just ended, as one
// entry: a message of a gigabyte of lines is one line in the report.
func (r *reader) endCut() {
	if !r.cutting {
		return
	}
	r.cutting = false
	what := fmt.Sprintf("message over %d MiB: cut there", maxMessageBytes>>20)
	dropped := r.cutTo - r.cutFrom + 1
	switch {
	case r.cutFirst && dropped == 1:
		what += " (the rest of this line is not imported)"
	case r.cutFirst:
		what += fmt.Sprintf(" (the rest of this line and lines %d–%d are not imported)", r.cutFrom+1, r.cutTo)
	case dropped == 1:
		what += fmt.Sprintf(" (line %d is not imported)", r.cutFrom)
	default:
		what += fmt.Sprintf(" (lines %d–%d are not imported)", r.cutFrom, r.cutTo)
	}
	r.skip(r.cutFrom, what)
	r.skippedLines += dropped - 1
	if r.cutFirst {
		r.skippedLines-- // the first line itself was imported, cut
	}
}

// cutUTF8 returns b cut to at most n bytes, at a character boundary.
func cutUTF8(b []byte, n int) []byte {
	for n > 0 && n < len(b) && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:min(n, len(b))]
}

func (r *reader) skip(line int, reason string) {
	r.skippedLines++
	if len(r.skipped) < maxSkipped {
		r.skipped = append(r.skipped, chat.Skipped{Line: line, Reason: reason})
	}
}

// timeOf converts the wall-clock date and time of a header to UTC. reason is
// set when the date or time is impossible under the file's order.
func (r *reader) timeOf(h *header) (time.Time, string) {
	if r.lastValid && h.num == r.lastDate.num && h.ndig == r.lastDate.ndig && h.yearIdx == r.lastDate.yearIdx && h.yearAdd == r.lastDate.yearAdd && h.named == r.lastDate.named {
		// Same date as the header before: only the time changes.
		if secs, ok := clockSeconds(h); ok && r.lastDay.uniform {
			return time.Unix(r.lastDay.base+int64(secs), 0).UTC(), ""
		}
	}
	r.lastValid = false
	var day, month, year int
	if h.named {
		day, month, year = h.num[0], h.num[1], h.num[2]
		switch {
		case year == 0:
			year = r.baseYear + r.years.add(month, day)
		case h.ndig[2] <= 2:
			year += 2000
		}
	} else {
		a, b, y, _ := dateParts(h)
		day, month, year = b, a, y
		if r.dayFirst {
			day, month = a, b
		}
	}
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, fmt.Sprintf("impossible date (day %d, month %d, year %d) for the %s order", day, month, year, r.order)
	}
	secs, ok := clockSeconds(h)
	if !ok {
		return time.Time{}, fmt.Sprintf("impossible time %02d:%02d:%02d", h.hour, h.min, h.sec)
	}
	key := uint32(year)<<9 | uint32(month)<<5 | uint32(day)
	di := r.lastDay
	if key != r.lastKey {
		var ok bool
		if di, ok = r.days[key]; !ok {
			di = r.computeDay(year, month, day)
			if r.days == nil {
				r.days = make(map[uint32]dayInfo, 1024)
			}
			if len(r.days) < 1<<16 {
				r.days[key] = di
			}
		}
		r.lastKey, r.lastDay = key, di
	}
	r.lastDate, r.lastValid = *h, true
	if di.uniform {
		return time.Unix(di.base+int64(secs), 0).UTC(), ""
	}
	return time.Date(year, time.Month(month), day, secs/3600, secs/60%60, secs%60, 0, r.loc).UTC(), ""
}

// clockSeconds returns the seconds since midnight of h's time, with its
// meridiem applied, and false when the time is impossible.
func clockSeconds(h *header) (int, bool) {
	hour := h.hour
	switch h.mer {
	case merAM:
		if hour == 12 {
			hour = 0
		}
	case merPM:
		if hour < 12 {
			hour += 12
		}
	}
	if hour > 23 || h.min > 59 || h.sec > 59 {
		return 0, false
	}
	return hour*3600 + h.min*60 + h.sec, true
}

func (r *reader) computeDay(year, month, day int) dayInfo {
	t0 := time.Date(year, time.Month(month), day, 0, 0, 0, 0, r.loc)
	t1 := time.Date(year, time.Month(month), day+1, 0, 0, 0, 0, r.loc)
	return dayInfo{
		base:    t0.Unix(),
		uniform: t0.Hour() == 0 && t0.Minute() == 0 && t0.Second() == 0 && t1.Unix()-t0.Unix() == 86400,
	}
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// authorRec is an interned author name.
type authorRec struct {
	name   string
	listed bool // already in Info.Authors
}

// builder is the second stage of the second pass.
type builder struct {
	emit       func(chat.Message) error
	info       *Info
	authors    map[string]*authorRec
	recent     [4]*authorRec // last authors seen, checked before the map
	recentNext int
	scratch    []byte
	strs       stringArena
	cls        *classifier
}

// consume turns the raw messages of a batch into messages and emits them.
func (b *builder) consume(bt *batch) error {
	for i := range bt.msgs {
		if err := b.build(bt.buf, &bt.msgs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) build(buf []byte, rm *rawMsg) error {
	m := chat.Message{At: rm.at, Line: rm.line}
	first := buf[rm.start:rm.firstEnd]
	var author *authorRec
	if rm.authorEnd > 0 {
		a := buf[rm.start:rm.authorEnd]
		// A quote in the "author" is a notice with ": " in a quoted
		// subject: `You changed the subject from "A: B" to "C"`.
		if !(mayQuote(a) && b.cls.notice(first)) {
			author = b.intern(b.authorName(a))
		}
	}
	if author == nil {
		m.Role, m.Kind = chat.RoleSystem, chat.KindSystem
		body := trimLeadingMarks(buf[rm.start:rm.end])
		if c := b.cls.classify(body, rm.firstEnd-rm.start-(len(buf[rm.start:rm.end])-len(body)), true); c.kind == chat.KindCall {
			m.Kind = chat.KindCall
		}
		m.Body = b.strs.bodyString(body)
	} else {
		body := buf[rm.bodyStart:rm.end]
		maybe := rm.maybe || b.cls.m.mayMatchStart(buf[rm.bodyStart:rm.firstEnd])
		c := b.cls.classify(body, rm.firstEnd-rm.bodyStart, maybe)
		m.Author = author.name
		m.Kind = c.kind
		m.Body = b.strs.bodyString(c.body)
		m.Attachments = c.attachments
		m.Edited = c.edited
		if c.system {
			m.Role = chat.RoleSystem
		} else if !author.listed {
			author.listed = true
			b.info.Authors = append(b.info.Authors, author.name)
		}
	}
	b.info.Messages++
	return b.emit(m)
}

// mayQuote reports whether an author candidate holds a quotation mark, as
// notices that quote a group subject or description do.
func mayQuote(a []byte) bool {
	return bytes.IndexByte(a, '"') >= 0 || bytes.Contains(a, []byte("“")) || bytes.Contains(a, []byte("«")) ||
		bytes.Contains(a, []byte("„")) || bytes.Contains(a, []byte("「"))
}

// noName stands for an author whose name is only invisible marks.
const noName = "(no name)"

// authorName is the cleaned author, or, when cleaning leaves nothing (a
// lone "~" that recent exports write for a non-contact, a name of U+200E
// only), what can be shown for it: the person's messages stay theirs.
func (b *builder) authorName(a []byte) []byte {
	if !utf8.Valid(a) {
		b.strs.invalid += chat.InvalidUTF8(a)
		a = bytes.ToValidUTF8(a, []byte("\uFFFD"))
	}
	if name := b.cleanAuthor(a); len(name) > 0 {
		return name
	}
	if t := bytes.TrimSpace(withoutMarks(trimLeadingMarks(a))); len(t) > 0 && utf8.Valid(t) && !isBlank(t) {
		return t
	}
	return []byte(noName)
}

// splitAuthor splits "Author: body" on the header line. The author ends at
// the first ": "; "Carol:" is Carol with an empty body, and "John Doe:."
// (chat-miner's self-destroying message) is John Doe with body ".". A
// colon at the very start belongs to the name (":name:: hi").
func splitAuthor(rest []byte) (author, body []byte, ok bool) {
	if len(rest) < 2 {
		return nil, nil, false
	}
	j := bytes.IndexByte(rest[1:], ':')
	if j < 0 {
		return nil, nil, false
	}
	j++
	if j == len(rest)-1 {
		author, body = rest[:j], rest[len(rest):]
	} else if n := spaceLen(rest, j+1); n > 0 {
		author, body = rest[:j], rest[j+1+n:]
	} else if i := bytes.Index(rest[j+1:], []byte(": ")); i >= 0 {
		author, body = rest[:j+1+i], rest[j+1+i+2:]
	} else if tail := rest[j+1:]; len(tail) <= 3 && allPunct(tail) && rest[j-1] != ' ' {
		author, body = rest[:j], tail
	} else {
		return nil, nil, false
	}
	if len(author) > maxAuthorBytes {
		return nil, nil, false
	}
	return author, body, true
}

func allPunct(b []byte) bool {
	for _, c := range b {
		if c != '.' && c != ',' && c != '!' && c != '?' && c != '-' {
			return false
		}
	}
	return true
}

// cleanAuthor removes the marks WhatsApp wraps names in: bidi controls,
// NBSP and U+202F (→ space), U+2011 (→ '-'), a leading "~" of non-contacts.
func (b *builder) cleanAuthor(a []byte) []byte {
	simple := a[0] != '~' && a[0] != ' ' && a[len(a)-1] != ' '
	if simple {
		for _, c := range a {
			if c >= utf8.RuneSelf || c < ' ' {
				simple = false
				break
			}
		}
	}
	if simple {
		return a
	}
	out := b.scratch[:0]
	for i := 0; i < len(a); {
		r, n := utf8.DecodeRune(a[i:])
		i += n
		switch {
		case r == '\u200e' || r == '\u200f' || r == '\ufeff' || r == '\u061c',
			r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			continue
		case r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\t':
			r = ' '
		case r == '\u2011':
			r = '-'
		case r < ' ':
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	b.scratch = out
	out = bytes.TrimSpace(out)
	if len(out) > 0 && out[0] == '~' {
		out = bytes.TrimSpace(out[1:])
	}
	return out
}

func (b *builder) intern(name []byte) *authorRec {
	for _, r := range b.recent {
		if r != nil && r.name == string(name) {
			return r
		}
	}
	r, ok := b.authors[string(name)]
	if !ok {
		r = &authorRec{name: string(name)}
		if len(b.authors) < maxInterned {
			b.authors[r.name] = r
		}
	}
	b.recent[b.recentNext] = r
	b.recentNext = (b.recentNext + 1) % len(b.recent)
	return r
}

// stringArena makes the message bodies: small bodies are appended to a
// shared chunk and returned as substrings of it, one allocation per chunk
// instead of one per message. A strings.Builder never rewrites the bytes it
// returned, so the strings stay immutable. A retained body keeps its chunk
// (arenaChunk bytes) alive.
type stringArena struct {
	b       strings.Builder
	invalid int // bytes of invalid UTF-8 replaced so far
}

const (
	arenaChunk   = 16 << 10
	arenaMaxBody = 1 << 10 // longer bodies get their own allocation
)

// bodyString copies b to a string, replacing invalid UTF-8.
func (a *stringArena) bodyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if !utf8.Valid(b) {
		a.invalid += chat.InvalidUTF8(b)
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if len(b) > arenaMaxBody {
		return string(b)
	}
	if a.b.Cap()-a.b.Len() < len(b) {
		a.b = strings.Builder{}
		a.b.Grow(arenaChunk)
	}
	start := a.b.Len()
	a.b.Write(b)
	return a.b.String()[start:]
}
