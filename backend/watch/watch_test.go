package watch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
)

const chatText = "14/03/2024, 09:02 - Alice Example: Hi! Is the blue teapot still in stock?\n" +
	"14/03/2024, 09:11 - Maria Lopez: Yes, we have two left.\n" +
	"20/03/2024, 18:30 - Alice Example: The teapot arrived but the lid is chipped :(\n"

// harness runs a watcher with the real importer and a real store.
type harness struct {
	dir     string
	st      *store.Store
	mu      sync.Mutex
	reports []importer.FileReport
	cancel  context.CancelFunc
	done    chan struct{}
}

func start(t *testing.T, before func(dir string)) *harness {
	t.Helper()
	h := &harness{dir: t.TempDir(), done: make(chan struct{})}
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h.st = st
	if before != nil {
		before(h.dir)
	}
	imp := importer.New(st, importer.Options{Location: time.UTC})
	inbox := imp.Inbox(func(r importer.FileReport) {
		h.mu.Lock()
		h.reports = append(h.reports, r)
		h.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	// The settle time is far above the pause between the chunks of the slow
	// copy below, so a loaded machine cannot make a pause look like the end.
	w := New(Config{Dir: h.dir, Settle: time.Second, Poll: 50 * time.Millisecond}, inbox, nil)
	go func() {
		defer close(h.done)
		if err := w.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-h.done
		st.Close()
	})
	return h
}

// waitReports waits until n files were handled, or fails after a timeout.
func (h *harness) waitReports(t *testing.T, n int) []importer.FileReport {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		got := append([]importer.FileReport(nil), h.reports...)
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %d imports", n)
	return nil
}

// quiet asserts that nothing more gets imported for a while (longer than
// the settle time).
func (h *harness) quiet(t *testing.T, n int) {
	t.Helper()
	time.Sleep(2500 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.reports) != n {
		t.Fatalf("%d imports, want %d: %+v", len(h.reports), n, h.reports)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFilesPresentAtStartAreImported(t *testing.T) {
	h := start(t, func(dir string) {
		write(t, filepath.Join(dir, "WhatsApp Chat with Alice Example.txt"), chatText)
		write(t, filepath.Join(dir, "photo.jpg"), "\xff\xd8\xff\xe0 not a chat")
	})
	reps := h.waitReports(t, 1)
	if reps[0].Err != nil || reps[0].Messages != 3 {
		t.Fatalf("report = %+v", reps[0])
	}
	h.quiet(t, 1) // the photo is left alone
}

func TestSlowCopyImportsOnceAndWhole(t *testing.T) {
	h := start(t, nil)
	path := filepath.Join(h.dir, "WhatsApp Chat with Alice Example.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Three chunks, each well within the settle time of the one before: the
	// watcher must wait for the whole file.
	lines := strings.SplitAfter(chatText, "\n")
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			t.Fatal(err)
		}
		f.Sync()
		time.Sleep(150 * time.Millisecond)
	}
	f.Close()
	reps := h.waitReports(t, 1)
	if reps[0].Err != nil || reps[0].Messages != 3 {
		t.Fatalf("report = %+v, want the whole file (3 messages)", reps[0])
	}
	h.quiet(t, 1)
	c, _ := h.st.Count(context.Background())
	if c.Messages != 3 {
		t.Fatalf("stored %d messages, want 3", c.Messages)
	}
}

func TestDuplicateCopyIsSkipped(t *testing.T) {
	h := start(t, nil)
	write(t, filepath.Join(h.dir, "WhatsApp Chat with Alice Example.txt"), chatText)
	h.waitReports(t, 1)
	write(t, filepath.Join(h.dir, "copies", "WhatsApp Chat with Alice Example (1).txt"), chatText)
	h.quiet(t, 1)
	hist, err := h.st.Imports(context.Background(), 10)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history = %+v, %v", hist, err)
	}
}

func TestFailedFileIsReportedOnce(t *testing.T) {
	h := start(t, nil)
	broken := filepath.Join(h.dir, "WhatsApp Chat - Bob.zip")
	write(t, broken, "PK\x03\x04 this zip was cut short")
	reps := h.waitReports(t, 1)
	if reps[0].Err == nil || !strings.Contains(reps[0].Err.Error(), broken) {
		t.Fatalf("report = %+v, want an error naming the file", reps[0])
	}
	// Rewriting the same bytes touches the file but changes nothing.
	write(t, broken, "PK\x03\x04 this zip was cut short")
	h.quiet(t, 1)
	data, err := os.ReadFile(broken)
	if err != nil || string(data) != "PK\x03\x04 this zip was cut short" {
		t.Fatalf("the user's file was changed: %q, %v", data, err)
	}
}

func TestNewSubfolderIsWatched(t *testing.T) {
	h := start(t, nil)
	time.Sleep(100 * time.Millisecond)
	write(t, filepath.Join(h.dir, "2024", "march", "WhatsApp Chat with Alice Example.txt"), chatText)
	reps := h.waitReports(t, 1)
	if reps[0].Err != nil || reps[0].Messages != 3 {
		t.Fatalf("report = %+v", reps[0])
	}
}

func TestPartialDownloadsAreIgnored(t *testing.T) {
	for _, name := range []string{"chat.zip.part", "chat.zip.crdownload", ".hidden.txt"} {
		if !ignored(name) {
			t.Errorf("%s should be ignored", name)
		}
	}
	if ignored("WhatsApp Chat with Alice.zip") {
		t.Error("a real export is ignored")
	}
}

func TestConfigValidate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	write(t, file, "x")
	for _, c := range []Config{{}, {Dir: "/does/not/exist"}, {Dir: file}} {
		if err := c.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", c)
		}
	}
}
