package appointment

import (
	"context"
	"slices"
	"strconv"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The scheduler's jobs around one appointment. They carry ids only (the
// appointment and its version); each loads the appointment when due and does
// nothing when it was cancelled, moved (the new version has its own jobs) or
// erased. Their owner is the mother, so erasing her erases them.
//
//	appointment.reminder  at each offset before it (NIDO_REMINDER_OFFSETS): what, when, where, and
//	                      "will you be there?" with three buttons, or once she said yes, change and cancel
//	appointment.noanswer  a while after the last reminder, if she did not answer: her staff learn it, once
//	appointment.after     3 hours after it: "did you go?"
const (
	jobReminder = "appointment.reminder"
	jobNoAnswer = "appointment.noanswer"
	jobAfter    = "appointment.after"
)

// How long after the appointment "did you go?" comes, and how long staff
// wait for her answer to the last reminder (less when the appointment is near).
const (
	afterDelay   = 3 * time.Hour
	noAnswerWait = time.Hour
)

// DefaultReminderOffsets are the reminders' times before an appointment
// when New is given none.
func DefaultReminderOffsets() []time.Duration { return []time.Duration{24 * time.Hour, 2 * time.Hour} }

// apptJobPrefix starts the id of every job of one appointment.
func apptJobPrefix(id string) string { return "appt:" + id + ":" }

// apptJobID names one job of one version of an appointment,
// "appt:42:v3:remind-24h": planning a version again replaces its jobs, and a
// moved appointment's reminders are new messages, not repeats of sent ones.
func apptJobID(a Appointment, what string) string {
	return apptJobPrefix(a.ID) + "v" + strconv.Itoa(a.Seq) + ":" + what
}

// apptArgs are the ids a job of a carries.
func apptArgs(a Appointment) map[string]string {
	return map[string]string{"appt": a.ID, "v": strconv.Itoa(a.Seq)}
}

// apptJobs are the jobs of an appointment as planned at now: a reminder at
// each offset still ahead, the last one marked, and "did you go?" after it.
func apptJobs(a Appointment, offsets []time.Duration, now time.Time) []scheduler.Job {
	offs := slices.Clone(offsets)
	slices.Sort(offs)
	slices.Reverse(offs) // the earliest reminder first
	owner := id64(a.Mother)
	var jobs []scheduler.Job
	for _, off := range offs {
		due := flows.ReminderDue(a.At, off)
		if !due.After(now) {
			continue
		}
		jobs = append(jobs, scheduler.Job{ID: apptJobID(a, "remind-"+flows.OffsetName(off)), Kind: jobReminder,
			Owner: owner, Due: due, Event: a.At, Args: apptArgs(a)})
	}
	if n := len(jobs); n > 0 {
		jobs[n-1].Args["last"] = "1"
	}
	return append(jobs, scheduler.Job{ID: apptJobID(a, "after"), Kind: jobAfter, Owner: owner,
		Due: a.At.Add(afterDelay), Args: apptArgs(a)})
}

// planAppointment schedules a's jobs, cancels those of its earlier versions,
// and returns when the reminders will really come (quiet hours move them).
func (e *capability) planAppointment(ctx context.Context, a Appointment) ([]time.Time, error) {
	jobs := apptJobs(a, e.offsets, e.Now())
	if err := e.Replan(ctx, id64(a.Mother), apptJobPrefix(a.ID), jobs); err != nil {
		return nil, err
	}
	var reminders []time.Time
	for _, j := range jobs {
		if j.Kind == jobReminder {
			reminders = append(reminders, e.Scheduler().AdjustForQuiet(j.Due, j.Event))
		}
	}
	return reminders, nil
}

// dropAppointmentJobs cancels a's jobs whose ids are not in keep.
func (e *capability) dropAppointmentJobs(ctx context.Context, a Appointment, keep map[string]bool) error {
	return e.Drop(ctx, id64(a.Mother), apptJobPrefix(a.ID), keep)
}

// jobAppointment loads what a job is about; ok is false when there is
// nothing left to do: the appointment was cancelled, moved or erased, or the
// mother is gone.
func (e *capability) jobAppointment(ctx context.Context, j scheduler.Job) (Appointment, flows.Person, bool, error) {
	a, found, err := e.appts().get(ctx, j.Args["appt"])
	if err != nil || !found || a.Cancelled || strconv.Itoa(a.Seq) != j.Args["v"] {
		return a, flows.Person{}, false, err
	}
	m, found, err := e.People().Get(ctx, a.Mother)
	return a, m, found && err == nil, err
}

// remind sends one reminder, and after the last one waits for her answer.
func (e *capability) remind(ctx context.Context, j scheduler.Job) error {
	a, m, ok, err := e.jobAppointment(ctx, j)
	if err != nil || !ok {
		return err
	}
	if err := e.Deliver(ctx, m, j.ID, reminder(a)); err != nil {
		return err
	}
	now := e.Now()
	// Not written when it was moved or cancelled meanwhile: this reminder
	// was about the old version, and its buttons say so when pressed.
	if ok, err := e.appts().set(ctx, a, "reminded", now.Unix()); err != nil || !ok {
		return err
	}
	if j.Args["last"] != "1" || a.Answer != "" {
		return nil
	}
	wait := min(noAnswerWait, a.At.Sub(now)/2)
	err = e.Scheduler().Schedule(ctx, scheduler.Job{ID: apptJobID(a, "noanswer"), Kind: jobNoAnswer,
		Owner: id64(a.Mother), Due: now.Add(wait), Event: a.At, Args: apptArgs(a)})
	if err != nil {
		return err
	}
	_, err = e.undoIfErased(ctx, a)
	return err
}

// noAnswer tells her staff, once, that she did not answer the last reminder.
func (e *capability) noAnswer(ctx context.Context, j scheduler.Job) error {
	a, m, ok, err := e.jobAppointment(ctx, j)
	if err != nil || !ok || a.Answer != "" || a.Told {
		return err
	}
	err = e.tellStaff(ctx, a, 0, j.ID, flows.T{ID: "appointment.staff_no_answer", Data: map[string]any{
		"Name": m.Name, "What": apptWhat(a), "When": a.At,
	}})
	if err != nil {
		return err
	}
	_, err = e.appts().set(ctx, a, "told", 1)
	return err
}

// askAfter asks her whether she went; her answer is kept for her staff.
func (e *capability) askAfter(ctx context.Context, j scheduler.Job) error {
	a, m, ok, err := e.jobAppointment(ctx, j)
	if err != nil || !ok || a.Outcome != "" {
		return err
	}
	return e.Deliver(ctx, m, j.ID, afterAsk(a))
}

// afterAsk is "did you go?" about a, with its three answers.
func afterAsk(a Appointment) flows.Message {
	return flows.Message{
		Lines: []flows.T{{ID: "appointment.after_ask", Data: map[string]any{"What": apptWhat(a), "When": a.At}}},
		Buttons: [][]flows.Button{
			{{Label: flows.T{ID: "appointment.went"}, Data: apButton(actWent, a)}},
			{{Label: flows.T{ID: "appointment.missed"}, Data: apButton(actMissed, a)}},
			{{Label: flows.T{ID: "appointment.was_moved"}, Data: apButton(actMoved, a)}},
		},
	}
}
