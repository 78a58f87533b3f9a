package when

import (
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	loc := rome(t)
	utc := func(s string) time.Time {
		u, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, c := range []struct {
		name string
		r    Result
		want time.Time
	}{
		{"winter", dt(2026, 11, 23, 10, 0), utc("2026-11-23 09:00")},
		{"summer", dt(2026, 7, 1, 10, 0), utc("2026-07-01 08:00")},
		{"skipped hour is read before the jump", dt(2026, 3, 29, 2, 30), utc("2026-03-29 01:30")},
		{"repeated hour is the first", dt(2026, 10, 25, 2, 30), utc("2026-10-25 00:30")},
		{"after the repeated hour", dt(2026, 10, 25, 3, 0), utc("2026-10-25 02:00")},
		{"time only", hm(10, 0), time.Time{}},
		{"date only", day(2026, 11, 23), time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.r.Time(loc); !got.Equal(c.want) {
				t.Errorf("Time = %v, want %v", got, c.want.In(loc))
			}
		})
	}
}

func TestFuture(t *testing.T) {
	now := at(t, monday) // 2026-11-23 10:00
	for _, c := range []struct {
		name string
		r    Result
		want bool
	}{
		{"now", dt(2026, 11, 23, 10, 0), true},
		{"a minute ago", dt(2026, 11, 23, 9, 59), false},
		{"today", day(2026, 11, 23), true},
		{"yesterday", day(2026, 11, 22), false},
		{"next year", day(2027, 1, 1), true},
		{"time later today", hm(18, 0), true},
		{"time earlier today", hm(9, 0), false},
		{"nothing", Result{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.r.Future(now); got != c.want {
				t.Errorf("Future = %v, want %v", got, c.want)
			}
		})
	}
}

func TestDays(t *testing.T) {
	now := at(t, spring) // clocks go forward in two days
	days := Days(now, 14)
	if len(days) != 14 {
		t.Fatalf("got %d days, want 14", len(days))
	}
	for i, d := range days {
		want := time.Date(2026, 3, 27+i, 0, 0, 0, 0, now.Location())
		if !d.Equal(want) || d.Hour() != 0 {
			t.Errorf("day %d = %v, want %v", i, d, want)
		}
		// A day button and the same day typed are the same day.
		if r, err := Parse(d.Format("02/01"), "it", now); err != nil || r != day(d.Date()) {
			t.Errorf("Parse(%s) = %+v, %v", d.Format("02/01"), r, err)
		}
	}
	if n := len(Days(now, -1)); n != 0 {
		t.Errorf("Days(-1) has %d days", n)
	}
}
