// Package resplit splits every conversation of the library again under a
// new session gap. Preview says how many sessions would change without
// writing; Apply makes the change in one transaction with the same
// reconciliation a re-import uses (sessions.Reconcile), so a session that
// survives keeps its id and with it its labels, fields and summary.
package resplit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
)

// MinGap is the shortest session gap accepted: below a minute every
// pause in typing would end a session.
const MinGap = time.Minute

// ErrGap is a session gap that cannot be used.
var ErrGap = errors.New("the session gap must be a duration of at least 1m, such as 30m, 12h or 24h")

// ParseGap reads a gap as Go writes durations ("24h", "90m", "1h30m").
func ParseGap(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("session gap %q: %w", s, ErrGap)
	}
	if d < MinGap {
		return 0, fmt.Errorf("session gap %s: %w", d, ErrGap)
	}
	return d, nil
}

// Result counts the sessions before and after a re-split, and those that
// change: new ones, ones that go (deleted or merged into a neighbour), and
// kept ones whose start, end or message count moves.
type Result struct {
	SessionsNow   int
	SessionsAfter int
	Changed       int
}

// Preview says what Apply would do with gap, reading outside any write.
func Preview(ctx context.Context, st *store.Store, gap time.Duration) (Result, error) {
	if gap < MinGap {
		return Result{}, fmt.Errorf("preview session gap %s: %w", gap, ErrGap)
	}
	convs, err := st.Conversations(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("preview session gap %s: %w", gap, err)
	}
	var res Result
	for _, c := range convs {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		stored, err := st.ConversationSessionSpans(ctx, c.ID)
		if err != nil {
			return Result{}, fmt.Errorf("preview session gap %s: %w", gap, err)
		}
		sp := sessions.NewSplitter(gap)
		if err := st.EachMessagePoint(ctx, c.ID, addTo(sp)); err != nil {
			return Result{}, fmt.Errorf("preview session gap %s: %w", gap, err)
		}
		_, n := plan(stored, sp.Spans())
		res.add(n)
	}
	return res, nil
}

// Apply splits every conversation with gap and stores gap as the setting
// later imports use, all in one transaction: a failure or a cancel leaves
// the library as it was. now (UTC ms) stamps the changed sessions.
func Apply(ctx context.Context, st *store.Store, gap time.Duration, now int64) (Result, error) {
	if gap < MinGap {
		return Result{}, fmt.Errorf("apply session gap %s: %w", gap, ErrGap)
	}
	var res Result
	err := st.Update(ctx, func(tx *store.Tx) error {
		res = Result{}
		convs, err := tx.Conversations(ctx)
		if err != nil {
			return err
		}
		for _, c := range convs {
			if err := ctx.Err(); err != nil {
				return err
			}
			n, err := applyConversation(ctx, tx, c, gap, now)
			if err != nil {
				return err
			}
			res.add(n)
		}
		return tx.SetSetting(ctx, store.SettingSessionGap, gap.String())
	})
	if err != nil {
		return Result{}, fmt.Errorf("apply session gap %s: %w", gap, err)
	}
	return res, nil
}

func applyConversation(ctx context.Context, tx *store.Tx, c store.ConversationRef, gap time.Duration, now int64) (Result, error) {
	stored, err := tx.ConversationSessionSpans(ctx, c.ID)
	if err != nil {
		return Result{}, err
	}
	sp := sessions.NewSplitter(gap)
	if err := tx.EachMessagePoint(ctx, c.ID, addTo(sp)); err != nil {
		return Result{}, err
	}
	p, n := plan(stored, sp.Spans())
	for _, m := range p.Merge {
		if err := tx.MergeSession(ctx, m.Into, m.From); err != nil {
			return Result{}, err
		}
	}
	for _, id := range p.Delete {
		if err := tx.DeleteSession(ctx, id); err != nil {
			return Result{}, err
		}
	}
	// Every kept session is written, also when its bounds stay: its gap
	// (which decides Active or Completed) is the new one.
	for _, k := range p.Keep {
		if err := tx.UpdateSession(ctx, k.ID, row(k.Span, gap), now); err != nil {
			return Result{}, err
		}
	}
	for _, s := range p.Create {
		if _, err := tx.InsertSession(ctx, c.ID, c.ContactID, c.Channel, row(s, gap), now); err != nil {
			return Result{}, err
		}
	}
	return n, nil
}

func addTo(sp *sessions.Splitter) func(store.MessagePoint) {
	return func(p store.MessagePoint) {
		sp.Add(sessions.Point{ID: p.ID, At: p.At, Role: chat.Role(p.Role), Author: p.Author})
	}
}

// plan reconciles a conversation's stored sessions with its new spans and
// counts what changes.
func plan(stored []store.StoredSpan, spans []sessions.Span) (sessions.Plan, Result) {
	bounds := make([]sessions.Stored, len(stored))
	byID := make(map[int64]store.StoredSpan, len(stored))
	for i, s := range stored {
		bounds[i] = sessions.Stored{ID: s.ID, StartedAt: s.StartedAt, LastMessageAt: s.LastMessageAt}
		byID[s.ID] = s
	}
	p := sessions.Reconcile(bounds, spans)
	n := Result{SessionsNow: len(stored), SessionsAfter: len(spans), Changed: len(p.Create) + len(p.Delete) + len(p.Merge)}
	for _, k := range p.Keep {
		old := byID[k.ID]
		if old.StartedAt != k.Span.StartedAt || old.LastMessageAt != k.Span.LastMessageAt || old.MessageCount != k.Span.MessageCount {
			n.Changed++
		}
	}
	return p, n
}

func (r *Result) add(n Result) {
	r.SessionsNow += n.SessionsNow
	r.SessionsAfter += n.SessionsAfter
	r.Changed += n.Changed
}

func row(sp sessions.Span, gap time.Duration) store.SessionSpan {
	return store.SessionSpan{StartedAt: sp.StartedAt, LastMessageAt: sp.LastMessageAt, GapMS: gap.Milliseconds(),
		MessageCount: sp.MessageCount, Bot: sp.Bot, HandoffAgent: sp.HandoffAgent, HandoffAt: sp.HandoffAt,
		HandoffWaitMS: sp.HandoffWaitMS, Replies: sp.Replies}
}
