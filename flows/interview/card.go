package interview

import (
	"context"
	"strconv"
	"strings"
	"time"

	"nido/flows"
)

// An interview's card, in her list of appointments (the core's Agenda) and
// wherever it is shown: what, when, where, and buttons to change the time
// or cancel it, for her and for staff of her organisation. Each button
// names the interview and its version: one of an interview moved since
// answers with the interview as it is now.
//
//	io:<interview>                 the card
//	ia:<interview>:<version>:<act>  m change the time, c cancel (asks first), C cancelled

// cardLines are what, when and where.
func cardLines(iv Interview) []flows.T {
	lines := []flows.T{
		{ID: "interview.card_title", Data: map[string]any{"Job": flows.T{ID: "interview.job_" + iv.Job}}},
		{ID: "interview.card_when", Data: map[string]any{"When": iv.At}},
	}
	if iv.Where != "" {
		lines = append(lines, flows.T{ID: "interview.card_where", Data: map[string]any{"Where": iv.Where}})
	}
	if iv.Childcare {
		lines = append(lines, flows.T{ID: "interview.card_childcare"})
	}
	return lines
}

// repeatWindow is how long after cancelling pressing "cancel" again still
// finishes what a failure left undone, rather than showing the card.
const repeatWindow = 10 * time.Minute

func actData(iv Interview, act string) string {
	return verbAct + ":" + iv.ID + ":" + strconv.Itoa(iv.Seq) + ":" + act
}

// cardButtons are change, cancel and, with a place, the map.
func (e *capability) cardButtons(iv Interview) [][]flows.Button {
	rows := [][]flows.Button{{
		{Label: flows.T{ID: "interview.change"}, Data: actData(iv, "m")},
		{Label: flows.T{ID: "interview.cancel"}, Data: actData(iv, "c")},
	}}
	if iv.Where != "" {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "appointment.map"}, URL: flows.MapsURL(iv.Where)}})
	}
	return rows
}

// agenda is the mother's interviews still to come, as cards for her list of appointments.
func (e *capability) agenda(ctx context.Context, mother, _ flows.Person, from, to time.Time) ([]flows.AgendaItem, error) {
	ivs, err := e.store().in(ctx, e.k.motherInterviews(mother.ID), from, to)
	if err != nil {
		return nil, err
	}
	var out []flows.AgendaItem
	for _, iv := range ivs {
		if iv.Status == statusPlanned {
			out = append(out, flows.AgendaItem{At: iv.At, Card: flows.Message{Lines: cardLines(iv), Buttons: e.cardButtons(iv)}})
		}
	}
	return out, nil
}

// mine loads the interview a button names when the one pressing may touch
// it: the mother herself, or staff of her organisation.
func (e *capability) mine(s *flows.Session, id string) (Interview, bool, error) {
	iv, ok, err := e.store().get(s.Ctx(), id)
	if err != nil || !ok {
		return Interview{}, false, err
	}
	me := s.Person()
	switch me.Role {
	case flows.RoleMother:
		return iv, iv.Mother == me.ID, nil
	case flows.RoleStaff:
		return iv, me.OrgID != "" && iv.Org == me.OrgID, nil
	}
	return Interview{}, false, nil
}

func (e *capability) cardButton(s *flows.Session, id string) error {
	iv, ok, err := e.mine(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.card(s, iv, flows.T{})
}

func (e *capability) card(s *flows.Session, iv Interview, intro flows.T) error {
	var lines []flows.T
	if intro.ID != "" {
		lines = append(lines, intro)
	}
	lines = append(lines, cardLines(iv)...)
	if iv.Status != statusPlanned {
		return s.Send(flows.Message{Lines: append(lines, flows.T{ID: "interview.cancelled_already"})})
	}
	return s.Send(flows.Message{Lines: lines, Buttons: e.cardButtons(iv)})
}

func (e *capability) act(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	iv, ok, err := e.mine(s, parts[0])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	switch {
	case parts[2] == "C" && iv.Status == statusCancelled && iv.CancelledBy == s.Person().ID &&
		s.Now().Sub(iv.CancelledAt) < repeatWindow:
		return e.cancelled(s, iv) // pressed again by the one who cancelled, after a failure half-way
	case iv.Status != statusPlanned || !iv.At.After(s.Now()):
		return e.card(s, iv, flows.T{ID: "interview.not_ahead"})
	case parts[1] != strconv.Itoa(iv.Seq):
		return e.card(s, iv, flows.T{ID: "interview.was_moved"})
	}
	switch parts[2] {
	case "m":
		return e.askDay(s, draft{Mother: strconv.FormatInt(iv.Mother, 10), Move: iv.ID, Seq: strconv.Itoa(iv.Seq)}, "")
	case "c":
		return s.Send(flows.Confirm(append([]flows.T{{ID: "interview.cancel_confirm"}}, cardLines(iv)...),
			"interview.cancel_yes", actData(iv, "C"), "interview.keep", verbCard+":"+iv.ID))
	case "C":
		ok, err := e.store().set(s.Ctx(), iv, "status", statusCancelled,
			"cancelled_by", s.Person().ID, "cancelled_at", s.Now().Unix())
		if err != nil {
			return err
		}
		if !ok {
			return e.card(s, iv, flows.T{ID: "interview.was_moved"})
		}
		iv.Status = statusCancelled
		return e.cancelled(s, iv)
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// cancelled drops the tips and the follow-up and tells her, with a calendar
// file that takes it off her phone's calendar.
func (e *capability) cancelled(s *flows.Session, iv Interview) error {
	if err := e.dropJobs(s.Ctx(), iv, nil); err != nil {
		return err
	}
	mother, ok, err := e.People().Get(s.Ctx(), iv.Mother)
	if err != nil {
		return err
	}
	e.Log().Info("interview cancelled", "user_id", s.Person().ID, "interview", iv.ID)
	msg := flows.Message{Lines: append([]flows.T{{ID: "interview.cancelled"}}, cardLines(iv)...),
		Document: e.document(iv, mother.Lang, true)}
	if ok && mother.ID != s.Person().ID {
		if err := e.TellMessage(s.Ctx(), mother, jobPrefix(iv)+"cancelled", msg); err != nil {
			return err
		}
		msg = flows.Message{Lines: []flows.T{{ID: "interview.cancelled_staff", Data: map[string]any{"Name": mother.Name}}}}
	}
	return s.Send(msg)
}

// saveMove moves the interview to the draft's time as its next version,
// moves its tips and follow-up, and tells her with a new calendar file.
func (e *capability) saveMove(s *flows.Session, d draft) error {
	iv, ok, err := e.mine(s, d.Move)
	if err != nil {
		return err
	}
	if !ok || iv.Status != statusPlanned {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "interview.not_ahead"})
	}
	at, _ := flows.At(d.Day, d.Time, e.Location())
	seq, _ := strconv.Atoi(d.Seq)
	switch {
	case iv.Seq == seq:
		moved, err := e.store().move(s.Ctx(), iv, at)
		if err != nil {
			return err
		}
		if !moved {
			if err := s.EndConv(); err != nil {
				return err
			}
			return s.Reply(flows.T{ID: "interview.not_ahead"})
		}
		iv.Seq++
	case iv.Seq == seq+1 && iv.At.Equal(at):
		// This move, repeated after an error: finish it.
	default:
		// Moved by someone else meanwhile.
		if err := s.EndConv(); err != nil {
			return err
		}
		return e.card(s, iv, flows.T{ID: "interview.was_moved"})
	}
	iv.At = at
	if err := e.store().index(s.Ctx(), iv, s.Now()); err != nil {
		return err
	}
	tips, err := e.plan(s.Ctx(), iv)
	if err != nil {
		return err
	}
	if gone, err := e.undoIfErased(s.Ctx(), iv); err != nil || gone {
		return flows.OrMotherGone(s, gone, err)
	}
	mother, found, err := e.People().Get(s.Ctx(), iv.Mother)
	if err != nil {
		return err
	}
	e.Log().Info("interview moved", "user_id", s.Person().ID, "interview", iv.ID, "seq", iv.Seq)
	msg := flows.Message{Lines: append(append([]flows.T{{ID: "interview.moved"}}, cardLines(iv)...), tipsLine(tips)),
		Buttons: e.cardButtons(iv), Document: e.document(iv, mother.Lang, false)}
	if found && mother.ID != s.Person().ID {
		if err := e.TellMessage(s.Ctx(), mother, jobPrefix(iv)+"moved", msg); err != nil {
			return err
		}
		msg = flows.Message{Lines: append([]flows.T{{ID: "interview.moved_staff", Data: map[string]any{"Name": mother.Name}}}, cardLines(iv)...)}
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Send(msg)
}

// document is iv's calendar file, its texts in lang.
func (e *capability) document(iv Interview, lang string, cancelled bool) *flows.Document {
	job, err := e.Texts().Text(lang, "interview.job_"+iv.Job, nil, nil)
	if err != nil {
		job = iv.Job
	}
	summary, err := e.Texts().Text(lang, "interview.ics_summary", map[string]any{"Job": job}, nil)
	if err != nil {
		summary = job
	}
	ev := flows.CalendarEvent{UID: "interview-" + iv.ID + "." + e.Prefix() + "@nido", Seq: iv.Seq, Start: iv.At,
		Duration: time.Hour, Summary: summary, Location: iv.Where, Stamp: e.Now(), Alarm: time.Hour, Cancelled: cancelled}
	if cancelled {
		ev.Seq++
	}
	if iv.Where != "" {
		ev.Description = flows.MapsURL(iv.Where)
	}
	return &flows.Document{Name: "interview-" + iv.At.Format("2006-01-02") + ".ics", Content: flows.CalendarFile(ev),
		Caption: flows.T{ID: "ics.caption"}}
}
