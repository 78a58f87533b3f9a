package group

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// Attendance, for staff: who came to a group's meetings. Two hours after a
// meeting, the staff member who planned it (or, when she has left, the
// organisation's first) gets one message "Who came?" with a button per
// mother; each press marks or unmarks her on that same message, edited in
// place, and Done closes it. The same message is reached from the group's
// page, through the month's attendance: the meetings held, and each
// mother's count ("Fatima: 3 of 4"), month by month. The marks are kept by
// month (attendance_store.go), for the monthly counts (month.go).
//
//  1. group.attendance job     the message, after the meeting
//  2. grt:<group>[:<month>]    the group's attendance in a month (◀ ▶ other months)
//  3. gat:<meeting>            "Who came?" for one meeting that took place
//  4. gam:<meeting>:<user>:<1|0>   she came, or not; the message edited
//  5. gad:<meeting>            Done: the message says how many came

// jobAttendance asks who came, after a meeting.
const jobAttendance = "group.attendance"

// attendanceAfter is how long after a meeting's start its facilitator is
// asked who came: when it has ended. Quiet hours move it to the morning.
const attendanceAfter = 2 * time.Hour

// attendJobID names the question of one meeting, "meet:42:attendance":
// planning the meeting again moves it, and cancelling drops it.
func attendJobID(m Meeting) string { return "meet:" + m.ID + ":attendance" }

// attendJobOwner owns the questions of a group's meetings.
func attendJobOwner(m Meeting) string { return "attend:" + m.Group }

// planAttendance schedules the question of m.
func (e *capability) planAttendance(ctx context.Context, m Meeting) error {
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: attendJobID(m), Kind: jobAttendance,
		Owner: attendJobOwner(m), Due: m.At.Add(attendanceAfter), Args: map[string]string{"meeting": m.ID}})
}

// 1. The question, after the meeting.

// askAttendance sends the facilitator the question; its id names the job,
// so a retry does not send it twice. The meeting counts as held from now.
func (e *capability) askAttendance(ctx context.Context, j scheduler.Job) error {
	st := e.groupStore()
	m, ok, err := st.meeting(ctx, j.Args["meeting"])
	if err != nil || !ok || m.Status != meetingPlanned {
		return err
	}
	g, ok, err := st.group(ctx, m.Group)
	if err != nil || !ok {
		return err
	}
	if err := st.markHeld(ctx, m, e.Now()); err != nil {
		return err
	}
	to, ok, err := e.facilitator(ctx, m)
	if err != nil || !ok {
		return err
	}
	msg, err := e.attendMessage(ctx, g, m)
	if err != nil {
		return err
	}
	_, err = e.TellPost(ctx, to, j.ID, msg)
	return err
}

// facilitator is who planned m, while still staff of its organisation;
// else the organisation's first staff member. ok is false when there is none.
func (e *capability) facilitator(ctx context.Context, m Meeting) (flows.Person, bool, error) {
	staff, err := e.People().Members(ctx, m.Org, flows.RoleStaff)
	if err != nil || len(staff) == 0 {
		return flows.Person{}, false, err
	}
	for _, p := range staff {
		if p.ID == m.By {
			return p, true, nil
		}
	}
	return staff[0], true, nil
}

// attendMessage is "Who came?" for m, a button per mother of g marked or not.
func (e *capability) attendMessage(ctx context.Context, g Group, m Meeting) (flows.Message, error) {
	mothers, err := e.groupMothers(ctx, g)
	if err != nil {
		return flows.Message{}, err
	}
	a, err := e.groupStore().month(ctx, g.Org, m.At)
	if err != nil {
		return flows.Message{}, err
	}
	var bs []flows.Button
	for _, p := range mothers[:min(len(mothers), flows.MaxButtons)] {
		label, to := "group.attend_absent", "1"
		if a.Came[m.ID][p.ID] {
			label, to = "group.attend_came", "0"
		}
		bs = append(bs, flows.Button{Label: flows.T{ID: label, Data: map[string]any{"Name": p.Name}},
			Data: verbMark + ":" + m.ID + ":" + id64(p.ID) + ":" + to})
	}
	return flows.Message{
		Lines:   []flows.T{{ID: "group.attend_title", Data: map[string]any{"Group": g.Name, "When": m.At}}, {ID: "group.attend_hint"}},
		Buttons: append(flows.Grid(bs, 2), []flows.Button{{Label: flows.T{ID: "group.attend_done"}, Data: verbAttendDone + ":" + m.ID}}),
	}, nil
}

// 2. A month's attendance of a group.

// attendMonthButton is verbAttendance + ":<group>" (this month) or
// ":<group>:<2026-11>"; a month after this one is not offered.
func (e *capability) attendMonthButton(s *flows.Session, arg string) error {
	id, name, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	month := monthOf(s.Now())
	if name != "" {
		t, err := time.ParseInLocation("2006-01", name, e.Location())
		if err != nil || t.After(month) {
			return flows.OrInvalid(s, nil)
		}
		month = t
	}
	msg, err := e.attendMonth(s, g, month)
	if err != nil {
		return err
	}
	if name == "" {
		return s.Send(msg)
	}
	return s.Edit(msg)
}

// attendMonth shows g's meetings held in month, how many came to each, and
// each mother's count; buttons open the meetings still kept, to mark them.
func (e *capability) attendMonth(s *flows.Session, g Group, month time.Time) (flows.Message, error) {
	a, err := e.groupStore().month(s.Ctx(), g.Org, month)
	if err != nil {
		return flows.Message{}, err
	}
	mothers, err := e.groupMothers(s.Ctx(), g)
	if err != nil {
		return flows.Message{}, err
	}
	held := slices.DeleteFunc(a.Held, func(h heldMeeting) bool { return h.Group != g.ID })
	slices.SortFunc(held, func(x, y heldMeeting) int { return x.At.Compare(y.At) })
	lines := []flows.T{{ID: "group.attend_month_title", Data: map[string]any{"Group": g.Name, "Month": monthT(month)}}}
	if len(held) == 0 {
		lines = append(lines, flows.T{ID: "group.attend_month_none"})
	} else {
		lines = append(lines, flows.T{ID: "group.attend_month_held", Data: map[string]any{"Count": len(held)}})
	}
	for _, h := range held {
		lines = append(lines, flows.T{ID: "group.attend_month_meeting", Data: map[string]any{"When": h.At, "Came": len(a.Came[h.ID])}})
	}
	for _, p := range mothers {
		came := 0
		for _, h := range held {
			if a.Came[h.ID][p.ID] {
				came++
			}
		}
		lines = append(lines, flows.T{ID: "group.attend_member", Data: map[string]any{"Name": p.Name, "Came": came, "Held": len(held)}})
	}
	rows, err := e.pastMeetingButtons(s, g, month)
	if err != nil {
		return flows.Message{}, err
	}
	nav := []flows.Button{{Label: flows.T{ID: "month.prev"}, Data: verbAttendance + ":" + g.ID + ":" + monthName(month.AddDate(0, -1, 0))}}
	if month.Before(monthOf(s.Now())) {
		nav = append(nav, flows.Button{Label: flows.T{ID: "month.next"}, Data: verbAttendance + ":" + g.ID + ":" + monthName(month.AddDate(0, 1, 0))})
	}
	rows = append(rows, nav, []flows.Button{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}})
	return flows.Message{Lines: lines, Buttons: rows}, nil
}

// pastMeetingButtons open the month's meetings that took place and are
// still kept, the last ones, to mark who came.
func (e *capability) pastMeetingButtons(s *flows.Session, g Group, month time.Time) ([][]flows.Button, error) {
	to := month.AddDate(0, 1, 0).Add(-time.Second)
	if now := s.Now().Add(-time.Second); now.Before(to) {
		to = now
	}
	ms, err := e.groupStore().meetings(s.Ctx(), g.ID, month, to)
	if err != nil {
		return nil, err
	}
	ms = slices.DeleteFunc(ms, func(m Meeting) bool { return m.Status != meetingPlanned })
	var bs []flows.Button
	for _, m := range ms[max(0, len(ms)-maxPastMeetings):] {
		bs = append(bs, flows.Button{Label: flows.T{ID: "group.attend_open", Data: map[string]any{"When": m.At}}, Data: verbAttendMeeting + ":" + m.ID})
	}
	return flows.Grid(bs, 1), nil
}

// maxPastMeetings is how many meetings of a month the attendance offers to mark.
const maxPastMeetings = 6

// monthT names a month and its year.
func monthT(month time.Time) flows.T {
	return flows.T{ID: "month.name", Data: map[string]any{
		"Month": flows.T{ID: "date.month." + strconv.Itoa(int(month.Month()))}, "Year": month.Year()}}
}

// 3. to 5. One meeting's marks.

// staffMeeting loads a meeting a staff member's button names, with its
// group; ok is false unless both are of her organisation and the meeting
// took place (planned, and its time has come).
func (e *capability) staffMeeting(s *flows.Session, mid string) (Group, Meeting, bool, error) {
	m, ok, err := e.groupStore().meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Org != s.Person().OrgID || m.Status != meetingPlanned || s.Now().Before(m.At) {
		return Group{}, Meeting{}, false, err
	}
	g, ok, err := e.staffGroup(s, m.Group)
	return g, m, ok, err
}

// attendMeetingButton is verbAttendMeeting + ":<meeting>": "Who came?".
func (e *capability) attendMeetingButton(s *flows.Session, mid string) error {
	g, m, ok, err := e.staffMeeting(s, mid)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := e.groupStore().markHeld(s.Ctx(), m, s.Now()); err != nil {
		return err
	}
	msg, err := e.attendMessage(s.Ctx(), g, m)
	if err != nil {
		return err
	}
	return s.Send(msg)
}

// attendMark is verbMark + ":<meeting>:<user>:<1|0>": she came, or not.
// The button carries the mark it sets, so a press delivered twice sets it
// twice. Her child is counted as come when she said she would bring it.
func (e *capability) attendMark(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 || (parts[2] != "1" && parts[2] != "0") {
		return flows.OrInvalid(s, nil)
	}
	g, m, ok, err := e.staffMeeting(s, parts[0])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	mothers, err := e.groupMothers(s.Ctx(), g)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(mothers, func(p flows.Person) bool { return id64(p.ID) == parts[1] })
	if i < 0 {
		return flows.OrInvalid(s, nil)
	}
	who := mothers[i].ID
	kid := g.Childcare && m.Kids[who] == answerComing
	if err := e.groupStore().mark(s.Ctx(), m, who, parts[2] == "1", kid, s.Now()); err != nil {
		return err
	}
	e.Log().Info("attendance marked", "user_id", s.Person().ID, "meeting", m.ID, "member", who)
	msg, err := e.attendMessage(s.Ctx(), g, m)
	if err != nil {
		return err
	}
	return s.Edit(msg)
}

// attendDone is verbAttendDone + ":<meeting>": the message says how many
// came, and leads to the month's attendance.
func (e *capability) attendDone(s *flows.Session, mid string) error {
	g, m, ok, err := e.staffMeeting(s, mid)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	a, err := e.groupStore().month(s.Ctx(), g.Org, m.At)
	if err != nil {
		return err
	}
	return s.Edit(flows.Message{Lines: []flows.T{
		{ID: "group.attend_title", Data: map[string]any{"Group": g.Name, "When": m.At}},
		{ID: "group.attend_saved", Data: map[string]any{"Came": len(a.Came[m.ID])}},
	}, Buttons: [][]flows.Button{
		{{Label: flows.T{ID: "group.attendance"}, Data: verbAttendance + ":" + g.ID + ":" + monthName(m.At)}},
		{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}},
	}})
}
