package when

import "fmt"

// The rules for times of day: "9", "9:30", "9.30", "9h30", "10 e mezza",
// "10 meno un quarto", "mezzogiorno", "3pm".

// clock takes a time of day: 9, 9:30, 9.30, 9,30, 9h30, 9h, 10 e mezza,
// 10 meno un quarto, mezzogiorno, 3pm. A number with nothing to say it is a
// time (marked false, no minutes, no am/pm) is recorded as bare.
func (s *scan) clock(marked bool) (bool, error) {
	t := s.toks[s.i]
	var c clock
	if n, ok := t.meaning(kClock); ok {
		c.hour, marked = n, true
	} else if t.digits > 0 && t.digits <= 2 {
		c.hour, c.loose = t.num, loose(t)
	} else {
		return false, nil
	}
	j := s.i + 1
	if m, next, ok, err := s.minutes(j); err != nil {
		return false, err
	} else if ok {
		c, j, marked = c.plus(m), next, true
	}
	if j < len(s.toks) && s.toks[j].is(kH) {
		j, marked = j+1, true // "10:30h"
	}
	if j < len(s.toks) && (s.toks[j].is(kAM) || s.toks[j].is(kPM)) {
		if c.hour < 1 || c.hour > 12 {
			return false, fmt.Errorf("%w: %d with am/pm", ErrInvalidTime, c.hour)
		}
		c.hour, c.loose = c.hour%12, false
		if s.toks[j].is(kPM) {
			c.hour += 12
		}
		j, marked = j+1, true
	}
	s.i = j
	if !marked {
		s.found.bare = append(s.found.bare, c)
		return true, nil
	}
	if err := c.check(); err != nil {
		return false, err
	}
	s.found.clocks = append(s.found.clocks, c)
	return true, nil
}

// minutes reads what follows an hour at j: ":30", ".30", "h30", "h",
// "e mezza", "e 30", "meno un quarto" (as -15).
func (s *scan) minutes(j int) (m, next int, ok bool, err error) {
	if j >= len(s.toks) {
		return 0, 0, false, nil
	}
	t := s.toks[j]
	var n token
	if j+1 < len(s.toks) {
		n = s.toks[j+1]
	}
	switch {
	case t.sym == ':' || ((t.sym == '.' || t.sym == ',') && !t.spaced && !n.spaced):
		if n.digits == 0 {
			return 0, 0, false, nil
		}
		if n.digits != 2 {
			return 0, 0, false, ErrNotUnderstood // "9:5"
		}
		return n.num, j + 2, true, nil
	case t.is(kH):
		if n.digits == 2 && !n.spaced {
			return n.num, j + 2, true, nil
		}
		return 0, j + 1, true, nil
	case t.is(kAnd):
		if v, ok := n.meaning(kMinutes); ok {
			return v, j + 2, true, nil
		}
		if n.digits == 2 {
			return n.num, j + 2, true, nil
		}
	case t.is(kMinus):
		if v, ok := n.meaning(kMinutes); ok {
			return -v, j + 2, true, nil
		}
	}
	return 0, 0, false, nil
}

// clockMark reports whether the token at j shows that the number before it
// is an hour: "10:30", "10.30", "10h", "10pm".
func (s *scan) clockMark(j int) bool {
	if j >= len(s.toks) {
		return false
	}
	t := s.toks[j]
	return t.sym == ':' || ((t.sym == '.' || t.sym == ',') && !t.spaced) || t.is(kH) || t.is(kAM) || t.is(kPM)
}

// startsTime reports whether a time of day can start at t.
func startsTime(t token) bool {
	return (t.digits > 0 && t.digits <= 2) || t.is(kClock)
}

// loose reports whether hour t could be night or afternoon.
func loose(t token) bool {
	return t.digits == 1 && t.num >= 1 && t.num <= 6
}

// check reports whether c is on the clock.
func (c clock) check() error {
	if c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 {
		return fmt.Errorf("%w: %02d:%02d", ErrInvalidTime, c.hour, c.minute)
	}
	return nil
}

// plus adds m minutes typed after the hour; a negative m ("meno un quarto")
// counts back from the hour.
func (c clock) plus(m int) clock {
	if m < 0 {
		c.hour, m = (c.hour+23)%24, 60+m
	}
	c.minute = m
	return c
}
