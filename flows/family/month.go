package family

import (
	"context"
	"time"

	"nido/flows"
)

// The solidarity families' part of the monthly counts for funders (the
// core's /month): the visits of the organisation's families in the month
// that happened, by what the family said afterwards, how many of them
// raised a concern, how many did not happen, and how many families and
// mothers met. A visit nobody checked in after is counted nowhere: it is
// not known to have happened. Visits are kept a year (visitRetention), so
// the last twelve months are counted whole.

// month is the families' lines of org's month; none when no visit was due in it.
func (e *capability) month(ctx context.Context, org string, month time.Time) ([]flows.T, error) {
	visits, err := e.store().visitsIn(ctx, e.k.orgVisits(org), month, month.AddDate(0, 1, 0).Add(-time.Second))
	if err != nil {
		return nil, err
	}
	var held, concerns, missed int
	families, mothers := map[int64]bool{}, map[int64]bool{}
	for _, v := range visits {
		switch v.Checkin {
		case checkinGood, checkinWorry, checkinUrgent:
			held++
			families[v.Family], mothers[v.Mother] = true, true
			if v.Checkin != checkinGood {
				concerns++
			}
		case checkinNotDone:
			missed++
		}
	}
	if held+missed == 0 {
		return nil, nil
	}
	return []flows.T{{ID: "family.month_line", Data: map[string]any{"Visits": held, "Concerns": concerns,
		"Missed": missed, "Families": len(families), "Mothers": len(mothers)}}}, nil
}
