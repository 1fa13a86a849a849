package meta

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sessions-app/sessions/backend/chat"
)

// Head sizes read by Discover: enough for the participants and the first
// message of a thread file, and for the top-level keys of any other JSON.
const (
	threadHeadSize = 16 << 10
	looseHeadSize  = 64 << 10
)

// Discover walks fsys (a folder via os.DirFS, or a zip via *zip.Reader;
// never unpacked) and finds every thread, in every layout era and section,
// by walking rather than by fixed paths:
//
//   - a folder holding message_N.json or message_N.html (also the older
//     bare message.json) is a DYI thread, whatever its parents are called:
//     messages/…, your_activity_across_facebook/messages/…,
//     your_facebook_activity/messages/…, your_instagram_activity/messages/…,
//     in inbox, archived_threads, filtered_threads, message_requests,
//     e2ee_cutover. Its files are message_N in numeric order of N; JSON and
//     HTML both present (msgvault's "mixed" sample) → the JSON files only,
//     one thread, the HTML counted in Ignored;
//   - any other .json whose head is a thread (sniffJSON) is a single-file
//     thread: the flat E2EE export (<Name>_<N>.json), or a loose DYI-shaped
//     file such as chat-miner's Instagram sample;
//   - everything else (media, the rest of the download, stickers_used,
//     index pages) is counted in Ignored, as are unreadable loose files.
//
// Only file heads are read, and only where needed. Threads are sorted by
// Dir. A tree with no thread at all is an error wrapping ErrNotMeta.
func Discover(ctx context.Context, fsys fs.FS) (Download, error) {
	var dl Download
	if err := ctx.Err(); err != nil {
		return dl, err
	}
	type group struct {
		json, html []numbered
	}
	groups := map[string]*group{}
	stickerRoots := map[string]bool{}
	var cands []candidate
	visited := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("meta: walk download at %s: %w", p, err)
		}
		visited++
		if visited&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		name := d.Name()
		if !d.IsDir() && strings.Contains(name, `\`) {
			p, name = backslashPath(fsys, p, name)
		}
		if d.IsDir() {
			switch name {
			case "__MACOSX": // a Mac's resource forks in a zip: never data
				return fs.SkipDir
			case "stickers_used":
				stickerRoots[path.Dir(p)] = true
			}
			return nil
		}
		if n, isJSON, ok := messageFileNumber(name); ok {
			dir := path.Dir(p)
			g := groups[dir]
			if g == nil {
				g = &group{}
				groups[dir] = g
			}
			if isJSON {
				g.json = append(g.json, numbered{n, p})
			} else {
				g.html = append(g.html, numbered{n, p})
			}
			return nil
		}
		if strings.EqualFold(path.Ext(name), ".json") {
			head, err := readHead(fsys, p, looseHeadSize)
			if err == nil {
				if h := sniffJSON(head); h.thread() {
					c := candidate{ref: ThreadRef{Dir: p, Files: []string{p}}, root: path.Dir(p), head: head}
					if h.e2ee() {
						c.ref.Format, c.ref.Key = FormatE2EE, "e2ee:"+stem(p)
					} else {
						c.ref.Format, c.ref.Key = FormatJSON, "json:"+stem(p)
						c.info = h
					}
					cands = append(cands, c)
					return nil
				}
			}
		}
		dl.Ignored++
		return nil
	})
	if err != nil {
		return dl, err
	}

	for dir, g := range groups {
		ref := ThreadRef{Dir: dir, Key: path.Base(dir)}
		if dir == "." {
			ref.Key = "" // files at the top: ReadThread takes the key from thread_path
		}
		files := g.json
		ref.Format = FormatJSON
		if len(files) == 0 {
			files, ref.Format = g.html, FormatHTML
		} else {
			dl.Ignored += len(g.html)
		}
		slices.SortFunc(files, func(a, b numbered) int {
			return cmp.Or(cmp.Compare(a.n, b.n), strings.Compare(a.path, b.path))
		})
		for _, f := range files {
			ref.Files = append(ref.Files, f.path)
		}
		cands = append(cands, candidate{ref: ref, root: path.Dir(path.Dir(dir)), section: path.Base(path.Dir(dir))})
	}
	if len(cands) == 0 {
		return dl, fmt.Errorf("meta: discover: %d files and folders, no thread: %w", visited, ErrNotMeta)
	}
	if err := decideChannels(ctx, fsys, cands, stickerRoots); err != nil {
		return dl, err
	}
	for _, c := range cands {
		dl.Threads = append(dl.Threads, c.ref)
	}
	slices.SortFunc(dl.Threads, func(a, b ThreadRef) int { return strings.Compare(a.Dir, b.Dir) })
	return dl, nil
}

// numbered is a message_N file.
type numbered struct {
	n    int
	path string
}

// candidate is a thread whose channel may still be open.
type candidate struct {
	ref     ThreadRef
	root    string // the messages root whose threads share one channel
	section string // inbox, archived_threads, …
	head    []byte // head of a loose file, already read
	info    headInfo
}

// messageFileNumber reads "message_12.json" (12, true), "message_3.html"
// (3, false) and the older bare "message.json" (0, true).
func messageFileNumber(name string) (n int, isJSON, ok bool) {
	ext := path.Ext(name)
	switch strings.ToLower(ext) {
	case ".json":
		isJSON = true
	case ".html", ".htm":
	default:
		return 0, false, false
	}
	base := name[:len(name)-len(ext)]
	if base == "message" {
		return 0, isJSON, true
	}
	digits, found := strings.CutPrefix(base, "message_")
	// ASCII digits only: Atoi alone would take "message_-0" and "message_+1"
	if !found || digits == "" || len(digits) > 9 || strings.Trim(digits, "0123456789") != "" {
		return 0, false, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, false, false
	}
	return n, isJSON, true
}

// backslashPath repairs the walk path of a zip entry written with
// backslashes, as PowerShell's Compress-Archive writes them
// ("inbox\ann\message_1.json"): archive/zip files the entry under
// "inbox/ann/message_1.json" but names it by its whole raw name, so the
// walk path p ("inbox/ann/inbox\ann\message_1.json") does not open and the
// thread would go unseen. A p that opens (a folder's file whose name holds
// a backslash) is kept as it is.
func backslashPath(fsys fs.FS, p, name string) (string, string) {
	if _, err := fs.Stat(fsys, p); err == nil {
		return p, name
	}
	fixed := path.Join(path.Dir(p), path.Base(strings.ReplaceAll(name, `\`, "/")))
	if info, err := fs.Stat(fsys, fixed); err == nil && info.Mode().IsRegular() {
		return fixed, path.Base(fixed)
	}
	return p, name
}

// readHead reads at most n bytes from the start of a file.
func readHead(fsys fs.FS, name string, n int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// Layout roots that name the app (FORMATS.md §2.1).
const (
	rootInstagram     = "your_instagram_activity"
	rootFacebook2024  = "your_activity_across_facebook"
	rootFacebook2025  = "your_facebook_activity"
	stickersUsedInURI = "messages/stickers_used/"
)

// channelFromPath answers from the layout root in p, if there is one.
func channelFromPath(p string) (chat.Channel, bool) {
	for _, part := range strings.Split(p, "/") {
		switch part {
		case rootInstagram:
			return chat.Instagram, true
		case rootFacebook2024, rootFacebook2025:
			return chat.Facebook, true
		}
	}
	return "", false
}

// decideChannels sets the channel of every thread. The rule:
//
//  1. The layout root decides: your_instagram_activity → Instagram;
//     your_activity_across_facebook (2024) and your_facebook_activity
//     (2025+) → Facebook [FORMATS.md §2.1, msgvault fixtures]. Otherwise
//     E2EE files are Facebook (Messenger's secure-storage download, §2.7).
//  2. Older downloads have a bare messages/<section>/<thread>, and 2024+
//     Facebook JSON no longer differs from Instagram's (a real
//     your_facebook_activity thread has neither "type" nor "thread_type").
//     So the content of the older eras decides, and it is pooled over all
//     threads under the same messages root, since one download comes from
//     one app. Facebook evidence: "thread_type" (Facebook only, §2.2), a
//     "type" on the first message (Generic/Share/Call…, written by every
//     pre-2024 Facebook export, msgvault and chat-analytics samples;
//     absent in Instagram's, chat-miner sample), a media URI under a
//     Facebook root or messages/stickers_used/, a stickers_used folder
//     beside the sections, or a Facebook-only section (archived_threads,
//     filtered_threads, e2ee_cutover). Instagram evidence: a media URI
//     under your_instagram_activity/.
//  3. More Facebook than Instagram evidence → Facebook, otherwise
//     Instagram; so a thread with no evidence at all (chat-miner's
//     instagram/test_export.json) is Instagram.
//
// HTML threads carry no such evidence of their own and follow their root's
// JSON siblings, or Instagram.
func decideChannels(ctx context.Context, fsys fs.FS, cands []candidate, stickerRoots map[string]bool) error {
	fbVotes, igVotes := map[string]int{}, map[string]int{}
	var open []int
	for i := range cands {
		c := &cands[i]
		if ch, ok := channelFromPath(c.ref.Dir); ok {
			c.ref.Channel = ch
			continue
		}
		if c.ref.Format == FormatE2EE {
			c.ref.Channel = chat.Facebook
			continue
		}
		open = append(open, i)
		if i&63 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch c.section {
		case "archived_threads", "filtered_threads", "e2ee_cutover":
			fbVotes[c.root]++
		}
		if stickerRoots[c.root] {
			fbVotes[c.root]++
		}
		head, info := c.head, c.info
		if head == nil && c.ref.Format == FormatJSON {
			h, err := readHead(fsys, c.ref.Files[0], threadHeadSize)
			if err != nil {
				continue // ReadThread will report it
			}
			head, info = h, sniffJSON(h)
		}
		if info.threadType || info.msgType || bytes.Contains(head, []byte(stickersUsedInURI)) ||
			bytes.Contains(head, []byte(`"`+rootFacebook2024+`/`)) || bytes.Contains(head, []byte(`"`+rootFacebook2025+`/`)) {
			fbVotes[c.root]++
		}
		if bytes.Contains(head, []byte(`"`+rootInstagram+`/`)) {
			igVotes[c.root]++
		}
	}
	for _, i := range open {
		c := &cands[i]
		c.ref.Channel = chat.Instagram
		if fbVotes[c.root] > igVotes[c.root] {
			c.ref.Channel = chat.Facebook
		}
	}
	return nil
}
