package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Channels in the order InsightRow.Channel numbers them.
var InsightChannels = []string{"whatsapp", "instagram", "facebook", "webchat"}

// Sentiments in the order InsightRow.Sentiment numbers them; 0 is none.
var InsightSentiments = []string{"", "positive", "neutral", "negative"}

// InsightRow is what the insights read of one session: its row alone,
// never its messages (the first replies are kept on the row, see
// sessions.Replies). Channel and sentiment come as numbers, not strings:
// a million rows then cost no string per row.
type InsightRow struct {
	ID            int64
	StartedAt     int64 // UTC ms
	LastMessageAt int64 // UTC ms
	ActiveUntil   int64 // UTC ms: active before, completed from then on
	Channel       int   // index in InsightChannels
	Sentiment     int   // index in InsightSentiments
	Bot           bool  // an AI agent wrote
	HandedOff     bool  // a person took over from the AI agent
	// HandoffWaitMS is the customer's wait from the bot's last message to
	// the person's first, when HandedOff.
	HandoffWaitMS int64
	// AgentResponseMS and BotResponseMS are the waits from the customer's
	// first message to the first agent and bot reply, -1 when none came.
	AgentResponseMS, BotResponseMS int64
	// Topics is the summary's topics as stored (a JSON array), nil when
	// the summary has none. It is only valid during the callback.
	Topics []byte
}

// Selection is a set of sessions to read: those matching Query, or, when
// ByIDs, exactly IDs (a word search's result, from the search index).
type Selection struct {
	Query ListSessions
	ByIDs bool
	IDs   []int64
}

const insightColumns = `s.id, s.started_at, s.last_message_at, s.active_until,
	CASE s.channel WHEN 'whatsapp' THEN 0 WHEN 'instagram' THEN 1 WHEN 'facebook' THEN 2 ELSE 3 END,
	CASE s.sentiment WHEN 'positive' THEN 1 WHEN 'neutral' THEN 2 WHEN 'negative' THEN 3 ELSE 0 END,
	s.bot IS NOT NULL AND s.bot != '', s.handoff_agent IS NOT NULL AND s.handoff_agent != '', COALESCE(s.handoff_wait_ms, 0),
	COALESCE(s.first_response_ms, -1), COALESCE(s.bot_first_response_ms, -1), s.summary_topics`

// idChunk is how many ids one query of a selection by ids reads.
const idChunk = 500

// EachInsightRow calls fn with every session of sel, in no set order. The
// row is reused between calls.
func (s *Store) EachInsightRow(ctx context.Context, sel Selection, fn func(*InsightRow) error) error {
	if sel.ByIDs {
		for lo := 0; lo < len(sel.IDs); lo += idChunk {
			ids := sel.IDs[lo:min(lo+idChunk, len(sel.IDs))]
			args := make([]any, len(ids))
			for i, id := range ids {
				args[i] = id
			}
			q := `SELECT ` + insightColumns + ` FROM sessions s WHERE s.id IN (` + placeholders(len(ids)) + `)`
			if err := s.eachInsightRow(ctx, q, args, fn); err != nil {
				return err
			}
		}
		return nil
	}
	q := sel.Query
	var err error
	if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
		return err
	}
	where, args, err := q.where()
	if err != nil {
		return err
	}
	from, fromArgs := q.from()
	query := `SELECT ` + insightColumns + ` FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return s.eachInsightRow(ctx, query, append(fromArgs, args...), fn)
}

func (s *Store) eachInsightRow(ctx context.Context, query string, args []any, fn func(*InsightRow) error) error {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read sessions for insights: %w", err)
	}
	defer rows.Close()
	var r InsightRow
	var topics sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.StartedAt, &r.LastMessageAt, &r.ActiveUntil, &r.Channel, &r.Sentiment, &r.Bot, &r.HandedOff,
			&r.HandoffWaitMS, &r.AgentResponseMS, &r.BotResponseMS, &topics); err != nil {
			return fmt.Errorf("read sessions for insights: %w", err)
		}
		r.Topics = topics
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sessions for insights: %w", err)
	}
	return nil
}

// LabelCount is a label and the number of sessions of a selection that
// carry it.
type LabelCount struct {
	Name, Color string
	Count       int
}

// LabelCounts counts the sessions of sel per label, most first (then by
// name); labels no session of sel carries are left out.
func (s *Store) LabelCounts(ctx context.Context, sel Selection) ([]LabelCount, error) {
	counts := map[int64]int{}
	add := func(query string, args []any) error {
		rows, err := s.read.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("count labels: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return fmt.Errorf("count labels: %w", err)
			}
			counts[id] += n
		}
		return rows.Err()
	}
	if sel.ByIDs {
		for lo := 0; lo < len(sel.IDs); lo += idChunk {
			ids := sel.IDs[lo:min(lo+idChunk, len(sel.IDs))]
			args := make([]any, len(ids))
			for i, id := range ids {
				args[i] = id
			}
			if err := add(`SELECT label_id, COUNT(*) FROM session_labels WHERE session_id IN (`+placeholders(len(ids))+`) GROUP BY label_id`, args); err != nil {
				return nil, err
			}
		}
	} else {
		q := sel.Query
		var err error
		if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
			return nil, err
		}
		where, args, err := q.where()
		if err != nil {
			return nil, err
		}
		if len(where) == 0 && q.Status != StatusActive {
			// Every session: the label index counts them alone.
			err = add(`SELECT label_id, COUNT(*) FROM session_labels GROUP BY label_id`, nil)
		} else {
			from, fromArgs := q.from()
			query := `SELECT sl.label_id, COUNT(*) FROM ` + from + ` JOIN session_labels sl ON sl.session_id = s.id`
			if len(where) > 0 {
				query += ` WHERE ` + strings.Join(where, ` AND `)
			}
			err = add(query+` GROUP BY sl.label_id`, append(fromArgs, args...))
		}
		if err != nil {
			return nil, err
		}
	}
	if len(counts) == 0 {
		return []LabelCount{}, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, color FROM labels ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer rows.Close()
	out := []LabelCount{}
	for rows.Next() {
		var id int64
		var lc LabelCount
		if err := rows.Scan(&id, &lc.Name, &lc.Color); err != nil {
			return nil, fmt.Errorf("read labels: %w", err)
		}
		if lc.Count = counts[id]; lc.Count > 0 {
			out = append(out, lc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	sortLabelCounts(out)
	return out, nil
}

func sortLabelCounts(out []LabelCount) {
	// Stable: equal counts keep the name order they were read in.
	slices.SortStableFunc(out, func(a, b LabelCount) int { return b.Count - a.Count })
}
