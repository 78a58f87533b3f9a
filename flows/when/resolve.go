package when

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// resolve checks that what the text said fits together and turns it into a
// Result at now. Readings it cannot choose between become an AmbiguousError.
func (f found) resolve(now time.Time) (Result, error) {
	if len(f.dotted) > 0 {
		return f.settleDotted(now)
	}
	if len(f.bare) > 0 {
		switch {
		case len(f.bare) > 1 || len(f.clocks) > 0:
			return Result{}, ErrNotUnderstood // "domani 10 11", "domani 10 alle 11"
		case len(f.dates)+len(f.weekdays) == 0, f.bare[0].check() != nil:
			return Result{}, &AmbiguousError{} // "18": a day or an hour? "martedì 24": the 24th?
		}
		f.clocks, f.bare = f.bare, nil
	}
	r, err := f.day(now)
	if err != nil {
		return Result{}, err
	}
	c, hasTime, err := f.time()
	switch {
	case err != nil:
		return Result{}, err
	case hasTime && c.loose:
		return choose(now, f.at(c.hour, c.minute), f.at(c.hour+12, c.minute))
	case hasTime:
		r.HasTime, r.Hour, r.Minute = true, c.hour, c.minute
	case !r.HasDate:
		return Result{}, ErrNotUnderstood
	}
	if r.HasDate && r.HasTime && !r.shows(r.Time(now.Location())) {
		return Result{}, fmt.Errorf("%w: %02d:%02d is skipped when clocks go forward", ErrInvalidTime, r.Hour, r.Minute)
	}
	return r, nil
}

// settleDotted decides whether "10.11" is a date or a time: a time next to
// a date, a date next to a time, and otherwise both are offered.
func (f found) settleDotted(now time.Time) (Result, error) {
	if len(f.dotted) > 1 {
		return Result{}, &AmbiguousError{}
	}
	asDate, asTime := f, f
	asDate.dotted, asTime.dotted = nil, nil
	asDate.dates = append(slices.Clip(f.dates), f.dotted[0].date)
	asTime.clocks = append(slices.Clip(f.clocks), f.dotted[0].clock)
	hasDate := len(f.dates)+len(f.weekdays) > 0
	hasTime := len(f.clocks)+len(f.parts) > 0
	switch {
	case hasDate && hasTime:
		return Result{}, ErrNotUnderstood
	case hasDate:
		return asTime.resolve(now)
	case hasTime:
		return asDate.resolve(now)
	}
	return choose(now, asDate, asTime)
}

// choose returns an AmbiguousError with the readings that resolve.
func choose(now time.Time, readings ...found) (Result, error) {
	var e AmbiguousError
	for _, f := range readings {
		r, err := f.resolve(now)
		var more *AmbiguousError
		switch {
		case err == nil:
			e.Choices = append(e.Choices, r)
		case errors.As(err, &more):
			e.Choices = append(e.Choices, more.Choices...)
		}
	}
	return Result{}, &e
}

// at returns f with its time replaced by hour:minute, taken as written.
func (f found) at(hour, minute int) found {
	f.clocks, f.parts = []clock{{hour: hour, minute: minute}}, nil
	return f
}

// day resolves the dates and weekdays to one day, if the text named one.
func (f found) day(now time.Time) (Result, error) {
	var r Result
	for _, d := range f.dates {
		y, m, dd, err := d.on(now)
		if err != nil {
			return Result{}, err
		}
		if r.HasDate && (y != r.Year || m != r.Month || dd != r.Day) {
			return Result{}, &AmbiguousError{} // "domani dopodomani"
		}
		r.HasDate, r.Year, r.Month, r.Day = true, y, m, dd
	}
	for _, wd := range f.weekdays {
		if !r.HasDate {
			ahead := (int(wd)-int(now.Weekday())+6)%7 + 1 // 1 to 7 days
			r.HasDate = true
			r.Year, r.Month, r.Day = date{rel: ahead, relative: true}.onRel(now)
		}
		if time.Date(r.Year, r.Month, r.Day, 12, 0, 0, 0, time.UTC).Weekday() != wd {
			return Result{}, &AmbiguousError{} // "venerdì 26 novembre" when the 26th is a Thursday
		}
	}
	return r, nil
}

// time resolves the clocks to one time of day, with the part of the day
// applied, if the text named one.
func (f found) time() (clock, bool, error) {
	if len(f.clocks) == 0 {
		return clock{}, false, nil
	}
	c := f.clocks[0]
	for _, o := range f.clocks[1:] {
		if o.hour != c.hour || o.minute != c.minute {
			return clock{}, false, &AmbiguousError{} // "alle 10 o alle 11"
		}
	}
	morning := slices.Contains(f.parts, kMorning) || slices.Contains(f.parts, kAM)
	evening := slices.Contains(f.parts, kEvening) || slices.Contains(f.parts, kPM)
	switch {
	case morning && evening:
		return clock{}, false, &AmbiguousError{}
	case morning && c.hour > 12:
		return clock{}, false, &AmbiguousError{} // "15 di mattina"
	case evening && c.hour >= 1 && c.hour < 12:
		c.hour += 12
	}
	c.loose = c.loose && !morning && !evening
	return c, true, nil
}
