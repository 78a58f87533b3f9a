package e2e

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"nido/bot/telegramtest"
)

// Appointments: a mother, or her social worker, makes one; reminders come;
// staff know who confirmed. These tests talk to Nido as the people do.

// aurora is an organisation with its staff member Anna and a mother, Fatima.
func aurora(w *world) (staff, mother telegramtest.User) {
	w.t.Helper()
	org := w.openOrg("Casa Aurora", person(2001, "Anna", "it"), "it")
	fatima := person(3001, "Fatima", "it")
	w.signUp(org.staff, "mother", fatima, "it")
	return org.staff, fatima
}

// startingAt makes a world whose clock starts at t.
func startingAt(t time.Time) func(*options) { return func(o *options) { o.start = t } }

// rome is a time on the clocks of Rome.
func rome(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Europe/Rome")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// jobsOf lists the waiting jobs about u by id, with when they are due.
func (w *world) jobsOf(u telegramtest.User) map[string]time.Time {
	w.t.Helper()
	jobs, err := w.sched.ListOwner(context.Background(), idOf(u))
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, j := range jobs {
		out[j.ID] = j.Due
	}
	return out
}

func idOf(u telegramtest.User) string { return strconv.FormatInt(u.ID, 10) }

// wantDue fails unless u has a job whose id ends with suffix, due at due.
func (w *world) wantDue(u telegramtest.User, suffix string, due time.Time) {
	w.t.Helper()
	jobs := w.jobsOf(u)
	for id, d := range jobs {
		if strings.HasSuffix(id, suffix) && d.Equal(due) {
			return
		}
	}
	w.t.Errorf("no job ending in %q due %v; jobs: %v", suffix, due, jobs)
}

// advance moves the clock to t and waits until every job of the owners
// that was due by then has run, so that what they sent can be read and
// what they did not send is known not to come.
func (w *world) advance(t time.Time, owners ...string) {
	w.t.Helper()
	w.clock.Set(t)
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := w.sched.RunDue(ctx, w.engine.Jobs()); err != nil {
			w.t.Fatal(err)
		}
		pending := 0
		for _, o := range owners {
			jobs, err := w.sched.ListOwner(ctx, o)
			if err != nil {
				w.t.Fatal(err)
			}
			for _, j := range jobs {
				if !j.Due.After(t) {
					pending++
				}
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%d jobs due by %v still pending", pending, t)
		}
		// The scheduler's own loop is running them: look again shortly.
		<-time.After(5 * time.Millisecond)
	}
}

// count is how many of the bot's messages to u contain substr.
func (w *world) count(u telegramtest.User, substr string) int {
	n := 0
	for _, m := range w.tg.Messages(u.ID) {
		if strings.Contains(m.Plain(), substr) {
			n++
		}
	}
	return n
}

// waitCount waits until n of the bot's messages to u contain substr.
func (w *world) waitCount(u telegramtest.User, substr string, n int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.tg.Wait(ctx, func() bool { return w.count(u, substr) >= n }); err != nil {
		w.t.Fatalf("want %d messages to %d with %q, have %d: %v", n, u.ID, substr, w.count(u, substr), err)
	}
}

// calendarIn parses the .ics file among msgs and returns its event's start.
func calendarIn(t *testing.T, msgs []telegramtest.Message) (time.Time, *ics.VEvent) {
	t.Helper()
	for _, m := range msgs {
		if m.Document == nil || !strings.HasSuffix(m.Document.FileName, ".ics") {
			continue
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(m.Document.Content))
		if err != nil {
			t.Fatalf("the calendar file does not parse: %v", err)
		}
		if len(cal.Events()) != 1 {
			t.Fatalf("the calendar file has %d events", len(cal.Events()))
		}
		ev := cal.Events()[0]
		start, err := ev.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		return start, ev
	}
	t.Fatalf("no calendar file among %d messages", len(msgs))
	return time.Time{}, nil
}
