package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

// importWhatsApp imports a WhatsApp .txt or the zip WhatsApp shares.
func (w *writer) importWhatsApp(ctx context.Context, found *Found) error {
	path := found.Path
	var open whatsapp.Opener
	var exported time.Time // dates the entries of exports whose headers have no year
	title := whatsapp.TitleFromFileName(filepath.Base(path))
	if found.Format == FormatWhatsAppZip {
		entry := found.chat
		if title == "" {
			title = whatsapp.TitleFromFileName(filepath.Base(entry.Name))
		}
		open = entry.Open
		exported = entry.Modified
	} else {
		open = func() (io.ReadCloser, error) { return os.Open(path) }
		if fi, err := os.Stat(path); err == nil {
			exported = fi.ModTime()
		}
	}
	popts := whatsapp.Options{Location: w.im.opts.Location, ExportedAt: exported}

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
		switch {
		case len(info.Authors) == 0:
			return fmt.Errorf("import %s: no message in this chat has an author (only WhatsApp notices)", path)
		case customer == "":
			return fmt.Errorf("import %s: no customer in this chat: every author is a configured agent or bot", path)
		}
	}
	contact := chat.Contact{Name: customer, Identity: nameKey(customer)}
	cw, err := w.openConversation(ctx, chat.WhatsApp, key, title, contact)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer cw.close()
	roles := map[string]chat.Role{}
	customerKey := nameKey(customer)
	info, err := parseAhead(ctx, open, popts, func(m chat.Message) error {
		if m.Role != chat.RoleSystem && m.Kind != chat.KindSystem {
			r, ok := roles[m.Author]
			if !ok {
				r = w.roleOf(m.Author, customerKey)
				roles[m.Author] = r
			}
			m.Role = r
		} else {
			m.Role = chat.RoleSystem
		}
		return cw.add(ctx, m)
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	w.rep.Skipped, w.rep.SkippedLines, w.rep.Repaired = info.Skipped, info.SkippedLines, info.InvalidBytes
	if err := cw.finish(ctx); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	return nil
}

// aheadBatch is how many messages the parser hands over at a time: enough
// that the hand-over costs nothing next to storing them, few enough that
// the messages in flight take a few hundred kilobytes.
const aheadBatch = 1024

// parseAhead is whatsapp.Parse with the parser in a goroutine of its own,
// handing its messages over in batches, so that reading the next messages
// overlaps with SQLite storing the last ones (on two cores the parse costs
// almost nothing of the import's time). each runs in the caller's
// goroutine, in file order; its first error stops the parser and is
// returned. A panic in the parser is returned as an error rather than
// taking the process down from a goroutine nobody waits on.
func parseAhead(ctx context.Context, open whatsapp.Opener, opts whatsapp.Options, each func(chat.Message) error) (whatsapp.Info, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []chat.Message, 2)
	free := make(chan []chat.Message, 3)
	var info whatsapp.Info
	var perr error
	go func() {
		defer close(batches)
		defer func() {
			if r := recover(); r != nil {
				perr = fmt.Errorf("read the chat: the WhatsApp reader failed: %v", r)
			}
		}()
		send := func(b []chat.Message) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		batch := make([]chat.Message, 0, aheadBatch)
		info, perr = whatsapp.Parse(ctx, open, opts, func(m chat.Message) error {
			batch = append(batch, m)
			if len(batch) < aheadBatch {
				return nil
			}
			if err := send(batch); err != nil {
				return err
			}
			select {
			case batch = <-free:
				batch = batch[:0]
			default:
				batch = make([]chat.Message, 0, aheadBatch)
			}
			return nil
		})
		if perr == nil && len(batch) > 0 {
			perr = send(batch)
		}
	}()
	var err error
	for batch := range batches {
		for i := 0; i < len(batch) && err == nil; i++ {
			if err = each(batch[i]); err != nil {
				cancel() // the parser stops at its next message
			}
		}
		clear(batch) // the bodies it holds are stored: let them go
		select {
		case free <- batch:
		default:
		}
	}
	// batches is closed: the parser has returned and info and perr are set.
	if err != nil {
		return info, err
	}
	return info, perr
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
