// Package store is the SQLite database of Sessions: the source of truth for
// contacts, conversations, messages, sessions, labels, custom fields, import
// history and settings. It owns the schema (numbered migrations applied at
// open) and every SQL statement; callers never see *sql.DB.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// FileName is the name of the database file inside the data dir.
const FileName = "sessions.db"

// Store is the database. Writes go through a single connection, because
// SQLite allows one writer at a time and a pool of writers would only trade
// "database is locked" errors; reads use a pool that WAL lets run beside it.
// A store opened read-only (see ReadOnly) has no write connection.
type Store struct {
	path     string
	write    *sql.DB
	read     *sql.DB
	wlock    *writeLock
	onWait   func()
	readOnly *ReadOnlyError
}

// Options configures OpenWith. The zero value is what Open uses.
type Options struct {
	// BusyTimeout is how long a statement waits for SQLite's own lock
	// before failing with "database is locked"; 0 means 5 s. Write
	// transactions of Sessions processes queue on the data dir's write lock
	// instead, for as long as it takes; this only bounds the rest (a
	// writer that does not take that lock).
	BusyTimeout time.Duration
	// ReadOnly opens the library for reading only even where it could be
	// written. Open also opens read-only by itself where the data dir or
	// the database cannot be written or the disk is full.
	ReadOnly bool
	// OnWait, when not nil, is called when a write transaction has to wait
	// for another process's (a second import), once per transaction.
	OnWait func()
}

// Open opens (creating if needed) the database in dir and applies pending
// migrations. See OpenWith.
func Open(ctx context.Context, dir string) (*Store, error) {
	return OpenWith(ctx, dir, Options{})
}

// OpenWith opens (creating if needed) the database in dir and applies
// pending migrations. It restricts the data dir to its owner (0700) and the
// database files to 0600 on every open, as they hold customer data. Where
// the data cannot be written (a read-only mount, a copied archive, a full
// disk) it opens the database read-only instead: reads work, changes fail
// with ErrReadOnly, and ReadOnly says why.
func OpenWith(ctx context.Context, dir string, opts Options) (*Store, error) {
	busy := int(opts.BusyTimeout / time.Millisecond)
	if busy <= 0 {
		busy = 5000
	}
	path := filepath.Join(dir, FileName)
	if opts.ReadOnly {
		return openReadOnly(ctx, dir, path, reasonAsked, busy)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		if r := unwritableReason(err); r != "" {
			return nil, fmt.Errorf("create data dir %s (%s): %w", dir, r, err)
		}
		return nil, fmt.Errorf("create data dir %s: %w", dir, err)
	}
	reason, err := checkWritable(dir)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return openReadOnly(ctx, dir, path, reason, busy)
	}
	if err := restrictFiles(dir, path); err != nil {
		return nil, err
	}
	s, err := openWritable(ctx, path, busy, opts.OnWait)
	if err != nil {
		// A disk that fills up lets the check's empty file through and
		// fails SQLite's first write (its -shm, a migration): the data
		// already there can still be read.
		if r := unwritableReason(err); r != "" {
			if ro, roErr := openReadOnly(ctx, dir, path, r, busy); roErr == nil {
				return ro, nil
			}
		}
		return nil, err
	}
	return s, nil
}

func openWritable(ctx context.Context, path string, busy int, onWait func()) (*Store, error) {
	wlock, err := openWriteLock(filepath.Join(filepath.Dir(path), writeLockFile))
	if err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite3", dsn(path, false, busy))
	if err != nil {
		wlock.close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	s := &Store{path: path, write: write, wlock: wlock, onWait: onWait}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		wlock.close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	read, err := sql.Open("sqlite3", dsn(path, true, busy))
	if err != nil {
		write.Close()
		wlock.close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	s.read = read
	return s, nil
}

// restrictFiles makes the data dir its owner's only and the database files
// that exist 0600, whatever an older version or the umask left. A new
// database file is created here, 0600: SQLite gives its -wal and -shm the
// mode of the database file, so they are born 0600 too, umask or not.
func restrictFiles(dir, path string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict data dir %s to its owner: %w", dir, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", filepath.Join(dir, writeLockFile)} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict %s to its owner: %w", p, err)
		}
	}
	return nil
}

// dsn builds the connection string. The pragmas are set per connection, in
// this order:
//   - journal_mode=WAL: readers do not block the writer and vice versa, so
//     the window stays responsive during an import.
//   - busy_timeout (5000 ms unless Options say otherwise): wait for a lock
//     instead of failing at once when a second process writes at the same
//     time. Sessions' own writers queue on the write lock first (see
//     writeLockFile), so this is what a checkpoint or a foreign writer waits.
//   - foreign_keys=on: SQLite leaves them off by default; our cascades need them.
//   - synchronous=NORMAL: with WAL this is crash-safe (a power cut may lose
//     the last commits, never corrupt the file) and much faster than FULL.
//   - _txlock=immediate (writer): take the write lock at BEGIN, so a
//     transaction never fails half-way when it first writes.
//   - mode=ro (readers): a read connection can never write by mistake.
func dsn(path string, readOnly bool, busy int) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", strconv.Itoa(busy))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + escapePath(path) + "?" + q.Encode()
}

func escapePath(p string) string {
	// The driver parses the DSN as a URI: '?' and '#' in a folder name would
	// otherwise cut the path short.
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes both connection pools. It first lets SQLite refresh the
// statistics its query planner relies on, as SQLite advises doing before
// closing; it is quick and only works where tables changed a lot.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		// optimize may write; while another process writes (a long
		// import), it would wait the busy timeout for nothing: that
		// process optimizes when it closes.
		if s.wlock.tryLock() {
			_, _ = s.write.Exec(`PRAGMA analysis_limit = 400; PRAGMA optimize;`)
			s.wlock.unlock()
		}
		errs = append(errs, s.write.Close())
	}
	errs = append(errs, s.wlock.close())
	return errors.Join(errs...)
}

// Tx is a write transaction. Every change of the store goes through one, so
// an import either lands whole or not at all.
type Tx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// exec runs a statement that a transaction runs many times, prepared once:
// preparing compiles the triggers it fires too, which cost more than the
// write itself when an import adds tens of thousands of sessions.
// database/sql closes the statements when the transaction ends.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	stmt, ok := tx.stmts[query]
	if !ok {
		var err error
		if stmt, err = tx.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if tx.stmts == nil {
			tx.stmts = map[string]*sql.Stmt{}
		}
		tx.stmts[query] = stmt
	}
	return stmt.ExecContext(ctx, args...)
}

// Update runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (also when fn panics). It first waits, for as long
// as ctx allows, until no other write transaction runs, in this process or
// another. A read-only store returns its ReadOnlyError (ErrReadOnly).
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if s.readOnly != nil {
		return s.readOnly
	}
	if err := s.wlock.lock(ctx, s.onWait); err != nil {
		return err
	}
	defer s.wlock.unlock()
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			err = fmt.Errorf("transaction panicked: %v", p)
		}
	}()
	if err := fn(&Tx{tx: sqlTx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// querier is what reads need: a read connection or a write transaction, so
// the same lookup works inside and outside an import.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// jsonList encodes a list column: NULL when empty, so "none" is one value.
func jsonList[T any](list []T, what string) (any, error) {
	if len(list) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }
