package scheduler

import "time"

// Recurring rules and quiet hours speak in local wall time ("every Thursday
// at 10:00", "quiet from 21:00"), which daylight saving time makes
// ambiguous twice a year. Wall times are carried as a time.Time whose fields
// are the local date and time of day but whose location is UTC, where no
// hour is skipped or repeated, and are turned into an instant only here.

// toWall returns the wall time that t shows in loc.
func toWall(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// fromWall returns the instant at which clocks in loc show the wall time w.
// When the wall time happens twice (the hour repeated when DST ends) it is
// the first of the two, so the moment comes as soon as the clock shows it.
// When it never happens (the hour skipped when DST starts) it is read with
// the offset in force before the jump: 02:30 on the last Sunday of March in
// Rome is 03:30 CEST, the same instant as 02:30 CET.
func fromWall(w time.Time, loc *time.Location) time.Time {
	guess := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	// No zone changes offset twice within 12 hours, so the offsets in force
	// 6 hours either side are the only candidates.
	_, before := guess.Add(-6 * time.Hour).Zone()
	_, after := guess.Add(6 * time.Hour).Zone()
	first := w.Add(-time.Duration(before) * time.Second)
	second := w.Add(-time.Duration(after) * time.Second)
	if first.After(second) {
		first, second = second, first
	}
	for _, c := range []time.Time{first, second} {
		if toWall(c, loc).Equal(w) {
			return c.In(loc)
		}
	}
	return w.Add(-time.Duration(before) * time.Second).In(loc)
}
