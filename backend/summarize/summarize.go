// Package summarize turns the messages of one session into a short summary,
// a sentiment and a few topics.
//
// Two summarizers implement [Summarizer]: [Ollama] asks a local Ollama server
// for structured JSON, and [Builtin] is an extractive summarizer with lexicon
// sentiment that needs nothing but this package, so that Sessions still
// fills its timeline when no model is installed. Both are pure functions of
// the messages (apart from the model's own variance), so the queue can skip a
// session whose [ContentHash] did not change.
package summarize

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// Message is one message of a session, as the summarizer sees it.
type Message struct {
	At     time.Time
	Author string
	Role   chat.Role // customer | agent | bot | system
	Kind   chat.Kind
	Body   string
}

// Result is a summary of one session.
type Result struct {
	Summary   string   // 2–4 sentences
	Sentiment string   // positive | neutral | negative
	Score     float64  // -1..1
	Topics    []string // a few content words or short phrases, most important first
	Resolved  bool     // the customer's request looks answered or solved by the end
	Source    string   // "ollama" | "builtin"
	Model     string   // model name (builtin: "builtin")
	Digest    string   // model digest (ollama), "" for builtin
	Prompt    string   // prompt version, e.g. "v1"
}

// Summarizer summarizes one session's messages.
type Summarizer interface {
	Summarize(ctx context.Context, msgs []Message) (Result, error)
	Name() string // "builtin" or "ollama:<model>"
}

// The sentiments of a Result, as stored and shown.
const (
	SentimentPositive = "positive"
	SentimentNeutral  = "neutral"
	SentimentNegative = "negative"
)

// The sources of a Result.
const (
	SourceOllama  = "ollama"
	SourceBuiltin = "builtin"
)

// PromptVersion names the Ollama prompt that made a Result, and
// BuiltinVersion the built-in summarizer's heuristics; bump one when what
// it names changes, so the queue can tell stale summaries apart (and add a
// migration that queues the sessions summarized with the old one).
const (
	PromptVersion  = "v1"
	BuiltinVersion = "builtin-2" // 2: quotes as written, each answer paired with its question
)

// VersionOf is the version a summarizer of source writes into its results.
func VersionOf(source string) string {
	if source == SourceBuiltin {
		return BuiltinVersion
	}
	return PromptVersion
}

// ErrNoMessages is returned (wrapped) for a session without messages:
// there is nothing to summarize, and an empty summary must not be stored as
// if it were one.
var ErrNoMessages = errors.New("no messages to summarize")

// hashVersion is written first into every content hash, so that a change of
// the encoding below changes every hash once instead of colliding silently.
const hashVersion = "summarize-content-v1"

// ContentHash identifies what a summary was made from: the role, author,
// kind, body and time of every message, in order. It is stable across runs
// and machines (times are hashed as Unix nanoseconds, so the zone of At does
// not matter) — the queue skips sessions whose hash did not change. It
// returns 64 hex digits.
func ContentHash(msgs []Message) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	// Every field is length-prefixed, so "ab"+"c" and "a"+"bc" differ.
	field := func(s string) {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		h.Write(buf[:n])
		h.Write([]byte(s))
	}
	field(hashVersion)
	n := binary.PutUvarint(buf[:], uint64(len(msgs)))
	h.Write(buf[:n])
	for i := range msgs {
		m := &msgs[i]
		var ts int64
		if !m.At.IsZero() {
			ts = m.At.UnixNano()
		}
		n := binary.PutVarint(buf[:], ts)
		h.Write(buf[:n])
		field(string(m.Role))
		field(m.Author)
		field(string(m.Kind))
		field(m.Body)
	}
	return hex.EncodeToString(h.Sum(nil))
}
