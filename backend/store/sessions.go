package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sessions-app/sessions/backend/labels"
	"github.com/sessions-app/sessions/backend/sessions"
)

// Session is a stored session with its contact, labels and fields.
type Session struct {
	ID             int64
	ConversationID int64
	ContactID      int64
	ContactName    string
	ContactEmail   string
	Channel        string
	StartedAt      int64 // UTC ms
	LastMessageAt  int64 // UTC ms
	GapMS          int64
	MessageCount   int
	Summary        string
	SummarySource  string
	SummaryModel   string
	Sentiment      string
	Bot            string
	HandoffAgent   string
	HandoffAt      int64
	HandoffWaitMS  int64
	SummaryScore   float64
	SummaryError   string
	Labels         []string
	LabelColors    []string // the colour of each of Labels, in its order
	Fields         map[string]string
}

// Active reports whether the session is still open at now (UTC ms): its last
// message is younger than the session gap.
func (s Session) Active(now int64) bool { return now-s.LastMessageAt < s.GapMS }

// SessionSpan is what splitting a conversation decides about a session.
type SessionSpan struct {
	StartedAt     int64
	LastMessageAt int64
	GapMS         int64
	MessageCount  int
	Bot           string
	HandoffAgent  string
	HandoffAt     int64
	HandoffWaitMS int64
	// Replies are the messages per side and the first replies.
	Replies sessions.Replies
}

// SessionBounds is the extent of a stored session.
type SessionBounds struct {
	ID            int64
	StartedAt     int64
	LastMessageAt int64
}

// ConversationSessions returns the sessions of a conversation, oldest first.
func (tx *Tx) ConversationSessions(ctx context.Context, conversationID int64) ([]SessionBounds, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT id, started_at, last_message_at FROM sessions WHERE conversation_id = ? ORDER BY started_at, id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []SessionBounds
	for rows.Next() {
		var b SessionBounds
		if err := rows.Scan(&b.ID, &b.StartedAt, &b.LastMessageAt); err != nil {
			return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// InsertSession adds a session to a conversation.
func (tx *Tx) InsertSession(ctx context.Context, conversationID, contactID int64, channel string, sp SessionSpan, now int64) (int64, error) {
	res, err := tx.exec(ctx, `
		INSERT INTO sessions(conversation_id, contact_id, channel, started_at, last_message_at, gap_ms, message_count,
			bot, handoff_agent, handoff_at, handoff_wait_ms, customer_messages, agent_messages, bot_messages,
			first_response_ms, bot_first_response_ms, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		conversationID, nullInt(contactID), channel, sp.StartedAt, sp.LastMessageAt, sp.GapMS, sp.MessageCount,
		nullString(sp.Bot), nullString(sp.HandoffAgent), nullInt(sp.HandoffAt), handoffWait(sp),
		sp.Replies.CustomerMessages, sp.Replies.AgentMessages, sp.Replies.BotMessages,
		responseMS(sp.Replies.AgentResponseMS, sp.Replies.AgentReplied), responseMS(sp.Replies.BotResponseMS, sp.Replies.BotReplied), now, now)
	if err != nil {
		return 0, fmt.Errorf("insert session of conversation %d: %w", conversationID, err)
	}
	return res.LastInsertId()
}

// UpdateSession sets the extent and handoff facts of a session; it changes
// nothing (not even updated_at) when they are the same, so re-importing the
// same file leaves the session as it was.
func (tx *Tx) UpdateSession(ctx context.Context, id int64, sp SessionSpan, now int64) error {
	_, err := tx.exec(ctx, `
		UPDATE sessions SET started_at = ?, last_message_at = ?, gap_ms = ?, message_count = ?,
			bot = ?, handoff_agent = ?, handoff_at = ?, handoff_wait_ms = ?,
			customer_messages = ?, agent_messages = ?, bot_messages = ?, first_response_ms = ?, bot_first_response_ms = ?, updated_at = ?
		WHERE id = ? AND (started_at, last_message_at, gap_ms, message_count, COALESCE(bot, ''), COALESCE(handoff_agent, ''), COALESCE(handoff_at, 0),
			customer_messages, agent_messages, bot_messages, first_response_ms, bot_first_response_ms)
			IS NOT (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sp.StartedAt, sp.LastMessageAt, sp.GapMS, sp.MessageCount, nullString(sp.Bot), nullString(sp.HandoffAgent), nullInt(sp.HandoffAt), handoffWait(sp),
		sp.Replies.CustomerMessages, sp.Replies.AgentMessages, sp.Replies.BotMessages,
		responseMS(sp.Replies.AgentResponseMS, sp.Replies.AgentReplied), responseMS(sp.Replies.BotResponseMS, sp.Replies.BotReplied), now,
		id, sp.StartedAt, sp.LastMessageAt, sp.GapMS, sp.MessageCount, sp.Bot, sp.HandoffAgent, sp.HandoffAt,
		sp.Replies.CustomerMessages, sp.Replies.AgentMessages, sp.Replies.BotMessages,
		responseMS(sp.Replies.AgentResponseMS, sp.Replies.AgentReplied), responseMS(sp.Replies.BotResponseMS, sp.Replies.BotReplied))
	if err != nil {
		return fmt.Errorf("update session %d: %w", id, err)
	}
	return nil
}

// handoffWait is NULL for sessions without a handoff: zero would read as
// "answered at once".
func handoffWait(sp SessionSpan) any {
	if sp.HandoffAgent == "" {
		return nil
	}
	return sp.HandoffWaitMS
}

// responseMS is a first-response time as stored: NULL when there was none
// (no customer message, or no reply to it), which is not "answered at once".
func responseMS(ms int64, ok bool) any {
	if !ok {
		return nil
	}
	return ms
}

// MergeSession folds session from into session into: labels and field values
// of from that into lacks move over, then from is deleted. Used when new
// messages close the gap between two sessions.
func (tx *Tx) MergeSession(ctx context.Context, into, from int64) error {
	stmts := []string{
		`INSERT OR IGNORE INTO session_labels(session_id, label_id) SELECT ?, label_id FROM session_labels WHERE session_id = ?`,
		`INSERT OR IGNORE INTO session_field_values(session_id, field_id, value, value_fold) SELECT ?, field_id, value, value_fold FROM session_field_values WHERE session_id = ?`,
	}
	for _, q := range stmts {
		if _, err := tx.tx.ExecContext(ctx, q, into, from); err != nil {
			return fmt.Errorf("merge session %d into %d: %w", from, into, err)
		}
	}
	return tx.DeleteSession(ctx, from)
}

// DeleteSession removes a session with its labels and field values.
func (tx *Tx) DeleteSession(ctx context.Context, id int64) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	return nil
}

// Cursor is a position in the timeline: the last session of a page.
type Cursor struct {
	StartedAt int64
	ID        int64
}

// Status values for ListSessions.
const (
	StatusAll       = "all"
	StatusActive    = "active"
	StatusCompleted = "completed"
)

// ListSessions selects a page of the timeline. Every filter is optional;
// they combine with AND. Word searches are not here: they go through the
// search index, which hands back ids (SessionsByIDs).
type ListSessions struct {
	// Status is StatusAll (or empty), StatusActive or StatusCompleted.
	Status string
	// Now is the clock (UTC ms) that decides active and completed.
	Now int64
	// Channels keeps sessions on any of these channels.
	Channels []string
	// Labels keeps sessions carrying any of these labels, matched by their
	// fold (labels.Fold: case and accents).
	Labels []string
	// Sentiment keeps sessions with this sentiment.
	Sentiment string
	// Fields keeps sessions whose custom field key has this value, matched
	// by its fold (labels.Fold), for every pair.
	Fields map[string]string
	// From and To bound the start (UTC ms, inclusive); 0 leaves it open.
	From, To int64
	// EndedFrom and EndedTo bound the end of completed sessions (their
	// last message, UTC ms, inclusive); an active session has no end and
	// never matches either. 0 leaves a side open.
	EndedFrom, EndedTo int64
	// ContactID and ConversationID, when not 0, keep one contact's or one
	// conversation's sessions.
	ContactID, ConversationID int64
	// Limit is the page size.
	Limit int
	// After continues the timeline after this position; nil for the first page.
	After *Cursor
}

// from is the FROM clause of q: active sessions are always few, so they
// are found through their index first (CROSS JOIN keeps SQLite from
// starting at a filter's index and testing most of the table instead).
func (q ListSessions) from() (string, []any) {
	if q.Status == StatusActive {
		return `(SELECT id AS active_id FROM sessions WHERE active_until > ?) a CROSS JOIN sessions s ON s.id = a.active_id`, []any{q.Now}
	}
	return `sessions s`, nil
}

// where builds the WHERE clause of q (without the cursor and the active
// status, which from handles).
func (q ListSessions) where() ([]string, []any, error) {
	var where []string
	var args []any
	switch q.Status {
	case "", StatusAll, StatusActive:
	case StatusCompleted:
		where = append(where, `s.active_until <= ?`)
		args = append(args, q.Now)
	default:
		return nil, nil, fmt.Errorf("list sessions: unknown status %q (want all, active or completed)", q.Status)
	}
	if len(q.Channels) > 0 {
		where = append(where, `s.channel IN (`+placeholders(len(q.Channels))+`)`)
		for _, c := range q.Channels {
			args = append(args, c)
		}
	}
	if q.Sentiment != "" {
		where = append(where, `s.sentiment = ?`)
		args = append(args, q.Sentiment)
	}
	if len(q.Labels) > 0 {
		where = append(where, `EXISTS (SELECT 1 FROM session_labels sl JOIN labels l ON l.id = sl.label_id
			WHERE sl.session_id = s.id AND l.name IN (`+placeholders(len(q.Labels))+`))`)
		for _, l := range q.Labels {
			args = append(args, l)
		}
	}
	keys := make([]string, 0, len(q.Fields))
	for k := range q.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		where = append(where, `EXISTS (SELECT 1 FROM session_field_values v JOIN custom_fields f ON f.id = v.field_id
			WHERE v.session_id = s.id AND f.key = ? AND v.value_fold = ?)`)
		args = append(args, k, labels.Fold(q.Fields[k]))
	}
	if q.ContactID != 0 {
		where = append(where, `s.contact_id = ?`)
		args = append(args, q.ContactID)
	}
	if q.ConversationID != 0 {
		where = append(where, `s.conversation_id = ?`)
		args = append(args, q.ConversationID)
	}
	if q.From != 0 {
		where = append(where, `s.started_at >= ?`)
		args = append(args, q.From)
	}
	if q.To != 0 {
		where = append(where, `s.started_at <= ?`)
		args = append(args, q.To)
	}
	if q.EndedFrom != 0 || q.EndedTo != 0 {
		where = append(where, `s.active_until <= ?`)
		args = append(args, q.Now)
	}
	if q.EndedFrom != 0 {
		where = append(where, `s.last_message_at >= ?`)
		args = append(args, q.EndedFrom)
	}
	if q.EndedTo != 0 {
		// A session ends after it starts: the start bound lets SQLite
		// stop the timeline scan early.
		where = append(where, `s.last_message_at <= ? AND s.started_at <= ?`)
		args = append(args, q.EndedTo, q.EndedTo)
	}
	return where, args, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

const sessionColumns = `
	s.id, s.conversation_id, COALESCE(s.contact_id, 0), COALESCE(c.name, ''), COALESCE(c.email, ''), s.channel,
	s.started_at, s.last_message_at, s.gap_ms, s.message_count,
	COALESCE(s.summary, ''), COALESCE(s.summary_source, ''), COALESCE(s.summary_model, ''), COALESCE(s.sentiment, ''),
	COALESCE(s.bot, ''), COALESCE(s.handoff_agent, ''), COALESCE(s.handoff_at, 0), COALESCE(s.handoff_wait_ms, 0),
	COALESCE(s.summary_score, 0), COALESCE(s.summary_error, '')`

func scanSession(sc interface{ Scan(...any) error }) (Session, error) {
	var s Session
	err := sc.Scan(&s.ID, &s.ConversationID, &s.ContactID, &s.ContactName, &s.ContactEmail, &s.Channel,
		&s.StartedAt, &s.LastMessageAt, &s.GapMS, &s.MessageCount,
		&s.Summary, &s.SummarySource, &s.SummaryModel, &s.Sentiment,
		&s.Bot, &s.HandoffAgent, &s.HandoffAt, &s.HandoffWaitMS, &s.SummaryScore, &s.SummaryError)
	return s, err
}

// ListSessions returns the timeline newest first (by start, then id), keyset
// paged so that a page never repeats or skips a row when sessions are added
// between two pages.
func (s *Store) ListSessions(ctx context.Context, q ListSessions) ([]Session, error) {
	var err error
	if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
		return nil, err
	}
	where, args, err := q.where()
	if err != nil {
		return nil, err
	}
	if q.After != nil {
		where = append(where, `(s.started_at, s.id) < (?, ?)`)
		args = append(args, q.After.StartedAt, q.After.ID)
	}
	from, fromArgs := q.from()
	args = append(fromArgs, args...)
	query := `SELECT ` + sessionColumns + ` FROM ` + from + ` LEFT JOIN contacts c ON c.id = s.contact_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY s.started_at DESC, s.id DESC LIMIT ?`
	args = append(args, q.Limit)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	if err := s.attachLabelsAndFields(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CountSessions is the number of sessions ListSessions would page through.
// Completed sessions are counted as all minus the active ones: the active
// are few and found through their index, while counting the completed
// directly would read most of the table.
func (s *Store) CountSessions(ctx context.Context, q ListSessions) (int, error) {
	var err error
	if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
		return 0, err
	}
	if q.Status == StatusCompleted {
		q.Status = StatusAll
		all, err := s.countSessions(ctx, q)
		if err != nil {
			return 0, err
		}
		q.Status = StatusActive
		active, err := s.countSessions(ctx, q)
		if err != nil {
			return 0, err
		}
		return all - active, nil
	}
	return s.countSessions(ctx, q)
}

// countSessions is CountSessions for a status other than completed, with
// the labels already resolved.
func (s *Store) countSessions(ctx context.Context, q ListSessions) (int, error) {
	where, args, err := q.where()
	if err != nil {
		return 0, err
	}
	from, fromArgs := q.from()
	args = append(fromArgs, args...)
	query := `SELECT COUNT(*) FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	var n int
	if err := s.read.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}

// labelNames returns the stored names of the labels in wanted, matched as
// the search index matches them: by labels.Fold (case and accents).
// SQLite's NOCASE folds only ASCII, so "ÄRGER" would not find "ärger"
// there while the index would. Labels are few; they are all read. A
// wanted label that matches none is kept as given (and finds nothing).
func (s *Store) labelNames(ctx context.Context, wanted []string) ([]string, error) {
	if len(wanted) == 0 {
		return wanted, nil
	}
	want := make(map[string]bool, len(wanted))
	for _, w := range wanted {
		want[labels.Fold(w)] = true
	}
	rows, err := s.read.QueryContext(ctx, `SELECT name FROM labels`)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read labels: %w", err)
		}
		if want[labels.Fold(name)] {
			out = append(out, name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	if len(out) == 0 {
		return wanted, nil
	}
	return out, nil
}

// SessionsByIDs returns the sessions with these ids in the order given
// (ids that no longer exist are left out).
func (s *Store) SessionsByIDs(ctx context.Context, ids []int64) ([]Session, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
		WHERE s.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]Session, len(ids))
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
		byID[sess.ID] = sess
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	out := make([]Session, 0, len(ids))
	for _, id := range ids {
		if sess, ok := byID[id]; ok {
			out = append(out, sess)
		}
	}
	if err := s.attachLabelsAndFields(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetSession returns one session, or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, id int64) (Session, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id WHERE s.id = ?`, id)
	sess, err := scanSession(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session %d: %w", id, err)
	}
	list := []Session{sess}
	if err := s.attachLabelsAndFields(ctx, list); err != nil {
		return Session{}, err
	}
	return list[0], nil
}

// attachLabelsAndFields fills Labels and Fields of a page with two queries,
// not two per row.
func (s *Store) attachLabelsAndFields(ctx context.Context, list []Session) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[int64]int, len(list))
	ids := make([]any, len(list))
	for i := range list {
		index[list[i].ID] = i
		ids[i] = list[i].ID
		list[i].Labels = []string{}
		list[i].LabelColors = []string{}
		list[i].Fields = map[string]string{}
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	rows, err := s.read.QueryContext(ctx, `
		SELECT sl.session_id, l.name, l.color FROM session_labels sl JOIN labels l ON l.id = sl.label_id
		WHERE sl.session_id IN (`+in+`) ORDER BY l.name`, ids...)
	if err != nil {
		return fmt.Errorf("read session labels: %w", err)
	}
	for rows.Next() {
		var id int64
		var name, color string
		if err := rows.Scan(&id, &name, &color); err != nil {
			rows.Close()
			return fmt.Errorf("read session labels: %w", err)
		}
		sess := &list[index[id]]
		sess.Labels = append(sess.Labels, name)
		sess.LabelColors = append(sess.LabelColors, color)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read session labels: %w", err)
	}
	rows, err = s.read.QueryContext(ctx, `
		SELECT v.session_id, f.key, v.value FROM session_field_values v JOIN custom_fields f ON f.id = v.field_id
		WHERE v.session_id IN (`+in+`)`, ids...)
	if err != nil {
		return fmt.Errorf("read session fields: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key, value string
		if err := rows.Scan(&id, &key, &value); err != nil {
			return fmt.Errorf("read session fields: %w", err)
		}
		list[index[id]].Fields[key] = value
	}
	return rows.Err()
}

// SessionsInSpan returns the sessions of a conversation that hold a moment
// between from and to (UTC ms, inclusive), oldest first: the sessions a
// page of the thread shows. It reads the conversation's sessions that
// started by to through sessions_conversation.
func (s *Store) SessionsInSpan(ctx context.Context, conversationID, from, to int64) ([]Session, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
		WHERE s.conversation_id = ? AND s.started_at <= ? AND s.last_message_at >= ?
		ORDER BY s.started_at, s.id`, conversationID, to, from)
	if err != nil {
		return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
		}
		out = append(out, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions of conversation %d: %w", conversationID, err)
	}
	if err := s.attachLabelsAndFields(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ConversationStats is the number of messages and sessions of a
// conversation. Messages are what sessions count: customer, agent and bot
// messages, not WhatsApp notices or call events (role system).
func (s *Store) ConversationStats(ctx context.Context, conversationID int64) (messages, sessions int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND role != 'system'), (SELECT COUNT(*) FROM sessions WHERE conversation_id = ?)`,
		conversationID, conversationID).Scan(&messages, &sessions)
	if err != nil {
		return 0, 0, fmt.Errorf("count messages of conversation %d: %w", conversationID, err)
	}
	return messages, sessions, nil
}
