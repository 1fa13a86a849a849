package whatsapp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

const (
	readBufSize = 256 << 10
	// maxLineBytes is the longest line Parse reads; a longer one is skipped
	// (and reported with its number), the lines around it still import.
	maxLineBytes = 16 << 20
)

// errLongLine is what next returns for a line over maxLineBytes, after
// reading past it: the caller skips the line and goes on.
var errLongLine = fmt.Errorf("line longer than %d MiB", maxLineBytes>>20)

// lineReader yields the lines of a stream without their "\n" or "\r\n".
// The returned slice is valid until the next call.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	n    int // number of the line last returned (1-based)
	done bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBufSize)}
}

// next returns the next line. At the end it returns io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	if lr.done {
		return nil, io.EOF
	}
	line, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(lr.long) > maxLineBytes {
				// Read past the rest of the line without keeping it: memory
				// stays at maxLineBytes whatever the line's length.
				for err == bufio.ErrBufferFull {
					_, err = lr.br.ReadSlice('\n')
				}
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, fmt.Errorf("line %d: %w", lr.n+1, err)
				}
				lr.done = err != nil
				lr.n++
				return nil, errLongLine
			}
			line, err = lr.br.ReadSlice('\n')
			lr.long = append(lr.long, line...)
		}
		line = lr.long
	}
	if err != nil {
		if !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", lr.n+1, err)
		}
		// The file's final line break ends the last line; it opens no
		// empty line after it. (Pustur's parser does count one, so its last
		// message ends with "\n"; a longer export of the same chat has no
		// break there, and the message must read the same in both.)
		lr.done = true
		if len(line) == 0 {
			return nil, io.EOF
		}
	}
	if len(line) > maxLineBytes {
		lr.n++
		return nil, errLongLine
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	lr.n++
	return line, nil
}
