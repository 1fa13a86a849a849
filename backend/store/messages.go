package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sessions-app/sessions/backend/chat"
)

// Message is a stored message.
type Message struct {
	ID          int64
	At          int64 // UTC milliseconds
	Author      string
	Role        string
	Kind        string
	Body        string
	Attachments []string
	Reactions   []chat.Reaction
	Edited      bool
	SourceLine  int
	Hash        int64
}

// insertBatch is how many messages one INSERT statement carries: per-call
// overhead of the driver dominated single-row inserts, and 64 rows × 11
// parameters stays far below SQLite's parameter limit.
const insertBatch = 64

// insertSQL builds a statement for n rows. The conversation and import are
// the same for every row, so they are written into the SQL as integers
// rather than bound: each bound value is a cgo call, and two fewer per row
// made the insert a quarter faster. For the same reason a batch in which
// no message has attachments or reactions (most of a WhatsApp chat) writes
// them as NULL in the SQL (plain) instead of binding two NULLs a row.
func insertSQL(conversationID, importID int64, n int, plain bool) string {
	imp := "NULL"
	if importID != 0 {
		imp = strconv.FormatInt(importID, 10)
	}
	extras := "?,?"
	if plain {
		extras = "NULL,NULL"
	}
	row := "(?," + strconv.FormatInt(conversationID, 10) + ",?,?,?,?,?," + extras + ",?,?,?," + imp + ")"
	return `INSERT INTO messages(id, conversation_id, at, author, role, kind, body, attachments, reactions, edited, source_line, hash, import_id) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// messageArgs is the number of bound values per row of insertSQL, and
// plainArgs per row of a plain one.
const (
	messageArgs = 11
	plainArgs   = messageArgs - 2
)

// MessageInserter adds many messages to one conversation, in batches. It
// hands out the row ids itself (the transaction holds the write lock, so
// nobody else takes one), which lets callers know each message's id
// without a round trip per row. Call Flush (or Close) before reading the
// messages back, and Close before the transaction ends.
type MessageInserter struct {
	ctx            context.Context
	tx             *sql.Tx
	plain, full    *sql.Stmt // for a whole batch; full is prepared when first needed
	conversationID int64
	importID       int64
	nextID         int64
	// args holds the queued rows without their attachments and reactions,
	// which extras holds (two a row); hasExtras tells whether any is set.
	args      []any
	extras    []any
	hasExtras bool
	joined    []any // scratch: args and extras interleaved
}

// MessageInserter prepares the insertion of messages into a conversation.
func (tx *Tx) MessageInserter(ctx context.Context, conversationID, importID int64) (*MessageInserter, error) {
	var maxID int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM messages`).Scan(&maxID); err != nil {
		return nil, fmt.Errorf("prepare message insert: %w", err)
	}
	stmt, err := tx.tx.PrepareContext(ctx, insertSQL(conversationID, importID, insertBatch, true))
	if err != nil {
		return nil, fmt.Errorf("prepare message insert: %w", err)
	}
	return &MessageInserter{ctx: ctx, tx: tx.tx, plain: stmt, conversationID: conversationID,
		importID: importID, nextID: maxID + 1, args: make([]any, 0, insertBatch*plainArgs),
		extras: make([]any, 0, insertBatch*2)}, nil
}

// Insert queues m and returns the id it will have.
func (mi *MessageInserter) Insert(m Message) (int64, error) {
	if err := validMessage(m); err != nil {
		return 0, err
	}
	attachments, err := jsonList(m.Attachments, "attachments")
	if err != nil {
		return 0, err
	}
	reactions, err := jsonList(m.Reactions, "reactions")
	if err != nil {
		return 0, err
	}
	var author any
	if m.Author != "" {
		author = m.Author
	}
	id := mi.nextID
	mi.nextID++
	mi.args = append(mi.args, id, m.At, author, classValue(m.Role), classValue(m.Kind), m.Body, m.Edited, m.SourceLine, m.Hash)
	mi.extras = append(mi.extras, attachments, reactions)
	mi.hasExtras = mi.hasExtras || attachments != nil || reactions != nil
	if len(mi.args) == insertBatch*plainArgs {
		if err := mi.flush(true); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// flush writes the queued rows, with the prepared statements when they
// are a whole batch.
func (mi *MessageInserter) flush(whole bool) error {
	n := len(mi.args) / plainArgs
	args := mi.args
	if mi.hasExtras {
		// Put each row's attachments and reactions back in their place.
		args = mi.joined[:0]
		for i := range n {
			row := mi.args[i*plainArgs : (i+1)*plainArgs]
			args = append(args, row[:6]...)
			args = append(args, mi.extras[2*i], mi.extras[2*i+1])
			args = append(args, row[6:]...)
		}
		mi.joined = args
	}
	var err error
	switch {
	case !whole:
		_, err = mi.tx.ExecContext(mi.ctx, insertSQL(mi.conversationID, mi.importID, n, !mi.hasExtras), args...)
	case !mi.hasExtras:
		_, err = mi.plain.ExecContext(mi.ctx, args...)
	default:
		if mi.full == nil {
			if mi.full, err = mi.tx.PrepareContext(mi.ctx, insertSQL(mi.conversationID, mi.importID, insertBatch, false)); err != nil {
				return fmt.Errorf("prepare message insert: %w", err)
			}
		}
		_, err = mi.full.ExecContext(mi.ctx, args...)
	}
	if err != nil {
		return fmt.Errorf("insert messages: %w", err)
	}
	mi.args, mi.extras, mi.hasExtras = mi.args[:0], mi.extras[:0], false
	clear(mi.joined) // drop the references to the bodies written
	return nil
}

func validMessage(m Message) error {
	switch m.Role {
	case "customer", "agent", "bot", "system":
	default:
		return fmt.Errorf("insert message: unknown role %q", m.Role)
	}
	switch m.Kind {
	case "text", "media", "system", "deleted", "call":
	default:
		return fmt.Errorf("insert message: unknown kind %q", m.Kind)
	}
	return nil
}

// Flush writes the queued messages.
func (mi *MessageInserter) Flush() error {
	if len(mi.args) == 0 {
		return nil
	}
	return mi.flush(false)
}

// Close writes what is queued and releases the statements.
func (mi *MessageInserter) Close() error {
	err := mi.Flush()
	if cerr := mi.plain.Close(); err == nil {
		err = cerr
	}
	if mi.full != nil {
		if cerr := mi.full.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// MessageHashes returns the hashes of a conversation's messages, to find
// the duplicates of a re-import.
func (tx *Tx) MessageHashes(ctx context.Context, conversationID int64) (map[int64]KnownMessage, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT hash, id, role, kind FROM messages WHERE conversation_id = ?`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("read message hashes of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	set := map[int64]KnownMessage{}
	var role, kind sql.RawBytes
	for rows.Next() {
		var h int64
		var k KnownMessage
		if err := rows.Scan(&h, &k.ID, &role, &kind); err != nil {
			return nil, fmt.Errorf("read message hashes of conversation %d: %w", conversationID, err)
		}
		k.Role, k.Kind = internClass(role), internClass(kind)
		set[h] = k
	}
	return set, rows.Err()
}

// KnownMessage is a stored message as a re-import meets it again: found by
// its hash, it may have been read differently by an earlier version or
// with other agent and bot settings.
type KnownMessage struct {
	ID         int64
	Role, Kind string
}

// internClass returns the constant string of a role or kind, so that a
// conversation's million known messages share a handful of strings.
func internClass(b []byte) string {
	switch string(b) {
	case "customer":
		return "customer"
	case "agent":
		return "agent"
	case "bot":
		return "bot"
	case "system":
		return "system"
	case "text":
		return "text"
	case "media":
		return "media"
	case "deleted":
		return "deleted"
	case "call":
		return "call"
	}
	return string(b)
}

// classValue is a role or kind as a bound value: the known ones are
// constants, which become an interface value without an allocation (a
// million rows made two million otherwise).
func classValue(s string) any {
	switch s {
	case "customer":
		return "customer"
	case "agent":
		return "agent"
	case "bot":
		return "bot"
	case "system":
		return "system"
	case "text":
		return "text"
	case "media":
		return "media"
	case "deleted":
		return "deleted"
	case "call":
		return "call"
	}
	return s
}

// Reclassify sets the role and kind of a stored message that a re-import
// reads differently (a notice an earlier version took for a message, a
// name now configured as an agent).
func (tx *Tx) Reclassify(ctx context.Context, id int64, role, kind string) error {
	if err := validMessage(Message{Role: role, Kind: kind}); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE messages SET role = ?, kind = ? WHERE id = ?`, role, kind, id); err != nil {
		return fmt.Errorf("reclassify message %d: %w", id, err)
	}
	return nil
}

// MessagePoint is the part of a message that decides sessions.
type MessagePoint struct {
	ID     int64
	At     int64
	Role   string
	Author string
}

// EachMessagePoint calls fn for the conversation's messages in time order
// (ties in insertion order), streaming, for splitting it into sessions.
func (tx *Tx) EachMessagePoint(ctx context.Context, conversationID int64, fn func(MessagePoint)) error {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT id, at, role, COALESCE(author, '') FROM messages WHERE conversation_id = ? ORDER BY at, id`, conversationID)
	if err != nil {
		return fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var p MessagePoint
	for rows.Next() {
		if err := rows.Scan(&p.ID, &p.At, &p.Role, &p.Author); err != nil {
			return fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
		}
		fn(p)
	}
	return rows.Err()
}

// SessionMessages returns the messages of a session, system lines included,
// in time order.
func (s *Store) SessionMessages(ctx context.Context, sessionID int64) ([]Message, error) {
	out, err := s.queryMessages(ctx, `
		SELECT `+messageColumns+`
		FROM sessions s JOIN messages m ON m.conversation_id = s.conversation_id
		WHERE s.id = ? AND m.at >= s.started_at AND m.at <= s.last_message_at
		ORDER BY m.at, m.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read messages of session %d: %w", sessionID, err)
	}
	return out, nil
}

// SessionMessageEnds returns the first n and the last n messages of a
// session (system lines included) in time order, and how many lie between
// them: the work of summarizing a session of a million messages is bounded
// by n, not by the session.
func (s *Store) SessionMessageEnds(ctx context.Context, sessionID int64, n int) (first, last []Message, omitted int, err error) {
	var total int
	if err = s.read.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM sessions s JOIN messages m ON m.conversation_id = s.conversation_id
		WHERE s.id = ? AND m.at >= s.started_at AND m.at <= s.last_message_at`, sessionID).Scan(&total); err != nil {
		return nil, nil, 0, fmt.Errorf("count messages of session %d: %w", sessionID, err)
	}
	span := `FROM sessions s JOIN messages m ON m.conversation_id = s.conversation_id
		WHERE s.id = ? AND m.at >= s.started_at AND m.at <= s.last_message_at`
	if first, err = s.queryMessages(ctx, `SELECT `+messageColumns+` `+span+` ORDER BY m.at, m.id LIMIT ?`, sessionID, n); err != nil {
		return nil, nil, 0, fmt.Errorf("read messages of session %d: %w", sessionID, err)
	}
	if total <= len(first) {
		return first, nil, 0, nil
	}
	k := min(n, total-len(first))
	if last, err = s.queryMessages(ctx, `SELECT `+messageColumns+` `+span+` ORDER BY m.at DESC, m.id DESC LIMIT ?`, sessionID, k); err != nil {
		return nil, nil, 0, fmt.Errorf("read messages of session %d: %w", sessionID, err)
	}
	slices.Reverse(last)
	return first, last, total - len(first) - len(last), nil
}

// messageColumns are the columns scanMessages reads, of messages m.
const messageColumns = `m.id, m.at, COALESCE(m.author, ''), m.role, m.kind, m.body, m.attachments, m.reactions, m.edited, COALESCE(m.source_line, 0), m.hash`

// queryMessages runs a query selecting messageColumns.
func (s *Store) queryMessages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var att, reactions sql.NullString
		if err := rows.Scan(&m.ID, &m.At, &m.Author, &m.Role, &m.Kind, &m.Body, &att, &reactions, &m.Edited, &m.SourceLine, &m.Hash); err != nil {
			return nil, err
		}
		if att.Valid {
			if err := json.Unmarshal([]byte(att.String), &m.Attachments); err != nil {
				return nil, fmt.Errorf("attachments of message %d: %w", m.ID, err)
			}
		}
		if reactions.Valid {
			if err := json.Unmarshal([]byte(reactions.String), &m.Reactions); err != nil {
				return nil, fmt.Errorf("reactions of message %d: %w", m.ID, err)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
