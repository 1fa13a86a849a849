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
// question or a request, greeting messages skipped), the business's reply
// to it (its first answer before the customer's next question, so that an
// answer to a later question is never shown as the answer to the first),
// and how it ended (the customer's closing or last words, else the
// business's later reply). The sentences around the quotes are English;
// the quotes are the authors' words exactly as written, in the
// conversation's language: whitespace collapsed, long messages cut at a
// sentence or word boundary with "…", opening greeting sentences ("Hi
// Alice!") left out, and nothing else changed.
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
	maxQuote        = 140  // bytes of a quote before it is cut at a sentence or word boundary
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
	turn      int       // turns alternate between the customer and the business; media count
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
	turn, customerSide := -1, false
	for i := range msgs {
		m := &msgs[i]
		role := roles[i]
		if role == chat.RoleSystem || m.Kind == chat.KindDeleted {
			continue
		}
		if c := role == chat.RoleCustomer; turn < 0 || c != customerSide {
			turn, customerSide = turn+1, c
		}
		if m.Kind == chat.KindMedia || strings.TrimSpace(m.Body) == "" {
			media[role]++
			continue
		}
		toks = tokenize(m.Body, toks[:0])
		info := analyzeMessage(toks, m.Body)
		info.idx, info.role, info.turn = i, role, turn
		infos = append(infos, info)
		countTopics(topics, toks, names, role == chat.RoleCustomer, len(infos))
	}

	res := Result{
		Source:    SourceBuiltin,
		Model:     SourceBuiltin,
		Prompt:    BuiltinVersion,
		Sentiment: SentimentNeutral,
		Topics:    []string{},
	}
	s := summarizeInfos(msgs, roles, infos, media)
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

// questionMarks make a message a question: Latin, Spanish, Arabic and
// full-width (CJK). See hasQuestionMark.
const questionMarks = "?¿؟？"

// hasQuestionMark reports whether s holds one of questionMarks, in one pass
// over the bytes ("¿" is C2 BF, "؟" D8 9F, "？" EF BC 9F).
func hasQuestionMark(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '?':
			return true
		case 0xbf:
			if i > 0 && s[i-1] == 0xc2 {
				return true
			}
		case 0x9f:
			if i > 0 && s[i-1] == 0xd8 || i > 1 && s[i-2] == 0xef && s[i-1] == 0xbc {
				return true
			}
		}
	}
	return false
}

// analyzeMessage scores one message and classifies it.
func analyzeMessage(toks []tok, body string) msgInfo {
	var info msgInfo
	info.question = hasQuestionMark(body)
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

// summarizeInfos writes the summary: the request, the business's reply to
// it, and how the session ended: the customer's closing words, else their
// last words after the business's, else what the business wrote after
// its reply.
//
// Every quote is the author's words as written (see excerpt and cite): a
// whole message, or its sentences after a greeting, or its beginning cut
// at a sentence or word boundary. Consecutive messages are quoted one by
// one ("a" and "b"), never glued into a sentence the author did not write.
//
// The reply is paired with the request the way a reader pairs them: it is
// the business's first answer after the quoted messages and before the
// customer's next question (see pickAnswer). When the customer asked again
// before any reply, the summary says so instead of passing off the answer
// to the later question as the answer to the first.
func summarizeInfos(msgs []Message, roles []chat.Role, infos []msgInfo, media map[chat.Role]int) summary {
	var b strings.Builder
	var s summary
	// sentence writes `who verb: "q"`, or `who verb: "q1" and "q2"` for
	// consecutive messages.
	sentence := func(who, verb string, quotes ...string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(who)
		b.WriteByte(' ')
		b.WriteString(verb)
		b.WriteString(": ")
		for i, q := range quotes {
			switch {
			case i == 0:
			case i == len(quotes)-1:
				b.WriteString(" and ")
			default:
				b.WriteString(", ")
			}
			b.WriteByte('"')
			b.WriteString(q)
			b.WriteByte('"')
		}
		// A quote that ends in a letter or digit gets the sentence's full
		// stop, outside the quotation marks; one ending in punctuation or
		// an emoji has its own end.
		if r, _ := utf8.DecodeLastRuneInString(quotes[len(quotes)-1]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteByte('.')
		}
	}
	plain := func(text string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	}
	body := func(k int) string { return msgs[infos[k].idx].Body }
	author := func(k int, fallback string) string { return nameOr(msgs[infos[k].idx].Author, fallback) }

	reqK := pickRequest(infos)
	custName := "The customer"
	for i := range msgs {
		if msgs[i].Role == chat.RoleCustomer && msgs[i].Author != "" {
			custName = msgs[i].Author
			break
		}
	}
	hasCustomerText, hasBiz := false, false
	for _, info := range infos {
		if info.role == chat.RoleCustomer {
			hasCustomerText = true
		} else {
			hasBiz = true
		}
	}

	start := -1       // the reply is looked for after this message of infos
	pair := true      // whether a reply after start answers what was quoted
	question := false // whether what was quoted asks a question
	switch {
	case reqK >= 0:
		s.req = &infos[reqK]
		custName = author(reqK, "The customer")
		quotes, span := requestQuote(msgs, infos, reqK)
		verb := "wrote"
		for _, info := range infos[span[0] : span[1]+1] {
			if info.question {
				verb, question = "asked", true
			}
		}
		sentence(custName, verb, quotes...)
		start = span[1]
	case hasCustomerText:
		// Only greetings and thanks: quote the first of them.
		for k, info := range infos {
			if info.role == chat.RoleCustomer {
				sentence(custName, "wrote", cite(body(k)))
				start = k
				break
			}
		}
	case media[chat.RoleCustomer] > 0:
		plain(fmt.Sprintf("%s sent %s and no text.", custName, plural(media[chat.RoleCustomer], "attachment")))
		// The reply is what the business wrote after the first attachment.
		first := 0
		for first < len(msgs) && (roles[first] != chat.RoleCustomer || msgs[first].Kind == chat.KindDeleted) {
			first++
		}
		for k, info := range infos {
			if info.idx < first {
				start = k
			}
		}
	default:
		// The business wrote first (a broadcast, a reminder) or nobody wrote
		// text at all: nothing was asked, so nothing is answered.
		pair = false
		for k, info := range infos {
			if info.substance {
				sentence(author(k, roleName(info.role)), "wrote", cite(body(k)))
				start = k
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

	// The reply: the business's answer before the customer's next
	// question.
	next := len(infos)
	for k := start + 1; k < len(infos); k++ {
		if info := infos[k]; info.role == chat.RoleCustomer && info.question && info.substance {
			next = k
			break
		}
	}
	answer, pending := -1, false
	if pair {
		answer, pending = pickAnswer(msgs, infos, start, next)
	}
	switch {
	case answer >= 0:
		verb := "replied"
		if question && !pending {
			verb = "answered"
		}
		sentence(author(answer, roleName(infos[answer].role)), verb, cite(body(answer)))
	case !pair:
	case !hasBiz && media[chat.RoleAgent]+media[chat.RoleBot] == 0 && hasCustomerText:
		plain("No one from the business has replied.")
	default:
		from, to := 0, len(msgs)
		if start >= 0 {
			from = infos[start].idx + 1
		}
		if next < len(infos) {
			to = infos[next].idx
		}
		if n, who := businessMedia(msgs, roles, from, to); n > 0 {
			plain(fmt.Sprintf("%s replied with %s.", who, plural(n, "attachment")))
		} else if next < len(infos) {
			plain(fmt.Sprintf("No reply came before %s's next question.", custName))
		} else if reqK >= 0 || hasCustomerText {
			plain("No reply followed.")
		}
	}

	// How it ended, after the reply. The close: the customer's first
	// closing words (thanks, solved) of the stretch at the end where they
	// only close or say nothing of substance, after the business's last
	// answer: a "thanks" before an answer thanked for the wait, it did not
	// close.
	base := max(start, answer)
	closeK := -1
	for k := len(infos) - 1; k > base; k-- {
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
	if closeK >= 0 {
		sentence(author(closeK, custName), "closed with", cite(body(closeK)))
		s.text = b.String()
		return s
	}
	// Else the customer's last words when they came after the business's,
	// else what the business wrote last.
	lastBiz := -1
	for k := len(infos) - 1; k > base; k-- {
		if infos[k].role != chat.RoleCustomer && infos[k].substance {
			lastBiz = k
			break
		}
	}
	for k := len(infos) - 1; k > max(base, lastBiz); k-- {
		if infos[k].role == chat.RoleCustomer {
			if infos[k].substance {
				sentence(author(k, custName), "ended with", cite(body(k)))
				lastBiz = -1
			}
			break
		}
	}
	if lastBiz >= 0 {
		sentence(author(lastBiz, roleName(infos[lastBiz].role)), "later wrote", cite(body(lastBiz)))
	}
	s.text = b.String()
	return s
}

// pickAnswer returns the index in infos of the business's reply to what
// the customer said up to infos[start], looked for before infos[next] (the
// customer's next question, or the end): the first message with substance
// that is the answer rather than a question back or a "let me check" (see
// asksOrHolds: "What is your order number?" asks for what the answer
// needs), else the first with substance, else the first of any kind
// ("👍"); -1 when the business wrote nothing there. pending tells that
// the reply is not the answer yet.
func pickAnswer(msgs []Message, infos []msgInfo, start, next int) (answer int, pending bool) {
	first, firstSub := -1, -1
	var toks []tok
	for k := start + 1; k < next; k++ {
		info := infos[k]
		if info.role == chat.RoleCustomer {
			continue
		}
		if first < 0 {
			first = k
		}
		if !info.substance {
			continue
		}
		var holds bool
		if holds, toks = asksOrHolds(msgs[info.idx].Body, toks); !holds {
			return k, false
		}
		if firstSub < 0 {
			firstSub = k
		}
	}
	if firstSub >= 0 {
		return firstSub, true
	}
	return first, first >= 0
}

// businessMedia counts the attachments the business sent in msgs[from:to]
// and returns the name of the first sender.
func businessMedia(msgs []Message, roles []chat.Role, from, to int) (int, string) {
	n, who := 0, ""
	for i := from; i < to; i++ {
		if r := roles[i]; r != chat.RoleCustomer && r != chat.RoleSystem && msgs[i].Kind == chat.KindMedia {
			if n == 0 {
				who = nameOr(msgs[i].Author, roleName(r))
			}
			n++
		}
	}
	return n, who
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

// requestQuote quotes the request with the customer's messages of the same
// turn around it, each as its own quote, while they all fit in maxQuote:
// the message with substance just before it ("I bought a teapot." before
// "Can I return it?") and those after it, so that a second question asked
// before any reply ("And in red?") is shown with the first one the reply
// answers. It returns the quotes and the span of infos quoted.
func requestQuote(msgs []Message, infos []msgInfo, k int) ([]string, [2]int) {
	span := [2]int{k, k}
	quotes := []string{cite(msgs[infos[k].idx].Body)}
	total := len(quotes[0])
	sameTurn := func(j int) bool {
		return infos[j].role == chat.RoleCustomer && infos[j].turn == infos[k].turn
	}
	if p := k - 1; p >= 0 && sameTurn(p) && infos[p].substance {
		if q := cite(msgs[infos[p].idx].Body); total+len(q) <= maxQuote {
			quotes = append([]string{q}, quotes...)
			total += len(q)
			span[0] = p
		}
	}
	for n := k + 1; n < len(infos) && sameTurn(n); n++ {
		if !infos[n].substance {
			continue
		}
		q := cite(msgs[infos[n].idx].Body)
		if total+len(q) > maxQuote {
			break
		}
		quotes = append(quotes, q)
		total += len(q)
		span[1] = n
	}
	return quotes, span
}

// cite quotes a message body: from its first sentence after the greeting
// sentences that open it ("Hi Maria!", "Guten Tag!"), as written, cut at
// maxQuote.
func cite(body string) string {
	return excerpt(body[greetingEnd(body):], maxQuote)
}

// greetStart are the words that open a greeting ("Hi Maria!", "Buenas
// tardes", "Moin"); greetWords may follow them. "All", "there" or "team"
// only greet after one of these: "All sorted." is not a greeting.
var greetStart = set(`hi hello hey hiya heya howdy morning afternoon evening
hola buenas buenos saludos hallo moin servus grüß grüezi bonjour bonsoir salut coucou olá ola oi`)

// greetWords may follow a greeting's first word.
var greetWords = set(`hi hello hey hiya heya howdy morning afternoon evening there all everyone team folks guys
hola buenas buenos días dias tardes noches saludos qué que tal hallo moin servus grüß gott guten tag morgen abend zusammen
bonjour bonsoir salut coucou olá ola oi dia tarde noite`)

// greetOpeners open a greeting when a greeting word follows ("good
// morning", "buen día", "guten Tag", "bom dia").
var greetOpeners = set(`good buen buenos buenas guten bom boa bonne`)

// greetingEnd returns where the text of body starts after the greeting
// sentences that open it: the sentences made only of a greeting and names
// ("Hi Alice!", "Hola, buenas tardes."); 0 when there are none. A greeting
// that shares its sentence with more ("Hi Maria, do you ship to Spain?")
// is part of that sentence and stays, and so does a message that is only a
// greeting.
func greetingEnd(body string) int {
	off := 0
	for {
		rest := body[off:]
		n := firstSentence(rest)
		if strings.TrimSpace(rest[n:]) == "" || !isGreeting(rest[:n]) {
			return off
		}
		off += n
	}
}

// isGreeting reports whether sentence is only a greeting: a greeting word
// (or "good", "guten"… and one), then only greeting words and up to three
// capitalized names; emoji and punctuation don't count.
func isGreeting(sentence string) bool {
	word, rest := nextWord(sentence)
	for word != "" && !hasLetter(word) {
		word, rest = nextWord(rest)
	}
	switch w := greetFold(word); {
	case word == "":
		return false
	case greetStart[w]:
	case greetOpeners[w]:
		if word, rest = nextWord(rest); !greetWords[greetFold(word)] {
			return false
		}
	default:
		return false
	}
	names := 0
	for word, rest = nextWord(rest); word != ""; word, rest = nextWord(rest) {
		switch w := greetFold(word); {
		case !hasLetter(word) || greetWords[w] || greetOpeners[w]:
		case names < 3 && startsUpper(strings.TrimLeft(word, `¡¿"'“«(`)):
			names++
		default:
			return false
		}
	}
	return true
}

// nextWord returns the first word of s (a run of non-space) and the rest
// after it; "" when s holds no more words.
func nextWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// asksOrHolds reports whether a reply is not the answer yet: after its
// greeting, its acknowledgements ("Sure!") and courtesies ("I'm sorry to
// hear that.", "Let me check."), it asks something back ("Could you send a
// photo?") or says nothing more. toks is a buffer for the tokens of a
// sentence, returned for reuse.
func asksOrHolds(body string, toks []tok) (bool, []tok) {
	rest := body[greetingEnd(body):]
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			return true, toks
		}
		n := firstSentence(rest)
		sent := rest[:n]
		if hasQuestionMark(sent) {
			return true, toks
		}
		if toks = tokenize(sent, toks[:0]); !politeOnly(toks) {
			return false, toks
		}
		rest = rest[n:]
	}
}

// politeOnly reports whether the words of a sentence are only filler
// ("Ok, thanks!"), or courtesy words with stopwords and filler ("I'm sorry
// to hear that.").
func politeOnly(toks []tok) bool {
	courtesy, other := false, false
	for _, t := range toks {
		if t.kind != tokWord {
			continue
		}
		switch w := t.fold; {
		case tab.courtesy[w]:
			courtesy = true
		case tab.filler[w]:
		case tab.stop[w]:
			other = true
		default:
			return false
		}
	}
	return courtesy || !other
}

// greetFold folds a word of a message for the word tables, without the
// punctuation around it.
func greetFold(word string) string {
	return foldWord(strings.ToLower(strings.Trim(word, `.,;:!¡?¿-–—()"'“”«»…`)))
}

func hasLetter(s string) bool {
	return strings.ContainsFunc(s, unicode.IsLetter)
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
