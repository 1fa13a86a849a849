package summarize

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/chat"
)

// Builtin is the extractive summarizer with lexicon sentiment. Zero value
// usable; it keeps no state, so one value may serve many goroutines.
//
// The summary quotes the session instead of paraphrasing it: what the
// customer asked for (their first message with substance, preferring a
// question or a request, greetings skipped) and how it ended (the business's
// last substantive reply, and the customer's closing words when they came
// after it). The sentences around the quotes are English; the quotes stay
// in the conversation's language.
//
// Sentiment adds up word weights from the lexicons of lexicon.go (English,
// Spanish, German, French, Portuguese, and emoji), with negation and
// intensifiers; customer messages weigh more than the business's (whose
// positive words weigh least: "happy to help" is politeness, not the
// customer's mood), and later messages weigh more than earlier ones, since
// how it ended matters most. The sum x
// becomes Score = x / √(x² + scoreAlpha), in -1..1; Score ≥ sentimentCut is
// positive, ≤ -sentimentCut negative, neutral between.
type Builtin struct{}

// Tuning of the built-in summarizer, documented in Builtin.
const (
	maxQuote        = 140  // bytes of a quote before it is cut at a word boundary
	maxTopics       = 5    // topics returned
	minTopicScore   = 2    // a word must weigh this much to be a topic
	scoreAlpha      = 4.0  // normalization of the weighted sum: x=2 → 0.71
	sentimentCut    = 0.2  // |Score| from which a session is positive or negative
	weightCustomer  = 1.0  // weight of a customer's message in the sentiment
	weightBusiness  = 0.35 // weight of an agent's or bot's message that scores negative …
	weightPolite    = 0.15 // … or positive (mostly politeness)
	weightFirst     = 0.6  // position weight of the first message …
	weightLast      = 1.5  // … rising linearly to the last
	requestLookback = 6    // messages of the customer's first turn searched for the request
)

// Name returns "builtin".
func (Builtin) Name() string { return SourceBuiltin }

// msgInfo is what the built-in summarizer learns about one message.
type msgInfo struct {
	idx       int       // index in the session
	role      chat.Role // customer, agent or bot after the fallback of roles
	question  bool      // has a question mark
	substance bool      // says more than a greeting, thanks or "ok"
	request   bool      // substance with a question or a request word
	closing   bool      // closes the conversation on a good note
	solved    bool      // says the matter is solved
	score     float64   // sum of sentiment weights
}

// Summarize summarizes msgs. It fails only for an empty session or a done ctx.
func (Builtin) Summarize(ctx context.Context, msgs []Message) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("summarize (builtin): %w", err)
	}
	if len(msgs) == 0 {
		return Result{}, fmt.Errorf("summarize (builtin): %w", ErrNoMessages)
	}
	roles := effectiveRoles(msgs)
	names := authorWords(msgs)

	var (
		infos  []msgInfo
		toks   []tok
		topics = map[string]*topic{}
		media  = map[chat.Role]int{}
	)
	for i := range msgs {
		m := &msgs[i]
		role := roles[i]
		if role == chat.RoleSystem || m.Kind == chat.KindDeleted {
			continue
		}
		if m.Kind == chat.KindMedia || strings.TrimSpace(m.Body) == "" {
			media[role]++
			continue
		}
		toks = tokenize(m.Body, toks[:0])
		info := analyzeMessage(toks, m.Body)
		info.idx, info.role = i, role
		infos = append(infos, info)
		countTopics(topics, toks, names, role == chat.RoleCustomer, len(infos))
	}

	res := Result{
		Source:    SourceBuiltin,
		Model:     SourceBuiltin,
		Prompt:    PromptVersion,
		Sentiment: SentimentNeutral,
		Topics:    []string{},
	}
	s := summarizeInfos(msgs, infos, media)
	res.Summary = s.text
	res.Resolved = resolved(infos, s.req)
	if s.req != nil {
		// Words of the request are what the session is about.
		toks = tokenize(msgs[s.req.idx].Body, toks[:0])
		countTopics(topics, toks, names, false, -1)
	}
	res.Topics = topTopics(topics)
	res.Score = sentimentScore(infos)
	switch {
	case res.Score >= sentimentCut:
		res.Sentiment = SentimentPositive
	case res.Score <= -sentimentCut:
		res.Sentiment = SentimentNegative
	}
	return res, nil
}

// effectiveRoles returns the role of every message. Sessions normally come
// with roles assigned by the importer; when none is a customer (a raw parse,
// or a contact not yet known), the first author who is not a system notice
// is taken as the customer and every other author as an agent. Messages
// without a role next to known customers count as agents unless their
// author is one of the customers.
func effectiveRoles(msgs []Message) []chat.Role {
	roles := make([]chat.Role, len(msgs))
	customers := map[string]bool{}
	for _, m := range msgs {
		if m.Role == chat.RoleCustomer {
			customers[m.Author] = true
		}
	}
	if len(customers) == 0 {
		for _, m := range msgs {
			if m.Role == "" && m.Kind != chat.KindSystem {
				customers[m.Author] = true
				break
			}
		}
	}
	for i, m := range msgs {
		switch {
		case m.Role == chat.RoleSystem || m.Kind == chat.KindSystem:
			roles[i] = chat.RoleSystem
		case m.Role != "":
			roles[i] = m.Role
		case customers[m.Author]:
			roles[i] = chat.RoleCustomer
		default:
			roles[i] = chat.RoleAgent
		}
	}
	return roles
}

// authorWords returns the folded words of every author's name, which are
// never topics (people greet each other by name).
func authorWords(msgs []Message) map[string]bool {
	names := map[string]bool{}
	seen := map[string]bool{}
	var toks []tok
	for _, m := range msgs {
		if m.Author == "" || seen[m.Author] {
			continue
		}
		seen[m.Author] = true
		for _, t := range tokenize(m.Author, toks[:0]) {
			if t.kind == tokWord {
				names[t.fold] = true
			}
		}
	}
	return names
}

// analyzeMessage scores one message and classifies it.
func analyzeMessage(toks []tok, body string) msgInfo {
	var info msgInfo
	info.question = strings.ContainsAny(body, "?¿")
	var nonFiller, content int
	var requestWord bool
	// Negation state, see lexicon.go: negLeft words remain in the reach of
	// the last negator, intLeft in that of the last intensifier.
	var (
		negLeft, intLeft int
		intensity        = 1.0
		lastHit          = -1 // token index of the last sentiment word
		lastE            entry
		lastMult         float64
		lastNegated      bool
	)
	for i, t := range toks {
		switch t.kind {
		case tokBreak:
			negLeft, intLeft, lastHit = 0, 0, -1
			continue
		case tokEmoji:
			info.score += t.w
			continue
		}
		w := t.fold
		if !tab.filler[w] {
			nonFiller++
			if !tab.stop[w] {
				content++
			}
		}
		if tab.request[w] {
			requestWord = true
		}
		if tab.negators[w] {
			if tab.postNegators[w] && lastHit >= 0 && !lastNegated &&
				(i-lastHit == 1 || i-lastHit == 2 && tab.negBridges[toks[i-1].fold]) {
				// "funktioniert nicht": undo the weight, apply the negated one.
				info.score += (lastE.neg - lastE.w) * lastMult
				lastNegated = true
				if tab.closing[toks[lastHit].fold] || tab.resolvedW[toks[lastHit].fold] {
					info.closing, info.solved = false, false
				}
				continue
			}
			negLeft = negWindow
			continue
		}
		if m, ok := tab.intensifiers[w]; ok {
			intensity, intLeft = m, 2
			continue
		}
		negated := negLeft > 0
		if tab.closing[w] && !negated {
			info.closing = true
		}
		if tab.resolvedW[w] && !negated {
			info.solved = true
		}
		if e, ok := tab.lookup(w); ok {
			mult := 1.0
			if intLeft > 0 {
				mult = intensity
			}
			v := e.w * mult
			if negated {
				v = e.neg * mult
				negLeft = 0
			}
			info.score += v
			lastHit, lastE, lastMult, lastNegated = i, e, mult, negated
		}
		if negLeft > 0 {
			negLeft--
		}
		if intLeft > 0 {
			intLeft--
		}
	}
	info.substance = nonFiller >= 2 && content >= 1 || info.question && content >= 1
	info.request = info.substance && (info.question || requestWord)
	if info.question || info.score < 0 {
		info.closing = false
	}
	return info
}

// topic is a candidate topic word.
type topic struct {
	display string
	score   float64
	first   int
}

// countTopics adds the content words of one message to m: customer words
// count double, words of the request (order < 0) add one.
func countTopics(m map[string]*topic, toks []tok, names map[string]bool, customer bool, order int) {
	add := 1.0
	if customer {
		add = 2
	}
	for _, t := range toks {
		w := t.fold
		if t.kind != tokWord || utf8.RuneCountInString(w) < 3 || tab.stop[w] || tab.filler[w] ||
			tab.negators[w] || names[w] || hasDigit(w) {
			continue
		}
		if _, ok := tab.intensifiers[w]; ok {
			continue
		}
		if _, ok := tab.lookup(w); ok {
			continue // how it went, not what it was about
		}
		tp := m[w]
		if tp == nil {
			if order < 0 {
				continue // the bonus only lifts words already counted
			}
			tp = &topic{display: t.lower, first: order}
			m[w] = tp
		}
		if order < 0 {
			tp.score++
		} else {
			tp.score += add
		}
	}
}

func hasDigit(s string) bool {
	return strings.ContainsFunc(s, unicode.IsDigit)
}

// topTopics returns the best topics: plurals merged into their singular,
// ordered by weight, then by first appearance.
func topTopics(m map[string]*topic) []string {
	for w, tp := range m {
		for _, suf := range []string{"s", "es"} {
			if base, ok := strings.CutSuffix(w, suf); ok {
				if b := m[base]; b != nil && b != tp {
					b.score += tp.score
					b.first = min(b.first, tp.first)
					delete(m, w)
					break
				}
			}
		}
	}
	list := make([]*topic, 0, len(m))
	for _, tp := range m {
		if tp.score >= minTopicScore {
			list = append(list, tp)
		}
	}
	slices.SortFunc(list, func(a, b *topic) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.first, b.first); c != 0 {
			return c
		}
		return strings.Compare(a.display, b.display)
	})
	out := make([]string, 0, maxTopics)
	for _, tp := range list[:min(len(list), maxTopics)] {
		out = append(out, tp.display)
	}
	return out
}

// sentimentScore weighs the messages' scores by role and position and
// normalizes the sum into -1..1.
func sentimentScore(infos []msgInfo) float64 {
	var x float64
	for k, info := range infos {
		pos := weightLast
		if len(infos) > 1 {
			pos = weightFirst + (weightLast-weightFirst)*float64(k)/float64(len(infos)-1)
		}
		role := weightCustomer
		if info.role != chat.RoleCustomer {
			role = weightBusiness
			if info.score > 0 {
				role = weightPolite
			}
		}
		x += role * pos * info.score
	}
	s := x / math.Sqrt(x*x+scoreAlpha)
	return math.Round(s*1000) / 1000
}

// resolved guesses whether the session ended with the customer's matter
// settled: the customer closed with thanks or "solved", or the business
// had the last word (unless that word was a question the customer left
// open), or the business said it was solved and the customer did not
// complain after.
func resolved(infos []msgInfo, req *msgInfo) bool {
	lastCust, lastBiz := -1, -1
	closedEarlier, solvedByBiz := false, false
	for k, info := range infos {
		if info.role == chat.RoleCustomer {
			lastCust = k
			if info.closing {
				closedEarlier = true
			}
		} else {
			lastBiz = k
			if info.solved && (req == nil || info.idx > req.idx) {
				solvedByBiz = true
			}
		}
	}
	switch {
	case lastBiz < 0:
		return false
	case lastCust > lastBiz:
		c := infos[lastCust]
		if c.closing || c.solved && !c.question && c.score >= 0 {
			return true
		}
		return solvedByBiz && !c.question && c.score >= 0
	case infos[lastBiz].question:
		return closedEarlier
	}
	return true
}

// summary is the built-in summary and the messages it quotes.
type summary struct {
	text string
	req  *msgInfo // the customer's request, nil when there was none
}

// summarizeInfos writes the summary: the request, the business's last reply
// after it, and the customer's last words when they came after that reply.
func summarizeInfos(msgs []Message, infos []msgInfo, media map[chat.Role]int) summary {
	var b strings.Builder
	var s summary
	sentence := func(who, verb, q string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s %s: \"%s\"", who, verb, q)
		// A quote that ends in a letter or digit gets the sentence's full
		// stop; one ending in punctuation or an emoji has its own end.
		if r, _ := utf8.DecodeLastRuneInString(q); unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteByte('.')
		}
	}
	plain := func(text string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	}

	reqK := pickRequest(infos)
	custName := "The customer"
	for i := range msgs {
		if msgs[i].Role == chat.RoleCustomer && msgs[i].Author != "" {
			custName = msgs[i].Author
			break
		}
	}
	hasCustomerText := false
	for _, info := range infos {
		if info.role == chat.RoleCustomer {
			hasCustomerText = true
			break
		}
	}

	after := -1 // the reply must come after this message of infos
	var run [2]int
	switch {
	case reqK >= 0:
		s.req = &infos[reqK]
		custName = nameOr(msgs[s.req.idx].Author, "The customer")
		var q string
		q, run = requestQuote(msgs, infos, reqK)
		verb := "wrote"
		if s.req.question {
			verb = "asked"
		}
		sentence(custName, verb, q)
		after = run[1]
	case hasCustomerText:
		// Only greetings and thanks: quote the first of them.
		for k, info := range infos {
			if info.role == chat.RoleCustomer {
				sentence(custName, "wrote", quote(stripGreeting(msgs[info.idx].Body), maxQuote))
				after, run = k, [2]int{k, k}
				break
			}
		}
	case media[chat.RoleCustomer] > 0:
		plain(fmt.Sprintf("%s sent %s and no text.", custName, plural(media[chat.RoleCustomer], "attachment")))
	default:
		// The business wrote first (a broadcast, a reminder) or nobody wrote
		// text at all.
		for k, info := range infos {
			if info.substance {
				sentence(nameOr(msgs[info.idx].Author, roleName(info.role)), "wrote", quote(stripGreeting(msgs[info.idx].Body), maxQuote))
				after, run = k, [2]int{k, k}
				break
			}
		}
		if b.Len() == 0 {
			if n := media[chat.RoleAgent] + media[chat.RoleBot]; n > 0 {
				plain(fmt.Sprintf("The session holds %s and no text to summarize.", plural(n, "attachment")))
			} else {
				plain("The session holds only system notices or deleted messages.")
			}
			return summary{text: b.String()}
		}
	}

	// The close: the customer's first closing words (thanks, solved) of the
	// stretch at the end where they only close or say nothing of
	// substance, after the business's last answer: a "thanks" before an
	// answer thanked for the wait, it did not close. The reply is the
	// business's last message with substance before the close (or before
	// the end), else its last message of any kind there: the answer, not
	// the "you're welcome" after the thanks.
	closeK := -1
	for k := len(infos) - 1; k > run[1]; k-- {
		info := infos[k]
		if info.role != chat.RoleCustomer {
			if closeK >= 0 && info.substance {
				break
			}
			continue
		}
		if info.closing || info.solved {
			closeK = k
		} else if info.substance {
			break
		}
	}
	until := len(infos)
	if closeK >= 0 {
		until = closeK
	}
	reply := -1
	for k := until - 1; k > after; k-- {
		if infos[k].role == chat.RoleCustomer {
			continue
		}
		if infos[k].substance {
			reply = k
			break
		}
		if reply < 0 {
			reply = k
		}
	}
	hasBiz := false
	for _, info := range infos {
		if info.role != chat.RoleCustomer {
			hasBiz = true
			break
		}
	}
	switch {
	case reply >= 0:
		info := infos[reply]
		verb := "replied"
		if s.req != nil && s.req.question {
			verb = "answered"
		}
		sentence(nameOr(msgs[info.idx].Author, roleName(info.role)), verb, quote(stripGreeting(msgs[info.idx].Body), maxQuote))
		after = reply
	case !hasBiz && media[chat.RoleAgent]+media[chat.RoleBot] == 0 && hasCustomerText:
		plain("No one from the business has replied.")
	case reqK >= 0 || hasCustomerText:
		plain("No reply followed.")
	}

	// The customer's last words: the close, else their last message with
	// substance after the reply.
	if closeK >= 0 {
		sentence(nameOr(msgs[infos[closeK].idx].Author, custName), "closed with", quote(msgs[infos[closeK].idx].Body, maxQuote))
	} else {
		for k := len(infos) - 1; k > after && k > run[1]; k-- {
			if info := infos[k]; info.role == chat.RoleCustomer {
				if info.substance {
					sentence(nameOr(msgs[info.idx].Author, custName), "ended with", quote(msgs[info.idx].Body, maxQuote))
				}
				break
			}
		}
	}
	s.text = b.String()
	return s
}

// pickRequest returns the index in infos of the customer's request: in
// their first turn with substance (the messages they sent before the
// business answered), the first question or request, else the first message
// with substance; -1 when the customer said nothing of substance. A
// question asked later, after replies, is a follow-up, not the request.
func pickRequest(infos []msgInfo) int {
	first := -1
	for k, info := range infos {
		if info.role != chat.RoleCustomer {
			if first >= 0 {
				break // the turn is over
			}
			continue
		}
		if !info.substance {
			continue
		}
		if info.request {
			return k
		}
		if first < 0 {
			first = k
		}
		if k-first >= requestLookback {
			break
		}
	}
	return first
}

// requestQuote quotes the request, joined with the customer's message just
// before it ("I bought a teapot." + "Can I return it?") or, for a request
// without a question, just after it, when those are part of the same turn
// and the quote stays short. It returns the quote and the span of infos
// quoted.
func requestQuote(msgs []Message, infos []msgInfo, k int) (string, [2]int) {
	body := stripGreeting(msgs[infos[k].idx].Body)
	span := [2]int{k, k}
	join := func(a, b string) string {
		a = strings.TrimSpace(a)
		if !strings.ContainsAny(a[len(a)-1:], ".!?…:") {
			a += "."
		}
		return a + " " + strings.TrimSpace(b)
	}
	if p := k - 1; p >= 0 && infos[p].role == chat.RoleCustomer && infos[p].substance {
		prev := stripGreeting(msgs[infos[p].idx].Body)
		if len(prev)+len(body) <= maxQuote {
			body, span[0] = join(prev, body), p
		}
	}
	if n := k + 1; !infos[k].question && n < len(infos) && infos[n].role == chat.RoleCustomer && infos[n].substance {
		next := msgs[infos[n].idx].Body
		if len(next)+len(body) <= maxQuote {
			body, span[1] = join(body, next), n
		}
	}
	return quote(body, maxQuote), span
}

// greetWords open a message without being part of what it says.
var greetWords = set(`hi hello hey hiya heya howdy morning afternoon evening there all everyone team
hola buenas buenos días dias tardes noches saludos qué que tal hallo moin servus grüß gott guten tag morgen abend
bonjour bonsoir salut coucou olá ola oi dia tarde noite`)

// greetOpeners are greetings only when a greeting word follows ("good
// morning", "buen día", "guten Tag", "bom dia").
var greetOpeners = set(`good buen buenos buenas guten bom boa bonne`)

// stripGreeting removes the greeting that opens body ("Hi Maria, is the
// teapot…" → "is the teapot…"), keeping body when little would be left.
func stripGreeting(body string) string {
	words := strings.Fields(body)
	i := 0
	greeted := false
	for i < len(words) {
		w := foldWord(strings.ToLower(strings.Trim(words[i], ".,;:!¡?¿-–— ")))
		switch {
		case tab.filler[w] && greetWords[w]:
			i, greeted = i+1, true
			continue
		case greetOpeners[w] && i+1 < len(words) && greetWords[foldWord(strings.ToLower(strings.Trim(words[i+1], ".,;:!¡?¿ ")))]:
			i, greeted = i+2, true
			continue
		case greeted:
			// The name after the greeting: "Hi Maria," "Guten Tag Herr Weber,".
			for n := i; n < len(words) && n < i+3 && startsUpper(words[n]); n++ {
				if strings.ContainsAny(words[n][len(words[n])-1:], ",!") {
					i = n + 1
					break
				}
			}
		}
		break
	}
	if !greeted || len(words)-i < 2 {
		return body
	}
	rest := strings.Join(words[i:], " ")
	rest = strings.TrimLeft(rest, ".,;:!- ")
	r, sz := utf8.DecodeRuneInString(rest)
	return string(unicode.ToUpper(r)) + rest[sz:]
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func nameOr(name, fallback string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return fallback
}

func roleName(r chat.Role) string {
	switch r {
	case chat.RoleBot:
		return "The bot"
	case chat.RoleCustomer:
		return "The customer"
	}
	return "The agent"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
