package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWatchCommand(t *testing.T) {
	data, inbox := t.TempDir(), t.TempDir()
	chatText, err := os.ReadFile(aliceFile)
	if err != nil {
		t.Fatal(err)
	}
	// One file is there before the watcher starts, one arrives after.
	if err := os.WriteFile(filepath.Join(inbox, "WhatsApp Chat with Alice Example.txt"), chatText, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"--data", data, "watch", "--tz", "UTC", "--settle", "200ms", inbox}, &out, &errOut, nil)
	}()
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(out.String(), want) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("output never said %q:\n%s\nstderr: %s", want, out.String(), errOut.String())
	}
	waitFor("13 messages, 2 new sessions")
	bob := "14/03/2024, 09:02 - Bob Stone: Do you ship to Spain?\n14/03/2024, 09:05 - Maria Lopez: Yes!\n"
	if err := os.WriteFile(filepath.Join(inbox, "WhatsApp Chat with Bob Stone.txt"), []byte(bob), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor("2 messages, 1 new session")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("watch exited %d: %s", code, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not stop when its context ended")
	}
	code, list, _ := run(t, "--data", data, "list")
	if code != 0 || !strings.Contains(list, "Bob Stone") || !strings.Contains(list, "Alice Example") {
		t.Fatalf("list after watch:\n%s", list)
	}
}
