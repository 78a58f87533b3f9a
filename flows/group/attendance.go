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
// place, and Done closes it. Where the group offers childcare, a mother
// marked as come has a second button, 👶, pressed when her children came
// too: the monthly counts say what happened, not what was announced. The
// same message is reached from the group's page, through the month's
// attendance: the meetings held, and each mother's count ("Fatima: 3 of
// 4"), month by month. A meeting counts as held from the question; the
// month's summary (attendance_store.go) then keeps what the message needs,
// so that marking goes on after the group ends (end.go holds its meetings
// that took place at once, and asks).
//
//  1. group.attendance job     the meeting held, and the question, after it
//  2. grt:<group>[:<month>]    the group's attendance in a month (◀ ▶ other months)
//  3. gat:<meeting>            "Who came?" for one meeting that took place
//  4. gam:<meeting>:<month>:<user>:<1|0>   she came, or not; the message edited
//  5. gak:<meeting>:<month>:<user>:<1|0>   her children came too, or not
//  6. gad:<meeting>:<month>    Done: the message says how many came
//
// Steps 3 to 6 are attendance_mark.go; 4 to 6 read only the month's summary
// of the presser's organisation, named by the month in the button: the
// meeting and its group may be gone.

// jobAttendance asks who came, after a meeting.
const jobAttendance = "group.attendance"

// attendanceAfter is how long after a meeting's start its facilitator is
// asked who came: when it has ended. Quiet hours move it to the morning.
const attendanceAfter = 2 * time.Hour

// attendJobID names the question of one meeting, "meet:42:attendance":
// planning the meeting again moves it, and cancelling drops it.
func attendJobID(m Meeting) string { return "meet:" + m.ID + ":attendance" }

// planAttendance schedules the question of m. The group owns it, as it
// owns the reminders: ending the group drops it with every other job of
// the group, and asks at once about the meetings that already took place
// (holdStarted), so that no job outlives its group and none is lost.
func (e *capability) planAttendance(ctx context.Context, m Meeting) error {
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: attendJobID(m), Kind: jobAttendance,
		Owner: meetingJobOwner(m), Due: m.At.Add(attendanceAfter), Args: map[string]string{"meeting": m.ID}})
}

// 1. The question, after the meeting.

// askAttendance holds the meeting and asks who came.
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
	return e.holdMeeting(ctx, g, m)
}

// holdMeeting records m held and sends its facilitator the question; the
// message's id names the job, so that a retry, or the group ending
// meanwhile, does not send it twice.
func (e *capability) holdMeeting(ctx context.Context, g Group, m Meeting) error {
	if err := e.markHeld(ctx, g, m); err != nil {
		return err
	}
	to, ok, err := e.facilitator(ctx, m)
	if err != nil || !ok {
		return err
	}
	msg, ok, err := e.attendMessage(ctx, m.Org, m.At, m.ID)
	if err != nil || !ok {
		return err
	}
	_, err = e.TellPost(ctx, to, attendJobID(m), msg)
	return err
}

// holdStarted holds, when g ends, its meetings that took place and were
// not held yet, or whose question is still to come, and asks about them
// now: ending the group drops the question's job.
func (e *capability) holdStarted(ctx context.Context, g Group) error {
	st := e.groupStore()
	ms, err := st.meetings(ctx, g.ID, e.Now().Add(-meetingRetention), e.Now())
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status != meetingPlanned {
			continue
		}
		held, err := st.isHeld(ctx, m)
		if err != nil {
			return err
		}
		_, waiting, err := e.Scheduler().Get(ctx, attendJobID(m))
		if err != nil {
			return err
		}
		if held && !waiting {
			continue
		}
		if err := e.holdMeeting(ctx, g, m); err != nil {
			return err
		}
	}
	return nil
}

// markHeld records m of g held, with g's mothers now but those being
// erased, whose erasure may already have cleared the month.
func (e *capability) markHeld(ctx context.Context, g Group, m Meeting) error {
	ids, err := e.groupStore().members(ctx, g)
	if err != nil {
		return err
	}
	keep := ids[:0]
	for _, id := range ids {
		gone, err := e.BeingErased(ctx, id)
		if err != nil {
			return err
		}
		if !gone {
			keep = append(keep, id)
		}
	}
	return e.groupStore().markHeld(ctx, g, m, keep, e.Now())
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

// attendMessage is "Who came?" for meeting mid held in org's month: a
// button per mother of its group then, marked or not, and where childcare
// was offered a 👶 beside each one marked. ok is false when no such
// meeting was held.
func (e *capability) attendMessage(ctx context.Context, org string, month time.Time, mid string) (flows.Message, bool, error) {
	a, err := e.groupStore().month(ctx, org, month)
	if err != nil {
		return flows.Message{}, false, err
	}
	h, ok := a.held(mid)
	if !ok {
		return flows.Message{}, false, nil
	}
	mothers, err := e.People().Members(ctx, org, flows.RoleMother)
	if err != nil {
		return flows.Message{}, false, err
	}
	mothers = slices.DeleteFunc(mothers, func(p flows.Person) bool { return !a.Members[mid][p.ID] })
	most := flows.MaxButtons
	if h.Childcare {
		most /= 2
	}
	lines := []flows.T{{ID: "group.attend_title", Data: map[string]any{"Group": h.Name, "When": h.At}}, {ID: "group.attend_hint"}}
	if h.Childcare {
		lines = append(lines, flows.T{ID: "group.attend_kid_hint"})
	}
	var bs []flows.Button
	var rows [][]flows.Button
	for _, p := range mothers[:min(len(mothers), most)] {
		b := attendButton(h, p, a.Came[mid][p.ID], "group.attend_came", "group.attend_absent", verbMark)
		if !h.Childcare {
			bs = append(bs, b)
			continue
		}
		row := []flows.Button{b}
		if a.Came[mid][p.ID] {
			row = append(row, attendButton(h, p, a.Kids[mid][p.ID], "group.attend_kid_came", "group.attend_kid_absent", verbMarkKid))
		}
		rows = append(rows, row)
	}
	if !h.Childcare {
		rows = flows.Grid(bs, 2)
	}
	done := []flows.Button{{Label: flows.T{ID: "group.attend_done"}, Data: verbAttendDone + ":" + mid + ":" + monthName(h.At)}}
	return flows.Message{Lines: lines, Buttons: append(rows, done)}, true, nil
}

// attendButton is one of a mother's marks at h: labelled on or off, and
// setting the other.
func attendButton(h heldMeeting, p flows.Person, on bool, onLabel, offLabel, verb string) flows.Button {
	label, to := offLabel, "1"
	if on {
		label, to = onLabel, "0"
	}
	return flows.Button{Label: flows.T{ID: label, Data: map[string]any{"Name": p.Name}},
		Data: verb + ":" + h.ID + ":" + monthName(h.At) + ":" + id64(p.ID) + ":" + to}
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
