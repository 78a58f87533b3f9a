package group

import "nido/flows"

// Ending a group, for staff, from the group's page. It ends with the
// meetings that took place held in the month's attendance, their
// facilitator asked who came if she was not yet, the
// group's planned meetings cancelled, their reminders dropped and their
// answer buttons taken from the mothers' messages (messages.go), the ✓ and
// ✗ of its open polls too (saying "This poll is closed.", nothing sent
// anew), each of its mothers told that the group has ended, its recurring meetings'
// rules removed, and nothing of the group left
// in Redis, its mothers' answers included. A repeat after a failure half-way
// (the person presses again, or Telegram delivers the update again) does
// the rest and tells nobody twice.
//
//  1. grd:<group>   are you sure? (No goes back to the group's page)
//  2. gre:<group>   ended, and the mothers told

// groupAskEnd is verbAskEnd + ":<group>": are you sure?
func (e *capability) groupAskEnd(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return s.Edit(flows.Confirm([]flows.T{{ID: "group.end_confirm", Data: map[string]any{"Name": g.Name}}},
		"group.end_yes", verbEnd+":"+g.ID, "group.cancel_no", verbPage+":"+g.ID))
}

// groupEnd is verbEnd + ":<group>": the group ends.
func (e *capability) groupEnd(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	// Its meetings that took place still count, and can still be marked:
	// held now, with what their "Who came?" needs, and asked about now
	// (attendance.go), before the group and its jobs go.
	if err := e.holdStarted(s.Ctx(), g); err != nil {
		return err
	}
	st := e.groupStore()
	meetings, err := st.planned(s.Ctx(), g.ID, s.Now())
	if err != nil {
		return err
	}
	for _, m := range meetings {
		if err := e.dropMeetingJobs(s.Ctx(), m); err != nil {
			return err
		}
		// Its buttons go before the meeting does. A message kept meanwhile
		// may keep them: pressed, they find no meeting and change nothing.
		if err := e.stripMeeting(s.Ctx(), g, m); err != nil {
			return err
		}
	}
	// Its open polls' buttons go too, before the polls do.
	polls, err := e.openPolls(s.Ctx(), g)
	if err != nil {
		return err
	}
	if len(polls) > 0 {
		if err := e.eachMother(s.Ctx(), g, func(m flows.Person) error {
			return e.stripPolls(s.Ctx(), g, polls, m)
		}); err != nil {
			return err
		}
	}
	// Its recurring meetings' rules go, with every job left of the group.
	if _, err := e.Scheduler().CancelOwner(s.Ctx(), groupOwner(g.ID)); err != nil {
		return err
	}
	// Told before the group goes, since telling needs its members; the job
	// id makes a repeat tell nobody twice.
	if err := e.tellGroup(s.Ctx(), g, "group:"+g.ID+":ended", func(flows.Person) (flows.Message, bool) {
		return flows.Message{Lines: []flows.T{{ID: "group.ended_for_you", Data: map[string]any{"Group": g.Name}}}}, true
	}); err != nil {
		return err
	}
	if err := st.removeGroup(s.Ctx(), g); err != nil {
		return err
	}
	e.Log().Info("group ended", "user_id", s.Person().ID, "group", g.ID)
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "group.ended", Data: map[string]any{"Name": g.Name}}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "group.back"}, Data: verbList}}}})
}
