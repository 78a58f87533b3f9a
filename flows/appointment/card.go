package appointment

import (
	"context"
	"strconv"
	"time"

	"nido/flows"
)

// How an appointment reads wherever it is shown (a new one, a reminder, a
// list, a notice to staff), and who is told about it.

// apptWhat names the appointment: its kind, or what she wrote for "other".
func apptWhat(a Appointment) flows.T {
	if a.Kind == "other" && a.Note != "" {
		return flows.T{Plain: a.Note}
	}
	return flows.T{ID: "appointment.kind_" + a.Kind}
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
	if a.Note != "" && a.Kind != "other" {
		lines = append(lines, flows.T{ID: "appointment.card_note", Data: map[string]any{"Note": a.Note}})
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

// reminderButtons are the answers to a reminder.
func reminderButtons(a Appointment) [][]flows.Button {
	return append([][]flows.Button{
		{{Label: flows.T{ID: "appointment.yes"}, Data: apButton(actYes, a)}},
		{{Label: flows.T{ID: "appointment.change"}, Data: apButton(actChange, a)}},
		{{Label: flows.T{ID: "appointment.cancel"}, Data: apButton(actCancel, a)}},
	}, mapRow(a)...)
}

// cardButtons are the actions on an appointment shown in a list or just made.
func cardButtons(a Appointment) [][]flows.Button {
	return append([][]flows.Button{
		{{Label: flows.T{ID: "appointment.change"}, Data: apButton(actChange, a)}, {Label: flows.T{ID: "appointment.cancel"}, Data: apButton(actCancel, a)}},
		{{Label: flows.T{ID: "appointment.calendar"}, Data: apButton(actCalendar, a)}},
	}, mapRow(a)...)
}

// apptNews is a new or moved appointment for the mother: the card, when
// the reminders will come, and the calendar file.
func (e *capability) apptNews(a Appointment, mother flows.Person, title string, reminders []time.Time) flows.Message {
	lines := append([]flows.T{{ID: title}}, apptLines(a)...)
	for _, r := range reminders {
		lines = append(lines, flows.T{ID: "appointment.reminder_at", Data: map[string]any{"When": r.In(e.Location())}})
	}
	doc := e.apptDocument(a, mother.Lang)
	return flows.Message{Lines: lines, Buttons: cardButtons(a), Document: &doc}
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
