package flows

import (
	"strconv"
	"strings"
	"time"
)

// The buttons on an appointment, "ap:<action>:<id>:<version>", from a
// reminder, a card in a list, or "did you go?". Every press loads the
// appointment again and checks that it is the presser's own or a mother's of
// the presser's organisation, and that it was not moved since the button was
// made: anything else, a forged id included, is an invalid button and
// changes nothing.
//
//	yes     I'll be there          kept for staff (lists, digest)
//	chg     I need to change it    staff are told (if it is still ahead); then the new day and time
//	del     Cancel it              asks to confirm: delok cancels (staff told), keep keeps
//	went    did you go? yes        kept for staff
//	miss    did you go? no         kept, and staff are told
//	moved   it was moved           asks the new day and time
//	ics     the calendar file again
func apptAction(s *Session, arg string) error {
	action, ref, _ := strings.Cut(arg, ":")
	id, version, _ := strings.Cut(ref, ":")
	a, ok, err := s.e.appts().get(s.ctx, id)
	if err != nil || !ok || !mayTouch(s, a) || version != strconv.Itoa(a.Seq) {
		return orInvalid(s, err)
	}
	if a.Cancelled {
		if action == "delok" && a.CancelledBy == s.person.ID {
			// Their own cancellation again: the first may have stopped
			// after marking it, before the reminders and the news.
			return apptCancel(s, a)
		}
		return s.reply(T{ID: "appointment.already_cancelled"})
	}
	passed := !s.now.Before(a.At)
	switch action {
	case "yes", "del", "delok":
		if passed {
			return s.reply(T{ID: "appointment.passed"})
		}
	case "went", "miss", "moved":
		if !passed {
			return s.reply(T{ID: "appointment.not_yet"})
		}
	}
	switch action {
	case "yes":
		return apptYes(s, a)
	case "chg":
		return apptChange(s, a, !passed)
	case "del":
		return s.edit(Message{Lines: append([]T{{ID: "appointment.cancel_confirm"}}, apptLines(a)...),
			Buttons: [][]Button{
				{{Label: T{ID: "appointment.cancel_yes"}, Data: apButton("delok", a)}},
				{{Label: T{ID: "appointment.cancel_no"}, Data: apButton("keep", a)}},
			}})
	case "delok":
		return apptCancel(s, a)
	case "keep":
		return s.edit(Message{Lines: append([]T{{ID: "appointment.kept"}}, apptLines(a)...), Buttons: cardButtons(a)})
	case "went", "miss":
		return apptOutcome(s, a, action)
	case "moved":
		if ok, err := s.e.appts().set(s.ctx, a, "outcome", outcomeMoved); err != nil || !ok {
			return apptChanged(s, a.ID, err)
		}
		return apptChange(s, a, false)
	case "ics":
		doc := s.e.apptDocument(a, s.lang)
		return s.send(Message{Lines: apptLines(a), Document: &doc})
	}
	return s.reply(T{ID: "common.button_invalid"})
}

// mayTouch reports whether the person acting may see and change a.
func mayTouch(s *Session, a Appointment) bool {
	switch s.person.Role {
	case RoleMother:
		return a.Mother == s.person.ID
	case RoleStaff:
		return a.Org != "" && a.Org == s.person.OrgID
	}
	return false
}

// apptChanged answers a button whose appointment changed between reading
// and writing it: cancelled, moved or erased by someone else meanwhile.
func apptChanged(s *Session, id string, err error) error {
	if err != nil {
		return err
	}
	a, ok, err := s.e.appts().get(s.ctx, id)
	if err == nil && ok && a.Cancelled && mayTouch(s, a) {
		return s.reply(T{ID: "appointment.already_cancelled"})
	}
	return orInvalid(s, err)
}

func apptYes(s *Session, a Appointment) error {
	if ok, err := s.e.appts().set(s.ctx, a, "answer", answerYes); err != nil || !ok {
		return apptChanged(s, a.ID, err)
	}
	return s.edit(Message{Lines: append([]T{{ID: "appointment.confirmed"}}, apptLines(a)...), Buttons: cardButtons(a)})
}

// apptChange starts moving a: asked before it (she needs to change it) or
// after (it was moved). When she asks, her staff learn it at once, so that
// someone can help her arrange it.
func apptChange(s *Session, a Appointment, before bool) error {
	intro := "appointment.moved_intro"
	if before {
		intro = "appointment.move_intro"
	}
	if s.person.Role == RoleMother && before {
		if ok, err := s.e.appts().set(s.ctx, a, "answer", answerChange); err != nil || !ok {
			return apptChanged(s, a.ID, err)
		}
		err := s.e.tellStaff(s.ctx, a, s.person.ID, "", T{ID: "appointment.staff_change_asked",
			Data: map[string]any{"Name": s.person.Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	return apptAskDay(s, draft{Mother: a.Mother, Move: a.ID}, intro)
}

// apptMoveDone puts the appointment at the draft's day and time, plans its
// reminders again and tells the mother and her staff. The conversation ends
// only once all is done, so that a repeat after an error finds the
// appointment already at its new time and only plans and tells again.
func apptMoveDone(s *Session, d draft) error {
	a, ok, err := s.e.appts().get(s.ctx, d.Move)
	if err != nil || !ok || !mayTouch(s, a) || a.Cancelled {
		return apptMoveRefused(s, d.Move, err)
	}
	mother, ok, err := s.e.people.Get(s.ctx, a.Mother)
	if err != nil || !ok {
		return apptMoveRefused(s, d.Move, err)
	}
	newAt, _ := at(d.Day, d.Time, s.e.cfg.Location)
	if d.From == "" {
		d.From = strconv.FormatInt(a.At.Unix(), 10)
		if err := s.setStep(s.conv.Step, d.data()); err != nil {
			return err
		}
	}
	if !a.At.Equal(newAt) {
		// Refused when it was moved or cancelled since it was read just now.
		if a, ok, err = s.e.appts().move(s.ctx, a, newAt, s.now); err != nil || !ok {
			return apptMoveRefused(s, d.Move, err)
		}
		s.e.log.Info("appointment moved", "user_id", s.person.ID, "appointment", a.ID)
	}
	reminders, planErr := s.e.planAppointment(s.ctx, a)
	if gone, err := s.e.undoIfErased(s.ctx, a); gone || err != nil {
		return orMotherGone(s, gone, err)
	}
	if planErr != nil {
		return planErr
	}
	if err := apptMovedNews(s, a, mother, unixTime(d.From).In(s.e.cfg.Location), reminders); err != nil {
		return err
	}
	return s.endConv()
}

// apptMoveRefused ends a move that cannot be written, saying why.
func apptMoveRefused(s *Session, id string, err error) error {
	if err != nil {
		return err
	}
	if err := s.endConv(); err != nil {
		return err
	}
	return apptChanged(s, id, nil)
}

// orMotherGone ends the conversation when its mother was erased meanwhile,
// unless err says something else went wrong.
func orMotherGone(s *Session, gone bool, err error) error {
	if err != nil {
		return err
	}
	if gone {
		return apptMotherGone(s)
	}
	return nil
}

// apptMovedNews tells the others of the move, then the one who moved it.
func apptMovedNews(s *Session, a Appointment, mother Person, old time.Time, reminders []time.Time) error {
	news := "appt:" + a.ID + ":v" + strconv.Itoa(a.Seq) + ":moved"
	if err := apptTellOthers(s, a, mother, news, "appointment.moved_for_you", reminders, T{ID: "appointment.staff_moved",
		Data: map[string]any{"Name": mother.Name, "What": apptWhat(a), "From": old, "To": a.At}}); err != nil {
		return err
	}
	if s.person.ID == mother.ID {
		return s.send(s.e.apptNews(a, mother, "appointment.moved", reminders))
	}
	return s.reply(append([]T{{ID: "appointment.moved_staff", Data: map[string]any{"Name": mother.Name}}},
		apptLines(a)...)...)
}

// apptCancel cancels a and its reminders, and tells the others. Everything
// after the mark is harmless to repeat, and a repeat tells nobody twice:
// each message names the cancellation.
func apptCancel(s *Session, a Appointment) error {
	if !a.Cancelled {
		if ok, err := s.e.appts().set(s.ctx, a, "cancelled", 1, "cancelled_by", s.person.ID); err != nil || !ok {
			return apptChanged(s, a.ID, err)
		}
		a.Cancelled, a.CancelledBy = true, s.person.ID
	}
	if err := s.e.dropAppointmentJobs(s.ctx, a, nil); err != nil {
		return err
	}
	s.e.log.Info("appointment cancelled", "user_id", s.person.ID, "appointment", a.ID)
	mother, ok, err := s.e.people.Get(s.ctx, a.Mother)
	if err != nil {
		return err
	}
	if ok {
		err = apptTellOthers(s, a, mother, "appt:"+a.ID+":cancelled", "appointment.cancelled_for_you", nil, T{ID: "appointment.staff_cancelled",
			Data: map[string]any{"Name": mother.Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	lines := append([]T{{ID: "appointment.cancelled"}}, apptLines(a)...)
	if s.person.ID == a.Mother {
		lines = append(lines, T{ID: "appointment.calendar_delete"})
	}
	return s.edit(Message{Lines: lines})
}

// apptTellOthers tells the staff who follow the mother (but the one acting)
// with staffLine, and the mother, when staff acted, with her own news: the
// card with the calendar file for a move, the card alone for a cancellation.
// news names this news, so that a repeat tells nobody twice.
func apptTellOthers(s *Session, a Appointment, mother Person, news, motherTitle string, reminders []time.Time, staffLine T) error {
	if err := s.e.tellStaff(s.ctx, a, s.person.ID, news, staffLine); err != nil {
		return err
	}
	if s.person.ID == mother.ID {
		return nil
	}
	// A calendar file cannot take an entry off a phone's calendar reliably
	// (many phones will not open a cancellation), so she is told to.
	m := Message{Lines: append(append([]T{{ID: motherTitle}}, apptLines(a)...), T{ID: "appointment.calendar_delete"})}
	if !a.Cancelled {
		m = s.e.apptNews(a, mother, motherTitle, reminders)
	}
	return s.e.tellMessage(s.ctx, mother, news, m)
}

// apptOutcome keeps her answer to "did you go?"; staff learn when she did not.
func apptOutcome(s *Session, a Appointment, action string) error {
	outcome, reply := outcomeWent, "appointment.after_went"
	if action == "miss" {
		outcome, reply = outcomeMissed, "appointment.after_missed"
	}
	if ok, err := s.e.appts().set(s.ctx, a, "outcome", outcome); err != nil || !ok {
		return apptChanged(s, a.ID, err)
	}
	if outcome == outcomeMissed && s.person.Role == RoleMother {
		err := s.e.tellStaff(s.ctx, a, s.person.ID, "", T{ID: "appointment.staff_missed",
			Data: map[string]any{"Name": s.person.Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	return s.edit(Message{Lines: []T{{ID: reply}}})
}
