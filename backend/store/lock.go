package store

import (
	"context"
	"fmt"
	"os"
	"time"
)

// writeLockFile is the advisory lock beside the database that a process
// holds for the length of each write transaction. SQLite's own lock makes
// a second writer wait only for the busy timeout and then fail with
// "database is locked"; an import of a large file keeps its transaction
// open far longer than any sensible timeout. Waiting on this lock instead
// queues the writers of every process behind each other for as long as it
// takes, and the wait ends with ctx.
const writeLockFile = "sessions.db.lock"

// writeLock serialises the write transactions of this process (sem) and of
// every process using the same data dir (the file lock).
type writeLock struct {
	sem chan struct{} // one token: the goroutine that may take the file lock
	f   *os.File      // nil where the platform has no file lock
}

func openWriteLock(path string) (*writeLock, error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("open write lock %s: %w", path, err)
	}
	return &writeLock{sem: make(chan struct{}, 1), f: f}, nil
}

// lockPoll bounds the pause between two tries of a held file lock. flock
// cannot be interrupted by a context, so the wait polls: short pauses first
// (most transactions are short), then at most this.
const lockPoll = 100 * time.Millisecond

// lock waits until this goroutine may write, or ctx is done. onWait, when
// not nil, is called once if another process holds the lock, so that the
// caller can say why nothing happens.
func (l *writeLock) lock(ctx context.Context, onWait func()) error {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if l.f == nil {
		return nil
	}
	pause := 2 * time.Millisecond
	for waited := false; ; {
		ok, err := tryLockFile(l.f)
		if err != nil {
			<-l.sem
			return fmt.Errorf("take write lock %s: %w", l.f.Name(), err)
		}
		if ok {
			return nil
		}
		if !waited && onWait != nil {
			onWait()
		}
		waited = true
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-l.sem
			return fmt.Errorf("wait for another Sessions process to finish writing: %w", ctx.Err())
		}
		pause = min(2*pause, lockPoll)
	}
}

// tryLock takes the lock only if nobody holds it, without waiting.
func (l *writeLock) tryLock() bool {
	select {
	case l.sem <- struct{}{}:
	default:
		return false
	}
	if l.f == nil {
		return true
	}
	if ok, _ := tryLockFile(l.f); !ok {
		<-l.sem
		return false
	}
	return true
}

// unlock lets the next writer in.
func (l *writeLock) unlock() {
	if l.f != nil {
		_ = unlockFile(l.f)
	}
	<-l.sem
}

func (l *writeLock) close() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.f.Close()
}
