package importer

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

// importWhatsApp imports a WhatsApp .txt or the zip WhatsApp shares.
func (w *writer) importWhatsApp(ctx context.Context, path, format string) error {
	var open whatsapp.Opener
	title := whatsapp.TitleFromFileName(filepath.Base(path))
	if format == FormatWhatsAppZip {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return fmt.Errorf("import %s: broken zip archive: %w", path, err)
		}
		defer zr.Close()
		entry, _, err := whatsapp.ChatEntry(&zr.Reader)
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		if title == "" {
			title = whatsapp.TitleFromFileName(filepath.Base(entry.Name))
		}
		open = entry.Open
	} else {
		open = func() (io.ReadCloser, error) { return os.Open(path) }
	}
	popts := whatsapp.Options{Location: w.im.opts.Location}

	// Without a chat name in the file name, the participants name the chat
	// and the first of them who is not one of ours is the customer: it
	// takes one more pass over the file, only in this rarer case.
	customer := title
	key := nameKey(title)
	if title == "" {
		info, err := whatsapp.Parse(ctx, open, popts, func(chat.Message) error { return nil })
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		var keys []string
		for _, a := range info.Authors {
			if customer == "" && !w.agents[nameKey(a)] && !w.bots[nameKey(a)] {
				customer = a
			}
			keys = append(keys, nameKey(a))
		}
		sort.Strings(keys)
		key = "participants:" + strings.Join(keys, ",")
		title = strings.Join(info.Authors, ", ")
		if customer == "" {
			return fmt.Errorf("import %s: no customer in this chat: every author is a configured agent or bot", path)
		}
	}
	conv, existed, err := w.conversation(ctx, chat.WhatsApp, key, title, customer)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	var known map[int64]struct{}
	if existed {
		if known, err = w.tx.MessageHashes(ctx, conv.ID); err != nil {
			return err
		}
	}
	ins, err := w.tx.MessageInserter(ctx, conv.ID, w.importID)
	if err != nil {
		return err
	}
	defer ins.Close()

	// A new conversation read in time order (the usual export) is split
	// while it streams; otherwise the messages are read back in order.
	splitter := sessions.NewSplitter(w.gap)
	streamed := !existed
	var lastAt int64
	inserted := 0
	roles := map[string]chat.Role{}
	customerKey := nameKey(customer)
	var occ occurrences
	info, err := whatsapp.Parse(ctx, open, popts, func(m chat.Message) error {
		role := chat.RoleSystem
		if m.Role != chat.RoleSystem && m.Kind != chat.KindSystem {
			r, ok := roles[m.Author]
			if !ok {
				r = w.roleOf(m.Author, customerKey)
				roles[m.Author] = r
			}
			role = r
		}
		at := m.At.UnixMilli()
		row := store.Message{At: at, Author: m.Author, Role: string(role), Kind: string(m.Kind), Body: m.Body,
			Attachments: m.Attachments, Edited: m.Edited, SourceLine: m.Line}
		row.Hash = occ.hash(row)
		_, dup := known[row.Hash]
		if role != chat.RoleSystem {
			w.rep.Messages++
			if dup {
				w.rep.Duplicates++
			}
		}
		if dup {
			return nil
		}
		id, err := ins.Insert(row)
		if err != nil {
			return fmt.Errorf("line %d: %w", m.Line, err)
		}
		inserted++
		if streamed {
			if inserted > 1 && at < lastAt {
				streamed = false
			}
			lastAt = at
			splitter.Add(sessions.Point{ID: id, At: at, Role: role, Author: m.Author})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if err := ins.Close(); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	w.rep.Skipped = info.Skipped
	w.rep.Conversations = 1
	if inserted == 0 && w.im.opts.Gap == 0 {
		return nil // nothing new: the sessions stand as they are
	}
	if existed {
		if err := w.tx.TouchConversation(ctx, conv.ID, w.im.opts.Now().UnixMilli()); err != nil {
			return err
		}
	}
	if !streamed {
		splitter = sessions.NewSplitter(w.gap)
		err := w.tx.EachMessagePoint(ctx, conv.ID, func(p store.MessagePoint) {
			splitter.Add(sessions.Point{ID: p.ID, At: p.At, Role: chat.Role(p.Role), Author: p.Author})
		})
		if err != nil {
			return err
		}
	}
	created, err := w.splitConversation(ctx, conv, splitter.Spans())
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	w.rep.Sessions = created
	return nil
}

// roleOf decides who an author is: configured bots and agents first; then
// the person the chat is with is the customer; when agents are configured,
// everyone else is a customer too (a group with customers), otherwise
// everyone else is the business.
func (w *writer) roleOf(author, customerKey string) chat.Role {
	k := nameKey(author)
	switch {
	case w.bots[k]:
		return chat.RoleBot
	case w.agents[k]:
		return chat.RoleAgent
	case k == customerKey:
		return chat.RoleCustomer
	case len(w.agents) > 0:
		return chat.RoleCustomer
	default:
		return chat.RoleAgent
	}
}

// conversation finds or creates the conversation and its contact.
func (w *writer) conversation(ctx context.Context, channel chat.Channel, key, title, customer string) (store.Conversation, bool, error) {
	conv, err := w.tx.ConversationByKey(ctx, string(channel), key)
	if err == nil {
		return conv, true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Conversation{}, false, err
	}
	now := w.im.opts.Now().UnixMilli()
	identity := nameKey(customer)
	contact, err := w.tx.ContactByIdentity(ctx, string(channel), identity)
	if errors.Is(err, store.ErrNotFound) {
		contact = store.Contact{Name: customer}
		if looksLikePhone(customer) {
			contact.Phone = customer
		}
		contact.ID, err = w.tx.CreateContact(ctx, contact, string(channel), identity, now)
	}
	if err != nil {
		return store.Conversation{}, false, err
	}
	conv = store.Conversation{Channel: string(channel), ExternalKey: key, ContactID: contact.ID, Title: title}
	conv.ID, err = w.tx.CreateConversation(ctx, conv, now)
	return conv, false, err
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
	h = fnvString(h, strings.TrimRight(m.Body, "\r\n"))
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

// FileHash is the content hash the import history keeps for a file, so a
// watched folder imports each file once whatever its name.
func FileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
