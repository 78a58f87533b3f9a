// Package when reads a date and a time of day that a person typed in a chat,
// for the appointment flow: buttons cover the next days and the usual slots,
// and this package covers what people type instead. It is strict on purpose:
// it understands the forms people really write ("25/02", "25.02.27",
// "domani alle 10", "lunedì 9:30", "25 feb ore 10", "tomorrow 3pm",
// "٢٥/٠٢") in Italian, in English and in the person's language, and answers
// "not understood", "impossible" or "ambiguous" rather than guess.
//
// The rules, so that the flow can explain them:
//   - Dates are day first: 25/02 and 02/03 are 25 February and 2 March.
//     Two-digit years are 20xx.
//   - A date without a year is the next such day that is not past; today
//     counts. 29/02 in a year that has none is an impossible date.
//   - "ieri", "yesterday", "l'altro ieri" are days before today: Parse
//     reads them as it reads "20/11/2026", and the flow, not Parse, says
//     that the day has passed (Result.Future), so that a person who typed
//     a past day hears that, not that she was not understood.
//   - A weekday ("lunedì", "next monday", "martedì prossimo") is its next
//     occurrence after today, one to seven days ahead; "prossimo" and "next"
//     change nothing. A weekday next to a date must agree with it.
//   - A lone number is an hour only next to a date ("domani 10", "oggi 18").
//   - An hour from 1 to 6 written without a leading zero, am/pm or a part
//     of the day ("alle 3", "3:30") may mean night or afternoon: it is
//     ambiguous and the error offers both. "03:00", "3pm" and "alle 3 di
//     pomeriggio" are not.
//   - "10.11" with nothing else is 10 November or 10:11: ambiguous, with both
//     offered; next to a date it is a time, next to a time a date.
//   - A time that does not exist because clocks go forward (02:30 on
//     2026-03-29 in Rome) is an impossible time. A time that happens twice
//     when clocks go back is the first of the two (see Result.Time).
//
// The flow should always echo the date it understood for confirmation.
package when

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// maxRunes bounds what Parse reads: a date is never longer than this.
const maxRunes = 200

// Errors that the flow turns into a message; test them with errors.Is.
var (
	// ErrNotUnderstood means the text is not a date or time Nido can read.
	ErrNotUnderstood = errors.New("when: not understood")
	// ErrInvalidDate means a date that is not in the calendar, such as 31/02.
	ErrInvalidDate = errors.New("when: impossible date")
	// ErrInvalidTime means a time that is not on the clock, such as 25:00.
	ErrInvalidTime = errors.New("when: impossible time")
	// ErrAmbiguous means the text has more than one reading; see AmbiguousError.
	ErrAmbiguous = errors.New("when: ambiguous")
)

// AmbiguousError is returned when the text has more than one sensible reading;
// errors.Is(err, ErrAmbiguous) holds for it.
type AmbiguousError struct {
	// Choices are the readings to offer as buttons ("alle 3": 03:00 and
	// 15:00); empty when the text contradicts itself ("domani dopodomani").
	Choices []Result
}

// Error says how many readings there are, never the text itself.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%v: %d readings", ErrAmbiguous, len(e.Choices))
}

// Unwrap makes errors.Is(err, ErrAmbiguous) hold.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// Result is what the text said: a date, a time of day, or both.
type Result struct {
	HasDate, HasTime bool
	Year             int
	Month            time.Month
	Day              int
	Hour, Minute     int
}

// Parse reads text typed by a person whose language is lang (an ISO 639-1
// code such as "ro" or "pt-BR"; Italian and English are always understood).
// now is the moment of typing, in the location the person lives in; dates
// without a year and weekdays are resolved against it.
func Parse(text, lang string, now time.Time) (Result, error) {
	if len(text) > utf8.UTFMax*maxRunes || utf8.RuneCountInString(text) > maxRunes {
		return Result{}, ErrNotUnderstood
	}
	toks, err := tokenize(text, indexFor(lang))
	if err != nil {
		return Result{}, err
	}
	s := scan{toks: toks}
	if err := s.run(); err != nil {
		return Result{}, err
	}
	return s.found.resolve(now)
}

// Time returns the instant r names in loc, or the zero Time unless r has
// both a date and a time. A wall time that happens twice when clocks go back
// is the first of the two; one that never happens when clocks go forward is
// read with the offset in force before the jump (02:30 on 2026-03-29 in Rome
// is 03:30 CEST). Parse never returns the latter, but a Result put together
// by the flow may be one.
func (r Result) Time(loc *time.Location) time.Time {
	if !r.HasDate || !r.HasTime {
		return time.Time{}
	}
	wall := time.Date(r.Year, r.Month, r.Day, r.Hour, r.Minute, 0, 0, time.UTC)
	// No zone changes its offset twice in a day, so the offsets in force a
	// day either side are the only candidates.
	_, before := wall.Add(-24 * time.Hour).In(loc).Zone()
	_, after := wall.Add(24 * time.Hour).In(loc).Zone()
	first := wall.Add(-time.Duration(before) * time.Second).In(loc)
	second := wall.Add(-time.Duration(after) * time.Second).In(loc)
	if first.After(second) {
		first, second = second, first
	}
	for _, t := range []time.Time{first, second} {
		if r.shows(t) {
			return t
		}
	}
	return wall.Add(-time.Duration(before) * time.Second).In(loc)
}

// shows reports whether a clock at t shows r's date and time.
func (r Result) shows(t time.Time) bool {
	y, m, d := t.Date()
	return y == r.Year && m == r.Month && d == r.Day && t.Hour() == r.Hour && t.Minute() == r.Minute
}

// Future reports whether r has not passed at now, so that the flow can say
// "that is in the past": a date alone counts until its day is over, a date
// and time until that instant, and a time alone is taken as today.
func (r Result) Future(now time.Time) bool {
	y, m, d := now.Date()
	if !r.HasDate {
		r.Year, r.Month, r.Day = y, m, d
	}
	switch {
	case r.HasTime:
		r.HasDate = true
		return !r.Time(now.Location()).Before(now)
	case r.HasDate:
		day := time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, time.UTC)
		return !day.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	return false
}

// Days returns n days from now's day on, today first, each at midnight in
// now's location: the days the flow offers as buttons, the same days that
// Parse resolves a year-less date to.
func Days(now time.Time, n int) []time.Time {
	y, m, d := now.Date()
	days := make([]time.Time, 0, max(n, 0))
	for i := range n {
		days = append(days, time.Date(y, m, d+i, 0, 0, 0, 0, now.Location()))
	}
	return days
}
