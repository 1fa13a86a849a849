// Package meta reads Meta "Download your information" exports: Instagram and
// Facebook Messenger threads as JSON (every layout era), the newer flat E2EE
// Messenger JSON, and the HTML variant (FORMATS.md §2).
//
// A download is any fs.FS: a folder through os.DirFS or a zip through
// *zip.Reader, so nothing is ever unpacked to disk. Discover walks it and
// finds the threads; ReadThread reads one thread into a chat.Conversation,
// GuessOwner names the account owner from the participant lists alone.
//
// Meta writes every JSON string as mojibake (each UTF-8 byte as a code point
// U+0000..U+00FF); every string read from a thread goes through FixMojibake.
package meta

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// Format is the file format of a thread.
type Format string

// The formats of a thread. The strings are the identifiers reported to the
// importer and the user.
const (
	FormatJSON Format = "meta-json"      // DYI message_N.json (Facebook and Instagram)
	FormatE2EE Format = "meta-e2ee-json" // flat E2EE Messenger export, camelCase fields
	FormatHTML Format = "meta-html"      // DYI message_N.html, used only when a thread has no JSON
)

// ThreadRef is one thread found in a download.
type ThreadRef struct {
	// Dir is the slash path of the thread's folder inside the download; for
	// a single-file thread (E2EE, a loose thread JSON) it is the file's path.
	Dir string
	// Key identifies the thread across exports and layout eras: the thread
	// folder name ("alice_ABC123") for DYI, "e2ee:" + the file's base name
	// without extension for E2EE, "json:" + the same for a loose thread JSON
	// that is not in a thread folder. The same thread in a 2024 and a 2025
	// layout download gets the same Key. It is "" for thread files lying at
	// the top of fsys; ReadThread then takes the base of the thread's
	// "thread_path", or "title:" + its title.
	Key string
	// Files are the thread's message files, slash paths: message_N.json in
	// numeric order of N, or the .html files when the thread has no JSON.
	Files []string
	// Format is the format of Files.
	Format Format
	// Channel is chat.Instagram or chat.Facebook, told from the export
	// itself (see channelOf in discover.go for the rule and its evidence).
	Channel chat.Channel
}

// Download is what Discover found.
type Download struct {
	// Threads are the threads, sorted by Dir.
	Threads []ThreadRef
	// Ignored counts the files that are not thread files (media, the other
	// parts of a download, stickers_used, the HTML twin of a JSON thread):
	// counted, not errors.
	Ignored int
}

// ErrNotMeta is returned (wrapped) by Discover for a file tree without a
// single thread in it.
var ErrNotMeta = errors.New("not a Meta (Instagram/Facebook) download")

// ErrCorrupt is returned (wrapped, with the file and for JSON the line) by
// ReadThread for a thread file that cannot be read as a thread.
var ErrCorrupt = errors.New("corrupt thread file")

// ReadOptions tunes ReadThreadWith.
type ReadOptions struct {
	// Location is the zone HTML timestamps are read in: they are wall-clock
	// text without a zone. nil means UTC (what msgvault assumes). JSON
	// timestamps are UTC epoch milliseconds and ignore it.
	Location *time.Location
	// Owner is the account owner (GuessOwner's answer). When set, a thread
	// without a title is titled after its participants other than the owner
	// (for a 1:1 thread: the customer); when empty, after all participants.
	Owner string
}

// ReadThread reads one thread with ReadOptions{}: HTML times in UTC. See
// ReadThreadWith.
func ReadThread(ctx context.Context, fsys fs.FS, ref ThreadRef) (chat.Conversation, error) {
	return ReadThreadWith(ctx, fsys, ref, ReadOptions{})
}

// ReadThreadIn is ReadThread with HTML timestamps read in loc, as the
// importer does for WhatsApp with the user's --tz.
func ReadThreadIn(ctx context.Context, fsys fs.FS, ref ThreadRef, loc *time.Location) (chat.Conversation, error) {
	return ReadThreadWith(ctx, fsys, ref, ReadOptions{Location: loc})
}

// ReadThreadWith reads every file of one thread into a Conversation: each
// string repaired with FixMojibake, messages sorted ascending by time
// (stable, see orderMessages for ties), Message.Line the 1-based position of
// the message in that order (a thread spans several files, so a file line
// would not be unique), participants deduplicated, Contact left empty for
// the importer, Repaired the bytes of invalid UTF-8 the files held (read
// as U+FFFD; Meta's \u00XX mojibake is valid and repaired, not counted).
// Errors name the file (and for JSON the line) and wrap
// ErrCorrupt when the file is not a readable thread.
func ReadThreadWith(ctx context.Context, fsys fs.FS, ref ThreadRef, opts ReadOptions) (chat.Conversation, error) {
	if len(ref.Files) == 0 {
		return chat.Conversation{}, fmt.Errorf("meta: read thread %q: no files", ref.Dir)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	var th thread
	for _, name := range ref.Files {
		if err := ctx.Err(); err != nil {
			return chat.Conversation{}, err
		}
		var err error
		if ref.Format == FormatHTML {
			err = readHTMLFile(fsys, name, loc, &th)
		} else {
			err = readJSONFile(fsys, name, &th)
		}
		if err != nil {
			return chat.Conversation{}, err
		}
	}
	conv := chat.Conversation{Channel: ref.Channel, Key: ref.Key, Source: ref.Files[0], Repaired: th.invalid}
	conv.Messages = orderMessages(th.files, ref.Format != FormatE2EE)
	for i := range conv.Messages {
		conv.Messages[i].Line = i + 1
	}
	conv.Participants = th.participants.list
	if len(conv.Participants) == 0 {
		// No list in the files (chat-miner's Instagram sample, a 1:1 HTML
		// thread without a header): the authors are the best we know.
		var ps nameSet
		for _, m := range conv.Messages {
			if m.Author != "" && m.Role != chat.RoleSystem {
				ps.add(m.Author)
			}
		}
		conv.Participants = ps.list
	}
	conv.Title = th.title
	if conv.Title == "" {
		conv.Title = titleFromParticipants(conv.Participants, opts.Owner)
	}
	if conv.Key == "" {
		// thread files at the top of the download: the thread's own
		// thread_path names its folder; failing that, the title
		conv.Key = th.threadKey
		if conv.Key == "" && conv.Title != "" {
			conv.Key = "title:" + conv.Title
		}
	}
	return conv, nil
}

// thread collects what the files of one thread hold, file by file.
type thread struct {
	title        string
	threadKey    string // base of "thread_path", for a ref without Key
	participants nameSet
	files        []fileMessages
	invalid      int // bytes of invalid UTF-8 in the files, read as U+FFFD
}

// fileMessages are the messages of one file in the file's order.
type fileMessages struct {
	msgs []chat.Message
}

// nameSet is an ordered set of names.
type nameSet struct {
	list []string
	seen map[string]bool
}

func (s *nameSet) add(name string) {
	if name == "" || s.seen[name] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[name] = true
	s.list = append(s.list, name)
}

// titleFromParticipants names an untitled thread: the participants other
// than owner, joined with ", " (all of them when owner is unknown).
func titleFromParticipants(ps []string, owner string) string {
	title := ""
	for _, p := range ps {
		if owner != "" && p == owner {
			continue
		}
		if title != "" {
			title += ", "
		}
		title += p
	}
	return title
}

// baseName returns the last element of a URI or path as an attachment name
// (never a path): a URL's query and fragment dropped, backslashes taken as
// separators; "" when nothing usable is left.
func baseName(uri string) string {
	if strings.Contains(uri, "://") {
		if i := strings.IndexAny(uri, "?#"); i >= 0 {
			uri = uri[:i]
		}
	}
	for i := len(uri) - 1; i >= 0; i-- {
		if uri[i] == '/' || uri[i] == '\\' {
			uri = uri[i+1:]
			break
		}
	}
	switch uri {
	case "", ".", "..":
		return ""
	}
	return uri
}

// stem returns a file's base name without its extension.
func stem(p string) string {
	b := path.Base(p)
	return b[:len(b)-len(path.Ext(b))]
}
