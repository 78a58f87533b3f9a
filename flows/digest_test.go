package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/rickar/cal/v2/it"

	"nido/flows"
	"nido/flows/flowstest"
	"nido/scheduler"
)

// The morning digest gathers what each capability says of an organisation's
// day, for that organisation's staff only; an organisation with nothing to
// say gets no message, and nobody gets one on a national holiday.
func TestDigestGathersTheCapabilitiesDay(t *testing.T) {
	says := func(org string) func(ctx context.Context, o string, day time.Time) ([]flows.T, error) {
		return func(_ context.Context, o string, day time.Time) ([]flows.T, error) {
			if o != org {
				return nil, nil
			}
			return []flows.T{{Plain: "news of " + day.Format("02/01")}}, nil
		}
	}
	capability := func(name, org string) flows.Maker {
		return func(*flows.Engine) flows.Capability { return flows.Capability{Name: name, Digest: says(org)} }
	}
	w := flowstest.New(t, capability("first", "2"), capability("second", "2"))
	for _, name := range []string{"Casa Aurora", "Casa Sole"} {
		if _, err := w.E.People().CreateOrg(w.Ctx, name, w.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	marco := flows.Person{ID: 2002, Role: flows.RoleStaff, OrgID: "2", Lang: "it", Name: "Marco", Joined: w.Clock.Now()}
	if err := w.E.People().Save(w.Ctx, marco); err != nil {
		t.Fatal(err)
	}
	run := func(due time.Time) []flows.Message {
		before := len(w.Out.Sent())
		if err := w.E.Jobs().Handle(w.Ctx, scheduler.Job{ID: "digest@" + due.Format("0102"), Kind: "digest", Due: due}); err != nil {
			t.Fatal(err)
		}
		return w.Out.Sent()[before:]
	}

	sent := run(time.Date(2026, 11, 24, 8, 30, 0, 0, w.Loc))
	if len(sent) != 1 || sent[0].ChatID != marco.ID || len(sent[0].Lines) != 2 || sent[0].Lines[0].Plain != "news of 24/11" {
		t.Fatalf("Tuesday's digest: %+v, want one message to Casa Sole's staff with both capabilities' news", sent)
	}
	if sent := run(time.Date(2026, 12, 8, 8, 30, 0, 0, w.Loc)); len(sent) != 0 {
		t.Errorf("a digest on the 8th of December, a holiday: %+v", sent)
	}
}

// Every national holiday has a name for the texts that mention it, in
// every year; the days around them have none.
func TestHolidayNames(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{2009, 2026, 2027, 2038} {
		for _, h := range it.Holidays {
			day, _ := h.Calc(year)
			day = time.Date(year, day.Month(), day.Day(), 10, 0, 0, 0, loc)
			if flows.Holiday(day) == "" {
				t.Errorf("%s %d has no name", h.Name, year)
			}
		}
	}
	for day, want := range map[time.Time]string{
		time.Date(2026, 12, 25, 0, 0, 0, 0, loc):  "christmas",
		time.Date(2026, 12, 24, 23, 0, 0, 0, loc): "",
		time.Date(2027, 3, 29, 9, 0, 0, 0, loc):   "easter_monday",
		time.Date(2027, 3, 28, 9, 0, 0, 0, loc):   "", // Easter Sunday: a Sunday
		time.Date(2026, 12, 8, 9, 0, 0, 0, loc):   "immaculate",
	} {
		if got := flows.Holiday(day); got != want {
			t.Errorf("Holiday(%s) = %q, want %q", day.Format("02/01/2006"), got, want)
		}
	}
}
