package when

import (
	"strings"
	"unicode"
)

// A text is cut into numbers, separators and words. Folding first makes
// "Lunedì", "LUNEDI" and "lunedi" one word, "٢٥" the number 25, and "غداً"
// the same as "غدا", so that the word tables hold one spelling of each word.

// token is a number, a separator or a known word (or phrase) of the text.
type token struct {
	text   string // the folded word; empty for numbers and separators
	num    int    // the value of a number
	digits int    // how many digits the number has; 0 for anything else
	sym    rune   // one of / - . : , for a separator; 0 for anything else
	means  []entry
	spaced bool // something other than a token came just before it
}

// is reports whether the token is a word that can mean k.
func (t token) is(k kind) bool {
	_, ok := t.meaning(k)
	return ok
}

// meaning returns the value of the token's meaning of kind k.
func (t token) meaning(k kind) (int, bool) {
	for _, e := range t.means {
		if e.kind == k {
			return e.n, true
		}
	}
	return 0, false
}

// tokenize cuts text into tokens, joins known phrases ("dopo domani") into
// one, and drops words that carry no meaning ("il", "the"). An unknown word
// makes the whole text not understood: guessing around it could be wrong.
func tokenize(text string, lex index) ([]token, error) {
	toks := joinMeridiem(split(text))
	out := make([]token, 0, len(toks))
	dropped := false
	for i := 0; i < len(toks); {
		t := toks[i]
		t.spaced = t.spaced || dropped
		dropped = false
		if t.text == "" {
			out = append(out, t)
			i++
			continue
		}
		n, means := phrase(toks[i:], lex)
		if n == 0 {
			return nil, ErrNotUnderstood
		}
		i += n
		if allFiller(means) {
			dropped = true
			continue
		}
		t.means = means
		out = append(out, t)
	}
	return out, nil
}

// phrase finds the longest run of up to three words at the start of toks that
// the lexicon knows, and returns its length and meanings.
func phrase(toks []token, lex index) (int, []entry) {
	run := 0
	for run < len(toks) && run < 3 && toks[run].text != "" {
		run++
	}
	for n := run; n > 0; n-- {
		words := make([]string, n)
		for i := range n {
			words[i] = toks[i].text
		}
		if means := lookup(lex, strings.Join(words, " ")); len(means) > 0 {
			return n, means
		}
	}
	return 0, nil
}

// joinMeridiem turns "a.m." and "p.m." into the words "am" and "pm".
func joinMeridiem(toks []token) []token {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if (t.text == "a" || t.text == "p") && i+2 < len(toks) && toks[i+2].text == "m" &&
			toks[i+1].sym == '.' && !toks[i+1].spaced && !toks[i+2].spaced {
			t.text += "m"
			i += 2
			if i+1 < len(toks) && toks[i+1].sym == '.' && !toks[i+1].spaced {
				i++
			}
		}
		out = append(out, t)
	}
	return out
}

// split cuts folded text into numbers, words and separators.
func split(text string) []token {
	rs := []rune(text)
	var toks []token
	spaced := false
	for i := 0; i < len(rs); {
		r, c := classify(rs[i])
		switch {
		case c == cDigit:
			t := token{spaced: spaced}
			for ; i < len(rs); i++ {
				d, c := classify(rs[i])
				if c != cDigit {
					break
				}
				if t.digits < 9 { // larger numbers are never a date part
					t.num = t.num*10 + int(d-'0')
				}
				t.digits++
			}
			toks = append(toks, t)
		case c == cLetter:
			var w string
			w, i = word(rs, i)
			if ordinal(w) && len(toks) > 0 && toks[len(toks)-1].digits > 0 && !spaced {
				continue // "25th", "1er": the number is enough
			}
			toks = append(toks, token{text: w, spaced: spaced})
		case c == cAt:
			toks = append(toks, token{text: "@", spaced: spaced})
			i++
		case c == cSym && !(r == '-' && between(rs, i)):
			toks = append(toks, token{sym: r, spaced: spaced})
			i++
		default: // spaces, other symbols, and a hyphen inside "après-demain"
			spaced = true
			i++
			continue
		}
		spaced = false
	}
	return toks
}

// word reads the letters starting at rs[i]. An apostrophe splits Latin
// words ("l'11", "aujourd'hui") but not Ukrainian ones ("п'ятниця").
func word(rs []rune, i int) (string, int) {
	var b strings.Builder
	for ; i < len(rs); i++ {
		l, c := classify(rs[i])
		if c == cMark || (c == cApostrophe && b.Len() > 0 && between(rs, i) && unicode.Is(unicode.Cyrillic, rs[i-1])) {
			continue
		}
		if c != cLetter {
			break
		}
		b.WriteRune(l)
	}
	return b.String(), i
}

// between reports whether rs[i] has a letter on both sides.
func between(rs []rune, i int) bool {
	return i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1])
}

// ordinal reports whether w is a suffix that makes a number ordinal.
func ordinal(w string) bool {
	switch w {
	case "st", "nd", "rd", "th", "er", "eme":
		return true
	}
	return false
}

// class is what a character is to the tokenizer.
type class uint8

const (
	cSpace      class = iota // anything that separates tokens and means nothing
	cDigit                   // a digit in any script, folded to 0-9
	cLetter                  // a letter, folded
	cSym                     // a separator that can be part of a date or time
	cAt                      // "@", a word of its own
	cMark                    // an accent or vowel sign: ignored
	cApostrophe              // joins Ukrainian words, splits others
)

// classify folds r and tells what it is.
func classify(r rune) (rune, class) {
	if d, ok := digit(r); ok {
		return d, cDigit
	}
	switch r {
	case '/', '\\':
		return '/', cSym
	case '-', '‐', '–', '—', '−':
		return '-', cSym
	case '.', '٫':
		return '.', cSym
	case ':':
		return ':', cSym
	case ',', '،', '٬':
		return ',', cSym
	case '@':
		return '@', cAt
	case '\'', '’', '‘', 'ʼ', '`', '´':
		return r, cApostrophe
	case 'ـ', '°', 'º', 'ª': // Arabic stretching, "1º"
		return r, cMark
	}
	if unicode.Is(unicode.Mn, r) {
		return r, cMark
	}
	if !unicode.IsLetter(r) {
		return r, cSpace
	}
	return foldLetter(unicode.ToLower(r)), cLetter
}

// digit folds a decimal digit of the scripts Nido's users type in.
func digit(r rune) (rune, bool) {
	// ASCII, Arabic-Indic, Persian and Urdu, Devanagari, Bengali, fullwidth.
	for _, zero := range [...]rune{'0', '٠', '۰', '०', '০', '０'} {
		if r >= zero && r <= zero+9 {
			return '0' + r - zero, true
		}
	}
	return 0, false
}

// foldLetter removes accents from Latin letters and writes Arabic letters
// the way the word tables do.
func foldLetter(r rune) rune {
	if r < 0xC0 {
		return r
	}
	for _, f := range [...]struct {
		from string
		to   rune
	}{
		{"àáâãäåāăą", 'a'}, {"çćč", 'c'}, {"èéêëēėęě", 'e'}, {"ìíîïīį", 'i'},
		{"ñń", 'n'}, {"òóôõöøō", 'o'}, {"șşśš", 's'}, {"țţ", 't'},
		{"ùúûüūů", 'u'}, {"ýÿ", 'y'}, {"أإآٱ", 'ا'}, {"ة", 'ه'}, {"ى", 'ي'},
	} {
		if strings.ContainsRune(f.from, r) {
			return f.to
		}
	}
	return r
}
