package whatsapp

import (
	"bufio"
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/chat"
)

// tableEntry is one line of a shipped table.
type tableEntry struct {
	lang, class, pattern, source string
	line                         int
}

func shippedEntries(t *testing.T) []tableEntry {
	t.Helper()
	names, err := fs.Glob(localeFiles, "locales/*.tsv")
	if err != nil || len(names) == 0 {
		t.Fatalf("no tables: %v", err)
	}
	var out []tableEntry
	for _, name := range names {
		data, err := fs.ReadFile(localeFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".tsv")
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cols := strings.Split(line, "\t")
			out = append(out, tableEntry{lang, cols[0], cols[1], cols[2], n})
		}
	}
	return out
}

// TestEveryTableEntry writes each entry of every table as WhatsApp would
// (its {} filled in; on iOS after U+200E, in Arabic iOS after U+200F) and
// checks that the classifier calls it what its table says: a notice or a
// call is no message, media and attachments are the author's media,
// deleted and location entries stay the author's. An entry that another
// language's pattern claims for another class fails here.
func TestEveryTableEntry(t *testing.T) {
	want := map[string]struct {
		kind   chat.Kind
		system bool
	}{
		"encryption": {chat.KindSystem, true}, "security": {chat.KindSystem, true}, "group": {chat.KindSystem, true},
		"disappearing": {chat.KindSystem, true}, "business": {chat.KindSystem, true}, "notice": {chat.KindSystem, true},
		"call": {chat.KindCall, true}, "media": {chat.KindMedia, false}, "document": {chat.KindMedia, false},
		"attached": {chat.KindMedia, false}, "deleted": {chat.KindDeleted, false}, "location": {chat.KindText, false},
	}
	c := newClassifier()
	entries := shippedEntries(t)
	perLang := map[string]int{}
	for _, e := range entries {
		if e.class == "edited" {
			continue
		}
		w, ok := want[e.class]
		if !ok {
			t.Errorf("%s.tsv line %d: class %q", e.lang, e.line, e.class)
			continue
		}
		fill := "Alice"
		if e.class == "document" || e.class == "attached" {
			fill = "00000035-PHOTO-2022-03-27-21-41-55.jpg"
		}
		text := strings.ReplaceAll(e.pattern, "{}", fill)
		mark := "\u200e"
		if e.lang == "ar" || e.lang == "fa" || e.lang == "ur" || e.lang == "he" {
			mark = "\u200f"
		}
		for _, body := range []string{mark + text, text} {
			// Notices without the mark are decided by their text only when
			// it is exact; the vaguer ones need WhatsApp's mark.
			if !strings.HasPrefix(body, mark) && w.system && strings.Contains(e.pattern, "{}") {
				continue
			}
			got := c.classify([]byte(body), len(body), true)
			if got.kind != w.kind || got.system != w.system {
				t.Errorf("%s.tsv line %d (%s): %q classified %s (system %v), want %s", e.lang, e.line, e.class, body, got.kind, got.system, w.kind)
			}
			if (e.class == "attached" || e.class == "document") && (len(got.attachments) != 1 || got.attachments[0] != fill) {
				t.Errorf("%s.tsv line %d: %q gave attachments %q, want %q", e.lang, e.line, body, got.attachments, fill)
			}
		}
		perLang[e.lang]++
	}
	// The languages whose iOS exports lost messages before, and the most
	// used ones, must have tables.
	for _, lang := range []string{"en", "de", "es", "fr", "it", "pt-BR", "ru", "uk", "ar", "hi", "id", "th", "vi", "ja", "zh-Hans", "ko", "tr", "nl", "pl", "cs"} {
		if perLang[lang] < 5 {
			t.Errorf("%s has %d entries", lang, perLang[lang])
		}
	}
}

// TestPeopleSayNoticeLikeThings: sentences people type that look like a
// notice or a placeholder stay their messages, in several languages.
func TestPeopleSayNoticeLikeThings(t *testing.T) {
	c := newClassifier()
	for _, body := range []string{
		"I left the keys at the desk",
		"Maria added the invoice to the email",
		"My number changed, this is the new one",
		"The image omitted the logo, can you resend?",
		"Он удалил это сообщение случайно?",
		"Ich habe die Gruppe verlassen, sorry",
		"Saya sudah menghapus pesan itu",
		"यह मैसेज मैंने गलती से भेजा",
		"ขอบคุณครับ ข้อความนี้ชัดเจน",
		"Tôi đã thêm bạn vào danh sách",
		"追加しました、ありがとう！", // "added it, thanks!" — unmarked, so not the notice "{}を追加しました"
		"missed the call, sorry – call me back?",
	} {
		got := c.classify([]byte(body), len(body), true)
		if got.system || got.kind != chat.KindText {
			t.Errorf("%q classified %s (system %v), want the author's text", body, got.kind, got.system)
		}
	}
}
