package when

import (
	"fmt"
	"time"
)

// The rules for dates: "25/02", "25.02.27", "2027-02-25", "25 febbraio",
// "feb 25th 2027", and how a date without a year is placed in time.

// numericDate takes 25/02, 25-2-2027, 25.02.27 and 2027-02-25.
func (s *scan) numericDate() (bool, error) {
	a := s.toks[s.i]
	sep, b, ok := s.sepNum(s.i+1, 0)
	if !ok {
		return false, nil
	}
	end := s.i + 3
	_, c, hasYear := s.sepNum(end, sep)
	if hasYear && c.digits == 2 && s.clockMark(end+2) && !s.toks[end+2].spaced {
		hasYear = false // "25.02.10:30": 10 is the hour
	}
	if hasYear {
		end += 2
	}
	if sep == '.' && !hasYear {
		return s.dotted(a, b, end)
	}
	var d date
	switch {
	case hasYear && yearOf(a) > 0 && a.digits == 4 && b.digits <= 2 && c.digits <= 2:
		d = date{year: yearOf(a), month: time.Month(b.num), day: c.num}
	case a.digits <= 2 && b.digits <= 2 && (!hasYear || yearOf(c) > 0):
		d = date{day: a.num, month: time.Month(b.num)}
		if hasYear {
			d.year = yearOf(c)
		}
	default:
		return false, ErrNotUnderstood
	}
	return true, s.addDate(d, end)
}

// dotted takes "a.b" without a year: 25.02 is a date, 9.30 a time, and 10.11
// is either until resolve sees what else the text says.
func (s *scan) dotted(a, b token, end int) (bool, error) {
	d := date{day: a.num, month: time.Month(b.num)}
	isDate := a.digits <= 2 && b.digits <= 2 && d.check() == nil
	isTime := a.digits <= 2 && b.digits == 2 && a.num <= 23 && b.num <= 59
	switch {
	case isDate && isTime && !s.clockMark(end):
		c := clock{hour: a.num, minute: b.num, loose: loose(a)}
		s.found.dotted = append(s.found.dotted, dotted{d, c})
		s.i = end
		return true, nil
	case isDate && !isTime:
		return true, s.addDate(d, end)
	case a.digits <= 2 && a.num <= 24 && b.digits == 2:
		return false, nil // a time, maybe impossible: clock says which
	}
	return false, fmt.Errorf("%w: %d.%d", ErrInvalidDate, a.num, b.num)
}

// dayMonth takes "25 febbraio", "25 feb 2027", "25th of May".
func (s *scan) dayMonth() (bool, error) {
	a := s.toks[s.i]
	if a.digits > 2 || s.i+1 >= len(s.toks) {
		return false, nil
	}
	m, ok := s.toks[s.i+1].meaning(kMonth)
	if !ok {
		return false, nil
	}
	return true, s.addDate(date{day: a.num, month: time.Month(m)}, s.i+2)
}

// monthDay takes "feb 25", "february 25th 2027".
func (s *scan) monthDay() (bool, error) {
	m, _ := s.toks[s.i].meaning(kMonth)
	j := s.i + 1
	if j >= len(s.toks) || s.toks[j].digits == 0 || s.toks[j].digits > 2 || s.clockMark(j+1) {
		return false, nil // "feb" alone, or "feb 10:30"
	}
	return true, s.addDate(date{day: s.toks[j].num, month: time.Month(m)}, j+1)
}

// addDate records d, with the four-digit year at j if there is one, and
// moves past it.
func (s *scan) addDate(d date, j int) error {
	if d.year == 0 && s.yearAt(j) {
		if d.year = yearOf(s.toks[j]); d.year == 0 {
			return ErrNotUnderstood
		}
		j++
	}
	if err := d.check(); err != nil {
		return err
	}
	s.found.dates = append(s.found.dates, d)
	s.i = j
	return nil
}

// sepNum reads a date separator at j and the number after it. want, when
// not 0, is the separator the date started with. Dots and dashes must touch
// the numbers, so that "25-02 - 10:30" is not a date with year 10.
func (s *scan) sepNum(j int, want rune) (rune, token, bool) {
	if j+1 >= len(s.toks) {
		return 0, token{}, false
	}
	sep, n := s.toks[j], s.toks[j+1]
	switch {
	case sep.sym != '/' && sep.sym != '-' && sep.sym != '.',
		want != 0 && sep.sym != want,
		n.digits == 0,
		sep.sym != '/' && (sep.spaced || n.spaced):
		return 0, token{}, false
	}
	return sep.sym, n, true
}

// yearAt reports whether a four-digit year is at j.
func (s *scan) yearAt(j int) bool {
	return j < len(s.toks) && s.toks[j].digits == 4
}

// yearOf reads a typed year: two digits are 20xx; 0 if t is not a year.
func yearOf(t token) int {
	switch {
	case t.digits == 2:
		return 2000 + t.num
	case t.digits == 4 && t.num >= 1000:
		return t.num
	}
	return 0
}

// on returns the day d names at now: a relative day counted from today, a
// day without a year the next one that is not past.
func (d date) on(now time.Time) (int, time.Month, int, error) {
	if d.relative {
		y, m, dd := d.onRel(now)
		return y, m, dd, nil
	}
	if d.year == 0 {
		y, m, dd := now.Date()
		d.year = y
		if d.month < m || (d.month == m && d.day < dd) {
			d.year++
		}
	}
	if err := d.check(); err != nil {
		return 0, 0, 0, err
	}
	return d.year, d.month, d.day, nil
}

// onRel returns the day d.rel days after now's day.
func (d date) onRel(now time.Time) (int, time.Month, int) {
	y, m, dd := now.Date()
	return time.Date(y, m, dd+d.rel, 12, 0, 0, 0, time.UTC).Date()
}

// check reports whether d is in the calendar; without a year, 29 February is.
func (d date) check() error {
	y := d.year
	if y == 0 {
		y = 2000 // a leap year
	}
	if d.month < 1 || d.month > 12 || d.day < 1 || d.day > time.Date(y, d.month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return fmt.Errorf("%w: %d/%d/%d", ErrInvalidDate, d.day, d.month, d.year)
	}
	return nil
}
