package flows

import "strings"

// Cancelling a group's meeting, for staff, from the group's page. It ends
// with the meeting cancelled, its reminder dropped and every mother of the
// group told; the buttons the mothers have for it then say it is cancelled.
//
//  1. grc:<group>             "Cancel a meeting": the next meetings as buttons
//  2. grc:<group>:<meeting>   are you sure? (No goes back to the group's page)
//  3. grx:<meeting>           cancelled, and the mothers told

// meetAskCancel is "grc:<group>": the next meetings to choose from; or
// "grc:<group>:<meeting>": are you sure?
func meetAskCancel(s *Session, arg string) error {
	id, mid, _ := strings.Cut(arg, ":")
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	if mid == "" {
		ms, err := s.e.groupStore().planned(s.ctx, g.ID, s.now)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return s.reply(T{ID: "group.meetings_none"})
		}
		var bs []Button
		for _, m := range ms[:min(len(ms), maxMotherButtons)] {
			bs = append(bs, Button{Label: T{ID: "appointment.choice_when", Data: map[string]any{"When": m.At}},
				Data: "grc:" + g.ID + ":" + m.ID})
		}
		return s.send(Message{Lines: []T{{ID: "group.ask_cancel"}}, Buttons: grid(bs, 1)})
	}
	m, ok, err := s.e.groupStore().meeting(s.ctx, mid)
	if err != nil || !ok || m.Group != g.ID {
		return orInvalid(s, err)
	}
	if !s.now.Before(m.At) {
		return s.reply(T{ID: "group.meeting_passed"})
	}
	return s.edit(Message{Lines: append([]T{{ID: "group.cancel_confirm"}}, meetLines(g, m, "")...), Buttons: [][]Button{
		{{Label: T{ID: "group.cancel_yes"}, Data: "grx:" + m.ID}},
		{{Label: T{ID: "group.cancel_no"}, Data: "grp:" + g.ID}},
	}})
}

// meetCancel cancels a meeting and its reminder, and tells the group's mothers.
func meetCancel(s *Session, mid string) error {
	st := s.e.groupStore()
	m, ok, err := st.meeting(s.ctx, mid)
	if err != nil || !ok || m.Org != s.person.OrgID {
		return orInvalid(s, err)
	}
	g, ok, err := staffGroup(s, m.Group)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	if !s.now.Before(m.At) {
		return s.reply(T{ID: "group.meeting_passed"})
	}
	// A meeting already cancelled goes on to the end: this very press may
	// have cancelled it before an error, and what follows is harmless to
	// repeat (the mothers' messages name the meeting, so none comes twice).
	if _, err := st.cancelMeeting(s.ctx, m); err != nil {
		return err
	}
	if err := s.e.dropMeetingJobs(s.ctx, m); err != nil {
		return err
	}
	s.e.log.Info("meeting cancelled", "user_id", s.person.ID, "group", g.ID, "meeting", m.ID)
	if err := s.e.tellGroup(s.ctx, g, "meet:"+m.ID+":cancelled", func(Person) (Message, bool) {
		return Message{Lines: meetLines(g, m, "group.meeting_cancelled_for_you")}, true
	}); err != nil {
		return err
	}
	return s.edit(Message{Lines: append([]T{{ID: "group.cancelled"}}, meetLines(g, m, "")...),
		Buttons: [][]Button{{{Label: T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: "grp:" + g.ID}}}})
}
