package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/meta"
	"github.com/sessions-app/sessions/backend/webchat"
)

// importMetaFolder imports the threads Discover found in a folder.
func (w *writer) importMetaFolder(ctx context.Context, dir string, dl meta.Download) error {
	return w.importMetaThreads(ctx, dir, os.DirFS(dir), dl.Threads)
}

// mine returns the threads to import of a Meta zip (all of them) or of one
// thread file (the thread it belongs to: a message_N.json named on the
// command line, or one E2EE chat file).
func (f *Found) mine() []meta.ThreadRef {
	if f.Format != FormatMetaFile {
		return f.dl.Threads
	}
	base := filepath.Base(f.Path)
	var mine []meta.ThreadRef
	for _, t := range f.dl.Threads {
		if slices.ContainsFunc(t.Files, func(name string) bool { return path.Base(name) == base }) {
			mine = append(mine, t)
		}
	}
	return mine
}

// importMetaThreads imports threads one by one into the current
// transaction. A thread that cannot be read is reported in the file's
// skipped list and its siblings still import.
func (w *writer) importMetaThreads(ctx context.Context, source string, fsys fs.FS, threads []meta.ThreadRef) error {
	owner, err := meta.GuessOwner(ctx, fsys, threads)
	if err != nil {
		return fmt.Errorf("import %s: %w", source, err)
	}
	imported := 0
	for _, ref := range threads {
		if err := ctx.Err(); err != nil {
			return err
		}
		conv, err := meta.ReadThreadWith(ctx, fsys, ref, meta.ReadOptions{Location: w.im.opts.Location, Owner: owner})
		if err != nil {
			if errors.Is(err, meta.ErrCorrupt) {
				w.rep.Skipped = append(w.rep.Skipped, chat.Skipped{File: ref.Dir, Reason: err.Error()})
				w.rep.BrokenThreads++
				continue
			}
			return fmt.Errorf("import %s: %w", source, err)
		}
		w.rep.Repaired += conv.Repaired
		if len(conv.Messages) == 0 {
			continue
		}
		conv.Contact = w.metaCustomer(conv, owner)
		if err := w.importThread(ctx, conv, owner); err != nil {
			return fmt.Errorf("import %s: thread %s: %w", source, ref.Dir, err)
		}
		imported++
	}
	if imported == 0 && len(w.rep.Skipped) > 0 {
		return fmt.Errorf("import %s: no thread could be read (%s)", source, w.rep.Skipped[0].Reason)
	}
	return nil
}

// metaCustomer picks the customer of a Meta thread: the participants who
// are neither the account owner nor a configured agent or bot; the thread
// title names them in a 1:1 chat.
func (w *writer) metaCustomer(conv chat.Conversation, owner string) chat.Contact {
	ours := func(name string) bool {
		k := nameKey(name)
		return k == nameKey(owner) || w.agents[k] || w.bots[k]
	}
	for _, p := range conv.Participants {
		if nameKey(p) == nameKey(conv.Title) && !ours(p) {
			return chat.Contact{Name: p, Identity: nameKey(p)}
		}
	}
	for _, p := range conv.Participants {
		if !ours(p) {
			return chat.Contact{Name: p, Identity: nameKey(p)}
		}
	}
	return chat.Contact{Name: conv.Title, Identity: nameKey(conv.Title)}
}

// importWebChat imports a web-chat export: the generic JSON or CSV, or a
// Chatwoot or tawk.to payload.
func (w *writer) importWebChat(ctx context.Context, path string, f webchat.Format) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer file.Close()
	res, err := webchat.Read(ctx, file, path, f, w.im.opts.Location)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	w.rep.Skipped = append(w.rep.Skipped, res.Skipped...)
	w.rep.Repaired += res.Repaired
	for _, conv := range res.Conversations {
		if err := w.importThread(ctx, conv, ""); err != nil {
			return fmt.Errorf("import %s: conversation %s: %w", path, conv.Key, err)
		}
	}
	return nil
}

// importThread writes one whole conversation. Roles the export states
// (web chat) stand, but a configured bot name makes a bot; roles it leaves
// open (Meta) are decided: the owner and configured agents are agents,
// everybody else a customer.
func (w *writer) importThread(ctx context.Context, conv chat.Conversation, owner string) error {
	cw, err := w.openConversation(ctx, conv.Channel, conv.Key, conv.Title, conv.Contact)
	if err != nil {
		return err
	}
	defer cw.close()
	ownerKey := nameKey(owner)
	for _, m := range conv.Messages {
		k := nameKey(m.Author)
		switch {
		case m.Role == chat.RoleSystem || m.Kind == chat.KindSystem:
			m.Role = chat.RoleSystem
		case w.bots[k]:
			m.Role = chat.RoleBot
		case m.Role != "":
		case w.agents[k] || (ownerKey != "" && k == ownerKey):
			m.Role = chat.RoleAgent
		case k == nameKey(conv.Contact.Name):
			m.Role = chat.RoleCustomer
		case ownerKey == "" && len(w.agents) == 0:
			// Nobody is known to be ours: the customer is the contact and
			// the other side is the business.
			m.Role = chat.RoleAgent
		default:
			m.Role = chat.RoleCustomer
		}
		if err := cw.add(ctx, m); err != nil {
			return err
		}
	}
	return cw.finish(ctx)
}
