package flows

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// The calendar file parses back to the same instant, shown at the same time
// on a clock in Rome, on both sides of both changes of the clocks.
func TestICSRoundTripAcrossDST(t *testing.T) {
	loc := rome(t)
	// 02:30 happens twice on 2026-10-25: at 00:30 UTC (summer time) and 01:30 UTC.
	fallBack := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name  string
		start time.Time
		wall  string
	}{
		{"winter", time.Date(2027, 2, 25, 9, 30, 0, 0, loc), "2027-02-25 09:30"},
		{"the day before clocks go back", time.Date(2026, 10, 24, 9, 30, 0, 0, loc), "2026-10-24 09:30"},
		{"the day clocks go back", time.Date(2026, 10, 25, 9, 30, 0, 0, loc), "2026-10-25 09:30"},
		{"the repeated hour, first", fallBack, "2026-10-25 02:30"},
		{"the repeated hour, second", fallBack.Add(time.Hour), "2026-10-25 02:30"},
		{"the day clocks go forward", time.Date(2027, 3, 28, 9, 30, 0, 0, loc), "2027-03-28 09:30"},
		{"just after the jump", time.Date(2027, 3, 28, 3, 0, 0, 0, loc), "2027-03-28 03:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := CalendarFile(CalendarEvent{UID: "appt-1.nido@nido", Seq: 2, Start: tt.start, Duration: time.Hour,
				Summary: "Pediatra; dott. Rossi, 2° piano", Location: "Via Roma 1, Roma",
				Description: "Portare la tessera\nhttps://example.org/?a=1&b=2", Stamp: tt.start.Add(-48 * time.Hour),
				Alarm: time.Hour})
			cal, err := ics.ParseCalendar(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			evs := cal.Events()
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			ev := evs[0]
			start, err := ev.GetStartAt()
			if err != nil {
				t.Fatal(err)
			}
			if !start.Equal(tt.start) || start.In(loc).Format("2006-01-02 15:04") != tt.wall {
				t.Errorf("start %v (%s in Rome), want %v (%s)", start, start.In(loc).Format("2006-01-02 15:04"), tt.start, tt.wall)
			}
			end, err := ev.GetEndAt()
			if err != nil || end.Sub(start) != time.Hour {
				t.Errorf("end %v, %v", end, err)
			}
			for prop, want := range map[ics.ComponentProperty]string{
				ics.ComponentPropertyUniqueId:    "appt-1.nido@nido",
				ics.ComponentPropertySequence:    "2",
				ics.ComponentPropertySummary:     "Pediatra; dott. Rossi, 2° piano",
				ics.ComponentPropertyLocation:    "Via Roma 1, Roma",
				ics.ComponentPropertyDescription: "Portare la tessera\nhttps://example.org/?a=1&b=2",
			} {
				p := ev.GetProperty(prop)
				if p == nil || p.Value != want {
					t.Errorf("%s = %v, want %q", prop, p, want)
				}
			}
		})
	}
}

// The file follows RFC 5545 where phones are strict: CRLF line ends, lines
// folded at 75 octets, and an alarm an hour before.
func TestICSFormat(t *testing.T) {
	loc := rome(t)
	raw := string(CalendarFile(CalendarEvent{UID: "u@nido", Start: time.Date(2027, 2, 25, 9, 30, 0, 0, loc), Duration: time.Hour,
		Summary: strings.Repeat("Colloquio di lavoro è lungo ", 8), Stamp: time.Date(2027, 2, 20, 9, 0, 0, 0, loc), Alarm: time.Hour}))
	if strings.Count(raw, "\n") != strings.Count(raw, "\r\n") {
		t.Error("a line does not end with CRLF")
	}
	for _, line := range strings.Split(raw, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "METHOD:PUBLISH\r\n",
		"DTSTART:20270225T083000Z\r\n", "DTEND:20270225T093000Z\r\n",
		"BEGIN:VALARM\r\n", "ACTION:DISPLAY\r\n", "TRIGGER:-PT60M\r\n", "END:VALARM\r\n", "END:VEVENT\r\n"} {
		if !strings.Contains(raw, want) {
			t.Errorf("file lacks %q:\n%s", want, raw)
		}
	}
}
