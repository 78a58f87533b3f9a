package interview

import (
	"context"
	"time"

	"nido/flows"
)

// What staff see of their organisation's interviews: in /interview the
// month's counts (interviews, attended, offers: what funders ask for), the
// next interviews and the outcomes of the last weeks, and a button per
// mother to make one for her; in the morning digest the day's interviews
// and the outcomes given since the day before.

// recent is how far back staff's list shows outcomes.
const recent = 30 * 24 * time.Hour

// monthCounts counts an organisation's interviews of month (any day of
// it): planned or held, attended (she went), and job offers.
type monthCounts struct{ Interviews, Attended, Offers int }

func (e *capability) month(ctx context.Context, org string, day time.Time) (monthCounts, error) {
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location())
	ivs, err := e.store().in(ctx, e.k.orgInterviews(org), first, first.AddDate(0, 1, 0).Add(-time.Second))
	var c monthCounts
	for _, iv := range ivs {
		if iv.Status != statusPlanned {
			continue
		}
		c.Interviews++
		if iv.Outcome == outcomeWell || iv.Outcome == outcomeNotWell || iv.Outcome == outcomeOffer {
			c.Attended++
		}
		if iv.Outcome == outcomeOffer {
			c.Offers++
		}
	}
	return c, err
}

// monthLines are the interviews' part of the monthly counts for funders
// (the core's /month): month's counts, none when there was no interview.
func (e *capability) monthLines(ctx context.Context, org string, month time.Time) ([]flows.T, error) {
	c, err := e.month(ctx, org, month)
	if err != nil || c.Interviews == 0 {
		return nil, err
	}
	return []flows.T{{ID: "interview.month_line", Data: map[string]any{
		"Interviews": c.Interviews, "Attended": c.Attended, "Offers": c.Offers}}}, nil
}

// staffHome is staff's /interview.
func (e *capability) staffHome(s *flows.Session) error {
	org := s.Person().OrgID
	c, err := e.month(s.Ctx(), org, s.Now())
	if err != nil {
		return err
	}
	lines := []flows.T{{ID: "interview.staff_title"}, {ID: "interview.month", Data: map[string]any{
		"Interviews": c.Interviews, "Attended": c.Attended, "Offers": c.Offers}}}
	ivs, err := e.store().in(s.Ctx(), e.k.orgInterviews(org), s.Now().Add(-recent), s.Now().Add(flows.MaxAhead))
	if err != nil {
		return err
	}
	names, err := e.names(s.Ctx(), org)
	if err != nil {
		return err
	}
	for _, iv := range ivs {
		if iv.Status != statusPlanned || names[iv.Mother] == "" {
			continue
		}
		lines = append(lines, staffItem(iv, names[iv.Mother], s.Now()))
	}
	mothers, err := e.People().Members(s.Ctx(), org, flows.RoleMother)
	if err != nil {
		return err
	}
	lines = append(lines, flows.T{ID: "interview.staff_new"})
	return s.Send(flows.Message{Lines: lines,
		Buttons: flows.PersonButtons(mothers, func(p flows.Person) string { return verbNew + ":" + id64(p.ID) }, nil)})
}

// staffItem is one interview in staff's list or digest: when, who, what
// job, and how it went once she said.
func staffItem(iv Interview, name string, now time.Time) flows.T {
	data := map[string]any{"When": iv.At, "Name": name, "Job": flows.T{ID: "interview.job_" + iv.Job}}
	switch {
	case iv.Outcome != "":
		data["Outcome"] = flows.T{ID: "interview.outcome_" + iv.Outcome}
	case iv.At.Before(now):
		data["Outcome"] = flows.T{ID: "interview.outcome_none"}
	default:
		return flows.T{ID: "interview.staff_item", Data: data}
	}
	return flows.T{ID: "interview.staff_item_outcome", Data: data}
}

// names are the names of an organisation's mothers, by id.
func (e *capability) names(ctx context.Context, org string) (map[int64]string, error) {
	mothers, err := e.People().Members(ctx, org, flows.RoleMother)
	out := map[int64]string{}
	for _, m := range mothers {
		out[m.ID] = m.Name
	}
	return out, err
}

// since is when the digest before day's was due: the morning before, or
// Friday's on a Monday (there is none at weekends). Outcomes given since
// are news. After a national holiday (no digest either) the outcomes of the
// day before it are not in the digest: staff find them in /interview.
func since(day time.Time) time.Time {
	back := 1
	if day.Weekday() == time.Monday {
		back = 3
	}
	return time.Date(day.Year(), day.Month(), day.Day()-back, 8, 30, 0, 0, day.Location())
}

// digest is the interviews' part of the staff's morning digest: the day's
// interviews, and the outcomes given since the digest before.
func (e *capability) digest(ctx context.Context, org string, day time.Time) ([]flows.T, error) {
	now := e.Now()
	ivs, err := e.store().in(ctx, e.k.orgInterviews(org), day.AddDate(0, 0, -7), day.AddDate(0, 0, 1).Add(-time.Second))
	if err != nil || len(ivs) == 0 {
		return nil, err
	}
	names, err := e.names(ctx, org)
	if err != nil {
		return nil, err
	}
	var today, outcomes []flows.T
	for _, iv := range ivs {
		if iv.Status != statusPlanned || names[iv.Mother] == "" {
			continue
		}
		switch {
		case !iv.At.Before(day):
			today = append(today, staffItem(iv, names[iv.Mother], now))
		case iv.Outcome != "" && iv.OutcomeAt.After(since(day)):
			outcomes = append(outcomes, staffItem(iv, names[iv.Mother], now))
		}
	}
	var lines []flows.T
	if len(today) > 0 {
		lines = append(append(lines, flows.T{ID: "interview.digest_today"}), today...)
	}
	if len(outcomes) > 0 {
		lines = append(append(lines, flows.T{ID: "interview.digest_outcomes"}), outcomes...)
	}
	return lines, nil
}
