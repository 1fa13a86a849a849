// Package sample writes a generated, clearly fictional library (the
// customers of a made-up plant shop) over all four channels, so a new user
// sees every feature at once: labels and custom fields, a bot handing off
// to a person, active and completed sessions, a thread of hundreds of
// sessions and a session of hundreds of messages. It is written through
// the store's own transactions (the search outbox and summary queue fill
// as for an import) and remembers what it added, so Remove takes back
// exactly that and nothing of the user's own.
package sample

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
)

// ErrLoaded is Load called while the sample library is there.
var ErrLoaded = errors.New("the sample data is already loaded")

// ImportPath and ImportFormat are how the import history lists the sample.
const (
	ImportPath   = "Sample data (fictional)"
	ImportFormat = "sample"
)

// Options are the choices of Load.
type Options struct {
	// Now is the clock: the sample's newest sessions end minutes before
	// it, so they are Active. Nil means time.Now.
	Now func() time.Time
	// Location is the zone the dates in messages and fields are written
	// in; nil means time.Local.
	Location *time.Location
	// Seed varies the generated details; the same seed and clock give the
	// same library.
	Seed uint64
}

// Result counts what Load wrote.
type Result struct {
	Conversations, Messages, Sessions int
}

// mark is what the sample added, kept as a setting so Remove takes back
// exactly that: labels and fields only when the sample created them.
type mark struct {
	ImportID      int64    `json:"import_id"`
	Conversations []int64  `json:"conversations"`
	Contacts      []int64  `json:"contacts"`
	Labels        []int64  `json:"labels"`
	Fields        []string `json:"fields"`
}

// Has reports whether the sample library is loaded.
func Has(ctx context.Context, st *store.Store) (bool, error) {
	_, err := st.Setting(ctx, store.SettingSampleData)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for the sample data: %w", err)
	}
	return true, nil
}

// Load writes the sample library in one transaction, split with the
// library's session gap.
func Load(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	var res Result
	err := st.Update(ctx, func(tx *store.Tx) error {
		res = Result{}
		if _, err := tx.Setting(ctx, store.SettingSampleData); err == nil {
			return ErrLoaded
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		gap, err := storedGap(ctx, tx)
		if err != nil {
			return err
		}
		now := opts.Now()
		w := &writer{tx: tx, now: now, nowMS: now.UnixMilli(), loc: opts.Location, gap: gap, res: &res,
			labels: map[string]bool{}, fields: map[string]bool{}}
		rec := store.Import{Path: ImportPath, Format: ImportFormat, Status: "ok", StartedAt: w.nowMS, FinishedAt: w.nowMS}
		if w.mark.ImportID, err = tx.RecordImport(ctx, rec); err != nil {
			return err
		}
		if err := w.defineLabelsAndFields(ctx); err != nil {
			return err
		}
		for i, c := range customers {
			if err := ctx.Err(); err != nil {
				return err
			}
			rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
			if err := w.customer(ctx, c, rng); err != nil {
				return fmt.Errorf("sample conversation with %s: %w", c.name, err)
			}
		}
		rec.ID, rec.Conversations, rec.Messages, rec.Sessions = w.mark.ImportID, res.Conversations, res.Messages, res.Sessions
		if err := tx.FinishImport(ctx, rec); err != nil {
			return err
		}
		b, err := json.Marshal(w.mark)
		if err != nil {
			return fmt.Errorf("encode the sample's mark: %w", err)
		}
		return tx.SetSetting(ctx, store.SettingSampleData, string(b))
	})
	if err != nil {
		return Result{}, fmt.Errorf("load the sample data: %w", err)
	}
	return res, nil
}

// Remove takes the sample library back in one transaction and returns the
// number of sessions removed; with none loaded it removes nothing. A
// label or field the sample created stays when the user has since used it
// on a session of their own.
func Remove(ctx context.Context, st *store.Store) (int, error) {
	removed := 0
	err := st.Update(ctx, func(tx *store.Tx) error {
		removed = 0
		v, err := tx.Setting(ctx, store.SettingSampleData)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var m mark
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return fmt.Errorf("read the sample's mark: %w", err)
		}
		for _, id := range m.Conversations {
			n, err := tx.DeleteConversation(ctx, id)
			if err != nil {
				return err
			}
			removed += n
		}
		for _, id := range m.Contacts {
			if err := tx.DeleteContactIfUnused(ctx, id); err != nil {
				return err
			}
		}
		for _, id := range m.Labels {
			if err := tx.DeleteLabelIfUnused(ctx, id); err != nil {
				return err
			}
		}
		for _, key := range m.Fields {
			if err := tx.DeleteFieldIfUnused(ctx, key); err != nil {
				return err
			}
		}
		return tx.DeleteSetting(ctx, store.SettingSampleData)
	})
	if err != nil {
		return 0, fmt.Errorf("remove the sample data: %w", err)
	}
	return removed, nil
}

func storedGap(ctx context.Context, tx *store.Tx) (time.Duration, error) {
	v, err := tx.Setting(ctx, store.SettingSessionGap)
	if errors.Is(err, store.ErrNotFound) {
		return sessions.DefaultGap, nil
	}
	if err != nil {
		return 0, err
	}
	gap, err := time.ParseDuration(v)
	if err != nil || gap <= 0 {
		return 0, fmt.Errorf("stored session gap %q is not a duration", v)
	}
	return gap, nil
}

// writer is one Load's transaction and what it has written so far.
type writer struct {
	tx    *store.Tx
	now   time.Time
	nowMS int64
	loc   *time.Location
	gap   time.Duration
	res   *Result
	mark  mark
	// labels and fields are the names and keys the sessions may use: the
	// sample's own, and the user's of the same name that fit.
	labels, fields map[string]bool
}

func (w *writer) defineLabelsAndFields(ctx context.Context) error {
	names := make([]string, 0, len(labelColors))
	for n := range labelColors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l, err := w.tx.CreateLabel(ctx, n, labelColors[n], w.nowMS)
		switch {
		case errors.Is(err, store.ErrExists):
			// The user's own label of that name: the sample uses it and
			// leaves it when removed.
		case err != nil:
			return err
		default:
			w.mark.Labels = append(w.mark.Labels, l.ID)
		}
		w.labels[n] = true
	}
	for _, f := range fieldDefs {
		_, err := w.tx.DefineField(ctx, f.key, f.name, f.typ, f.choices, w.nowMS)
		switch {
		case errors.Is(err, store.ErrExists):
		case err != nil:
			return err
		default:
			w.mark.Fields = append(w.mark.Fields, f.key)
		}
		w.fields[f.key] = true
	}
	return nil
}

// planned is a session the sample means to write: its topic and values,
// and when it starts (the split decides which stored session it is).
type planned struct {
	start  int64
	topic  topic
	values map[string]string
}

func (w *writer) customer(ctx context.Context, c customer, rng *rand.Rand) error {
	slug := strings.ToLower(strings.ReplaceAll(c.name, " ", "-"))
	contactID, err := w.tx.CreateContact(ctx, store.Contact{Name: c.name, Email: c.email, Phone: c.phone}, c.channel, "sample:"+slug, w.nowMS)
	if err != nil {
		return err
	}
	w.mark.Contacts = append(w.mark.Contacts, contactID)
	conv := store.Conversation{Channel: c.channel, ExternalKey: "sample:" + slug, ContactID: contactID, Title: c.name}
	if conv.ID, err = w.tx.CreateConversation(ctx, conv, w.nowMS); err != nil {
		return err
	}
	w.mark.Conversations = append(w.mark.Conversations, conv.ID)
	w.res.Conversations++

	msgs, plan := w.thread(c, rng)
	ins, err := w.tx.MessageInserter(ctx, conv.ID, w.mark.ImportID)
	if err != nil {
		return err
	}
	points := make([]sessions.Point, 0, len(msgs))
	for i, m := range msgs {
		m.Hash = hashOf(i, m)
		id, err := ins.Insert(m)
		if err != nil {
			_ = ins.Close()
			return err
		}
		points = append(points, sessions.Point{ID: id, At: m.At, Role: chat.Role(m.Role), Author: m.Author})
		if m.Role != string(chat.RoleSystem) {
			w.res.Messages++
		}
	}
	if err := ins.Close(); err != nil {
		return err
	}
	spans := sessions.Split(points, w.gap)
	ids := make([]int64, len(spans))
	for i, sp := range spans {
		row := store.SessionSpan{StartedAt: sp.StartedAt, LastMessageAt: sp.LastMessageAt, GapMS: w.gap.Milliseconds(),
			MessageCount: sp.MessageCount, Bot: sp.Bot, HandoffAgent: sp.HandoffAgent, HandoffAt: sp.HandoffAt, HandoffWaitMS: sp.HandoffWaitMS, Replies: sp.Replies}
		if ids[i], err = w.tx.InsertSession(ctx, conv.ID, contactID, c.channel, row, w.nowMS); err != nil {
			return err
		}
	}
	w.res.Sessions += len(spans)
	for _, p := range plan {
		// The stored session holding the planned one's first message: a
		// library with a long gap may join two planned sessions in one.
		i := sort.Search(len(spans), func(i int) bool { return spans[i].LastMessageAt >= p.start })
		if i == len(spans) {
			continue
		}
		if err := w.file(ctx, ids[i], p); err != nil {
			return err
		}
	}
	return nil
}

// file puts a planned session's labels and field values on the stored one.
func (w *writer) file(ctx context.Context, sessionID int64, p planned) error {
	for _, l := range p.topic.labels {
		if !w.labels[l] {
			continue
		}
		if err := w.tx.LabelSession(ctx, sessionID, l, w.nowMS); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(p.topic.fields))
	for k := range p.topic.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !w.fields[k] {
			continue
		}
		_, err := w.tx.SetSessionField(ctx, sessionID, k, fill(p.topic.fields[k], p.values))
		if err != nil && !w.ownField(k) {
			continue // the user's field of that key takes other values
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) ownField(key string) bool {
	for _, k := range w.mark.Fields {
		if k == key {
			return true
		}
	}
	return false
}

// thread generates the messages of one customer's conversation, oldest
// first, and the sessions they are meant to form.
func (w *writer) thread(c customer, rng *rand.Rand) ([]store.Message, []planned) {
	// The last session starts shortly before now when the thread is
	// active, days before otherwise; earlier ones lie days apart, always
	// more than a day, so the default gap keeps them apart.
	var last time.Time
	if c.active {
		last = w.now.Add(-time.Duration(45+rng.IntN(45)) * time.Minute)
	} else {
		last = w.now.Add(-time.Duration(30+rng.IntN(20*24)) * time.Hour)
	}
	starts := make([]time.Time, c.sessions)
	starts[len(starts)-1] = last
	for i := len(starts) - 2; i >= 0; i-- {
		starts[i] = starts[i+1].Add(-time.Duration(36+rng.IntN(7*24)) * time.Hour)
	}
	agent := agentMaya
	if rng.IntN(2) == 1 {
		agent = agentJonas
	}
	var msgs []store.Message
	var plan []planned
	if c.channel == "whatsapp" {
		msgs = append(msgs, store.Message{At: starts[0].Add(-time.Minute).UnixMilli(), Role: "system", Kind: "system",
			Body: "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them."})
	}
	for k, start := range starts {
		name := c.topics[k%len(c.topics)]
		tp := topics[name]
		values := w.values(start, rng)
		plan = append(plan, planned{start: start.UnixMilli(), topic: tp, values: values})
		lines := tp.lines
		if name == "troubleshoot" {
			for r := 0; r < 30; r++ {
				lines = append(lines[:len(lines):len(lines)], troubleshootRounds...)
			}
			lines = append(lines, line{"c", "Wiping them worked, it reads 46% now!"}, line{"a", "Wonderful! Happy to have helped."})
		}
		at := start
		for j, l := range lines {
			if j > 0 {
				at = at.Add(pause(l.who, rng))
			}
			msgs = append(msgs, w.message(c, l, at, agent, values, j, rng))
		}
	}
	return msgs, plan
}

// pause is the time before a message: a bot answers in seconds, people
// in minutes.
func pause(who string, rng *rand.Rand) time.Duration {
	if who == "b" {
		return time.Duration(3+rng.IntN(6)) * time.Second
	}
	return time.Duration(40+rng.IntN(240)) * time.Second
}

func (w *writer) message(c customer, l line, at time.Time, agent string, values map[string]string, j int, rng *rand.Rand) store.Message {
	m := store.Message{At: at.UnixMilli(), Role: "customer", Kind: "text", Author: c.name, Body: fill(l.text, values)}
	switch l.who {
	case "a":
		m.Role, m.Author = "agent", agent
		if strings.Contains(l.text, "Jonas here") {
			m.Author = agentJonas
		}
		// Now and then an agent fixes a typo.
		m.Edited = j > 1 && rng.IntN(5) == 0
	case "b":
		m.Role, m.Author = "bot", bot
	case "s":
		m.Role, m.Kind, m.Author = "system", "system", ""
	case "m":
		m.Kind, m.Attachments = "media", []string{m.Body}
	case "d":
		m.Kind, m.Body = "deleted", "This message was deleted"
	}
	return m
}

// values are the placeholders of one session.
func (w *writer) values(start time.Time, rng *rand.Rand) map[string]string {
	return map[string]string{
		"order": "FH-" + strconv.Itoa(10000+rng.IntN(90000)),
		"plant": plants[rng.IntN(len(plants))],
		"date":  start.In(w.loc).AddDate(0, 0, 2+rng.IntN(5)).Format(time.DateOnly),
		"value": strconv.Itoa(20 + rng.IntN(460)),
	}
}

func fill(s string, values map[string]string) string {
	for k, v := range values {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// hashOf identifies a sample message within its conversation, as an
// import's content hash does.
func hashOf(i int, m store.Message) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%d\x00%s\x00%s", i, m.At, m.Author, m.Body)
	return int64(h.Sum64())
}
