package whatsapp

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz input of FuzzChatEntry is an archive written as records: entries
// separated by zipRecordSep, each a name, zipUnitSep, then the content. A
// name starting with zipDirMark is stored with a directory mode but no
// trailing slash, as some zip tools write folders.
const (
	zipRecordSep   = 0x1e
	zipUnitSep     = 0x1f
	zipDirMark     = 0x1d
	maxZipEntries  = 64
	seedMediaBytes = 64
)

type zipEntry struct {
	name string
	data []byte
}

func splitZipEntries(b []byte) []zipEntry {
	var out []zipEntry
	for _, rec := range bytes.SplitN(b, []byte{zipRecordSep}, maxZipEntries) {
		name, data, _ := bytes.Cut(rec, []byte{zipUnitSep})
		out = append(out, zipEntry{string(name), data})
	}
	return out
}

func joinZipEntries(entries []zipEntry) []byte {
	var b []byte
	for i, e := range entries {
		if i > 0 {
			b = append(b, zipRecordSep)
		}
		b = append(b, e.name...)
		b = append(b, zipUnitSep)
		b = append(b, e.data...)
	}
	return b
}

// zipFromEntries writes the entries, names as given (traversal,
// backslashes, invalid UTF-8 included), into an in-memory zip.
func zipFromEntries(t *testing.T, entries []zipEntry) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store}
		if rest, ok := strings.CutPrefix(e.name, string(rune(zipDirMark))); ok {
			h.Name = rest
			h.SetMode(fs.ModeDir | 0o755)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("zip create %q: %v", h.Name, err)
		}
		if !strings.HasSuffix(h.Name, "/") {
			if _, err := w.Write(e.data); err != nil {
				t.Fatalf("zip write %q: %v", h.Name, err)
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

// wantChat is the rule of ChatEntry's doc written the plain way, from the
// raw entry names: among the entries that are no folder and no macOS
// metadata, whose last element (after '/' or '\', trimmed) ends in .txt,
// the shortest full name whose base is _chat.txt, else the shortest whose
// base stem holds "chat" or "whatsapp", else the only one; the first of
// equally short names. nil when there is none; count is how many .txt
// entries there are.
func wantChat(zr *zip.Reader) (want *zip.File, count int) {
	var underscore, named, only *zip.File
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, `\`, "/")
		base := strings.TrimSpace(n[strings.LastIndex(n, "/")+1:])
		if strings.HasSuffix(n, "/") || f.Mode().IsDir() ||
			strings.HasPrefix(n, "__MACOSX/") || strings.Contains(n, "/__MACOSX/") || base == ".DS_Store" || strings.HasPrefix(base, "._") {
			continue
		}
		lower := strings.ToLower(base)
		stem, isTxt := strings.CutSuffix(lower, ".txt")
		if !isTxt {
			continue
		}
		count++
		only = f
		switch {
		case lower == "_chat.txt":
			if underscore == nil || len(f.Name) < len(underscore.Name) {
				underscore = f
			}
		case strings.Contains(stem, "chat") || strings.Contains(stem, "whatsapp"):
			if named == nil || len(f.Name) < len(named.Name) {
				named = f
			}
		}
	}
	switch {
	case underscore != nil:
		return underscore, count
	case named != nil:
		return named, count
	case count == 1:
		return only, count
	}
	return nil, count
}

// FuzzChatEntry: ChatEntry on a zip built from fuzzed entry names and
// contents never panics; it returns an error (ErrNotWhatsApp, no entry, no
// media) or an entry, never both; the entry is the one the documented rule
// picks (wantChat); the media are one name per other entry that is no
// folder, no macOS metadata and has a base name, each a single valid UTF-8
// path element, so no name escapes the archive; and the chat entry opens.
func FuzzChatEntry(f *testing.F) {
	txts, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	more, _ := filepath.Glob(filepath.Join(fixture("whatsapp-chat-parser"), "*.txt"))
	txts = append(txts, more...)
	for i, p := range txts {
		if i == 6 {
			break // a few whole chats are enough: the content is not what ChatEntry reads
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f.Add(joinZipEntries([]zipEntry{
			{"_chat.txt", b},
			{"00000035-PHOTO-2022-03-27-21-41-55.jpg", bytes.Repeat([]byte{0xff}, seedMediaBytes)},
			{"__MACOSX/._chat.txt", nil},
		}))
		f.Add(joinZipEntries([]zipEntry{{"WhatsApp Chat with " + strings.TrimSuffix(filepath.Base(p), ".txt") + ".txt", b}, {"IMG-20220323-WA0002.jpg", nil}, {"readme.txt", nil}}))
	}
	for _, names := range [][]string{
		{"export/_chat.txt", "WhatsApp Chat with A.txt", "media/", "media/IMG-1.jpg", ".DS_Store"},
		{"_chat.txt", "../../evil.jpg", `..\..\win.jpg`, "a/../../b.png", "/abs.opus", "x/..", "x/.", " ", "\xff\xfe.jpg"},
		{"a.txt", "b.TXT"},
		{string(rune(zipDirMark)) + "_chat.txt", "chat.txt", `dir\_CHAT.TXT`, " _chat.txt "},
		{"IMG-1.jpg"},
	} {
		var es []zipEntry
		for _, n := range names {
			es = append(es, zipEntry{n, []byte("x")})
		}
		f.Add(joinZipEntries(es))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		zr := zipFromEntries(t, splitZipEntries(data))
		chatFile, media, err := ChatEntry(zr)
		want, count := wantChat(zr)
		if err != nil {
			if chatFile != nil || media != nil {
				t.Fatalf("error %v with entry %v and media %q", err, chatFile, media)
			}
			if !errors.Is(err, ErrNotWhatsApp) {
				t.Fatalf("err %v does not wrap ErrNotWhatsApp", err)
			}
			if want != nil {
				t.Fatalf("err %v, the rule picks %q", err, want.Name)
			}
			return
		}
		if chatFile == nil {
			t.Fatalf("no error and no entry")
		}
		if chatFile != want {
			t.Fatalf("picked %q of %d .txt entries, the rule picks %v", chatFile.Name, count, want)
		}
		others := 0
		for _, f := range zr.File {
			n := strings.ReplaceAll(f.Name, `\`, "/")
			base := strings.TrimSpace(n[strings.LastIndex(n, "/")+1:])
			if f == chatFile || strings.HasSuffix(n, "/") || f.Mode().IsDir() ||
				strings.HasPrefix(n, "__MACOSX/") || strings.Contains(n, "/__MACOSX/") || base == ".DS_Store" || strings.HasPrefix(base, "._") ||
				base == "" || base == "." || base == ".." {
				continue
			}
			others++
		}
		if len(media) != others {
			t.Fatalf("%d media %q for %d other entries", len(media), media, others)
		}
		for _, m := range media {
			if m == "" || m == "." || m == ".." || strings.ContainsAny(m, `/\`) || !utf8.ValidString(m) || strings.TrimSpace(m) != m {
				t.Fatalf("media name %q", m)
			}
		}
		rc, err := chatFile.Open()
		if err != nil {
			t.Fatalf("open the chat entry %q: %v", chatFile.Name, err)
		}
		rc.Close()
		again, media2, err2 := ChatEntry(zr)
		if again != chatFile || !reflect.DeepEqual(media, media2) || err2 != nil {
			t.Fatalf("a second call differs: %v %q %v", again, media2, err2)
		}
	})
}
