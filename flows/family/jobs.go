package family

import (
	"context"
	"strconv"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The scheduler's jobs around one visit. They carry ids only (the visit
// and its version); each loads the visit when due and does nothing when it
// was cancelled, moved (the new version has its own jobs) or answered.
// Their owner is the pairing, so that ending it or erasing either person
// cancels them all.
//
//	family.confirm  NIDO_VISIT_CONFIRM_BEFORE before it (at once when closer): "Confirm the visit"
//	family.nudge    halfway to the alert, if not confirmed: the question once more
//	family.alert    NIDO_VISIT_ALERT_BEFORE before it, if not confirmed: the mother's staff, once
//	family.checkin  NIDO_CHECKIN_AFTER after its start: "How did the visit go?" (checkin.go)
//	family.staff    something staff must hear (a concern, a cancellation...), durably (staff.go's tellStaffJob)
//	family.series   an occurrence of a recurring visit's rule: plans the next visit (series.go)
//	family.news     the mother and the family told of a visit a recurring rule planned (series.go)
const (
	jobConfirm = "family.confirm"
	jobNudge   = "family.nudge"
	jobAlert   = "family.alert"
	jobCheckin = "family.checkin"
	jobStaff   = "family.staff"
	jobSeries  = "family.series"
	jobNews    = "family.news"
)

// visitJobPrefix starts the id of every job of one version of a visit,
// "visit:42:v2:": planning it again replaces them, and a moved visit's
// questions are new messages, not repeats of sent ones.
func visitJobPrefix(v Visit) string { return "visit:" + v.ID + ":v" + strconv.Itoa(v.Seq) + ":" }

func visitArgs(v Visit) map[string]string {
	return map[string]string{"visit": v.ID, "v": strconv.Itoa(v.Seq)}
}

// visitJobs are v's jobs as planned at now: while it is not confirmed, the
// question, the nudge and the alert, in this order even when the visit is
// near; and the check-in.
func (e *capability) visitJobs(v Visit, now time.Time) []scheduler.Job {
	owner, args := pairOwner(v.Pair), visitArgs(v)
	job := func(what, kind string, due, event time.Time) scheduler.Job {
		return scheduler.Job{ID: visitJobPrefix(v) + what, Kind: kind, Owner: owner, Due: due, Event: event, Args: args}
	}
	var jobs []scheduler.Job
	if v.Status == visitPlanned {
		// Each moment as the quiet hours leave it, so that the question,
		// the nudge and the alert never come together in the morning.
		quiet := func(t time.Time) time.Time { return e.Scheduler().AdjustForQuiet(t, v.At) }
		ask := flows.ReminderDue(v.At, e.cfg.ConfirmBefore)
		if !ask.After(now) {
			ask = now
		}
		ask = quiet(ask)
		alert := quiet(flows.ReminderDue(v.At, e.cfg.AlertBefore))
		if !alert.After(ask) {
			alert = ask.Add(v.At.Sub(ask) / 2)
		}
		jobs = append(jobs, job("confirm", jobConfirm, ask, v.At))
		if nudge, ok := e.nudgeTime(ask, alert, v.At); ok {
			jobs = append(jobs, job("nudge", jobNudge, nudge, v.At))
		}
		jobs = append(jobs, job("alert", jobAlert, alert, v.At))
	}
	return append(jobs, job("checkin", jobCheckin, v.At.Add(e.cfg.CheckinAfter), time.Time{}))
}

// nudgeTime is halfway between the question and the alert, or the latest
// hour before it outside quiet hours: halfway to a morning visit falls in
// the night, and quiet hours would hold the nudge until the alert itself.
// ok is false when no moment strictly between the two is outside them.
func (e *capability) nudgeTime(ask, alert, event time.Time) (time.Time, bool) {
	half := ask.Add(alert.Sub(ask) / 2)
	for t := half; t.After(ask); t = t.Add(-time.Hour) {
		if e.Scheduler().AdjustForQuiet(t, event).Equal(t) && t.Before(alert) {
			return t, true
		}
	}
	return time.Time{}, false
}

// planVisit schedules v's jobs and cancels those of its other versions.
func (e *capability) planVisit(ctx context.Context, v Visit) error {
	return e.Replan(ctx, pairOwner(v.Pair), "visit:"+v.ID+":", e.visitJobs(v, e.Now()))
}

// dropVisitJobs cancels v's jobs, of any version, whose ids are not in keep.
func (e *capability) dropVisitJobs(ctx context.Context, v Visit, keep map[string]bool) error {
	return e.Drop(ctx, pairOwner(v.Pair), "visit:"+v.ID+":", keep)
}

// aboutVisit is what a job finds when due: the visit, its pairing and its
// two people.
type aboutVisit struct {
	v      Visit
	p      Pairing
	fam    flows.Person
	mother flows.Person
}

// jobVisit loads what a job is about; ok is false when there is nothing
// left to do: the visit is gone or moved, either person is gone, or the
// pairing ended (unless ended is true: what a family said still reaches
// staff after the pairing ended).
func (e *capability) jobVisit(ctx context.Context, j scheduler.Job, ended bool) (aboutVisit, bool, error) {
	var a aboutVisit
	v, found, err := e.store().visit(ctx, j.Args["visit"])
	if err != nil || !found || strconv.Itoa(v.Seq) != j.Args["v"] {
		return a, false, err
	}
	p, found, err := e.store().pair(ctx, v.Pair)
	if err != nil || !found || p.Status != pairActive && !ended {
		return a, false, err
	}
	fam, mother, found, err := e.pairPeople(ctx, p)
	return aboutVisit{v: v, p: p, fam: fam, mother: mother}, found, err
}

// askConfirm asks the family to confirm the visit.
func (e *capability) askConfirm(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, false)
	if err != nil || !ok || a.v.Status != visitPlanned {
		return err
	}
	return e.Deliver(ctx, a.fam, j.ID, e.confirmQuestion(a, "family.confirm_ask"))
}

// nudge asks once more, halfway to the alert.
func (e *capability) nudge(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, false)
	if err != nil || !ok || a.v.Status != visitPlanned || a.v.Nudged {
		return err
	}
	if err := e.Deliver(ctx, a.fam, j.ID, e.confirmQuestion(a, "family.confirm_nudge")); err != nil {
		return err
	}
	_, err = e.store().update(ctx, a.v, []string{visitPlanned}, "nudged", "1")
	return err
}

// confirmQuestion is "Confirm the visit" with its three answers.
func (e *capability) confirmQuestion(a aboutVisit, title string) flows.Message {
	return flows.Message{
		Lines: append([]flows.T{{ID: title, Data: map[string]any{"Mother": firstName(a.mother.Name)}}}, e.visitLines(a.v, a.fam)...),
		Buttons: [][]flows.Button{
			{{Label: flows.T{ID: "family.confirm_yes"}, Data: actButton(a.v, actConfirm)}},
			{{Label: flows.T{ID: "family.change"}, Data: actButton(a.v, actChange)}},
			{{Label: flows.T{ID: "family.cannot"}, Data: actButton(a.v, actCancelAsk)}},
		},
	}
}

// alertUnconfirmed tells the mother's staff, once, that the family has not
// confirmed a visit that is near.
func (e *capability) alertUnconfirmed(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, false)
	if err != nil || !ok || a.v.Status != visitPlanned || a.v.Alerted {
		return err
	}
	if err := e.notifyStaff(ctx, a, "unconfirmed", false, j.ID); err != nil {
		return err
	}
	_, err = e.store().update(ctx, a.v, []string{visitPlanned}, "alerted", "1")
	return err
}
