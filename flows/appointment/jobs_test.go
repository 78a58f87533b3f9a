package appointment

import (
	"strings"
	"testing"
	"time"

	"nido/flows"
)

func TestOffsetName(t *testing.T) {
	tests := map[time.Duration]string{
		24 * time.Hour:                "24h",
		2 * time.Hour:                 "2h",
		90 * time.Minute:              "1h30m",
		45 * time.Minute:              "45m",
		90 * time.Second:              "1m30s",
		72*time.Hour + 15*time.Minute: "72h15m",
		0:                             "0s",
	}
	for d, want := range tests {
		if got := flows.OffsetName(d); got != want {
			t.Errorf("flows.OffsetName(%v) = %q, want %q", d, got, want)
		}
	}
}

// Job ids name the appointment, its version and the job, so planning the
// same version again replaces jobs and a moved appointment gets new ones.
func TestApptJobID(t *testing.T) {
	a := Appointment{ID: "42", Seq: 3}
	if got, want := apptJobID(a, "remind-24h"), "appt:42:v3:remind-24h"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := apptJobPrefix("42"), "appt:42:"; got != want {
		t.Errorf("prefix %q, want %q", got, want)
	}
	// One appointment's prefix must not be another's: 4 and 42.
	if id := apptJobID(Appointment{ID: "42"}, "after"); strings.HasPrefix(id, apptJobPrefix("4")) {
		t.Errorf("%q starts with the prefix of appointment 4", id)
	}
}

// Reminders whole days before come at the same time on the clock, also when
// the clocks change in between; the rest is real time.
func TestReminderDueAcrossDST(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		name string
		at   time.Time
		off  time.Duration
		want time.Time
	}{
		{"ordinary day", time.Date(2027, 2, 25, 9, 30, 0, 0, loc), 24 * time.Hour, time.Date(2027, 2, 24, 9, 30, 0, 0, loc)},
		{"day after clocks went back", time.Date(2026, 10, 26, 9, 0, 0, 0, loc), 24 * time.Hour, time.Date(2026, 10, 25, 9, 0, 0, 0, loc)},
		{"on the day clocks went back", time.Date(2026, 10, 25, 10, 0, 0, 0, loc), 24 * time.Hour, time.Date(2026, 10, 24, 10, 0, 0, 0, loc)},
		{"2h across the change is real time", time.Date(2026, 10, 25, 3, 30, 0, 0, loc), 2 * time.Hour, time.Date(2026, 10, 25, 3, 30, 0, 0, loc).Add(-2 * time.Hour)},
		{"day after clocks went forward", time.Date(2027, 3, 29, 9, 0, 0, 0, loc), 24 * time.Hour, time.Date(2027, 3, 28, 9, 0, 0, 0, loc)},
		{"two days and a half", time.Date(2027, 3, 29, 9, 0, 0, 0, loc), 60 * time.Hour, time.Date(2027, 3, 26, 21, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := flows.ReminderDue(tt.at, tt.off); !got.Equal(tt.want) {
				t.Errorf("due %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApptJobs(t *testing.T) {
	loc := rome(t)
	a := Appointment{ID: "7", Seq: 1, Mother: 3001, At: time.Date(2027, 2, 25, 9, 30, 0, 0, loc)}
	offsets := []time.Duration{2 * time.Hour, 24 * time.Hour} // any order
	type want struct {
		id, kind string
		due      time.Time
		last     bool
	}
	tests := []struct {
		name string
		now  time.Time
		want []want
	}{
		{"days ahead: both reminders, the 2h one last, then after", time.Date(2027, 2, 20, 10, 0, 0, 0, loc), []want{
			{"appt:7:v1:remind-24h", jobReminder, time.Date(2027, 2, 24, 9, 30, 0, 0, loc), false},
			{"appt:7:v1:remind-2h", jobReminder, time.Date(2027, 2, 25, 7, 30, 0, 0, loc), true},
			{"appt:7:v1:after", jobAfter, time.Date(2027, 2, 25, 12, 30, 0, 0, loc), false},
		}},
		{"the same morning: only the 2h reminder", time.Date(2027, 2, 25, 6, 0, 0, 0, loc), []want{
			{"appt:7:v1:remind-2h", jobReminder, time.Date(2027, 2, 25, 7, 30, 0, 0, loc), true},
			{"appt:7:v1:after", jobAfter, time.Date(2027, 2, 25, 12, 30, 0, 0, loc), false},
		}},
		{"an hour before: no reminder left", time.Date(2027, 2, 25, 8, 30, 0, 0, loc), []want{
			{"appt:7:v1:after", jobAfter, time.Date(2027, 2, 25, 12, 30, 0, 0, loc), false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apptJobs(a, offsets, tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("%d jobs, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, j := range got {
				w := tt.want[i]
				if j.ID != w.id || j.Kind != w.kind || !j.Due.Equal(w.due) || (j.Args["last"] == "1") != w.last {
					t.Errorf("job %d = %s %s %v last=%q, want %s %s %v last=%v", i, j.ID, j.Kind, j.Due, j.Args["last"], w.id, w.kind, w.due, w.last)
				}
				if j.Owner != "3001" || j.Args["appt"] != "7" || j.Args["v"] != "1" {
					t.Errorf("job %d carries owner %q args %v", i, j.Owner, j.Args)
				}
				// A reminder is pointless after the appointment; "did you go?" is not.
				if (j.Kind == jobReminder) != j.Event.Equal(a.At) {
					t.Errorf("job %d event %v", i, j.Event)
				}
			}
		})
	}
}
