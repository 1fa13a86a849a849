package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// holderFile is written beside lockFile by the process that holds the
// lock: who it is, so that another process can say whom it waits for.
const holderFile = "lock.holder"

// Holder is the process that has the index open.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"` // "sessions import chat.zip", "sessions (desktop app)"
	Since   time.Time `json:"since"`
}

// String names the holder for a message: `"sessions import chat.zip" (pid 812, since 14:02:11)`.
func (h *Holder) String() string {
	if h == nil {
		return "another Sessions process"
	}
	return fmt.Sprintf("%q (pid %d, since %s)", h.Command, h.PID, h.Since.Local().Format(time.TimeOnly))
}

// LockedError is returned by Open when another process has held the index
// for longer than Options.LockWait. It matches ErrLocked.
type LockedError struct {
	Holder *Holder // nil when the holder did not say who it is
}

func (e *LockedError) Error() string {
	return "the search index is in use by " + e.Holder.String()
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// ReadHolder reads who holds the index in dir; nil when nobody said.
func ReadHolder(dir string) *Holder {
	b, err := os.ReadFile(filepath.Join(dir, holderFile))
	if err != nil {
		return nil
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return nil
	}
	return &h
}

// writeHolder records this process as the holder, atomically (a reader
// sees the previous holder or this one, never half of either). It is
// written after the lock is taken, so a reader that finds the lock held
// and reads the previous holder's file can only be a moment early.
func writeHolder(dir, command string) error {
	h := Holder{PID: os.Getpid(), Command: command, Since: time.Now().UTC()}
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode index holder: %w", err)
	}
	p := filepath.Join(dir, holderFile)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write index holder %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("replace index holder %s: %w", p, err)
	}
	return nil
}

// defaultCommand is this process's command line, for Options.Holder.
func defaultCommand() string {
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	return cleanCommand(strings.Join(args, " "))
}

// cleanCommand makes a command line safe to print: another process shows
// it on a terminal, and a file name may hold escape sequences.
func cleanCommand(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return '?'
		}
		return r
	}, s)
	const maxLen = 200
	if r := []rune(s); len(r) > maxLen {
		s = string(r[:maxLen]) + "…"
	}
	return s
}

// lockPoll is the pause between two tries of a held index lock.
const lockPoll = 200 * time.Millisecond

// lockWaiting takes the index lock, waiting for it up to wait (0: not at
// all) or until ctx is done. onWait hears the holder once, when the lock
// is not free at the first try.
func lockWaiting(ctx context.Context, dir string, wait time.Duration, onWait func(*Holder)) (func() error, error) {
	path := filepath.Join(dir, lockFile)
	deadline := time.Now().Add(wait)
	for first := true; ; first = false {
		unlock, err := lockDir(path)
		if !errors.Is(err, ErrLocked) {
			return unlock, err
		}
		holder := ReadHolder(dir)
		if wait <= 0 || !time.Now().Before(deadline) {
			return nil, &LockedError{Holder: holder}
		}
		if first && onWait != nil {
			onWait(holder)
		}
		t := time.NewTimer(min(lockPoll, time.Until(deadline)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("wait for the search index held by %s: %w", holder, ctx.Err())
		}
	}
}
