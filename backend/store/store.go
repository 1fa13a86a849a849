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
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// FileName is the name of the database file inside the data dir.
const FileName = "sessions.db"

// Store is the database. Writes go through a single connection, because
// SQLite allows one writer at a time and a pool of writers would only trade
// "database is locked" errors; reads use a pool that WAL lets run beside it.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB
}

// Open opens (creating if needed) the database in dir and applies pending
// migrations.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	write, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	s := &Store{path: path, write: write}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	read, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	s.read = read
	return s, nil
}

// dsn builds the connection string. The pragmas are set per connection, in
// this order:
//   - journal_mode=WAL: readers do not block the writer and vice versa, so
//     the window stays responsive during an import.
//   - busy_timeout=5000: wait for a lock instead of failing at once when a
//     second process (the CLI beside the open app) writes at the same time.
//   - foreign_keys=on: SQLite leaves them off by default; our cascades need them.
//   - synchronous=NORMAL: with WAL this is crash-safe (a power cut may lose
//     the last commits, never corrupt the file) and much faster than FULL.
//   - _txlock=immediate (writer): take the write lock at BEGIN, so a
//     transaction never fails half-way when it first writes.
//   - mode=ro (readers): a read connection can never write by mistake.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
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
	_, _ = s.write.Exec(`PRAGMA analysis_limit = 400; PRAGMA optimize;`)
	errs = append(errs, s.write.Close())
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
// rolling back otherwise (also when fn panics).
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) (err error) {
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
