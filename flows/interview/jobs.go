package interview

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The scheduler's jobs around one interview: a tip at each offset before
// it, and "How did it go?" after it. They carry ids only (the interview and
// its version); each loads the interview when due and does nothing when it
// was cancelled or moved (the new version has its own). Their owner is the
// mother, so erasing her erases them. A tip whose moment has passed when the
// interview is made is skipped, never sent late; quiet hours hold a tip
// back only when it still comes before the interview (the scheduler's rule
// for a job with an event).
//
//	interview.tip       at each NIDO_INTERVIEW_TIPS offset: what to bring, the route, the checklist
//	interview.followup  NIDO_INTERVIEW_FOLLOWUP after its start: "How did it go?"
const (
	jobTip      = "interview.tip"
	jobFollowUp = "interview.followup"
)

// The tips, from the earliest to the last.
const (
	tipBring = "bring" // what to bring, and what she may be asked
	tipRoute = "route" // the way there, clothes, childcare
	tipLast  = "last"  // a checklist and a word of encouragement
)

func jobPrefix(iv Interview) string { return "iv:" + iv.ID + ":v" + strconv.Itoa(iv.Seq) + ":" }

func ivArgs(iv Interview) map[string]string {
	return map[string]string{"iv": iv.ID, "v": strconv.Itoa(iv.Seq)}
}

// tipOf names the tip at position i of n, the earliest first: the last is
// the checklist, the first what to bring, those between the route.
func tipOf(i, n int) string {
	switch {
	case i == n-1:
		return tipLast
	case i == 0:
		return tipBring
	}
	return tipRoute
}

// jobs are iv's tips still ahead at now, and its follow-up.
func (e *capability) jobs(iv Interview, now time.Time) []scheduler.Job {
	offs := slices.Clone(e.cfg.Tips)
	slices.Sort(offs)
	slices.Reverse(offs) // the earliest tip first
	owner := strconv.FormatInt(iv.Mother, 10)
	var out []scheduler.Job
	for i, off := range offs {
		due := flows.ReminderDue(iv.At, off)
		if due.Before(now) {
			continue
		}
		args := ivArgs(iv)
		args["tip"] = tipOf(i, len(offs))
		out = append(out, scheduler.Job{ID: jobPrefix(iv) + "tip-" + flows.OffsetName(off), Kind: jobTip, Owner: owner,
			Due: due, Event: iv.At, Args: args})
	}
	return append(out, scheduler.Job{ID: jobPrefix(iv) + "followup", Kind: jobFollowUp, Owner: owner,
		Due: iv.At.Add(e.cfg.FollowUp), Args: ivArgs(iv)})
}

// plan schedules iv's jobs, cancels those of its other versions, and
// returns when the tips will really come (quiet hours may move them).
func (e *capability) plan(ctx context.Context, iv Interview) ([]time.Time, error) {
	jobs := e.jobs(iv, e.Now())
	if err := e.Replan(ctx, strconv.FormatInt(iv.Mother, 10), "iv:"+iv.ID+":", jobs); err != nil {
		return nil, err
	}
	var tips []time.Time
	for _, j := range jobs {
		if j.Kind == jobTip {
			tips = append(tips, e.Scheduler().AdjustForQuiet(j.Due, j.Event))
		}
	}
	return tips, nil
}

// dropJobs cancels iv's jobs, of any version, whose ids are not in keep.
func (e *capability) dropJobs(ctx context.Context, iv Interview, keep map[string]bool) error {
	return e.Drop(ctx, strconv.FormatInt(iv.Mother, 10), "iv:"+iv.ID+":", keep)
}

// jobInterview loads what a job is about; ok is false when there is
// nothing left to do.
func (e *capability) jobInterview(ctx context.Context, j scheduler.Job) (Interview, flows.Person, bool, error) {
	iv, found, err := e.store().get(ctx, j.Args["iv"])
	if err != nil || !found || iv.Status != statusPlanned || strconv.Itoa(iv.Seq) != j.Args["v"] {
		return iv, flows.Person{}, false, err
	}
	m, found, err := e.People().Get(ctx, iv.Mother)
	return iv, m, found && err == nil, err
}

// sendTip sends one tip, in her language.
func (e *capability) sendTip(ctx context.Context, j scheduler.Job) error {
	iv, m, ok, err := e.jobInterview(ctx, j)
	if err != nil || !ok {
		return err
	}
	return e.Deliver(ctx, m, j.ID, tipMessage(iv, j.Args["tip"]))
}

// askFollowUp asks her how it went.
func (e *capability) askFollowUp(ctx context.Context, j scheduler.Job) error {
	iv, m, ok, err := e.jobInterview(ctx, j)
	if err != nil || !ok || iv.Outcome != "" {
		return err
	}
	button := func(label, code string) []flows.Button {
		return []flows.Button{{Label: flows.T{ID: label}, Data: verbOutcome + ":" + iv.ID + ":" + strconv.Itoa(iv.Seq) + ":" + code}}
	}
	return e.Deliver(ctx, m, j.ID, flows.Message{
		Lines: append([]flows.T{{ID: "interview.followup_ask"}}, cardLines(iv)...),
		Buttons: [][]flows.Button{
			button("interview.outcome_well", "w"), button("interview.outcome_notwell", "n"),
			button("interview.outcome_notgo", "x"), button("interview.outcome_offer", "o"),
		},
	})
}

// outcome keeps her answer for her staff; an offer reaches them at once.
// Pressed again after a failure half-way, the same answer finishes; another
// one, once one is kept, changes nothing.
func (e *capability) outcome(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 || outcomes[parts[2]] == "" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	iv, ok, err := e.mine(s, parts[0])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	answer := outcomes[parts[2]]
	switch {
	case iv.Status != statusPlanned || parts[1] != strconv.Itoa(iv.Seq):
		return s.Reply(flows.T{ID: "interview.not_ahead"})
	case iv.At.After(s.Now()):
		return s.Reply(flows.T{ID: "interview.too_early"})
	case iv.Outcome != "" && iv.Outcome != answer:
		return s.Reply(flows.T{ID: "interview.outcome_already"})
	}
	if iv.Outcome == "" {
		if _, err := e.store().set(s.Ctx(), iv, "outcome", answer, "outcome_at", s.Now().Unix()); err != nil {
			return err
		}
	}
	if answer == outcomeOffer {
		if err := e.tellStaff(s.Ctx(), iv, s.Person(), jobPrefix(iv)+"offer", flows.T{ID: "interview.staff_offer"}); err != nil {
			return err
		}
	}
	// How it went is for her staff, not for the log.
	e.Log().Info("interview outcome given", "user_id", s.Person().ID, "interview", iv.ID)
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "interview.outcome_thanks_" + answer}}})
}

// stillNeedChildcare tells her staff at once that she still has nobody to
// look after her child during the interview.
func (e *capability) stillNeedChildcare(s *flows.Session, arg string) error {
	id, seq, _ := strings.Cut(arg, ":")
	iv, ok, err := e.mine(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if iv.Status != statusPlanned || seq != strconv.Itoa(iv.Seq) || !iv.At.After(s.Now()) {
		return s.Reply(flows.T{ID: "interview.not_ahead"})
	}
	if err := e.tellStaff(s.Ctx(), iv, s.Person(), jobPrefix(iv)+"childcare", flows.T{ID: "interview.staff_childcare"}); err != nil {
		return err
	}
	e.Log().Info("interview childcare asked", "user_id", s.Person().ID, "interview", iv.ID)
	return s.Reply(flows.T{ID: "interview.childcare_told"})
}

// tellStaff tells the mother's staff what, with the interview: those who
// follow her (the core's StaffOf: who invited her, who made the interview).
func (e *capability) tellStaff(ctx context.Context, iv Interview, mother flows.Person, jobID string, what flows.T) error {
	hers, err := e.StaffOf(ctx, mother, iv.By)
	if err != nil {
		return err
	}
	what.Data = map[string]any{"Name": mother.Name}
	for _, st := range hers {
		if err := e.TellMessage(ctx, st, jobID, flows.Message{Lines: append([]flows.T{what}, cardLines(iv)...)}); err != nil {
			return err
		}
	}
	return nil
}
