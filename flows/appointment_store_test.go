package flows

import (
	"fmt"
	"testing"
	"time"
)

// An appointment imported with its time in another zone gets its reminders
// on the network's clock: "a day before 10:00" is 10:00 the day before in
// Rome, even when the clocks changed in between.
func TestAddAppointmentCountsDaysInTheNetworkZone(t *testing.T) {
	w := newApptWorld(t)
	w.clock.Set(time.Date(2026, 10, 20, 9, 0, 0, 0, w.loc))
	// 10:00 in Rome on Sunday 25 October 2026, the day the clocks go back, written in UTC.
	at := time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC)
	a, err := w.e.AddAppointment(w.ctx, Appointment{Mother: w.mother.ID, By: w.staff.ID, Kind: "paediatrician", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if a.At.Location() != w.loc || !a.At.Equal(at) || a.Org != "1" {
		t.Errorf("saved at %v in %v, org %q", a.At, a.At.Location(), a.Org)
	}
	job, ok, err := w.sched.Get(w.ctx, apptJobID(a, "remind-24h"))
	if err != nil || !ok {
		t.Fatalf("the reminder a day before: found %v, err %v", ok, err)
	}
	if want := time.Date(2026, 10, 24, 10, 0, 0, 0, w.loc); !job.Due.Equal(want) {
		t.Errorf("the reminder a day before is due %v, want %v", job.Due.In(w.loc), want)
	}
}

// Lists and the day view cost a few round trips to Redis, not one per
// appointment or per mother.
func TestListsTakeFewRoundTrips(t *testing.T) {
	w := newApptWorld(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, w.loc)
	for i := range 12 {
		m := Person{ID: int64(4000 + i), Role: RoleMother, OrgID: "1", Lang: "it", Name: fmt.Sprintf("M%d", i), Joined: day}
		if err := w.e.People().Save(w.ctx, m); err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{m.ID, w.mother.ID} {
			_, err := w.e.appts().create(w.ctx, Appointment{Mother: m, Org: "1", Kind: "social",
				At: day.Add(time.Duration(8*60+i*10) * time.Minute), Created: day})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name     string
		maxTrips int
		run      func() (int, error)
	}{
		{"a mother's appointments", 2, func() (int, error) {
			list, err := w.e.appts().ofMother(w.ctx, w.mother.ID, day, day.AddDate(0, 0, 1))
			return len(list), err
		}},
		{"the organisation's day", 4, func() (int, error) {
			lines, err := w.e.dayLines(w.ctx, "1", day, "appointment.day_title")
			return len(lines) - 1, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.hook.roundTrips()
			n, err := tt.run()
			trips := w.hook.roundTrips() - before
			if err != nil || n < 12 {
				t.Fatalf("%d appointments, err %v", n, err)
			}
			if trips > tt.maxTrips {
				t.Errorf("%d appointments in %d round trips, want at most %d", n, trips, tt.maxTrips)
			}
		})
	}
}
