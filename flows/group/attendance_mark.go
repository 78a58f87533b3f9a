package group

import (
	"strconv"
	"strings"
	"time"

	"nido/flows"
)

// Marking who came to one meeting (attendance.go's steps 3 to 6): "Who
// came?" opened from the month's attendance, a mother's marks, and Done.
// The marks and Done read only the month's summary of the presser's
// organisation, so they go on working after the meeting and its group are
// gone.

// 3. to 6. One meeting's marks.

// attendMeetingButton is verbAttendMeeting + ":<meeting>": "Who came?",
// from the month's attendance of a group of the presser's organisation,
// for a meeting that took place (planned, and its time has come).
func (e *capability) attendMeetingButton(s *flows.Session, mid string) error {
	m, ok, err := e.groupStore().meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Org != s.Person().OrgID || m.Status != meetingPlanned || s.Now().Before(m.At) {
		return flows.OrInvalid(s, err)
	}
	g, ok, err := e.staffGroup(s, m.Group)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := e.markHeld(s.Ctx(), g, m); err != nil {
		return err
	}
	msg, ok, err := e.attendMessage(s.Ctx(), g.Org, m.At, m.ID)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return s.Send(msg)
}

// heldButton reads "<meeting>:<month>" and what follows, as a button of
// "Who came?" names them; ok is false for data no button carries.
func (e *capability) heldButton(s *flows.Session, arg string, more int) (mid string, month time.Time, rest []string, ok bool) {
	parts := strings.Split(arg, ":")
	if len(parts) != 2+more || !isMeetingID(parts[0]) || s.Person().OrgID == "" {
		return "", time.Time{}, nil, false
	}
	month, err := time.ParseInLocation("2006-01", parts[1], e.Location())
	return parts[0], month, parts[2:], err == nil
}

// attendMark is verbMark + ":<meeting>:<month>:<user>:<1|0>": she came, or not.
func (e *capability) attendMark(s *flows.Session, arg string) error {
	return e.attendMarkAs(s, arg, "c")
}

// attendMarkKid is verbMarkKid + ":<meeting>:<month>:<user>:<1|0>": her
// children came with her, or not.
func (e *capability) attendMarkKid(s *flows.Session, arg string) error {
	return e.attendMarkAs(s, arg, "k")
}

// attendMarkAs sets a mark of kind ("c" she came, "k" her children came)
// and edits the message. The button carries the mark it sets, so a press
// delivered twice sets it twice. The meeting must be held in the month of
// the presser's organisation, and the mother in its group then.
func (e *capability) attendMarkAs(s *flows.Session, arg, kind string) error {
	mid, month, rest, ok := e.heldButton(s, arg, 2)
	if !ok || (rest[1] != "1" && rest[1] != "0") {
		return flows.OrInvalid(s, nil)
	}
	who, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil {
		return flows.OrInvalid(s, nil)
	}
	org := s.Person().OrgID
	if ok, err := e.groupStore().mark(s.Ctx(), org, month, mid, who, kind, rest[1] == "1"); err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	e.Log().Info("attendance marked", "user_id", s.Person().ID, "meeting", mid, "member", who, "mark", kind)
	msg, ok, err := e.attendMessage(s.Ctx(), org, month, mid)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return s.Edit(msg)
}

// attendDone is verbAttendDone + ":<meeting>:<month>": the message says how
// many came, and, while the group lasts, leads to the month's attendance.
func (e *capability) attendDone(s *flows.Session, arg string) error {
	mid, month, _, ok := e.heldButton(s, arg, 0)
	if !ok {
		return flows.OrInvalid(s, nil)
	}
	a, err := e.groupStore().month(s.Ctx(), s.Person().OrgID, month)
	if err != nil {
		return err
	}
	h, ok := a.held(mid)
	if !ok {
		return flows.OrInvalid(s, nil)
	}
	came, kids := len(a.Came[mid]), len(a.Kids[mid])
	lines := []flows.T{
		{ID: "group.attend_title", Data: map[string]any{"Group": h.Name, "When": h.At}},
		{ID: "group.attend_saved", Count: came, Data: map[string]any{"Count": came}},
	}
	if h.Childcare {
		lines = append(lines, flows.T{ID: "group.attend_saved_kids", Count: kids, Data: map[string]any{"Count": kids}})
	}
	g, ok, err := e.staffGroup(s, h.Group)
	if err != nil {
		return err
	}
	if !ok { // the group ended
		return s.Edit(flows.Message{Lines: lines})
	}
	return s.Edit(flows.Message{Lines: lines, Buttons: [][]flows.Button{
		{{Label: flows.T{ID: "group.attendance"}, Data: verbAttendance + ":" + g.ID + ":" + monthName(h.At)}},
		{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}},
	}})
}
