package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
)

// mode is the permission bits of path.
func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestOpenRestrictsDataToOwner(t *testing.T) {
	// umask 0: what SQLite or we create with 0644 or 0666 would stay so,
	// and the test would see it. Tests of this package do not run in
	// parallel, so the process-wide umask is ours for the test.
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"new data dir", func(t *testing.T, dir string) {}},
		{"data dir and files of an older version", func(t *testing.T, dir string) {
			st, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			for _, p := range []string{dir, filepath.Join(dir, FileName)} {
				if err := os.Chmod(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
				if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil && name != FileName {
					t.Fatal(err)
				}
				_ = os.Chmod(filepath.Join(dir, name), 0o644)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dir)
			st, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			// A write, so that the -wal and -shm exist while we look.
			if err := st.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "k", "v") }); err != nil {
				t.Fatal(err)
			}
			if got := mode(t, dir); got != 0o700 {
				t.Errorf("data dir mode = %v, want 0700", got)
			}
			for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm", writeLockFile} {
				if got := mode(t, filepath.Join(dir, name)); got != 0o600 {
					t.Errorf("%s mode = %v, want 0600", name, got)
				}
			}
		})
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if w.ReadOnly() != nil {
		t.Fatalf("a writable dir opened read-only: %v", w.ReadOnly())
	}
	if err := w.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "k", "v") }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		close bool // close the writer first: no -wal and -shm are left, as in a copied archive
	}{
		{"beside a writer, reading its -wal", false},
		{"closed library, no -wal or -shm", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.close {
				w.Close()
				for _, name := range []string{FileName + "-wal", FileName + "-shm"} {
					if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
						t.Fatalf("%s left after close: %v", name, err)
					}
				}
			}
			ro, err := OpenWith(ctx, dir, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			if ro.ReadOnly() == nil {
				t.Fatal("ReadOnly() = nil for a store opened read-only")
			}
			if v, err := ro.Setting(ctx, "k"); err != nil || v != "v" {
				t.Fatalf("Setting = %q, %v; want v", v, err)
			}
			err = ro.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "k", "w") })
			if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), dir) {
				t.Fatalf("Update = %v, want ErrReadOnly naming the dir", err)
			}
		})
	}
}

func TestOpenReadOnlyMissingDatabase(t *testing.T) {
	_, err := OpenWith(context.Background(), t.TempDir(), Options{ReadOnly: true})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenWith of an empty dir read-only = %v, want not exist", err)
	}
}

// TestUnwritableReason covers what decides a read-only open: the errors a
// read-only mount, a folder of another user and a full disk give. (The
// tests run as root, which ignores permission bits, and a read-only mount
// needs privileges a test cannot count on; the open itself is covered by
// TestOpenReadOnly.)
func TestUnwritableReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"read-only mount", &fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, reasonReadOnly},
		{"permission", &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, reasonReadOnly},
		{"full disk", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, reasonFull},
		{"sqlite read-only", sqlite3.Error{Code: sqlite3.ErrReadonly}, reasonReadOnly},
		{"sqlite full", sqlite3.Error{Code: sqlite3.ErrFull}, reasonFull},
		{"sqlite I/O error of a full disk", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.ENOSPC}, reasonFull},
		{"other", errors.New("boom"), ""},
		{"sqlite busy", sqlite3.Error{Code: sqlite3.ErrBusy}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unwritableReason(tt.err); got != tt.want {
				t.Fatalf("unwritableReason(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

// TestUpdateQueuesBehindAnotherProcess opens the same dir twice, as two
// processes would, with a busy timeout far shorter than the first
// transaction: the second writer must wait for it and succeed, and reads
// must go on meanwhile.
func TestUpdateQueuesBehindAnotherProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	const busy = 50 * time.Millisecond
	a, err := OpenWith(ctx, dir, Options{BusyTimeout: busy})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var waits atomic.Int32
	b, err := OpenWith(ctx, dir, Options{BusyTimeout: busy, OnWait: func() { waits.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	inTx, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	letGo := func() { releaseOnce.Do(func() { close(release) }) }
	defer letGo() // before the Closes: a failing test must not leave a's transaction open
	aDone := make(chan error, 1)
	go func() {
		aDone <- a.Update(ctx, func(tx *Tx) error {
			if err := tx.SetSetting(ctx, "first", "a"); err != nil {
				return err
			}
			close(inTx)
			<-release // hold the transaction until told
			return nil
		})
	}()
	<-inTx

	// Reads of the other "process" are answered while a writes.
	if _, err := b.Setting(ctx, "first"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read during the other transaction = %v, want ErrNotFound", err)
	}
	// A writer that gives up waits no longer than its ctx.
	short, cancelShort := context.WithTimeout(ctx, 4*busy)
	err = b.Update(short, func(tx *Tx) error { return nil })
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Update with a short ctx = %v, want DeadlineExceeded", err)
	}

	bDone := make(chan error, 1)
	var seen string
	go func() {
		bDone <- b.Update(ctx, func(tx *Tx) error {
			v, err := tx.Setting(ctx, "first")
			seen = v
			if err != nil {
				return err
			}
			return tx.SetSetting(ctx, "second", "b")
		})
	}()
	// Hold a's transaction for many busy timeouts: b would have failed
	// with "database is locked" by now if it waited on SQLite alone.
	time.Sleep(20 * busy)
	select {
	case err := <-bDone:
		t.Fatalf("second writer finished while the first held its transaction: %v", err)
	default:
	}
	letGo()
	if err := <-aDone; err != nil {
		t.Fatalf("first Update: %v", err)
	}
	if err := <-bDone; err != nil {
		t.Fatalf("second Update: %v", err)
	}
	if seen != "a" {
		t.Fatalf("second transaction saw first = %q, want a (it must run after the first)", seen)
	}
	if n := waits.Load(); n < 1 {
		t.Fatalf("OnWait called %d times, want at least once", n)
	}
}
