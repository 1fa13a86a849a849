package webchat

import (
	"io"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// invalidCounter passes a stream through and counts its bytes of invalid
// UTF-8, which the readers turn into U+FFFD (encoding/json one for each
// such byte, cleanText for each run): the import report says how many
// there were. A sequence cut by a Read boundary is held back and counted
// with the bytes that follow it, so the count does not depend on how the
// source hands out its bytes.
type invalidCounter struct {
	r       io.Reader
	invalid int
	held    [utf8.UTFMax - 1]byte
	nheld   int
	buf     []byte
}

func (ic *invalidCounter) Read(p []byte) (int, error) {
	n, err := ic.r.Read(p)
	data := p[:n]
	if ic.nheld > 0 {
		ic.buf = append(append(ic.buf[:0], ic.held[:ic.nheld]...), data...)
		data, ic.nheld = ic.buf, 0
	}
	if err == nil {
		// Hold back an incomplete sequence at the end: its rest may come
		// with the next Read. Anything that is no sequence's start is a
		// complete (invalid) byte and counted now.
		for i := len(data) - 1; i >= 0 && i >= len(data)-(utf8.UTFMax-1); i-- {
			if utf8.RuneStart(data[i]) {
				if !utf8.FullRune(data[i:]) {
					ic.nheld = copy(ic.held[:], data[i:])
					data = data[:i]
				}
				break
			}
		}
	}
	ic.invalid += chat.InvalidUTF8(data)
	return n, err
}
