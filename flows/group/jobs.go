package group

import (
	"context"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The scheduler's jobs around group meetings. A meeting has two reminders,
// a day before and two hours before, to each mother of the group who did
// not say she cannot come: the first with "I'll come" and "I can't come",
// the second a short word with the map, and the answer buttons only for a
// mother who has not answered (one who comes, to a group that offers
// childcare, reads her child's answer and can change it there). A reminder carries the meeting's id only
// and, when due, loads the meeting and the group as they are then: a
// cancelled meeting sends nothing, and a mother removed from the group or
// erased is no longer in it. Their owner is the group, not a mother, since
// they are about all of them. A recurring meeting's rule and news are
// series.go's.
//
//	group.reminder   each of meetingReminders before the meeting
//	group.series     an occurrence of a recurring meeting's rule: plans the meeting a week ahead (series.go)
//	group.news       the mothers told of a meeting a recurring rule planned (series.go)
const (
	jobMeetingReminder = "group.reminder"
	jobSeries          = "group.series"
	jobNews            = "group.news"
)

// meetingReminders are how long before a meeting its reminders come,
// the day before first; quiet hours move them as they move appointment
// reminders.
var meetingReminders = [...]time.Duration{24 * time.Hour, 2 * time.Hour}

// soonReminder is the reminder that only reminds: the answer was asked
// the day before.
const soonReminder = 2 * time.Hour

// meetingJobID names one reminder of a meeting, "meet:42:remind-24h" or
// "meet:42:remind-2h": planning the meeting again (or moving it) replaces
// it, and cancelling drops it.
func meetingJobID(m Meeting, before time.Duration) string {
	return "meet:" + m.ID + ":remind-" + flows.OffsetName(before)
}

// sendID names one sending of job id about m to the Telegram layer, which
// sends nothing twice under one name: the job's id, and, once m was moved,
// its count of moves. So a reminder already sent for the old time comes
// again for the new one, once, while a job run twice at one time sends once.
func sendID(id string, m Meeting) string {
	if m.Moves == 0 {
		return id
	}
	return id + ":moves-" + strconv.Itoa(m.Moves)
}

// meetingJobOwner owns the jobs and rules of a group's meetings.
func meetingJobOwner(m Meeting) string { return groupOwner(m.Group) }

// groupOwner owns the jobs and rules of a group.
func groupOwner(groupID string) string { return "group:" + groupID }

// planMeeting schedules m's reminders at its time, and drops those whose
// time has passed (a meeting less than a day ahead has no day-before
// reminder: the news just came), and the question of who came, after it
// (attendance.go).
func (e *capability) planMeeting(ctx context.Context, m Meeting) error {
	if err := e.planAttendance(ctx, m); err != nil {
		return err
	}
	for _, before := range meetingReminders {
		due := flows.ReminderDue(m.At, before)
		if !due.After(e.Now()) {
			if err := e.Scheduler().Cancel(ctx, meetingJobID(m, before)); err != nil {
				return err
			}
			continue
		}
		err := e.Scheduler().Schedule(ctx, scheduler.Job{ID: meetingJobID(m, before), Kind: jobMeetingReminder,
			Owner: meetingJobOwner(m), Due: due, Event: m.At, Args: map[string]string{"meeting": m.ID}})
		if err != nil {
			return err
		}
	}
	return nil
}

// dropMeetingJobs cancels m's reminders, the news of it when a recurring
// rule planned it, and the question of who came.
func (e *capability) dropMeetingJobs(ctx context.Context, m Meeting) error {
	for _, id := range []string{meetingJobID(m, meetingReminders[0]), meetingJobID(m, meetingReminders[1]), newsJobID(m), attendJobID(m)} {
		if err := e.Scheduler().Cancel(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// remindMeeting sends a reminder to each mother of the group who did not
// say she cannot come. Each message names the job and the mother, so that a
// retry after a partial failure does not remind anyone twice.
func (e *capability) remindMeeting(ctx context.Context, j scheduler.Job) error {
	st := e.groupStore()
	m, ok, err := st.meeting(ctx, j.Args["meeting"])
	if err != nil || !ok || m.Status != meetingPlanned {
		return err
	}
	g, ok, err := st.group(ctx, m.Group)
	if err != nil || !ok {
		return err
	}
	soon := strings.HasSuffix(j.ID, ":remind-"+flows.OffsetName(soonReminder))
	return e.tellMeeting(ctx, g, m, sendID(j.ID, m), func(p flows.Person) (flows.Message, bool) {
		answer := m.Answers[p.ID]
		switch {
		case answer == answerNotComing:
			return flows.Message{}, false
		case soon && answer != "" && g.Childcare:
			// She comes: what she said about her child, and the buttons to change it.
			lines := append(meetLines(g, m, "group.reminder_soon"), kidLine(m.Kids[p.ID]))
			return flows.Message{Lines: lines, Buttons: append(kidButtons(m), mapButton(m)...)}, true
		case soon && answer != "":
			return flows.Message{Lines: meetLines(g, m, "group.reminder_soon"), Buttons: mapButton(m)}, true
		case soon:
			return flows.Message{Lines: meetLines(g, m, "group.reminder_soon"), Buttons: meetButtons(m)}, true
		}
		return flows.Message{Lines: herLines(g, m, p.ID, "group.reminder_title"), Buttons: herButtons(g, m, p.ID)}, true
	})
}
