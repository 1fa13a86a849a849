package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
)

// writeZip writes a zip of name → content.
func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(msgvault, rel))
	if err != nil {
		t.Fatalf("%v (is ../shared/fixtures beside the repository?)", err)
	}
	return b
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	alice := readFixture(t, "json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json")
	chat, err := os.ReadFile("testdata/WhatsApp Chat with Alice Example.txt")
	if err != nil {
		t.Fatal(err)
	}
	metaWithReadme := filepath.Join(dir, "facebook-me-2025.zip")
	writeZip(t, metaWithReadme, map[string][]byte{
		"README.txt": []byte("This download holds your information.\n"),
		"your_facebook_activity/messages/inbox/alice_ABC123/message_1.json": alice,
	})
	whatsZip := filepath.Join(dir, "WhatsApp Chat - Alice.zip")
	writeZip(t, whatsZip, map[string][]byte{"_chat.txt": chat, "00000035-PHOTO-2022-03-27-21-41-55.jpg": {0xff, 0xd8}})
	notesZip := filepath.Join(dir, "notes.zip")
	writeZip(t, notesZip, map[string][]byte{"notes.txt": []byte("buy milk\n")})
	empty := filepath.Join(dir, "lock")
	os.WriteFile(empty, nil, 0o600)
	tests := []struct {
		name, path, format string
		err                error
	}{
		{"Meta download zip with one README.txt", metaWithReadme, FormatMetaZip, nil},
		{"WhatsApp zip", whatsZip, FormatWhatsAppZip, nil},
		{"zip of notes", notesZip, "", nil},
		{"WhatsApp text", "testdata/WhatsApp Chat with Alice Example.txt", FormatWhatsAppText, nil},
		{"empty file", empty, "", ErrEmpty},
		{"photo", "testdata/binary.png", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, err := Detect(context.Background(), tt.path)
			//lint:ignore SA5001 Detect hands back a Found to close with its error too
			defer found.Close()
			if !errors.Is(err, tt.err) || found.Format != tt.format {
				t.Fatalf("Detect = %q, %v; want %q, %v", found.Format, err, tt.format, tt.err)
			}
		})
	}
	t.Run("the Meta zip imports as Meta", func(t *testing.T) {
		st := newStore(t)
		rep := newImporter(st, Options{}).ImportFile(context.Background(), metaWithReadme)
		if rep.Err != nil || rep.Format != FormatMetaZip || rep.Conversations != 1 {
			t.Fatalf("report = %+v", rep)
		}
	})
}

// TestZipBombIsRefused: entries that would inflate past the bounds are
// refused from the zip's directory, before any byte is inflated, and the
// library is left as it was.
func TestZipBombIsRefused(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name         string
		size, packed uint64
		want         string
	}{
		{"a thousandfold chat text", 1 << 30, 1 << 20, "inflate 1024 times"},
		{"an entry over 4 GiB", 5 << 30, 5 << 30, "would be 5 GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "WhatsApp Chat - Bomb.zip")
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			// A raw entry: the directory claims the sizes, as a real bomb's does.
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "_chat.txt", Method: zip.Deflate, UncompressedSize64: tt.size, CompressedSize64: tt.packed})
			if err != nil {
				t.Fatal(err)
			}
			fw, _ := flate.NewWriter(w, flate.BestSpeed)
			fw.Write([]byte("14/03/2024, 09:02 - Bomb: x\n"))
			fw.Close()
			zw.Close()
			os.WriteFile(path, buf.Bytes(), 0o600)

			st := newStore(t)
			rep := newImporter(st, Options{}).ImportFile(context.Background(), path)
			if !errors.Is(rep.Err, ErrZipBomb) || !strings.Contains(rep.Err.Error(), tt.want) || !strings.Contains(rep.Err.Error(), path) {
				t.Fatalf("err = %v, want a zip bomb refused naming the file and saying %q", rep.Err, tt.want)
			}
			if c := counts(t, st); c.Messages != 0 || c.Conversations != 0 {
				t.Fatalf("counts = %+v", c)
			}
		})
	}
}

// TestOneThreadFileStaysInItsFolder: a message_1.json dropped in a big
// folder imports its own thread and does not walk the folder's subfolders.
func TestOneThreadFileStaysInItsFolder(t *testing.T) {
	downloads := t.TempDir()
	os.WriteFile(filepath.Join(downloads, "message_1.json"), readFixture(t, "json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"), 0o600)
	other := filepath.Join(downloads, "old-export", "messages", "inbox", "bob_XYZ789")
	os.MkdirAll(other, 0o700)
	os.WriteFile(filepath.Join(other, "message_1.json"), readFixture(t, "json_with_media/your_activity_across_facebook/messages/inbox/bob_XYZ789/message_1.json"), 0o600)
	fsys := flatDir{os.DirFS(downloads)}
	if _, err := fs.ReadDir(fsys, "old-export"); err == nil {
		t.Fatal("flatDir lists a subfolder")
	}
	st := newStore(t)
	rep := newImporter(st, Options{}).ImportFile(context.Background(), filepath.Join(downloads, "message_1.json"))
	if rep.Err != nil || rep.Conversations != 1 {
		t.Fatalf("report = %+v, want the one thread", rep)
	}
	if c := counts(t, st); c.Conversations != 1 {
		t.Fatalf("counts = %+v: the thread in a subfolder was imported too", c)
	}
}

// TestOwnDataIsNoExport: a watched folder or an imported folder that holds
// a Sessions library leaves the library's files alone, quietly, and an
// empty file is no export either.
func TestOwnDataIsNoExport(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "library")
	libStore, err := store.Open(context.Background(), lib)
	if err != nil {
		t.Fatal(err)
	}
	libStore.Close()
	lock := filepath.Join(lib, "index", "lock")
	os.MkdirAll(filepath.Dir(lock), 0o700)
	os.WriteFile(lock, nil, 0o600)
	chat := filepath.Join(root, "WhatsApp Chat with Alice Example.txt")
	data, _ := os.ReadFile(alice)
	os.WriteFile(chat, data, 0o600)
	empty := filepath.Join(root, "empty.txt")
	os.WriteFile(empty, []byte("  \n"), 0o600)

	ctx := context.Background()
	for _, p := range []string{lock, filepath.Join(lib, "sessions.db"), empty} {
		if MaybeExport(ctx, p) {
			t.Errorf("MaybeExport(%s) = true", p)
		}
	}
	if !MaybeExport(ctx, chat) {
		t.Errorf("MaybeExport(%s) = false", chat)
	}
	st := newStore(t)
	res, err := newImporter(st, Options{}).ImportPaths(ctx, []string{root})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, lib) {
			t.Errorf("the library's file %s was tried: %+v", f.Path, f)
		}
	}
	if len(res.Files) != 1 || res.Files[0].Err != nil {
		t.Fatalf("files = %+v", res.Files)
	}
}
