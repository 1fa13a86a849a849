package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/synth"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

// TestParseAhead: the parser in its own goroutine hands over every message
// in file order across batches, and the consumer's first error or a
// cancel stops it and is what the import sees.
func TestParseAhead(t *testing.T) {
	var buf bytes.Buffer
	if _, err := synth.WriteWhatsApp(&buf, synth.WhatsAppOptions{Messages: 3*aheadBatch + 17, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil }
	opts := whatsapp.Options{Location: time.UTC}
	var want []int
	if _, err := whatsapp.Parse(context.Background(), open, opts, func(m chat.Message) error {
		want = append(want, m.Line)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop here")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		failAt  int // the consumer fails at this message (0: never)
		wantErr error
		wantN   int
	}{
		{"all messages in order", context.Background(), 0, nil, len(want)},
		{"the consumer fails in the second batch", context.Background(), aheadBatch + 5, stop, aheadBatch + 5},
		{"the consumer fails at the last message", context.Background(), len(want), stop, len(want)},
		{"cancelled", cancelled, 0, context.Canceled, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			_, err := parseAhead(tt.ctx, open, opts, func(m chat.Message) error {
				got = append(got, m.Line)
				if len(got) == tt.failAt {
					return stop
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(got) != tt.wantN {
				t.Fatalf("%d messages handed over, want %d", len(got), tt.wantN)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("message %d is line %d, want line %d", i, got[i], want[i])
				}
			}
		})
	}
}
