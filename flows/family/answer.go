package family

import (
	"context"
	"strconv"
	"strings"

	"nido/flows"
)

// A visit's card and its buttons, for the family and for staff of its
// organisation. The family confirms, changes the time or says it cannot
// come, from the confirmation question or from the card; staff change the
// time or cancel. A recurring visit can be stopped from any of its visits.
// Each button names the visit and its version: a button of a visit moved
// since answers with the visit as it is now.
//
//	fo:<visit>                     the card
//	fa:<visit>:<version>:<act>     y confirm, c change the time, n cannot come or cancel (asks first),
//	                               N done, s stop the recurring visit (asks first), S done

// Acts of a visit's buttons.
const (
	actConfirm   = "y"
	actChange    = "c"
	actCancelAsk = "n"
	actCancel    = "N"
	actStopAsk   = "s"
	actStop      = "S"
)

func actButton(v Visit, act string) string {
	return verbAct + ":" + v.ID + ":" + strconv.Itoa(v.Seq) + ":" + act
}

// visitorVisit loads the visit a button names, with its pairing, when the
// one pressing is its family or staff of its organisation.
func (e *capability) visitorVisit(s *flows.Session, id string) (Visit, Pairing, bool, error) {
	v, ok, err := e.store().visit(s.Ctx(), id)
	if err != nil || !ok {
		return Visit{}, Pairing{}, false, err
	}
	p, ok, err := e.visitorPair(s, v.Pair)
	return v, p, ok, err
}

func (e *capability) cardButton(s *flows.Session, id string) error {
	v, p, ok, err := e.visitorVisit(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.card(s, p, v, flows.T{})
}

// card shows a visit with what the one looking may do with it.
func (e *capability) card(s *flows.Session, p Pairing, v Visit, intro flows.T) error {
	fam, mother, _, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	var lines []flows.T
	if intro.ID != "" {
		lines = append(lines, intro)
	}
	title := flows.T{ID: "family.card_staff", Data: map[string]any{"Family": fam.Name, "Mother": mother.Name}}
	if s.Person().Role == flows.RoleFamily {
		title = flows.T{ID: "family.card_family", Data: map[string]any{"Mother": firstName(mother.Name)}}
	}
	lines = append(lines, title)
	lines = append(lines, e.visitLines(v, s.Person())...)
	lines = append(lines, flows.T{ID: "family.status_line", Data: map[string]any{"Status": flows.T{ID: "family.status_" + v.Status}}})
	var rows [][]flows.Button
	if v.Status == visitPlanned || v.Status == visitConfirmed {
		if s.Person().Role == flows.RoleFamily && v.Status == visitPlanned {
			rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.confirm_yes"}, Data: actButton(v, actConfirm)}})
		}
		cancel := "family.cancel"
		if s.Person().Role == flows.RoleFamily {
			cancel = "family.cannot"
		}
		rows = append(rows,
			[]flows.Button{{Label: flows.T{ID: "family.change"}, Data: actButton(v, actChange)}},
			[]flows.Button{{Label: flows.T{ID: cancel}, Data: actButton(v, actCancelAsk)}})
		if v.Series != "" {
			rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.stop_series"}, Data: actButton(v, actStopAsk)}})
		}
	}
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.back"}, Data: verbPage + ":" + p.ID}})
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// act answers a visit's buttons.
func (e *capability) act(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	v, p, ok, err := e.visitorVisit(s, parts[0])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	family := s.Person().Role == flows.RoleFamily
	act := parts[2]
	if v.Status != visitPlanned && v.Status != visitConfirmed || p.Status != pairActive {
		if act == actCancel && v.Status == visitCancelled && v.CancelledBy == s.Person().ID &&
			s.Now().Sub(v.CancelledAt) < endRepeatWindow {
			// Pressed again by the one who cancelled, after a failure
			// half-way: finish telling.
			return e.cancelled(s, p, v)
		}
		return e.card(s, p, v, flows.T{ID: "family.visit_not_ahead"})
	}
	if parts[1] != strconv.Itoa(v.Seq) {
		return e.card(s, p, v, flows.T{ID: "family.visit_was_moved"})
	}
	switch {
	case act == actConfirm && family:
		return e.confirm(s, p, v)
	case act == actChange:
		return e.startMove(s, v)
	case act == actCancelAsk:
		q, yes := "family.cancel_confirm", "family.cancel_yes"
		if family {
			q, yes = "family.cannot_confirm", "family.cannot_yes"
		}
		return s.Send(flows.Confirm(append([]flows.T{{ID: q}}, e.visitLines(v, s.Person())...),
			yes, actButton(v, actCancel), "family.keep", verbCard+":"+v.ID))
	case act == actCancel:
		ok, err := e.store().update(s.Ctx(), v, ahead, "status", visitCancelled,
			"cancelled_by", s.Person().ID, "cancelled_at", s.Now().Unix())
		if err != nil || !ok {
			return flows.OrInvalid(s, err)
		}
		v.Status = visitCancelled
		return e.cancelled(s, p, v)
	case act == actStopAsk && v.Series != "":
		return s.Send(flows.Confirm([]flows.T{{ID: "family.stop_confirm"}},
			"family.stop_yes", actButton(v, actStop), "family.keep", verbCard+":"+v.ID))
	case act == actStop && v.Series != "":
		return e.stopSeries(s, p, v)
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// confirm is the family's yes: the mother learns they are coming.
func (e *capability) confirm(s *flows.Session, p Pairing, v Visit) error {
	ok, err := e.store().update(s.Ctx(), v, []string{visitPlanned}, "status", visitConfirmed)
	if err != nil {
		return err
	}
	if !ok {
		// Confirmed already (a repeat), or cancelled or moved meanwhile.
		now, found, err := e.store().visit(s.Ctx(), v.ID)
		if err != nil || !found || now.Status != visitConfirmed || now.Seq != v.Seq {
			return flows.OrInvalid(s, err)
		}
	}
	if err := e.dropNudges(s.Ctx(), v); err != nil {
		return err
	}
	v.Status = visitConfirmed
	fam, mother, found, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	if found {
		err = e.TellMessage(s.Ctx(), mother, visitJobPrefix(v)+"confirmed", flows.Message{
			Lines: append([]flows.T{{ID: "family.visit_confirmed_mother", Data: map[string]any{"Family": firstName(fam.Name)}}},
				e.visitLines(v, mother)...),
			Document: e.visitDocument(v, fam, mother.Lang, false),
		})
		if err != nil {
			return err
		}
	}
	e.Log().Info("visit confirmed", "user_id", s.Person().ID, "visit", v.ID)
	return s.Edit(flows.Message{Lines: append([]flows.T{{ID: "family.confirmed"}}, e.visitLines(v, s.Person())...)})
}

// cancelled tells the mother (with a calendar file that removes the visit
// from her phone's calendar) and the other side, once each, that v is off.
func (e *capability) cancelled(s *flows.Session, p Pairing, v Visit) error {
	if err := e.dropVisitJobs(s.Ctx(), v, nil); err != nil {
		return err
	}
	fam, mother, ok, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	family := s.Person().Role == flows.RoleFamily
	if ok {
		id := "family.visit_cancelled_mother"
		if family {
			id = "family.visit_cannot_mother"
		}
		err = e.TellMessage(s.Ctx(), mother, visitJobPrefix(v)+"cancelled", flows.Message{
			Lines:    append([]flows.T{{ID: id, Data: map[string]any{"Family": firstName(fam.Name)}}}, e.visitLines(v, mother)...),
			Document: e.visitDocument(v, fam, mother.Lang, true),
		})
		if err != nil {
			return err
		}
		if family {
			err = e.alertStaff(s.Ctx(), v, "cannot", false)
		} else {
			err = e.TellMessage(s.Ctx(), fam, visitJobPrefix(v)+"cancelled", flows.Message{
				Lines: append([]flows.T{{ID: "family.visit_cancelled_family", Data: map[string]any{"Mother": firstName(mother.Name)}}},
					e.visitLines(v, fam)...),
			})
		}
		if err != nil {
			return err
		}
	}
	e.Log().Info("visit cancelled", "user_id", s.Person().ID, "visit", v.ID)
	return e.pairPage(s, p, flows.T{ID: "family.cancelled"})
}

// stopSeries stops a recurring visit from v on: no more are planned, v and
// those already planned after it are cancelled, and both sides are told.
func (e *capability) stopSeries(s *flows.Session, p Pairing, v Visit) error {
	st := e.store()
	if err := st.stopSeries(s.Ctx(), v.Series); err != nil {
		return err
	}
	if err := e.Scheduler().RemoveRule(s.Ctx(), seriesRuleID(v.Series)); err != nil {
		return err
	}
	visits, err := st.visitsIn(s.Ctx(), e.k.pairVisits(p.ID), v.At, v.At.Add(flows.MaxAhead))
	if err != nil {
		return err
	}
	for _, o := range visits {
		if o.Series != v.Series || o.Status != visitPlanned && o.Status != visitConfirmed {
			continue
		}
		if _, err := st.update(s.Ctx(), o, ahead, "status", visitCancelled); err != nil {
			return err
		}
		if err := e.dropVisitJobs(s.Ctx(), o, nil); err != nil {
			return err
		}
	}
	fam, mother, ok, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	if ok {
		jobID := "series:" + v.Series + ":stopped"
		if err := e.TellMessage(s.Ctx(), mother, jobID, flows.Message{Lines: []flows.T{{ID: "family.series_stopped_mother",
			Data: map[string]any{"Family": firstName(fam.Name)}}}}); err != nil {
			return err
		}
		if s.Person().Role == flows.RoleFamily {
			err = e.alertStaff(s.Ctx(), v, "stopped", false)
		} else {
			err = e.TellMessage(s.Ctx(), fam, jobID, flows.Message{Lines: []flows.T{{ID: "family.series_stopped_family",
				Data: map[string]any{"Mother": firstName(mother.Name)}}}})
		}
		if err != nil {
			return err
		}
	}
	e.Log().Info("recurring visit stopped", "user_id", s.Person().ID, "series", v.Series)
	return e.pairPage(s, p, flows.T{ID: "family.series_stopped"})
}

// visitLines are a visit's when and where, for who reads them: the place
// at the mother's home is "at her home" for the family and staff, "at your
// home" for her.
func (e *capability) visitLines(v Visit, reader flows.Person) []flows.T {
	lines := []flows.T{{ID: "family.when", Data: map[string]any{"When": v.At}}}
	switch {
	case v.Home && reader.ID == v.Mother:
		lines = append(lines, flows.T{ID: "family.where_your_home"})
	case v.Home:
		lines = append(lines, flows.T{ID: "family.where_her_home"})
	case v.Place != "":
		lines = append(lines, flows.T{ID: "family.where", Data: map[string]any{"Place": v.Place}})
	}
	return lines
}

// dropNudges cancels the nudges waiting for the family's confirmation.
func (e *capability) dropNudges(ctx context.Context, v Visit) error {
	for _, what := range []string{"confirm", "nudge", "alert"} {
		if err := e.Scheduler().Cancel(ctx, visitJobPrefix(v)+what); err != nil {
			return err
		}
	}
	return nil
}
