package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	Edited      bool
	SourceLine  int
	Hash        int64
}

// MessageInserter adds many messages to one conversation with a prepared
// statement: an import of a million messages would spend most of its time
// parsing SQL otherwise.
type MessageInserter struct {
	stmt           *sql.Stmt
	conversationID int64
	importID       int64
}

// MessageInserter prepares the insertion of messages into a conversation.
// Close it before the transaction ends.
func (tx *Tx) MessageInserter(ctx context.Context, conversationID, importID int64) (*MessageInserter, error) {
	stmt, err := tx.tx.PrepareContext(ctx, `
		INSERT INTO messages(conversation_id, at, author, role, kind, body, attachments, edited, source_line, hash, import_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(conversation_id, hash) DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("prepare message insert: %w", err)
	}
	return &MessageInserter{stmt: stmt, conversationID: conversationID, importID: importID}, nil
}

// Insert adds m unless the conversation already holds a message with the same
// hash; inserted reports which happened, id is the new row's id.
func (mi *MessageInserter) Insert(ctx context.Context, m Message) (id int64, inserted bool, err error) {
	var attachments any
	if len(m.Attachments) > 0 {
		b, err := json.Marshal(m.Attachments)
		if err != nil {
			return 0, false, fmt.Errorf("encode attachments: %w", err)
		}
		attachments = string(b)
	}
	res, err := mi.stmt.ExecContext(ctx, mi.conversationID, m.At, nullString(m.Author), m.Role, m.Kind, m.Body,
		attachments, m.Edited, m.SourceLine, m.Hash, nullInt(mi.importID))
	if err != nil {
		return 0, false, fmt.Errorf("insert message: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, true, err
}

// Close releases the prepared statement.
func (mi *MessageInserter) Close() error { return mi.stmt.Close() }

// MessagePoint is the part of a message that decides sessions.
type MessagePoint struct {
	ID     int64
	At     int64
	Role   string
	Author string
}

// MessagePoints returns the conversation's messages in time order (ties in
// insertion order), for splitting it into sessions.
func (tx *Tx) MessagePoints(ctx context.Context, conversationID int64) ([]MessagePoint, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT id, at, role, COALESCE(author, '') FROM messages WHERE conversation_id = ? ORDER BY at, id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var pts []MessagePoint
	authors := map[string]string{} // share one string per author
	for rows.Next() {
		var p MessagePoint
		if err := rows.Scan(&p.ID, &p.At, &p.Role, &p.Author); err != nil {
			return nil, fmt.Errorf("read messages of conversation %d: %w", conversationID, err)
		}
		if a, ok := authors[p.Author]; ok {
			p.Author = a
		} else {
			authors[p.Author] = p.Author
		}
		pts = append(pts, p)
	}
	return pts, rows.Err()
}

// SessionMessages returns the messages of a session, system lines included,
// in time order.
func (s *Store) SessionMessages(ctx context.Context, sessionID int64) ([]Message, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT m.id, m.at, COALESCE(m.author, ''), m.role, m.kind, m.body, m.attachments, m.edited, COALESCE(m.source_line, 0), m.hash
		FROM sessions s JOIN messages m ON m.conversation_id = s.conversation_id
		WHERE s.id = ? AND m.at >= s.started_at AND m.at <= s.last_message_at
		ORDER BY m.at, m.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read messages of session %d: %w", sessionID, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var att sql.NullString
		if err := rows.Scan(&m.ID, &m.At, &m.Author, &m.Role, &m.Kind, &m.Body, &att, &m.Edited, &m.SourceLine, &m.Hash); err != nil {
			return nil, fmt.Errorf("read messages of session %d: %w", sessionID, err)
		}
		if att.Valid {
			if err := json.Unmarshal([]byte(att.String), &m.Attachments); err != nil {
				return nil, fmt.Errorf("read attachments of message %d: %w", m.ID, err)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
