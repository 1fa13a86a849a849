package whatsapp

import (
	"archive/zip"
	"bytes"
	"strings"
	"unicode/utf8"
)

// Sniff reports whether head (the first few KB of a file) looks like a
// WhatsApp export: no NUL byte and a message header within its first 50
// non-empty lines.
func Sniff(head []byte) bool {
	if len(head) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	var h header
	nonEmpty := 0
	for len(head) > 0 && nonEmpty < headerSearchLines {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if isBlank(line) {
			continue
		}
		if parseHeader(line, &h) {
			return true
		}
		nonEmpty++
	}
	return false
}

// Localised prefixes of export file names, longest first where one is the
// prefix of another. Compared case-insensitively, after '_' → ' '.
var titlePrefixes = []string{
	"WhatsApp Chat with ",
	"WhatsApp Chat mit ",
	"WhatsApp Chat - ",
	"WhatsApp-chat met ",
	"WhatsApp Chat met ",
	"Chat WhatsApp s uživatelem ",
	"Чат WhatsApp с контактом ",
	"Чат WhatsApp с ",
	"Chat de WhatsApp con ",
	"Chat WhatsApp con ",
	"Conversa no WhatsApp com ",
	"Conversa do WhatsApp com ",
	"Discussion WhatsApp avec ",
}

// TitleFromFileName returns the chat or contact name in a localised export
// file name ("WhatsApp Chat with Alice.txt" → "Alice"), or "" when it has
// none ("_chat.txt"). Directories, the .txt/.zip extension and a browser's
// duplicate suffix (" (1)") are removed; underscores may stand for spaces.
func TitleFromFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	for _, ext := range []string{".txt", ".zip"} {
		if len(name) >= len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			name = name[:len(name)-len(ext)]
			break
		}
	}
	name = strings.TrimSpace(stripDuplicateSuffix(name))
	spaced := strings.ReplaceAll(name, "_", " ")
	for _, p := range titlePrefixes {
		if len(spaced) > len(p) && strings.EqualFold(spaced[:len(p)], p) {
			// Keep the name's own underscores only when the prefix had real spaces.
			rest := spaced[len(p):]
			if name[:len(p)] == spaced[:len(p)] {
				rest = name[len(p):]
			}
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// stripDuplicateSuffix removes a trailing " (N)" or "(N)" added by browsers
// and file managers to a second download of the same file.
func stripDuplicateSuffix(s string) string {
	if !strings.HasSuffix(s, ")") {
		return s
	}
	open := strings.LastIndexByte(s, '(')
	if open < 0 || open+2 > len(s)-1 {
		return s
	}
	digits := s[open+1 : len(s)-1]
	if len(digits) > 3 {
		return s
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return s
		}
	}
	return strings.TrimRight(s[:open], " ")
}

// ChatEntry picks the chat text inside an export zip: "_chat.txt" in any
// directory, else the shortest entry whose base name matches
// /(chat|whatsapp).*\.txt$/i, else the only .txt. It also returns the base
// names of all other files in the zip (the media); names are reduced to their
// last path element, so "../../evil.jpg" is "evil.jpg".
func ChatEntry(zr *zip.Reader) (chatFile *zip.File, media []string, err error) {
	if zr == nil {
		return nil, nil, notWhatsApp("no zip")
	}
	var named, onlyTxt *zip.File
	txtCount := 0
	for _, f := range zr.File {
		if isDirEntry(f) || isJunkEntry(f.Name) {
			continue
		}
		base := zipBase(f.Name)
		lower := strings.ToLower(base)
		if !strings.HasSuffix(lower, ".txt") {
			continue
		}
		txtCount++
		onlyTxt = f
		if lower == "_chat.txt" {
			if chatFile == nil || len(f.Name) < len(chatFile.Name) {
				chatFile = f
			}
			continue
		}
		if matchesChatName(lower) && (named == nil || len(f.Name) < len(named.Name)) {
			named = f
		}
	}
	switch {
	case chatFile != nil:
	case named != nil:
		chatFile = named
	case txtCount == 1:
		chatFile = onlyTxt
	default:
		if txtCount == 0 {
			return nil, nil, notWhatsApp("zip holds no .txt file")
		}
		return nil, nil, notWhatsApp("zip holds %d .txt files and none is named like a chat", txtCount)
	}
	for _, f := range zr.File {
		if f == chatFile || isDirEntry(f) || isJunkEntry(f.Name) {
			continue
		}
		if base := zipBase(f.Name); base != "" {
			media = append(media, base)
		}
	}
	return chatFile, media, nil
}

// matchesChatName reports whether a lower-case base name matches
// /(chat|whatsapp).*\.txt$/.
func matchesChatName(lower string) bool {
	stem := strings.TrimSuffix(lower, ".txt")
	return strings.Contains(stem, "chat") || strings.Contains(stem, "whatsapp")
}

func isDirEntry(f *zip.File) bool {
	return strings.HasSuffix(f.Name, "/") || strings.HasSuffix(f.Name, `\`) || f.FileInfo().IsDir()
}

// isJunkEntry reports macOS metadata entries that are no media.
func isJunkEntry(name string) bool {
	n := strings.ReplaceAll(name, `\`, "/")
	base := zipBase(n)
	return strings.HasPrefix(n, "__MACOSX/") || strings.Contains(n, "/__MACOSX/") || base == ".DS_Store" || strings.HasPrefix(base, "._")
}

// zipBase returns the last element of a zip entry name ("" for "." or "..").
func zipBase(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		return ""
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "\uFFFD")
	}
	return name
}
