package summarize

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBuiltin feeds arbitrary bodies to the built-in summarizer: it must
// not panic, keep Score in -1..1, name a known sentiment, and write valid
// UTF-8.
func FuzzBuiltin(f *testing.F) {
	for _, s := range []string{
		"Hi! Is the blue teapot still in stock?|Yes.|Thanks!",
		"n'est pas|don't|@\u2068Person 2\u2069 hi|:'(|<3",
		"Hallo Herr Weber,|funktioniert nicht|😡😡",
		"||   |\n\n|…",
		strings.Repeat("é", 300) + "|" + strings.Repeat("word ", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var lines []string
		for i, body := range strings.Split(s, "|") {
			who := []string{"c", "a", "c", "b", "s", "m"}[i%6]
			lines = append(lines, who+": "+body)
		}
		r, err := Builtin{}.Summarize(context.Background(), session("Customer", "Agent", lines...))
		if err != nil {
			t.Fatal(err)
		}
		if r.Score < -1 || r.Score > 1 {
			t.Errorf("score %f", r.Score)
		}
		switch r.Sentiment {
		case SentimentPositive, SentimentNeutral, SentimentNegative:
		default:
			t.Errorf("sentiment %q", r.Sentiment)
		}
		if utf8.ValidString(s) && !utf8.ValidString(r.Summary) {
			t.Errorf("summary is not UTF-8: %q", r.Summary)
		}
		if r.Summary == "" {
			t.Error("empty summary")
		}
	})
}
