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
	var lines []flows.T
	today, err := st.visitsIn(ctx, e.k.orgVisits(org), day, day.AddDate(0, 0, 1).Add(-time.Second))
	if err != nil {
		return nil, err
	}
	var unconfirmed []flows.T
	for _, v := range today {
		if v.Status == visitPlanned {
			item, err := e.digestItem(ctx, v, "family.digest_item_time")
			if err != nil {
				return nil, err
			}
			unconfirmed = append(unconfirmed, item)
		}
	}
	if len(unconfirmed) > 0 {
		lines = append(append(lines, flows.T{ID: "family.digest_unconfirmed"}), unconfirmed...)
	}
	late := now.Add(-e.cfg.CheckinAfter - 24*time.Hour)
	past, err := st.visitsIn(ctx, e.k.orgVisits(org), now.Add(-digestLookBack), late)
	if err != nil {
		return nil, err
	}
	var missing []flows.T
	for _, v := range past {
		if (v.Status == visitPlanned || v.Status == visitConfirmed) && v.Checkin == "" {
			item, err := e.digestItem(ctx, v, "family.digest_item_day")
			if err != nil {
				return nil, err
			}
			missing = append(missing, item)
		}
	}
	if len(missing) > 0 {
		lines = append(append(lines, flows.T{ID: "family.digest_no_checkin"}), missing...)
	}
	ids, err := st.concernIDs(ctx, org)
	if err != nil {
		return nil, err
	}
	var concerns []flows.T
	for _, id := range ids {
		v, ok, err := st.visit(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok || v.Concern != concernOpen {
			continue
		}
		item, err := e.concernItem(ctx, v)
		if err != nil {
			return nil, err
		}
		concerns = append(concerns, item...)
	}
	if len(concerns) > 0 {
		lines = append(append(lines, flows.T{ID: "family.digest_concerns"}), concerns...)
	}
	return lines, nil
}

// digestItem is one visit in the digest, as message id says it.
func (e *capability) digestItem(ctx context.Context, v Visit, id string) (flows.T, error) {
	fam, _, err := e.People().Get(ctx, v.Family)
	if err != nil {
		return flows.T{}, err
	}
	mother, _, err := e.People().Get(ctx, v.Mother)
	if err != nil {
		return flows.T{}, err
	}
	return flows.T{ID: id, Data: map[string]any{"Family": fam.Name, "Mother": mother.Name, "When": v.At, "Day": flows.Day(v.At)}}, nil
}
