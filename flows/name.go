package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A person's name, as an inviter types it (after /invite or at the name
// question) or as Telegram gives it at sign-up. Names are shown in lists and
// in other people's messages: they must be one short line.

// maxName is the longest name, in characters: enough for a first name and a
// surname, short enough for a list or a button.
const maxName = 40

// personName cleans a name as typed: line breaks, tabs, other control
// characters, the marks that change the direction of the text around them,
// and runs of spaces all become one space, and the ends are trimmed. ok is
// false when nothing is left or the name is longer than maxName: the one
// who typed it is asked again, and nothing is kept.
func personName(raw string) (name string, ok bool) {
	name = strings.Join(strings.FieldsFunc(raw, nameBreak), " ")
	n := utf8.RuneCountInString(name)
	return name, n > 0 && n <= maxName
}

// nameBreak tells the characters that end a word of a name.
func nameBreak(r rune) bool {
	switch {
	case unicode.IsSpace(r), unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		// Embeddings, overrides and isolates would turn the rest of the
		// message they are shown in around.
		return true
	}
	return false
}

// cleanName is personName for a name nobody can be asked again for
// (Telegram's first name at sign-up): one too long is cut, and an empty
// one is a dash.
func cleanName(raw string) string {
	name, _ := personName(raw)
	if r := []rune(name); len(r) > maxName {
		name = strings.TrimSpace(string(r[:maxName]))
	}
	if name == "" {
		return "—"
	}
	return name
}
