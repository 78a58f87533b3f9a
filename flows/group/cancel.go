package group

import (
	"strings"

	"nido/flows"
)

// Cancelling a group's meeting, for staff, from the group's page. It ends
// with the meeting cancelled, its reminder dropped, the mothers' messages
// about it left without their answer buttons (messages.go) and every mother
// of the group told; a button pressed anyway says it is cancelled.
//
//  1. grc:<group>             "Cancel a meeting": the next meetings as buttons
//  2. grc:<group>:<meeting>   are you sure? (No goes back to the group's page)
//  3. grx:<meeting>           cancelled, and the mothers told

// meetAskCancel is verbAskCancel + ":<group>": the next meetings to choose from; or
// verbAskCancel + ":<group>:<meeting>": are you sure?
func (e *capability) meetAskCancel(s *flows.Session, arg string) error {
	id, mid, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if mid == "" {
		return e.pickMeeting(s, g, verbAskCancel, "group.ask_cancel")
	}
	m, ok, err := e.groupStore().meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Group != g.ID {
		return flows.OrInvalid(s, err)
	}
	if !s.Now().Before(m.At) {
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	return s.Edit(flows.Confirm(append([]flows.T{{ID: "group.cancel_confirm"}}, meetLines(g, m, "")...),
		"group.cancel_yes", verbCancel+":"+m.ID, "group.cancel_no", verbPage+":"+g.ID))
}

// meetCancel cancels a meeting and its reminder, and tells the group's mothers.
func (e *capability) meetCancel(s *flows.Session, mid string) error {
	st := e.groupStore()
	m, ok, err := st.meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Org != s.Person().OrgID {
		return flows.OrInvalid(s, err)
	}
	g, ok, err := e.staffGroup(s, m.Group)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if !s.Now().Before(m.At) {
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	// A meeting already cancelled goes on to the end: this very press may
	// have cancelled it before an error, and what follows is harmless to
	// repeat (the mothers' messages name the meeting, so none comes twice).
	if _, err := st.cancelMeeting(s.Ctx(), m); err != nil {
		return err
	}
	if err := e.dropMeetingJobs(s.Ctx(), m); err != nil {
		return err
	}
	// Read again, cancelled: no message is kept for it any more, so the
	// list is the last.
	if m, ok, err = st.meeting(s.Ctx(), mid); err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := e.stripMeeting(s.Ctx(), g, m); err != nil {
		return err
	}
	e.Log().Info("meeting cancelled", "user_id", s.Person().ID, "group", g.ID, "meeting", m.ID)
	if err := e.tellGroup(s.Ctx(), g, "meet:"+m.ID+":cancelled", func(flows.Person) (flows.Message, bool) {
		return flows.Message{Lines: meetLines(g, m, "group.meeting_cancelled_for_you")}, true
	}); err != nil {
		return err
	}
	return s.Edit(flows.Message{Lines: append([]flows.T{{ID: "group.cancelled"}}, meetLines(g, m, "")...),
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}}}})
}

// pickMeeting asks staff which of g's next meetings to act on, one button
// each (verb + ":<group>:<meeting>"), with question above them: to cancel
// one here, to move one in move.go.
func (e *capability) pickMeeting(s *flows.Session, g Group, verb, question string) error {
	ms, err := e.groupStore().planned(s.Ctx(), g.ID, s.Now())
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return s.Reply(flows.T{ID: "group.meetings_none"})
	}
	var bs []flows.Button
	for _, m := range ms[:min(len(ms), flows.MaxButtons)] {
		bs = append(bs, flows.Button{Label: flows.T{ID: "appointment.choice_when", Data: map[string]any{"When": m.At}},
			Data: verb + ":" + g.ID + ":" + m.ID})
	}
	return s.Send(flows.Message{Lines: []flows.T{{ID: question}}, Buttons: flows.Grid(bs, 1)})
}
