package interview

import (
	"context"
	"strconv"
	"time"

	"nido/flows"
)

// What /mydata shows and /delete erases of a mother's interviews. Their
// jobs are hers (their owner is her id): the core cancels them first.

func (e *capability) interviewData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	if p.Role != flows.RoleMother {
		return nil, nil
	}
	ivs, err := e.store().in(ctx, e.k.motherInterviews(p.ID), time.Unix(0, 0), e.Now().Add(flows.MaxAhead))
	if err != nil || len(ivs) == 0 {
		return nil, err
	}
	lines := []flows.T{{ID: "interview.mydata_title", Count: len(ivs), Data: map[string]any{"Count": len(ivs)}}}
	for _, iv := range ivs {
		lines = append(lines, staffItem(iv, p.Name, e.Now()))
		if iv.Status == statusCancelled {
			lines = append(lines, flows.T{ID: "interview.cancelled_already"})
		}
		if iv.Where != "" {
			lines = append(lines, flows.T{ID: "interview.card_where", Data: map[string]any{"Where": iv.Where}})
		}
	}
	return lines, nil
}

func (e *capability) erase(ctx context.Context, p flows.Person) error {
	if p.Role != flows.RoleMother {
		return nil
	}
	return e.store().eraseMother(ctx, p.ID, p.OrgID)
}

// forgetAuthor forgets an erased staff member as the one who made org's interviews.
func (e *capability) forgetAuthor(ctx context.Context, org string, author int64) error {
	ids, err := e.Redis().ZRange(ctx, e.k.orgInterviews(org), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list interviews to forget their author", err)
	}
	refs := make([]flows.Ref, 0, 2*len(ids))
	for _, id := range ids {
		refs = append(refs, flows.Ref{Key: e.k.interview(id), Field: "by"}, flows.Ref{Key: e.k.interview(id), Field: "cancelled_by"})
	}
	return e.ForgetAuthor(ctx, author, refs)
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }
