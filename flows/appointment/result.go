package appointment

import (
	"strconv"

	"nido/flows"
)

// What the buttons on a reminder, a card or "did you go?" answer. The
// message pressed may be far up the chat, under newer ones (a calendar
// file, a later reminder, "this button is no longer valid"): an answer
// written into it would not be seen where she is looking. So the pressed
// message keeps its words and loses its buttons, that it is not pressed
// again, and the answer comes as a new message at the bottom of the chat,
// with what can be done next. Each answer is named (Message.JobID), and the
// Telegram layer sends a named message once: a second press of the same
// button, or the press delivered again, adds nothing.

// settle takes the buttons off the pressed message, keeping its words as
// they were sent; a press on a message Telegram no longer shows (id 0) has
// none to take off.
func settle(s *flows.Session) error {
	if s.Input().MessageID == 0 {
		return nil
	}
	return s.Edit(flows.Message{KeepText: true})
}

// answerBelow sends m at the bottom of the chat, once for name (when set)
// and the person answering.
func answerBelow(s *flows.Session, name string, m flows.Message) error {
	m.JobID = belowID(s, name)
	return s.Send(m)
}

// belowID is the name of the answer named name, for the person answering.
func belowID(s *flows.Session, name string) string {
	if name == "" {
		return ""
	}
	return name + "/" + id64(s.Person().ID)
}

// willAnswerBelow says, before what a press changes, that its answer named
// name will follow: whether it went out already is read with that change.
func willAnswerBelow(s *flows.Session, name string) { s.WillSend(belowID(s, name)) }

// pressName names an answer to the press of one message: the same
// question asked again later is a new message, with its own answer.
func pressName(s *flows.Session, a Appointment, what string) string {
	if s.Input().MessageID == 0 {
		return ""
	}
	return "appt:" + a.ID + ":" + what + ":" + strconv.Itoa(s.Input().MessageID)
}

// apptYes keeps "I'll be there" for her staff (lists, digest), and the
// later reminders only remind.
func (e *capability) apptYes(s *flows.Session, a Appointment) error {
	name := "appt:" + a.ID + ":v" + strconv.Itoa(a.Seq) + ":yes"
	willAnswerBelow(s, name)
	if ok, err := e.apptsFor(s).set(s.Ctx(), a, "answer", answerYes); err != nil || !ok {
		return e.apptChanged(s, a.ID, err)
	}
	if err := settle(s); err != nil {
		return err
	}
	lines := append(append([]flows.T{{ID: "appointment.confirmed"}}, apptLines(a)...), flows.T{ID: "appointment.next_change"})
	return answerBelow(s, name, flows.Message{Lines: lines, Buttons: changeRow(a, s.Person().Role)})
}

// cancelQuestion asks whether to cancel a; staff are reminded that the
// mother, whose name is given, will be told.
func cancelQuestion(a Appointment, role, name string) flows.Message {
	ask := flows.T{ID: "appointment.cancel_confirm"}
	if role == flows.RoleStaff {
		ask = flows.T{ID: "appointment.cancel_confirm_staff", Data: map[string]any{"Name": name}}
	}
	return flows.Confirm(append([]flows.T{ask}, apptLines(a)...),
		"appointment.cancel_yes", apButton(actCancelSure, a), "appointment.cancel_no", apButton(actKeep, a))
}

// motherName is the name of a's mother, for staff's questions and answers.
func (e *capability) motherName(s *flows.Session, a Appointment) (string, error) {
	if s.Person().Role != flows.RoleStaff {
		return "", nil
	}
	m, _, err := e.People().Get(s.Ctx(), a.Mother)
	return m.Name, err
}

// apptAskCancel asks, at the bottom of the chat, whether to cancel a.
func (e *capability) apptAskCancel(s *flows.Session, a Appointment) error {
	name, err := e.motherName(s, a)
	if err != nil {
		return err
	}
	return s.Send(cancelQuestion(a, s.Person().Role, name))
}

// apptKeep answers "no, keep it": the card again, with its buttons.
func (e *capability) apptKeep(s *flows.Session, a Appointment) error {
	if err := settle(s); err != nil {
		return err
	}
	return answerBelow(s, pressName(s, a, "kept"), flows.Message{
		Lines: append([]flows.T{{ID: "appointment.kept"}}, apptLines(a)...), Buttons: cardButtons(a, s.Person().Role)})
}

// apptCancelled tells the one who cancelled a that it is done, and what
// next: a new appointment, or the list. She is reminded to take it off her
// phone's calendar; staff, that she has been told.
func (e *capability) apptCancelled(s *flows.Session, a Appointment, mother flows.Person) error {
	role := s.Person().Role
	if err := settle(s); err != nil {
		return err
	}
	lines := append([]flows.T{{ID: "appointment.cancelled"}}, apptLines(a)...)
	another := flows.Button{Label: flows.T{ID: "appointment.new"}, Data: verbNew}
	list := flows.Button{Label: flows.T{ID: "appointment.menu_mine"}, Data: verbMine}
	if role == flows.RoleStaff {
		another.Data = verbNew + ":" + id64(a.Mother) // for the same mother
		lines = append(lines, flows.T{ID: "appointment.mother_told", Data: map[string]any{"Name": mother.Name}})
		list = flows.Button{Label: flows.T{ID: "appointment.list_of_button", Data: map[string]any{"Name": mother.Name}},
			Data: verbList + ":m:" + id64(a.Mother)}
	} else {
		lines = append(lines, flows.T{ID: "appointment.calendar_delete"})
	}
	return answerBelow(s, "appt:"+a.ID+":cancelled:answer", flows.Message{Lines: lines,
		Buttons: [][]flows.Button{{another}, {list}}})
}

// apptOutcome keeps her answer to "did you go?"; staff learn when she did not.
func (e *capability) apptOutcome(s *flows.Session, a Appointment, action string) error {
	outcome, reply := outcomeWent, "appointment.after_went"
	if action == actMissed {
		outcome, reply = outcomeMissed, "appointment.after_missed"
	}
	name := "appt:" + a.ID + ":v" + strconv.Itoa(a.Seq) + ":" + outcome
	willAnswerBelow(s, name)
	if ok, err := e.apptsFor(s).set(s.Ctx(), a, "outcome", outcome); err != nil || !ok {
		return e.apptChanged(s, a.ID, err)
	}
	if outcome == outcomeMissed && s.Person().Role == flows.RoleMother {
		err := e.tellStaff(s.Ctx(), a, s.Person().ID, "appt:"+a.ID+":v"+strconv.Itoa(a.Seq)+":missed", flows.T{ID: "appointment.staff_missed",
			Data: map[string]any{"Name": s.Person().Name, "What": apptWhat(a), "When": a.At}})
		if err != nil {
			return err
		}
	}
	if err := settle(s); err != nil {
		return err
	}
	m := flows.Message{Lines: []flows.T{{ID: reply}}}
	if outcome == outcomeMissed {
		m.Buttons = [][]flows.Button{{{Label: flows.T{ID: "appointment.new"}, Data: verbNew}}}
	}
	return answerBelow(s, name, m)
}
