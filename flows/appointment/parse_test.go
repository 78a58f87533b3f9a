package appointment

import (
	"errors"
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
		name, text string
		day        string
		hasTime    bool
		clock      string
		kind, note string
		wantErr    error
	}{
		{name: "date time kind", text: "25/02/2027 09:30 Pediatra", day: "20270225", hasTime: true, clock: "0930",
			kind: "paediatrician"},
		{name: "kind with more words keeps them as note", text: "domani alle 10 colloquio di lavoro da Rossi",
			day: "20270221", hasTime: true, clock: "1000", kind: "interview", note: "colloquio di lavoro da Rossi"},
		{name: "unknown kind is other", text: "25/02/2027 9:30 dentista", day: "20270225", hasTime: true,
			clock: "0930", kind: "other", note: "dentista"},
		{name: "date only", text: "lunedì consultorio", day: "20270222", kind: "consultorio"},
		{name: "nothing after the date", text: "25/02 15:00", day: "20270225", hasTime: true, clock: "1500"},
		{name: "english", text: "tomorrow 3pm job centre", day: "20270221", hasTime: true, clock: "1500",
			kind: "jobcentre", note: "job centre"},
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
			if got.Kind != tt.kind || got.Note != tt.note {
				t.Errorf("kind %q note %q, want %q %q", got.Kind, got.Note, tt.kind, tt.note)
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
