package synth

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
)

// VocabularySize is the number of distinct words in synthetic summaries
// and messages: commonWords, then made-up words.
const VocabularySize = 2000

// SessionsStart and SessionsEnd bound the Start of synthetic sessions:
// five years, 2021-01-01 to the last millisecond of 2025 UTC, in Unix
// milliseconds.
const (
	SessionsStart int64 = 1_609_459_200_000
	SessionsEnd   int64 = 1_767_225_600_000 - 1
)

// SessionsGap is the gap added to the last message to get ActiveUntil.
const SessionsGap = 24 * time.Hour

// Session is a synthetic session as the search index takes it: the
// fields of search.Doc in the same order, so that search.Doc(s) converts
// it (this package stays free of the index it feeds).
type Session struct {
	ID           int64
	Start        int64 // started_at, Unix milliseconds
	End          int64 // last_message_at
	ActiveUntil  int64 // End + SessionsGap
	Channel      string
	Sentiment    string
	ContactName  string
	ContactEmail string
	Summary      string
	Text         string            // the session's message text
	Labels       []string          // 1–2 of 30
	Fields       map[string]string // custom fields on about half
}

var (
	emailDomains = []string{
		"gmail.com", "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "yahoo.com", "outlook.com",
		"outlook.com", "hotmail.com", "hotmail.com", "icloud.com", "icloud.com", "aol.com", "proton.me",
		"gmx.de", "web.de", "t-online.de", "libero.it", "virgilio.it", "orange.fr", "free.fr", "laposte.net",
		"wanadoo.fr", "hotmail.fr", "yahoo.es", "telefonica.net", "terra.com.br", "uol.com.br",
		"bol.com.br", "sapo.pt", "ziggo.nl", "kpnmail.nl", "telenet.be", "bluewin.ch", "seznam.cz",
		"wp.pl", "onet.pl", "o2.pl", "mail.ru", "yandex.ru", "qq.com", "163.com", "naver.com",
		"yahoo.co.jp", "rediffmail.com", "btinternet.com", "sky.com", "acme.com", "globex.com",
		"initech.com", "umbrella.co.uk", "example.org",
	}
	labels = []string{
		"VIP", "Refund", "Shipping", "Complaint", "Urgent", "Follow-up", "Wholesale", "B2B", "Returns",
		"Billing", "Technical", "Feedback", "New customer", "Returning", "Spam", "Lead", "Quote",
		"Warranty", "Damaged", "Lost parcel", "Exchange", "Subscription", "Cancellation", "Promo",
		"Appointment", "Bug", "Feature request", "Partner", "Press", "Escalated",
	}
	plans     = []string{"free", "basic", "Pro", "Enterprise"}
	countries = []string{"IT", "ES", "DE", "FR", "PT", "BR", "US", "GB", "NL", "PL"}
)

// Sessions returns n sessions for benchmarks and tests, deterministic from
// seed: names from ~300 given and ~500 family names (some accented), emails
// derived from them on ~50 domains, 2–3 sentence summaries and 30–60 word
// message texts drawn from a 2,000-word vocabulary with a Zipf
// distribution, 1–2 of 30 labels, custom fields on about half, a channel
// mix, sentiments, and starts spread uniformly over 2021–2025. IDs are
// 1..n in start order, as a store assigning ids while importing in time
// order would give.
func Sessions(n int, seed int64) []Session {
	vocab := Vocabulary()
	r := rand.New(rand.NewPCG(uint64(seed), 0x5e55_10a5))
	zipf := rand.NewZipf(r, 1.07, 1, uint64(len(vocab)-1))
	fold := asciifolding.New()
	word := func() string { return vocab[zipf.Uint64()] }

	docs := make([]Session, n)
	span := SessionsEnd - SessionsStart
	for i := range docs {
		d := &docs[i]
		d.Start = SessionsStart + r.Int64N(span)
		// Sessions last minutes to hours.
		d.End = d.Start + int64(r.ExpFloat64()*float64(40*time.Minute/time.Millisecond))
		d.ActiveUntil = d.End + SessionsGap.Milliseconds()

		switch p := r.IntN(100); {
		case p < 55:
			d.Channel = "whatsapp"
		case p < 70:
			d.Channel = "instagram"
		case p < 80:
			d.Channel = "facebook"
		default:
			d.Channel = "webchat"
		}
		switch p := r.IntN(100); {
		case p < 30:
			d.Sentiment = "positive"
		case p < 70:
			d.Sentiment = "neutral"
		case p < 90:
			d.Sentiment = "negative"
		}

		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		d.ContactName = first + " " + last
		if r.IntN(20) != 0 { // a few contacts have no email
			f := strings.ToLower(string(fold.Filter([]byte(first))))
			l := strings.ToLower(string(fold.Filter([]byte(last))))
			var local string
			switch r.IntN(5) {
			case 0:
				local = f + "." + l
			case 1:
				local = f + l
			case 2:
				local = f[:1] + "." + l
			case 3:
				local = f + "_" + l
			default:
				local = f + "." + l + strconv.Itoa(r.IntN(100))
			}
			d.ContactEmail = local + "@" + emailDomains[r.IntN(len(emailDomains))]
		}

		var sb strings.Builder
		for s := range 2 + r.IntN(2) {
			if s > 0 {
				sb.WriteByte(' ')
			}
			for w := range 6 + r.IntN(7) {
				t := word()
				if w == 0 {
					t = strings.ToUpper(t[:1]) + t[1:]
				} else {
					sb.WriteByte(' ')
				}
				sb.WriteString(t)
			}
			sb.WriteByte('.')
		}
		d.Summary = sb.String()

		sb.Reset()
		for w := range 30 + r.IntN(31) {
			if w > 0 {
				if r.IntN(8) == 0 {
					sb.WriteString(". ")
				} else {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString(word())
		}
		d.Text = sb.String()

		d.Labels = []string{labels[r.IntN(len(labels))]}
		if r.IntN(3) == 0 {
			if l := labels[r.IntN(len(labels))]; l != d.Labels[0] {
				d.Labels = append(d.Labels, l)
			}
		}
		if r.IntN(2) == 0 {
			d.Fields = map[string]string{"plan": plans[r.IntN(len(plans))]}
			if r.IntN(3) == 0 {
				d.Fields["country"] = countries[r.IntN(len(countries))]
			}
		}
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Start < docs[j].Start })
	for i := range docs {
		docs[i].ID = int64(i + 1)
	}
	return docs
}

// Vocabulary returns the words of synthetic texts, most frequent first, so
// that benchmarks can pick common and rare ones: commonWords followed by
// pronounceable made-up words (the long tail: product names, places, rare
// terms), always the same.
func Vocabulary() []string {
	vocab := make([]string, 0, VocabularySize)
	seen := map[string]bool{}
	for _, w := range commonWords {
		if !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	r := rand.New(rand.NewPCG(2000, 1))
	const consonants, vowels = "bcdfgklmnprstvz", "aeiou"
	for len(vocab) < VocabularySize {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteByte(consonants[r.IntN(len(consonants))])
			b.WriteByte(vowels[r.IntN(len(vowels))])
			if r.IntN(4) == 0 {
				b.WriteByte(consonants[r.IntN(len(consonants))])
			}
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return vocab
}

// FirstNames returns the given names synthetic contacts are called by, so
// that benchmarks can search for them.
func FirstNames() []string { return slices.Clone(firstNames) }

// Labels returns the labels synthetic sessions carry, and Countries the
// values of their "country" field, for queries that find some.
func Labels() []string { return slices.Clone(labels) }

// Countries: see Labels.
func Countries() []string { return slices.Clone(countries) }
