// Package chat holds the channel-neutral shape of an imported conversation:
// every format parser (WhatsApp, Meta, web chat) produces these values, and the
// importer turns them into rows of the store. It has no dependencies so that
// every backend package can share it.
package chat

import "time"

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
}

// Skipped is a line of the source that could not be read, with the reason.
type Skipped struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}
