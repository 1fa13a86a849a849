package synth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteWhatsApp(t *testing.T) {
	tests := []struct {
		name   string
		opts   WhatsAppOptions
		prefix string
		eol    string
	}{
		{"android", WhatsAppOptions{Messages: 2000, Seed: 7, Customer: "Giulia Verdi"}, "01/03/2021, 09:00 - ", "\n"},
		{"android month-first", WhatsAppOptions{Messages: 2000, Seed: 7, MonthFirst: true, Start: time.Date(2024, 1, 31, 8, 5, 0, 0, time.UTC)}, "01/31/2024, 08:05 - ", "\n"},
		{"ios", WhatsAppOptions{Messages: 2000, Seed: 7, IOS: true}, "[01/03/2021, 09:00:00] ", "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b bytes.Buffer
			n, err := WriteWhatsApp(&a, tt.opts)
			if err != nil || n != tt.opts.Messages {
				t.Fatalf("WriteWhatsApp = %d, %v", n, err)
			}
			if _, err := WriteWhatsApp(&b, tt.opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("same options gave different output")
			}
			out := a.String()
			if !strings.HasPrefix(out, tt.prefix) {
				t.Errorf("starts with %q, want %q", out[:40], tt.prefix)
			}
			if tt.eol == "\n" && strings.Contains(out, "\r") {
				t.Error("CR in an Android export")
			}
			if tt.eol == "\r\n" && strings.Count(out, "\n") != strings.Count(out, "\r\n") {
				t.Error("iOS export without CRLF")
			}
			perMsg := a.Len() / n
			if perMsg < 70 || perMsg > 130 {
				t.Errorf("%d bytes per message, want about 100", perMsg)
			}
			for _, s := range []string{"omitted", "end-to-end encrypted", "Sofia (Support)", "Marco Bianchi"} {
				if !strings.Contains(out, s) {
					t.Errorf("no %q in the output", s)
				}
			}
			if tt.opts.Customer != "" && !strings.Contains(out, tt.opts.Customer+": ") {
				t.Errorf("customer %q missing", tt.opts.Customer)
			}
		})
	}
}

func TestWriteWhatsAppSeeds(t *testing.T) {
	var a, b bytes.Buffer
	WriteWhatsApp(&a, WhatsAppOptions{Messages: 100, Seed: 1})
	WriteWhatsApp(&b, WhatsAppOptions{Messages: 100, Seed: 2})
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("different seeds gave the same output")
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteWhatsAppErrors(t *testing.T) {
	if _, err := WriteWhatsApp(&bytes.Buffer{}, WhatsAppOptions{Messages: -1}); err == nil {
		t.Error("negative count accepted")
	}
	if _, err := WriteWhatsApp(&failWriter{n: 1000}, WhatsAppOptions{Messages: 100000}); err == nil {
		t.Error("write error not returned")
	}
	n, err := WriteWhatsApp(&bytes.Buffer{}, WhatsAppOptions{})
	if n != 0 || err != nil {
		t.Errorf("zero messages: %d, %v", n, err)
	}
}
