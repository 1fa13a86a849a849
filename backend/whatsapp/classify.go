package whatsapp

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// Placeholders the exports write instead of media, in lower case with any
// U+200E removed. Android writes "<Media omitted>"; iOS writes "image
// omitted" and friends (FORMATS.md §1.7). Matched against the whole first
// line of a body, case-insensitively.
var mediaPlaceholders = []string{
	// Android, all locales known (the string is the whole body).
	"<media omitted>", "<media weggelaten>", "<média vynechány>", "<без медиафайлов>",
	"<medien ausgeschlossen>", "<medien weggelassen>", "<multimedia omitido>", "<archivo omitido>",
	"<médias omis>", "<fichier omis>", "<media omessi>", "<ficheiro não revelado>",
	"<mídia omitida>", "<arquivo de mídia oculto>", "<medya dahil edilmedi>", "<medya çıkarıldı>",
	"<video message omitted>", "<video note omitted>", "<view once voice message omitted>",
	// iOS English.
	"image omitted", "video omitted", "audio omitted", "sticker omitted", "gif omitted",
	"contact card omitted", "document omitted", "<image omitted>", "<video omitted>",
	"<audio omitted>", "<sticker omitted>", "<gif omitted>", "<contact card omitted>",
	// iOS de, es, fr, it, pt-PT, ru, cs, id, ja, ar.
	"bild weggelassen", "video weggelassen", "audio weggelassen", "sticker weggelassen",
	"gif weggelassen", "kontaktkarte ausgelassen",
	"imagen omitida", "video omitido", "audio omitido", "sticker omitido", "gif omitido",
	"tarjeta de contacto omitida",
	"image absente", "vidéo absente", "audio omis", "sticker omis", "gif retiré", "fiche contact manquante",
	"immagine omessa", "video omesso", "audio omesso", "sticker non incluso", "gif esclusa",
	"scheda contatto omessa",
	"imagem não revelada", "vídeo não revelado", "ficheiro de áudio não revelado", "sticker não revelado",
	"gif não revelada", "contacto não revelado",
	"изображение отсутствует", "видео отсутствует", "аудиофайл отсутствует", "стикер не добавлен",
	"gif отсутствует", "карточка контакта отсутствует",
	"obrázek vynechán", "video vynecháno", "zvukový soubor vynechán", "nálepka vynechána",
	"gif vynechán", "vizitka vynechána",
	"gambar tidak disertakan", "画像は含まれていません", "لم يتم إدراج الصورة",
}

// Endings of iOS "<name> document omitted" placeholders.
var documentOmitted = []string{
	" document omitted", " dokument weggelassen", " documento omitido", " document manquant",
	" documento omesso", " documento não revelado", " документ отсутствует", " dokument vynechán",
}

// Tombstones of deleted messages, lower case, without the final period.
var deletedBodies = []string{
	"this message was deleted", "you deleted this message",
	"dit bericht is verwijderd", "u hebt dit bericht verwijderd", "je hebt dit bericht verwijderd",
	"tato zpráva byla odstraněna", "tato zpráva byla smazána", "tuto zprávu jste smazal/a",
	"данное сообщение удалено", "вы удалили данное сообщение", "это сообщение было удалено",
	"diese nachricht wurde gelöscht", "du hast diese nachricht gelöscht",
	"se eliminó este mensaje", "eliminaste este mensaje", "este mensaje fue eliminado",
	"ce message a été supprimé", "vous avez supprimé ce message",
	"questo messaggio è stato eliminato", "hai eliminato questo messaggio",
	"esta mensagem foi apagada", "apagou esta mensagem", "essa mensagem foi apagada",
	"você apagou esta mensagem", "pesan ini dihapus", "anda menghapus pesan ini",
	"このメッセージは削除されました", "このメッセージを削除しました",
	"تم حذف هذه الرسالة", "لقد حذَفت هذه الرسالة",
	"bu mesaj silindi", "bu mesajı sildiniz",
}

// Edited markers appended to a body, lower case, without the final ".>".
var editedMarkers = []string{
	"<this message was edited", "<este mensaje fue editado", "<diese nachricht wurde bearbeitet",
	"<ce message a été modifié", "<questo messaggio è stato modificato", "<esta mensagem foi editada",
}

// Android suffixes of a line naming a file in the export.
var fileAttachedSuffixes = []string{
	" (file attached)", " (datei angehängt)", " (bestand bijgevoegd)",
}

// Labels of iOS "<attached: NAME>" (lower case).
var attachedLabels = []string{"attached", "angehängt", "adjunto", "anexado", "allegato", "bijgevoegd", "pièce jointe"}

var (
	placeholderSet map[string]chat.Kind
	maxPlaceholder int // longest key, in bytes
	// tailBloom holds the tail signatures of the keys of placeholderSet (and
	// of the keys followed by '.'), tailSuffix those of documentOmitted: most
	// bodies are rejected on their last four bytes without lower-casing.
	tailBloom  [tailBloomBits / 64]uint64
	tailSuffix []uint32
	// keyLen[n] is true when some key is n bytes long (or n-1, for a final '.').
	keyLen [256]bool
)

const tailBloomBits = 1 << 12

// tailSig packs the last four bytes of b with bit 0x20 set in each, which
// folds ASCII case (and maps a few other bytes together: fine for a filter).
func tailSig(b []byte) uint32 {
	if len(b) >= 4 {
		return binary.BigEndian.Uint32(b[len(b)-4:]) | 0x20202020
	}
	var sig uint32
	for _, c := range b {
		sig = sig<<8 | uint32(c|0x20)
	}
	return sig
}

func bloomBit(sig uint32) uint32 {
	return (sig * 0x9E3779B1) >> (32 - 12)
}

func tailMayMatch(fl []byte) bool {
	bit := bloomBit(tailSig(fl))
	return tailBloom[bit/64]&(1<<(bit%64)) != 0
}

func init() {
	placeholderSet = make(map[string]chat.Kind, len(mediaPlaceholders)+len(deletedBodies))
	addSig := func(s string) {
		bit := bloomBit(tailSig([]byte(s)))
		tailBloom[bit/64] |= 1 << (bit % 64)
	}
	add := func(s string, k chat.Kind) {
		placeholderSet[s] = k
		addSig(s)
		addSig(s + ".")
		keyLen[len(s)], keyLen[len(s)+1] = true, true
		if len(s) > maxPlaceholder {
			maxPlaceholder = len(s)
		}
	}
	for _, s := range mediaPlaceholders {
		add(s, chat.KindMedia)
	}
	for _, s := range deletedBodies {
		add(s, chat.KindDeleted)
	}
	for _, s := range documentOmitted {
		tailSuffix = append(tailSuffix, tailSig([]byte(s)))
	}
}

var lrm = []byte("\u200e")

// trimLeadingMarks drops U+200E, U+200F and U+FEFF at the start of b.
func trimLeadingMarks(b []byte) []byte {
	return b[skipInvis(b, 0):]
}

// trimTrailing drops spaces, tabs and invisible marks at the end of b.
func trimTrailing(b []byte) []byte {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c == ' ' || c == '\t' {
			b = b[:len(b)-1]
			continue
		}
		if len(b) >= 3 && b[len(b)-3] == 0xE2 && b[len(b)-2] == 0x80 && (c == 0x8E || c == 0x8F || c == 0xAF) {
			b = b[:len(b)-3]
			continue
		}
		if len(b) >= 2 && b[len(b)-2] == 0xC2 && c == 0xA0 {
			b = b[:len(b)-2]
			continue
		}
		break
	}
	return b
}

// lowerKey writes b lower-cased and without U+200E into buf and returns it,
// or nil when it does not fit.
func lowerKey(buf []byte, b []byte) []byte {
	out := buf[:0]
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if len(out) == cap(out) {
				return nil
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if r == '\u200e' || r == '\u200f' {
			continue
		}
		r = unicode.ToLower(r)
		if len(out)+utf8.RuneLen(r) > cap(out) {
			return nil
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// hasSuffixFold reports whether b ends with the lower-case ASCII-or-UTF-8
// suffix s, ignoring ASCII case.
func hasSuffixFold(b []byte, s string) bool {
	if len(b) < len(s) {
		return false
	}
	t := b[len(b)-len(s):]
	for i := 0; i < len(s); i++ {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// classified is the outcome of classify.
type classified struct {
	kind        chat.Kind
	body        []byte // slice of the input, or of scratch
	attachments []string
	edited      bool
	system      bool // iOS notice (body started with U+200E and is no media)
}

// classify decides the kind of a message body and strips the export's own
// markers. firstLen is the length of the body's first line; ios enables the
// iOS rule "a body starting with U+200E is a system notice". The returned
// body aliases body.
func classify(body []byte, firstLen int, ios bool) classified {
	var c classified
	c.kind = chat.KindText
	b := body

	// Edited marker at the end: "… <This message was edited>".
	if t := trimTrailingLines(b); len(t) > 0 && t[len(t)-1] == '>' {
		u := t[:len(t)-1]
		if len(u) > 0 && u[len(u)-1] == '.' {
			u = u[:len(u)-1]
		}
		for _, m := range editedMarkers {
			if hasSuffixFold(u, m) {
				c.edited = true
				b = trimTrailing(u[:len(u)-len(m)])
				break
			}
		}
	}

	startsLRM := bytes.HasPrefix(b, lrm)
	first, caption := b, []byte(nil)
	if firstLen < len(b) {
		first, caption = b[:firstLen], b[firstLen+1:]
	}
	fl := trimTrailing(trimLeadingMarks(first))

	if name, ok := attachmentName(fl); ok {
		c.kind = chat.KindMedia
		if name != "" {
			c.attachments = []string{name}
		}
		if len(bytes.TrimSpace(caption)) > 0 {
			c.body = caption
		} else {
			c.body = withoutLRM(fl)
		}
		return c
	}

	if k, ok := placeholderKind(fl); ok {
		hasCaption := len(bytes.TrimSpace(caption)) > 0
		switch {
		case k == chat.KindMedia && hasCaption:
			c.kind, c.body = k, caption
			return c
		case !hasCaption:
			c.kind, c.body = k, withoutLRM(fl)
			return c
		}
		// A "deleted" sentence followed by more lines was typed by someone.
	}

	if ios && startsLRM {
		c.kind = chat.KindSystem
		c.system = true
	}
	c.body = trimLeadingLRM(b)
	return c
}

// placeholderKind matches a whole line against the media placeholders and
// deleted tombstones, ignoring case, U+200E and a final period.
func placeholderKind(fl []byte) (chat.Kind, bool) {
	if len(fl) == 0 {
		return "", false
	}
	sig := tailSig(fl)
	for i, t := range tailSuffix {
		// "Resume.pdf • 2 pages \u200edocument omitted": marks may sit inside.
		if t == sig && hasSuffixFold(withoutLRM(fl), documentOmitted[i]) {
			return chat.KindMedia, true
		}
	}
	// Lines with U+200E (or other 0xE2 characters) skip the length test.
	if len(fl) > maxPlaceholder+16 || (!keyLen[len(fl)] && bytes.IndexByte(fl, 0xE2) < 0) || !tailMayMatch(fl) {
		return "", false
	}
	var buf [128]byte
	key := lowerKey(buf[:], fl)
	if len(key) == 0 {
		return "", false
	}
	if k, ok := placeholderSet[string(key)]; ok {
		return k, true
	}
	if key[len(key)-1] == '.' {
		if k, ok := placeholderSet[string(key[:len(key)-1])]; ok {
			return k, true
		}
	}
	return "", false
}

// withoutLRM removes every U+200E of a placeholder line such as
// "<\u200eimage omitted>" (copying only when there is one).
func withoutLRM(b []byte) []byte {
	if bytes.Contains(b, lrm) {
		return bytes.ReplaceAll(b, lrm, nil)
	}
	return b
}

// trimTrailingLines is trimTrailing that also drops line breaks.
func trimTrailingLines(b []byte) []byte {
	for {
		t := trimTrailing(b)
		if len(t) > 0 && (t[len(t)-1] == '\n' || t[len(t)-1] == '\r') {
			b = t[:len(t)-1]
			continue
		}
		return t
	}
}

func trimLeadingLRM(b []byte) []byte {
	for bytes.HasPrefix(b, lrm) {
		b = b[len(lrm):]
	}
	return b
}

// attachmentName recognises a line that names a file of the export and
// returns the file's base name ("" when the name is unusable, e.g. "..").
//
//	IMG-20220323-WA0002.jpg (file attached)      Android (+ de, nl)
//	<attached: 00000035-PHOTO-2022-03-27.jpg>    iOS (+ "Some file.txt <attached: …>")
//	2015-08-04-PHOTO-00004762.jpg <‎attached>     old iOS
func attachmentName(fl []byte) (string, bool) {
	if len(fl) < 4 {
		return "", false
	}
	switch fl[len(fl)-1] {
	case ')':
		for _, s := range fileAttachedSuffixes {
			if hasSuffixFold(fl, s) {
				name := trimTrailing(trimLeadingMarks(fl[:len(fl)-len(s)]))
				if len(name) == 0 {
					return "", false
				}
				return baseName(name), true
			}
		}
	case '>':
		open := bytes.LastIndexByte(fl, '<')
		if open < 0 {
			return "", false
		}
		inner := fl[open+1 : len(fl)-1]
		innerClean := bytes.TrimSpace(trimLeadingMarks(inner))
		if hasPrefixFoldASCII(innerClean, "attached") && len(bytes.TrimSpace(innerClean[len("attached"):])) == 0 {
			// "NAME <attached>"
			name := trimTrailing(trimLeadingMarks(fl[:open]))
			if len(name) == 0 {
				return "", false
			}
			return baseName(name), true
		}
		colon := bytes.IndexByte(innerClean, ':')
		if colon <= 0 {
			return "", false
		}
		label := bytes.TrimSpace(innerClean[:colon])
		var buf [64]byte
		key := lowerKey(buf[:], label)
		if key == nil {
			return "", false
		}
		for _, l := range attachedLabels {
			if string(key) == l {
				name := bytes.TrimSpace(trimLeadingMarks(bytes.TrimSpace(innerClean[colon+1:])))
				if len(name) == 0 {
					return "", false
				}
				return baseName(name), true
			}
		}
	}
	return "", false
}

func hasPrefixFoldASCII(b []byte, s string) bool {
	return len(b) >= len(s) && strings.EqualFold(string(b[:len(s)]), s)
}

// baseName keeps the last path element of a file name found in a message,
// so that a name can never point outside the export ("../../x" → "x").
func baseName(name []byte) string {
	if i := bytes.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = bytes.ReplaceAll(name, lrm, nil)
	s := string(bytes.TrimSpace(name))
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\x00", "")
	if s == "." || s == ".." {
		return ""
	}
	return s
}
