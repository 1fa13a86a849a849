package webchat

import (
	"bytes"
	"encoding/csv"
	"regexp"
)

// Signatures of the JSON formats, matched on the raw head of a file (which
// may end in the middle of a value, so it cannot be parsed).
var (
	tawkRE = regexp.MustCompile(`"event"\s*:\s*"chat:transcript_created"`)
	// Chatwoot's messages carry message_type as a number (API) or a name
	// (webhooks); nothing else a user imports has the field.
	chatwootTypeRE = regexp.MustCompile(`"message_type"\s*:\s*(?:[0-3]\s*[,}\s]|"(?:incoming|outgoing|activity|template)")`)
	// A conversation_* webhook whose messages list happens to be empty.
	chatwootEventRE = regexp.MustCompile(`"event"\s*:\s*"(?:message_(?:created|updated)|conversation_[a-z_]+)"`)
	chatwootConvRE  = regexp.MustCompile(`"(?:inbox_id|contact_inbox)"\s*:`)
	genericKeyREs   = []*regexp.Regexp{
		regexp.MustCompile(`(?i)"conversation_id"\s*:`),
		regexp.MustCompile(`(?i)"role"\s*:`),
		regexp.MustCompile(`(?i)"body"\s*:`),
	}
)

// Detect tells which web-chat format head (the first ~16 KB of a file) is
// in, by its content, not its name; ok is false when it is none of them.
//
//   - Chatwoot: a message with message_type (the API's {"payload": [...]},
//     a message_created webhook, a list of messages) or a conversation_*
//     webhook of a conversation;
//   - tawk.to: a chat:transcript_created event, or a list of them;
//   - generic JSON: objects with conversation_id, role and body;
//   - generic CSV: a header line with conversation_id, time, role and body
//     (comma, semicolon or tab separated, any case).
func Detect(head []byte) (Format, bool) {
	head = bytes.TrimPrefix(head, bom)
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 || bytes.IndexByte(t, 0) >= 0 {
		return "", false
	}
	if t[0] == '{' || t[0] == '[' {
		switch {
		case tawkRE.Match(t):
			return FormatTawk, true
		case chatwootTypeRE.Match(t), chatwootEventRE.Match(t) && chatwootConvRE.Match(t):
			return FormatChatwoot, true
		}
		for _, re := range genericKeyREs {
			if !re.Match(t) {
				return "", false
			}
		}
		return FormatJSON, true
	}
	line := t
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(bytes.NewReader(line))
	cr.Comma = sniffComma(line)
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err != nil {
		return "", false
	}
	found := make(map[string]bool)
	for _, h := range rec {
		found[normColumn(h)] = true
	}
	for _, r := range requiredColumns {
		if !found[r] {
			return "", false
		}
	}
	return FormatCSV, true
}
