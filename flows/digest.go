package flows

import (
	"context"
	"fmt"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/it"

	"nido/scheduler"
)

// The staff's morning digest: each working morning at 08:30 (network time;
// Monday to Friday, but not on Italy's national holidays) every staff
// member whose organisation has something for the day gets one short
// message, made of what each capability says of that day (the day's
// appointments and who confirmed them, and what is to come). A recurring
// scheduler rule makes one job a day; the job writes to every
// organisation's staff. An organisation with nothing gets no message.

const (
	// jobDigest is the core's job kind; digestRuleID names its rule, and
	// adding it again changes nothing.
	jobDigest    = "digest"
	digestRuleID = "digest"
	// The rule and the kind of the digest while appointments owned it: its
	// rule is removed at start, and a job of it still queued is run as a digest.
	legacyDigestRuleID = "appointment-digest"
	legacyJobDigest    = "appointment.digest"
	// digestSpec is "08:30, Monday to Friday" in the network's time zone.
	digestSpec = "30 8 * * 1-5"
	// digestOwner owns the rule: it is about no one person.
	digestOwner = "network"
	// digestStale is how long after 08:30 a digest is still worth sending:
	// after an outage, yesterday's must not arrive next to today's, and the
	// day's news are no use once the day's work is over.
	digestStale = 10 * time.Hour
)

// ensureDigest makes sure the digest's rule is in the scheduler, and the
// rule of an older version is not.
func (e *Engine) ensureDigest(ctx context.Context) error {
	if err := e.cfg.Scheduler.RemoveRule(ctx, legacyDigestRuleID); err != nil {
		return wrap("remove the old digest rule", err)
	}
	return wrap("digest rule", e.cfg.Scheduler.AddRule(ctx, scheduler.Rule{
		ID: digestRuleID, Spec: digestSpec, Kind: jobDigest, Owner: digestOwner, EventAfter: digestStale,
	}))
}

// digest sends the day's digest to every organisation's staff. A retry
// after a partial failure does not repeat what was sent: each recipient's
// message has its own JobID.
func (e *Engine) digest(ctx context.Context, j scheduler.Job) error {
	day := j.Due.In(e.cfg.Location)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, e.cfg.Location)
	if !workday(day) {
		return nil // nobody is at the office to read it
	}
	orgs, err := e.people.Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		lines, err := e.digestOf(ctx, o.ID, day)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			continue // nothing today: no message
		}
		staff, err := e.people.Members(ctx, o.ID, RoleStaff)
		if err != nil {
			return err
		}
		for _, st := range staff {
			if st.Unreachable {
				continue
			}
			if err := e.tellMessage(ctx, st, j.ID, Message{Lines: lines}); err != nil {
				return err
			}
		}
	}
	return nil
}

// digestOf is what every capability says of org's day, in their order.
func (e *Engine) digestOf(ctx context.Context, org string, day time.Time) ([]T, error) {
	var lines []T
	for _, c := range e.caps {
		if c.Digest == nil {
			continue
		}
		more, err := c.Digest(ctx, org, day)
		if err != nil {
			return nil, fmt.Errorf("%s: digest: %w", c.Name, err)
		}
		lines = append(lines, more...)
	}
	return lines, nil
}

// workday reports whether day is a working day in Italy: not a weekend, not
// a national holiday (Easter Monday included). Cron knows only weekdays.
func workday(day time.Time) bool {
	return day.Weekday() != time.Saturday && day.Weekday() != time.Sunday && Holiday(day) == ""
}

// Holiday names the national holiday day falls on, in the network's
// calendar ("christmas": message ids end with it, as in
// "appointment.holiday_christmas"), or is "" on any other day. The digest
// is not sent on these days, and appointments warn of them, as many
// offices are closed.
func Holiday(day time.Time) string {
	for _, h := range holidays() {
		at, _ := h.day.Calc(day.Year())
		if !at.IsZero() && at.Month() == day.Month() && at.Day() == day.Day() {
			return h.name
		}
	}
	return ""
}

// holiday is one of Italy's national holidays and its name in texts.
type holiday struct {
	day  *cal.Holiday
	name string
}

// holidays are Italy's national holidays, it.Holidays, each with its name.
func holidays() []holiday {
	return []holiday{
		{it.Capodanno, "new_year"}, {it.Epifania, "epiphany"}, {it.Pasquetta, "easter_monday"},
		{it.FestaDellaLiberazione, "liberation"}, {it.FestaDelLavoro, "labour"}, {it.FestaDellaRepubblica, "republic"},
		{it.Assunzione, "assumption"}, {it.TuttiISanti, "all_saints"}, {it.Immacolata, "immaculate"},
		{it.Natale, "christmas"}, {it.SantoStefano, "st_stephen"},
	}
}
