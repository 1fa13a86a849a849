package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SessionFigures are the facts of a session an export adds to its
// timeline row: the contact's phone, the messages per side and the first
// responses (stored on the session when it is split, see migration 9).
type SessionFigures struct {
	Phone            string
	CustomerMessages int
	AgentMessages    int
	BotMessages      int
	// FirstResponseMS is from the customer's first message to the first
	// agent reply; BotFirstResponseMS to the first bot reply. -1 when no
	// such reply came (or no customer wrote).
	FirstResponseMS    int64
	BotFirstResponseMS int64
}

// SessionFigures returns the figures of the sessions with these ids, in
// their order (a session that no longer exists gets zero figures), with
// one query for them all.
func (s *Store) SessionFigures(ctx context.Context, ids []int64) ([]SessionFigures, error) {
	out := make([]SessionFigures, len(ids))
	for i := range out {
		out[i].FirstResponseMS, out[i].BotFirstResponseMS = -1, -1
	}
	if len(ids) == 0 {
		return out, nil
	}
	index := make(map[int64]int, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		index[id] = i
		args[i] = id
	}
	rows, err := s.read.QueryContext(ctx, `
		SELECT s.id, COALESCE(c.phone, ''), s.customer_messages, s.agent_messages, s.bot_messages,
			s.first_response_ms, s.bot_first_response_ms
		FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
		WHERE s.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read session figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f SessionFigures
		var first, bot sql.NullInt64
		if err := rows.Scan(&id, &f.Phone, &f.CustomerMessages, &f.AgentMessages, &f.BotMessages, &first, &bot); err != nil {
			return nil, fmt.Errorf("read session figures: %w", err)
		}
		f.FirstResponseMS, f.BotFirstResponseMS = -1, -1
		if first.Valid {
			f.FirstResponseMS = first.Int64
		}
		if bot.Valid {
			f.BotFirstResponseMS = bot.Int64
		}
		out[index[id]] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read session figures: %w", err)
	}
	return out, nil
}
