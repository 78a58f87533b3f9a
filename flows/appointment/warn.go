package appointment

import (
	"context"
	"slices"
	"strings"
	"time"

	"nido/flows"
)

// Step 5b of making or moving an appointment: before it is saved at a
// time when something else is planned for her (another appointment, or
// what another capability planned: a job interview, a family's visit), or
// on a national holiday, the one making it is told and chooses:
//
//	apw:ok:<day><time>    save it anyway: not asked again for that day and time
//	apw:time:<day><time>  another time (the time question, which offers another day)
//	apw:day:<day><time>   another day, when the day is a holiday
//	apw:no:<day><time>    drop it: nothing saved, or a move leaves it as it was
//
// A button names the day and time it warned about: pressed after they were
// changed, it is no longer valid.

// clashWindow is how close two things must start to be told apart as "at
// the same time": an hour either side. An appointment lasts about an hour
// (its calendar file says so), and getting from one office to another
// across Rome takes a good part of another: within an hour of each other
// she cannot keep both. A wider window would warn of a morning and an
// afternoon that fit well together.
const clashWindow = time.Hour

// clash is something else planned for her near a time: what it is and when.
type clash struct {
	What flows.T
	At   time.Time
}

// apptWarn tells of what else is planned at, or of a holiday, and asks
// what to do; warned is false, and nothing is said, when there is neither.
func (e *capability) apptWarn(s *flows.Session, d draft, at time.Time) (warned bool, err error) {
	clashes, err := e.clashes(s, d, at)
	holiday := flows.Holiday(at)
	if err != nil || len(clashes) == 0 && holiday == "" {
		return false, err
	}
	var lines []flows.T
	if len(clashes) > 0 {
		lines = append(lines, flows.T{ID: "appointment.clash_title"})
		for _, c := range clashes {
			lines = append(lines, flows.T{ID: "appointment.clash_item", Data: map[string]any{"What": c.What, "When": c.At}})
		}
	}
	if holiday != "" {
		lines = append(lines, flows.T{ID: "appointment.holiday_warning", Data: map[string]any{
			"Day": flows.Day(at), "Holiday": flows.T{ID: "appointment.holiday_" + holiday}}})
	}
	ask, keep, change, other := "appointment.warn_ask", "appointment.warn_drop", "appointment.warn_change_time", "time"
	if d.Move != "" {
		ask, keep = "appointment.warn_ask_move", "appointment.warn_keep_old"
	}
	if holiday != "" {
		change, other = "appointment.warn_change_day", "day"
	}
	when := ":" + d.Day + d.Time
	buttons := [][]flows.Button{
		{{Label: flows.T{ID: "appointment.warn_save"}, Data: verbWarn + ":ok" + when}},
		{{Label: flows.T{ID: change}, Data: verbWarn + ":" + other + when}},
		{{Label: flows.T{ID: keep}, Data: verbWarn + ":no" + when}},
	}
	if err := s.SetStep("appt.warn", d.data()); err != nil {
		return true, err
	}
	return true, s.Send(flows.Message{Lines: append(lines, flows.T{ID: ask}), Buttons: buttons})
}

// clashes lists what is planned for d's mother within clashWindow of at,
// soonest first: her other appointments still on (not the one being moved
// or saved), and what the other capabilities have for her, named by the
// first line of their card.
func (e *capability) clashes(s *flows.Session, d draft, at time.Time) ([]clash, error) {
	ctx := s.Ctx()
	from, to := at.Add(-clashWindow), at.Add(clashWindow)
	mine, err := e.appts().ofMother(ctx, d.Mother, from, to)
	if err != nil {
		return nil, err
	}
	var out []clash
	for _, a := range active(mine) {
		if a.ID != d.Move && a.ID != d.ID {
			out = append(out, clash{What: apptWhat(a), At: a.At})
		}
	}
	others, err := e.agendaOf(ctx, d.Mother, s.Person(), from, to)
	if err != nil {
		return nil, err
	}
	for _, it := range others {
		if len(it.Card.Lines) > 0 {
			out = append(out, clash{What: it.Card.Lines[0], At: it.At})
		}
	}
	slices.SortStableFunc(out, func(a, b clash) int { return a.At.Compare(b.At) })
	return out, nil
}

// agendaOf is what the other capabilities planned for mother between from
// and to, as viewer sees it; nothing when she is no longer in Nido (saving
// says so).
func (e *capability) agendaOf(ctx context.Context, mother int64, viewer flows.Person, from, to time.Time) ([]flows.AgendaItem, error) {
	m, ok, err := e.People().Get(ctx, mother)
	if err != nil || !ok {
		return nil, err
	}
	return e.Agenda(ctx, m, viewer, from, to, "appointment")
}

// apptWarnButton is the answer to a warning.
func (e *capability) apptWarnButton(s *flows.Session, arg string) error {
	choice, when, _ := strings.Cut(arg, ":")
	d, ok := draftOf(s.Data())
	if !ok || when == "" || when != d.Day+d.Time {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	switch choice {
	case "ok":
		d.Accepted = when
	case "time":
		d.Time = ""
	case "day":
		d.Day, d.Time = "", ""
	case "no":
		return e.apptDropDraft(s, d)
	default:
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return e.apptNext(s, d)
}

// apptWarnTyped answers text typed instead of a button: the warning again.
func (e *capability) apptWarnTyped(s *flows.Session, _ string) error {
	return e.apptNext(s, e.apptDraft(s))
}

// apptDropDraft ends the conversation without saving: a new appointment is
// not made; one being moved stays as it was, and its card says so.
func (e *capability) apptDropDraft(s *flows.Session, d draft) error {
	if err := s.EndConv(); err != nil {
		return err
	}
	if d.Move == "" {
		return s.Reply(flows.T{ID: "appointment.dropped"})
	}
	a, ok, err := e.apptsFor(s).get(s.Ctx(), d.Move)
	if err != nil || !ok || !e.mayTouch(s, a) || a.Cancelled {
		return e.apptChanged(s, d.Move, err)
	}
	return s.Send(flows.Message{Lines: append([]flows.T{{ID: "appointment.kept"}}, apptLines(a)...),
		Buttons: cardButtons(a, s.Person().Role)})
}
