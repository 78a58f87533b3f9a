package flows

// Ending a group, for staff, from the group's page. It ends with the
// group's planned meetings cancelled and their reminders dropped, each of
// its mothers told that the group has ended, and nothing of the group left
// in Redis, its mothers' answers included. A repeat after a failure half-way
// (the person presses again, or Telegram delivers the update again) does
// the rest and tells nobody twice.
//
//  1. grd:<group>   are you sure? (No goes back to the group's page)
//  2. gre:<group>   ended, and the mothers told

// groupAskEnd is "grd:<group>": are you sure?
func groupAskEnd(s *Session, id string) error {
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	return s.edit(Message{Lines: []T{{ID: "group.end_confirm", Data: map[string]any{"Name": g.Name}}}, Buttons: [][]Button{
		{{Label: T{ID: "group.end_yes"}, Data: "gre:" + g.ID}},
		{{Label: T{ID: "group.cancel_no"}, Data: "grp:" + g.ID}},
	}})
}

// groupEnd is "gre:<group>": the group ends.
func groupEnd(s *Session, id string) error {
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	st := s.e.groupStore()
	meetings, err := st.planned(s.ctx, g.ID, s.now)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		if err := s.e.dropMeetingJobs(s.ctx, m); err != nil {
			return err
		}
	}
	// Told before the group goes, since telling needs its members; the job
	// id makes a repeat tell nobody twice.
	if err := s.e.tellGroup(s.ctx, g, "group:"+g.ID+":ended", func(Person) (Message, bool) {
		return Message{Lines: []T{{ID: "group.ended_for_you", Data: map[string]any{"Group": g.Name}}}}, true
	}); err != nil {
		return err
	}
	if err := st.removeGroup(s.ctx, g); err != nil {
		return err
	}
	s.e.log.Info("group ended", "user_id", s.person.ID, "group", g.ID)
	return s.edit(Message{Lines: []T{{ID: "group.ended", Data: map[string]any{"Name": g.Name}}},
		Buttons: [][]Button{{{Label: T{ID: "group.back"}, Data: "grl"}}}})
}
