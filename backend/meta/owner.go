package meta

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io/fs"
	"strings"
)

// GuessOwner names the account owner of the download (the business): the
// participant present in the most threads, when there are at least two
// threads and one name is in at least two of them and in more than any
// other name. Otherwise it returns "": with a single 1:1 thread the importer
// takes the thread title as the customer.
//
// It reads only the participant lists of each thread's first file: JSON is
// streamed with json.Decoder and left as soon as "participants" is read
// (it comes first in DYI and E2EE files), HTML is searched for its
// "Participants:" header in the first 64 KB. A thread whose list cannot be
// read (a corrupt file, a 1:1 Instagram HTML page without a header) counts
// as a thread without participants rather than failing the guess:
// ReadThread reports such files. Only ctx ends it with an error.
func GuessOwner(ctx context.Context, fsys fs.FS, threads []ThreadRef) (string, error) {
	if len(threads) < 2 {
		return "", ctx.Err()
	}
	counts := map[string]int{}
	for i, ref := range threads {
		if i&63 == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		if len(ref.Files) == 0 {
			continue
		}
		var names []string
		if ref.Format == FormatHTML {
			names = htmlParticipants(fsys, ref.Files[0])
		} else {
			names = jsonParticipants(fsys, ref.Files[0])
		}
		var seen nameSet
		for _, n := range names {
			seen.add(FixMojibake(strings.TrimSpace(n)))
		}
		for _, n := range seen.list {
			counts[n]++
		}
	}
	best, bestN, tie := "", 0, false
	for name, n := range counts {
		if n > bestN {
			best, bestN, tie = name, n, false
		} else if n == bestN {
			tie = true
		}
	}
	if bestN >= 2 && !tie {
		return best, nil
	}
	return "", nil
}

// jsonParticipants streams the top-level keys of a thread file until
// "participants" and decodes only that value.
func jsonParticipants(fsys fs.FS, name string) []string {
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	dec := json.NewDecoder(br)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if key, _ := t.(string); key == "participants" {
			var ps participantList
			if err := dec.Decode(&ps); err != nil {
				return nil
			}
			return ps
		}
		if !skipValue(dec) {
			return nil
		}
	}
	return nil
}

// htmlParticipants reads the "Participants: A, B and C" header of an HTML
// thread page from its first 64 KB.
func htmlParticipants(fsys fs.FS, name string) []string {
	head, err := readHead(fsys, name, looseHeadSize)
	if err != nil {
		return nil
	}
	i := bytes.Index(head, []byte("Participants:"))
	if i < 0 {
		return nil
	}
	rest := head[i+len("Participants:"):]
	if j := bytes.IndexByte(rest, '<'); j >= 0 {
		rest = rest[:j]
	} else {
		return nil // cut off by the head
	}
	text := strings.TrimSpace(html.UnescapeString(string(rest)))
	if text == "" {
		return nil
	}
	x := htmlExtract{participants: text}
	return x.participantNames()
}
