package meta

import (
	"bytes"
	"encoding/json"
)

// headInfo is what the first bytes of a JSON file tell about it.
type headInfo struct {
	participants       bool // a "participants" array
	participantStrings bool // …of plain strings (E2EE)
	messages           bool // a "messages" array
	threadName         bool // "threadName" (E2EE)
	senderSnake        bool // first message has "sender_name" (DYI)
	senderCamel        bool // first message has "senderName" (E2EE)
	msgType            bool // first message has "type" (Facebook before 2024)
	threadType         bool // "thread_type" (Facebook only)
}

// thread reports a thread file: a "messages" array and something that
// makes it a chat (participants, a sender, a thread name). chat-miner's
// Instagram sample has no participants, hence the sender alternative.
func (h headInfo) thread() bool {
	return h.messages && (h.participants || h.senderSnake || h.senderCamel || h.threadName)
}

// e2ee reports the flat E2EE schema (FORMATS.md §2.7).
func (h headInfo) e2ee() bool {
	return h.participantStrings || h.threadName || h.senderCamel
}

// sniffJSON reads the top-level keys of a (possibly truncated) JSON object
// with the decoder's token stream and stops at the end of head: key order
// is participants, messages, then the thread fields, so the head of even a
// huge file says whether it is a thread, and which schema.
func sniffJSON(head []byte) headInfo {
	var h headInfo
	head = bytes.TrimPrefix(head, utf8BOM)
	dec := json.NewDecoder(bytes.NewReader(head))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return h
	}
	for {
		t, err := dec.Token()
		if err != nil {
			return h
		}
		key, ok := t.(string)
		if !ok {
			return h // '}' closes the object
		}
		switch key {
		case "participants":
			t, err := dec.Token()
			if err != nil || t != json.Delim('[') {
				if err == nil && isOpen(t) {
					skipRest(dec, 1)
				}
				continue
			}
			h.participants = true
			depth := 1
			t, err = dec.Token()
			if err != nil {
				return h
			}
			switch t.(type) {
			case string:
				h.participantStrings = true
			case json.Delim:
				if isOpen(t) {
					depth++
				} else {
					depth--
				}
			}
			if depth > 0 && !skipRest(dec, depth) {
				return h
			}
		case "messages":
			t, err := dec.Token()
			if err != nil || t != json.Delim('[') {
				if err == nil && isOpen(t) {
					skipRest(dec, 1)
				}
				continue
			}
			h.messages = true
			t, err = dec.Token()
			if err != nil {
				return h
			}
			depth := 1
			if t == json.Delim('{') {
				// the keys of the first message
				for {
					t, err := dec.Token()
					if err != nil {
						return h
					}
					k, ok := t.(string)
					if !ok {
						break
					}
					switch k {
					case "sender_name":
						h.senderSnake = true
					case "senderName":
						h.senderCamel = true
					case "type":
						h.msgType = true
					}
					if !skipValue(dec) {
						return h
					}
				}
			} else if d, ok := t.(json.Delim); ok {
				if d == ']' {
					depth = 0
				} else {
					depth++
				}
			}
			if depth > 0 && !skipRest(dec, depth) {
				return h
			}
		case "threadName":
			h.threadName = true
			if !skipValue(dec) {
				return h
			}
		case "thread_type":
			h.threadType = true
			if !skipValue(dec) {
				return h
			}
		default:
			if !skipValue(dec) {
				return h
			}
		}
	}
}

func isOpen(t json.Token) bool {
	return t == json.Delim('{') || t == json.Delim('[')
}

// skipValue skips the next value; false at the end of input.
func skipValue(dec *json.Decoder) bool {
	t, err := dec.Token()
	if err != nil {
		return false
	}
	if isOpen(t) {
		return skipRest(dec, 1)
	}
	return true
}

// skipRest reads tokens until depth open arrays/objects are closed.
func skipRest(dec *json.Decoder, depth int) bool {
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return true
}

// Sniff reports whether a single file's head (its first few KB) looks like
// a Meta thread file: a JSON object with "messages" and "participants" (or
// E2EE's "threadName", or a first message with "sender_name"/"senderName",
// as in chat-miner's participant-less Instagram sample), or DYI HTML.
func Sniff(head []byte) bool {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(trimmed) == 0 {
		return false
	}
	if trimmed[0] == '{' {
		return sniffJSON(trimmed).thread()
	}
	return sniffHTML(trimmed)
}

// sniffHTML reports a DYI HTML thread page: HTML with a "Participants:"
// header or the class names of DYI message blocks (msgvault's sample,
// Memoria's notes on Instagram exports).
func sniffHTML(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	low := bytes.ToLower(head)
	if !bytes.Contains(low, []byte("<html")) && !bytes.Contains(low, []byte("<div")) {
		return false
	}
	for _, marker := range []string{"participants:", "_a6-g", "_a6-p", "_a6-h", "_2lej", "_2let", "ui-box-white", "uiboxwhite"} {
		if bytes.Contains(low, []byte(marker)) {
			return true
		}
	}
	return false
}
