package importer

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

const msgvault = fixtures + "/msgvault/internal/fbmessenger/testdata"

func TestImportMetaFolders(t *testing.T) {
	tests := []struct {
		name     string
		dir      string
		messages int
		convs    int
		skipped  int
		channel  string
		contacts []string
	}{
		{"2024 layout with archived thread", "json_simple", 4, 2, 0, "facebook", []string{"Alice Example", "Zoe Archive"}},
		{"2025 layout", "json_with_media_alt", 1, 1, 0, "facebook", nil},
		{"numeric message_N order", "json_multifile", 4, 1, 0, "facebook", nil},
		{"broken thread skipped, sibling imports", "corrupt", 1, 1, 1, "facebook", []string{"Good Sibling"}},
		{"E2EE export", "e2ee_simple", 6, 2, 0, "facebook", nil},
		{"JSON and HTML of one thread", "mixed", 2, 1, 0, "facebook", nil},
		{"HTML only", "html_simple", 3, 1, 0, "facebook", []string{"Alice Example"}},
		{"non-text messages", "json_nontext", 5, 1, 0, "facebook", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			res, err := newImporter(st, Options{}).ImportPaths(context.Background(), []string{filepath.Join(msgvault, tt.dir)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) != 1 {
				t.Fatalf("files = %+v", res.Files)
			}
			rep := res.Files[0]
			if rep.Err != nil || rep.Format != FormatMetaFolder || rep.Messages != tt.messages || rep.Conversations != tt.convs || len(rep.Skipped) != tt.skipped {
				t.Fatalf("report = %+v", rep)
			}
			if tt.skipped > 0 && (!strings.Contains(rep.Skipped[0].Reason, "broken_BAD") || rep.Skipped[0].File == "") {
				t.Fatalf("skipped = %+v, want the broken thread named", rep.Skipped)
			}
			names := map[string]bool{}
			for _, s := range allSessions(t, st) {
				if s.Channel != tt.channel {
					t.Errorf("session %d channel %s, want %s", s.ID, s.Channel, tt.channel)
				}
				names[s.ContactName] = true
			}
			for _, n := range tt.contacts {
				if !names[n] {
					t.Errorf("no session with contact %q in %v", n, names)
				}
			}
		})
	}
}

func TestImportMetaFileAndMojibake(t *testing.T) {
	st := newStore(t)
	file := filepath.Join(msgvault, "json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json")
	rep := newImporter(st, Options{}).ImportFile(context.Background(), file)
	if rep.Err != nil || rep.Format != FormatMetaFile || rep.Messages != 3 {
		t.Fatalf("report = %+v", rep)
	}
	ss := allSessions(t, st)
	msgs, err := st.SessionMessages(context.Background(), ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	reactions := 0
	for _, m := range msgs {
		text += m.Body + "\n"
		reactions += len(m.Reactions)
	}
	if !strings.Contains(text, "café") || strings.Contains(text, "Ã") || reactions != 2 {
		t.Fatalf("bodies %q with %d reactions: want café repaired and 2 reactions", text, reactions)
	}
}

// TestImportInstagramZip builds a whole Instagram download zip with several
// threads (mojibake in names and text), photos and other parts, and imports
// it without unpacking.
func TestImportInstagramZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instagram-shop-2024-05-01.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	// "José Müller" and "café ☕" written the way Meta writes them: each
	// UTF-8 byte as its own \u00XX escape.
	add("your_instagram_activity/messages/inbox/josemuller_1234/message_1.json", `{
  "participants": [{"name": "Jos\u00c3\u00a9 M\u00c3\u00bcller"}, {"name": "Teapot Shop"}],
  "messages": [
    {"sender_name": "Teapot Shop", "timestamp_ms": 1714550460000, "content": "Yes! It ships tomorrow."},
    {"sender_name": "Jos\u00c3\u00a9 M\u00c3\u00bcller", "timestamp_ms": 1714550400000, "content": "Is the caf\u00c3\u00a9 set \u00e2\u0098\u0095 in stock?"}
  ],
  "title": "Jos\u00c3\u00a9 M\u00c3\u00bcller",
  "thread_path": "inbox/josemuller_1234"
}`)
	add("your_instagram_activity/messages/inbox/anna_5678/message_1.json", `{
  "participants": [{"name": "Anna"}, {"name": "Teapot Shop"}],
  "messages": [
    {"sender_name": "Anna", "timestamp_ms": 1714640400000, "content": "Do you do gift wrapping?", "photos": [{"uri": "your_instagram_activity/messages/inbox/anna_5678/photos/1.jpg"}]}
  ],
  "title": "Anna",
  "thread_path": "inbox/anna_5678"
}`)
	add("your_instagram_activity/messages/inbox/anna_5678/photos/1.jpg", "\xff\xd8\xff")
	add("personal_information/personal_information/personal_information.json", `{"profile_user": []}`)
	add("start_here.html", "<html></html>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	st := newStore(t)
	rep := newImporter(st, Options{}).ImportFile(context.Background(), path)
	if rep.Err != nil || rep.Format != FormatMetaZip || rep.Conversations != 2 || rep.Messages != 3 {
		t.Fatalf("report = %+v", rep)
	}
	ss := allSessions(t, st)
	got := map[string]string{}
	for _, s := range ss {
		got[s.ContactName] = s.Channel
	}
	if got["José Müller"] != "instagram" || got["Anna"] != "instagram" || len(got) != 2 {
		t.Fatalf("contacts and channels = %v", got)
	}
	for _, s := range ss {
		msgs, _ := st.SessionMessages(context.Background(), s.ID)
		for _, m := range msgs {
			if m.Author == "Teapot Shop" && m.Role != "agent" {
				t.Errorf("the account owner wrote as %s", m.Role)
			}
			if m.Author != "Teapot Shop" && m.Role != "customer" {
				t.Errorf("%s wrote as %s", m.Author, m.Role)
			}
			if strings.Contains(m.Body, "caf") && !strings.Contains(m.Body, "café set ☕") {
				t.Errorf("mojibake left in %q", m.Body)
			}
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("the zip was unpacked beside itself: %v", entries)
	}
}

func TestImportWebChat(t *testing.T) {
	st := newStore(t)
	imp := newImporter(st, Options{})
	res, err := imp.ImportPaths(context.Background(), []string{
		"../../docs/examples/webchat-example.json",
		"../../docs/examples/webchat-example.csv",
		"../webchat/testdata/chatwoot_api_messages.json",
		"../webchat/testdata/tawkto_transcript.json",
	})
	if err != nil {
		t.Fatal(err)
	}
	formats := []string{"webchat-json", "webchat-csv", "chatwoot-json", "tawkto-json"}
	for i, f := range res.Files {
		if f.Err != nil || f.Format != formats[i] || f.Messages == 0 {
			t.Fatalf("file %d = %+v", i, f)
		}
	}
	// The CSV holds the same two conversations as the JSON.
	if res.Files[1].Duplicates != res.Files[1].Messages || res.Files[1].Sessions != 0 {
		t.Fatalf("CSV twin of the JSON example: %+v", res.Files[1])
	}
	emails := 0
	for _, s := range allSessions(t, st) {
		if s.Channel != "webchat" {
			t.Errorf("channel %s", s.Channel)
		}
		if s.ContactEmail != "" {
			emails++
		}
	}
	if emails < 4 {
		t.Fatalf("%d sessions with a contact email, want every one of the 4", emails)
	}
	c := counts(t, st)
	if c.Contacts != 4 {
		t.Fatalf("contacts = %d, want 4 (the CSV's two are the JSON's two)", c.Contacts)
	}
}

func TestContactMetAgainByEmail(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "site.csv")
	b := filepath.Join(dir, "shop.json")
	os.WriteFile(a, []byte("conversation_id,time,author,role,contact_name,contact_email,body\n"+
		"c1,2024-05-01T10:00:00Z,Ann,customer,Ann,ann@example.com,Hello from the site\n"), 0o600)
	os.WriteFile(b, []byte(`[{"conversation_id":"x9","time":"2024-06-01T10:00:00Z","author":"Ann B.","role":"customer","contact_name":"Ann B.","contact_email":"ANN@example.com","body":"Hello from the shop"}]`), 0o600)
	st := newStore(t)
	res, err := newImporter(st, Options{}).ImportPaths(context.Background(), []string{a, b})
	if err != nil || res.Files[0].Err != nil || res.Files[1].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	if c := counts(t, st); c.Contacts != 1 || c.Conversations != 2 {
		t.Fatalf("counts = %+v, want one contact in two conversations", c)
	}
}

func TestUnknownFileNamesTheFormats(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notes.json")
	os.WriteFile(p, []byte(`{"shopping": ["milk"]}`), 0o600)
	rep := newImporter(newStore(t), Options{}).ImportFile(context.Background(), p)
	if rep.Err == nil {
		t.Fatal("an unknown JSON file imported")
	}
	for _, want := range []string{p, "WhatsApp", "Instagram", "Facebook", "Chatwoot", "tawk.to", "CSV"} {
		if !strings.Contains(rep.Err.Error(), want) {
			t.Errorf("error %q does not mention %q", rep.Err, want)
		}
	}
}

// TestRepairedBytesReported: invalid UTF-8 in a Meta thread or a web-chat
// file is counted in the file's report and its import history, as for
// WhatsApp, and what is stored is valid text.
func TestRepairedBytesReported(t *testing.T) {
	tests := []struct {
		path     string
		format   string
		repaired int
	}{
		{"../meta/testdata/invalid_utf8/message_1.json", FormatMetaFile, 4},
		{"../webchat/testdata/invalid_utf8.csv", "webchat-csv", 4},
		{"../webchat/testdata/invalid_utf8.json", "webchat-json", 4},
		{"../webchat/testdata/invalid_utf8_tawkto.json", "tawkto-json", 3},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			st := newStore(t)
			rep := newImporter(st, Options{}).ImportFile(context.Background(), tt.path)
			if rep.Err != nil || rep.Format != tt.format || rep.Repaired != tt.repaired || rep.Messages == 0 {
				t.Fatalf("report = %+v, want %s with %d bytes repaired", rep, tt.format, tt.repaired)
			}
			hist, err := st.Imports(context.Background(), 1)
			if err != nil || len(hist) != 1 || hist[0].Repaired != tt.repaired {
				t.Fatalf("history = %+v, %v", hist, err)
			}
			for _, s := range allSessions(t, st) {
				msgs, err := st.SessionMessages(context.Background(), s.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range msgs {
					if !utf8.ValidString(m.Body) || !utf8.ValidString(m.Author) {
						t.Errorf("stored %q by %q", m.Body, m.Author)
					}
				}
			}
		})
	}
}
