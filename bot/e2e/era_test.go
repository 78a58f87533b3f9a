package e2e

import (
	"strconv"
	"testing"
	"time"
)

// The tests are written in the calendar of November 2026 to spring 2027:
// they type "25/11/2026", press "mercoledì 25/11" and expect the clocks to go
// back on Sunday 25 October. Nothing in Nido may depend on the day the tests
// run, so the date-sensitive ones run again in eras far from it, chosen so
// that every date of 2026 and 2027 falls on the same weekday and Rome
// changes its clocks on the same Sundays: the labels stay true. A test that
// compares Nido's clock with the machine's (a Redis expiry taken from the
// test clock, say) fails in one of them, today rather than in a year.

// The eras keep the calendar: the same weekday for every day of 2026 and
// 2027, and Rome's clocks changing on the same Sundays at the same hour.
func TestErasKeepTheCalendar(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	for _, years := range eraYears() {
		w := &world{t: t, loc: loc, years: years}
		for day := time.Date(2026, 1, 1, 12, 0, 0, 0, loc); day.Year() < 2028; day = day.AddDate(0, 0, 1) {
			moved := w.at(day)
			if moved.Weekday() != day.Weekday() || moved.Day() != day.Day() {
				t.Fatalf("%d years on, %s is %s", years, day.Format("02/01/2006 Monday"), moved.Format("02/01/2006 Monday"))
			}
			// The offset from UTC at 12:00 changes on the same days.
			_, was := day.Zone()
			_, is := moved.Zone()
			if was != is {
				t.Fatalf("%d years on, %s is at UTC%+d, not UTC%+d", years, moved.Format("02/01/2006"), is/3600, was/3600)
			}
		}
		if got, want := w.era("25/11/2026 e 26/02/2027, non 12026"), "25/11/"+strconv.Itoa(2026+years)+" e 26/02/"+strconv.Itoa(2027+years)+", non 12026"; got != want {
			t.Errorf("era: %q, want %q", got, want)
		}
	}
}
