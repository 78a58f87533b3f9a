package appointment

import (
	"fmt"
	"testing"
	"time"

	"nido/flows"
)

// "A day before 10:00" is 10:00 the day before in Rome, even when the
// clocks changed in between.
func TestRemindersCountDaysInTheNetworkZone(t *testing.T) {
	w := newApptWorld(t)
	w.Clock.Set(time.Date(2026, 10, 20, 9, 0, 0, 0, w.Loc))
	// 10:00 in Rome on Sunday 25 October 2026, the day the clocks go back.
	at := time.Date(2026, 10, 25, 10, 0, 0, 0, w.Loc)
	a, _, gone, err := w.c.saveAppointment(w.Ctx, Appointment{Mother: w.Mother.ID, Org: "1", By: w.Staff.ID,
		Kind: "paediatrician", At: at, Created: w.Clock.Now()})
	if err != nil || gone {
		t.Fatal(err, gone)
	}
	job, ok, err := w.Sched.Get(w.Ctx, apptJobID(a, "remind-24h"))
	if err != nil || !ok {
		t.Fatalf("the reminder a day before: found %v, err %v", ok, err)
	}
	if want := time.Date(2026, 10, 24, 10, 0, 0, 0, w.Loc); !job.Due.Equal(want) {
		t.Errorf("the reminder a day before is due %v, want %v", job.Due.In(w.Loc), want)
	}
}

// Lists and the day view cost a few round trips to Redis, not one per
// appointment or per mother.
func TestListsTakeFewRoundTrips(t *testing.T) {
	w := newApptWorld(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, w.Loc)
	for i := range 12 {
		m := flows.Person{ID: int64(4000 + i), Role: flows.RoleMother, OrgID: "1", Lang: "it", Name: fmt.Sprintf("M%d", i), Joined: day}
		if err := w.E.People().Save(w.Ctx, m); err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{m.ID, w.Mother.ID} {
			_, err := w.c.appts().create(w.Ctx, Appointment{Mother: m, Org: "1", Kind: "social",
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
			list, err := w.c.appts().ofMother(w.Ctx, w.Mother.ID, day, day.AddDate(0, 0, 1))
			return len(list), err
		}},
		{"the organisation's day", 4, func() (int, error) {
			_, on, err := w.c.dayLines(w.Ctx, "1", day, "appointment.day_title")
			return on, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.Hook.RoundTrips()
			n, err := tt.run()
			trips := w.Hook.RoundTrips() - before
			if err != nil || n < 12 {
				t.Fatalf("%d appointments, err %v", n, err)
			}
			if trips > tt.maxTrips {
				t.Errorf("%d appointments in %d round trips, want at most %d", n, trips, tt.maxTrips)
			}
		})
	}
}
