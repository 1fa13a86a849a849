package importer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
)

// conversationWriter adds the messages of one conversation in an import:
// it skips those a former import stored (same hash), inserts the rest in
// batches, and splits the conversation into sessions at the end, while the
// messages stream when it can.
type conversationWriter struct {
	w       *writer
	conv    store.Conversation
	existed bool
	known   map[int64]store.KnownMessage
	// reread counts stored messages whose role or kind this import reads
	// differently: the sessions are split again.
	reread   int
	ins      *store.MessageInserter
	splitter *sessions.Splitter
	streamed bool // the split follows the stream: a new conversation in time order
	lastAt   int64
	inserted int
	occ      occurrences
}

// openConversation finds or creates the conversation (and its contact) and
// prepares to add messages to it. Call close when done, finish to keep.
func (w *writer) openConversation(ctx context.Context, channel chat.Channel, key, title string, contact chat.Contact) (*conversationWriter, error) {
	conv, existed, err := w.conversation(ctx, channel, key, title, contact)
	if err != nil {
		return nil, err
	}
	cw := &conversationWriter{w: w, conv: conv, existed: existed, splitter: sessions.NewSplitter(w.gap), streamed: !existed}
	if existed {
		if cw.known, err = w.tx.MessageHashes(ctx, conv.ID); err != nil {
			return nil, err
		}
	}
	if cw.ins, err = w.tx.MessageInserter(ctx, conv.ID, w.importID); err != nil {
		return nil, err
	}
	w.rep.Conversations++
	return cw, nil
}

// add stores m (its Role decided) unless it is already there.
func (cw *conversationWriter) add(ctx context.Context, m chat.Message) error {
	at := m.At.UnixMilli()
	row := store.Message{At: at, Author: m.Author, Role: string(m.Role), Kind: string(m.Kind), Body: m.Body,
		Attachments: m.Attachments, Reactions: m.Reactions, Edited: m.Edited, SourceLine: m.Line}
	row.Hash = cw.occ.hash(row)
	known, dup := cw.known[row.Hash]
	if m.Role != chat.RoleSystem {
		cw.w.rep.Messages++
		if dup {
			cw.w.rep.Duplicates++
		}
	}
	if dup {
		if known.Role != row.Role || known.Kind != row.Kind {
			if err := cw.w.tx.Reclassify(ctx, known.ID, row.Role, row.Kind); err != nil {
				return fmt.Errorf("line %d: %w", m.Line, err)
			}
			cw.reread++
			cw.w.rep.Reread++
			cw.streamed = false
		}
		return nil
	}
	id, err := cw.ins.Insert(row)
	if err != nil {
		return fmt.Errorf("line %d: %w", m.Line, err)
	}
	cw.inserted++
	if cw.streamed {
		if cw.inserted > 1 && at < cw.lastAt {
			cw.streamed = false
		}
		cw.lastAt = at
		cw.splitter.Add(sessions.Point{ID: id, At: at, Role: m.Role, Author: m.Author})
	}
	return nil
}

// finish writes what is queued and brings the sessions in line.
func (cw *conversationWriter) finish(ctx context.Context) error {
	if err := cw.ins.Close(); err != nil {
		return err
	}
	cw.ins = nil
	w := cw.w
	if cw.inserted == 0 && cw.reread == 0 && w.im.opts.Gap == 0 {
		return nil // nothing new: the sessions stand as they are
	}
	if cw.existed {
		if err := w.tx.TouchConversation(ctx, cw.conv.ID, w.im.opts.Now().UnixMilli()); err != nil {
			return err
		}
	}
	if !cw.streamed {
		// The new messages may fall anywhere among the old ones (or the
		// file was out of time order): read them all back in order.
		cw.splitter = sessions.NewSplitter(w.gap)
		err := w.tx.EachMessagePoint(ctx, cw.conv.ID, func(p store.MessagePoint) {
			cw.splitter.Add(sessions.Point{ID: p.ID, At: p.At, Role: chat.Role(p.Role), Author: p.Author})
		})
		if err != nil {
			return err
		}
	}
	created, err := w.splitConversation(ctx, cw.conv, cw.splitter.Spans())
	if err != nil {
		return err
	}
	w.rep.Sessions += created
	return nil
}

// close releases the statement of a writer that did not finish.
func (cw *conversationWriter) close() {
	if cw.ins != nil {
		_ = cw.ins.Close()
	}
}

// conversation finds or creates the conversation and its contact. A
// contact met again is the same contact: known by the same identity on
// the channel, or by the same email on any channel.
func (w *writer) conversation(ctx context.Context, channel chat.Channel, key, title string, c chat.Contact) (store.Conversation, bool, error) {
	conv, err := w.tx.ConversationByKey(ctx, string(channel), key)
	if err == nil {
		return conv, true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Conversation{}, false, err
	}
	contactID, err := w.contact(ctx, channel, c)
	if err != nil {
		return store.Conversation{}, false, err
	}
	now := w.im.opts.Now().UnixMilli()
	conv = store.Conversation{Channel: string(channel), ExternalKey: key, ContactID: contactID, Title: title}
	conv.ID, err = w.tx.CreateConversation(ctx, conv, now)
	return conv, false, err
}

func (w *writer) contact(ctx context.Context, channel chat.Channel, c chat.Contact) (int64, error) {
	now := w.im.opts.Now().UnixMilli()
	identity := c.Identity
	if identity == "" {
		identity = nameKey(c.Name)
	}
	found, err := w.tx.ContactByIdentity(ctx, string(channel), identity)
	if err == nil {
		if c.Email != "" && found.Email == "" {
			return found.ID, w.tx.SetContactEmail(ctx, found.ID, c.Email)
		}
		return found.ID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	if c.Email != "" {
		found, err := w.tx.ContactByEmail(ctx, c.Email)
		if err == nil {
			return found.ID, w.tx.AddContactIdentity(ctx, found.ID, string(channel), identity)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
	}
	contact := store.Contact{Name: c.Name, Email: c.Email}
	if contact.Name == "" {
		contact.Name = c.Email
	}
	if looksLikePhone(c.Name) {
		contact.Phone = c.Name
	}
	return w.tx.CreateContact(ctx, contact, string(channel), identity, now)
}

func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+ -()\u00a0\u2011", r):
		default:
			return false
		}
	}
	return digits >= 6
}

// occurrences makes identical messages distinguishable: two "ok" by the same
// author in the same minute are two messages, and a longer export of the
// same chat numbers them the same way, so re-imports find them again.
// Identical messages sit next to each other in time, so the counts reset
// whenever the time changes and memory stays small.
type occurrences struct {
	at     int64
	counts map[uint64]int
}

func (o *occurrences) hash(m store.Message) int64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(m.At))
	h := fnvBytes(fnvOffset, b[:])
	h = fnvString(h, m.Author)
	h = fnvBytes(h, []byte{0})
	// A chat's last message keeps the file's final newline; the same
	// message inside a longer export has none, and must hash the same.
	// Leading bidi marks are not part of what was said: an earlier version
	// kept U+200F at the start of Arabic bodies, and must find them again.
	h = fnvString(h, strings.TrimRight(strings.TrimLeft(m.Body, "\u200e\u200f\ufeff\u061c"), "\r\n"))
	for _, a := range m.Attachments {
		h = fnvBytes(h, []byte{0})
		h = fnvString(h, a)
	}
	if o.counts == nil {
		o.counts = map[uint64]int{}
	}
	if o.at != m.At {
		o.at = m.At
		clear(o.counts)
	}
	n := o.counts[h]
	o.counts[h] = n + 1
	if n > 0 {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		h = fnvBytes(fnvBytes(h, []byte{1}), b[:])
	}
	return int64(h)
}

// FNV-1a, 64 bit, written out so hashing a message allocates nothing.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}
