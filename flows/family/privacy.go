package family

import (
	"context"
	"time"

	"nido/flows"
)

// What /mydata shows and /delete erases of a family or a mother: their
// pairings and visits, for both sides. Erasing either person ends each of
// their pairings at once (the other side is told it ended), removes its
// visits, recurring visits, check-ins and concerns, and cancels every job
// and rule of it: no key names the erased person afterwards.

// familyData lists a family's or a mother's pairings and visits. A mother
// sees her visits, never a family's check-in.
func (e *capability) familyData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	if p.Role != flows.RoleFamily && p.Role != flows.RoleMother {
		return nil, nil
	}
	pairs, err := e.store().ofPerson(ctx, p.ID)
	if err != nil || len(pairs) == 0 {
		return nil, err
	}
	lines := []flows.T{{ID: "family.mydata_title", Count: len(pairs), Data: map[string]any{"Count": len(pairs)}}}
	for _, pr := range pairs {
		other := pr.Mother
		if p.Role == flows.RoleMother {
			other = pr.Family
		}
		o, _, err := e.People().Get(ctx, other)
		if err != nil {
			return nil, err
		}
		status := flows.T{ID: "family.mydata_active"}
		if pr.Status != pairActive {
			status = flows.T{ID: "family.mydata_ended", Data: map[string]any{"When": flows.Day(pr.Ended)}}
		}
		lines = append(lines, flows.T{ID: "family.mydata_pair", Data: map[string]any{"Name": firstName(o.Name),
			"Since": flows.Day(pr.Created), "Status": status}})
		if pr.Offer != "" {
			lines = append(lines, flows.T{ID: "family.offer_line", Data: map[string]any{"Offer": pr.Offer}})
		}
		visits, err := e.store().visitsIn(ctx, e.k.pairVisits(pr.ID), time.Unix(0, 0), e.Now().Add(flows.MaxAhead))
		if err != nil {
			return nil, err
		}
		for _, v := range visits {
			data := map[string]any{"When": v.At, "Status": flows.T{ID: "family.status_" + v.Status}}
			if p.Role == flows.RoleFamily && v.Checkin != "" {
				lines = append(lines, flows.T{ID: "family.mydata_visit_checkin", Data: map[string]any{"When": v.At,
					"Status": data["Status"], "Answer": flows.T{ID: "family.answer_" + v.Checkin}}})
				if v.Note != "" {
					lines = append(lines, flows.T{ID: "family.note_line", Data: map[string]any{"Note": v.Note}})
				}
				if v.Voice != "" {
					lines = append(lines, flows.T{ID: "family.voice_kept"})
				}
				continue
			}
			lines = append(lines, flows.T{ID: "family.mydata_visit", Data: data})
		}
	}
	return lines, nil
}

// erase ends and removes every pairing of a family or a mother who is
// erasing their data; the other side learns only that it ended.
func (e *capability) erase(ctx context.Context, p flows.Person) error {
	if p.Role != flows.RoleFamily && p.Role != flows.RoleMother {
		return nil
	}
	st := e.store()
	pairs, err := st.ofPerson(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, pr := range pairs {
		if _, err := e.Scheduler().CancelOwner(ctx, pairOwner(pr.ID)); err != nil {
			return err
		}
		if pr.Status == pairActive {
			other, id, name := pr.Mother, "family.ended_mother", "Family"
			if p.Role == flows.RoleMother {
				other, id, name = pr.Family, "family.ended_family", "Mother"
			}
			if o, ok, err := e.People().Get(ctx, other); err != nil {
				return err
			} else if ok {
				if err := e.TellMessage(ctx, o, "pair:"+pr.ID+":ended", flows.Message{
					Lines: []flows.T{{ID: id, Data: map[string]any{name: firstName(p.Name)}}}}); err != nil {
					return err
				}
			}
		}
		if err := st.removePair(ctx, pr); err != nil {
			return err
		}
		e.Log().Info("pairing removed: a person erased their data", "pair", pr.ID)
	}
	return flows.Wrap("erase pairings", e.Redis().Del(ctx, e.k.personPairs(p.ID)).Err())
}

// forgetAuthor forgets an erased staff member or administrator as the one
// who made, ended or handled org's pairings, visits and concerns.
func (e *capability) forgetAuthor(ctx context.Context, org string, author int64) error {
	pairs, err := e.Redis().ZRange(ctx, e.k.orgPairs(org), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list pairings to forget their author", err)
	}
	var refs []flows.Ref
	for _, pr := range pairs {
		refs = append(refs, flows.Ref{Key: e.k.pair(pr), Field: "by"}, flows.Ref{Key: e.k.pair(pr), Field: "ended_by"})
		visits, err := e.Redis().ZRange(ctx, e.k.pairVisits(pr), 0, -1).Result()
		if err != nil {
			return flows.Wrap("list visits to forget their author", err)
		}
		for _, v := range visits {
			refs = append(refs, flows.Ref{Key: e.k.visit(v), Field: "by"}, flows.Ref{Key: e.k.visit(v), Field: "handled_by"},
				flows.Ref{Key: e.k.visit(v), Field: "cancelled_by"})
		}
		series, err := e.store().seriesOf(ctx, pr)
		if err != nil {
			return err
		}
		for _, s := range series {
			refs = append(refs, flows.Ref{Key: e.k.series(s), Field: "by"})
		}
	}
	return e.ForgetAuthor(ctx, author, refs)
}
