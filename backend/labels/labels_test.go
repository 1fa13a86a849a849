package labels

import (
	"errors"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"München", "munchen"},
		{"MÜNCHEN", "munchen"},
		{"Mu\u0308nchen", "munchen"}, // decomposed, as macOS writes it
		{"  Café ", "cafe"},
		{"CAFÉ", "cafe"},
		{"Straße", "strasse"},
		{"Ærøskøbing", "aeroskobing"},
		{"ÄRGER", "arger"},
		{"vip", "vip"},
		{"Łódź", "lodz"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColor(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"#2F6FDE", "#2f6fde", true},
		{" #00aa00 ", "#00aa00", true},
		{"2f6fde", "", false},
		{"#2f6fd", "", false},
		{"#2f6fdg", "", false},
		{"red", "", false},
	}
	for _, tt := range tests {
		got, err := Color(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Color(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Color(%q) error %v is not ErrInvalid", tt.in, err)
		}
	}
	if DefaultColor(0) == DefaultColor(1) || DefaultColor(len(Palette)) != DefaultColor(0) {
		t.Fatal("the palette does not go round in turn")
	}
	for _, c := range Palette {
		if got, err := Color(c); err != nil || got != c {
			t.Errorf("palette colour %q is not a valid lowercase #rrggbb", c)
		}
	}
}

func TestValue(t *testing.T) {
	choices := []string{"Gold", "Silber", "Café"}
	tests := []struct {
		typ, in, want string
		ok            bool
	}{
		{TypeText, "  Köln ", "Köln", true},
		{TypeText, "", "", true},
		{TypeNumber, "42", "42", true},
		{TypeNumber, "-3.5", "-3.5", true},
		{TypeNumber, "1e3", "1e3", true},
		{TypeNumber, "lots", "", false},
		{TypeNumber, "4,5", "", false},
		{TypeDate, "2024-03-14", "2024-03-14", true},
		{TypeDate, "2024-02-30", "", false},
		{TypeDate, "14.03.2024", "", false},
		{TypeChoice, "gold", "Gold", true},
		{TypeChoice, "SILBER", "Silber", true},
		{TypeChoice, "cafe", "Café", true},
		{TypeChoice, "bronze", "", false},
		{TypeChoice, "", "", true},
	}
	for _, tt := range tests {
		got, err := Value(tt.typ, choices, tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Value(%s, %q) = %q, %v; want %q ok=%v", tt.typ, tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNamesKeysTypesChoices(t *testing.T) {
	okNames := []string{"vip", "VIP-Kunde", "Ärger", "🎁 gift"}
	for _, n := range okNames {
		if _, err := Name("label", n); err != nil {
			t.Errorf("Name(%q): %v", n, err)
		}
	}
	for _, n := range []string{"", "  ", "a,b", "tab\there", string(make([]byte, 65))} {
		if _, err := Name("label", n); !errors.Is(err, ErrInvalid) {
			t.Errorf("Name(%q) = %v, want ErrInvalid", n, err)
		}
	}
	for _, k := range []string{"city", "order_id", "a.b-c", "X1"} {
		if _, err := Key(k); err != nil {
			t.Errorf("Key(%q): %v", k, err)
		}
	}
	for _, k := range []string{"", "two words", "city=x", "k:v", "stadt-ü"} {
		if _, err := Key(k); !errors.Is(err, ErrInvalid) {
			t.Errorf("Key(%q) = %v, want ErrInvalid", k, err)
		}
	}
	if typ, err := Type(""); err != nil || typ != TypeText {
		t.Errorf("Type(\"\") = %q, %v; want text", typ, err)
	}
	if _, err := Type("colour"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Type(colour) = %v", err)
	}
	if c, err := Choices(TypeChoice, []string{" a ", "", "b"}); err != nil || len(c) != 2 || c[0] != "a" {
		t.Errorf("Choices = %q, %v", c, err)
	}
	for _, bad := range [][]string{nil, {"Café", "CAFE"}} {
		if _, err := Choices(TypeChoice, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("Choices(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := Choices(TypeText, []string{"a"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("choices on a text field accepted")
	}
}
