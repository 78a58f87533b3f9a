package when

import (
	"slices"
	"testing"
)

// The index built once finds, for every language and every word, exactly
// the meanings a scan of the lexicon finds, in the same order.
func TestIndexFindsWhatTheLexiconHas(t *testing.T) {
	for _, lang := range []string{"it", "en", "pt-BR", "fr", "es-419", "ro", "uk", "ar", "zz"} {
		lex := lexicon(lang)
		ix := indexFor(lang)
		words := 0
		for _, e := range lex {
			var want []entry
			for _, f := range lex {
				if f.word == e.word {
					want = append(want, f)
				}
			}
			if got := lookup(ix, e.word); !slices.Equal(got, want) {
				t.Errorf("%s %q: index %v, lexicon %v", lang, e.word, got, want)
			}
		}
		for range ix {
			words++
		}
		seen := map[string]bool{}
		for _, e := range lex {
			seen[e.word] = true
		}
		if words != len(seen) {
			t.Errorf("%s: index has %d words, lexicon %d", lang, words, len(seen))
		}
	}
}
