package when

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

var fuzzLangs = [...]string{"it", "en", "fr", "es", "ro", "uk", "ar"}

// FuzzParse checks, for any text, language and moment, that Parse does not
// panic, answers with one of its errors or a real date and time, and reads
// back what it returned once formatted; and that a valid date and time,
// formatted as people write it, is read as that date and time.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases() {
		f.Add(c.text, uint8(0), int64(0))
	}
	for _, s := range []string{"٢٥/٠٢/٢٠٢٧ ١٠:٣٠", "25..02", "9::30", "-1/-2", "99999999999/1", "alle alle", "e mezza",
		"10 e", "meno", "h", "@", "'", "п'ятниця", "1er", "0:00", "00/00", "31.12.99 23.59", "29.02", "24.00"} {
		f.Add(s, uint8(1), int64(-7000))
	}
	loc := rome(f)
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, text string, pick uint8, shift int64) {
		lang := fuzzLangs[int(pick)%len(fuzzLangs)]
		now := base.Add(time.Duration(shift%(20*365*24)) * time.Hour) // within 20 years
		r, err := Parse(text, lang, now)
		if err != nil {
			checkError(t, err, loc)
		} else {
			checkResult(t, r, loc)
			again, err := Parse(format(r), lang, now)
			if err != nil || again != r {
				t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", text, r, format(r), again, err)
			}
		}
		checkFormats(t, now.AddDate(0, 0, int(pick)), int(uint64(shift)%(24*60)), lang)
	})
}

// checkError fails unless err is one of the package's errors, with only
// valid choices.
func checkError(t *testing.T, err error, loc *time.Location) {
	t.Helper()
	var amb *AmbiguousError
	switch {
	case errors.As(err, &amb):
		for _, c := range amb.Choices {
			checkResult(t, c, loc)
		}
	case errors.Is(err, ErrNotUnderstood), errors.Is(err, ErrInvalidDate), errors.Is(err, ErrInvalidTime):
	default:
		t.Fatalf("unexpected error %v", err)
	}
}

// checkResult fails unless r is a date in the calendar and a time on the clock.
func checkResult(t *testing.T, r Result, loc *time.Location) {
	t.Helper()
	if !r.HasDate && !r.HasTime {
		t.Fatalf("empty result %+v", r)
	}
	if r.HasDate {
		y, m, d := time.Date(r.Year, r.Month, r.Day, 12, 0, 0, 0, time.UTC).Date()
		if y != r.Year || m != r.Month || d != r.Day || r.Year < 1000 || r.Year > 9999 {
			t.Fatalf("impossible date %+v", r)
		}
	}
	if r.HasTime && (r.Hour < 0 || r.Hour > 23 || r.Minute < 0 || r.Minute > 59) {
		t.Fatalf("impossible time %+v", r)
	}
	if r.HasDate && r.HasTime && !r.shows(r.Time(loc)) {
		t.Fatalf("%+v does not exist in %v", r, loc)
	}
}

// format writes r back the way a person could type it.
func format(r Result) string {
	s := ""
	if r.HasDate {
		s = fmt.Sprintf("%02d/%02d/%04d ", r.Day, r.Month, r.Year)
	}
	if r.HasTime {
		s += fmt.Sprintf("%02d:%02d", r.Hour, r.Minute)
	}
	return s
}

// checkFormats types the wall time minute minutes into day in several ways
// and checks that each is read back.
func checkFormats(t *testing.T, day time.Time, minute int, lang string) {
	t.Helper()
	y, m, d := day.Date()
	want := dt(y, m, d, minute/60, minute%60)
	wall := time.Date(y, m, d, want.Hour, want.Minute, 0, 0, time.UTC)
	for _, layout := range []string{
		"02/01/2006 15:04", "2/1/06 15:04", "2-1-2006 15.04", "02.01.2006 h15:04", "2006-01-02 15:04",
		"2 January 2006 15:04", "Jan 2 2006, 15h04", "Monday 2 Jan 2006 at 15:04",
	} {
		text := wall.Format(layout)
		got, err := Parse(text, lang, day)
		if !want.shows(want.Time(day.Location())) { // skipped when clocks go forward
			if !errors.Is(err, ErrInvalidTime) {
				t.Fatalf("Parse(%q) = %+v, %v; want ErrInvalidTime", text, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Fatalf("Parse(%q) = %+v, %v; want %+v", text, got, err, want)
		}
	}
}
