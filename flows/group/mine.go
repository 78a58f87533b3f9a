package group

import (
	"context"
	"strings"
	"time"

	"nido/flows"
)

// A mother's side of her mutual-aid groups: the groups she is in, their
// next meetings, and her answer to each. Being in a shelter is sensitive:
// she sees the group's name, when and where it meets, and never who else is
// in it.
//
//	/group or the menu's "My group"   her groups, then each next meeting with her answer and two buttons,
//	                                  and each open date poll with her marks (poll_answer.go)
//	gm:y:<meeting>, gm:n:<meeting>    I'll come, I can't come; pressed again, the answer changes
//
// The same two buttons come with a new meeting and with its reminder.

func (e *capability) groupMine(s *flows.Session, _ string) error {
	gs, err := e.myGroups(s.Ctx(), s.Person())
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		return e.noGroup(s)
	}
	for _, g := range gs {
		ms, err := e.groupStore().planned(s.Ctx(), g.ID, s.Now())
		if err != nil {
			return err
		}
		head := []flows.T{{ID: "group.meeting_of", Data: map[string]any{"Group": g.Name}}}
		if len(ms) == 0 {
			head = append(head, flows.T{ID: "group.mine_no_meetings"})
		}
		if err := s.Reply(head...); err != nil {
			return err
		}
		for _, m := range ms[:min(len(ms), flows.MaxCards)] {
			if err := e.showMeeting(s, g, m); err != nil {
				return err
			}
		}
		polls, err := e.openPolls(s.Ctx(), g)
		if err != nil {
			return err
		}
		for _, p := range polls {
			if err := e.showPoll(s, g, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// noGroup tells a mother in no group what a mutual-aid group is and whom
// to ask for one: the staff member who invited her, by name, while she is
// still one of her organisation's; else her social worker.
func (e *capability) noGroup(s *flows.Session) error {
	me := s.Person()
	ask := flows.T{ID: "group.mine_none_ask"}
	inviter, ok, err := e.People().Get(s.Ctx(), me.InvitedBy)
	if err != nil {
		return err
	}
	if ok && inviter.Role == flows.RoleStaff && inviter.OrgID == me.OrgID {
		ask = flows.T{ID: "group.mine_none_ask_staff", Data: map[string]any{"Name": inviter.Name}}
	}
	return s.Reply(flows.T{ID: "group.mine_none_about"}, ask)
}

// showMeeting sends her one meeting with her answer and the two buttons,
// and keeps the message, whose buttons go if the meeting is cancelled.
func (e *capability) showMeeting(s *flows.Session, g Group, m Meeting) error {
	me := s.Person()
	id, err := e.Post(s.Ctx(), flows.Message{ChatID: me.ID, Lang: s.Lang(), Lines: herLines(g, m, me.ID, ""), Buttons: herButtons(g, m, me.ID)})
	if err != nil {
		return err
	}
	return e.groupStore().keepMessage(s.Ctx(), m, me.ID, id)
}

// myGroups lists the groups a mother is in, of her organisation.
func (e *capability) myGroups(ctx context.Context, p flows.Person) ([]Group, error) {
	gs, err := e.groupStore().ofMother(ctx, p.ID)
	out := gs[:0:0]
	for _, g := range gs {
		if g.Org == p.OrgID {
			out = append(out, g)
		}
	}
	return out, err
}

// meetAnswer keeps her answer to a meeting of a group she is in, and shows
// it on the message she pressed. Anyone else's press, a forged id included,
// is an invalid button and changes nothing.
func (e *capability) meetAnswer(s *flows.Session, arg string) error {
	choice, mid, _ := strings.Cut(arg, ":")
	answer := map[string]string{"y": answerComing, "n": answerNotComing}[choice]
	g, m, ok, err := e.myMeeting(s, mid)
	if err != nil || !ok || answer == "" {
		return flows.OrInvalid(s, err)
	}
	st := e.groupStore()
	switch {
	case m.Status == meetingCancelled:
		return pressedCancelled(s, g, m)
	case !s.Now().Before(m.At):
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	if ok, err := st.answer(s.Ctx(), m, s.Person().ID, answer); err != nil {
		return err
	} else if !ok {
		return pressedCancelled(s, g, m)
	}
	// Staff may have taken her out of the group meanwhile: then her answer
	// must not stay behind, where she could neither see nor erase it.
	if in, err := st.isMember(s.Ctx(), g, s.Person().ID); err != nil || !in {
		if err == nil {
			err = st.removeMember(s.Ctx(), g.ID, s.Person().ID)
		}
		return flows.OrInvalid(s, err)
	}
	e.Log().Info("meeting answered", "user_id", s.Person().ID, "meeting", m.ID)
	// The message she pressed keeps the buttons: it is one to strip if
	// the meeting is cancelled, even when older than those kept.
	if err := st.keepMessage(s.Ctx(), m, s.Person().ID, s.Input().MessageID); err != nil {
		return err
	}
	m.Answers[s.Person().ID] = answer
	return s.Edit(flows.Message{Lines: herLines(g, m, s.Person().ID, ""), Buttons: herButtons(g, m, s.Person().ID)})
}

// myMeeting loads the meeting a mother's button names, with its group; ok
// is false unless both are of her organisation and she is in the group.
func (e *capability) myMeeting(s *flows.Session, mid string) (Group, Meeting, bool, error) {
	st := e.groupStore()
	m, ok, err := st.meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Org != s.Person().OrgID {
		return Group{}, Meeting{}, false, err
	}
	g, ok, err := st.group(s.Ctx(), m.Group)
	if err != nil || !ok || g.Org != s.Person().OrgID {
		return Group{}, Meeting{}, false, err
	}
	in, err := st.isMember(s.Ctx(), g, s.Person().ID)
	return g, m, in, err
}

// pressedCancelled answers a button of a meeting cancelled meanwhile: a
// toast says so, and the message she pressed loses its buttons, if the
// cancellation did not already take them. Nothing is kept.
func pressedCancelled(s *flows.Session, g Group, m Meeting) error {
	return s.Edit(flows.Message{Toast: &flows.T{ID: "group.meeting_cancelled"}, Lines: cancelledLines(g, m)})
}

// meetLines are a meeting as a mother reads it: a title naming the group
// (group.meeting_of when title is ""), when and where.
func meetLines(g Group, m Meeting, title string) []flows.T {
	if title == "" {
		title = "group.meeting_of"
	}
	lines := []flows.T{
		{ID: title, Data: map[string]any{"Group": g.Name}},
		{ID: "appointment.card_when", Data: map[string]any{"When": m.At}},
	}
	if m.Place != "" {
		lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": m.Place}})
	}
	return lines
}

// meetButtons are her two answers, and the map when there is a place.
func meetButtons(m Meeting) [][]flows.Button {
	return append([][]flows.Button{
		{{Label: flows.T{ID: "group.come"}, Data: verbAnswer + ":y:" + m.ID}},
		{{Label: flows.T{ID: "group.not_come"}, Data: verbAnswer + ":n:" + m.ID}},
	}, mapButton(m)...)
}

// answerLine says what she answered.
func answerLine(answer string) flows.T {
	switch answer {
	case answerComing:
		return flows.T{ID: "group.answer_yes"}
	case answerNotComing:
		return flows.T{ID: "group.answer_no"}
	}
	return flows.T{ID: "group.answer_none"}
}

// tellGroup sends each mother of g the message build makes for her, when
// it makes one (ok is false for none). jobID
// names the news, so that a repeat after an error does not tell anyone twice.
// A mother who blocked Nido, or is being erased, is skipped.
func (e *capability) tellGroup(ctx context.Context, g Group, jobID string, build func(flows.Person) (flows.Message, bool)) error {
	return e.eachMother(ctx, g, func(p flows.Person) error {
		m, ok := build(p)
		if !ok {
			return nil
		}
		return e.TellMessage(ctx, p, jobID, m)
	})
}

// groupData is what /mydata shows of a mother's groups and her answers,
// her children's included, and of the meetings she came to.
func (e *capability) groupData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	if p.Role != flows.RoleMother {
		return nil, nil
	}
	gs, err := e.myGroups(ctx, p)
	if err != nil {
		return nil, err
	}
	came, err := e.attendedData(ctx, p)
	if err != nil || len(gs) == 0 {
		return came, err
	}
	lines := []flows.T{{ID: "group.mydata_title", Count: len(gs), Data: map[string]any{"Count": len(gs)}}}
	for _, g := range gs {
		lines = append(lines, flows.T{ID: "group.mydata_group", Data: map[string]any{"Name": g.Name}})
		ms, err := e.groupStore().meetings(ctx, g.ID, time.Unix(0, 0), e.Now().Add(flows.MaxAhead))
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if a := m.Answers[p.ID]; a != "" {
				status := flows.T{ID: "group.status_yes"}
				if a == answerNotComing {
					status = flows.T{ID: "group.status_no"}
				}
				lines = append(lines, flows.T{ID: "group.mydata_answer", Data: map[string]any{"When": m.At, "Answer": status}})
			}
			if k := m.Kids[p.ID]; k != "" {
				lines = append(lines, flows.T{ID: "group.mydata_kid", Data: map[string]any{"Answer": kidLine(k)}})
			}
		}
		marks, err := e.pollData(ctx, g, p.ID)
		if err != nil {
			return nil, err
		}
		lines = append(lines, marks...)
	}
	return append(lines, came...), nil
}

// eraseGroups takes a mother out of every group, with her answers, her
// marks in their polls and whether she came to the meetings held; it is one
// of Erase's erasers, and runs after eraseAppointments has marked her as
// being erased, so that staff adding her meanwhile take it back.
func (e *capability) eraseGroups(ctx context.Context, p flows.Person) error {
	gs, err := e.groupStore().ofMother(ctx, p.ID)
	if err != nil {
		return err
	}
	// Her open polls' buttons go while the ids of her messages are there.
	for _, g := range gs {
		polls, err := e.openPolls(ctx, g)
		if err != nil {
			return err
		}
		if err := e.stripPolls(ctx, g, polls, p); err != nil {
			return err
		}
	}
	// Out of her groups before the months' attendance is cleared, so that
	// a meeting held meanwhile does not list her again.
	if err := e.groupStore().eraseMother(ctx, p.ID); err != nil {
		return err
	}
	if err := e.groupStore().eraseAttendance(ctx, p.OrgID, p.ID, e.Now()); err != nil {
		return err
	}
	// Her marks are gone: the counts of her groups' polls drop.
	for _, g := range gs {
		e.pollsMoved(ctx, g.ID)
	}
	return nil
}
