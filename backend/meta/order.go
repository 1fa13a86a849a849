package meta

import (
	"slices"

	"github.com/sessions-app/sessions/backend/chat"
)

// orderMessages joins the messages of a thread's files and sorts them
// ascending by time, stably (FORMATS.md §2.5).
//
// DYI files are newest first and message_1 holds the newest block, so the
// natural order of the export, reversed, is oldest first; messages with the
// same timestamp_ms then keep the reverse of their file order, which is
// their true order. Rather than trusting that blindly, each file's own
// direction is measured (adjacent pairs going down vs going up): a file
// that is mostly descending is reversed, a mostly ascending one (msgvault's
// group sample, the E2EE export) is kept as written, and a file that cannot
// tell (one message, all one timestamp, HTML minutes all equal) follows
// newestFirst: true for DYI, false for E2EE. The files are then joined last
// file first, and a stable sort by time finishes (skipped when the result
// is already in order, the usual case).
func orderMessages(files []fileMessages, newestFirst bool) []chat.Message {
	total := 0
	for _, f := range files {
		total += len(f.msgs)
	}
	out := make([]chat.Message, 0, total)
	for i := len(files) - 1; i >= 0; i-- {
		msgs := files[i].msgs
		if descending(msgs, newestFirst) {
			slices.Reverse(msgs)
		}
		out = append(out, msgs...)
	}
	if !slices.IsSortedFunc(out, compareAt) {
		slices.SortStableFunc(out, compareAt)
	}
	return out
}

// descending reports whether msgs run newest first; def breaks a tie.
func descending(msgs []chat.Message, def bool) bool {
	up, down := 0, 0
	for i := 1; i < len(msgs); i++ {
		switch msgs[i-1].At.Compare(msgs[i].At) {
		case -1:
			up++
		case 1:
			down++
		}
	}
	if up == down {
		return def
	}
	return down > up
}

func compareAt(a, b chat.Message) int {
	return a.At.Compare(b.At)
}
