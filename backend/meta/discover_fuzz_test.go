package meta

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// The fuzz input of FuzzDiscover is an archive written as records: entries
// separated by recordSep, each a name, unitSep, then the content. A single
// byte each, so the fuzzer splits, joins and renames entries by mutating
// one byte.
const (
	recordSep = 0x1e
	unitSep   = 0x1f
	// maxFuzzEntries bounds the archive: beyond a few dozen entries the
	// walk does nothing new, and each execution must stay fast.
	maxFuzzEntries = 48
)

// fuzzEntry is one entry of a fuzzed archive.
type fuzzEntry struct {
	name string
	data []byte
}

// splitArchive reads the records of a fuzz input.
func splitArchive(b []byte) []fuzzEntry {
	var out []fuzzEntry
	for _, rec := range bytes.SplitN(b, []byte{recordSep}, maxFuzzEntries) {
		name, data, _ := bytes.Cut(rec, []byte{unitSep})
		out = append(out, fuzzEntry{string(name), data})
	}
	return out
}

// joinArchive writes entries as a fuzz input (for the seeds).
func joinArchive(entries []fuzzEntry) []byte {
	var b []byte
	for i, e := range entries {
		if i > 0 {
			b = append(b, recordSep)
		}
		b = append(b, e.name...)
		b = append(b, unitSep)
		b = append(b, e.data...)
	}
	return b
}

// zipOf writes entries, names as given (traversal, backslashes, invalid
// UTF-8 included), into an in-memory zip. A name ending in '/' is a
// directory entry and gets no content.
func zipOf(t *testing.T, entries []fuzzEntry) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatalf("zip create %q: %v", e.name, err)
		}
		if !strings.HasSuffix(e.name, "/") {
			if _, err := w.Write(e.data); err != nil {
				t.Fatalf("zip write %q: %v", e.name, err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("zip read back: %v", err)
	}
	return zr
}

// treeSeeds returns every file under root as entries named relative to it.
func treeSeeds(root string) []fuzzEntry {
	var out []fuzzEntry
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, fuzzEntry{filepath.ToSlash(rel), b})
		}
		return nil
	})
	return out
}

// walkCount is what a plain walk of fsys says, the way Discover must see
// it: the regular files outside __MACOSX, and whether one of them is
// named like a thread file (message_N.json/.html, message.json).
func walkCount(fsys fs.FS) (files int, messageNamed bool, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "__MACOSX" {
				return fs.SkipDir
			}
			return nil
		}
		files++
		name := d.Name()
		ext := path.Ext(name)
		stem := name[:len(name)-len(ext)]
		switch strings.ToLower(ext) {
		case ".json", ".html", ".htm":
			n, ok := strings.CutPrefix(stem, "message_")
			if stem == "message" || ok && n != "" && len(n) <= 9 && strings.Trim(n, "0123456789") == "" {
				messageNamed = true
			}
		}
		return nil
	})
	return files, messageNamed, err
}

// unzipped is the tree of zr as an unzip tool that honours backslashes
// would write it to a folder: names with '\' as '/', cleaned, rooted, with
// leading "../" dropped. Entries that clash (twins, a file that is also a
// folder) are left to the zip: its walk fails on them.
func unzipped(t *testing.T, zr *zip.Reader) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range zr.File {
		name := strings.TrimPrefix(path.Clean(strings.ReplaceAll(f.Name, `\`, "/")), "/")
		for strings.HasPrefix(name, "../") {
			name = name[len("../"):]
		}
		if name == "" || name == "." || name == ".." {
			continue
		}
		if strings.HasSuffix(f.Name, "/") {
			m[name] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open zip entry %q: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read zip entry %q: %v", f.Name, err)
		}
		m[name] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

// checkDownload checks the invariants of a Download found in fsys: threads
// sorted by Dir, every file a valid path to a regular file of fsys (no name
// escapes the archive), each file in one thread only, files of a folder
// thread in that folder and in message number order, keys and formats as
// documented, and every file counted once: in a thread or in Ignored.
func checkDownload(t *testing.T, fsys fs.FS, dl Download, files int) {
	t.Helper()
	if len(dl.Threads) == 0 {
		t.Fatalf("no error and no thread")
	}
	if dl.Ignored < 0 {
		t.Fatalf("Ignored %d", dl.Ignored)
	}
	if !slices.IsSortedFunc(dl.Threads, func(a, b ThreadRef) int { return strings.Compare(a.Dir, b.Dir) }) {
		t.Fatalf("threads not sorted by Dir")
	}
	seen := map[string]bool{}
	inThreads := 0
	for _, ref := range dl.Threads {
		if len(ref.Files) == 0 {
			t.Fatalf("thread %q without files", ref.Dir)
		}
		if !fs.ValidPath(ref.Dir) {
			t.Fatalf("thread dir %q is not a valid path inside the archive", ref.Dir)
		}
		if ref.Channel != chat.Instagram && ref.Channel != chat.Facebook {
			t.Fatalf("thread %q: channel %q", ref.Dir, ref.Channel)
		}
		for _, f := range ref.Files {
			if !fs.ValidPath(f) || f == "." {
				t.Fatalf("thread %q: file %q escapes the archive", ref.Dir, f)
			}
			if info, err := fs.Stat(fsys, f); err != nil || !info.Mode().IsRegular() {
				t.Fatalf("thread %q: file %q: %v, %v", ref.Dir, f, info, err)
			}
			if seen[f] {
				t.Fatalf("file %q in two threads", f)
			}
			seen[f] = true
			ext := strings.ToLower(path.Ext(f))
			if (ref.Format == FormatHTML) != (ext == ".html" || ext == ".htm") {
				t.Fatalf("thread %q: %s file %q", ref.Dir, ref.Format, f)
			}
		}
		inThreads += len(ref.Files)
		single := len(ref.Files) == 1 && ref.Files[0] == ref.Dir
		switch {
		case ref.Format == FormatE2EE:
			if !single || ref.Key != "e2ee:"+stem(ref.Dir) {
				t.Fatalf("E2EE thread %+v", ref)
			}
		case single:
			if ref.Format != FormatJSON || ref.Key != "json:"+stem(ref.Dir) {
				t.Fatalf("loose thread %+v", ref)
			}
		default:
			if ref.Format != FormatJSON && ref.Format != FormatHTML {
				t.Fatalf("thread %q: format %q", ref.Dir, ref.Format)
			}
			if (ref.Key == "") != (ref.Dir == ".") || ref.Dir != "." && ref.Key != path.Base(ref.Dir) {
				t.Fatalf("thread %q: key %q", ref.Dir, ref.Key)
			}
			last := -1
			for _, f := range ref.Files {
				n, _, ok := messageFileNumber(path.Base(f))
				if path.Dir(f) != ref.Dir || !ok || n < last {
					t.Fatalf("thread %q: files %q", ref.Dir, ref.Files)
				}
				last = n
			}
		}
	}
	if inThreads+dl.Ignored != files {
		t.Fatalf("%d files in threads + %d ignored, the walk saw %d files", inThreads, dl.Ignored, files)
	}
}

// FuzzDiscover: Discover on a zip built from fuzzed entry names and
// contents never panics, returns an error or threads, never both (with
// ErrNotMeta, Ignored counts every file); an error
// is ErrNotMeta exactly when no file is named like a thread file and no
// loose JSON is one (and the walk could read every folder); the threads
// satisfy checkDownload; the same tree unzipped to a folder (a MapFS)
// gives the same Download; and each thread found reads into a conversation
// satisfying the invariants, or fails with ErrCorrupt.
func FuzzDiscover(f *testing.F) {
	var roots []string
	if dirs, err := os.ReadDir(msgvault("")); err == nil {
		for _, d := range dirs {
			if d.IsDir() {
				roots = append(roots, msgvault(d.Name()))
			}
		}
	}
	roots = append(roots, filepath.Join("testdata", "instagram"), filepath.Join("testdata", "instagram_html"), fixture("chat-miner", "test", "instagram"))
	for _, r := range roots {
		if e := treeSeeds(r); len(e) > 0 {
			f.Add(joinArchive(e))
		}
	}
	const inbox = "messages/inbox/ann_a1/"
	f.Add(joinArchive([]fuzzEntry{
		{"__MACOSX/" + inbox + "message_1.json", []byte(fbThread)},
		{"../../" + inbox + "message_2.json", []byte(fbThread)},
		{`messages\inbox\ann_a1\message_10.json`, []byte(fbThread)},
		{inbox + "message_1.html", []byte("<div><div>A</div><div>hi</div><div>Oct 19, 2019, 2:37 PM</div></div>")},
		{inbox, nil},
		{"messages/stickers_used/1.png", []byte("png")},
		{"Alice_1.json", []byte(`{"participants":["A","B"],"threadName":"A","messages":[{"senderName":"A","text":"hi","timestamp":1600000000000}]}`)},
		{"message.json", []byte(igThread)},
		{"a/../", nil},
	}))
	f.Add(joinArchive([]fuzzEntry{{"message_1.json", []byte(modernThread)}, {"message_1.json", []byte(modernThread)}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		zr := zipOf(t, splitArchive(data))
		dl, err := Discover(ctx, zr)
		files, messageNamed, walkErr := walkCount(zr)
		if err != nil {
			if len(dl.Threads) > 0 {
				t.Fatalf("error %v with threads %+v", err, dl.Threads)
			}
			if walkErr == nil && dl.Ignored != files {
				t.Fatalf("no thread: %d ignored, the walk saw %d files", dl.Ignored, files)
			}
			if walkErr == nil && (!errors.Is(err, ErrNotMeta) || messageNamed) {
				t.Fatalf("walkable tree with thread-named files %v: err %v", messageNamed, err)
			}
			return
		}
		if walkErr != nil {
			t.Fatalf("found %d threads in a tree the walk fails on: %v", len(dl.Threads), walkErr)
		}
		checkDownload(t, zr, dl, files)

		folder, err := Discover(ctx, unzipped(t, zr))
		if err != nil || !reflect.DeepEqual(folder, dl) {
			t.Fatalf("the tree as a folder: %+v, %v; as a zip: %+v", folder, err, dl)
		}
		for i, ref := range dl.Threads {
			if i == 8 {
				break // enough: each read is the cost of a ReadThread fuzz run
			}
			c, err := ReadThread(ctx, zr, ref)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "meta: read ") {
					t.Fatalf("thread %q: err %v does not wrap ErrCorrupt", ref.Dir, err)
				}
				continue
			}
			checkFuzzConversation(t, c)
			if c.Channel != ref.Channel || ref.Key != "" && c.Key != ref.Key || c.Source != ref.Files[0] {
				t.Fatalf("thread %+v read as channel %q key %q source %q", ref, c.Channel, c.Key, c.Source)
			}
		}
		owner, err := GuessOwner(ctx, zr, dl.Threads)
		if err != nil || !utf8.ValidString(owner) {
			t.Fatalf("GuessOwner = %q, %v", owner, err)
		}
	})
}

// topLevelKeys counts the keys of the top-level object of valid JSON that
// are key once unescaped (a key may be written with \u escapes).
func topLevelKeys(valid []byte, key string) int {
	dec := json.NewDecoder(bytes.NewReader(valid))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0
	}
	n := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return n
		}
		if t == key {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return n
		}
	}
	return n
}

// jsonStrings collects every string of a decoded JSON value, keys too,
// each repaired with FixMojibake: any name a reader takes from the file
// must be one of them.
func jsonStrings(v any, into map[string]bool) {
	switch v := v.(type) {
	case string:
		into[FixMojibake(v)] = true
	case []any:
		for _, e := range v {
			jsonStrings(e, into)
		}
	case map[string]any:
		for k, e := range v {
			into[FixMojibake(k)] = true
			jsonStrings(e, into)
		}
	}
}

// FuzzReadThreadE2EE: the flat E2EE Messenger file (camelCase: senderName,
// text, timestamp, isUnsent, media, participants as plain strings) read
// both as Discover finds it (a lone <Name>_N.json) and by ReadThread with
// FormatE2EE. Neither panics; ReadThread accepts exactly the valid JSON
// objects with a "messages" array, one message per object in it; authors,
// participants, reactions and the title are strings of the file; and a
// file Discover finds is one E2EE (or loose DYI) thread whose reading is
// the same as the direct one.
func FuzzReadThreadE2EE(f *testing.F) {
	for _, s := range seedFiles(".json") {
		f.Add(s)
	}
	for _, e := range treeSeeds(msgvault("e2ee_simple")) {
		f.Add(e.data)
	}
	f.Add([]byte(`{"participants":["A",null,7,"B"],"threadName":"\u00c3\u00a9","messages":[{"senderName":"A","sender_name":"","text":"x","content":"","timestamp":1600000000000,"timestamp_ms":0,"isUnsent":true,"media":[{"uri":"a/b.jpg"}],"reactions":[{"actor":"B","reaction":"\u00e2\u009d\u00a4"}]},{"senderName":null,"timestamp":"1"}]}`))
	f.Add([]byte("{\"threadName\":\"T\",\"messages\":[]}\x00{}"))
	const name = "your_activity_across_facebook/messages/Alice_1.json"
	direct := ThreadRef{Dir: name, Key: "e2ee:Alice_1", Files: []string{name}, Format: FormatE2EE, Channel: chat.Facebook}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		fsys := mapFS(map[string]string{name: string(data)})
		c, err := ReadThread(ctx, fsys, direct)
		trimmed := bytes.TrimPrefix(data, utf8BOM)
		var top any
		valid := json.Unmarshal(trimmed, &top) == nil
		obj, _ := top.(map[string]any)
		msgs, hasMessages := obj["messages"].([]any)
		// the decoder reads the first "messages" array, encoding/json
		// keeps the last "messages": compare only when there is one
		single := valid && topLevelKeys(trimmed, "messages") == 1
		if single || valid && !hasMessages && topLevelKeys(trimmed, "messages") == 0 {
			if (err == nil) != hasMessages {
				t.Fatalf("valid JSON, messages array %v: err %v", hasMessages, err)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), name+": line ") {
				t.Fatalf("err %v does not name the file and line, or does not wrap ErrCorrupt", err)
			}
		} else {
			if !valid {
				t.Fatalf("accepted invalid JSON")
			}
			checkFuzzConversation(t, c)
			if single {
				objects := 0
				for _, m := range msgs {
					if _, ok := m.(map[string]any); ok {
						objects++
					}
				}
				if len(c.Messages) != objects {
					t.Fatalf("%d messages, the array has %d objects", len(c.Messages), objects)
				}
			}
			strs := map[string]bool{"": true}
			jsonStrings(top, strs)
			names := slices.Clone(c.Participants)
			for _, m := range c.Messages {
				names = append(names, m.Author)
				for _, r := range m.Reactions {
					names = append(names, r.Actor, r.Emoji)
				}
			}
			for _, n := range names {
				if !strs[n] {
					t.Fatalf("name %q is no string of the file", n)
				}
			}
			if !strs[c.Title] && c.Title != titleFromParticipants(c.Participants, "") {
				t.Fatalf("title %q: no string of the file, not the participants", c.Title)
			}
		}

		dl, derr := Discover(ctx, fsys)
		if derr != nil {
			if !errors.Is(derr, ErrNotMeta) || len(dl.Threads) > 0 {
				t.Fatalf("Discover = %+v, %v", dl, derr)
			}
			return
		}
		if len(dl.Threads) != 1 || dl.Ignored != 0 {
			t.Fatalf("one file, Discover = %+v", dl)
		}
		ref := dl.Threads[0]
		if ref.Format == FormatE2EE && !reflect.DeepEqual(ref, direct) {
			t.Fatalf("E2EE ref %+v, want %+v", ref, direct)
		}
		if ref.Format != FormatE2EE {
			if ref.Format != FormatJSON || ref.Key != "json:Alice_1" || ref.Channel != chat.Facebook {
				t.Fatalf("loose thread ref %+v", ref)
			}
			return
		}
		c2, err2 := ReadThread(ctx, fsys, ref)
		if (err == nil) != (err2 == nil) || err == nil && !reflect.DeepEqual(c, c2) {
			t.Fatalf("read as found: %v; read directly: %v", err2, err)
		}
	})
}
