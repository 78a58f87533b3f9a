package scheduler

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours is a daily window of local time in which nudges wait, so that a
// tip does not wake a mother and her baby at 23:00.
type QuietHours struct {
	// Start and End are minutes after local midnight; the window runs from
	// Start (included) to End (excluded) and may cross midnight. Start equal
	// to End means no quiet hours.
	Start, End int
}

// DefaultQuietHours is the window used when none is configured: 21:00-08:00.
const DefaultQuietHours = "21:00-08:00"

// ParseQuietHours reads a window written "21:00-08:00"; "off" means none and
// the empty string means DefaultQuietHours. main uses it for NIDO_QUIET_HOURS.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		s = DefaultQuietHours
	case "off":
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM or off", s)
	}
	start, err := parseClock(from)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	end, err := parseClock(to)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("quiet hours %q: start equals end; write off for none", s)
	}
	return QuietHours{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 08:00", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String writes the window the way ParseQuietHours reads it.
func (q QuietHours) String() string {
	if q.off() {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

func (q QuietHours) off() bool { return q.Start == q.End }

// contains reports whether t falls inside quiet hours in loc.
func (q QuietHours) contains(t time.Time, loc *time.Location) bool {
	if q.off() {
		return false
	}
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// window returns the start and end of the quiet period that contains t.
func (q QuietHours) window(t time.Time, loc *time.Location) (start, end time.Time) {
	w := toWall(t, loc)
	day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	m := w.Hour()*60 + w.Minute()
	startDay, endDay := day, day
	if q.Start > q.End { // crosses midnight
		if m >= q.Start {
			endDay = day.AddDate(0, 0, 1)
		} else {
			startDay = day.AddDate(0, 0, -1)
		}
	}
	start = fromWall(startDay.Add(time.Duration(q.Start)*time.Minute), loc)
	end = fromWall(endDay.Add(time.Duration(q.End)*time.Minute), loc)
	return start, end
}

// eveningMargin is how long before quiet hours start a nudge is moved when
// its event comes before quiet hours end.
const eveningMargin = time.Minute

// adjust applies the quiet-hours rule to a non-urgent job due at due that
// reminds of event (zero if none), as decided at now:
//   - outside quiet hours the job keeps its time;
//   - inside, it waits for quiet hours to end, unless its event comes at or
//     before that end: then it moves to just before quiet hours started
//     (the previous evening for a morning event) if that is still ahead of
//     now, and otherwise keeps its time, because a late nudge beats none.
func (q QuietHours) adjust(due, event, now time.Time, loc *time.Location) time.Time {
	if !q.contains(due, loc) {
		return due
	}
	start, end := q.window(due, loc)
	if event.IsZero() || event.After(end) {
		return end
	}
	if evening := start.Add(-eveningMargin); evening.After(now) {
		return evening
	}
	return due
}
