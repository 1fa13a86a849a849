package webchat

import (
	"context"
	"strings"

	"github.com/sessions-app/sessions/backend/chat"
)

// chatwootSink reads what Chatwoot gives out, in any mix (FORMATS.md §3.1):
//   - the messages API, {"meta": {"contact": …}, "payload": [messages]};
//   - the conversations API, {"data": {"payload": [conversations]}};
//   - webhook payloads: message_created/message_updated (a message with its
//     "conversation"), conversation_* (a conversation with "messages");
//   - lists of any of these, or several one after the other (a webhook log).
//
// Chatwoot repeats a message in several payloads (a webhook's conversation
// holds the message again, message_updated follows message_created); the
// message id keeps one copy, the last one read.
type chatwootSink struct {
	c *collector
	// payload lists the conversations the messages of a streamed top-level
	// "payload" went to, for the "meta" that comes with them.
	payload []*conv
}

func newChatwootSink(c *collector) *chatwootSink { return &chatwootSink{c: c} }

// cwPlace is where a message belongs, as far as the enclosing values tell.
type cwPlace struct {
	conv  string // the conversation's display id, as the dashboard shows it
	inbox string
}

func (s *chatwootSink) element(ctx context.Context, key string, n node) error {
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	line := s.c.line(n.off)
	f := n.object()
	if f == nil {
		s.c.skip(line, "not a Chatwoot message or conversation but %s", n.kindName())
		return nil
	}
	touched := s.value(f, line, cwPlace{}, 0)
	if key != "" {
		s.payload = append(s.payload, touched...)
	}
	return nil
}

func (s *chatwootSink) object(ctx context.Context, f map[string]node, streamed bool, line int) error {
	if streamed {
		s.applyMeta(f["meta"], s.payload)
		s.payload = nil
		return nil
	}
	if err := s.c.tick(ctx); err != nil {
		return err
	}
	s.value(f, line, cwPlace{}, 0)
	return nil
}

// maxDepth bounds how deep value looks for lists of lists ("data" in a
// "payload" in a list…): real payloads nest two levels.
const maxDepth = 4

// value reads one object of any of the shapes and returns the
// conversations its messages went to.
func (s *chatwootSink) value(f map[string]node, line int, up cwPlace, depth int) []*conv {
	if depth > maxDepth {
		s.c.skip(line, "Chatwoot values nested too deep")
		return nil
	}
	switch {
	case !f["message_type"].absent():
		if cv := s.message(f, line, up, false); cv != nil {
			return []*conv{cv}
		}
		return nil
	case f["payload"].array() != nil:
		var touched []*conv
		for _, e := range f["payload"].array() {
			if ef := e.object(); ef != nil {
				touched = append(touched, s.value(ef, s.c.line(e.off), up, depth+1)...)
			} else {
				s.c.skip(s.c.line(e.off), "not a Chatwoot message or conversation but %s", e.kindName())
			}
		}
		s.applyMeta(f["meta"], touched)
		return touched
	case f["data"].object() != nil:
		return s.value(f["data"].object(), line, up, depth+1)
	case f["messages"].array() != nil:
		return s.conversation(f, line, up)
	}
	if ev := f["event"].text(); ev != "" {
		s.c.skip(line, "the Chatwoot event %s carries no messages", quote(ev))
	} else {
		s.c.skip(line, "neither a Chatwoot message nor a conversation")
	}
	return nil
}

// conv returns the conversation of place p. The inbox is in the key
// because display ids count per account while inbox ids are unique in a
// Chatwoot installation; the account id is not, because the messages API
// does not give it and the key must be the same whichever way a
// conversation was exported.
func (s *chatwootSink) conv(p cwPlace) *conv {
	key := "chatwoot:" + p.conv
	if p.inbox != "" {
		key = "chatwoot:" + p.inbox + ":" + p.conv
	}
	return s.c.conversation(key, p.conv)
}

// conversation reads a conversation object: its contact and its messages.
func (s *chatwootSink) conversation(f map[string]node, line int, up cwPlace) []*conv {
	p := up
	if v := cleanLine(f["id"].text()); v != "" {
		p.conv = v
	}
	if v := cleanLine(f["inbox_id"].text()); v != "" {
		p.inbox = v
	}
	msgs := f["messages"].array()
	if p.conv == "" && len(msgs) > 0 {
		p.conv = cleanLine(msgs[0].get("conversation_id").text())
	}
	if p.conv == "" {
		s.c.skip(line, "a Chatwoot conversation without an id")
		return nil
	}
	cv := s.conv(p)
	s.setContact(cv, f["meta"].get("sender"), f["contact_inbox"].get("source_id").text())
	touched := []*conv{cv}
	for _, m := range msgs {
		mline := s.c.line(m.off)
		mf := m.object()
		if mf == nil {
			s.c.skip(mline, "not a Chatwoot message but %s", m.kindName())
			continue
		}
		if x := s.message(mf, mline, p, true); x != nil && x != cv {
			touched = append(touched, x)
		}
	}
	return touched
}

// message reads one message object (API or webhook form) and returns the
// conversation it went to, nil when it was dropped or skipped. inConv is
// true for the messages of a conversation object, whose own "conversation"
// field is a stub of the enclosing one.
func (s *chatwootSink) message(f map[string]node, line int, up cwPlace, inConv bool) *conv {
	id := cleanLine(f["id"].text())
	p := up
	// A webhook message carries its conversation; read that first so that
	// the contact is known (its "messages" repeat this one: the id keeps one).
	co := f["conversation"].object()
	if inConv {
		co = nil
	}
	if co != nil {
		if v := cleanLine(co["id"].text()); v != "" {
			p.conv = v
		}
		if v := cleanLine(co["inbox_id"].text()); v != "" {
			p.inbox = v
		}
	}
	if p.conv == "" {
		p.conv = cleanLine(f["conversation_id"].text())
	}
	if v := cleanLine(f["inbox_id"].text()); v != "" {
		p.inbox = v
	} else if v := cleanLine(f["inbox"].get("id").text()); v != "" && p.inbox == "" {
		p.inbox = v
	}
	if co != nil && p.conv != "" {
		s.conversation(co, line, p)
	}
	if f["private"].bool() {
		s.c.read++ // an agents' note: read, and left out on purpose
		return nil
	}
	if p.conv == "" {
		s.c.skip(line, "Chatwoot message %s has no conversation id", quote(id))
		return nil
	}
	sender := f["sender"]
	senderType := strings.ToLower(sender.get("type").text())
	role, kind := chat.RoleAgent, chat.KindText
	switch mt := strings.ToLower(strings.TrimSpace(f["message_type"].text())); mt {
	case "0", "incoming":
		role = chat.RoleCustomer
	case "1", "outgoing":
		if senderType == "agent_bot" || strings.EqualFold(f["sender_type"].text(), "AgentBot") {
			role = chat.RoleBot
		}
	case "2", "activity":
		role, kind = chat.RoleSystem, chat.KindSystem
	case "3", "template":
		role = chat.RoleBot // widget forms, greetings, CSAT: automatic, not a person
	default:
		s.c.skip(line, "Chatwoot message_type %s is not incoming (0), outgoing (1), activity (2) or template (3)", quote(mt))
		return nil
	}
	created := f["created_at"].text()
	if strings.TrimSpace(created) == "" {
		s.c.skip(line, "Chatwoot message %s has no created_at", quote(id))
		return nil
	}
	at, err := parseTime(created, s.c.loc)
	if err != nil {
		s.c.skip(line, "created_at: %v", err)
		return nil
	}
	var atts []string
	for _, a := range append(f["attachments"].array(), f["attachment"]) {
		if a.object() != nil {
			atts = append(atts, cwAttachmentName(a))
		}
	}
	body := cleanText(f["content"].text())
	deleted := f["content_attributes"].get("deleted").bool()
	switch {
	case deleted:
		kind = chat.KindDeleted
	case len(atts) > 0 && kind == chat.KindText:
		kind = chat.KindMedia
	case body == "" && len(atts) == 0:
		s.c.skip(line, "Chatwoot message %s has neither content nor attachments", quote(id))
		return nil
	}
	var author string
	if role != chat.RoleSystem {
		// An agent's full name, as the team knows them, before the display
		// name they chose for customers.
		author = cleanLine(sender.get("name").text())
		if author == "" {
			author = cleanLine(sender.get("available_name").text())
		}
	}
	cv := s.conv(p)
	if role == chat.RoleCustomer && (senderType == "" || senderType == "contact") {
		s.setContact(cv, sender, "")
	}
	s.setContact(cv, f["contact"], "") // older webhooks name the customer here
	s.c.add(cv, id, chat.Message{At: at, Line: line, Author: author, Role: role, Kind: kind, Body: body, Attachments: atts})
	return cv
}

// cwAttachmentName names an attachment by the file its data_url ends in.
func cwAttachmentName(a node) string {
	if b := baseName(a.get("data_url").text()); b != "" {
		return b
	}
	if ext := cleanLine(a.get("extension").text()); ext != "" && baseName(ext) == ext {
		return "attachment." + strings.TrimPrefix(ext, ".")
	}
	return "attachment"
}

// setContact records a Chatwoot contact object (a conversation's
// meta.sender, the messages API's meta.contact, an incoming message's
// sender) and the contact_inbox source id for cv.
func (s *chatwootSink) setContact(cv *conv, contact node, sourceID string) {
	var ident string
	if id := cleanLine(contact.get("id").text()); id != "" {
		ident = "chatwoot:contact:" + id
	} else if sourceID = cleanLine(sourceID); sourceID != "" {
		ident = "chatwoot:source:" + sourceID
	}
	cv.setContact(contact.get("name").text(), contact.get("email").text(), ident)
}

// applyMeta records the contact of the messages API's "meta" for the
// conversations its payload went to.
func (s *chatwootSink) applyMeta(meta node, convs []*conv) {
	contact := meta.get("contact")
	if contact.object() == nil {
		contact = meta.get("sender")
	}
	ident := cleanLine(meta.get("contact_id").text())
	for _, cv := range convs {
		s.setContact(cv, contact, "")
		if ident != "" {
			cv.setContact("", "", "chatwoot:contact:"+ident)
		}
	}
}
