package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/webchat"
)

// knownFormats are every format Detect can answer.
var knownFormats = map[string]bool{
	"": true, FormatWhatsAppText: true, FormatWhatsAppZip: true, FormatMetaZip: true, FormatMetaFile: true,
	string(webchat.FormatJSON): true, string(webchat.FormatCSV): true, string(webchat.FormatChatwoot): true, string(webchat.FormatTawk): true,
}

// FuzzDetect: any bytes give a known format or an error naming the file,
// never both; zip formats only for zips; MaybeExport agrees with Detect.
func FuzzDetect(f *testing.F) {
	for _, p := range []string{alice, "testdata/binary.png", "testdata/WhatsApp Chat - Broken.zip", "testdata/WhatsApp Chat with Empty.txt"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"participants":[{"name":"A"}],"messages":[{"sender_name":"A","timestamp_ms":1,"content":"x"}]}`))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "message_1.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		found, err := Detect(context.Background(), path)
		//lint:ignore SA5001 Detect hands back a Found to close with its error too
		defer found.Close()
		if !knownFormats[found.Format] {
			t.Fatalf("unknown format %q", found.Format)
		}
		if err != nil {
			if found.Format != "" || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v with format %q: want no format and the file named", err, found.Format)
			}
		}
		isZip := bytes.HasPrefix(data, []byte("PK"))
		if (found.Format == FormatWhatsAppZip || found.Format == FormatMetaZip) != (isZip && found.Format != "") {
			t.Fatalf("format %q for a file starting %q", found.Format, data[:min(4, len(data))])
		}
		want := err != nil && !errors.Is(err, ErrEmpty) || found.Format != ""
		if got := MaybeExport(context.Background(), path); got != want {
			t.Fatalf("MaybeExport = %v, Detect said %q, %v", got, found.Format, err)
		}
	})
}

// FuzzImportZip imports zips built from fuzzed entry names and chat text
// into one real library: each import succeeds or fails whole (the counts
// move only with a success), and re-importing a success changes nothing.
func FuzzImportZip(f *testing.F) {
	chat, _ := os.ReadFile(alice)
	f.Add("_chat.txt", chat)
	f.Add("WhatsApp Chat with Bob.txt", []byte("1/2/24, 10:00 - Bob: hi\n1/2/24, 10:01 - Shop: hello\n"))
	f.Add("../../evil.txt", []byte("[3/27/22, 21:41:55] Bob: \u200eimage omitted\r\n"))
	f.Add("README.txt", []byte("not a chat"))
	st, err := store.Open(context.Background(), f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	dir := f.TempDir()
	imp := newImporter(st, Options{})
	f.Fuzz(func(t *testing.T, name string, text []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create(name)
		if err != nil {
			return // a name zip itself refuses
		}
		w.Write(text)
		zw.Close()
		path := filepath.Join(dir, "export.zip")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		before, err := st.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rep := imp.ImportFile(ctx, path)
		after, err := st.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Err != nil {
			if after != before {
				t.Fatalf("a failed import changed the library: %+v → %+v (%v)", before, after, rep.Err)
			}
			if rep.Status != StatusFailed || !strings.Contains(rep.Err.Error(), path) {
				t.Fatalf("failed report %+v should say failed and name the file", rep)
			}
			return
		}
		if rep.Status != StatusOK || after.Messages < before.Messages {
			t.Fatalf("report %+v, counts %+v → %+v", rep, before, after)
		}
		again := imp.ImportFile(ctx, path)
		if again.Err != nil || again.Sessions != 0 || again.Duplicates != rep.Messages {
			t.Fatalf("re-import %+v after %+v", again, rep)
		}
		if c, _ := st.Count(ctx); c != after {
			t.Fatalf("re-import changed counts %+v → %+v", after, c)
		}
	})
}
