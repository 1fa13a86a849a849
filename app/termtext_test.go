package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTermEscape(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line      string // termLine's output
		text      string // termText's output
		unchanged bool   // both must return in itself
	}{
		{name: "plain", in: "Hola, ¿qué tal? 🙏", line: "Hola, ¿qué tal? 🙏", text: "Hola, ¿qué tal? 🙏", unchanged: true},
		{name: "arabic and hebrew text stay", in: "مرحبا שלום", line: "مرحبا שלום", text: "مرحبا שלום", unchanged: true},
		{name: "empty", in: "", line: "", text: "", unchanged: true},
		{name: "title set by OSC 0", in: "\x1b]0;pwned\x07hi", line: `\x1b]0;pwned\x07hi`, text: `\x1b]0;pwned\x07hi`},
		{name: "colour by CSI", in: "\x1b[31mred\x1b[0m", line: `\x1b[31mred\x1b[0m`, text: `\x1b[31mred\x1b[0m`},
		{name: "OSC 8 link", in: "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", line: `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`, text: `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{name: "newline and tab kept in text only", in: "a\nb\tc", line: `a\x0ab\x09c`, text: "a\nb\tc"},
		{name: "carriage return overwrites the line", in: "ok\rEVIL", line: `ok\x0dEVIL`, text: `ok\x0dEVIL`},
		{name: "backspace and bell", in: "a\bb\a", line: `a\x08b\x07`, text: `a\x08b\x07`},
		{name: "DEL", in: "a\x7fb", line: `a\x7fb`, text: `a\x7fb`},
		{name: "C1 CSI as a character", in: "a\u009b31mb", line: `a\u009b31mb`, text: `a\u009b31mb`},
		{name: "C1 NEL and ST", in: "\u0085\u009c", line: `\u0085\u009c`, text: `\u0085\u009c`},
		{name: "raw 8-bit CSI byte", in: "a\x9b31mb", line: `a\x9b31mb`, text: `a\x9b31mb`},
		{name: "right-to-left override", in: "Bob\u202eevil", line: `Bob\u202eevil`, text: `Bob\u202eevil`},
		{name: "every embedding and override", in: "\u202a\u202b\u202c\u202d", line: `\u202a\u202b\u202c\u202d`, text: `\u202a\u202b\u202c\u202d`},
		{name: "isolates", in: "\u2066\u2067\u2068\u2069", line: `\u2066\u2067\u2068\u2069`, text: `\u2066\u2067\u2068\u2069`},
		{name: "line separator", in: "a\u2028b", line: `a\u2028b`, text: `a\u2028b`},
		{name: "marks that do not reorder stay", in: "a\u200eb\u200fc", line: "a\u200eb\u200fc", text: "a\u200eb\u200fc", unchanged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := termLine(tt.in); got != tt.line {
				t.Errorf("termLine(%q) = %q, want %q", tt.in, got, tt.line)
			}
			if got := termText(tt.in); got != tt.text {
				t.Errorf("termText(%q) = %q, want %q", tt.in, got, tt.text)
			}
			for _, out := range []string{termLine(tt.in), termText(tt.in)} {
				if strings.ContainsFunc(out, func(r rune) bool { return termUnsafe(r, true) }) {
					t.Errorf("output %q still holds a control character", out)
				}
			}
			if tt.unchanged != (termLine(tt.in) == tt.in && termText(tt.in) == tt.in) {
				t.Errorf("unchanged = %v, but output differs as %q / %q", tt.unchanged, termLine(tt.in), termText(tt.in))
			}
		})
	}
}

// TestShowAndListEscapeTerminalControls imports a chat whose bodies, author
// names and file name (the contact) carry terminal escapes, and checks that
// the text output of show and list hands no ESC to the terminal while the
// JSON output keeps the text as it was.
func TestShowAndListEscapeTerminalControls(t *testing.T) {
	data := t.TempDir()
	chat := "14/03/2024, 09:02 - Eve\x1b]0;pwned\x07 Bad: Hi \x1b]0;pwned\x07 there \x1b[31mred\u202e\n" +
		"second line \x1b[0m\n" +
		"14/03/2024, 09:05 - Shop \x1b[31mAgent: Hello \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\n"
	file := filepath.Join(t.TempDir(), "WhatsApp Chat with Eve\x1b]0;pwned\x07 Bad.txt")
	if err := os.WriteFile(file, []byte(chat), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", file); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	code, jsonOut, errOut := run(t, "--data", data, "show", "--json", "1")
	if code != 0 || !strings.Contains(jsonOut, `\u001b]0;pwned`) {
		// The check below is only worth something if the escapes reached
		// the database; JSON shows them as \u001b.
		t.Fatalf("show --json: exit %d, stderr %s; want the ESC kept in the data:\n%s", code, errOut, jsonOut)
	}
	for _, args := range [][]string{{"show", "1"}, {"list"}, {"list", "--q", "Eve"}} {
		code, out, errOut := run(t, append([]string{"--data", data}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if i := strings.IndexAny(out, "\x1b\x07\u202e"); i >= 0 {
			t.Fatalf("%v output holds a control character at %d:\n%q", args, i, out)
		}
		if !strings.Contains(out, `Eve\x1b]0;pwned\x07 Bad`) {
			t.Fatalf("%v output should show the escape visibly:\n%s", args, out)
		}
	}
	_, out, _ := run(t, "--data", data, "show", "1")
	// The WhatsApp reader drops control characters from author names
	// itself; the contact name, from the file name, keeps them.
	for _, want := range []string{"Shop [31mAgent (agent)", `red\u202e`, "\n    second line \\x1b[0m", `\x1b]8;;http://evil.example\x1b\link`} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}
