package group

import (
	"strings"

	"nido/flows"
)

// Childcare at a group's meetings. Staff say on the group's page whether
// the group offers it; when it does, a mother who answers "I'll come" is
// asked, on the same message, whether she will bring her child, and can
// change her answer there until the meeting. Staff's page counts, for each
// meeting, the children to expect. Her answer goes with her other answers
// when she leaves the group or erases her data.
//
//  1. grk:<group>:<1|0>              staff: offer childcare, or stop offering it
//  2. gk:y:<meeting>, gk:n:<meeting>  a mother: I'll bring my child, I won't

// 1. Staff offer childcare, or stop.

// groupChildcare is verbChildcare + ":<group>:<1|0>". The button carries
// the state it sets, not a toggle, so that a press delivered twice sets
// the same state twice.
func (e *capability) groupChildcare(s *flows.Session, arg string) error {
	id, on, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok || (on != "1" && on != "0") {
		return flows.OrInvalid(s, err)
	}
	if ok, err := e.groupStore().setGroupField(s.Ctx(), g, "childcare", on); err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	g.Childcare = on == "1"
	e.Log().Info("group childcare set", "user_id", s.Person().ID, "group", g.ID, "childcare", g.Childcare)
	return e.groupPage(s, g, flows.T{})
}

// childcareButton is the page's button: what the group offers now, and
// pressing it changes it.
func childcareButton(g Group) flows.Button {
	if g.Childcare {
		return flows.Button{Label: flows.T{ID: "group.childcare_on"}, Data: verbChildcare + ":" + g.ID + ":0"}
	}
	return flows.Button{Label: flows.T{ID: "group.childcare_off"}, Data: verbChildcare + ":" + g.ID + ":1"}
}

// childrenExpected counts the children to expect at m: of the mothers who
// come, those who bring theirs.
func childrenExpected(m Meeting, mothers []flows.Person) int {
	n := 0
	for _, p := range mothers {
		if m.Answers[p.ID] == answerComing && m.Kids[p.ID] == answerComing {
			n++
		}
	}
	return n
}

// 2. A mother's answer about her child.

// meetKid keeps whether she brings her child to a meeting of a group she is
// in, and shows it on the message she pressed. The checks are meetAnswer's.
func (e *capability) meetKid(s *flows.Session, arg string) error {
	choice, mid, _ := strings.Cut(arg, ":")
	kid := map[string]string{"y": answerComing, "n": answerNotComing}[choice]
	g, m, ok, err := e.myMeeting(s, mid)
	if err != nil || !ok || kid == "" || !g.Childcare {
		return flows.OrInvalid(s, err)
	}
	switch {
	case m.Status == meetingCancelled:
		return pressedCancelled(s, g, m)
	case !s.Now().Before(m.At):
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	st := e.groupStore()
	me := s.Person().ID
	if ok, err := st.setPlanned(s.Ctx(), m, kidField(me), kid); err != nil {
		return err
	} else if !ok {
		return pressedCancelled(s, g, m)
	}
	// Taken out of the group meanwhile: her answer must not stay behind.
	if in, err := st.isMember(s.Ctx(), g, me); err != nil || !in {
		if err == nil {
			err = st.removeMember(s.Ctx(), g.ID, me)
		}
		return flows.OrInvalid(s, err)
	}
	e.Log().Info("meeting child answered", "user_id", me, "meeting", m.ID)
	m.Kids[me] = kid
	return s.Edit(flows.Message{Lines: herLines(g, m, me, ""), Buttons: herButtons(g, m, me)})
}

// herLines are a meeting as one mother reads it: the meeting, her answer,
// and, when she comes to a group that offers childcare, her child's.
func herLines(g Group, m Meeting, me int64, title string) []flows.T {
	lines := append(meetLines(g, m, title), answerLine(m.Answers[me]))
	if g.Childcare && m.Answers[me] == answerComing {
		lines = append(lines, kidLine(m.Kids[me]))
	}
	return lines
}

// herButtons are her answers' buttons, with the childcare question's when
// she comes to a group that offers it.
func herButtons(g Group, m Meeting, me int64) [][]flows.Button {
	bs := meetButtons(m)
	if g.Childcare && m.Answers[me] == answerComing {
		bs = append(kidButtons(m), bs...)
	}
	return bs
}

// kidButtons are the childcare question's: I'll bring my child, I won't.
func kidButtons(m Meeting) [][]flows.Button {
	return [][]flows.Button{{
		{Label: flows.T{ID: "group.kid_yes"}, Data: verbKid + ":y:" + m.ID},
		{Label: flows.T{ID: "group.kid_no"}, Data: verbKid + ":n:" + m.ID},
	}}
}

// kidLine says what she answered about her child, or asks.
func kidLine(kid string) flows.T {
	switch kid {
	case answerComing:
		return flows.T{ID: "group.kid_answer_yes"}
	case answerNotComing:
		return flows.T{ID: "group.kid_answer_no"}
	}
	return flows.T{ID: "group.ask_kid"}
}
