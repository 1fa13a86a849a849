package search

import "github.com/sessions-app/sessions/backend/synth"

// synthetic returns synth.Sessions(n, seed) as documents of the index: the
// generator lives outside the shipped code, in backend/synth.
func synthetic(n int, seed int64) []Doc {
	ss := synth.Sessions(n, seed)
	docs := make([]Doc, len(ss))
	for i, s := range ss {
		docs[i] = Doc(s)
	}
	return docs
}
