package flows

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

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
			day := dayCode(time.Date(got.Date.Year, got.Date.Month, got.Date.Day, 0, 0, 0, 0, loc))
			if day != tt.day || got.Date.HasTime != tt.hasTime {
				t.Errorf("day %s time %v, want %s %v", day, got.Date.HasTime, tt.day, tt.hasTime)
			}
			if tt.hasTime && clockOf(got.Date.Hour, got.Date.Minute) != tt.clock {
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
	mothers := []Person{{ID: 1, Name: "Anna"}, {ID: 2, Name: "Anna Maria"}, {ID: 3, Name: "Fatima"}, {ID: 4, Name: "Olena"}, {ID: 5, Name: "Olena"}}
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

func TestSlotsFor(t *testing.T) {
	loc := rome(t)
	day := time.Date(2027, 2, 25, 0, 0, 0, 0, loc)
	tests := []struct {
		name  string
		now   time.Time
		first string
		n     int
	}{
		{"a later day has every slot", time.Date(2027, 2, 20, 10, 0, 0, 0, loc), "0830", len(timeSlots())},
		{"today only those half an hour away", time.Date(2027, 2, 25, 10, 10, 0, 0, loc), "1100", 9},
		{"exactly half an hour counts", time.Date(2027, 2, 25, 16, 0, 0, 0, loc), "1630", 2},
		{"none left in the evening", time.Date(2027, 2, 25, 18, 0, 0, 0, loc), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slotsFor(day, tt.now)
			if len(got) != tt.n || (tt.n > 0 && got[0] != tt.first) {
				t.Errorf("slots %v, want %d from %s", got, tt.n, tt.first)
			}
			if !slices.IsSorted(got) {
				t.Errorf("slots not in order: %v", got)
			}
		})
	}
}

func TestDayProblem(t *testing.T) {
	loc := rome(t)
	now := time.Date(2027, 2, 20, 23, 59, 0, 0, loc)
	tests := map[string]string{
		"20270220": "",
		"20270221": "",
		"20270219": "appointment.day_past",
		"20290301": "appointment.day_far",
		"2027022":  "appointment.day_not_understood",
		"20270231": "appointment.day_not_understood",
	}
	for day, want := range tests {
		t.Run(day, func(t *testing.T) {
			if got := dayProblem(day, now); got != want {
				t.Errorf("dayProblem(%s) = %q, want %q", day, got, want)
			}
		})
	}
}

// at reads the day and time on the clock of Rome, also on the days the clocks change.
func TestAtAcrossDST(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		day, clock string
		wantUTC    time.Time
	}{
		{"20261024", "0930", time.Date(2026, 10, 24, 7, 30, 0, 0, time.UTC)}, // summer time
		{"20261025", "0930", time.Date(2026, 10, 25, 8, 30, 0, 0, time.UTC)}, // winter time from 03:00
		{"20261025", "0230", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)}, // twice: the first
		{"20270328", "0930", time.Date(2027, 3, 28, 7, 30, 0, 0, time.UTC)},  // summer time from 02:00
	}
	for _, tt := range tests {
		t.Run(tt.day+" "+tt.clock, func(t *testing.T) {
			got, ok := at(tt.day, tt.clock, loc)
			if !ok || !got.Equal(tt.wantUTC) {
				t.Errorf("at = %v %v, want %v", got.UTC(), ok, tt.wantUTC)
			}
		})
	}
	if _, ok := at("20270328", "2460", loc); ok {
		t.Error("24:60 was read as a time")
	}
}

func TestDayLabel(t *testing.T) {
	loc := rome(t)
	days := when.Days(time.Date(2027, 2, 20, 10, 0, 0, 0, loc), 3)
	want := []T{
		{ID: "appointment.today", Data: map[string]any{"Date": "20/02"}},
		{ID: "appointment.tomorrow", Data: map[string]any{"Date": "21/02"}},
		{ID: "appointment.day_button", Data: map[string]any{"Weekday": T{ID: "date.weekday.1"}, "Date": "22/02"}},
	}
	for i, d := range days {
		got := dayLabel(d, i)
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("day %d: %+v, want %+v", i, got, want[i])
		}
	}
}
