package flows

import (
	"context"
	"strings"
	"time"
)

// A mother's side of her mutual-aid groups: the groups she is in, their
// next meetings, and her answer to each. Being in a shelter is sensitive:
// she sees the group's name, when and where it meets, and never who else is
// in it.
//
//	/group or the menu's "My group"   her groups, then each next meeting with her answer and two buttons
//	gm:y:<meeting>, gm:n:<meeting>    I'll come, I can't come; pressed again, the answer changes
//
// The same two buttons come with a new meeting and with its reminder.

func groupMine(s *Session, _ string) error {
	gs, err := s.e.myGroups(s.ctx, s.person)
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		return s.reply(T{ID: "group.mine_none"})
	}
	for _, g := range gs {
		ms, err := s.e.groupStore().planned(s.ctx, g.ID, s.now)
		if err != nil {
			return err
		}
		head := []T{{ID: "group.meeting_of", Data: map[string]any{"Group": g.Name}}}
		if len(ms) == 0 {
			head = append(head, T{ID: "group.mine_no_meetings"})
		}
		if err := s.reply(head...); err != nil {
			return err
		}
		for _, m := range ms[:min(len(ms), maxCards)] {
			lines := append(meetLines(g, m, ""), answerLine(m.Answers[s.person.ID]))
			if err := s.send(Message{Lines: lines, Buttons: meetButtons(m)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// myGroups lists the groups a mother is in, of her organisation.
func (e *Engine) myGroups(ctx context.Context, p Person) ([]Group, error) {
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
func meetAnswer(s *Session, arg string) error {
	choice, mid, _ := strings.Cut(arg, ":")
	answer := map[string]string{"y": answerComing, "n": answerNotComing}[choice]
	st := s.e.groupStore()
	m, ok, err := st.meeting(s.ctx, mid)
	if err != nil || !ok || answer == "" || m.Org != s.person.OrgID {
		return orInvalid(s, err)
	}
	g, ok, err := st.group(s.ctx, m.Group)
	if err != nil || !ok || g.Org != s.person.OrgID {
		return orInvalid(s, err)
	}
	if in, err := st.isMember(s.ctx, g, s.person.ID); err != nil || !in {
		return orInvalid(s, err)
	}
	switch {
	case m.Status == meetingCancelled:
		return s.reply(T{ID: "group.meeting_cancelled"})
	case !s.now.Before(m.At):
		return s.reply(T{ID: "group.meeting_passed"})
	}
	if ok, err := st.answer(s.ctx, m, s.person.ID, answer); err != nil {
		return err
	} else if !ok {
		return s.reply(T{ID: "group.meeting_cancelled"})
	}
	// Staff may have taken her out of the group meanwhile: then her answer
	// must not stay behind, where she could neither see nor erase it.
	if in, err := st.isMember(s.ctx, g, s.person.ID); err != nil || !in {
		if err == nil {
			err = st.removeMember(s.ctx, g.ID, s.person.ID)
		}
		return orInvalid(s, err)
	}
	s.e.log.Info("meeting answered", "user_id", s.person.ID, "meeting", m.ID)
	lines := append(meetLines(g, m, ""), answerLine(answer))
	return s.edit(Message{Lines: lines, Buttons: meetButtons(m)})
}

// meetLines are a meeting as a mother reads it: a title naming the group
// (group.meeting_of when title is ""), when and where.
func meetLines(g Group, m Meeting, title string) []T {
	if title == "" {
		title = "group.meeting_of"
	}
	lines := []T{
		{ID: title, Data: map[string]any{"Group": g.Name}},
		{ID: "appointment.card_when", Data: map[string]any{"When": m.At}},
	}
	if m.Place != "" {
		lines = append(lines, T{ID: "appointment.card_where", Data: map[string]any{"Place": m.Place}})
	}
	return lines
}

// meetButtons are her two answers, and the map when there is a place.
func meetButtons(m Meeting) [][]Button {
	rows := [][]Button{
		{{Label: T{ID: "group.come"}, Data: "gm:y:" + m.ID}},
		{{Label: T{ID: "group.not_come"}, Data: "gm:n:" + m.ID}},
	}
	if m.Place != "" {
		rows = append(rows, []Button{{Label: T{ID: "appointment.map"}, URL: mapsURL(m.Place)}})
	}
	return rows
}

// answerLine says what she answered.
func answerLine(answer string) T {
	switch answer {
	case answerComing:
		return T{ID: "group.answer_yes"}
	case answerNotComing:
		return T{ID: "group.answer_no"}
	}
	return T{ID: "group.answer_none"}
}

// tellGroup sends each mother of g the message build makes for her, when
// it makes one (ok is false for none). jobID
// names the news, so that a repeat after an error does not tell anyone twice.
// A mother who blocked Nido, or is being erased, is skipped.
func (e *Engine) tellGroup(ctx context.Context, g Group, jobID string, build func(Person) (Message, bool)) error {
	mothers, err := e.groupMothers(ctx, g)
	if err != nil {
		return err
	}
	for _, p := range mothers {
		if p.Unreachable {
			continue
		}
		if gone, err := e.BeingErased(ctx, p.ID); err != nil || gone {
			if err != nil {
				return err
			}
			continue
		}
		m, ok := build(p)
		if !ok {
			continue
		}
		if err := e.tellMessage(ctx, p, jobID, m); err != nil {
			return err
		}
	}
	return nil
}

// groupData is what /mydata shows of a mother's groups and her answers.
func (e *Engine) groupData(ctx context.Context, p Person) ([]T, error) {
	if p.Role != RoleMother {
		return nil, nil
	}
	gs, err := e.myGroups(ctx, p)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	lines := []T{{ID: "group.mydata_title", Count: len(gs), Data: map[string]any{"Count": len(gs)}}}
	for _, g := range gs {
		lines = append(lines, T{ID: "group.mydata_group", Data: map[string]any{"Name": g.Name}})
		ms, err := e.groupStore().meetings(ctx, g.ID, time.Unix(0, 0), e.now().Add(maxAhead))
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if a := m.Answers[p.ID]; a != "" {
				status := T{ID: "group.status_yes"}
				if a == answerNotComing {
					status = T{ID: "group.status_no"}
				}
				lines = append(lines, T{ID: "group.mydata_answer", Data: map[string]any{"When": m.At, "Answer": status}})
			}
		}
	}
	return lines, nil
}

// eraseGroups takes a mother out of every group, with her answers; it is
// one of Erase's erasers, and runs after eraseAppointments has marked her
// as being erased, so that staff adding her meanwhile take it back.
func (e *Engine) eraseGroups(ctx context.Context, p Person) error {
	return e.groupStore().eraseMother(ctx, p.ID)
}
