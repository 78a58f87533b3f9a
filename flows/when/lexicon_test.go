package when

import (
	"strings"
	"testing"
)

// TestLexiconSpelling checks that every word is written as the tokenizer
// folds it; a word with an accent or a capital could never be matched.
func TestLexiconSpelling(t *testing.T) {
	for _, lang := range []string{"it", "fr", "es", "ro", "uk", "ar"} {
		for _, e := range lexicon(lang) {
			var got []string
			for _, tok := range split(e.word) {
				got = append(got, tok.text)
			}
			if strings.Join(got, " ") != e.word {
				t.Errorf("%s: %q is read as %q", lang, e.word, got)
			}
		}
	}
}

// TestLexiconMeanings checks that no word means two different things in one
// language set, except the pairs the rules know how to choose between.
func TestLexiconMeanings(t *testing.T) {
	allowed := map[[2]kind]bool{
		{kWeekday, kMonth}: true, // "mar": Tuesday at 10, or 10 March
		{kRel, kMorning}:   true, // "stamattina"
		{kRel, kEvening}:   true, // "stasera", "tonight"
		{kFiller, kAt}:     true, // "la": Italian article, Spanish and Romanian "at"
	}
	for _, lang := range []string{"it", "en", "fr", "es", "ro", "uk", "ar"} {
		byWord := map[string][]entry{}
		for _, e := range lexicon(lang) {
			byWord[e.word] = append(byWord[e.word], e)
		}
		for w, es := range byWord {
			for _, a := range es {
				for _, b := range es {
					if a.kind == b.kind && a.n != b.n || a.kind < b.kind && !allowed[[2]kind{a.kind, b.kind}] {
						t.Errorf("%s: %q means %v and %v", lang, w, a, b)
					}
				}
			}
		}
	}
}

// TestLexiconLanguages checks that every language's own words are read, and
// only for people who speak it.
func TestLexiconLanguages(t *testing.T) {
	now := at(t, monday)
	for _, c := range []struct{ lang, text string }{
		{"fr", "demain"}, {"es", "manana"}, {"ro", "maine"}, {"uk", "завтра"}, {"ar", "غدا"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			if r, err := Parse(c.text, c.lang, now); err != nil || r != day(2026, 11, 24) {
				t.Errorf("Parse(%q, %q) = %+v, %v", c.text, c.lang, r, err)
			}
			if _, err := Parse(c.text, "it", now); err == nil {
				t.Errorf("Parse(%q, it) understood a word of %s", c.text, c.lang)
			}
		})
	}
}
