package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// ErrReadOnly is returned by every change of a store opened read-only:
// the data dir or the database cannot be written (a read-only mount, a
// copied archive, a folder of another user) or the disk is full.
var ErrReadOnly = errors.New("the library is read-only")

// ReadOnlyError says why a store is read-only. It matches ErrReadOnly.
type ReadOnlyError struct {
	Dir    string
	Reason string // "the folder cannot be written", "the disk is full", …
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("the library in %s is read-only (%s): changes cannot be saved", e.Dir, e.Reason)
}

func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// ReadOnly returns why the store was opened read-only, or nil when it can
// be written.
func (s *Store) ReadOnly() *ReadOnlyError { return s.readOnly }

// Reasons a store opens read-only.
const (
	reasonAsked    = "opened for reading only"
	reasonReadOnly = "the folder or the database cannot be written"
	reasonFull     = "the disk is full"
)

// checkWritable reports why the data dir cannot take the database's
// writes, or "" when it can. It tries what SQLite will do: write the
// database file, and create a file beside it (SQLite creates -wal and -shm
// there). It asks the file system, not the permission bits, so it holds
// for root (who ignores the bits) on a read-only mount as well.
func checkWritable(dir string) (string, error) {
	db := filepath.Join(dir, FileName)
	if f, err := os.OpenFile(db, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		if r := unwritableReason(err); r != "" {
			return r, nil
		}
		return "", fmt.Errorf("open database %s: %w", db, err)
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		if r := unwritableReason(err); r != "" {
			return r, nil
		}
		return "", fmt.Errorf("check data dir %s: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return "", fmt.Errorf("check data dir %s: %w", dir, err)
	}
	return "", nil
}

// unwritableReason classifies an error of a write as one that a
// read-only open gets around, or "".
func unwritableReason(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return reasonReadOnly
	case errors.Is(err, syscall.ENOSPC):
		return reasonFull
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch {
		case se.Code == sqlite3.ErrReadonly:
			return reasonReadOnly
		case se.Code == sqlite3.ErrFull,
			se.SystemErrno == syscall.ENOSPC:
			return reasonFull
		case se.SystemErrno == syscall.EROFS,
			se.SystemErrno == syscall.EACCES:
			return reasonReadOnly
		}
	}
	return ""
}

// openReadOnly opens the database for reading only: no migration, no
// write connection. It first opens it as SQLite's read-only mode does,
// which reads the -wal of a library closed uncleanly but needs its -shm
// to exist or be creatable; where neither holds (a copied archive on a
// read-only mount, a full disk) it opens the file as immutable, which
// needs nothing beside it. Nothing else writes such a file, which is what
// immutable promises SQLite.
func openReadOnly(ctx context.Context, dir, path, reason string, busy int) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %s (%s): %w", path, reason, err)
	}
	var firstErr error
	for _, immutable := range []bool{false, true} {
		read, err := sql.Open("sqlite3", readOnlyDSN(path, busy, immutable))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		read.SetMaxOpenConns(4)
		s := &Store{path: path, read: read, readOnly: &ReadOnlyError{Dir: dir, Reason: reason}}
		v, err := s.SchemaVersion(ctx)
		if err == nil {
			if v != len(migrations) {
				read.Close()
				return nil, fmt.Errorf("open database %s: schema version %d, this program needs %d, and %s: open it once where it can be written",
					path, v, len(migrations), s.readOnly)
			}
			return s, nil
		}
		read.Close()
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("open database %s read-only (%s): %w", path, reason, firstErr)
}

// readOnlyDSN is dsn for a read-only library. No journal_mode pragma:
// switching it would be a write.
func readOnlyDSN(path string, busy int, immutable bool) string {
	q := "mode=ro&_foreign_keys=on&_busy_timeout=" + fmt.Sprint(busy)
	if immutable {
		q += "&immutable=1"
	}
	return "file:" + escapePath(path) + "?" + q
}
