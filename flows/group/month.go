package group

import (
	"context"
	"time"

	"nido/flows"
)

// The groups' part of the monthly counts for funders (the core's /month):
// meetings held by the organisation's groups in the month, the attendances
// marked, how many mothers came, and, where childcare is offered, how many
// children came with them. Groups that ended still count.

// month is the groups' lines of org's month; none when no meeting was held.
func (e *capability) month(ctx context.Context, org string, month time.Time) ([]flows.T, error) {
	st := e.groupStore()
	a, err := st.month(ctx, org, month)
	if err != nil || len(a.Held) == 0 {
		return nil, err
	}
	attendances, children := 0, 0
	mothers := map[int64]bool{}
	for _, h := range a.Held {
		for uid := range a.Came[h.ID] {
			attendances++
			mothers[uid] = true
		}
		children += len(a.Kids[h.ID])
	}
	lines := []flows.T{{ID: "group.month_line", Data: map[string]any{
		"Meetings": len(a.Held), "Attendances": attendances, "Mothers": len(mothers)}}}
	gs, err := st.ofOrg(ctx, org)
	if err != nil {
		return nil, err
	}
	childcare := children > 0
	for _, g := range gs {
		childcare = childcare || g.Childcare
	}
	if childcare {
		lines = append(lines, flows.T{ID: "group.month_children", Data: map[string]any{"Children": children}})
	}
	return lines, nil
}
