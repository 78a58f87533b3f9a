package scheduler

import (
	"testing"
	"time"
)

func TestParseQuietHours(t *testing.T) {
	tests := []struct {
		in      string
		want    QuietHours
		wantErr bool
	}{
		{"21:00-08:00", QuietHours{21 * 60, 8 * 60}, false},
		{" 22:30 - 07:15 ", QuietHours{22*60 + 30, 7*60 + 15}, false},
		{"13:00-15:00", QuietHours{13 * 60, 15 * 60}, false},
		{"", QuietHours{21 * 60, 8 * 60}, false},
		{"off", QuietHours{}, false},
		{"21:00", QuietHours{}, true},
		{"25:00-08:00", QuietHours{}, true},
		{"21:00-21:00", QuietHours{}, true},
		{"nine-eight", QuietHours{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuietHours(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := (QuietHours{21 * 60, 8 * 60}).String(); got != "21:00-08:00" {
		t.Errorf("String = %q", got)
	}
}

func TestQuietAdjust(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		name            string
		quiet           string // "" is the default 21:00-08:00
		due, event, now string // event "" is none
		want            string
	}{
		{name: "outside quiet hours keeps its time", due: "2026-05-12 15:00", now: "2026-05-12 09:00", want: "2026-05-12 15:00"},
		{name: "20:59 is still allowed", due: "2026-05-12 20:59", now: "2026-05-12 09:00", want: "2026-05-12 20:59"},
		{name: "08:00 is allowed", due: "2026-05-13 08:00", now: "2026-05-12 09:00", want: "2026-05-13 08:00"},
		{name: "evening nudge waits for the morning", due: "2026-05-12 22:00", now: "2026-05-12 09:00", want: "2026-05-13 08:00"},
		{name: "21:00 sharp waits", due: "2026-05-12 21:00", now: "2026-05-12 09:00", want: "2026-05-13 08:00"},
		{name: "night nudge waits for the morning", due: "2026-05-13 03:00", now: "2026-05-12 09:00", want: "2026-05-13 08:00"},
		{name: "event after quiet hours: wait for the end", due: "2026-05-12 23:00", event: "2026-05-13 09:00", now: "2026-05-12 09:00", want: "2026-05-13 08:00"},
		{name: "event at 07:30: previous evening", due: "2026-05-13 06:30", event: "2026-05-13 07:30", now: "2026-05-12 09:00", want: "2026-05-12 20:59"},
		{name: "event when quiet hours end: previous evening", due: "2026-05-13 07:00", event: "2026-05-13 08:00", now: "2026-05-12 09:00", want: "2026-05-12 20:59"},
		{name: "event late in the evening: just before 21:00", due: "2026-05-12 22:00", event: "2026-05-12 23:00", now: "2026-05-12 09:00", want: "2026-05-12 20:59"},
		{name: "previous evening already past: keep the time", due: "2026-05-13 06:30", event: "2026-05-13 07:30", now: "2026-05-12 22:00", want: "2026-05-13 06:30"},
		{name: "night of the October change", due: "2026-10-25 02:30", now: "2026-10-24 09:00", want: "2026-10-25 08:00"},
		{name: "night of the March change", due: "2026-03-29 01:30", now: "2026-03-28 09:00", want: "2026-03-29 08:00"},
		{name: "daytime window", quiet: "13:00-15:00", due: "2026-05-12 14:00", now: "2026-05-12 09:00", want: "2026-05-12 15:00"},
		{name: "daytime window, event inside", quiet: "13:00-15:00", due: "2026-05-12 14:00", event: "2026-05-12 14:30", now: "2026-05-12 09:00", want: "2026-05-12 12:59"},
		{name: "no quiet hours", quiet: "off", due: "2026-05-12 23:00", now: "2026-05-12 09:00", want: "2026-05-12 23:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuietHours(tt.quiet)
			if err != nil {
				t.Fatal(err)
			}
			var event time.Time
			if tt.event != "" {
				event = at(t, tt.event)
			}
			got := q.adjust(at(t, tt.due), event, at(t, tt.now), loc)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("adjust = %s, want %s", got.In(loc).Format("2006-01-02 15:04"), tt.want)
			}
		})
	}
}
