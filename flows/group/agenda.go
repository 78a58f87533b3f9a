package group

import (
	"context"
	"time"

	"nido/flows"
)

// A mother's group meetings in her list of appointments (the core's
// Agenda), so that an appointment made at the time of a meeting warns, and
// her list shows the meeting among the rest. Only the groups of her own
// organisation count, as on /group.
//
// A meeting she said she cannot come to is left out: she will not be
// there, so an appointment at that time clashes with nothing, and her list
// is of where she is expected. /group still shows it with her answer,
// where she can change her mind; a cancelled meeting is left out too.

// agenda is her planned meetings between from and to. She sees each as
// /group shows it, with her answer and its buttons; staff see when and
// where, and the map, without her answer, which speaks to her.
//
// The card's message is not kept among the meeting's messages (nothing
// here learns its id): if the meeting is cancelled its buttons stay, and a
// press says it was cancelled and takes them away.
func (e *capability) agenda(ctx context.Context, mother, viewer flows.Person, from, to time.Time) ([]flows.AgendaItem, error) {
	gs, err := e.myGroups(ctx, mother)
	if err != nil {
		return nil, err
	}
	herself := viewer.ID == mother.ID
	var out []flows.AgendaItem
	for _, g := range gs {
		ms, err := e.groupStore().meetings(ctx, g.ID, from, to)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			answer := m.Answers[mother.ID]
			if m.Status != meetingPlanned || answer == answerNotComing {
				continue
			}
			card := flows.Message{Lines: meetLines(g, m, ""), Buttons: mapButton(m)}
			if herself {
				card = flows.Message{Lines: herLines(g, m, mother.ID, ""), Buttons: herButtons(g, m, mother.ID)}
			}
			out = append(out, flows.AgendaItem{At: m.At, Card: card})
		}
	}
	return out, nil
}

// mapButton is the map of the meeting's place, when it has one.
func mapButton(m Meeting) [][]flows.Button {
	if m.Place == "" {
		return nil
	}
	return [][]flows.Button{{{Label: flows.T{ID: "appointment.map"}, URL: flows.MapsURL(m.Place)}}}
}
