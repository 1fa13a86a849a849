package importer

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/store"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGoldenWhatsApp")

// whatsAppSamples are the WhatsApp exports the golden test reads: the shared
// real samples and this package's own.
var whatsAppSamples = []string{
	fixtures + "/WhatsR/inst/englishandroid24h.txt",
	fixtures + "/WhatsR/inst/englishandroidampm.txt",
	fixtures + "/WhatsR/inst/englishios24h.txt",
	fixtures + "/WhatsR/inst/englishiosampm.txt",
	fixtures + "/WhatsR/inst/germanandroid24h.txt",
	fixtures + "/WhatsR/inst/germanandroidampm.txt",
	fixtures + "/WhatsR/inst/germanios24h.txt",
	fixtures + "/WhatsR/inst/germaniosampm.txt",
	fixtures + "/chat-miner/test/whatsapp/test_[mmddyy]_24hrs.txt",
	fixtures + "/chat-miner/test/whatsapp/test_ddmmyy_24hrs.txt",
	fixtures + "/chat-miner/test/whatsapp/test_mmddyy_24hrs.txt",
	fixtures + "/chat-miner/test/whatsapp/test_mmddyyyy_12hrs.txt",
	fixtures + "/chat-miner/test/whatsapp/test_yyyymmdd_24hrs.txt",
	fixtures + "/synthetic-from-evidence/android_en_GB_12h_lowercase_nnbsp.txt",
	fixtures + "/synthetic-from-evidence/android_en_US_12h_nnbsp.txt",
	fixtures + "/synthetic-from-evidence/ios_en_GB_12h_nnbsp_brackets_crlf.txt",
	fixtures + "/synthetic-from-evidence/ios_legacy_2016_colon_separator.txt",
	fixtures + "/whatsapp-chat-parser/index-test-chatExample.txt",
	alice,
	"testdata/locales/WhatsApp Chat - Olena.txt",
	"testdata/locales/WhatsApp Chat - Amira.txt",
	"testdata/locales/WhatsApp Chat - Budi.txt",
	"testdata/locales/WhatsApp Chat with Priya.txt",
	"testdata/locales/WhatsApp Chat - Somchai.txt",
	"testdata/locales/WhatsApp Chat - Lan.txt",
	"testdata/locales/WhatsApp Chat - Yuki.txt",
	"testdata/locales/WhatsApp Chat with Nisha.txt",
	"testdata/locales/WhatsApp Chat with Mark.txt",
	"testdata/locales/WhatsApp Chat with Ines.txt",
	"testdata/locales/WhatsApp Chat with Sam.txt",
}

// TestGoldenWhatsApp imports each sample into a real database and compares
// every stored entry — its line, role, kind, session and text — with a
// golden file (go test -run TestGoldenWhatsApp -update rewrites them). The
// golden files were read entry by entry against the raw bytes.
func TestGoldenWhatsApp(t *testing.T) {
	for _, path := range whatsAppSamples {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			got := goldenDump(t, path)
			golden := filepath.Join("testdata", "golden", goldenName(path)+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenWhatsApp -update ./backend/importer/ to write it)", err)
			}
			if got != string(want) {
				t.Errorf("entries of %s differ from %s:\n%s", path, golden, lineDiff(string(want), got))
			}
		})
	}
}

// goldenName makes a file name of a sample's path.
func goldenName(path string) string {
	dir := filepath.Base(filepath.Dir(path))
	base := strings.TrimSuffix(filepath.Base(path), ".txt")
	r := strings.NewReplacer(" ", "_", "[", "_", "]", "_", "(", "", ")", "")
	return r.Replace(dir + "-" + base)
}

// goldenDump imports path and writes one line per stored entry.
func goldenDump(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	// Exports without years are dated by the file's time: pin it.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (is ../shared/fixtures beside the repository?)", err)
	}
	cp := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(cp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	exported := time.Date(2024, 4, 10, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(cp, exported, exported); err != nil {
		t.Fatal(err)
	}
	rep := newImporter(st, Options{}).ImportFile(ctx, cp)
	if rep.Err != nil {
		t.Fatalf("import %s: %v", path, rep.Err)
	}
	sess := allSessions(t, st)
	slices.SortFunc(sess, func(a, b store.Session) int { return int(a.StartedAt - b.StartedAt) })
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# %d messages read, %d sessions, %d lines skipped\n", filepath.Base(path), rep.Messages, rep.Sessions, len(rep.Skipped))
	for i, s := range sess {
		fmt.Fprintf(&b, "# s%d: %d messages\n", i+1, s.MessageCount)
	}
	if len(sess) == 0 {
		t.Fatal("no session")
	}
	msgs, err := st.ConversationMessages(ctx, sess[0].ConversationID, store.MessagePage{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		in := "-"
		for i, s := range sess {
			if m.At >= s.StartedAt && m.At <= s.LastMessageAt {
				in = fmt.Sprintf("s%d", i+1)
			}
		}
		body := strings.ReplaceAll(m.Body, "\n", "⏎")
		if utf8.RuneCountInString(body) > 60 {
			body = string([]rune(body)[:60]) + "…"
		}
		extra := ""
		if len(m.Attachments) > 0 {
			extra = " [" + strings.Join(m.Attachments, ", ") + "]"
		}
		if m.Edited {
			extra += " (edited)"
		}
		at := time.UnixMilli(m.At).UTC().Format("2006-01-02 15:04:05")
		fmt.Fprintf(&b, "%4d %s %-8s %-7s %-3s %s: %s%s\n", m.SourceLine, at, m.Role, m.Kind, in, m.Author, body, extra)
	}
	return b.String()
}

// lineDiff lists the lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("- %s\n+ %s", a, b))
		}
		if len(out) > 20 {
			out = append(out, "…")
			break
		}
	}
	return strings.Join(out, "\n")
}
