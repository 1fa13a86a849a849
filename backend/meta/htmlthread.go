package meta

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// readHTMLFile reads one DYI HTML thread file into th (FORMATS.md §2.6).
//
// Class names change from export to export, so messages are found by
// structure: a message block is an element with at least two element
// children where a child other than the first holds nothing but a
// timestamp. The first child is the sender (a <div>, or an <h2> in
// Instagram 2023+), the children between sender and time are the body with
// its media (<img>, <video>, <audio>, links to local files) and its
// reactions (<ul><li>❤️name (time)</li></ul>); so an image belongs to the
// block that contains it. Blocks are searched top-down and never inside
// another block, so a message whose text is a date is not taken for one.
// The thread title is <title>, the participants the text after
// "Participants:" outside the blocks. Times are read in loc.
func readHTMLFile(fsys fs.FS, name string, loc *time.Location, th *thread) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return readError(name, err)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return fmt.Errorf("meta: read %s: %w: binary content, not HTML", name, ErrCorrupt)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	s := string(data)
	if invalid := chat.InvalidUTF8(data); invalid > 0 {
		th.invalid += invalid
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	x := htmlExtract{loc: loc}
	x.walk(parseHTML(s))
	if len(x.msgs) == 0 {
		return fmt.Errorf("meta: read %s: %w: no message with a readable time found", name, ErrCorrupt)
	}
	if th.title == "" {
		th.title = x.fx.name(x.title)
	}
	for _, p := range x.participantNames() {
		th.participants.add(p)
	}
	th.files = append(th.files, fileMessages{msgs: x.msgs})
	return nil
}

// htmlExtract walks the tree of one HTML file.
type htmlExtract struct {
	loc          *time.Location
	fx           fixer
	title        string
	participants string // raw text after "Participants:"
	msgs         []chat.Message
	senders      map[string]bool
}

func (x *htmlExtract) walk(n *hnode) {
	for _, k := range n.kids {
		if k.tag == "" {
			if x.participants == "" {
				if t := strings.TrimSpace(k.text); strings.HasPrefix(t, "Participants:") {
					x.participants = strings.TrimSpace(t[len("Participants:"):])
				}
			}
			continue
		}
		switch k.tag {
		case "title":
			if x.title == "" {
				x.title, _ = textOf(k, 1024)
			}
			continue
		case "script", "style":
			continue
		}
		if x.block(k) {
			continue
		}
		x.walk(k)
	}
}

// maxTimeText is the longest text taken for a timestamp.
const maxTimeText = 64

// block reads el as a message block if it is one.
func (x *htmlExtract) block(el *hnode) bool {
	var elems []int // indexes into el.kids of the element children
	for i, k := range el.kids {
		if k.tag != "" {
			elems = append(elems, i)
		}
	}
	if len(elems) < 2 {
		return false
	}
	for e := len(elems) - 1; e >= 1; e-- {
		t, ok := textOf(el.kids[elems[e]], maxTimeText)
		if !ok {
			continue
		}
		at, ok := parseHTMLTime(t, x.loc)
		if !ok {
			continue
		}
		sender, _ := textOf(el.kids[elems[0]], 512)
		var b bodyBuilder
		for _, k := range el.kids[elems[0]+1 : elems[e]] {
			b.node(k)
		}
		m := chat.Message{At: at, Author: x.fx.name(sender), Body: FixMojibake(b.body())}
		for _, a := range b.atts {
			m.Attachments = append(m.Attachments, FixMojibake(a))
		}
		for _, r := range b.reactions {
			m.Reactions = append(m.Reactions, chat.Reaction{Emoji: x.fx.name(r.Emoji), Actor: x.fx.name(r.Actor)})
		}
		switch {
		case len(m.Attachments) > 0:
			m.Kind = chat.KindMedia
		case isAppNotice(m.Body, m.Author):
			m.Kind, m.Role = chat.KindSystem, chat.RoleSystem
		default:
			m.Kind = chat.KindText
		}
		if m.Author != "" {
			if x.senders == nil {
				x.senders = map[string]bool{}
			}
			x.senders[m.Author] = true
		}
		x.msgs = append(x.msgs, m)
		return true
	}
	return false
}

// participantNames splits the "Participants:" text: "A, B" or Instagram's
// "A, B and C". The last " and " splits only when the whole last item is not
// itself a sender's name ("Tom and Jerry Shop").
func (x *htmlExtract) participantNames() []string {
	if x.participants == "" {
		return nil
	}
	var out []string
	parts := strings.Split(x.participants, ", ")
	for i, p := range parts {
		p = x.fx.name(strings.TrimSpace(p))
		if i == len(parts)-1 && !x.senders[p] {
			if j := strings.LastIndex(p, " and "); j > 0 {
				out = append(out, strings.TrimSpace(p[:j]), strings.TrimSpace(p[j+5:]))
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// textOf returns the text of n with white space collapsed and trimmed;
// false when it is longer than limit bytes or spread over more than
// 4*limit nodes (the scan stops there, so probing every element for a
// timestamp stays linear).
func textOf(n *hnode, limit int) (string, bool) {
	var sb strings.Builder
	space := false
	budget := 4 * limit
	var walk func(n *hnode) bool
	walk = func(n *hnode) bool {
		if budget--; budget < 0 {
			return false
		}
		if n.tag == "" {
			for _, r := range n.text {
				if isHTMLSpace(r) {
					space = sb.Len() > 0
					continue
				}
				if space {
					sb.WriteByte(' ')
					space = false
				}
				sb.WriteRune(r)
				if sb.Len() > limit {
					return false
				}
			}
			return true
		}
		switch n.tag {
		case "script", "style":
			return true
		}
		space = space || sb.Len() > 0
		for _, k := range n.kids {
			if !walk(k) {
				return false
			}
		}
		space = space || sb.Len() > 0
		return true
	}
	if !walk(n) {
		return "", false
	}
	return sb.String(), true
}

// isHTMLSpace reports white space, including the no-break and narrow
// spaces that localised timestamps use.
func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u202f', '\u2009':
		return true
	}
	return false
}

// blockTags start a new line in a body.
var blockTags = map[string]bool{
	"div": true, "p": true, "li": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "tr": true, "section": true, "article": true, "blockquote": true, "pre": true, "ul": true, "ol": true,
}

// bodyBuilder collects the text, media and reactions of a message body.
type bodyBuilder struct {
	sb        strings.Builder
	space     bool
	atts      []string
	reactions []chat.Reaction
}

func (b *bodyBuilder) text(t string) {
	for _, r := range t {
		if isHTMLSpace(r) {
			b.space = true
			continue
		}
		if b.space {
			if n := b.sb.Len(); n > 0 && b.sb.String()[n-1] != '\n' {
				b.sb.WriteByte(' ')
			}
			b.space = false
		}
		b.sb.WriteRune(r)
	}
}

func (b *bodyBuilder) newline() {
	if n := b.sb.Len(); n > 0 && b.sb.String()[n-1] != '\n' {
		b.sb.WriteByte('\n')
	}
	b.space = false
}

func (b *bodyBuilder) attach(uri string) {
	name := baseName(strings.TrimSpace(uri))
	if name == "" {
		return
	}
	for _, a := range b.atts {
		if a == name {
			return
		}
	}
	b.atts = append(b.atts, name)
}

// media collects the sources inside <video>/<audio>/<a>, whose own text
// ("Click for video:") is not part of the message.
func (b *bodyBuilder) media(n *hnode) {
	for _, k := range n.kids {
		switch k.tag {
		case "":
		case "img", "video", "audio", "source":
			b.attach(k.src)
			b.media(k)
		case "a":
			if isLocalFile(k.href) {
				b.attach(k.href)
			}
			b.media(k)
		default:
			b.media(k)
		}
	}
}

func (b *bodyBuilder) node(n *hnode) {
	switch n.tag {
	case "":
		b.text(n.text)
		return
	case "ul":
		b.reactionList(n)
		return
	case "img", "source":
		b.attach(n.src)
		return
	case "video", "audio":
		b.attach(n.src)
		b.media(n)
		return
	case "a":
		if isLocalFile(n.href) {
			b.attach(n.href)
			b.media(n)
			return
		}
	case "br":
		b.newline()
		return
	case "script", "style", "title", "head":
		return
	}
	block := blockTags[n.tag]
	if block {
		b.newline()
	}
	for _, k := range n.kids {
		b.node(k)
	}
	if block {
		b.newline()
	}
}

// body returns the text, one line per block, blank lines dropped.
func (b *bodyBuilder) body() string {
	lines := strings.Split(b.sb.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// reactionList reads <ul><li>❤️name (time)</li></ul>: the emoji, then the
// actor, then an optional time in parentheses.
func (b *bodyBuilder) reactionList(n *hnode) {
	var items []*hnode
	var find func(n *hnode)
	find = func(n *hnode) {
		for _, k := range n.kids {
			if k.tag == "li" {
				items = append(items, k)
			} else if k.tag != "" {
				find(k)
			}
		}
	}
	find(n)
	for _, li := range items {
		t, _ := textOf(li, 1024)
		if r, ok := parseReaction(t); ok {
			b.reactions = append(b.reactions, r)
		}
	}
}

// parseReaction splits "❤️friend (Apr 23, 2022 5:32 pm)" into emoji and
// actor.
func parseReaction(t string) (chat.Reaction, bool) {
	t = strings.TrimSpace(t)
	if strings.HasSuffix(t, ")") {
		if j := strings.LastIndex(t, "("); j > 0 {
			if _, ok := parseHTMLTime(t[j+1:len(t)-1], time.UTC); ok {
				t = strings.TrimSpace(t[:j])
			}
		}
	}
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if !isEmojiRune(r) {
			break
		}
		i += size
	}
	emoji, actor := t[:i], strings.TrimSpace(t[i:])
	if emoji == "" {
		return chat.Reaction{}, false
	}
	return chat.Reaction{Emoji: emoji, Actor: actor}, true
}

// isEmojiRune reports the runes an emoji sequence is made of: symbols,
// skin-tone modifiers, variation selectors, ZWJ, keycap and tag characters.
func isEmojiRune(r rune) bool {
	switch {
	case r == 0x200D, r == 0xFE0E, r == 0xFE0F, r == 0x20E3:
		return true
	case r >= 0xE0020 && r <= 0xE007F:
		return true
	case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators (flags)
		return true
	}
	return unicode.In(r, unicode.So, unicode.Sk)
}

// isLocalFile reports whether href points at a file inside the download
// (photos/…, your_instagram_activity/…), not at the web.
func isLocalFile(href string) bool {
	href = strings.TrimSpace(href)
	if href == "" || strings.Contains(href, "://") || strings.HasPrefix(href, "#") ||
		strings.HasPrefix(href, "mailto:") || strings.HasPrefix(href, "javascript:") || strings.HasPrefix(href, "//") {
		return false
	}
	return strings.Contains(baseName(href), ".")
}

// monthNames maps month tokens (lower case, trailing dot removed) to
// months. English is what every sample shows (FORMATS.md §2.6); the
// German, French, Spanish, Italian, Portuguese and Dutch abbreviations are
// a guess at localised downloads [unverified] that costs nothing, since a
// timestamp must consist of date tokens only.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	add := func(mon time.Month, names ...string) {
		for _, n := range names {
			m[n] = mon
		}
	}
	add(time.January, "jan", "january", "janv", "janvier", "ene", "enero", "gen", "gennaio", "januar", "janeiro", "januari")
	add(time.February, "feb", "february", "févr", "fevr", "février", "febrero", "febbraio", "februar", "fev", "fevereiro", "februari")
	add(time.March, "mar", "march", "mär", "märz", "mrz", "mars", "marzo", "março", "mrt", "maart")
	add(time.April, "apr", "april", "avr", "avril", "abr", "abril", "aprile")
	add(time.May, "may", "mai", "mayo", "mag", "maggio", "maio", "mei")
	add(time.June, "jun", "june", "juin", "junio", "giu", "giugno", "juni", "junho")
	add(time.July, "jul", "july", "juil", "juillet", "julio", "lug", "luglio", "juli", "julho")
	add(time.August, "aug", "august", "août", "aout", "ago", "agosto", "augustus")
	add(time.September, "sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro")
	add(time.October, "oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro")
	add(time.November, "nov", "november", "novembre", "noviembre", "novembro")
	add(time.December, "dec", "december", "dez", "dezember", "déc", "decembre", "décembre", "dic", "diciembre", "dicembre", "dezembro")
	return m
}()

// timeConnectors are words allowed between the parts of a timestamp:
// "Oct 19, 2019 at 2:37 PM" and its localised cousins [unverified].
var timeConnectors = map[string]bool{"at": true, "um": true, "à": true, "a": true, "las": true, "alle": true, "om": true, "às": true, "de": true, "del": true}

// parseHTMLTime reads a DYI HTML timestamp, in any order of its parts:
// "Oct 19, 2019, 2:37 PM" (Facebook legacy), "Oct 19, 2019 at 2:37 PM",
// "19 Oct 2019, 14:37" and Instagram 2023+ "Sep 22, 2017 6:33 am" (no comma
// after the year, lower-case am/pm), with or without seconds. Every token
// must be a month name, a day, a four-digit year, a clock time, am/pm or a
// connector word; anything else means it is not a timestamp. An hour above
// 12 with PM is taken as 24-hour, as WhatsApp's hand-edited exports need.
func parseHTMLTime(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < 10 || len(s) > maxTimeText || strings.IndexByte(s, ':') < 0 {
		return time.Time{}, false
	}
	var (
		month                    time.Month
		day, year, hour, mi, sec = -1, -1, -1, 0, 0
		meridiem                 byte // 'a' or 'p'
	)
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || isHTMLSpace(r) }) {
		low := strings.ToLower(tok)
		if strings.IndexByte(low, ':') >= 0 {
			if hour >= 0 {
				return time.Time{}, false
			}
			var ok bool
			hour, mi, sec, meridiem, ok = parseClock(low, meridiem)
			if !ok {
				return time.Time{}, false
			}
			continue
		}
		low = strings.TrimSuffix(low, ".")
		if n, ok := atoi(low); ok {
			switch {
			case len(low) == 4 && year < 0:
				year = n
			case len(low) <= 2 && day < 0:
				day = n
			default:
				return time.Time{}, false
			}
			continue
		}
		switch low {
		case "am", "a.m", "pm", "p.m":
			if meridiem != 0 {
				return time.Time{}, false
			}
			meridiem = low[0]
			continue
		}
		if m, ok := monthNames[low]; ok && month == 0 {
			month = m
			continue
		}
		if timeConnectors[low] {
			continue
		}
		return time.Time{}, false
	}
	if month == 0 || day < 1 || day > 31 || year < 1970 || year > 2200 || hour < 0 {
		return time.Time{}, false
	}
	switch meridiem {
	case 'a':
		if hour > 12 {
			return time.Time{}, false
		}
		if hour == 12 {
			hour = 0
		}
	case 'p':
		if hour < 12 {
			hour += 12
		}
	}
	if hour > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, mi, sec, 0, loc)
	if t.Day() != day {
		return time.Time{}, false // Feb 30
	}
	return t.UTC(), true
}

// parseClock reads "2:37", "14:37:05" or "2:37pm".
func parseClock(s string, meridiem byte) (h, m, sec int, mer byte, ok bool) {
	mer = meridiem
	for _, suf := range []string{"am", "pm", "a.m.", "p.m."} {
		if strings.HasSuffix(s, suf) {
			if mer != 0 {
				return 0, 0, 0, 0, false
			}
			mer = suf[0]
			s = s[:len(s)-len(suf)]
			break
		}
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, 0, false
	}
	var good bool
	if h, good = atoi(parts[0]); !good || len(parts[0]) > 2 {
		return 0, 0, 0, 0, false
	}
	if m, good = atoi(parts[1]); !good || len(parts[1]) != 2 {
		return 0, 0, 0, 0, false
	}
	if len(parts) == 3 {
		if sec, good = atoi(parts[2]); !good || len(parts[2]) != 2 {
			return 0, 0, 0, 0, false
		}
	}
	if mer != 0 && (h < 1 || h > 12) && !(mer == 'p' && h > 12) {
		if !(mer == 'a' && h == 0) {
			return 0, 0, 0, 0, false
		}
	}
	return h, m, sec, mer, true
}

// atoi reads 1 to 4 ASCII digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
