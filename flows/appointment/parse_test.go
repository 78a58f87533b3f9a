package appointment

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nido/flows"
	"nido/flows/when"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseShortcut(t *testing.T) {
	loc := rome(t)
	now := time.Date(2027, 2, 20, 10, 0, 0, 0, loc) // a Saturday
	tests := []struct {
		name, text  string
		day         string
		hasTime     bool
		clock       string
		kind, title string
		note        string
		wantErr     error
	}{
		{name: "date time kind", text: "25/02/2027 09:30 Pediatra", day: "20270225", hasTime: true, clock: "0930",
			kind: "paediatrician"},
		{name: "kind with more words keeps what the kind does not say", text: "domani alle 10 colloquio di lavoro da Rossi",
			day: "20270221", hasTime: true, clock: "1000", kind: "interview", note: "Rossi"},
		{name: "unknown kind is other, titled", text: "25/02/2027 9:30 dentista", day: "20270225", hasTime: true,
			clock: "0930", kind: "other", title: "dentista"},
		{name: "date only", text: "lunedì consultorio", day: "20270222", kind: "consultorio"},
		{name: "nothing after the date", text: "25/02 15:00", day: "20270225", hasTime: true, clock: "1500"},
		{name: "english", text: "tomorrow 3pm job centre", day: "20270221", hasTime: true, clock: "1500",
			kind: "jobcentre"},
		{name: "impossible date", text: "31/02/2027 10:00 Pediatra", wantErr: when.ErrInvalidDate},
		{name: "no date", text: "Pediatra domani", wantErr: when.ErrNotUnderstood},
		{name: "empty", text: "", wantErr: when.ErrNotUnderstood},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseShortcut(tt.text, "it", now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			day := flows.DayCode(time.Date(got.Date.Year, got.Date.Month, got.Date.Day, 0, 0, 0, 0, loc))
			if day != tt.day || got.Date.HasTime != tt.hasTime {
				t.Errorf("day %s time %v, want %s %v", day, got.Date.HasTime, tt.day, tt.hasTime)
			}
			if tt.hasTime && flows.ClockOf(got.Date.Hour, got.Date.Minute) != tt.clock {
				t.Errorf("time %02d:%02d, want %s", got.Date.Hour, got.Date.Minute, tt.clock)
			}
			if got.Kind != tt.kind || got.Title != tt.title || got.Note != tt.note {
				t.Errorf("kind %q title %q note %q, want %q %q %q", got.Kind, got.Title, got.Note, tt.kind, tt.title, tt.note)
			}
		})
	}
}

// A kind is said once: the note keeps only what the kind's name does not
// say, and what names no kind is the title of an "other", when short.
func TestKindAndNote(t *testing.T) {
	long := strings.Repeat("rinnovo permesso ", 4) // 68 characters
	tests := []struct{ text, kind, title, note string }{
		{"Colloquio di lavoro", "interview", "", ""},
		{"Pediatra dott. Rossi", "paediatrician", "", "dott. Rossi"},
		{"visita pediatrica", "paediatrician", "", ""},
		{"Assistente sociale, Via Roma 1", "social", "", "Via Roma 1"},
		{"Centro per l'impiego Tiburtino", "jobcentre", "", "Tiburtino"},
		{"rendez-vous chez le pédiatre", "paediatrician", "", ""},
		{"  Questura\n permesso  ", "other", "Questura permesso", ""},
		{long, "other", "", strings.TrimSpace(long)},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			kind, title, note := kindAndNote(tt.text)
			if kind != tt.kind || title != tt.title || note != tt.note {
				t.Errorf("got %q %q %q, want %q %q %q", kind, title, note, tt.kind, tt.title, tt.note)
			}
		})
	}
}

// A card shows a kind once, also for an appointment saved with the kind's
// words as its note, and an "other" by its title.
func TestCardSaysTheKindOnce(t *testing.T) {
	tests := []struct {
		name string
		a    Appointment
		what flows.T
		note string
	}{
		{"kind's words as note", Appointment{Kind: "interview", Note: "Colloquio di lavoro"}, flows.T{ID: "appointment.kind_interview"}, ""},
		{"a note of its own", Appointment{Kind: "paediatrician", Note: "Portare il libretto"}, flows.T{ID: "appointment.kind_paediatrician"}, "Portare il libretto"},
		{"other, titled", Appointment{Kind: "other", Title: "Questura", Note: "Portare il passaporto"}, flows.T{Plain: "Questura"}, "Portare il passaporto"},
		{"other, saved before titles", Appointment{Kind: "other", Note: "Dentista"}, flows.T{Plain: "Dentista"}, ""},
		{"other, nothing said", Appointment{Kind: "other"}, flows.T{ID: "appointment.kind_other"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apptWhat(tt.a); got.ID != tt.what.ID || got.Plain != tt.what.Plain {
				t.Errorf("what %+v, want %+v", got, tt.what)
			}
			if got := apptNote(tt.a); got != tt.note {
				t.Errorf("note %q, want %q", got, tt.note)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]string{
		"Pediatra":                         "paediatrician",
		"visita pediatrica":                "paediatrician",
		"Assistente sociale":               "social",
		"CPI Roma":                         "jobcentre",
		"centro per l'impiego":             "jobcentre",
		"colloquio di lavoro":              "interview",
		"iscrizione al nido":               "school",
		"Avvocato Bianchi":                 "lawyer",
		"udienza in tribunale":             "court",
		"vedere una casa":                  "house",
		"consultorio familiare":            "consultorio",
		"dentista":                         "",
		"incapace":                         "", // "cpi" only starts a word
		"Tribunale per i minorenni, ore 9": "court",
	}
	for text, want := range tests {
		t.Run(text, func(t *testing.T) {
			if got := kindOf(text); got != want {
				t.Errorf("kindOf(%q) = %q, want %q", text, got, want)
			}
		})
	}
}

func TestMatchMother(t *testing.T) {
	mothers := []flows.Person{{ID: 1, Name: "Anna"}, {ID: 2, Name: "Anna Maria"}, {ID: 3, Name: "Fatima"}, {ID: 4, Name: "Olena"}, {ID: 5, Name: "Olena"}}
	tests := []struct {
		text   string
		id     int64
		rest   string
		wantOK bool
	}{
		{"Anna Maria 25/02/2027 09:30 Pediatra", 2, "25/02/2027 09:30 Pediatra", true},
		{"anna 25/02", 1, "25/02", true},
		{"FATIMA", 3, "", true},
		{"Annabella 25/02", 0, "", false},
		{"Olena 25/02", 0, "", false}, // two mothers called Olena: staff must pick
		{"25/02 Anna", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m, rest, ok := matchMother(mothers, tt.text)
			if ok != tt.wantOK || m.ID != tt.id || rest != tt.rest {
				t.Errorf("got %d %q %v, want %d %q %v", m.ID, rest, ok, tt.id, tt.rest, tt.wantOK)
			}
		})
	}
}
