package family

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"nido/flows"
)

// Pairing a family with a mother, for staff, and ending a pairing. Both are
// of the staff member's organisation, checked at every press: another
// organisation's person, or a forged id, is not found.
//
//  1. /pair or the menu's "Pair a family"   the organisation's families, as buttons (fp:<family>)
//  2. fp:<family>                           its mothers not yet paired with it (fp:<family>:<mother>)
//  3. what the family offers                typed, or Skip (fps)
//  4. are you sure?                         Yes (fpy) or No (fpn)
//  5. the pairing                           both are told who the other is, first names only
//
// Ending: fea:<pair> asks, fen:<pair> ends it, cancels the visits still to
// come and every nudge, and tells both kindly.

// maxOffer is the longest offer staff may type, in characters.
const maxOffer = 200

// pairOwner owns every job and rule of a pairing's visits: ending the
// pairing, or erasing either person, cancels them at once.
func pairOwner(pair string) string { return "fampair:" + pair }

// pairDraft is a pairing being made, kept in the conversation.
type pairDraft struct {
	Family, Mother string
	Offer          string
	// Asked is set once the offer was typed or skipped.
	Asked bool
	// ID is reserved when staff confirm, so that a repeat saves the same pairing.
	ID string
}

func pairDraftOf(d map[string]string) (pairDraft, bool) {
	if d["flow"] != "pair" || d["family"] == "" || d["mother"] == "" {
		return pairDraft{}, false
	}
	return pairDraft{Family: d["family"], Mother: d["mother"], Offer: d["offer"], Asked: d["asked"] == "1", ID: d["id"]}, true
}

func (d pairDraft) data() map[string]string {
	out := map[string]string{"flow": "pair", "family": d.Family, "mother": d.Mother, "offer": d.Offer, "id": d.ID}
	if d.Asked {
		out["asked"] = "1"
	}
	return out
}

// 1. The families.

func (e *capability) pairStart(s *flows.Session, _ string) error {
	families, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleFamily)
	if err != nil {
		return err
	}
	if len(families) == 0 {
		return s.Reply(flows.T{ID: "family.no_families"})
	}
	return s.Send(flows.Message{Lines: []flows.T{{ID: "family.ask_family"}},
		Buttons: flows.PersonButtons(families, func(p flows.Person) string { return verbPair + ":" + id64(p.ID) }, nil)})
}

// 2. The mothers, or 3. the offer once both are chosen.

// pairPick is fp (the families again), fp:<family> or fp:<family>:<mother>.
func (e *capability) pairPick(s *flows.Session, arg string) error {
	if arg == "" {
		return e.pairStart(s, "")
	}
	famID, motherID, _ := strings.Cut(arg, ":")
	fam, ok, err := s.OrgMember(famID, flows.RoleFamily)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	pairs, err := e.store().ofPerson(s.Ctx(), fam.ID)
	if err != nil {
		return err
	}
	paired := map[int64]bool{}
	for _, p := range pairs {
		if p.Status == pairActive {
			paired[p.Mother] = true
		}
	}
	if motherID == "" {
		mothers, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleMother)
		if err != nil {
			return err
		}
		rows := flows.PersonButtons(mothers, func(m flows.Person) string { return verbPair + ":" + famID + ":" + id64(m.ID) },
			func(m flows.Person) bool { return paired[m.ID] })
		if len(rows) == 0 {
			return s.Reply(flows.T{ID: "family.no_mothers", Data: map[string]any{"Family": fam.Name}})
		}
		return s.Send(flows.Message{Lines: []flows.T{{ID: "family.ask_mother", Data: map[string]any{"Family": fam.Name}}}, Buttons: rows})
	}
	mother, ok, err := s.OrgMember(motherID, flows.RoleMother)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if paired[mother.ID] {
		return s.Reply(flows.T{ID: "family.already_paired", Data: map[string]any{"Family": fam.Name, "Mother": mother.Name}})
	}
	d := pairDraft{Family: famID, Mother: motherID}
	return flows.Ask(s, stepOffer, d.data(), "", flows.T{ID: "family.ask_offer", Data: map[string]any{"Family": fam.Name, "Max": maxOffer}},
		[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbPairSkip}}})
}

// 3. The offer, typed or skipped; then 4. are you sure?

func (e *capability) pairOfferTyped(s *flows.Session, text string) error {
	d, ok := pairDraftOf(s.Data())
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	offer := flows.CleanLine(text)
	if offer == "" || utf8.RuneCountInString(offer) > maxOffer {
		return s.Reply(flows.T{ID: "family.offer_invalid", Data: map[string]any{"Max": maxOffer}})
	}
	d.Offer, d.Asked = offer, true
	return e.pairAskSure(s, d)
}

func (e *capability) pairOfferSkip(s *flows.Session, _ string) error {
	d, ok := pairDraftOf(s.Data())
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d.Asked = true
	return e.pairAskSure(s, d)
}

func (e *capability) pairAskSure(s *flows.Session, d pairDraft) error {
	fam, mother, ok, err := draftPeople(s, d)
	if err != nil || !ok {
		return flows.OrMotherGone(s, err == nil, err)
	}
	// No step waits for typed text now; the draft stays for the buttons.
	if err := s.SetStep("", d.data()); err != nil {
		return err
	}
	lines := []flows.T{{ID: "family.pair_confirm", Data: map[string]any{"Family": fam.Name, "Mother": mother.Name}}}
	if d.Offer != "" {
		lines = append(lines, flows.T{ID: "family.offer_line", Data: map[string]any{"Offer": d.Offer}})
	}
	return s.Send(flows.Confirm(lines, "family.pair_yes", verbPairYes, "family.pair_no", verbPairNo))
}

// draftPeople loads the draft's family and mother, still of the staff
// member's organisation; ok is false when either has left it (erased).
func draftPeople(s *flows.Session, d pairDraft) (fam, mother flows.Person, ok bool, err error) {
	fam, ok1, err := s.OrgMember(d.Family, flows.RoleFamily)
	if err != nil {
		return fam, mother, false, err
	}
	mother, ok2, err := s.OrgMember(d.Mother, flows.RoleMother)
	return fam, mother, ok1 && ok2 && err == nil, err
}

func (e *capability) pairDrop(s *flows.Session, _ string) error {
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Reply(flows.T{ID: "family.pair_dropped"})
}

// 5. The pairing saved, and both told.

// pairSave makes the pairing. Its id is reserved and kept in the
// conversation before anything is written, and the conversation ends only
// once both are told: a repeat after an error rewrites the same pairing and
// each message names it, so nobody is told twice.
func (e *capability) pairSave(s *flows.Session, _ string) error {
	d, ok := pairDraftOf(s.Data())
	if !ok || !d.Asked {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	fam, mother, ok, err := draftPeople(s, d)
	if err != nil || !ok {
		return flows.OrMotherGone(s, err == nil, err)
	}
	st := e.store()
	if d.ID == "" {
		if d.ID, err = st.next(s.Ctx(), e.k.pairSeq()); err != nil {
			return err
		}
		if err := s.SetStep("", d.data()); err != nil {
			return err
		}
	}
	p := Pairing{ID: d.ID, Org: s.Person().OrgID, Family: fam.ID, Mother: mother.ID, Offer: d.Offer,
		Status: pairActive, By: s.Person().ID, Created: s.Now()}
	if err := st.savePair(s.Ctx(), p); err != nil {
		return err
	}
	// Either may have erased their data meanwhile: then the pairing goes.
	for _, who := range []int64{fam.ID, mother.ID} {
		if gone, err := e.BeingErased(s.Ctx(), who); err != nil || gone {
			if err == nil {
				err = st.removePair(s.Ctx(), p)
			}
			return flows.OrMotherGone(s, gone, err)
		}
	}
	e.Log().Info("family paired", "user_id", s.Person().ID, "pair", p.ID, "org", p.Org)
	offer := []flows.T{}
	if p.Offer != "" {
		offer = append(offer, flows.T{ID: "family.offer_line", Data: map[string]any{"Offer": p.Offer}})
	}
	err = e.TellMessage(s.Ctx(), fam, "pair:"+p.ID+":paired", flows.Message{
		Lines:   append([]flows.T{{ID: "family.paired_family", Data: map[string]any{"Mother": firstName(mother.Name)}}}, offer...),
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "family.plan"}, Data: verbPlan + ":" + p.ID}}},
	})
	if err != nil {
		return err
	}
	err = e.TellMessage(s.Ctx(), mother, "pair:"+p.ID+":paired", flows.Message{
		Lines: append([]flows.T{{ID: "family.paired_mother", Data: map[string]any{"Family": firstName(fam.Name)}}}, offer...),
	})
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.pairPage(s, p, flows.T{ID: "family.paired", Data: map[string]any{"Family": fam.Name, "Mother": mother.Name}})
}

// Ending a pairing.

// staffPair loads the pairing a button names, when it is of the staff
// member's organisation.
func (e *capability) staffPair(s *flows.Session, id string) (Pairing, bool, error) {
	p, ok, err := e.store().pair(s.Ctx(), id)
	if err != nil || !ok {
		return Pairing{}, false, err
	}
	return p, s.Person().Role == flows.RoleStaff && p.Org != "" && p.Org == s.Person().OrgID, nil
}

func (e *capability) endAsk(s *flows.Session, id string) error {
	p, ok, err := e.staffPair(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if p.Status != pairActive {
		return s.Reply(flows.T{ID: "family.pair_ended_already"})
	}
	names, err := e.names(s.Ctx(), p)
	if err != nil {
		return err
	}
	return s.Send(flows.Confirm([]flows.T{{ID: "family.end_confirm", Data: names}},
		"family.end_yes", verbEnd+":"+p.ID, "family.end_no", verbPage+":"+p.ID))
}

// endPairing ends the pairing, cancels the visits still to come with their
// nudges, and tells both. Pressed again after a failure half-way, it
// finishes what is left: each step is harmless to repeat.
func (e *capability) endPairing(s *flows.Session, id string) error {
	p, ok, err := e.staffPair(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if p.Status == pairActive {
		if _, err := e.store().endPair(s.Ctx(), p, s.Person().ID, s.Now()); err != nil {
			return err
		}
	} else if s.Now().Sub(p.Ended) > endRepeatWindow {
		return s.Reply(flows.T{ID: "family.pair_ended_already"})
	}
	if err := e.dropFuture(s.Ctx(), p); err != nil {
		return err
	}
	fam, famOK, err := e.People().Get(s.Ctx(), p.Family)
	if err != nil {
		return err
	}
	mother, motherOK, err := e.People().Get(s.Ctx(), p.Mother)
	if err != nil {
		return err
	}
	if famOK && motherOK {
		jobID := "pair:" + p.ID + ":ended"
		if err := e.TellMessage(s.Ctx(), fam, jobID, flows.Message{Lines: []flows.T{{ID: "family.ended_family",
			Data: map[string]any{"Mother": firstName(mother.Name)}}}}); err != nil {
			return err
		}
		if err := e.TellMessage(s.Ctx(), mother, jobID, flows.Message{Lines: []flows.T{{ID: "family.ended_mother",
			Data: map[string]any{"Family": firstName(fam.Name)}}}}); err != nil {
			return err
		}
	}
	e.Log().Info("pairing ended", "user_id", s.Person().ID, "pair", p.ID)
	p.Status = pairEnded
	return e.pairPage(s, p, flows.T{ID: "family.ended"})
}

// endRepeatWindow is how long after a pairing ended pressing "end" again
// still finishes what a failure left undone, rather than saying it ended.
const endRepeatWindow = 10 * time.Minute

// dropFuture cancels a pairing's visits still to come, stops its recurring
// visits with their rules, and cancels every job of it but what staff are
// still to hear (a worry held by the quiet hours); then the whole pairing
// expires pairRetention from now, so that nothing of it outlives it.
func (e *capability) dropFuture(ctx context.Context, p Pairing) error {
	st := e.store()
	ids, err := st.seriesOf(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := st.stopSeries(ctx, id); err != nil {
			return err
		}
		if err := e.Scheduler().RemoveRule(ctx, seriesRuleID(id)); err != nil {
			return err
		}
	}
	jobs, err := e.Scheduler().ListOwner(ctx, pairOwner(p.ID))
	if err != nil {
		return flows.Wrap("list a pairing's jobs", err)
	}
	for _, j := range jobs {
		if j.Kind != jobStaff {
			if err := e.Scheduler().Cancel(ctx, j.ID); err != nil {
				return err
			}
		}
	}
	now := e.Now()
	visits, err := st.visitsIn(ctx, e.k.pairVisits(p.ID), now, now.Add(flows.MaxAhead))
	if err != nil {
		return err
	}
	for _, v := range visits {
		if _, err := st.update(ctx, v, ahead, "status", visitCancelled); err != nil {
			return err
		}
	}
	return st.expirePair(ctx, p, now)
}

// names are the full names of a pairing's family and mother, for staff.
func (e *capability) names(ctx context.Context, p Pairing) (map[string]any, error) {
	fam, _, err := e.People().Get(ctx, p.Family)
	if err != nil {
		return nil, err
	}
	mother, _, err := e.People().Get(ctx, p.Mother)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Family": fam.Name, "Mother": mother.Name}, nil
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }
