package whatsapp

import (
	"archive/zip"
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestTitleFromFileName(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"android en", "WhatsApp Chat with Alice.txt", "Alice"},
		{"ios zip", "WhatsApp Chat - Alice.zip", "Alice"},
		{"de", "WhatsApp Chat mit Jörg Müller.txt", "Jörg Müller"},
		{"cs", "Chat WhatsApp s uživatelem Dmitry S.txt", "Dmitry S"},
		{"ru contact", "Чат WhatsApp с контактом Dmitry S.txt", "Dmitry S"},
		{"ru short", "Чат WhatsApp с Дмитрий.txt", "Дмитрий"},
		{"nl", "WhatsApp-chat met Jan.txt", "Jan"},
		{"es", "Chat de WhatsApp con Ana.txt", "Ana"},
		{"it", "Chat WhatsApp con Luca.txt", "Luca"},
		{"pt no", "Conversa no WhatsApp com João.txt", "João"},
		{"pt do", "Conversa do WhatsApp com João.txt", "João"},
		{"fr", "Discussion WhatsApp avec Zoé.txt", "Zoé"},
		{"underscores", "WhatsApp_Chat_with_Alice_Smith.txt", "Alice Smith"},
		{"phone number", "WhatsApp Chat with +1 (555) 010-0199.txt", "+1 (555) 010-0199"},
		{"browser duplicate", "WhatsApp Chat with Alice (1).txt", "Alice"},
		{"duplicate without space", "WhatsApp Chat with Alice(2).zip", "Alice"},
		{"with directory", "/home/u/Downloads/WhatsApp Chat with Alice.txt", "Alice"},
		{"windows directory", `C:\Users\u\WhatsApp Chat - Bob.zip`, "Bob"},
		{"upper-case extension", "WhatsApp Chat with Alice.TXT", "Alice"},
		{"case-insensitive prefix", "whatsapp chat with alice.txt", "alice"},
		{"dot in the name", "WhatsApp Chat with Dr. Smith.txt", "Dr. Smith"},
		{"ios inner file", "_chat.txt", ""},
		{"unrelated", "notes.txt", ""},
		{"prefix only", "WhatsApp Chat with .txt", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TitleFromFileName(tt.file); got != tt.want {
				t.Errorf("TitleFromFileName(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}

func makeZip(t *testing.T, names ...string) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func TestChatEntry(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		chat  string
		media []string
		err   bool
	}{
		{"ios _chat.txt", []string{"00000035-PHOTO-2022-03-27-21-41-55.jpg", "_chat.txt", "00000042-TR.vcf"}, "_chat.txt", []string{"00000035-PHOTO-2022-03-27-21-41-55.jpg", "00000042-TR.vcf"}, false},
		{"_chat.txt in a directory wins", []string{"WhatsApp Chat with A.txt", "export/_chat.txt"}, "export/_chat.txt", []string{"WhatsApp Chat with A.txt"}, false},
		{"shortest chat-like name", []string{"WhatsApp Chat with Alice Smith.txt", "WhatsApp Chat with Al.txt", "IMG-20220323-WA0002.jpg", "readme.txt"}, "WhatsApp Chat with Al.txt", []string{"WhatsApp Chat with Alice Smith.txt", "IMG-20220323-WA0002.jpg", "readme.txt"}, false},
		{"the only txt", []string{"export.txt", "PTT-20220323-WA0000.opus"}, "export.txt", []string{"PTT-20220323-WA0000.opus"}, false},
		{"path traversal names", []string{"_chat.txt", "../../evil.jpg", `..\..\win.jpg`, "a/../../b.png"}, "_chat.txt", []string{"evil.jpg", "win.jpg", "b.png"}, false},
		{"directories and mac junk skipped", []string{"media/", "_chat.txt", "__MACOSX/._chat.txt", ".DS_Store", "media/IMG-1.jpg"}, "_chat.txt", []string{"IMG-1.jpg"}, false},
		{"no txt", []string{"IMG-1.jpg"}, "", nil, true},
		{"two unrelated txt", []string{"a.txt", "b.txt"}, "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, media, err := ChatEntry(makeZip(t, tt.files...))
			if tt.err {
				if !errors.Is(err, ErrNotWhatsApp) {
					t.Fatalf("err = %v, want ErrNotWhatsApp", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != tt.chat || !slices.Equal(media, tt.media) {
				t.Errorf("ChatEntry = %q, %q; want %q, %q", f.Name, media, tt.chat, tt.media)
			}
		})
	}
}
