package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sessions-app/sessions/backend/labels"
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
	StartedAt     int64 // UTC ms
	LastMessageAt int64 // UTC ms
	Ended         bool  // completed at the clock of the selection
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
// ByIDs, exactly IDs (a word search's result, from the search index) of
// the contact Query.ContactID when it is not 0. Query.Now is the clock
// either way.
type Selection struct {
	Query ListSessions
	ByIDs bool
	IDs   []int64
}

// insightColumns are the columns of an InsightRow, all in the index
// sessions_insights. The channel, the sentiment and the flags come as one
// number (see insightFlags): fewer columns are fewer conversions a row.
const insightColumns = `s.started_at, s.last_message_at,
	(CASE s.channel WHEN 'whatsapp' THEN 0 WHEN 'instagram' THEN 1 WHEN 'facebook' THEN 2 ELSE 3 END)
	| (CASE s.sentiment WHEN 'positive' THEN 4 WHEN 'neutral' THEN 8 WHEN 'negative' THEN 12 ELSE 0 END)
	| (CASE WHEN s.bot IS NOT NULL AND s.bot != '' THEN 16 ELSE 0 END)
	| (CASE WHEN s.handoff_agent IS NOT NULL AND s.handoff_agent != '' THEN 32 ELSE 0 END)
	| (CASE WHEN s.last_message_at + s.gap_ms <= ? THEN 64 ELSE 0 END),
	COALESCE(s.handoff_wait_ms, 0), COALESCE(s.first_response_ms, -1), COALESCE(s.bot_first_response_ms, -1), s.summary_topics`

// The bits of the flags column of insightColumns.
const (
	flagBot   = 16
	flagHand  = 32
	flagEnded = 64
)

// idChunk is how many ids one query of a selection by ids reads.
const idChunk = 500

// InsightReaders is the most readers EachInsightRowParts runs at once:
// the read connections the store opens (see openWritable).
const InsightReaders = 4

// EachInsightRow calls fn with every session of sel, in no set order, as
// it is at the clock sel.Query.Now. The row is reused between calls.
func (s *Store) EachInsightRow(ctx context.Context, sel Selection, fn func(*InsightRow) error) error {
	return s.EachInsightRowParts(ctx, sel, 1, func(_ int, r *InsightRow) error { return fn(r) })
}

// EachInsightRowParts is EachInsightRow split into n parts read at once
// (at most InsightReaders): fn is called from n goroutines, with the
// part's number, 0 to n-1, and never at once for the same part. A filter
// is split by start time, a selection by ids into runs of them.
func (s *Store) EachInsightRowParts(ctx context.Context, sel Selection, n int, fn func(part int, r *InsightRow) error) error {
	n = max(1, min(n, InsightReaders))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var reads []func() error
	if sel.ByIDs {
		per := (len(sel.IDs) + n - 1) / n
		for i := 0; i < n && i*per < len(sel.IDs); i++ {
			ids := sel.IDs[i*per : min((i+1)*per, len(sel.IDs))]
			reads = append(reads, func() error {
				return s.insightRowsByIDs(ctx, ids, sel.Query.Now, sel.Query.ContactID, func(r *InsightRow) error { return fn(i, r) })
			})
		}
	} else {
		q := sel.Query
		var err error
		if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
			return err
		}
		ranges, err := s.startRanges(ctx, q, n)
		if err != nil {
			return err
		}
		for i, r := range ranges {
			part := q
			part.From, part.To = r[0], r[1]
			reads = append(reads, func() error {
				return s.insightRowsOf(ctx, part, func(r *InsightRow) error { return fn(i, r) })
			})
		}
	}
	errs := make(chan error, len(reads))
	for _, read := range reads {
		go func() {
			err := read()
			if err != nil {
				cancel() // the others stop at their next row
			}
			errs <- err
		}()
	}
	var first error
	for range reads {
		if err := <-errs; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

// startRanges splits the start times q allows into n ranges of equal
// length (UTC ms, inclusive), within the library's first and last start.
func (s *Store) startRanges(ctx context.Context, q ListSessions, n int) ([][2]int64, error) {
	var lo, hi sql.NullInt64
	// Two subqueries: SQLite reads a lone MIN or MAX off the index, but
	// both in one SELECT scan the table (45 ms at a million sessions).
	if err := s.read.QueryRowContext(ctx, `SELECT (SELECT MIN(started_at) FROM sessions), (SELECT MAX(started_at) FROM sessions)`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("read the span of the sessions: %w", err)
	}
	if !lo.Valid {
		return nil, nil
	}
	from, to := lo.Int64, hi.Int64
	if q.From != 0 {
		from = max(from, q.From)
	}
	if q.To != 0 {
		to = min(to, q.To)
	}
	if from > to {
		return nil, nil
	}
	if from == 0 {
		// 0 means "open" in a ListSessions: a session started at the
		// epoch itself must not lose its bound.
		from = math.MinInt64 + 1
	}
	step := (to-from)/int64(n) + 1
	var out [][2]int64
	for a := from; a <= to; a += step {
		b := min(a+step-1, to)
		out = append(out, [2]int64{a, b})
		if b == to {
			break
		}
	}
	return out, nil
}

// insightRowsOf reads the rows of q (its labels already resolved).
func (s *Store) insightRowsOf(ctx context.Context, q ListSessions, fn func(*InsightRow) error) error {
	// Labels and fields are few sessions each: they are found through
	// their own indexes and the sessions read by id, instead of testing
	// every session for them (3 s for a label at a million sessions).
	byID, byIDArgs := q.idsOfLabelsAndFields()
	q.Labels, q.Fields = nil, nil
	where, args, err := q.where()
	if err != nil {
		return err
	}
	from, fromArgs := q.from()
	if q.Status != StatusActive && byID == "" {
		// The planner would rather take a filter's own index (the
		// channel's, the sentiment's) and read a quarter of the table
		// row by row, which costs more than the whole of this one.
		from = `sessions s INDEXED BY sessions_insights`
	}
	if byID != "" {
		where = append(where, byID)
		args = append(args, byIDArgs...)
	}
	query := `SELECT ` + insightColumns + ` FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return s.eachInsightRow(ctx, query, append(append([]any{q.Now}, fromArgs...), args...), fn)
}

// idsOfLabelsAndFields is q's label and field filters as one condition
// on s.id, a subquery of the ids that pass them (the rules of where: any
// of the labels, every field by its fold); "" when q has neither.
func (q ListSessions) idsOfLabelsAndFields() (string, []any) {
	var sets []string
	var args []any
	if len(q.Labels) > 0 {
		sets = append(sets, `SELECT sl.session_id FROM session_labels sl JOIN labels l ON l.id = sl.label_id WHERE l.name IN (`+placeholders(len(q.Labels))+`)`)
		for _, l := range q.Labels {
			args = append(args, l)
		}
	}
	keys := make([]string, 0, len(q.Fields))
	for k := range q.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		sets = append(sets, `SELECT v.session_id FROM session_field_values v JOIN custom_fields f ON f.id = v.field_id WHERE f.key = ? AND v.value_fold = ?`)
		args = append(args, k, labels.Fold(q.Fields[k]))
	}
	if len(sets) == 0 {
		return "", nil
	}
	return `s.id IN (` + strings.Join(sets, ` INTERSECT `) + `)`, args
}

// insightRowsByIDs reads the rows of ids, idChunk at a time.
func (s *Store) insightRowsByIDs(ctx context.Context, ids []int64, now, contactID int64, fn func(*InsightRow) error) error {
	for lo := 0; lo < len(ids); lo += idChunk {
		chunk := ids[lo:min(lo+idChunk, len(ids))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, now)
		for _, id := range chunk {
			args = append(args, id)
		}
		q := `SELECT ` + insightColumns + ` FROM sessions s WHERE s.id IN (` + placeholders(len(chunk)) + `)`
		if contactID != 0 {
			q += ` AND s.contact_id = ?`
			args = append(args, contactID)
		}
		if err := s.eachInsightRow(ctx, q, args, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) eachInsightRow(ctx context.Context, query string, args []any, fn func(*InsightRow) error) error {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read sessions for insights: %w", err)
	}
	defer rows.Close()
	var r InsightRow
	var topics sql.RawBytes
	// The numbers are scanned as they come (any): into an int64 database/sql
	// goes through reflection, a third of the reading of a million rows.
	var v [6]any
	for rows.Next() {
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &topics); err != nil {
			return fmt.Errorf("read sessions for insights: %w", err)
		}
		var nums [6]int64
		for i, x := range v {
			n, ok := x.(int64)
			if !ok {
				return fmt.Errorf("read sessions for insights: column %d is %T, not a number", i+1, x)
			}
			nums[i] = n
		}
		r.StartedAt, r.LastMessageAt, r.HandoffWaitMS, r.AgentResponseMS, r.BotResponseMS = nums[0], nums[1], nums[3], nums[4], nums[5]
		flags := int(nums[2])
		r.Channel, r.Sentiment = flags&3, flags>>2&3
		r.Bot, r.HandedOff, r.Ended = flags&flagBot != 0, flags&flagHand != 0, flags&flagEnded != 0
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
			query := `SELECT label_id, COUNT(*) FROM session_labels WHERE session_id IN (` + placeholders(len(ids)) + `)`
			if c := sel.Query.ContactID; c != 0 {
				query += ` AND session_id IN (SELECT id FROM sessions WHERE contact_id = ?)`
				args = append(args, c)
			}
			if err := add(query+` GROUP BY label_id`, args); err != nil {
				return nil, err
			}
		}
	} else {
		q := sel.Query
		var err error
		if q.Labels, err = s.labelNames(ctx, q.Labels); err != nil {
			return nil, err
		}
		byID, byIDArgs := q.idsOfLabelsAndFields()
		q.Labels, q.Fields = nil, nil
		where, args, err := q.where()
		if err != nil {
			return nil, err
		}
		if byID != "" {
			where = append(where, byID)
			args = append(args, byIDArgs...)
		}
		if len(where) == 0 && q.Status != StatusActive {
			// Every session: the label index counts them alone.
			err = add(`SELECT label_id, COUNT(*) FROM session_labels GROUP BY label_id`, nil)
		} else {
			// The sessions are found as the rows are (insightRowsOf),
			// then their labels by session.
			from, fromArgs := q.from()
			if q.Status != StatusActive && byID == "" {
				from = `sessions s INDEXED BY sessions_insights`
			}
			ids := `SELECT s.id FROM ` + from
			if len(where) > 0 { // the active sessions have no other condition
				ids += ` WHERE ` + strings.Join(where, ` AND `)
			}
			query := `SELECT label_id, COUNT(*) FROM session_labels WHERE session_id IN (` + ids + `) GROUP BY label_id`
			err = add(query, append(fromArgs, args...))
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
