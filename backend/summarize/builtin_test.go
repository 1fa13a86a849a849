package summarize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// session builds messages from compact lines "c: text" (customer), "a:"
// (agent), "b:" (bot), "s:" (system notice), "m:" (customer media), two
// minutes apart.
func session(customer, agent string, lines ...string) []Message {
	msgs := make([]Message, 0, len(lines))
	for i, l := range lines {
		who, body, _ := strings.Cut(l, ": ")
		m := Message{At: t0.Add(time.Duration(i) * 2 * time.Minute), Body: body, Kind: chat.KindText}
		switch who {
		case "c":
			m.Author, m.Role = customer, chat.RoleCustomer
		case "a":
			m.Author, m.Role = agent, chat.RoleAgent
		case "b":
			m.Author, m.Role = "Bot", chat.RoleBot
		case "s":
			m.Role, m.Kind = chat.RoleSystem, chat.KindSystem
		case "m":
			m.Author, m.Role, m.Kind = customer, chat.RoleCustomer, chat.KindMedia
		default:
			panic("bad line " + l)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// testSession is one session of testdata/sessions.json with what the
// built-in summarizer must make of it.
type testSession struct {
	Name      string   `json:"name"`
	Lang      string   `json:"lang"`
	Sentiment string   `json:"sentiment"`
	Resolved  bool     `json:"resolved"`
	Customer  string   `json:"customer"`
	Agent     string   `json:"agent"`
	Mentions  []string `json:"mentions"`
	Messages  []string `json:"messages"`
}

func loadSessions(t testing.TB) []testSession {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sessions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ss []testSession
	if err := json.Unmarshal(b, &ss); err != nil {
		t.Fatalf("parse testdata/sessions.json: %v", err)
	}
	return ss
}

func summarizeBuiltin(t *testing.T, msgs []Message) Result {
	t.Helper()
	r, err := Builtin{}.Summarize(context.Background(), msgs)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	return r
}

// TestBuiltinSessions runs the realistic sessions of testdata: per language
// (English, Spanish, German, French, Portuguese) at least two clearly
// positive and two clearly negative ones.
func TestBuiltinSessions(t *testing.T) {
	ss := loadSessions(t)
	count := map[string]int{}
	for _, s := range ss {
		count[s.Lang+"/"+s.Sentiment]++
		t.Run(s.Name, func(t *testing.T) {
			msgs := session(s.Customer, s.Agent, s.Messages...)
			r := summarizeBuiltin(t, msgs)
			t.Logf("summary: %s\nscore %.3f, topics %q, resolved %v", r.Summary, r.Score, r.Topics, r.Resolved)
			if r.Sentiment != s.Sentiment {
				t.Errorf("sentiment = %s (score %.3f), want %s", r.Sentiment, r.Score, s.Sentiment)
			}
			if r.Resolved != s.Resolved {
				t.Errorf("resolved = %v, want %v", r.Resolved, s.Resolved)
			}
			for _, m := range s.Mentions {
				if !strings.Contains(strings.ToLower(r.Summary), strings.ToLower(m)) {
					t.Errorf("summary does not mention %q", m)
				}
			}
			if !strings.HasPrefix(r.Summary, s.Customer+" ") {
				t.Errorf("summary does not start with the customer's name %q", s.Customer)
			}
			if n := strings.Count(r.Summary, `: "`); n < 2 || n > 3 {
				t.Errorf("summary has %d quotes, want 2 or 3", n)
			}
			if r.Score < -1 || r.Score > 1 {
				t.Errorf("score %f out of range", r.Score)
			}
			if r.Source != "builtin" || r.Model != "builtin" || r.Digest != "" || r.Prompt != BuiltinVersion {
				t.Errorf("provenance = %q %q %q %q", r.Source, r.Model, r.Digest, r.Prompt)
			}
			if len(r.Topics) == 0 {
				t.Errorf("no topics")
			}
		})
	}
	for _, lang := range []string{"en", "es", "de", "fr", "pt"} {
		for _, pol := range []string{SentimentPositive, SentimentNegative} {
			if count[lang+"/"+pol] < 2 {
				t.Errorf("testdata has %d %s sessions in %s, want ≥ 2", count[lang+"/"+pol], pol, lang)
			}
		}
	}
}

func TestBuiltinTeapot(t *testing.T) {
	msgs := session("Alice", "Maria Lopez",
		"c: Hi!",
		"c: Is the blue teapot still in stock?",
		"a: Hi Alice! Yes, we have 3 left in blue.",
		"c: Great, I'll come by today",
		"a: Got the receipt, thank you!",
	)
	r := summarizeBuiltin(t, msgs)
	want := `Alice asked: "Is the blue teapot still in stock?" Maria Lopez answered: "Yes, we have 3 left in blue." Alice closed with: "Great, I'll come by today".`
	if r.Summary != want {
		t.Errorf("summary\n got %s\nwant %s", r.Summary, want)
	}
	if !slices.Contains(r.Topics, "teapot") {
		t.Errorf("topics = %q, want teapot among them", r.Topics)
	}
	if !r.Resolved {
		t.Errorf("not resolved; the agent had the last word")
	}
}

func TestBuiltinSentimentCases(t *testing.T) {
	tests := []struct {
		name string
		msgs []Message
		want string
	}{
		{"emoji only negative", session("C", "A", "c: 😡😡", "a: ?", "c: 👎💔"), SentimentNegative},
		{"emoji only positive", session("C", "A", "c: 😍🙏", "a: 👍", "c: ❤️"), SentimentPositive},
		{"emoticons", session("C", "A", "c: thanks :)", "a: you're welcome :-)"), SentimentPositive},
		{"sad emoticon", session("C", "A", "c: still nothing :(", "c: :'("), SentimentNegative},
		{"neutral question", session("C", "A", "c: What are your opening hours on Saturday?", "a: From 9 to 5.", "c: ok"), SentimentNeutral},
		{"agent politeness does not make it positive", session("C", "A", "c: Where is my parcel? It is three days late, this is really annoying.", "a: Great question! We are happy to help, thank you so much for your patience!"), SentimentNegative},
		{"the end weighs more", session("C", "A", "c: the app is broken and slow", "a: try updating it", "c: Updated, it works perfectly now, amazing, thank you!"), SentimentPositive},
		{"no problem is positive", session("C", "A", "c: Can I change the date?", "a: sure", "c: no problem at all, great"), SentimentPositive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			if r.Sentiment != tc.want {
				t.Errorf("sentiment = %s (score %.3f), want %s", r.Sentiment, r.Score, tc.want)
			}
		})
	}
}

// TestBuiltinNegation checks that simple negation flips the sign, in every
// language, before and after the word.
func TestBuiltinNegation(t *testing.T) {
	tests := []struct {
		name, text string
		positive   bool
	}{
		{"en good", "the service was good", true},
		{"en not good", "the service was not good", false},
		{"en don't", "I don't love it", false},
		{"en not bad", "not bad", true},
		{"en doesn't work", "the printer doesn't work", false},
		{"en never arrived", "my parcel never arrived", false},
		{"de gut", "das ist gut", true},
		{"de nicht gut", "das ist nicht gut", false},
		{"de funktioniert nicht", "die App funktioniert nicht", false},
		{"de gefällt mir nicht", "das gefällt mir nicht", false},
		{"de nicht angekommen", "das Paket ist nicht angekommen", false},
		{"es funciona", "ya funciona", true},
		{"es no funciona", "no funciona", false},
		{"es no me gusta", "no me gusta", false},
		{"fr bon", "c'est bon", true},
		{"fr pas bon", "pas bon", false},
		{"fr n'est pas bon", "ce n'est pas bon", false},
		{"fr ne marche pas", "ça ne marche pas", false},
		{"pt gosto", "gosto muito", true},
		{"pt não gosto", "não gosto", false},
		{"pt nao gosto without accent", "nao gosto", false},
		{"pt não funciona", "o site não funciona", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, session("C", "A", "c: "+tc.text))
			if got := r.Score > 0; got != tc.positive || r.Score == 0 {
				t.Errorf("%q: score %.3f, want %s", tc.text, r.Score, map[bool]string{true: "> 0", false: "< 0"}[tc.positive])
			}
		})
	}
}

func TestBuiltinSkipsGreetings(t *testing.T) {
	tests := []struct {
		name      string
		msgs      []Message
		wantQuote string
		notIn     []string
	}{
		{"greeting messages", session("Rosa", "Shop", "c: Hola", "c: hello there", "c: Do you deliver to Porto?", "a: Yes, in 2 days."),
			`Rosa asked: "Do you deliver to Porto?"`, []string{"Hola", "hello there"}},
		// A greeting that shares its sentence with the question is quoted
		// with it: cutting it off would change the sentence ("do" → "Do").
		{"greeting inside the sentence is kept", session("Rosa", "Shop", "c: Hi Maria, do you ship to Spain?", "a: We do."),
			`Rosa asked: "Hi Maria, do you ship to Spain?"`, nil},
		{"greeting sentence skipped", session("Rosa", "Shop", "c: Hi Maria! Do you ship to Spain?", "a: We do."),
			`Rosa asked: "Do you ship to Spain?"`, []string{"Hi", "Maria"}},
		{"german", session("Jan", "Shop", "c: Guten Tag!", "c: Hallo", "c: Ich möchte meine Bestellung stornieren", "a: Erledigt."),
			`Jan wrote: "Ich möchte meine Bestellung stornieren".`, []string{"Guten", "Hallo"}},
		{"thanks are not a request", session("Ana", "Shop", "c: obrigado!", "c: bonjour", "c: Quanto custa a entrega para Lisboa?", "a: 5 euros."),
			`Ana asked: "Quanto custa a entrega para Lisboa?"`, []string{"obrigado", "bonjour"}},
		// Each message is quoted as written: no full stop is added to glue
		// them into one sentence.
		{"question preferred", session("Ben", "Shop", "c: I bought shoes here last month", "c: Can I still return them?", "a: Yes, within 60 days."),
			`Ben asked: "I bought shoes here last month" and "Can I still return them?"`, nil},
		{"only greetings", session("Ben", "Shop", "c: hi", "a: Hello! How can I help?"),
			`Ben wrote: "hi".`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			if !strings.HasPrefix(r.Summary, tc.wantQuote) {
				t.Errorf("summary %q does not start with %q", r.Summary, tc.wantQuote)
			}
			first, _, _ := strings.Cut(r.Summary, `" `)
			for _, s := range tc.notIn {
				if strings.Contains(first, s) {
					t.Errorf("request quote %q contains the greeting %q", first, s)
				}
			}
		})
	}
}

func TestBuiltinCutsLongMessages(t *testing.T) {
	long := "Hello, I ordered the large oak dining table with six matching chairs last month and the delivery company " +
		"called me twice to reschedule, and now the tracking page says it was delivered but nothing is here, " +
		"can you please find out where it is and when it will really arrive?"
	r := summarizeBuiltin(t, session("Kim", "Shop", "c: "+long, "a: I will check with the carrier."))
	q, _, ok := strings.Cut(strings.TrimPrefix(r.Summary, `Kim asked: "`), `"`)
	if !ok {
		t.Fatalf("no quote in %q", r.Summary)
	}
	cut, ok := strings.CutSuffix(q, "…")
	if !ok {
		t.Fatalf("quote %q not cut with …", q)
	}
	if len(cut) > maxQuote || len(cut) < maxQuote/2 {
		t.Errorf("quote is %d bytes, want about %d", len(cut), maxQuote)
	}
	body := long // quoted as written, greeting included
	if !strings.HasPrefix(body, cut) || body[len(cut)] != ' ' {
		t.Errorf("quote %q is not cut at a word boundary of %q", cut, body)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "hello  world\n again", 140, "hello world again"},
		{"word boundary", "one two three four", 10, "one two…"},
		{"one long word", "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij…"},
		{"runes kept whole", "ééééééééé", 5, "éé…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := quote(tc.in, tc.max); got != tc.want {
				t.Errorf("quote(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestBuiltinEdgeCases(t *testing.T) {
	tests := []struct {
		name     string
		msgs     []Message
		contains string
	}{
		{"media only", session("Zoe", "Shop", "m: IMG-1.jpg", "m: IMG-2.jpg"), "Zoe sent 2 attachments and no text."},
		{"system only", session("Zoe", "Shop", "s: Messages are end-to-end encrypted."), "only system notices"},
		{"no reply", session("Zoe", "Shop", "c: Is the shop open on Sunday?"), "No one from the business has replied."},
		{"business wrote first", session("Zoe", "Shop", "a: Your order 123 has shipped and arrives Monday."), `Shop wrote: "Your order 123 has shipped and arrives Monday."`},
		{"system lines ignored", session("Zoe", "Shop", "s: Messages are end-to-end encrypted.", "c: Can I pay by card?", "a: Yes."), `Zoe asked: "Can I pay by card?"`},
		{"customer closes", session("Zoe", "Shop", "c: My code does not work", "a: Try CODE10 instead.", "c: That worked, thanks!"), `Zoe closed with: "That worked, thanks!"`},
		// "Thanks" for the bot's holding reply is not the close: the
		// answer came after it (the Alice example's first session).
		{"thanks before the answer", session("Zoe", "Maria",
			"c: Is the blue teapot still in stock?",
			"b: Let me check that for you.",
			"c: Thanks. I'd need it before Saturday",
			"a: Yes, we have two left. I can ship it today.",
			"c: Perfect, ordering now",
			"m: receipt.pdf",
			"a: Got the receipt, thank you!"),
			`Maria answered: "Yes, we have two left. I can ship it today." Zoe closed with: "Perfect, ordering now".`},
		{"customer ends unhappy", session("Zoe", "Shop", "c: Where is my order?", "a: It is on its way.", "c: You said that last week too, this is a joke."), `Zoe ended with: "You said that last week too, this is a joke."`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			if !strings.Contains(r.Summary, tc.contains) {
				t.Errorf("summary %q does not contain %q", r.Summary, tc.contains)
			}
		})
	}
}

func TestBuiltinRolesFallback(t *testing.T) {
	// Without roles (a raw parse), the first author is the customer.
	msgs := session("Eva", "Shop", "c: Do you have gift cards?", "a: Yes, from 10 to 100 euros.")
	for i := range msgs {
		msgs[i].Role = ""
	}
	r := summarizeBuiltin(t, msgs)
	if !strings.HasPrefix(r.Summary, `Eva asked: "Do you have gift cards?" Shop answered:`) {
		t.Errorf("summary = %q", r.Summary)
	}
}

func TestBuiltinErrors(t *testing.T) {
	if _, err := (Builtin{}).Summarize(context.Background(), nil); !errors.Is(err, ErrNoMessages) {
		t.Errorf("empty session: err = %v, want ErrNoMessages", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Builtin{}).Summarize(ctx, session("C", "A", "c: hi")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err = %v", err)
	}
	if got := (Builtin{}).Name(); got != "builtin" {
		t.Errorf("Name() = %q", got)
	}
}

// fixture returns the path of a shared fixture (never copied into the repo).
func fixture(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "..", "shared", "fixtures"}, parts...)...)
}

// TestBuiltinWhatsAppFixture summarizes a real (synthetic-from-evidence)
// export as the importer would hand it over: Person 1 is the customer.
func TestBuiltinWhatsAppFixture(t *testing.T) {
	path := fixture("synthetic-from-evidence", "android_en_US_12h_nnbsp.txt")
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	var msgs []Message
	_, err := whatsapp.Parse(context.Background(), open, whatsapp.Options{Location: time.UTC}, func(m chat.Message) error {
		role := m.Role
		switch {
		case role == chat.RoleSystem:
		case m.Author == "Person 1":
			role = chat.RoleCustomer
		default:
			role = chat.RoleAgent
		}
		msgs = append(msgs, Message{At: m.At, Author: m.Author, Role: role, Kind: m.Kind, Body: m.Body})
		return nil
	})
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	r := summarizeBuiltin(t, msgs)
	t.Logf("summary: %s (%s %.3f, topics %q, resolved %v)", r.Summary, r.Sentiment, r.Score, r.Topics, r.Resolved)
	if r.Summary == "" {
		t.Fatal("empty summary")
	}
	quoted := false
	for _, m := range msgs {
		if m.Role == chat.RoleCustomer && m.Kind == chat.KindText && strings.Contains(r.Summary, `"`+excerpt(m.Body, maxQuote)+`"`) {
			quoted = true
		}
	}
	if !quoted {
		t.Errorf("summary %q quotes no customer message", r.Summary)
	}
}

// quotesOf returns the quotes of a built-in summary: the text between each
// pair of quotation marks (the test sessions hold none of their own).
func quotesOf(summary string) []string {
	parts := strings.Split(summary, `"`)
	var qs []string
	for i := 1; i < len(parts); i += 2 {
		qs = append(qs, parts[i])
	}
	return qs
}

// verbatim reports whether q is the author's words as written in one of
// bodies: a part of the body (whitespace runs collapsed) that starts and
// ends at a word boundary, or its beginning cut with "…" or " …".
func verbatim(q string, bodies []string) bool {
	cut, ok := strings.CutSuffix(q, " …")
	if !ok {
		cut, ok = strings.CutSuffix(q, "…")
	}
	if ok && strings.HasSuffix(q, "……") {
		cut, ok = q, false // a body that ends in "…" itself
	}
	for _, b := range bodies {
		b = strings.Join(strings.Fields(b), " ")
		for i := strings.Index(b, cut); i >= 0; {
			startOK := i == 0 || b[i-1] == ' '
			end := i + len(cut)
			endOK := end == len(b) || ok && strings.ContainsAny(b[end:end+1], " ,;:-")
			if startOK && endOK {
				return true
			}
			n := strings.Index(b[i+1:], cut)
			if n < 0 {
				break
			}
			i += 1 + n
		}
	}
	return false
}

// TestBuiltinQuotesAreVerbatim checks every quote of every summary of the
// test sessions against the messages: the words must be the author's, as
// written; no word dropped, recased or repunctuated.
func TestBuiltinQuotesAreVerbatim(t *testing.T) {
	type tc struct {
		name string
		msgs []Message
	}
	var tests []tc
	for _, s := range loadSessions(t) {
		tests = append(tests, tc{s.Name, session(s.Customer, s.Agent, s.Messages...)})
	}
	for i, msgs := range benchSessions(50) {
		tests = append(tests, tc{fmt.Sprintf("generated-%02d", i), msgs})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			var bodies []string
			for _, m := range tc.msgs {
				bodies = append(bodies, m.Body)
			}
			qs := quotesOf(r.Summary)
			if len(qs) == 0 {
				t.Fatalf("no quote in %q", r.Summary)
			}
			for _, q := range qs {
				if !verbatim(q, bodies) {
					t.Errorf("quote %q is not as written in any message\nsummary: %s", q, r.Summary)
				}
			}
		})
	}
}

func TestBuiltinQuotesExactly(t *testing.T) {
	tests := []struct {
		name     string
		msgs     []Message
		contains []string
		notIn    []string
	}{
		{"all sorted keeps All",
			session("Zoe", "Sam", "c: Is my refund for order 1029 done?", "a: All sorted, case #1029.", "c: Great, thanks!"),
			[]string{`Sam answered: "All sorted, case #1029."`}, []string{`"Sorted`}},
		{"all good keeps All",
			session("Zoe", "Sam", "c: Did the payment go through?", "a: All good! Your payment arrived this morning."),
			[]string{`Sam answered: "All good! Your payment arrived this morning."`}, nil},
		{"ok so keeps Ok",
			session("Zoe", "Sam", "c: Ok so my parcel never arrived, can you check?", "a: It is at the depot."),
			[]string{`Zoe asked: "Ok so my parcel never arrived, can you check?"`}, nil},
		{"lowercase stays lowercase",
			session("Zoe", "Sam", "c: hi team, is the shop open on sunday?", "a: yes, from 10 to 4"),
			[]string{`Zoe asked: "hi team, is the shop open on sunday?"`, `Sam answered: "yes, from 10 to 4".`}, nil},
		{"line breaks become spaces",
			session("Zoe", "Sam", "c: Is the lamp\nstill   available?", "a: Yes,\n\nin white."),
			[]string{`Zoe asked: "Is the lamp still available?"`, `Sam answered: "Yes, in white."`}, nil},
		{"german kept as written",
			session("Jan", "Shop", "c: Hallo zusammen, ist das Paket schon unterwegs?", "a: Guten Tag Herr Weber, ja, es kommt morgen.", "c: Alles klar, vielen Dank für die schnelle Hilfe!"),
			[]string{`Jan asked: "Hallo zusammen, ist das Paket schon unterwegs?"`,
				`Shop answered: "Guten Tag Herr Weber, ja, es kommt morgen."`,
				`: "Alles klar, vielen Dank für die schnelle Hilfe!"`}, nil},
		{"russian kept as written",
			session("Oleg", "Shop", "c: Hello, посылка пришла разбитой. Что мне делать?", "a: Hi Oleg, пришлите, пожалуйста, фото.", "c: Спасибо, отправил."),
			[]string{`Oleg asked: "Hello, посылка пришла разбитой. Что мне делать?"`, `Shop answered: "Hi Oleg, пришлите, пожалуйста, фото."`}, []string{"Посылка"}},
		{"arabic kept as written",
			session("Omar", "Shop", "c: مرحبا، هل الطلب رقم 1029 في الطريق؟", "a: Hi Omar, تم شحن طلبك اليوم."),
			[]string{`Omar asked: "مرحبا، هل الطلب رقم 1029 في الطريق؟"`, `Shop answered: "Hi Omar, تم شحن طلبك اليوم."`}, nil},
		{"spanish greeting sentence skipped, rest as written",
			session("Lucía", "Tienda", "c: ¿Tienen la mochila roja?", "a: ¡Hola Lucía! sí, nos queda una."),
			[]string{`Tienda answered: "sí, nos queda una."`}, []string{"¡Hola", `"Sí`}},
		{"consecutive messages quoted one by one",
			session("Ben", "Shop", "c: I bought shoes here last month", "c: can I still return them", "a: Yes, within 60 days."),
			[]string{`Ben wrote: "I bought shoes here last month" and "can I still return them".`}, []string{"month."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			for _, s := range tc.contains {
				if !strings.Contains(r.Summary, s) {
					t.Errorf("summary %q does not contain %q", r.Summary, s)
				}
			}
			for _, s := range tc.notIn {
				if strings.Contains(r.Summary, s) {
					t.Errorf("summary %q contains %q", r.Summary, s)
				}
			}
		})
	}
}

func TestBuiltinPairsAnswers(t *testing.T) {
	agentMedia := func(msgs []Message, at int) []Message {
		m := Message{At: msgs[at].At.Add(time.Minute), Author: "Shop", Role: chat.RoleAgent, Kind: chat.KindMedia, Body: "IMG-1.jpg"}
		return slices.Insert(msgs, at+1, m)
	}
	tests := []struct {
		name     string
		msgs     []Message
		contains []string
		notIn    []string
	}{
		{"second answer is not the answer to the first question",
			session("Zoe", "Shop",
				"c: Do you ship to Spain?",
				"a: Yes, we ship to all of Europe.",
				"c: How much does shipping cost?",
				"a: It costs 5 euros."),
			[]string{`Zoe asked: "Do you ship to Spain?" Shop answered: "Yes, we ship to all of Europe."`},
			[]string{`answered: "It costs 5 euros."`}},
		{"answer to a later request is not the answer",
			session("Alice", "Maria",
				"c: Is the blue teapot still in stock?",
				"a: Yes, we have 3 left in blue.",
				"c: Please keep one for me",
				"a: Done, it's reserved until Friday."),
			[]string{`Maria answered: "Yes, we have 3 left in blue."`, `Maria later wrote: "Done, it's reserved until Friday."`},
			[]string{`answered: "Done`}},
		{"no reply before the next question",
			session("Zoe", "Shop",
				"c: I ordered the large oak table with six chairs three weeks ago, when will it finally be delivered to my flat?",
				"c: Also, do you have the matching bench in stock?",
				"a: Yes, the bench is in stock."),
			[]string{`No reply came before Zoe's next question.`, `Shop later wrote: "Yes, the bench is in stock."`},
			[]string{`answered`}},
		{"attachment reply before the next question",
			agentMedia(session("Zoe", "Shop",
				"c: Can you send me a photo of the lamp?",
				"c: Is it the large one?",
				"a: Yes, the large one."), 0),
			[]string{`Zoe asked: "Can you send me a photo of the lamp?" Shop replied with 1 attachment.`},
			[]string{`answered`}},
		{"two questions in one turn share the answer",
			session("Zoe", "Shop",
				"c: Do you ship to Spain?",
				"c: And how much is shipping?",
				"a: Yes, 5 euros to Spain."),
			[]string{`Zoe asked: "Do you ship to Spain?" and "And how much is shipping?" Shop answered: "Yes, 5 euros to Spain."`}, nil},
		{"question back is not the answer",
			session("Greg", "Ana",
				"c: Where is my refund?",
				"a: Hello, can you give me your order number?",
				"c: 88123",
				"a: Your refund was sent yesterday."),
			[]string{`Ana answered: "Your refund was sent yesterday."`}, nil},
		{"apology and question back is not the answer",
			session("Priya", "Support",
				"c: Is the glass jug covered by the warranty?",
				"a: I'm sorry to hear that. Could you send a photo?",
				"c: Sent, it is cracked all along the side",
				"a: Yes, it is covered, a new jug ships tomorrow.",
				"c: Do you also sell spare lids?",
				"a: We do, 9 euros each."),
			[]string{`Support answered: "Yes, it is covered, a new jug ships tomorrow."`},
			[]string{`answered: "We do`, `answered: "I'm sorry`}},
		{"holding reply is not the answer",
			session("Pedro", "Financeiro",
				"c: Fui cobrado duas vezes, podem devolver?",
				"a: Vou verificar.",
				"a: O estorno foi solicitado."),
			[]string{`Financeiro answered: "O estorno foi solicitado."`}, nil},
		{"only a question back",
			session("Greg", "Ana",
				"c: Where is my refund?",
				"a: Can you give me your order number?",
				"c: Why do you need my order number?"),
			[]string{`Ana replied: "Can you give me your order number?"`, `Greg ended with: "Why do you need my order number?"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, tc.msgs)
			for _, s := range tc.contains {
				if !strings.Contains(r.Summary, s) {
					t.Errorf("summary %q does not contain %q", r.Summary, s)
				}
			}
			for _, s := range tc.notIn {
				if strings.Contains(r.Summary, s) {
					t.Errorf("summary %q contains %q", r.Summary, s)
				}
			}
		})
	}
}

// TestBuiltinCutsAtBoundaries checks that a long message is cut after a
// whole sentence (" …") when one ends past half the quote, else after a
// whole word ("…"), and never inside a word, in any script.
func TestBuiltinCutsAtBoundaries(t *testing.T) {
	tests := []struct {
		name, body   string
		wantSentence bool
	}{
		{"english sentences",
			"My order of the oak dining table never arrived, the tracking page says delivered. The carrier does not answer my calls at all. Where is it now?",
			true},
		{"english one sentence",
			"I ordered the large oak dining table with six matching chairs last month and the delivery company called me twice to reschedule, can you check where it is?",
			false},
		{"german",
			"Ich habe vor drei Wochen einen Eichentisch mit sechs passenden Stühlen bestellt, und laut Sendungsverfolgung wurde er zugestellt, aber hier ist nichts angekommen?",
			false},
		{"russian",
			"Здравствуйте, мой дубовый стол так и не приехал. Курьер дважды переносил доставку и не отвечает. Где мой заказ сейчас?",
			true},
		{"arabic",
			"مرحبا، طلبت طاولة طعام كبيرة من خشب البلوط مع ستة كراسي قبل ثلاثة أسابيع، وتقول صفحة التتبع إنها وصلت لكن لا يوجد شيء هنا، أين طلبي؟",
			false},
		{"long link first",
			"https://shop.example.com/orders/4512/tracking?carrier=dhl&session=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij this link shows delivered, where is my parcel?",
			false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := summarizeBuiltin(t, session("Kim", "Shop", "c: "+tc.body, "a: I will check with the carrier."))
			qs := quotesOf(r.Summary)
			if len(qs) == 0 {
				t.Fatalf("no quote in %q", r.Summary)
			}
			q := qs[0]
			var cut string
			var ok bool
			if tc.wantSentence {
				cut, ok = strings.CutSuffix(q, " …")
			} else {
				cut, ok = strings.CutSuffix(q, "…")
			}
			if !ok || strings.HasSuffix(cut, " ") {
				t.Fatalf("quote %q is not cut with %s", q, map[bool]string{true: `" …"`, false: `"…"`}[tc.wantSentence])
			}
			if !strings.HasPrefix(tc.body, cut) {
				t.Fatalf("quote %q is not the beginning of the message as written", q)
			}
			next := tc.body[len(cut):]
			switch {
			case tc.wantSentence:
				if !strings.ContainsAny(cut[len(cut)-1:], ".!?") || next[0] != ' ' {
					t.Errorf("quote %q does not end with a whole sentence", q)
				}
			case next[0] != ' ' && next[0] != ',':
				t.Errorf("quote %q is cut inside a word (%q follows)", q, next[:min(len(next), 10)])
			}
			if !strings.HasPrefix(tc.body, "https:") && (len(cut) > maxQuote || len(cut) < maxQuote/2) {
				t.Errorf("quote is %d bytes, want about %d", len(cut), maxQuote)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "hello  world\n again", 140, "hello world again"},
		{"unchanged", "Hi all, sorted!", 140, "Hi all, sorted!"},
		{"word boundary", "one two three four", 10, "one two…"},
		{"at a space", "one two three four", 7, "one two…"},
		{"comma at the cut", "one two, three four", 9, "one two…"},
		{"sentence boundary", "First sentence here. Second one is long enough to cut", 30, "First sentence here. …"},
		{"sentence too short to keep alone", "Hi. This is a long message that goes on", 20, "Hi. This is a long…"},
		{"long word kept whole", "abcdefghijklmnopqrstuvwxyz tail", 10, "abcdefghijklmnopqrstuvwxyz…"},
		{"one long word", "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghijklmnopqrstuvwxyz"},
		{"pasted blob", strings.Repeat("é", maxWord), 140, strings.Repeat("é", maxWord/2) + "…"},
		{"runes kept whole", "ééééé ééééé", 13, "ééééé…"},
		{"cyrillic", "Посылка пришла разбитой, что делать", 30, "Посылка пришла…"},
		{"cjk between characters", "日本語のテキストです", 10, "日本語…"},
		{"cjk sentence", "日本語のテキストです。次の文も長いです。", 40, "日本語のテキストです。…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := excerpt(tc.in, tc.max); got != tc.want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestGreetingEnd(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"greeting sentence", "Hi Alice! Yes, we have 3 left.", "Yes, we have 3 left."},
		{"two greeting sentences", "Hola. Buenas tardes. ¿Tienen mochilas?", "¿Tienen mochilas?"},
		{"greeting on its own line", "Guten Tag\nist das Paket unterwegs?", "ist das Paket unterwegs?"},
		{"greeting in the sentence", "Hi Maria, do you ship to Spain?", "Hi Maria, do you ship to Spain?"},
		{"all is not a greeting", "All sorted, case #1029.", "All sorted, case #1029."},
		{"all good is not a greeting", "All good! See you.", "All good! See you."},
		{"ok is not a greeting", "Ok. So the parcel is lost?", "Ok. So the parcel is lost?"},
		{"only a greeting", "Hello there!", "Hello there!"},
		{"greeting then thanks", "Hi! Thanks!", "Thanks!"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := excerpt(tc.in[greetingEnd(tc.in):], maxQuote); got != tc.want {
				t.Errorf("greeting skipped from %q: %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHasQuestionMark(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"latin", "is it in stock?", true},
		{"spanish", "¿Tienen mochilas", true},
		{"arabic", "هل الطلب في الطريق؟", true},
		{"full-width", "在庫はありますか？", true},
		{"none", "All sorted, case #1029.", false},
		{"look-alike bytes", "é ß ğ ÿ 语 ؛ ¡", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasQuestionMark(tc.in); got != tc.want || got != strings.ContainsAny(tc.in, questionMarks) {
				t.Errorf("hasQuestionMark(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
