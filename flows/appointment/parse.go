package appointment

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"nido/flows"
	"nido/flows/when"
)

// The pure parts of making an appointment: reading the /appointment
// shortcut, recognising a kind in what people type, finding a mother by the
// name staff type, and the days and times offered as buttons. Nothing here
// does I/O; the conversation in new.go and steps.go
// uses it.

// shortcut is what "/appointment 25/02/2027 09:30 Pediatra" says.
type shortcut struct {
	Date when.Result
	// Kind is "" when nothing follows the date.
	Kind  string
	Title string
	Note  string
}

// parseShortcut reads a date (and usually a time) at the start of text and
// the kind of appointment after it (see flows.DateAtStart).
func parseShortcut(text, lang string, now time.Time) (shortcut, error) {
	r, rest, err := flows.DateAtStart(text, lang, now)
	if err != nil {
		return shortcut{}, err
	}
	sc := shortcut{Date: r}
	if rest != "" {
		sc.Kind, sc.Title, sc.Note = kindAndNote(rest)
	}
	return sc, nil
}

// kindKeywords are the starts of words that name a kind, in the languages
// people write in. The order matters: "centro per l'impiego" is a job centre
// before "colloquio" makes it an interview.
func kindKeywords() [][2]string {
	return [][2]string{
		{"jobcentre", "centro per l'impiego"}, {"jobcentre", "centro impiego"}, {"jobcentre", "cpi"},
		{"jobcentre", "job centre"}, {"jobcentre", "jobcentre"}, {"jobcentre", "job center"},
		{"paediatrician", "pediatr"}, {"paediatrician", "paediatr"}, {"paediatrician", "pédiatr"},
		{"consultorio", "consultorio"}, {"consultorio", "counselling"}, {"consultorio", "ginecolog"},
		{"social", "assistente sociale"}, {"social", "servizi sociali"}, {"social", "servizio sociale"},
		{"social", "social"}, {"social", "sociale"},
		{"school", "scuola"}, {"school", "asilo"}, {"school", "nido"}, {"school", "iscrizion"},
		{"school", "school"}, {"school", "nursery"}, {"school", "enrol"}, {"school", "école"}, {"school", "escuela"},
		{"interview", "colloquio"}, {"interview", "interview"}, {"interview", "entretien"}, {"interview", "entrevista"},
		{"house", "casa"}, {"house", "appartamento"}, {"house", "house"}, {"house", "flat"}, {"house", "viewing"},
		{"lawyer", "avvocat"}, {"lawyer", "lawyer"}, {"lawyer", "legale"}, {"lawyer", "avocat"}, {"lawyer", "abogad"},
		{"court", "tribunale"}, {"court", "udienza"}, {"court", "court"}, {"court", "hearing"}, {"court", "giudice"},
	}
}

// kindOf finds the kind text names, "" when none.
func kindOf(text string) string {
	t := " " + strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ") + " "
	for _, kw := range kindKeywords() {
		if strings.Contains(t, " "+kw[1]) {
			return kw[0]
		}
	}
	return ""
}

// maxTitle is the longest title of an "other" appointment, in characters:
// a few words, which a reminder shows as its name.
const maxTitle = 60

// kindAndNote turns typed text into a kind, a title and a note. The note
// keeps only what the kind alone would lose ("Pediatra dott. Rossi" is the
// paediatrician with the note "dott. Rossi"; "Colloquio di lavoro" has
// none). An unknown kind is "other" with the text as its title, or, when
// the text is too long for a title, as its note: the title is asked then.
func kindAndNote(text string) (kind, title, note string) {
	text = oneLine(text)
	kind = kindOf(text)
	switch {
	case kind != "":
		return kind, "", withoutKindWords(text, kind)
	case utf8.RuneCountInString(text) > maxTitle:
		return "other", "", text
	}
	return "other", text, ""
}

// oneLine keeps one line of printable text, its spaces single.
func oneLine(s string) string { return strings.Join(strings.Fields(flows.CleanLine(s)), " ") }

// withoutKindWords drops the words at the start of text that only name
// kind, or join such words ("Colloquio di lavoro Hotel Roma" leaves
// "Hotel Roma"), so that the kind is not said twice.
func withoutKindWords(text, kind string) string {
	words := strings.Fields(text)
	for len(words) > 0 && namesKind(words[0], kind) {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// namesKind reports whether word is part of a name of kind ("assistente"
// of "assistente sociale") or a word that joins them ("di", "lavoro").
func namesKind(word, kind string) bool {
	w := strings.ToLower(strings.Trim(word, ".,;:!?()\"'«»-–—"))
	if w == "" || slices.Contains(joiningWords(), w) {
		return true
	}
	for _, kw := range kindKeywords() {
		if kw[0] != kind {
			continue
		}
		for _, part := range strings.Fields(kw[1]) {
			if strings.HasPrefix(w, part) {
				return true
			}
		}
	}
	return false
}

// joiningWords say nothing next to the name of a kind: "colloquio di
// lavoro", "visita pediatrica", "rendez-vous chez le pédiatre".
func joiningWords() []string {
	return []string{"di", "de", "del", "della", "dal", "dalla", "da", "al", "alla", "a", "con", "il", "la", "lo", "le",
		"the", "at", "with", "of", "for", "du", "des", "chez", "el", "en", "lavoro", "travail", "trabajo", "job", "work",
		"visita", "appuntamento", "appointment", "rendez-vous", "rdv", "cita", "visit", "visite"}
}

// matchMother finds the mother whose name starts text, longest name first,
// ignoring case; rest is what follows the name. ok is false when no name or
// two mothers with the same name match.
func matchMother(mothers []flows.Person, text string) (m flows.Person, rest string, ok bool) {
	text = strings.TrimSpace(text)
	best, count := "", 0
	for _, p := range mothers {
		name := strings.TrimSpace(p.Name)
		if name == "" || len(text) < len(name) || !strings.EqualFold(text[:len(name)], name) {
			continue
		}
		if len(text) > len(name) && text[len(name)] != ' ' {
			continue // "Ann" must not match "Anna"
		}
		switch {
		case len(name) > len(best):
			best, count, m = name, 1, p
		case len(name) == len(best):
			count++
		}
	}
	if count != 1 {
		return flows.Person{}, "", false
	}
	return m, strings.TrimSpace(text[len(best):]), true
}
