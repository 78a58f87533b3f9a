package group

import (
	"context"
	"time"

	"nido/flows"
)

// The groups' part of the monthly counts for funders (the core's /month):
// meetings held by the organisation's groups in the month, the attendances
// marked, how many mothers came, and, where childcare was offered, how many
// children came with them, as the facilitator marked them (not as their
// mothers announced). Groups that ended still count. A mother sees her
// own marks, month by month, in /mydata (attendedData).

// month is the groups' lines of org's month; none when no meeting was held.
func (e *capability) month(ctx context.Context, org string, month time.Time) ([]flows.T, error) {
	a, err := e.groupStore().month(ctx, org, month)
	if err != nil || len(a.Held) == 0 {
		return nil, err
	}
	attendances, children, childcare := 0, 0, false
	mothers := map[int64]bool{}
	for _, h := range a.Held {
		for uid := range a.Came[h.ID] {
			attendances++
			mothers[uid] = true
		}
		children += len(a.Kids[h.ID])
		childcare = childcare || h.Childcare
	}
	lines := []flows.T{{ID: "group.month_line", Data: map[string]any{
		"Meetings": len(a.Held), "Attendances": attendances, "Mothers": len(mothers)}}}
	if childcare || children > 0 {
		lines = append(lines, flows.T{ID: "group.month_children", Data: map[string]any{"Children": children}})
	}
	return lines, nil
}

// attendedData is what /mydata shows of her marks in the months' attendance
// kept (attendance_store.go), which outlive her groups: month by month, the
// meetings of each group she came to, and how many times her children came
// too. A group is named as it was then: it may have ended since.
func (e *capability) attendedData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	if p.OrgID == "" {
		return nil, nil
	}
	now := e.Now().In(e.Location())
	first := monthOf(now).AddDate(0, -monthKeep, 0)
	months, err := e.groupStore().months(ctx, p.OrgID, first, now)
	if err != nil {
		return nil, err
	}
	var lines []flows.T
	for i, a := range months {
		type tally struct {
			name       string
			came, kids int
		}
		var order []string
		by := map[string]*tally{}
		for _, h := range a.Held {
			if !a.Came[h.ID][p.ID] {
				continue
			}
			if by[h.Group] == nil {
				by[h.Group] = &tally{}
				order = append(order, h.Group)
			}
			t := by[h.Group]
			t.name, t.came = h.Name, t.came+1
			if a.Kids[h.ID][p.ID] {
				t.kids++
			}
		}
		for _, id := range order {
			t := by[id]
			lines = append(lines, flows.T{ID: "group.mydata_attended", Count: t.came, Data: map[string]any{
				"Month": monthT(first.AddDate(0, i, 0)), "Group": t.name, "Count": t.came}})
			if t.kids > 0 {
				lines = append(lines, flows.T{ID: "group.mydata_attended_kids", Count: t.kids, Data: map[string]any{"Count": t.kids}})
			}
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	return append([]flows.T{{ID: "group.mydata_attended_title"}}, lines...), nil
}
