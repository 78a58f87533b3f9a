package family

import (
	"context"
	"fmt"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// Recurring visits: every week, or every two weeks, on one weekday at one
// time. Each is a cron rule in the network's time zone (the scheduler plans
// its occurrences ahead into the queue, one job each), firing leadDays
// before each visit at the visit's own time of day; the job plans that one
// visit as if it had been planned by hand, with its nudges and its message
// to the mother. So a visit at 10:00 stays at 10:00 across daylight-saving
// changes, one visit can be moved or cancelled without touching the others,
// and a stopped series plans nothing more. The first visit is planned when
// the series is made.

// seriesRuleID names a recurring visit's rule.
func seriesRuleID(series string) string { return "famseries:" + series }

// occurrenceID names the visit of a recurring visit on a day: planning it
// twice finds the same visit.
func occurrenceID(series, day string) string { return series + "-" + day }

// leadDays is how many days before each visit its occurrence is planned:
// enough for the confirmation question to come in time.
func (e *capability) leadDays() int {
	const day = 24 * time.Hour
	return int((e.cfg.ConfirmBefore+day-1)/day) + 1
}

// seriesRule is the rule of a recurring visit. It is urgent, as it only
// plans: the messages it leads to are jobs that quiet hours hold; its event
// is the visit, so an occurrence that comes too late after an outage is skipped.
func (e *capability) seriesRule(sr Series) scheduler.Rule {
	h, m, _ := flows.ParseClock(sr.Clock)
	lead := e.leadDays()
	weekday := ((int(sr.Weekday)-lead)%7 + 7) % 7
	return scheduler.Rule{ID: seriesRuleID(sr.ID), Spec: fmt.Sprintf("%d %d * * %d", m, h, weekday), Kind: jobSeries,
		Owner: pairOwner(sr.Pair), Args: map[string]string{"series": sr.ID}, Urgent: true,
		EventAfter: time.Duration(lead) * 24 * time.Hour}
}

// planOccurrence plans the visit an occurrence of a recurring visit's rule
// stands for, unless the series stopped, its pairing ended, or this week is
// not one of an every-two-weeks series. A retry finds the visit already
// there and only finishes its planning.
func (e *capability) planOccurrence(ctx context.Context, j scheduler.Job) error {
	st := e.store()
	sr, ok, err := st.series(ctx, j.Args["series"])
	if err != nil || !ok || sr.Stopped {
		return err
	}
	p, ok, err := st.pair(ctx, sr.Pair)
	if err != nil || !ok || p.Status != pairActive {
		return err
	}
	fired := j.Due.In(e.Location())
	if _, wall, ok := strings.Cut(j.ID, "@"); ok {
		if t, err := time.ParseInLocation("20060102T1504", wall, e.Location()); err == nil {
			fired = t
		}
	}
	day := time.Date(fired.Year(), fired.Month(), fired.Day()+e.leadDays(), 0, 0, 0, 0, e.Location())
	anchor, ok := flows.ParseDay(sr.Anchor, e.Location())
	if !ok || day.Weekday() != sr.Weekday || !day.After(anchor) || weeksBetween(anchor, day)%max(sr.Every, 1) != 0 {
		return nil
	}
	at, ok := flows.At(flows.DayCode(day), sr.Clock, e.Location())
	if !ok || !at.After(e.Now()) {
		return nil
	}
	v := Visit{ID: occurrenceID(sr.ID, flows.DayCode(day)), Pair: p.ID, Org: p.Org, Family: p.Family, Mother: p.Mother,
		At: at, Place: sr.Place, Home: sr.Home, Status: visitPlanned, Seq: 1, Series: sr.ID, By: sr.By, Created: e.Now()}
	if _, err := st.saveVisit(ctx, v, true, e.Now()); err != nil {
		return err
	}
	v, ok, err = st.visit(ctx, v.ID)
	if err != nil || !ok || v.Seq != 1 || v.Status != visitPlanned && v.Status != visitConfirmed {
		return err // moved or cancelled already: its own flow told everyone
	}
	if err := e.planVisit(ctx, v); err != nil {
		return err
	}
	if gone, err := e.eitherErased(ctx, p); err != nil || gone {
		return err
	}
	// The news waits for the morning when the rule fires in the quiet hours.
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: visitJobPrefix(v) + "news", Kind: jobNews, Owner: pairOwner(p.ID),
		Due: e.Now(), Event: v.At, Args: visitArgs(v)})
}

// tellNews tells the mother and the family of a visit a recurring rule planned.
func (e *capability) tellNews(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, false)
	if err != nil || !ok || a.v.Status != visitPlanned && a.v.Status != visitConfirmed {
		return err
	}
	return e.tellPlanned(ctx, a.p, a.v, flows.Person{})
}

// weeksBetween counts whole weeks between two days, by the calendar.
func weeksBetween(from, to time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours()/24) / 7
}
