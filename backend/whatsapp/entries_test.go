package whatsapp

import (
	"strings"
	"testing"
	"testing/fstest"
)

// testMatcher compiles a table given as text (the locales/ format).
func testMatcher(t *testing.T, table string) *entryMatcher {
	t.Helper()
	m, err := compileTables(fstest.MapFS{"t/xx.tsv": {Data: []byte(table)}}, "t")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return m
}

func TestPatternMatch(t *testing.T) {
	m := testMatcher(t, strings.Join([]string{
		"security\tYour security code with {} changed. Tap to learn more.\tsrc",
		"security\t{}'s security code changed.\tsrc",
		"group\t{} added {}\tsrc",
		"group\t{} changed the subject from \u201c{}\u201d to \u201c{}\u201d\tsrc",
		"group\t{} left\tsrc",
		"call\tMissed voice call\tsrc",
		"media\t<Media omitted>\tsrc",
		"document\t{} document omitted\tsrc",
		"attached\t<attached: {}>\tsrc",
		"attached\t{} (file attached)\tsrc",
		"location\tLocation: {}\tsrc",
		"deleted\t\u3053\u306e\u30e1\u30c3\u30bb\u30fc\u30b8\u306f\u524a\u9664\u3055\u308c\u307e\u3057\u305f\u3002\tsrc",
		"edited\t<This message was edited>\tsrc",
	}, "\n"))
	tests := []struct {
		name    string
		text    string
		notices bool
		want    string // the matched pattern's class label, "" for none
		capture string // the last wildcard's normalised text
	}{
		{"exact, case and final period ignored", "MISSED VOICE CALL.", false, "xx call", ""},
		{"exact with marks and NBSP", "\u200eMissed\u00a0voice call", false, "xx call", ""},
		{"prefix pattern, curly apostrophe", "Your security code with Elon changed. Tap to learn more.", true, "xx security", "elon"},
		{"suffix pattern", "Andreas H.\u2019s security code changed.", true, "xx security", "andreas h."},
		{"infix notice needs the mark", "Alice added Bob", false, "", ""},
		{"infix notice with the mark", "Alice added Bob", true, "xx group", "bob"},
		{"quoted subject, straight quotes in the text", `Bob changed the subject from "A: B" to "C"`, true, "xx group", "c"},
		{"a person's sentence is no notice", "I think he left", false, "", ""},
		{"a wildcard takes at least one character", " left", true, "", ""},
		{"media placeholder", "<media omitted>", false, "xx media", ""},
		{"document", "Resume.pdf \u2022 2 pages \u200edocument omitted", false, "xx document", "resume.pdf \u2022 2 pages"},
		{"attached iOS", "<attached: 00000035-PHOTO-2022-03-27.jpg>", false, "xx attached", "00000035-photo-2022-03-27.jpg"},
		{"attached Android", "IMG-1.jpg (file attached)", false, "xx attached", "img-1.jpg"},
		{"location", "Location: https://maps.google.com/?q=1,2", false, "xx location", "https://maps.google.com/?q=1,2"},
		{"full-width period ignored", "\u3053\u306e\u30e1\u30c3\u30bb\u30fc\u30b8\u306f\u524a\u9664\u3055\u308c\u307e\u3057\u305f", false, "xx deleted", ""},
		{"plain text", "hello there", true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nb normBuf
			nb.run([]byte(tt.text), true, true, false)
			p, sp := m.find(nb.out, matchOpts{notices: tt.notices})
			got := ""
			if p != nil {
				got = p.label
			}
			if got != tt.want {
				t.Fatalf("find(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if tt.capture != "" {
				if c := string(nb.out[sp.lastStart:sp.lastEnd]); c != tt.capture {
					t.Errorf("capture = %q, want %q", c, tt.capture)
				}
			}
		})
	}
	if !m.edited["this message was edited"] {
		t.Errorf("edited markers = %v", m.edited)
	}
}

func TestRawSpans(t *testing.T) {
	in := []byte("\u200eResume \u201cFinal\u201d.PDF \u2022 2 pages document omitted")
	var nb normBuf
	nb.run(in, true, true, true)
	if len(nb.start) != len(nb.out) || len(nb.end) != len(nb.out) {
		t.Fatalf("offsets %d/%d for %d bytes", len(nb.start), len(nb.end), len(nb.out))
	}
	if got := string(nb.raw(in, 0, len(`resume "final".pdf`))); got != "Resume \u201cFinal\u201d.PDF" {
		t.Errorf("raw = %q", got)
	}
}

func TestTableErrors(t *testing.T) {
	tests := []struct {
		name, table, want string
	}{
		{"unknown class", "weird\tx\tsrc", "unknown class"},
		{"no source", "media\tx", "no source"},
		{"two wildcards together", "group\t{} {} x\tsrc", "two wildcards"},
		{"only a wildcard", "group\t{}\tsrc", "no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileTables(fstest.MapFS{"t/xx.tsv": {Data: []byte(tt.table)}}, "t")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "xx.tsv line 1") {
				t.Errorf("err = %v, want %q with the file and line", err, tt.want)
			}
		})
	}
}

// TestEmbeddedTables checks that every shipped table compiles and that the
// languages the issue names are there with every class.
func TestEmbeddedTables(t *testing.T) {
	m, err := compileTables(localeFiles, "locales")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.langs) < 40 {
		t.Errorf("%d languages, want every language WhatsApp ships (≥ 40): %v", len(m.langs), m.langs)
	}
}

// FuzzRawKeys checks that the keys mayMatch reads from a raw text are the
// keys of its normalised form, so the prefilter never rules out a text that
// a pattern matches, and that normalising with offsets stays in bounds.
func FuzzRawKeys(f *testing.F) {
	for _, s := range []string{"Missed voice call.", "\u200e<attached: x.jpg>", "  a  b ", "«x»", "a.", "Ab", "\u200fموقع: https://x", "~\u202fNisha", "x\u00a0\u00a0y!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var nb normBuf
		nb.run([]byte(s), true, true, true)
		raw, norm := endsOf([]byte(s)), endsOf(nb.out)
		// The raw ends are the normalised text's ends, except in a text
		// shorter than keyRunes, where trimming its end also shortens its
		// head: then only the runes the normalised text has must agree.
		for n := 1; n <= keyRunes; n++ {
			if k := norm.headKey(n); k != 0 && raw.headKey(n) != k {
				t.Errorf("head key %d of %q differs from that of normalised %q", n, s, nb.out)
			}
			if k := norm.tailKey(n); k != 0 && raw.tailKey(n) != k {
				t.Errorf("tail key %d of %q differs from that of normalised %q", n, s, nb.out)
			}
		}
		if len(nb.start) != len(nb.out) || len(nb.end) != len(nb.out) {
			t.Fatalf("offsets %d/%d for %d bytes", len(nb.start), len(nb.end), len(nb.out))
		}
		for i := range nb.out {
			if nb.start[i] < 0 || nb.end[i] > int32(len(s)) || nb.start[i] > nb.end[i] {
				t.Fatalf("offset %d: %d..%d of %d", i, nb.start[i], nb.end[i], len(s))
			}
		}
	})
}
