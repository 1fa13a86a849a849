package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sessions-app/sessions/backend/chat"
)

// Import is one entry of the import history.
type Import struct {
	ID            int64
	Path          string
	FileHash      string
	Format        string
	Status        string // "ok", "failed" or "cancelled"
	Conversations int
	Messages      int
	Sessions      int
	Duplicates    int
	Reread        int // stored entries read anew (role, kind)
	Repaired      int // bytes of invalid UTF-8 replaced
	SkippedLines  int // lines skipped, also those past the cap of Skipped
	Skipped       []chat.Skipped
	Error         string
	StartedAt     int64
	FinishedAt    int64
}

// RecordImport adds an entry to the import history and returns its id.
func (tx *Tx) RecordImport(ctx context.Context, im Import) (int64, error) {
	skipped, err := jsonList(im.Skipped, "skipped lines")
	if err != nil {
		return 0, err
	}
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO imports(path, file_hash, format, status, conversations, messages, sessions, duplicates, reread, repaired,
			skipped_lines, skipped, error, started_at, finished_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		im.Path, nullString(im.FileHash), nullString(im.Format), im.Status, im.Conversations, im.Messages, im.Sessions,
		im.Duplicates, im.Reread, im.Repaired, im.SkippedLines, skipped, nullString(im.Error), im.StartedAt, im.FinishedAt)
	if err != nil {
		return 0, fmt.Errorf("record import of %s: %w", im.Path, err)
	}
	return res.LastInsertId()
}

// FinishImport stores the outcome of an import recorded earlier in the same
// transaction.
func (tx *Tx) FinishImport(ctx context.Context, im Import) error {
	skipped, err := jsonList(im.Skipped, "skipped lines")
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE imports SET format = ?, status = ?, conversations = ?, messages = ?, sessions = ?, duplicates = ?,
			reread = ?, repaired = ?, skipped_lines = ?, skipped = ?, error = ?, finished_at = ? WHERE id = ?`,
		nullString(im.Format), im.Status, im.Conversations, im.Messages, im.Sessions, im.Duplicates,
		im.Reread, im.Repaired, im.SkippedLines, skipped, nullString(im.Error), im.FinishedAt, im.ID)
	if err != nil {
		return fmt.Errorf("finish import of %s: %w", im.Path, err)
	}
	return nil
}

// Imports returns the import history, newest first.
func (s *Store) Imports(ctx context.Context, limit int) ([]Import, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT id, path, COALESCE(file_hash, ''), COALESCE(format, ''), status, conversations, messages, sessions, duplicates,
			reread, repaired, skipped_lines, COALESCE(skipped, ''), COALESCE(error, ''), started_at, finished_at
		FROM imports ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read import history: %w", err)
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		var im Import
		var skipped string
		if err := rows.Scan(&im.ID, &im.Path, &im.FileHash, &im.Format, &im.Status, &im.Conversations, &im.Messages,
			&im.Sessions, &im.Duplicates, &im.Reread, &im.Repaired, &im.SkippedLines, &skipped, &im.Error, &im.StartedAt, &im.FinishedAt); err != nil {
			return nil, fmt.Errorf("read import history: %w", err)
		}
		if skipped != "" {
			if err := json.Unmarshal([]byte(skipped), &im.Skipped); err != nil {
				return nil, fmt.Errorf("read import history: %w", err)
			}
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// ImportedHash reports whether a file with this content hash was imported
// before, successfully or not: a watched folder tries each file once. A
// cancelled import does not count: the file is tried again.
func (s *Store) ImportedHash(ctx context.Context, hash string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM imports WHERE file_hash = ? AND status != 'cancelled'`, hash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up import of %s: %w", hash, err)
	}
	return n > 0, nil
}

// Counts is the number of rows of the main tables, for reports and tests.
type Counts struct {
	Contacts, Conversations, Messages, Sessions int
}

// Count returns the number of contacts, conversations, messages and sessions.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM conversations),
		(SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM sessions)`).Scan(&c.Contacts, &c.Conversations, &c.Messages, &c.Sessions)
	if err != nil {
		return Counts{}, fmt.Errorf("count rows: %w", err)
	}
	return c, nil
}
