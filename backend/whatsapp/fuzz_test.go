package whatsapp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// FuzzParse checks that Parse never panics, that every message has a line
// number and a valid UTF-8 body and author, and that attachments are base
// names.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, dir := range []string{"WhatsR/inst", "chat-miner/test/whatsapp", "synthetic-from-evidence", "whatsapp-chat-parser"} {
		more, _ := filepath.Glob(filepath.Join(fixture(dir), "*.txt"))
		seeds = append(seeds, more...)
	}
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[14:56:01, 3/18/22] a: <attached: ../x>\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		last := 0
		for _, order := range []DateOrder{OrderAuto, OrderMonthFirst} {
			_, _ = Parse(context.Background(), bytesOpener(data), Options{Location: time.UTC, DateOrder: order}, func(m chat.Message) error {
				if m.Line < 1 || (order == OrderAuto && m.Line <= last) {
					t.Fatalf("line %d after %d", m.Line, last)
				}
				last = m.Line
				if !utf8.ValidString(m.Body) || !utf8.ValidString(m.Author) {
					t.Fatalf("invalid UTF-8: %q / %q", m.Author, m.Body)
				}
				for _, a := range m.Attachments {
					if a == "" || a == "." || a == ".." || strings.ContainsAny(a, `/\`) || !utf8.ValidString(a) {
						t.Fatalf("attachment %q", a)
					}
				}
				if m.At.Location() != time.UTC {
					t.Fatalf("At %v not UTC", m.At)
				}
				return nil
			})
		}
		Sniff(data)
		TitleFromFileName(string(data))
	})
}
