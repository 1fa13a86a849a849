package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ExportRow is a session as an export writes it: its timeline facts, its
// contact's phone, the messages per side and the first responses (stored
// on the session when it is split, see migration 9).
type ExportRow struct {
	ID                         int64
	ContactName, ContactEmail  string
	Phone                      string
	Channel                    string
	StartedAt, LastMessageAt   int64 // UTC ms
	GapMS                      int64
	Summary, Sentiment         string
	Bot, HandoffAgent          string
	HandoffAt                  int64 // UTC ms, 0 for none
	CustomerMessages           int
	AgentMessages, BotMessages int
	// FirstResponseMS is from the customer's first message to the first
	// agent reply; BotFirstResponseMS to the first bot reply. -1 when no
	// such reply came (or no customer wrote).
	FirstResponseMS    int64
	BotFirstResponseMS int64
	Labels             []string          // by name, as the timeline lists them
	Fields             map[string]string // custom field key → value
}

// Active reports whether the session is still open at now (UTC ms).
func (r ExportRow) Active(now int64) bool { return now-r.LastMessageAt < r.GapMS }

// exportColumns read everything of a row in one statement: the labels
// and fields come from correlated subqueries (one index lookup each)
// rather than from two more queries per batch, which at a million rows
// cost more than the rows themselves.
const exportColumns = `s.id, COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(c.phone, ''), s.channel,
	s.started_at, s.last_message_at, s.gap_ms, COALESCE(s.summary, ''), COALESCE(s.sentiment, ''),
	COALESCE(s.bot, ''), COALESCE(s.handoff_agent, ''), COALESCE(s.handoff_at, 0),
	s.customer_messages, s.agent_messages, s.bot_messages,
	COALESCE(s.first_response_ms, -1), COALESCE(s.bot_first_response_ms, -1),
	COALESCE((SELECT group_concat(label_id) FROM session_labels WHERE session_id = s.id), ''),
	COALESCE((SELECT json_group_object(field_id, value) FROM session_field_values WHERE session_id = s.id), '')`

// exportNames are the label and field names of the library, read once per
// export: rows carry ids.
type exportNames struct {
	labels    map[int64]string
	labelRank map[int64]int     // the timeline's order of labels (by name, NOCASE)
	fields    map[string]string // field id (as JSON has it) → key
}

func (s *Store) exportNames(ctx context.Context) (*exportNames, error) {
	n := &exportNames{labels: map[int64]string{}, labelRank: map[int64]int{}, fields: map[string]string{}}
	all, err := readLabels(ctx, s.read, false)
	if err != nil {
		return nil, err
	}
	for i, l := range all {
		n.labels[l.ID] = l.Name
		n.labelRank[l.ID] = i
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, key FROM custom_fields`)
	if err != nil {
		return nil, fmt.Errorf("read fields: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("read fields: %w", err)
		}
		n.fields[strconv.FormatInt(id, 10)] = key
	}
	return n, rows.Err()
}

// scan reads one row of exportColumns.
func (n *exportNames) scan(rows *sql.Rows) (ExportRow, error) {
	var r ExportRow
	var labelIDs, fields string
	err := rows.Scan(&r.ID, &r.ContactName, &r.ContactEmail, &r.Phone, &r.Channel,
		&r.StartedAt, &r.LastMessageAt, &r.GapMS, &r.Summary, &r.Sentiment,
		&r.Bot, &r.HandoffAgent, &r.HandoffAt,
		&r.CustomerMessages, &r.AgentMessages, &r.BotMessages,
		&r.FirstResponseMS, &r.BotFirstResponseMS, &labelIDs, &fields)
	if err != nil {
		return r, err
	}
	if labelIDs != "" {
		ids := make([]int64, 0, strings.Count(labelIDs, ",")+1)
		for _, p := range strings.Split(labelIDs, ",") {
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return r, fmt.Errorf("labels of session %d: %w", r.ID, err)
			}
			if _, ok := n.labels[id]; ok { // a label made after the export began waits for the next
				ids = append(ids, id)
			}
		}
		slices.SortFunc(ids, func(a, b int64) int { return n.labelRank[a] - n.labelRank[b] })
		r.Labels = make([]string, len(ids))
		for i, id := range ids {
			r.Labels[i] = n.labels[id]
		}
	}
	if fields != "" && fields != "{}" {
		var byID map[string]string
		if err := json.Unmarshal([]byte(fields), &byID); err != nil {
			return r, fmt.Errorf("fields of session %d: %w", r.ID, err)
		}
		r.Fields = make(map[string]string, len(byID))
		for id, v := range byID {
			if key, ok := n.fields[id]; ok {
				r.Fields[key] = v
			}
		}
	}
	return r, nil
}

// ExportSessions calls fn with every session q selects (its filters; its
// Limit and After are not used), newest first, batch rows at a time, all
// read by one statement: one pass over the timeline's index instead of a
// query and a seek per page. fn may keep the batch. The statement's read
// snapshot lasts until the last batch: a change made meanwhile is in the
// next export.
func (s *Store) ExportSessions(ctx context.Context, q ListSessions, batch int, fn func([]ExportRow) error) error {
	if batch <= 0 {
		batch = 1000
	}
	names, err := s.exportNames(ctx)
	if err != nil {
		return err
	}
	if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
		return err
	}
	where, args, err := q.where()
	if err != nil {
		return err
	}
	from, fromArgs := q.from()
	args = append(fromArgs, args...)
	query := `SELECT ` + exportColumns + ` FROM ` + from + ` LEFT JOIN contacts c ON c.id = s.contact_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY s.started_at DESC, s.id DESC`
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("export sessions: %w", err)
	}
	defer rows.Close()
	out := make([]ExportRow, 0, batch)
	for rows.Next() {
		r, err := names.scan(rows)
		if err != nil {
			return fmt.Errorf("export sessions: %w", err)
		}
		out = append(out, r)
		if len(out) == batch {
			if err := fn(out); err != nil {
				return err
			}
			out = make([]ExportRow, 0, batch)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export sessions: %w", err)
	}
	if len(out) > 0 {
		return fn(out)
	}
	return nil
}

// ExportSessionsByIDs returns the sessions with these ids as an export
// writes them, in the order given (ids that no longer exist are left
// out): a word search's page.
func (s *Store) ExportSessionsByIDs(ctx context.Context, ids []int64) ([]ExportRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	names, err := s.exportNames(ctx)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+exportColumns+` FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
		WHERE s.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("export sessions: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]ExportRow, len(ids))
	for rows.Next() {
		r, err := names.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("export sessions: %w", err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export sessions: %w", err)
	}
	out := make([]ExportRow, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
