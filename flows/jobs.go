package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"nido/scheduler"
)

// Jobs is the scheduler's Handler: it runs the jobs the capabilities
// scheduled (reminders, questions, digests) when they are due. main gives
// it to the scheduler's Run.
func (e *Engine) Jobs() scheduler.Handler { return scheduler.HandlerFunc(e.runJob) }

// runJob does one due job. A job about someone or something that no longer
// exists does nothing; a person who blocked Nido fails the job for good, as
// the Telegram layer has already alerted their staff.
func (e *Engine) runJob(ctx context.Context, j scheduler.Job) error {
	if j.Kind == jobDigest || j.Kind == legacyJobDigest {
		return e.digest(ctx, j)
	}
	for _, c := range e.caps {
		if run, ok := c.Jobs[j.Kind]; ok {
			return run(ctx, j)
		}
	}
	return scheduler.Permanent(fmt.Errorf("unknown job kind %q", j.Kind))
}

// deliver sends a job's message to one person. JobID lets the Telegram layer
// refuse to send it twice when the job runs again after a crash.
func (e *Engine) deliver(ctx context.Context, to Person, jobID string, m Message) error {
	m.ChatID, m.Lang, m.JobID = to.ID, to.Lang, jobID
	_, err := e.send(ctx, m)
	if errors.Is(err, ErrUnreachable) {
		return scheduler.Permanent(err)
	}
	return wrap("deliver "+jobID, err)
}

// tellMessage sends a message to someone other than the person acting, in
// their language; a person who blocked Nido is skipped. jobID, when set,
// names the job delivering it, made unique per recipient.
func (e *Engine) tellMessage(ctx context.Context, to Person, jobID string, m Message) error {
	_, err := e.tellPost(ctx, to, jobID, m)
	return err
}

// tellPost is tellMessage that returns the id of the message sent, 0 for
// a person who blocked Nido.
func (e *Engine) tellPost(ctx context.Context, to Person, jobID string, m Message) (int, error) {
	m.ChatID, m.Lang = to.ID, to.Lang
	if jobID != "" {
		m.JobID = jobID + "/" + id64(to.ID)
	}
	id, err := e.send(ctx, m)
	if errors.Is(err, ErrUnreachable) {
		return 0, nil
	}
	return id, wrap("tell", err)
}

// Replan makes jobs the jobs of one thing (an appointment, a visit, an
// interview): owner's jobs whose ids start with prefix and are not among
// jobs are cancelled (those of an earlier version, or no longer due), then
// jobs are scheduled. Doing it again changes nothing.
func (e *Engine) Replan(ctx context.Context, owner, prefix string, jobs []scheduler.Job) error {
	keep := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		keep[j.ID] = true
	}
	if err := e.Drop(ctx, owner, prefix, keep); err != nil {
		return err
	}
	for _, j := range jobs {
		if err := e.cfg.Scheduler.Schedule(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// Drop cancels owner's jobs whose ids start with prefix, but those in keep.
func (e *Engine) Drop(ctx context.Context, owner, prefix string, keep map[string]bool) error {
	jobs, err := e.cfg.Scheduler.ListOwner(ctx, owner)
	if err != nil {
		return wrap("list jobs of "+prefix, err)
	}
	for _, j := range jobs {
		if strings.HasPrefix(j.ID, prefix) && !keep[j.ID] {
			if err := e.cfg.Scheduler.Cancel(ctx, j.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
