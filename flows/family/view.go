package family

import (
	"context"
	"slices"
	"time"

	"nido/flows"
)

// /visit, for each role:
//
//   - staff: the organisation's pairings as buttons, open concerns, and
//     "Pair a family"; a pairing's page (fg:<pair>) shows what the family
//     offers, the next visits and the last ones with their state and
//     check-in, and what staff can do: plan, change, end the pairing
//   - a family: the page of the mother it accompanies (or a button for
//     each, when more than one), the same page without the check-ins'
//     concerns of other families and without "end"
//   - a mother: her next visits, who comes and whether they confirmed
//
// fu:<pair> lists a pairing's next visits as buttons, to change one.

// history is how far back a pairing's page shows past visits.
const history = 90 * 24 * time.Hour

func (e *capability) visitHome(s *flows.Session, _ string) error {
	me := s.Person()
	switch me.Role {
	case flows.RoleStaff:
		return e.staffHome(s)
	case flows.RoleFamily:
		pairs, err := e.activePairs(s)
		if err != nil {
			return err
		}
		if len(pairs) == 1 {
			return e.pairPage(s, pairs[0], flows.T{})
		}
		if len(pairs) == 0 {
			return s.Reply(flows.T{ID: "family.none_family"})
		}
		var bs []flows.Button
		for _, p := range pairs {
			m, _, err := e.People().Get(s.Ctx(), p.Mother)
			if err != nil {
				return err
			}
			bs = append(bs, flows.Button{Label: flows.T{Plain: firstName(m.Name)}, Data: verbPage + ":" + p.ID})
		}
		return s.Send(flows.Message{Lines: []flows.T{{ID: "family.home_family"}}, Buttons: flows.Grid(bs, 2)})
	}
	return e.motherHome(s)
}

// activePairs are the acting family's or mother's active pairings.
func (e *capability) activePairs(s *flows.Session) ([]Pairing, error) {
	pairs, err := e.store().ofPerson(s.Ctx(), s.Person().ID)
	out := pairs[:0]
	for _, p := range pairs {
		if p.Status == pairActive {
			out = append(out, p)
		}
	}
	return out, err
}

// staffHome lists the organisation's active pairings.
func (e *capability) staffHome(s *flows.Session) error {
	pairs, err := e.store().ofOrg(s.Ctx(), s.Person().OrgID)
	if err != nil {
		return err
	}
	names, err := e.orgNames(s.Ctx(), s.Person().OrgID)
	if err != nil {
		return err
	}
	var bs []flows.Button
	for _, p := range pairs {
		if p.Status != pairActive || len(bs) == flows.MaxButtons {
			continue
		}
		bs = append(bs, flows.Button{Label: flows.T{ID: "family.pair_button", Data: map[string]any{
			"Family": names[p.Family], "Mother": names[p.Mother]}}, Data: verbPage + ":" + p.ID})
	}
	title := flows.T{ID: "family.home_staff"}
	if len(bs) == 0 {
		title = flows.T{ID: "family.home_staff_none"}
	}
	rows := flows.Grid(bs, 1)
	concerns, err := e.store().concernIDs(s.Ctx(), s.Person().OrgID)
	if err != nil {
		return err
	}
	if len(concerns) > 0 {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.concerns_button", Data: map[string]any{"Count": len(concerns)}}, Data: verbConcerns}})
	}
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.menu_pair"}, Data: verbPair}})
	return s.Send(flows.Message{Lines: []flows.T{title}, Buttons: rows})
}

// motherHome lists a mother's next visits: who comes, when, where, and
// whether they confirmed; never a check-in.
func (e *capability) motherHome(s *flows.Session) error {
	pairs, err := e.activePairs(s)
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		return s.Reply(flows.T{ID: "family.none_mother"})
	}
	var lines []flows.T
	for _, p := range pairs {
		fam, _, err := e.People().Get(s.Ctx(), p.Family)
		if err != nil {
			return err
		}
		visits, err := e.store().visitsIn(s.Ctx(), e.k.pairVisits(p.ID), s.Now(), s.Now().Add(flows.MaxAhead))
		if err != nil {
			return err
		}
		lines = append(lines, flows.T{ID: "family.mother_family", Data: map[string]any{"Family": firstName(fam.Name)}})
		n := 0
		for _, v := range visits {
			if v.Status != visitPlanned && v.Status != visitConfirmed || n == flows.MaxCards {
				continue
			}
			n++
			lines = append(lines, flows.T{ID: "family.mother_visit", Data: map[string]any{"When": v.At,
				"Status": flows.T{ID: "family.status_" + v.Status}}})
		}
		if n == 0 {
			lines = append(lines, flows.T{ID: "family.no_next"})
		}
	}
	return s.Send(flows.Message{Lines: append([]flows.T{{ID: "family.home_mother"}}, lines...)})
}

func (e *capability) pairPageButton(s *flows.Session, id string) error {
	p, ok, err := e.visitorPair(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.pairPage(s, p, flows.T{})
}

// pairPage shows a pairing to its staff or its family: an intro when set,
// who, what the family offers, the next and the last visits, and actions.
func (e *capability) pairPage(s *flows.Session, p Pairing, intro flows.T) error {
	fam, mother, _, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	staff := s.Person().Role == flows.RoleStaff
	var lines []flows.T
	if intro.ID != "" {
		lines = append(lines, intro)
	}
	if staff {
		lines = append(lines, flows.T{ID: "family.page_staff", Data: map[string]any{"Family": fam.Name, "Mother": mother.Name}})
	} else {
		lines = append(lines, flows.T{ID: "family.page_family", Data: map[string]any{"Mother": firstName(mother.Name)}})
	}
	if p.Offer != "" {
		lines = append(lines, flows.T{ID: "family.offer_line", Data: map[string]any{"Offer": p.Offer}})
	}
	if p.Status != pairActive {
		lines = append(lines, flows.T{ID: "family.page_ended", Data: map[string]any{"When": flows.Day(p.Ended)}})
	}
	now := s.Now()
	next, err := e.store().visitsIn(s.Ctx(), e.k.pairVisits(p.ID), now.Add(time.Second), now.Add(flows.MaxAhead))
	if err != nil {
		return err
	}
	next = slices.DeleteFunc(next, func(v Visit) bool { return v.Status == visitCancelled })
	past, err := e.store().visitsIn(s.Ctx(), e.k.pairVisits(p.ID), now.Add(-history), now)
	if err != nil {
		return err
	}
	slices.Reverse(past)
	if len(next) == 0 {
		lines = append(lines, flows.T{ID: "family.no_next"})
	} else {
		lines = append(lines, flows.T{ID: "family.next_title"})
	}
	for _, v := range next[:min(len(next), flows.MaxCards)] {
		lines = append(lines, e.visitItem(v, false))
	}
	if len(past) > 0 {
		lines = append(lines, flows.T{ID: "family.past_title"})
	}
	for _, v := range past[:min(len(past), flows.MaxCards)] {
		lines = append(lines, e.visitItem(v, true))
	}
	var rows [][]flows.Button
	if p.Status == pairActive {
		row := []flows.Button{{Label: flows.T{ID: "family.plan"}, Data: verbPlan + ":" + p.ID}}
		if len(next) > 0 {
			row = append(row, flows.Button{Label: flows.T{ID: "family.change_visit"}, Data: verbUpcoming + ":" + p.ID})
		}
		rows = append(rows, row)
		if staff {
			rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.end"}, Data: verbEndAsk + ":" + p.ID}})
		}
	}
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.back"}, Data: "menu:visit"}})
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// visitItem is one visit in a pairing's page: when, its state, and for a
// past one the check-in, with a note or a voice message when there is one.
func (e *capability) visitItem(v Visit, past bool) flows.T {
	status := v.Status
	if past && (status == visitPlanned || status == visitConfirmed) {
		status = "nocheckin"
	}
	data := map[string]any{"When": v.At, "Status": flows.T{ID: "family.status_" + status}}
	if v.Checkin == "" {
		return flows.T{ID: "family.visit_item", Data: data}
	}
	data["Answer"] = flows.T{ID: "family.answer_" + v.Checkin}
	switch {
	case v.Concern == concernHandled:
		data["Concern"] = flows.T{ID: "family.concern_handled"}
	case v.Concern == concernOpen:
		data["Concern"] = flows.T{ID: "family.concern_open"}
	default:
		data["Concern"] = flows.T{Plain: ""}
	}
	data["Note"] = v.Note
	if v.Voice != "" {
		data["Note"] = flows.T{ID: "family.voice_kept"}
	}
	return flows.T{ID: "family.visit_item_checkin", Data: data}
}

// upcoming lists a pairing's next visits as buttons, to change one.
func (e *capability) upcoming(s *flows.Session, id string) error {
	p, ok, err := e.visitorPair(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	next, err := e.store().visitsIn(s.Ctx(), e.k.pairVisits(p.ID), s.Now().Add(time.Second), s.Now().Add(flows.MaxAhead))
	if err != nil {
		return err
	}
	var rows [][]flows.Button
	for _, v := range next {
		if v.Status != visitPlanned && v.Status != visitConfirmed || len(rows) == flows.MaxCards {
			continue
		}
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.visit_button", Data: map[string]any{"When": v.At}}, Data: verbCard + ":" + v.ID}})
	}
	if len(rows) == 0 {
		return s.Reply(flows.T{ID: "family.no_next"})
	}
	return s.Send(flows.Message{Lines: []flows.T{{ID: "family.ask_which_visit"}}, Buttons: rows})
}

// agenda is a mother's visits still to come, as cards for her list of
// appointments: who comes, when, where, whether they confirmed; for her
// staff with the pairing's page a button away. Never a check-in.
func (e *capability) agenda(ctx context.Context, mother, viewer flows.Person, from, to time.Time) ([]flows.AgendaItem, error) {
	pairs, err := e.store().ofPerson(ctx, mother.ID)
	if err != nil {
		return nil, err
	}
	var out []flows.AgendaItem
	for _, p := range pairs {
		if p.Status != pairActive || p.Mother != mother.ID {
			continue
		}
		fam, ok, err := e.People().Get(ctx, p.Family)
		if err != nil || !ok {
			return nil, err
		}
		visits, err := e.store().visitsIn(ctx, e.k.pairVisits(p.ID), from, to)
		if err != nil {
			return nil, err
		}
		for _, v := range visits {
			if v.Status != visitPlanned && v.Status != visitConfirmed {
				continue
			}
			lines := append([]flows.T{{ID: "family.agenda_title", Data: map[string]any{"Family": firstName(fam.Name)}}},
				e.visitLines(v, viewer)...)
			lines = append(lines, flows.T{ID: "family.status_line", Data: map[string]any{"Status": flows.T{ID: "family.status_" + v.Status}}})
			card := flows.Message{Lines: lines}
			if viewer.Role == flows.RoleStaff {
				card.Buttons = [][]flows.Button{{{Label: flows.T{ID: "family.open_pair"}, Data: verbPage + ":" + p.ID}}}
			}
			out = append(out, flows.AgendaItem{At: v.At, Card: card})
		}
	}
	return out, nil
}
