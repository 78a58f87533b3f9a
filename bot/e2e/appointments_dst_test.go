package e2e

import (
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// Reminders come at the right time on the clock when the clocks change in
// between: "a day before 09:00" is 09:00 the day before, however long that day.

func TestRemindersAcrossDaylightSavingTime(t *testing.T) {
	tests := []struct {
		name     string
		start    time.Time
		line     string    // the shortcut
		appt     time.Time // when it is
		dayEarly time.Time // the reminder a day before
		twoEarly time.Time // the reminder two hours before, after the quiet hours
	}{
		{
			name: "autumn: clocks go back on Sunday 25 October 2026", start: rome(2026, 10, 20, 10, 0),
			line: "/appointment 26/10/2026 09:00 Pediatra", appt: rome(2026, 10, 26, 9, 0),
			dayEarly: rome(2026, 10, 25, 9, 0), twoEarly: rome(2026, 10, 26, 8, 0),
		},
		{
			name: "autumn: on the day itself", start: rome(2026, 10, 20, 10, 0),
			line: "/appointment 25/10/2026 11:00 Pediatra", appt: rome(2026, 10, 25, 11, 0),
			dayEarly: rome(2026, 10, 24, 11, 0), twoEarly: rome(2026, 10, 25, 9, 0),
		},
		{
			name: "spring: clocks go forward on Sunday 28 March 2027", start: rome(2027, 3, 22, 10, 0),
			line: "/appointment 29/03/2027 09:00 Pediatra", appt: rome(2027, 3, 29, 9, 0),
			dayEarly: rome(2027, 3, 28, 9, 0), twoEarly: rome(2027, 3, 29, 8, 0),
		},
		{
			name: "spring: on the day itself", start: rome(2027, 3, 22, 10, 0),
			line: "/appointment 28/03/2027 11:00 Pediatra", appt: rome(2027, 3, 28, 11, 0),
			dayEarly: rome(2027, 3, 27, 11, 0), twoEarly: rome(2027, 3, 28, 9, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inEveryEra(t, func(t *testing.T, era func(*options)) {
				w := newWorld(t, startingAt(tt.start), era)
				appt, dayEarly, twoEarly := w.at(tt.appt), w.at(tt.dayEarly), w.at(tt.twoEarly)
				_, fatima := aurora(w)
				msgs := w.sayLine(fatima, tt.line)
				if flows.Holiday(appt) != "" {
					// Easter Monday in some years: asked first, and saved anyway.
					w.wantSaid(msgs, "it", "appointment.warn_ask", nil)
					msgs = w.press(fatima, w.label("it", "appointment.warn_save"))
				}

				// The calendar file holds the same instant, at the same time in Rome.
				start, _ := calendarIn(t, msgs)
				if !start.Equal(appt) || start.In(w.loc).Format("15:04") != appt.Format("15:04") {
					t.Errorf("calendar starts %v", start.In(w.loc))
				}
				w.wantDue(fatima, ":remind-24h", dayEarly)
				w.wantDue(fatima, ":remind-2h", twoEarly)

				when := w.text("it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", appt)})
				for i, due := range []time.Time{dayEarly, twoEarly} {
					w.advance(due.Add(-time.Minute), idOf(fatima))
					if n := w.count(fatima, when); n != i+1 {
						t.Fatalf("a minute before %v: %d messages with the time, want %d", due, n, i+1)
					}
					w.advance(due, idOf(fatima))
					w.waitCount(fatima, when, i+2)
					w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.reminder_title", nil)
				}
			})
		})
	}
}
