package store

import (
	"context"
	"fmt"
)

// Summary is what a summarizer made of a session.
type Summary struct {
	Text      string
	Source    string // "ollama" or "builtin"
	Model     string
	Digest    string // the model's digest
	Prompt    string // the prompt version
	Hash      string // the content hash it was made from
	Sentiment string // positive | neutral | negative | ""
	Score     float64
	Topics    []string
	Resolved  bool
	At        int64 // when it was made, UTC ms
}

// SetSummary stores the summary and sentiment of a session and clears a
// former failure.
func (tx *Tx) SetSummary(ctx context.Context, sessionID int64, s Summary) error {
	var sentiment any
	if s.Sentiment != "" {
		sentiment = s.Sentiment
	}
	topics, err := jsonList(s.Topics, "topics")
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE sessions SET summary = ?, summary_source = ?, summary_model = ?, summary_digest = ?, summary_prompt = ?,
			summary_hash = ?, sentiment = ?, summary_score = ?, summary_topics = ?, summary_resolved = ?, summarized_at = ?,
			summary_error = NULL
		WHERE id = ?`, nullString(s.Text), nullString(s.Source), nullString(s.Model), nullString(s.Digest), nullString(s.Prompt),
		nullString(s.Hash), sentiment, s.Score, topics, s.Resolved, nullInt(s.At), sessionID)
	if err != nil {
		return fmt.Errorf("store summary of session %d: %w", sessionID, err)
	}
	return nil
}

// SummaryJob is a session waiting for its summary.
type SummaryJob struct {
	SessionID int64
	Force     bool
	// Hash, Source and Prompt are what the session's current summary was
	// made from, by, and with which prompt or heuristics, so unchanged
	// sessions can be skipped.
	Hash, Source, Prompt string
}

// SummaryJobs returns up to limit waiting jobs, oldest first.
func (s *Store) SummaryJobs(ctx context.Context, limit int) ([]SummaryJob, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT j.session_id, j.force, COALESCE(s.summary_hash, ''), COALESCE(s.summary_source, ''), COALESCE(s.summary_prompt, '')
		FROM summary_jobs j JOIN sessions s ON s.id = j.session_id
		ORDER BY j.queued_at, j.session_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read summary queue: %w", err)
	}
	defer rows.Close()
	var out []SummaryJob
	for rows.Next() {
		var j SummaryJob
		if err := rows.Scan(&j.SessionID, &j.Force, &j.Hash, &j.Source, &j.Prompt); err != nil {
			return nil, fmt.Errorf("read summary queue: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// SummaryJobCount is the number of sessions waiting for a summary.
func (s *Store) SummaryJobCount(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM summary_jobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count summary queue: %w", err)
	}
	return n, nil
}

// FinishSummaryJob removes a job; with sum set it also stores the summary,
// with failure set it records why the session could not be summarized.
func (s *Store) FinishSummaryJob(ctx context.Context, sessionID int64, sum *Summary, failure string) error {
	return s.Update(ctx, func(tx *Tx) error {
		if sum != nil {
			if err := tx.SetSummary(ctx, sessionID, *sum); err != nil {
				return err
			}
		}
		if failure != "" {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET summary_error = ? WHERE id = ?`, failure, sessionID); err != nil {
				return fmt.Errorf("record summary failure of session %d: %w", sessionID, err)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM summary_jobs WHERE session_id = ?`, sessionID); err != nil {
			return fmt.Errorf("finish summary job %d: %w", sessionID, err)
		}
		return nil
	})
}

// Queue names which sessions EnqueueSummaries queues.
type Queue int

// What EnqueueSummaries can queue.
const (
	QueueOne     Queue = iota // one session
	QueueBuiltin              // sessions summarized by the built-in summarizer (to upgrade them to a model)
	QueueFailed               // sessions whose last attempt failed
	QueueAll                  // every session
)

// EnqueueSummaries queues sessions for (re-)summarizing; sessionID is for
// QueueOne. Forced jobs run even when the content did not change.
func (s *Store) EnqueueSummaries(ctx context.Context, which Queue, sessionID int64, now int64, force bool) (int, error) {
	var q string
	var args []any
	switch which {
	// "WHERE" is needed even for all: SQLite cannot tell an upsert's ON
	// from a join's after a bare SELECT.
	case QueueOne:
		q, args = `WHERE id = ?`, []any{sessionID}
	case QueueBuiltin:
		q = `WHERE summary_source = 'builtin'`
	case QueueFailed:
		q = `WHERE summary_error IS NOT NULL`
	case QueueAll:
		q = `WHERE true`
	default:
		return 0, fmt.Errorf("enqueue summaries: unknown queue %d", which)
	}
	var n int64
	err := s.Update(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO summary_jobs(session_id, queued_at, force) SELECT id, ?, ? FROM sessions `+q+`
			ON CONFLICT(session_id) DO UPDATE SET force = force OR excluded.force`, append([]any{now, force}, args...)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue summaries: %w", err)
	}
	if which == QueueOne && n == 0 {
		return 0, fmt.Errorf("session %d: %w", sessionID, ErrNotFound)
	}
	return int(n), nil
}
