package meta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

type rawName struct {
	Name string `json:"name"`
}

// participantList reads both participant shapes: [{"name": "A"}] (DYI) and
// ["A"] (E2EE).
type participantList []string

// UnmarshalJSON implements json.Unmarshaler for both shapes.
func (p *participantList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) == 0 {
			continue
		}
		var name string
		switch it[0] {
		case '"':
			if err := json.Unmarshal(it, &name); err != nil {
				return err
			}
		case '{':
			var n rawName
			if err := json.Unmarshal(it, &n); err != nil {
				return err
			}
			name = n.Name
		default:
			continue // null or a stray value: no name
		}
		out = append(out, name)
	}
	*p = out
	return nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// readJSONFile reads one JSON thread file (DYI or E2EE) into th.
func readJSONFile(fsys fs.FS, name string, th *thread) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return readError(name, err)
	}
	f, serr := decodeThread(data)
	if serr != nil {
		return jsonError(name, data, serr.offset, serr)
	}
	if !f.hasMessages {
		return fmt.Errorf("meta: read %s: line 1: %w: no \"messages\" array", name, ErrCorrupt)
	}
	for _, p := range f.participants {
		th.participants.add(p)
	}
	if th.title == "" {
		th.title = f.title
		if th.title == "" {
			th.title = f.threadName
		}
	}
	if th.threadKey == "" && f.threadPath != "" {
		th.threadKey = path.Base(f.threadPath)
	}
	th.files = append(th.files, fileMessages{msgs: f.msgs})
	th.invalid += chat.InvalidUTF8(data)
	return nil
}

// readError wraps an error opening or reading a thread file. Anything but
// a missing or forbidden file (a zip entry failing its checksum, a
// truncated entry) makes the file unreadable, so it wraps ErrCorrupt too.
func readError(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("meta: read %s: %w", name, err)
	}
	return fmt.Errorf("meta: read %s: %w: %w", name, ErrCorrupt, err)
}

// jsonError names the file and the line of the offending byte (from the
// decoder's offset) and wraps ErrCorrupt.
func jsonError(name string, data []byte, off int, err error) error {
	off = max(0, min(off, len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	return fmt.Errorf("meta: read %s: line %d: %w: %w", name, line, ErrCorrupt, err)
}

// epochMillis converts a JSON timestamp to milliseconds. A value below 1e11
// is taken as seconds: as milliseconds it would be before March 1973, and
// as seconds 1e11 is the year 5138, so the two ranges cannot be confused.
func epochMillis(v float64) int64 {
	if v < 0 || math.IsNaN(v) {
		return 0
	}
	if v < 1e11 {
		v *= 1000
	}
	if v > 1<<53 {
		v = 1 << 53
	}
	return int64(math.Round(v))
}

// convert maps a message read by the decoder to a chat.Message (all but
// Line). Its strings are already repaired.
func (r *rawMessage) convert(m *chat.Message) {
	m.Author = r.sender
	m.At = time.UnixMilli(epochMillis(r.ts)).UTC()
	if len(r.reactions) > 0 {
		m.Reactions = slices.Clone(r.reactions)
	}
	if len(r.atts) > 0 {
		m.Attachments = slices.Clone(r.atts)
	}
	switch {
	case r.unsent:
		// A tombstone, kept like WhatsApp's "This message was deleted"
		// (msgvault drops the message). Its text, if the export kept any,
		// is dropped: the sender took it back. Reactions may remain.
		m.Kind = chat.KindDeleted
		m.Attachments = nil
	case r.typ == "Subscribe" || r.typ == "Unsubscribe":
		m.Kind, m.Role = chat.KindSystem, chat.RoleSystem
		m.Body = r.content
		if m.Body == "" {
			m.Body = membershipNotice(r.typ == "Subscribe", m.Author, r.users)
		}
	case r.typ == "Call":
		m.Kind = chat.KindText
		m.Body = callBody(r.callDuration, r.missed)
	case r.share:
		m.Kind = chat.KindText
		m.Body = shareBody(r.content, r.shareLink, r.shareText)
	case len(m.Attachments) > 0:
		m.Kind = chat.KindMedia
		m.Body = r.content
	case isAppNotice(r.content, m.Author):
		m.Kind, m.Role = chat.KindSystem, chat.RoleSystem
		m.Body = r.content
	default:
		m.Kind = chat.KindText
		m.Body = r.content
	}
}

// membershipNotice writes the body of a Subscribe/Unsubscribe message that
// came without content.
func membershipNotice(subscribe bool, actor string, users []string) string {
	who := strings.Join(users, ", ")
	if subscribe {
		if who == "" {
			return actor + " added people to the group"
		}
		return actor + " added " + who
	}
	if who == "" || who == actor {
		return actor + " left the group"
	}
	return actor + " removed " + who
}

// callBody describes a call: "Missed call", "Call, 3 min 12 s" or "Call".
func callBody(seconds float64, missed bool) string {
	if missed {
		return "Missed call"
	}
	s := int64(seconds)
	if s <= 0 {
		return "Call"
	}
	return "Call, " + formatDuration(s)
}

// formatDuration writes seconds as "1 h 2 min 5 s", leaving out zero parts.
func formatDuration(s int64) string {
	h, m, sec := s/3600, s/60%60, s%60
	var parts []string
	if h > 0 {
		parts = append(parts, strconv.FormatInt(h, 10)+" h")
	}
	if m > 0 {
		parts = append(parts, strconv.FormatInt(m, 10)+" min")
	}
	if sec > 0 {
		parts = append(parts, strconv.FormatInt(sec, 10)+" s")
	}
	return strings.Join(parts, " ")
}

// shareBody is "link\nshare_text", preceded by the content when the
// content says more than the link itself (Facebook often repeats the link,
// or writes "X sent an attachment.").
func shareBody(content, link, text string) string {
	var parts []string
	if content != "" && content != link && content != text {
		parts = append(parts, content)
	}
	if link != "" {
		parts = append(parts, link)
	}
	if text != "" {
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n")
}

// isAppNotice reports Instagram's English notices written into "content"
// by the app, not typed by anyone: "Liked a message", "<name> liked a
// message" (older exports) and "Reacted ❤️ to your message" (chat-miner's
// filter list, FORMATS.md §2.3). They become Kind system, Role system: they
// record an action, not words of the customer, and must not open or extend
// a session. Other notices ("… sent an attachment.", localised strings) are
// kept as text: they are not recognisable reliably.
func isAppNotice(content, author string) bool {
	if len(content) > 80 {
		return false
	}
	if content == "Liked a message" {
		return true
	}
	if author != "" && content == author+" liked a message" {
		return true
	}
	return strings.HasPrefix(content, "Reacted ") && strings.HasSuffix(content, " to your message")
}
