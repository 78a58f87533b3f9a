package appointment

import (
	"strconv"
	"strings"
	"time"

	"nido/flows"
)

// The buttons on an appointment, verbAct + ":<action>:<id>:<version>", from a
// reminder, a card in a list, or "did you go?". Every press loads the
// appointment again and checks that it is the presser's own or a mother's of
// the presser's organisation, and that it was not moved since the button was
// made: anything else, a forged id included, is an invalid button and
// changes nothing. What a press answers comes at the bottom of the chat
// (result.go).
//
//	yes     I'll be there          kept for staff (lists, digest)
//	chg     I need to change it    staff are told (if it is still ahead); then the new day and time
//	        (staff: change the time)
//	del     Cancel it              asks to confirm: delok cancels (staff told; when staff
//	                               cancel, she is), keep keeps
//	went    did you go? yes        kept for staff
//	miss    did you go? no         kept, and staff are told
//	moved   it was moved           asks the new day and time
//	ics     the calendar file again
//
// The actions of verbAct's buttons.
const (
	actYes        = "yes"   // I'll be there
	actChange     = "chg"   // I need to change it
	actCancel     = "del"   // cancel it: asks to confirm
	actCancelSure = "delok" // cancel it, confirmed
	actKeep       = "keep"  // keep it after all
	actWent       = "went"  // did you go? yes
	actMissed     = "miss"  // did you go? no
	actMoved      = "moved" // it was moved
	actCalendar   = "ics"   // the calendar file again
)

func (e *capability) apptAction(s *flows.Session, arg string) error {
	action, ref, _ := strings.Cut(arg, ":")
	id, version, _ := strings.Cut(ref, ":")
	a, ok, err := e.apptsFor(s).get(s.Ctx(), id)
	if err != nil || !ok || !e.mayTouch(s, a) || version != strconv.Itoa(a.Seq) {
		return flows.OrInvalid(s, err)
	}
	if a.Cancelled {
		if action == actCancelSure && a.CancelledBy == s.Person().ID {
			// Their own cancellation again: the first may have stopped
			// after marking it, before the reminders and the news.
			return e.apptCancel(s, a)
		}
		return s.Reply(flows.T{ID: "appointment.already_cancelled"})
	}
	passed := !s.Now().Before(a.At)
	switch action {
	case actYes, actCancel, actCancelSure:
		if passed {
			return s.Reply(flows.T{ID: "appointment.passed"})
		}
	case actWent, actMissed, actMoved:
		if !passed {
			return s.Reply(flows.T{ID: "appointment.not_yet"})
		}
	}
	switch action {
	case actYes:
		return e.apptYes(s, a)
	case actChange:
		return e.apptChange(s, a, !passed)
	case actCancel:
		return e.apptAskCancel(s, a)
	case actCancelSure:
		return e.apptCancel(s, a)
	case actKeep:
		return e.apptKeep(s, a)
	case actWent, actMissed:
		return e.apptOutcome(s, a, action)
	case actMoved:
		if ok, err := e.apptsFor(s).set(s.Ctx(), a, "outcome", outcomeMoved); err != nil || !ok {
			return e.apptChanged(s, a.ID, err)
		}
		if err := settle(s); err != nil {
			return err
		}
		return e.apptChange(s, a, false)
	case actCalendar:
		doc := e.apptDocument(a, s.Lang())
		return s.Send(flows.Message{Lines: apptLines(a), Document: &doc})
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// mayTouch reports whether the person acting may see and change a.
func (e *capability) mayTouch(s *flows.Session, a Appointment) bool {
	switch s.Person().Role {
	case flows.RoleMother:
		return a.Mother == s.Person().ID
	case flows.RoleStaff:
		return a.Org != "" && a.Org == s.Person().OrgID
	}
	return false
}

// apptChanged answers a button whose appointment changed between reading
// and writing it: cancelled, moved or erased by someone else meanwhile.
func (e *capability) apptChanged(s *flows.Session, id string, err error) error {
	if err != nil {
		return err
	}
	a, ok, err := e.apptsFor(s).get(s.Ctx(), id)
	if err == nil && ok && a.Cancelled && e.mayTouch(s, a) {
		return s.Reply(flows.T{ID: "appointment.already_cancelled"})
	}
	return flows.OrInvalid(s, err)
}

// apptChange starts moving a: asked before it (she needs to change it) or
// after (it was moved). When she asks, her staff learn it at once, so that
// someone can help her arrange it.
func (e *capability) apptChange(s *flows.Session, a Appointment, before bool) error {
	intro := "appointment.moved_intro"
	if before {
		intro = "appointment.move_intro"
	}
	if s.Person().Role == flows.RoleMother && before {
		if ok, err := e.apptsFor(s).set(s.Ctx(), a, "answer", answerChange); err != nil || !ok {
			return e.apptChanged(s, a.ID, err)
		}
		err := e.tellStaff(s.Ctx(), a, s.Person().ID, "", flows.T{ID: "appointment.staff_change_asked",
			Data: map[string]any{"Name": s.Person().Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	return e.apptAskDay(s, draft{Mother: a.Mother, Move: a.ID}, intro)
}

// apptMoveDone puts the appointment at the draft's day and time, plans its
// reminders again and tells the mother and her staff. The conversation ends
// only once all is done, so that a repeat after an error finds the
// appointment already at its new time and only plans and tells again.
func (e *capability) apptMoveDone(s *flows.Session, d draft) error {
	a, ok, err := e.apptsFor(s).get(s.Ctx(), d.Move)
	if err != nil || !ok || !e.mayTouch(s, a) || a.Cancelled {
		return e.apptMoveRefused(s, d.Move, err)
	}
	mother, ok, err := e.People().Get(s.Ctx(), a.Mother)
	if err != nil || !ok {
		return e.apptMoveRefused(s, d.Move, err)
	}
	newAt, _ := flows.At(d.Day, d.Time, e.Location())
	if d.From == "" {
		d.From = strconv.FormatInt(a.At.Unix(), 10)
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	if !a.At.Equal(newAt) {
		// Refused when it was moved or cancelled since it was read just now.
		if a, ok, err = e.apptsFor(s).move(s.Ctx(), a, newAt, s.Now()); err != nil || !ok {
			return e.apptMoveRefused(s, d.Move, err)
		}
		e.Log().Info("appointment moved", "user_id", s.Person().ID, "appointment", a.ID)
	} else if err := e.apptsFor(s).relist(s.Ctx(), a, s.Now()); err != nil {
		// Already at its new time: a repeat, which finishes the lists too.
		return err
	}
	reminders, planErr := e.planAppointment(s.Ctx(), a)
	if gone, err := e.undoIfErased(s.Ctx(), a); gone || err != nil {
		return flows.OrMotherGone(s, gone, err)
	}
	if planErr != nil {
		return planErr
	}
	if err := e.apptMovedNews(s, a, mother, flows.UnixTime(d.From).In(e.Location()), reminders); err != nil {
		return err
	}
	return s.EndConv()
}

// apptMoveRefused ends a move that cannot be written, saying why.
func (e *capability) apptMoveRefused(s *flows.Session, id string, err error) error {
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.apptChanged(s, id, nil)
}

// apptMovedNews tells the others of the move, then the one who moved it.
func (e *capability) apptMovedNews(s *flows.Session, a Appointment, mother flows.Person, old time.Time, reminders []time.Time) error {
	news := "appt:" + a.ID + ":v" + strconv.Itoa(a.Seq) + ":moved"
	if err := e.apptTellOthers(s, a, mother, news, "appointment.moved_for_you", reminders, flows.T{ID: "appointment.staff_moved",
		Data: map[string]any{"Name": mother.Name, "What": apptWhat(a), "From": old, "To": a.At}}); err != nil {
		return err
	}
	if s.Person().ID == mother.ID {
		return s.Send(e.apptNews(a, mother, "appointment.moved", reminders))
	}
	return s.Reply(append([]flows.T{{ID: "appointment.moved_staff", Data: map[string]any{"Name": mother.Name}}},
		apptLines(a)...)...)
}

// apptCancel cancels a and its reminders, and tells the others. Everything
// after the mark is harmless to repeat, and a repeat tells nobody twice:
// each message names the cancellation.
func (e *capability) apptCancel(s *flows.Session, a Appointment) error {
	if !a.Cancelled {
		if ok, err := e.apptsFor(s).set(s.Ctx(), a, "cancelled", 1, "cancelled_by", s.Person().ID); err != nil || !ok {
			return e.apptChanged(s, a.ID, err)
		}
		a.Cancelled, a.CancelledBy = true, s.Person().ID
	}
	if err := e.dropAppointmentJobs(s.Ctx(), a, nil); err != nil {
		return err
	}
	e.Log().Info("appointment cancelled", "user_id", s.Person().ID, "appointment", a.ID)
	mother, ok, err := e.People().Get(s.Ctx(), a.Mother)
	if err != nil {
		return err
	}
	if ok {
		err = e.apptTellOthers(s, a, mother, "appt:"+a.ID+":cancelled", "appointment.cancelled_for_you", nil, flows.T{ID: "appointment.staff_cancelled",
			Data: map[string]any{"Name": mother.Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	return e.apptCancelled(s, a, mother)
}

// apptTellOthers tells the staff who follow the mother (but the one acting)
// with staffLine, and the mother, when staff acted, with her own news: the
// card with the calendar file for a move, the card alone for a cancellation.
// news names this news, so that a repeat tells nobody twice.
func (e *capability) apptTellOthers(s *flows.Session, a Appointment, mother flows.Person, news, motherTitle string, reminders []time.Time, staffLine flows.T) error {
	if err := e.tellStaff(s.Ctx(), a, s.Person().ID, news, staffLine); err != nil {
		return err
	}
	if s.Person().ID == mother.ID {
		return nil
	}
	// A calendar file cannot take an entry off a phone's calendar reliably
	// (many phones will not open a cancellation), so she is told to.
	m := flows.Message{Lines: append(append([]flows.T{{ID: motherTitle}}, apptLines(a)...), flows.T{ID: "appointment.calendar_delete"})}
	if !a.Cancelled {
		m = e.apptNews(a, mother, motherTitle, reminders)
	}
	return e.TellMessage(s.Ctx(), mother, news, m)
}
