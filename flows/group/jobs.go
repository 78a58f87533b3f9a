package group

import (
	"context"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The scheduler's job around one group meeting: a reminder a day before it,
// with "I'll come" and "I can't come", to each mother of the group who did
// not say she cannot come. The job carries the meeting's id only and, when
// due, loads the meeting and the group as they are then: a cancelled meeting
// sends nothing, and a mother removed from the group or erased is no
// longer in it. Its owner is the group, not a mother, since it is about all
// of them.
//
//	group.reminder   meetingReminderBefore before the meeting
const jobMeetingReminder = "group.reminder"

// meetingReminderBefore is how long before a meeting its reminder comes;
// quiet hours move it as they move appointment reminders.
const meetingReminderBefore = 24 * time.Hour

// meetingJobID names the reminder of a meeting, "meet:42:remind-24h":
// planning the meeting again replaces it, and cancelling drops it.
func meetingJobID(m Meeting) string {
	return "meet:" + m.ID + ":remind-" + flows.OffsetName(meetingReminderBefore)
}

// meetingJobOwner owns the jobs of a group's meetings.
func meetingJobOwner(m Meeting) string { return "group:" + m.Group }

// planMeeting schedules m's reminder, or drops it when its time has passed
// (a meeting less than a day ahead has no reminder: the news just came),
// and the question of who came, after it (attendance.go).
func (e *capability) planMeeting(ctx context.Context, m Meeting) error {
	if err := e.planAttendance(ctx, m); err != nil {
		return err
	}
	due := flows.ReminderDue(m.At, meetingReminderBefore)
	if !due.After(e.Now()) {
		return e.Scheduler().Cancel(ctx, meetingJobID(m))
	}
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: meetingJobID(m), Kind: jobMeetingReminder,
		Owner: meetingJobOwner(m), Due: due, Event: m.At, Args: map[string]string{"meeting": m.ID}})
}

// dropMeetingJobs cancels m's reminder and the question of who came.
func (e *capability) dropMeetingJobs(ctx context.Context, m Meeting) error {
	if err := e.Scheduler().Cancel(ctx, meetingJobID(m)); err != nil {
		return err
	}
	return e.Scheduler().Cancel(ctx, attendJobID(m))
}

// remindMeeting sends the reminder to each mother of the group who did not
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
	return e.tellMeeting(ctx, g, m, j.ID, func(p flows.Person) (flows.Message, bool) {
		if m.Answers[p.ID] == answerNotComing {
			return flows.Message{}, false
		}
		return flows.Message{Lines: herLines(g, m, p.ID, "group.reminder_title"), Buttons: herButtons(g, m, p.ID)}, true
	})
}
