package summarize

import (
	"context"
	"encoding/json"
	"errors"
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
			if r.Source != "builtin" || r.Model != "builtin" || r.Digest != "" || r.Prompt != PromptVersion {
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
		{"greeting inside the message", session("Rosa", "Shop", "c: Hi Maria, do you ship to Spain?", "a: We do."),
			`Rosa asked: "Do you ship to Spain?"`, []string{"Hi"}},
		{"german", session("Jan", "Shop", "c: Guten Tag!", "c: Hallo", "c: Ich möchte meine Bestellung stornieren", "a: Erledigt."),
			`Jan wrote: "Ich möchte meine Bestellung stornieren".`, []string{"Guten", "Hallo"}},
		{"thanks are not a request", session("Ana", "Shop", "c: obrigado!", "c: bonjour", "c: Quanto custa a entrega para Lisboa?", "a: 5 euros."),
			`Ana asked: "Quanto custa a entrega para Lisboa?"`, []string{"obrigado", "bonjour"}},
		{"question preferred", session("Ben", "Shop", "c: I bought shoes here last month", "c: Can I still return them?", "a: Yes, within 60 days."),
			`Ben asked: "I bought shoes here last month. Can I still return them?"`, nil},
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
	body := stripGreeting(long)
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
		if m.Role == chat.RoleCustomer && m.Kind == chat.KindText && strings.Contains(r.Summary, `"`+quote(m.Body, maxQuote)+`"`) {
			quoted = true
		}
	}
	if !quoted {
		t.Errorf("summary %q quotes no customer message", r.Summary)
	}
}
