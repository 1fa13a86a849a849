// Package chat holds the channel-neutral shape of an imported conversation:
// every format parser (WhatsApp, Meta, web chat) produces these values, and the
// importer turns them into rows of the store. It has no dependencies so that
// every backend package can share it.
package chat

import (
	"time"
	"unicode/utf8"
)

// Channel is where a conversation took place.
type Channel string

// The channels Sessions imports. The strings are the identifiers used in the
// database, the API and the command line.
const (
	WhatsApp  Channel = "whatsapp"
	Instagram Channel = "instagram"
	Facebook  Channel = "facebook"
	WebChat   Channel = "webchat"
)

// Role says who wrote a message.
type Role string

// The roles of a message author.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleBot      Role = "bot"
	RoleSystem   Role = "system"
)

// Kind says what a message is, independent of who wrote it.
type Kind string

// The kinds of message.
const (
	KindText    Kind = "text"
	KindMedia   Kind = "media"   // a media placeholder or an attached file
	KindSystem  Kind = "system"  // a notice written by the app, not a person
	KindDeleted Kind = "deleted" // a tombstone of a deleted message
	// KindCall is a call event ("Missed voice call"): shown in the thread
	// with its caller as Author, but never a message (its Role is
	// RoleSystem), so it never opens or stretches a session.
	KindCall Kind = "call"
)

// Message is one parsed message. Parsers fill everything but Role, which the
// importer assigns from the settings (agents, bots) and the conversation's
// contact; parsers only set RoleSystem for system notices.
type Message struct {
	// At is the moment the message was sent, in UTC.
	At time.Time
	// Line is the 1-based line (or record) number in the source file where
	// the message starts, for error reports and as a stable tiebreak.
	Line int
	// Author is the display name as written in the export, cleaned of
	// invisible characters; empty for system notices without an author.
	Author string
	// Role is who the author is; parsers leave it empty except for system lines.
	Role Role
	// Kind classifies the message.
	Kind Kind
	// Body is the message text with the export's own markers removed
	// (edited suffix, attachment markers); multi-line bodies keep their "\n"
	// and blank lines.
	Body string
	// Attachments are file names (never paths outside the export) that the
	// message refers to.
	Attachments []string
	// Edited is true when the export marked the message as edited.
	Edited bool
	// Reactions are the emoji people put on the message (Meta exports).
	Reactions []Reaction
}

// Reaction is an emoji someone put on a message.
type Reaction struct {
	Emoji string `json:"emoji"`
	Actor string `json:"actor"`
}

// Skipped is a line of the source that could not be read, with the reason.
type Skipped struct {
	// File is the part of a multi-file export (a thread file inside a
	// download) the line is in; empty for single-file exports.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Conversation is a whole thread as read from a format that stores threads
// one by one (Meta downloads, web-chat exports), as opposed to WhatsApp's
// single streamed chat.
type Conversation struct {
	// Channel is where the thread took place.
	Channel Channel
	// Key identifies the thread within its channel across exports, so a
	// newer export of the same thread lands in the same conversation
	// (e.g. a Meta thread folder name, a web-chat conversation id).
	Key string
	// Title is the thread's name as the export gives it.
	Title string
	// Participants are the display names of everybody in the thread.
	Participants []string
	// Contact is the customer, when the format says who that is (web chat);
	// empty when the importer has to decide (Meta).
	Contact Contact
	// Messages are sorted by At, ties in the export's order.
	Messages []Message
	// Source is the file (or file inside a zip) the thread came from, for reports.
	Source string
	// Repaired counts the bytes of invalid UTF-8 in the thread's files,
	// read as U+FFFD, so the import report can say the text was changed.
	Repaired int
}

// Contact is a customer as an export describes them.
type Contact struct {
	// Name is the display name.
	Name string
	// Email is the address, when the channel knows it (web chat).
	Email string
	// Identity is how the channel identifies the person (a visitor id, a
	// participant name); the importer uses it to find them again.
	Identity string
}

// InvalidUTF8 returns the number of bytes of b that are not valid UTF-8:
// what a reader replaces with U+FFFD, and the import reports as repaired.
func InvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return 0
	}
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		b = b[size:]
	}
	return n
}
