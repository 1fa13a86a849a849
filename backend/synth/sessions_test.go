package synth

import "testing"

func TestSessionsAreDeterministic(t *testing.T) {
	a, b := Sessions(500, 4), Sessions(500, 4)
	for i := range a {
		if a[i].ID != int64(i+1) || a[i].ContactName != b[i].ContactName || a[i].Summary != b[i].Summary || a[i].Start != b[i].Start {
			t.Fatalf("doc %d differs or is out of order", i)
		}
		if i > 0 && a[i].Start < a[i-1].Start {
			t.Fatalf("doc %d starts before doc %d", i, i-1)
		}
		if a[i].Start < SessionsStart || a[i].Start > SessionsEnd {
			t.Fatalf("doc %d starts at %d, outside the five years", i, a[i].Start)
		}
	}
	if v := Vocabulary(); len(v) != VocabularySize {
		t.Errorf("vocabulary of %d words, want %d", len(v), VocabularySize)
	}
}
