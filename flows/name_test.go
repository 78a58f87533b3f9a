package flows

import (
	"strings"
	"testing"
)

func TestPersonName(t *testing.T) {
	for _, c := range []struct {
		name, raw, want string
		ok              bool
	}{
		{"as typed", "Anna", "Anna", true},
		{"a line break", "Anna\nRossi", "Anna Rossi", true},
		{"tabs and runs of spaces", "  Anna \t\r\n  Rossi  ", "Anna Rossi", true},
		{"control characters", "Anna\x00\x07Rossi", "Anna Rossi", true},
		{"a direction override", "Anna\u202eissoR", "Anna issoR", true},
		{"Arabic", "أمينة", "أمينة", true},
		{"forty characters", strings.Repeat("é", 40), strings.Repeat("é", 40), true},
		{"forty-one characters", strings.Repeat("é", 41), strings.Repeat("é", 41), false},
		{"spaces do not count", "Anna" + strings.Repeat(" ", 100) + "Rossi", "Anna Rossi", true},
		{"306 characters", strings.Repeat("Maria ", 51), strings.TrimSpace(strings.Repeat("Maria ", 51)), false},
		{"only spaces", " \n\t ", "", false},
		{"empty", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := personName(c.raw)
			if got != c.want || ok != c.ok {
				t.Errorf("personName(%q) = %q, %v; want %q, %v", c.raw, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestCleanNameCutsWhatCannotBeAskedAgain(t *testing.T) {
	for raw, want := range map[string]string{
		"Amina":                  "Amina",
		"Amina\nB":               "Amina B",
		strings.Repeat("x", 64):  strings.Repeat("x", 40),
		strings.Repeat("x ", 30): strings.TrimSpace(strings.Repeat("x ", 20)),
		"":                       "—",
		" \n ":                   "—",
	} {
		if got := cleanName(raw); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", raw, got, want)
		}
	}
}
