package appointment

import (
	"context"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/it"

	"nido/flows"
	"nido/scheduler"
)

// The staff's morning digest: each working morning at 08:30 (network time;
// Monday to Friday, but not on Italy's national holidays),
// every staff member whose organisation's mothers have appointments that day
// gets one short message: each appointment, who confirmed, who asked to
// change, who did not answer. A recurring scheduler rule makes one job a
// day; the job writes to every organisation's staff.

const (
	jobDigest = "appointment.digest"
	// digestRuleID names the rule; adding it again changes nothing.
	digestRuleID = "appointment-digest"
	// digestSpec is "08:30, Monday to Friday" in the network's time zone.
	digestSpec = "30 8 * * 1-5"
	// digestOwner owns the rule: it is about no one person.
	digestOwner = "network"
	// digestStale is how long after 08:30 a digest is still worth sending:
	// after an outage, yesterday's must not arrive next to today's, and one
	// of the day's appointments is no use once the day's work is over.
	digestStale = 10 * time.Hour
)

// digestRule makes one digest job every working morning.
func digestRule() scheduler.Rule {
	return scheduler.Rule{ID: digestRuleID, Spec: digestSpec, Kind: jobDigest, Owner: digestOwner, EventAfter: digestStale}
}

// digest sends the day's digest to every organisation's staff. A retry
// after a partial failure does not repeat what was sent: each recipient's
// message has its own JobID.
func (e *capability) digest(ctx context.Context, j scheduler.Job) error {
	day := midnight(j.Due.In(e.Location()))
	if !workday(day) {
		return nil // nobody is at the office to read it
	}
	orgs, err := e.People().Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		lines, err := e.dayLines(ctx, o.ID, day, "digest.title")
		if err != nil {
			return err
		}
		if len(lines) == 1 {
			continue // nothing today: no message
		}
		staff, err := e.People().Members(ctx, o.ID, flows.RoleStaff)
		if err != nil {
			return err
		}
		for _, st := range staff {
			if st.Unreachable {
				continue
			}
			if err := e.TellMessage(ctx, st, j.ID, flows.Message{Lines: lines}); err != nil {
				return err
			}
		}
	}
	return nil
}

// workday reports whether day is a working day in Italy: not a weekend, not
// a national holiday (Easter Monday included). Cron knows only weekdays.
func workday(day time.Time) bool {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(it.Holidays...)
	return c.IsWorkday(day)
}
