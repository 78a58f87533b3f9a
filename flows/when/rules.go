package when

import "time"

// The rules read the tokens left to right. Each one recognises one date or
// time expression and records it; resolve then checks that what was found
// fits together. A token no rule takes makes the text not understood.

// found is what the text said, before it is checked and resolved.
type found struct {
	dates    []date // typed or relative days
	weekdays []time.Weekday
	clocks   []clock  // times of day
	bare     []clock  // lone numbers: an hour only next to a date
	dotted   []dotted // "10.11": 10 November or 10:11
	parts    []kind   // am, pm, mattina, sera...: they apply to the time
}

// date is a day as typed: a calendar date, maybe without a year, or a
// number of days from today.
type date struct {
	year     int // 0 when not typed
	month    time.Month
	day      int
	rel      int // days from today, when relative
	relative bool
}

// clock is a time of day as typed.
type clock struct {
	hour, minute int
	loose        bool // 1 to 6 o'clock without a leading zero or am/pm
}

// dotted is "a.b" that reads as both a date and a time.
type dotted struct {
	date  date
	clock clock
}

// scan walks the tokens and fills found.
type scan struct {
	toks  []token
	i     int
	found found
}

// run applies the rules until every token is taken.
func (s *scan) run() error {
	for s.i < len(s.toks) {
		ok, err := s.step()
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotUnderstood
		}
	}
	return nil
}

// step takes the expression that starts at the current token.
func (s *scan) step() (bool, error) {
	t := s.toks[s.i]
	switch {
	case t.sym != 0:
		s.i++ // punctuation between expressions
		return true, nil
	case t.digits > 0:
		if ok, err := s.numericDate(); ok || err != nil {
			return ok, err
		}
		if ok, err := s.dayMonth(); ok || err != nil {
			return ok, err
		}
		return s.clock(false)
	}
	return s.word(t)
}

// word takes an expression that starts with a word.
func (s *scan) word(t token) (bool, error) {
	if n, ok := t.meaning(kRel); ok {
		s.found.dates = append(s.found.dates, date{rel: n, relative: true})
		s.part(t) // "stasera" is today and evening
		s.i++
		return true, nil
	}
	if t.is(kMonth) && s.yearAt(s.i+2) { // "mar 7 2027" is March
		return s.monthDay()
	}
	if n, ok := t.meaning(kWeekday); ok { // "mar 10" is Tuesday at 10
		s.found.weekdays = append(s.found.weekdays, time.Weekday(n))
		s.i++
		return true, nil
	}
	switch {
	case t.is(kMonth):
		return s.monthDay()
	case t.is(kClock):
		return s.clock(true)
	case t.is(kAt) || t.is(kH):
		s.i++
		if s.i < len(s.toks) && startsTime(s.toks[s.i]) {
			return s.clock(true)
		}
		return true, nil // "la mattina": a preposition with no time after it
	case s.part(t) || t.is(kAnd):
		s.i++
		return true, nil
	}
	return false, nil
}

// part records a part of the day, if t is one.
func (s *scan) part(t token) bool {
	for _, k := range []kind{kAM, kPM, kMorning, kEvening} {
		if t.is(k) {
			s.found.parts = append(s.found.parts, k)
			return true
		}
	}
	return false
}
