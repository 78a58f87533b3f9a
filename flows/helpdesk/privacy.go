package helpdesk

import (
	"context"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
	"nido/scheduler"
)

// What /mydata shows and /delete erases, and what the digest says. A
// writer sees her threads; her erasure removes them, their messages and
// her place in her organisation's lists (her jobs go with her). A staff
// member sees how many threads they answered; when they leave, their
// answers stay the organisation's, by "someone who left".

// maxMyData is how many of a thread's latest messages /mydata shows her.
const maxMyData = 20

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
			lines = append(lines, flows.T{ID: "helpdesk.mydata_item", Count: t.Count, Data: map[string]any{
				"When": t.Created, "Count": t.Count, "Status": flows.T{ID: "helpdesk.status_" + t.Status}}})
			ms, err := st.last(ctx, t, maxMyData)
			if err != nil {
				return nil, err
			}
			if t.Count > len(ms) {
				lines = append(lines, flows.T{ID: "helpdesk.history_earlier", Count: t.Count - len(ms), Data: map[string]any{"Count": t.Count - len(ms)}})
			}
			more, err := e.historyLines(ctx, ms)
			if err != nil {
				return nil, err
			}
			lines = append(lines, more...)
		}
		return lines, nil
	case flows.RoleStaff:
		ts, err := st.inOrg(ctx, p.OrgID, false)
		if err != nil {
			return nil, err
		}
		cmds := make([]*redis.BoolCmd, len(ts))
		_, err = e.Redis().Pipelined(ctx, func(pl redis.Pipeliner) error {
			for i, t := range ts {
				cmds[i] = pl.SIsMember(ctx, e.k.staffIn(t.Writer, t.N), p.ID)
			}
			return nil
		})
		if err != nil {
			return nil, flows.Wrap("threads answered", err)
		}
		n := 0
		for _, c := range cmds {
			if c.Val() {
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
	ts, err := e.store().inOrg(ctx, org, true)
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

// sweepJob schedules, every hour, the messages stored and not yet
// delivered of every thread not done: those stored while the scheduler
// was out of reach, whose writer has not written since.
func (e *capability) sweepJob(ctx context.Context, _ scheduler.Job) error {
	orgs, err := e.People().Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		ts, err := e.store().inOrg(ctx, o.ID, true)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, t := range ts {
			if seen[t.Writer] {
				continue
			}
			seen[t.Writer] = true
			if err := e.scheduleErr(ctx, t.Writer); err != nil {
				return err
			}
		}
	}
	return nil
}
