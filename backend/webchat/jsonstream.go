package webchat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// lineIndex passes a stream through and records where its newlines are, so
// that a byte offset from encoding/json becomes a line number without
// reading the input twice.
//
// Newlines before the value being read are forgotten (counted, not kept),
// so the index holds the newlines of one value, not of the whole file.
type lineIndex struct {
	r    io.Reader
	n    int64   // bytes read so far
	nl   []int64 // offsets of the '\n' bytes not forgotten, ascending
	gone int     // newlines forgotten
}

func (li *lineIndex) Read(p []byte) (int, error) {
	n, err := li.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		li.nl = append(li.nl, li.n+int64(i+j))
		i += j + 1
	}
	li.n += int64(n)
	return n, err
}

// line returns the 1-based line of the byte at offset off, which must not
// be before the offset last given to forget.
func (li *lineIndex) line(off int64) int {
	i, _ := slices.BinarySearch(li.nl, off)
	return li.gone + i + 1
}

// forgetBatch is how many newlines forget lets pile up before it drops them.
const forgetBatch = 1024

// forget drops the newlines before offset off: no line before it will be
// asked for again. It copies only once enough have piled up.
func (li *lineIndex) forget(off int64) {
	if i, _ := slices.BinarySearch(li.nl, off); i >= forgetBatch {
		li.gone += i
		li.nl = append(li.nl[:0], li.nl[i:]...)
	}
}

// node is a JSON value of the file with the offset of its first byte, so
// that what is found inside it can be reported at its own line.
type node struct {
	raw json.RawMessage
	off int64
}

// absent reports whether the value is missing or null.
func (n node) absent() bool {
	return len(n.raw) == 0 || string(n.raw) == "null"
}

// kindName names the JSON type of n for error messages.
func (n node) kindName() string {
	if n.absent() {
		return "null"
	}
	switch n.raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "text"
	case 't', 'f':
		return "true/false"
	}
	return "a number"
}

// object returns the fields of n by lowercased name (the formats are
// snake_case; a producer that capitalises a name is still understood), or
// nil when n is not an object.
func (n node) object() map[string]node {
	if len(n.raw) == 0 || n.raw[0] != '{' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(n.raw))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	m := make(map[string]node)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return m
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return m
		}
		m[strings.ToLower(key)] = node{raw: v, off: n.off + dec.InputOffset() - int64(len(v))}
	}
	return m
}

// array returns the elements of n, or nil when n is not a list.
func (n node) array() []node {
	if len(n.raw) == 0 || n.raw[0] != '[' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(n.raw))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	out := []node{} // non-nil: an empty list is still a list
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, node{raw: v, off: n.off + dec.InputOffset() - int64(len(v))})
	}
	return out
}

// str returns n as text: a string, or a number's digits (ids and epoch
// times come as either); "" for a missing value or null.
func (n node) str() (string, error) {
	if n.absent() {
		return "", nil
	}
	switch n.raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(n.raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case '{', '[', 't', 'f':
		return "", fmt.Errorf("want text, got %s", n.kindName())
	}
	return string(n.raw), nil
}

// text is str without the error, for fields whose wrong type is as good as
// no value (an optional name, an id).
func (n node) text() string {
	s, _ := n.str()
	return s
}

// bool reports whether n is true (or the string "true").
func (n node) bool() bool {
	s := string(n.raw)
	return s == "true" || s == `"true"`
}

// get returns field key of the object n ("" path elements are ignored):
// n.get("conversation", "meta", "sender").
func (n node) get(keys ...string) node {
	for _, k := range keys {
		n = n.object()[k]
	}
	return n
}

// jsonSink receives the values of a streamed JSON file.
type jsonSink interface {
	// element is called with each element of a top-level list (key "") and
	// of a streamed field's list of a top-level object (key = field name).
	element(ctx context.Context, key string, n node) error
	// object is called when a top-level object (starting at line) ends,
	// with its fields but the streamed one; streamed tells whether the
	// streamed field was there. The lines of fields read before the streamed
	// list are gone from the index by then.
	object(ctx context.Context, fields map[string]node, streamed bool, line int) error
}

// bom is the UTF-8 byte-order mark that Windows tools put in front of text.
var bom = []byte{0xEF, 0xBB, 0xBF}

// readJSON streams the JSON values of r to sink. A file may hold one value
// or several one after the other (JSON Lines, a log of webhook payloads).
// The elements of a top-level list, and of the list in the field streamKey
// of a top-level object, are decoded one at a time; other values whole.
func readJSON(ctx context.Context, r io.Reader, c *collector, sink jsonSink, streamKey string) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	li := &lineIndex{r: br}
	c.lines = li
	dec := json.NewDecoder(li)
	values := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return jsonError(dec, li, err)
		}
		start := dec.InputOffset() - 1
		li.forget(start)
		values++
		switch tok {
		case json.Delim('['):
			if err := streamList(ctx, dec, li, sink, ""); err != nil {
				return err
			}
		case json.Delim('{'):
			if err := streamObject(ctx, dec, li, sink, streamKey, start); err != nil {
				return err
			}
		default:
			return lineError(li.line(start), fmt.Errorf("%w: a JSON object or list was expected, not %v", ErrSyntax, tok))
		}
	}
	if values == 0 {
		return ErrEmpty
	}
	return nil
}

// streamList decodes the elements of a list whose '[' was read, and the ']'.
func streamList(ctx context.Context, dec *json.Decoder, li *lineIndex, sink jsonSink, key string) error {
	for dec.More() {
		li.forget(dec.InputOffset())
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonError(dec, li, err)
		}
		n := node{raw: v, off: dec.InputOffset() - int64(len(v))}
		if err := sink.element(ctx, key, n); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jsonError(dec, li, err)
	}
	return nil
}

// streamObject reads the fields of an object whose '{' (at offset start)
// was read, streaming the list in field streamKey.
func streamObject(ctx context.Context, dec *json.Decoder, li *lineIndex, sink jsonSink, streamKey string, start int64) error {
	line := li.line(start)
	fields := make(map[string]node)
	streamed := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return jsonError(dec, li, err)
		}
		key, _ := t.(string)
		key = strings.ToLower(key)
		if streamKey != "" && key == streamKey {
			t, err := dec.Token()
			if err != nil {
				return jsonError(dec, li, err)
			}
			switch t {
			case json.Delim('['):
				streamed = true
				if err := streamList(ctx, dec, li, sink, key); err != nil {
					return err
				}
				continue
			case nil: // "messages": null
				continue
			}
			return lineError(li.line(dec.InputOffset()-1), fmt.Errorf("%w: %q must be a list", ErrSyntax, key))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonError(dec, li, err)
		}
		fields[key] = node{raw: v, off: dec.InputOffset() - int64(len(v))}
	}
	if _, err := dec.Token(); err != nil {
		return jsonError(dec, li, err)
	}
	return sink.object(ctx, fields, streamed, line)
}

// jsonError turns a decoding error into one that names the line.
//
// The Offset of a json.SyntaxError cannot be used as it is: a Decoder
// counts in it only the bytes its Decode calls scanned, not the
// delimiters Token consumed. After an error, though, the decoder still
// holds the failed value from its start (at InputOffset): decoding that
// again with a fresh decoder gives the offset within it.
func jsonError(dec *json.Decoder, li *lineIndex, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		pos := dec.InputOffset()
		rest, _ := io.ReadAll(dec.Buffered())
		var v json.RawMessage
		var se2 *json.SyntaxError
		if err2 := json.NewDecoder(bytes.NewReader(rest)).Decode(&v); errors.As(err2, &se2) && se2.Offset > 0 {
			pos += se2.Offset - 1
		}
		return lineError(li.line(pos), fmt.Errorf("%w: %v", ErrSyntax, se))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return lineError(li.line(max(li.n-1, 0)), fmt.Errorf("%w: the file ends in the middle of a value (cut short?)", ErrSyntax))
	}
	return err // a read error of the source
}
