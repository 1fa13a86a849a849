package webchat

import (
	"context"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// tawkSink reads tawk.to chat:transcript_created webhook payloads: one
// event, a list of them, or several one after the other (a webhook log).
// Each event is one whole chat (FORMATS.md §3.2):
//
//	{"event": "chat:transcript_created", "time": "…", "property": {"id": …},
//	 "chat": {"id": …, "visitor": {"name", "email"},
//	          "messages": [{"sender": {"t": "v"|"a"|"s", "n": name}, "type": "msg"|"file"|…, "msg": text, "time": …}]}}
//
// The per-message "time" is not documented. When a message has none, it
// gets the event's time plus its index in milliseconds: the order of the
// transcript survives, but the whole chat sits at the moment the
// transcript was made (the end of the chat).
type tawkSink struct{ c *collector }

func (s *tawkSink) element(ctx context.Context, _ string, n node) error {
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	line := s.c.line(n.off)
	f := n.object()
	if f == nil {
		s.c.skip(line, "not a tawk.to event but %s", n.kindName())
		return nil
	}
	s.event(f, line)
	return nil
}

func (s *tawkSink) object(ctx context.Context, f map[string]node, _ bool, line int) error {
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	s.event(f, line)
	return nil
}

// event reads one transcript event.
func (s *tawkSink) event(f map[string]node, line int) {
	ev := strings.TrimSpace(f["event"].text())
	chatN := f["chat"]
	if ev != "" && ev != "chat:transcript_created" {
		s.c.skip(line, "the tawk.to event %s carries no transcript", quote(ev))
		return
	}
	if chatN.object() == nil {
		s.c.skip(line, "not a tawk.to transcript (no \"chat\" object)")
		return
	}
	id := cleanLine(chatN.get("id").text())
	if id == "" {
		s.c.skip(line, "tawk.to chat without an id")
		return
	}
	key := "tawkto:" + id
	if prop := cleanLine(f["property"].get("id").text()); prop != "" {
		key = "tawkto:" + prop + ":" + id
	}
	cv := s.c.conversation(key, id)
	visitor := chatN.get("visitor")
	var ident string
	if vid := cleanLine(visitor.get("id").text()); vid != "" {
		ident = "tawkto:visitor:" + vid // not in the documented payload; used when a producer adds it
	}
	cv.setContact(visitor.get("name").text(), visitor.get("email").text(), ident)
	visitorName := cleanLine(visitor.get("name").text())

	evTime, evErr := parseTime(f["time"].text(), s.c.loc)
	msgs := chatN.get("messages").array()
	if len(msgs) == 0 {
		s.c.skip(line, "tawk.to chat %s has no messages", quote(id))
		return
	}
	for i, m := range msgs {
		mline := s.c.line(m.off)
		if m.object() == nil {
			s.c.skip(mline, "not a tawk.to message but %s", m.kindName())
			continue
		}
		var role chat.Role
		kind := chat.KindText
		switch t := strings.ToLower(strings.TrimSpace(m.get("sender", "t").text())); t {
		case "v":
			role = chat.RoleCustomer
		case "a":
			role = chat.RoleAgent
		case "s":
			role, kind = chat.RoleSystem, chat.KindSystem
		default:
			s.c.skip(mline, "tawk.to sender type %s is not v (visitor), a (agent) or s (system)", quote(t))
			continue
		}
		var at time.Time
		if mt := m.get("time").text(); strings.TrimSpace(mt) != "" {
			var err error
			if at, err = parseTime(mt, s.c.loc); err != nil {
				s.c.skip(mline, "%v", err)
				continue
			}
		} else if evErr != nil {
			s.c.skip(mline, "the message has no time and the event's time is unusable: %v", evErr)
			continue
		} else {
			at = evTime.Add(time.Duration(i) * time.Millisecond)
		}
		body := cleanText(m.get("msg").text())
		var atts []string
		if strings.EqualFold(strings.TrimSpace(m.get("type").text()), "file") && kind != chat.KindSystem {
			kind = chat.KindMedia
			var name string
			name, body = tawkFile(body)
			atts = []string{name}
		}
		if body == "" && len(atts) == 0 {
			s.c.skip(mline, "tawk.to message without text")
			continue
		}
		author := cleanLine(m.get("sender", "n").text())
		if author == "" && role == chat.RoleCustomer {
			author = visitorName
		}
		if role == chat.RoleSystem {
			author = ""
		}
		s.c.add(cv, "", chat.Message{At: at, Line: mline, Author: author, Role: role, Kind: kind, Body: body, Attachments: atts})
	}
}

// tawkFile splits the text of a file message (undocumented: a link, a file
// name, or a sentence with a link) into the attachment's name and what is
// left of the text to show.
func tawkFile(msg string) (name, body string) {
	fields := strings.Fields(msg)
	if len(fields) == 1 {
		return attachmentName(fields[0]), ""
	}
	for j := len(fields) - 1; j >= 0; j-- {
		if strings.HasPrefix(fields[j], "http://") || strings.HasPrefix(fields[j], "https://") {
			return attachmentName(fields[j]), msg
		}
	}
	return "attachment", msg
}
