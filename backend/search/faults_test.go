package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

func TestOpenRestrictsIndexToOwner(t *testing.T) {
	// umask 0, so that a file created 0666 would show as such. No test of
	// this package runs in parallel.
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "index")
	ix := openTest(t, dir)
	apply(t, ix, upserts(fixture())...)
	if err := ix.MarkRebuilt(context.Background()); err != nil { // else the reopen wipes the months
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// What an older version left: everything readable by all.
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		return os.Chmod(p, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	ix = openTest(t, dir)
	// A month created after the open, with files Bleve creates now.
	apply(t, ix, Change{Doc: Doc{ID: 99, Start: ms(2025, 6, 1, 0, 0, 0, 0), Summary: "new month"}})
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s: mode %v, want no access for group and others", p, perm)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("walked %d entries; the index should hold more", n)
	}
	for _, p := range []string{dir, filepath.Join(dir, "2025-06")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, %v; want 0700", p, fi.Mode().Perm(), err)
		}
	}
}

func TestOpenNamesAndWaitsForTheHolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := Open(ctx, dir, Options{Holder: "sessions import chat\x1b]0;x\x07.zip"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	tests := []struct {
		name string
		wait time.Duration
	}{
		{"no wait", 0},
		{"short wait", 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var heard *Holder
			_, err := Open(ctx, dir, Options{LockWait: tt.wait, OnLockWait: func(h *Holder) { heard = h }})
			var le *LockedError
			if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
				t.Fatalf("Open beside a holder = %v, want LockedError", err)
			}
			if le.Holder == nil || le.Holder.PID != os.Getpid() || le.Holder.Command != "sessions import chat?]0;x?.zip" {
				t.Fatalf("holder = %+v, want this pid and the command without control characters", le.Holder)
			}
			msg := err.Error()
			if !strings.Contains(msg, "sessions import chat") || !strings.Contains(msg, fmt.Sprint(os.Getpid())) || strings.Contains(msg, "open Sessions app") {
				t.Fatalf("message %q does not name the holder", msg)
			}
			if (tt.wait > 0) != (heard != nil) {
				t.Fatalf("OnLockWait heard %v with LockWait %v", heard, tt.wait)
			}
		})
	}

	// A waiting Open gets the index once the holder closes it.
	opened := make(chan error, 1)
	waiting := make(chan struct{})
	go func() {
		ix, err := Open(ctx, dir, Options{LockWait: 20 * time.Second, OnLockWait: func(*Holder) { close(waiting) }})
		if err == nil {
			if ReadHolder(dir) == nil {
				err = errors.New("the new holder did not write its holder file")
			}
			ix.Close()
		}
		opened <- err
	}()
	<-waiting
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("waiting Open: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("waiting Open did not get the index after its holder closed it")
	}
	if h := ReadHolder(dir); h != nil {
		t.Fatalf("holder file left after Close: %+v", h)
	}
}

// TestPersistFailureEndsApply covers the two ways persistWait ends without
// the disk: Bleve reports a failed write (as its persister does on a full
// disk, then retrying for ever), or nothing happens within the timeout.
func TestPersistFailureEndsApply(t *testing.T) {
	dir := t.TempDir()
	ix := openTest(t, dir)
	apply(t, ix, upserts(fixture())...)
	shard := filepath.Join(ix.dir, "2024-01")
	tests := []struct {
		name    string
		report  func()
		timeout time.Duration
		want    string
	}{
		{"full disk reported", func() {
			onAsyncError(scorch.NewScorchError("persister", "got err persisting snapshot: write x.zap: no space left on device", scorch.ErrPersist),
				filepath.Join(shard, "store"))
		}, time.Minute, "the disk is full"},
		{"other write error reported", func() {
			onAsyncError(scorch.NewScorchError("persister", "got err persisting snapshot: input/output error", scorch.ErrPersist),
				filepath.Join(shard, "store"))
		}, time.Minute, "input/output error"},
		{"nothing reported", func() {}, 50 * time.Millisecond, "took no write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ix.newPersistWait()
			defer ix.dropPersistWait(p)
			s, err := ix.shardFor(monthOf(ms(2024, 1, 10, 0, 0, 0, 0)), false)
			if err != nil || s == nil {
				t.Fatalf("shard: %v", err)
			}
			p.add(s.idx.NewBatch()) // never handed to Bleve: never persisted
			// Errors of other kinds, or of another index, end nothing.
			onAsyncError(scorch.NewScorchError("merger", "merge failed", scorch.ErrCleanup), filepath.Join(shard, "store"))
			onAsyncError(scorch.NewScorchError("persister", "no space left on device", scorch.ErrPersist), filepath.Join(t.TempDir(), "2024-01", "store"))
			go tt.report()
			done := make(chan error, 1)
			go func() { done <- p.wait(context.Background(), tt.timeout) }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotWritten) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("wait = %v, want ErrNotWritten saying %q", err, tt.want)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("wait did not end")
			}
		})
	}
}

// TestApplyOnADiskThatTakesNoWrite runs Apply in a helper process whose
// files may not grow past a limit (RLIMIT_FSIZE: the writes fail as on a
// full disk, and it needs no privileges, unlike a small tmpfs). Bleve's
// persister then fails to write the segments and retries for ever; Apply
// must return ErrNotWritten instead of waiting with it.
func TestApplyOnADiskThatTakesNoWrite(t *testing.T) {
	if dir := os.Getenv("SEARCH_TEST_FSIZE_DIR"); dir != "" {
		applyUnderFileSizeLimit(t, dir)
		return
	}
	// Below defaultPersistTimeout: only Bleve's report of the failed
	// write can end Apply in time.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestApplyOnADiskThatTakesNoWrite$", "-test.v")
	cmd.Env = append(os.Environ(), "SEARCH_TEST_FSIZE_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the helper did not finish: Apply hangs on a disk that takes no write\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "Apply failed as it should") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "Apply failed as it should") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

func applyUnderFileSizeLimit(t *testing.T, dir string) {
	ix, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A write past the limit raises SIGXFSZ, which would end the process;
	// ignored, the write fails with EFBIG.
	signal.Ignore(syscall.SIGXFSZ)
	const limit = 256 << 10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	var changes []Change
	for i := range 400 {
		words := make([]string, 300)
		for j := range words {
			words[j] = word()
		}
		changes = append(changes, Change{Doc: Doc{ID: int64(i + 1), Start: ms(2024, 5, 1, 0, 0, 0, 0) + int64(i), Text: strings.Join(words, " ")}})
	}
	start := time.Now()
	err = ix.Apply(context.Background(), changes)
	if !errors.Is(err, ErrNotWritten) {
		t.Fatalf("Apply = %v, want ErrNotWritten", err)
	}
	t.Logf("Apply failed as it should, after %s: %v", time.Since(start).Round(time.Millisecond), err)
	if err := ix.Close(); err != nil {
		t.Logf("Close: %v", err)
	}
}
