package helpdesk

import (
	"context"
	"slices"
	"strings"
	"time"

	"nido/flows"
)

// What /mydata shows and /delete erases, and what the digest says. A
// writer sees her threads; her erasure removes them, their messages and
// her place in her organisation's lists (her jobs go with her). A staff
// member sees how many threads they answered; when they leave, their
// answers stay the organisation's, by "someone who left".

func (e *capability) myData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	st := e.store()
	switch p.Role {
	case flows.RoleMother, flows.RoleFamily:
		ts, err := st.mine(ctx, p.ID)
		if err != nil || len(ts) == 0 {
			return nil, err
		}
		lines := []flows.T{{ID: "helpdesk.mydata_title", Count: len(ts), Data: map[string]any{"Count": len(ts)}}}
		for _, t := range ts {
			status := statusAnswered
			if t.Status == statusDone {
				status = statusDone
			}
			lines = append(lines, flows.T{ID: "helpdesk.mydata_item", Count: t.Count, Data: map[string]any{
				"When": t.Created, "Count": t.Count, "Status": flows.T{ID: "helpdesk.status_" + status}}})
		}
		return lines, nil
	case flows.RoleStaff:
		ts, _, err := st.listed(ctx, e.k.all(p.OrgID), 0)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range ts {
			in, err := st.staffIn(ctx, t)
			if err != nil {
				return nil, err
			}
			if slices.Contains(in, p.ID) {
				n++
			}
		}
		if n == 0 {
			return nil, nil
		}
		return []flows.T{{ID: "helpdesk.mydata_staff", Count: n, Data: map[string]any{"Count": n}}}, nil
	}
	return nil, nil
}

func (e *capability) erase(ctx context.Context, p flows.Person) error {
	if p.Role != flows.RoleMother && p.Role != flows.RoleFamily {
		return nil
	}
	return e.store().erase(ctx, p.ID)
}

func (e *capability) forgetAuthor(ctx context.Context, org string, author int64) error {
	return e.store().forget(ctx, org, author)
}

// digest counts the organisation's threads waiting for an answer, with
// their writers' names, and those answered but not done.
func (e *capability) digest(ctx context.Context, org string, _ time.Time) ([]flows.T, error) {
	ts, _, err := e.store().listed(ctx, e.k.open(org), 0)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	who, err := e.Present(ctx, writersOf(ts))
	if err != nil {
		return nil, err
	}
	var waiting []string
	answered := 0
	for _, t := range ts {
		p, ok := who[t.Writer]
		switch {
		case !ok:
		case t.Status == statusWaiting:
			waiting = append(waiting, p.Name)
		default:
			answered++
		}
	}
	var lines []flows.T
	if len(waiting) > 0 {
		lines = append(lines, flows.T{ID: "helpdesk.digest_waiting", Count: len(waiting),
			Data: map[string]any{"Count": len(waiting), "Names": strings.Join(waiting, ", ")}})
	}
	if answered > 0 {
		lines = append(lines, flows.T{ID: "helpdesk.digest_answered", Count: answered, Data: map[string]any{"Count": answered}})
	}
	return lines, nil
}
