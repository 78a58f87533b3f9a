package flows

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"nido/flows/when"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestSlotsFor(t *testing.T) {
	loc := rome(t)
	day := time.Date(2027, 2, 25, 0, 0, 0, 0, loc)
	tests := []struct {
		name  string
		now   time.Time
		first string
		n     int
	}{
		{"a later day has every slot", time.Date(2027, 2, 20, 10, 0, 0, 0, loc), "0830", len(timeSlots())},
		{"today only those half an hour away", time.Date(2027, 2, 25, 10, 10, 0, 0, loc), "1100", 9},
		{"exactly half an hour counts", time.Date(2027, 2, 25, 16, 0, 0, 0, loc), "1630", 2},
		{"none left in the evening", time.Date(2027, 2, 25, 18, 0, 0, 0, loc), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slotsFor(day, tt.now)
			if len(got) != tt.n || (tt.n > 0 && got[0] != tt.first) {
				t.Errorf("slots %v, want %d from %s", got, tt.n, tt.first)
			}
			if !slices.IsSorted(got) {
				t.Errorf("slots not in order: %v", got)
			}
		})
	}
}

func TestDayProblem(t *testing.T) {
	loc := rome(t)
	now := time.Date(2027, 2, 20, 23, 59, 0, 0, loc)
	tests := map[string]string{
		"20270220": "",
		"20270221": "",
		"20270219": "appointment.day_past",
		"20290301": "appointment.day_far",
		"2027022":  "appointment.day_not_understood",
		"20270231": "appointment.day_not_understood",
	}
	for day, want := range tests {
		t.Run(day, func(t *testing.T) {
			if got := DayProblem(day, now); got != want {
				t.Errorf("DayProblem(%s) = %q, want %q", day, got, want)
			}
		})
	}
}

// at reads the day and time on the clock of Rome, also on the days the clocks change.
func TestAtAcrossDST(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		day, clock string
		wantUTC    time.Time
	}{
		{"20261024", "0930", time.Date(2026, 10, 24, 7, 30, 0, 0, time.UTC)}, // summer time
		{"20261025", "0930", time.Date(2026, 10, 25, 8, 30, 0, 0, time.UTC)}, // winter time from 03:00
		{"20261025", "0230", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)}, // twice: the first
		{"20270328", "0930", time.Date(2027, 3, 28, 7, 30, 0, 0, time.UTC)},  // summer time from 02:00
	}
	for _, tt := range tests {
		t.Run(tt.day+" "+tt.clock, func(t *testing.T) {
			got, ok := At(tt.day, tt.clock, loc)
			if !ok || !got.Equal(tt.wantUTC) {
				t.Errorf("at = %v %v, want %v", got.UTC(), ok, tt.wantUTC)
			}
		})
	}
	if _, ok := At("20270328", "2460", loc); ok {
		t.Error("24:60 was read as a time")
	}
}

func TestDayLabel(t *testing.T) {
	loc := rome(t)
	days := when.Days(time.Date(2027, 2, 20, 10, 0, 0, 0, loc), 3)
	want := []T{
		{ID: "appointment.today", Data: map[string]any{"Date": "20/02"}},
		{ID: "appointment.tomorrow", Data: map[string]any{"Date": "21/02"}},
		{ID: "appointment.day_button", Data: map[string]any{"Weekday": T{ID: "date.weekday.1"}, "Date": "22/02"}},
	}
	for i, d := range days {
		got := dayLabel(d, i)
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("day %d: %+v, want %+v", i, got, want[i])
		}
	}
}

// The readings of an ambiguous text that have passed are not offered; when
// none is left, the text was a past day and time.
func TestChoiceRowsLeaveOutPastReadings(t *testing.T) {
	loc := rome(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc) // a Monday
	tests := []struct {
		text string
		want []string
		past bool
	}{
		{"oggi alle 3", []string{"d:20261123T1500"}, false},
		{"domani alle 3", []string{"d:20261124T0300", "d:20261124T1500"}, false},
		{"alle 3", []string{"t:0300", "t:1500"}, false}, // for a day still to choose
		{"ieri alle 3", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := when.Parse(tt.text, "it", now)
			rows, past := choiceRows(err, now, "d", "t")
			var got []string
			for _, row := range rows {
				for _, b := range row {
					got = append(got, b.Data)
				}
			}
			if !slices.Equal(got, tt.want) || past != tt.past {
				t.Errorf("choices %q past %v, want %q past %v", got, past, tt.want, tt.past)
			}
		})
	}
}
