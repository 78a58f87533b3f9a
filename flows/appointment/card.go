package appointment

import (
	"context"
	"strconv"
	"time"

	"nido/flows"
)

// How an appointment reads wherever it is shown (a new one, a reminder, a
// list, a notice to staff), and who is told about it.

// apptWhat names the appointment: its kind, or for "other" what she wrote.
func apptWhat(a Appointment) flows.T {
	switch {
	case a.Kind == "other" && a.Title != "":
		return flows.T{Plain: a.Title}
	case a.Kind == "other" && a.Note != "":
		return flows.T{Plain: a.Note} // saved before titles were asked
	}
	return flows.T{ID: "appointment.kind_" + a.Kind}
}

// apptNote is the note as a card shows it: none when it only says the kind
// again ("Colloquio di lavoro" for a job interview) or is the name of an
// "other" saved before titles were asked.
func apptNote(a Appointment) string {
	switch {
	case a.Kind == "other" && a.Title == "":
		return ""
	case a.Kind != "other" && withoutKindWords(a.Note, a.Kind) == "":
		return ""
	}
	return a.Note
}

// apptLines are the card of an appointment: what, when, where, the note.
func apptLines(a Appointment) []flows.T {
	lines := []flows.T{
		{ID: "appointment.card_what", Data: map[string]any{"What": apptWhat(a)}},
		{ID: "appointment.card_when", Data: map[string]any{"When": a.At}},
	}
	if a.Place != "" {
		lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": a.Place}})
	}
	if note := apptNote(a); note != "" {
		lines = append(lines, flows.T{ID: "appointment.card_note", Data: map[string]any{"Note": note}})
	}
	return lines
}

// mapRow is the map button, when there is a place.
func mapRow(a Appointment) [][]flows.Button {
	if a.Place == "" {
		return nil
	}
	return [][]flows.Button{{{Label: flows.T{ID: "appointment.map"}, URL: flows.MapsURL(a.Place)}}}
}

// apButton is the data of a button acting on this version of a, so that a
// button from before a move cannot answer for the new time.
func apButton(action string, a Appointment) string {
	return verbAct + ":" + action + ":" + a.ID + ":" + strconv.Itoa(a.Seq)
}

// reminder is a reminder of a. Until she said she will be there it asks,
// with three answers; once she did, it only reminds, and keeps a way to
// change or cancel it.
func reminder(a Appointment) flows.Message {
	lines := append([]flows.T{{ID: "appointment.reminder_title"}}, apptLines(a)...)
	if a.Answer == answerYes {
		return flows.Message{Lines: append(lines, flows.T{ID: "appointment.reminder_confirmed"}),
			Buttons: append(changeRow(a, flows.RoleMother), mapRow(a)...)}
	}
	return flows.Message{Lines: append(lines, flows.T{ID: "appointment.reminder_ask"}), Buttons: append([][]flows.Button{
		{{Label: flows.T{ID: "appointment.yes"}, Data: apButton(actYes, a)}},
		{{Label: flows.T{ID: "appointment.change"}, Data: apButton(actChange, a)}},
		{{Label: flows.T{ID: "appointment.cancel"}, Data: apButton(actCancel, a)}},
	}, mapRow(a)...)}
}

// changeRow is "change" and "cancel", in the words of the one who sees
// them: the mother asks to change her appointment; staff move it, and
// cancelling tells her.
func changeRow(a Appointment, role string) [][]flows.Button {
	change, cancel := "appointment.change", "appointment.cancel"
	if role == flows.RoleStaff {
		change, cancel = "appointment.staff_change", "appointment.staff_cancel"
	}
	return [][]flows.Button{{{Label: flows.T{ID: change}, Data: apButton(actChange, a)}, {Label: flows.T{ID: cancel}, Data: apButton(actCancel, a)}}}
}

// cardButtons are the actions on an appointment shown in a list or just
// made, for role. The calendar file is the mother's: staff get none, as an
// entry in their own calendar would not follow a later move or
// cancellation, and their list of the day is where they see her appointments.
func cardButtons(a Appointment, role string) [][]flows.Button {
	rows := changeRow(a, role)
	if role != flows.RoleStaff {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "appointment.calendar"}, Data: apButton(actCalendar, a)}})
	}
	return append(rows, mapRow(a)...)
}

// apptNews is a new or moved appointment for the mother: the card, when
// the reminders will come, and the calendar file.
func (e *capability) apptNews(a Appointment, mother flows.Person, title string, reminders []time.Time) flows.Message {
	lines := append([]flows.T{{ID: title}}, apptLines(a)...)
	for _, r := range reminders {
		lines = append(lines, flows.T{ID: "appointment.reminder_at", Data: map[string]any{"When": r.In(e.Location())}})
	}
	doc := e.apptDocument(a, mother.Lang)
	return flows.Message{Lines: lines, Buttons: cardButtons(a, flows.RoleMother), Document: &doc}
}

// tellStaff tells the staff who follow a's mother, the staff of her
// organisation (her creator among them), except the one acting.
func (e *capability) tellStaff(ctx context.Context, a Appointment, except int64, jobID string, lines ...flows.T) error {
	staff, err := e.People().Members(ctx, a.Org, flows.RoleStaff)
	if err != nil {
		return err
	}
	for _, st := range staff {
		if st.ID == except || st.Unreachable {
			continue
		}
		if err := e.TellMessage(ctx, st, jobID, flows.Message{Lines: lines}); err != nil {
			return err
		}
	}
	return nil
}

// appts is the appointment store.
func (e *capability) appts() appointments {
	return appointments{rdb: e.Redis(), k: e.k, loc: e.Location()}
}

// apptsFor is the appointment store answering s: it takes what s read ahead.
func (e *capability) apptsFor(s *flows.Session) appointments {
	st := e.appts()
	st.ahead = s
	return st
}
