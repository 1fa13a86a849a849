package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestRepliesMigrationFillsStoredSessions: migration 9 gives sessions
// stored before it their messages per side and first replies from their
// messages, as the splitter would have: the agent's reply timed from the
// customer's first message, the bot's apart, none as NULL.
func TestRepliesMigrationFillsStoredSessions(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const min = 60_000
	type msg struct {
		at   int64
		role string
	}
	tests := []struct {
		name                       string
		msgs                       []msg
		customer, agent, bot       int
		agentResponse, botResponse sql.NullInt64
	}{
		{name: "bot then agent", msgs: []msg{{0, "customer"}, {1 * min, "bot"}, {10 * min, "agent"}, {11 * min, "customer"}, {12 * min, "system"}},
			customer: 2, agent: 1, bot: 1, agentResponse: sql.NullInt64{Int64: 10 * min, Valid: true}, botResponse: sql.NullInt64{Int64: min, Valid: true}},
		{name: "agent first is no reply", msgs: []msg{{0, "agent"}, {5 * min, "customer"}, {7 * min, "agent"}},
			customer: 1, agent: 2, agentResponse: sql.NullInt64{Int64: 2 * min, Valid: true}},
		{name: "bot only", msgs: []msg{{0, "customer"}, {min / 2, "bot"}}, customer: 1, bot: 1, botResponse: sql.NullInt64{Int64: min / 2, Valid: true}},
		{name: "unanswered", msgs: []msg{{0, "customer"}}, customer: 1},
	}
	ids := make([]int64, len(tests))
	err = s.Update(ctx, func(tx *Tx) error {
		for i, tt := range tests {
			conv, err := tx.CreateConversation(ctx, Conversation{Channel: "webchat", ExternalKey: tt.name, Title: tt.name}, 1)
			if err != nil {
				return err
			}
			mi, err := tx.MessageInserter(ctx, conv, 0)
			if err != nil {
				return err
			}
			base := int64(1_700_000_000_000)
			for j, m := range tt.msgs {
				if _, err := mi.Insert(Message{At: base + m.at, Role: m.role, Kind: "text", Body: "x", Hash: int64(j)}); err != nil {
					return err
				}
			}
			if err := mi.Close(); err != nil {
				return err
			}
			last := base + tt.msgs[len(tt.msgs)-1].at
			if ids[i], err = tx.InsertSession(ctx, conv, 0, "webchat", SessionSpan{StartedAt: base, LastMessageAt: last, GapMS: 1, MessageCount: len(tt.msgs)}, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fill := migrations[8][strings.Index(migrations[8], "UPDATE sessions SET"):]
	if _, err := s.write.ExecContext(ctx, fill); err != nil {
		t.Fatalf("run the fill of migration 9: %v", err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var customer, agent, bot int
			var agentResponse, botResponse sql.NullInt64
			err := s.read.QueryRowContext(ctx, `SELECT customer_messages, agent_messages, bot_messages, first_response_ms, bot_first_response_ms FROM sessions WHERE id = ?`, ids[i]).
				Scan(&customer, &agent, &bot, &agentResponse, &botResponse)
			if err != nil {
				t.Fatal(err)
			}
			if customer != tt.customer || agent != tt.agent || bot != tt.bot || agentResponse != tt.agentResponse || botResponse != tt.botResponse {
				t.Fatalf("customer %d agent %d bot %d, responses %v %v; want %d %d %d, %v %v", customer, agent, bot, agentResponse, botResponse,
					tt.customer, tt.agent, tt.bot, tt.agentResponse, tt.botResponse)
			}
		})
	}
}
