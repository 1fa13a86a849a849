package sessions

import (
	"reflect"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

const h = int64(time.Hour / time.Millisecond)

func pt(id int64, atHours float64, role chat.Role, author string) Point {
	return Point{ID: id, At: int64(atHours * float64(h)), Role: role, Author: author}
}

func TestSplit(t *testing.T) {
	c, a, b, s := chat.RoleCustomer, chat.RoleAgent, chat.RoleBot, chat.RoleSystem
	tests := []struct {
		name   string
		points []Point
		gap    time.Duration
		want   []Span
	}{
		{name: "empty", points: nil, gap: DefaultGap, want: nil},
		{
			name:   "one session within the gap",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 1, a, "Bo"), pt(3, 23, c, "Ann")},
			gap:    DefaultGap,
			want: []Span{{StartedAt: 0, LastMessageAt: 23 * h, MessageCount: 3,
				Replies: Replies{CustomerMessages: 2, AgentMessages: 1, AgentReplied: true, AgentResponseMS: h}}},
		},
		{
			name:   "gap exactly the limit does not split",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 24, c, "Ann")},
			gap:    DefaultGap,
			want:   []Span{{StartedAt: 0, LastMessageAt: 24 * h, MessageCount: 2, Replies: Replies{CustomerMessages: 2}}},
		},
		{
			name:   "gap over the limit splits",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 24.5, c, "Ann"), pt(3, 25, a, "Bo")},
			gap:    DefaultGap,
			want: []Span{
				{StartedAt: 0, LastMessageAt: 0, MessageCount: 1, Replies: Replies{CustomerMessages: 1}},
				{StartedAt: 49 * h / 2, LastMessageAt: 25 * h, MessageCount: 2,
					Replies: Replies{CustomerMessages: 1, AgentMessages: 1, AgentReplied: true, AgentResponseMS: h / 2}},
			},
		},
		{
			name:   "system lines neither open nor stretch a session",
			points: []Point{pt(1, 0, s, ""), pt(2, 10, c, "Ann"), pt(3, 11, a, "Bo"), pt(4, 40, s, ""), pt(5, 100, s, "")},
			gap:    DefaultGap,
			want: []Span{{StartedAt: 10 * h, LastMessageAt: 11 * h, MessageCount: 2,
				Replies: Replies{CustomerMessages: 1, AgentMessages: 1, AgentReplied: true, AgentResponseMS: h}}},
		},
		{
			name:   "a system line inside the gap does not bridge it",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 20, s, ""), pt(3, 40, c, "Ann")},
			gap:    DefaultGap,
			want: []Span{
				{StartedAt: 0, LastMessageAt: 0, MessageCount: 1, Replies: Replies{CustomerMessages: 1}},
				{StartedAt: 40 * h, LastMessageAt: 40 * h, MessageCount: 1, Replies: Replies{CustomerMessages: 1}},
			},
		},
		{
			name:   "bot then human is a handoff",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 0.1, b, "Botty"), pt(3, 0.2, c, "Ann"), pt(4, 0.5, a, "Bo"), pt(5, 0.6, a, "Cy")},
			gap:    DefaultGap,
			want: []Span{{StartedAt: 0, LastMessageAt: int64(0.6 * float64(h)), MessageCount: 5, Bot: "Botty", HandoffAgent: "Bo", HandoffAt: h / 2, HandoffWaitMS: h/2 - h/10,
				Replies: Replies{CustomerMessages: 2, AgentMessages: 2, BotMessages: 1, AgentReplied: true, AgentResponseMS: h / 2, BotReplied: true, BotResponseMS: h / 10}}},
		},
		{
			name:   "bot alone has no handoff",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 0.1, b, "Botty")},
			gap:    DefaultGap,
			want: []Span{{StartedAt: 0, LastMessageAt: h / 10, MessageCount: 2, Bot: "Botty",
				Replies: Replies{CustomerMessages: 1, BotMessages: 1, BotReplied: true, BotResponseMS: h / 10}}},
		},
		{
			name:   "agent before the bot is no handoff",
			points: []Point{pt(1, 0, a, "Bo"), pt(2, 0.1, b, "Botty")},
			gap:    DefaultGap,
			want:   []Span{{StartedAt: 0, LastMessageAt: h / 10, MessageCount: 2, Bot: "Botty", Replies: Replies{AgentMessages: 1, BotMessages: 1}}},
		},
		{
			// An agent writing first (an outbound message) is no reply; the
			// answer to the customer is timed from the customer's message.
			name:   "first response counts from the customer's first message, the bot apart",
			points: []Point{pt(1, 0, a, "Bo"), pt(2, 1, c, "Ann"), pt(3, 1, c, "Ann"), pt(4, 1.5, b, "Botty"), pt(5, 3, a, "Cy"), pt(6, 4, b, "Botty")},
			gap:    DefaultGap,
			want: []Span{{StartedAt: 0, LastMessageAt: 4 * h, MessageCount: 6, Bot: "Botty", HandoffAgent: "Cy", HandoffAt: 3 * h, HandoffWaitMS: 3 * h / 2,
				Replies: Replies{CustomerMessages: 2, AgentMessages: 2, BotMessages: 2, AgentReplied: true, AgentResponseMS: 2 * h, BotReplied: true, BotResponseMS: h / 2}}},
		},
		{
			name:   "a shorter gap",
			points: []Point{pt(1, 0, c, "Ann"), pt(2, 2, c, "Ann")},
			gap:    time.Hour,
			want: []Span{{StartedAt: 0, LastMessageAt: 0, MessageCount: 1, Replies: Replies{CustomerMessages: 1}},
				{StartedAt: 2 * h, LastMessageAt: 2 * h, MessageCount: 1, Replies: Replies{CustomerMessages: 1}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.points, tt.gap)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Split() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	sp := func(start, last float64) Span {
		return Span{StartedAt: int64(start * float64(h)), LastMessageAt: int64(last * float64(h))}
	}
	st := func(id int64, start, last float64) Stored {
		return Stored{ID: id, StartedAt: int64(start * float64(h)), LastMessageAt: int64(last * float64(h))}
	}
	tests := []struct {
		name   string
		stored []Stored
		spans  []Span
		want   Plan
	}{
		{
			name:  "first import creates everything",
			spans: []Span{sp(0, 1), sp(48, 49)},
			want:  Plan{Create: []Span{sp(0, 1), sp(48, 49)}},
		},
		{
			name:   "same split keeps every id",
			stored: []Stored{st(7, 0, 1), st(9, 48, 49)},
			spans:  []Span{sp(0, 1), sp(48, 49)},
			want:   Plan{Keep: []Kept{{7, sp(0, 1)}, {9, sp(48, 49)}}},
		},
		{
			name:   "longer export extends the last session and adds one",
			stored: []Stored{st(7, 0, 1), st(9, 48, 49)},
			spans:  []Span{sp(0, 1), sp(48, 50), sp(100, 101)},
			want:   Plan{Keep: []Kept{{7, sp(0, 1)}, {9, sp(48, 50)}}, Create: []Span{sp(100, 101)}},
		},
		{
			name:   "a filled gap merges two sessions into the earlier",
			stored: []Stored{st(7, 0, 1), st(9, 30, 31)},
			spans:  []Span{sp(0, 31)},
			want:   Plan{Keep: []Kept{{7, sp(0, 31)}}, Merge: []Merge{{Into: 7, From: 9}}},
		},
		{
			name:   "a session no span covers is deleted",
			stored: []Stored{st(7, 0, 1), st(9, 30, 31)},
			spans:  []Span{sp(0, 1)},
			want:   Plan{Keep: []Kept{{7, sp(0, 1)}}, Delete: []int64{9}},
		},
		{
			name:   "a smaller gap splits: the first part keeps the id",
			stored: []Stored{st(7, 0, 10)},
			spans:  []Span{sp(0, 1), sp(9, 10)},
			want:   Plan{Keep: []Kept{{7, sp(0, 1)}}, Create: []Span{sp(9, 10)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Reconcile(tt.stored, tt.spans)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Reconcile() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}
