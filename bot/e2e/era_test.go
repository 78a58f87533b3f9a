package e2e

import (
	"regexp"
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

// eraYears are the eras every date-sensitive test runs in, as years from
// the calendar the tests are written in: as written, 17 years before (2009
// and 2010) and 11 years after (2037 and 2038).
func eraYears() []int { return []int{0, -17, 11} }

// inEveryEra runs test once in each era; era goes to newWorld.
func inEveryEra(t *testing.T, test func(t *testing.T, era func(*options))) {
	t.Helper()
	for _, years := range eraYears() {
		t.Run("in "+strconv.Itoa(2026+years), func(t *testing.T) {
			test(t, func(o *options) { o.years = years })
		})
	}
}

// at moves a time written in the tests' calendar into this world's era.
func (w *world) at(t time.Time) time.Time {
	if w.years == 0 {
		return t
	}
	t = t.In(w.loc)
	return time.Date(t.Year()+w.years, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), w.loc)
}

// rome is a time on the clocks of Rome, written in the tests' calendar and
// moved into this world's era.
func (w *world) rome(y int, m time.Month, d, h, min int) time.Time {
	return w.at(time.Date(y, m, d, h, min, 0, 0, w.loc))
}

// yearsWritten are the years a test writes in text: what a person types, or
// reads in a long date.
var yearsWritten = regexp.MustCompile(`\b20(2[6-9])\b`)

// era moves the years 2026 to 2029 written in s into this world's era:
// "25/11/2026" typed in a world of 2037 is "25/11/2037".
func (w *world) era(s string) string {
	if w.years == 0 {
		return s
	}
	return yearsWritten.ReplaceAllStringFunc(s, func(y string) string {
		n, _ := strconv.Atoi(y)
		return strconv.Itoa(n + w.years)
	})
}

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
