package family

import (
	"context"
	"time"

	"nido/flows"
)

// digestLookBack is how far back the digest looks for visits that never
// got a check-in.
const digestLookBack = 7 * 24 * time.Hour

// digest is the families' part of the staff's morning digest (the core's
// digest.go): the day's visits a family has not confirmed, the visits of
// the last week with no check-in a day after they should have had one, and
// the concerns no one has handled. Nothing when all is well.
func (e *capability) digest(ctx context.Context, org string, day time.Time) ([]flows.T, error) {
	st := e.store()
	now := e.Now()
	today, err := st.visitsIn(ctx, e.k.orgVisits(org), day, day.AddDate(0, 0, 1).Add(-time.Second))
	if err != nil {
		return nil, err
	}
	past, err := st.visitsIn(ctx, e.k.orgVisits(org), now.Add(-digestLookBack), now.Add(-e.cfg.CheckinAfter-24*time.Hour))
	if err != nil {
		return nil, err
	}
	open, err := st.openConcerns(ctx, org)
	if err != nil {
		return nil, err
	}
	names, err := e.orgNames(ctx, org)
	if err != nil {
		return nil, err
	}
	item := func(v Visit, id string) flows.T {
		return flows.T{ID: id, Data: map[string]any{"Family": names[v.Family], "Mother": names[v.Mother], "When": v.At, "Day": flows.Day(v.At)}}
	}
	var lines, unconfirmed, missing, concerns []flows.T
	for _, v := range today {
		if v.Status == visitPlanned {
			unconfirmed = append(unconfirmed, item(v, "family.digest_item_time"))
		}
	}
	for _, v := range past {
		if (v.Status == visitPlanned || v.Status == visitConfirmed) && v.Checkin == "" {
			missing = append(missing, item(v, "family.digest_item_day"))
		}
	}
	for _, v := range open {
		concerns = append(concerns, concernItem(v, names)...)
	}
	for _, part := range []struct {
		title string
		items []flows.T
	}{{"family.digest_unconfirmed", unconfirmed}, {"family.digest_no_checkin", missing}, {"family.digest_concerns", concerns}} {
		if len(part.items) > 0 {
			lines = append(append(lines, flows.T{ID: part.title}), part.items...)
		}
	}
	return lines, nil
}
