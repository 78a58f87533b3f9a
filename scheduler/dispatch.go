package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Run hands due jobs to h and plans recurring rules until ctx is done, then
// waits for the handlers still running, at most Config.DrainTimeout, and
// returns nil. A handler still running then is cancelled and its job given
// back, due at once, so that another process runs it without waiting for
// the lease to end. It keeps going through Redis outages. With a manual
// clock it wakes as soon as the clock moves.
func (s *Scheduler) Run(ctx context.Context, h Handler) error {
	// Handlers get a context that outlives ctx, so a shutdown lets them
	// finish; it is cancelled only when the drain deadline passes.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	defer s.drain(&wg, stopWork)
	slots := make(chan struct{}, s.cfg.Workers)
	poll := time.NewTicker(s.cfg.PollInterval)
	defer poll.Stop()
	planTick := time.NewTicker(s.cfg.PlanInterval)
	defer planTick.Stop()
	needPlan, failures := true, 0
	for ctx.Err() == nil {
		moved := s.clockMoved()
		more, err := s.step(ctx, work, h, &wg, slots, &needPlan)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			s.outage.failed(err)
			failures++
			select {
			case <-ctx.Done():
			case <-time.After(redisBackoff(failures)):
			}
			continue
		}
		s.outage.ok()
		failures = 0
		if more {
			continue
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-poll.C:
		case <-moved:
			needPlan = true
		case <-planTick.C:
			needPlan = true
		}
	}
	return nil
}

// drain waits for the running handlers, cancelling them at the drain deadline.
func (s *Scheduler) drain(wg *sync.WaitGroup, stopWork context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(s.cfg.DrainTimeout):
		s.log.Warn("drain deadline passed, cancelling running jobs", "drain", s.cfg.DrainTimeout)
		stopWork()
		<-done
	}
}

// step plans if needed, then claims as many jobs as there are free workers
// and starts them on work, the handlers' context. It reports whether it
// filled every free worker, in which case more jobs may be due.
func (s *Scheduler) step(ctx, work context.Context, h Handler, wg *sync.WaitGroup, slots chan struct{}, needPlan *bool) (bool, error) {
	if *needPlan {
		if err := s.plan(ctx); err != nil {
			return false, err
		}
		*needPlan = false
	}
	free := cap(slots) - len(slots)
	if free == 0 {
		return false, nil
	}
	jobs, err := s.claim(ctx, free)
	if err != nil {
		return false, err
	}
	for _, c := range jobs {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.process(work, h, c)
			<-slots
			s.signal()
		}()
	}
	return len(jobs) == min(free, maxClaim), nil
}

// clockMoved returns a channel closed when a manual clock moves, or nil (which
// never fires) for the system clock.
func (s *Scheduler) clockMoved() <-chan struct{} {
	if m, ok := s.clock.(interface{ Changed() <-chan struct{} }); ok {
		return m.Changed()
	}
	return nil
}

// RunDue plans rules, then hands every job due now to h, one at a time, and
// returns how many it handed over. Tests and tools use it to run the queue
// deterministically; a job that fails is retried later, not within this call.
func (s *Scheduler) RunDue(ctx context.Context, h Handler) (int, error) {
	if err := s.plan(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		jobs, err := s.claim(ctx, maxClaim)
		if err != nil || len(jobs) == 0 {
			return n, err
		}
		for _, c := range jobs {
			if s.process(context.WithoutCancel(ctx), h, c) {
				n++
			}
		}
	}
}

// verdict is what to do with a claimed job.
type verdict int

const (
	runJob   verdict = iota
	dropJob          // its event has passed
	deferJob         // quiet hours: run it later
)

// decide applies the time rules to a claimed job at now.
func (s *Scheduler) decide(j Job, now time.Time) (verdict, time.Time) {
	if !j.Event.IsZero() && !now.Before(j.Event) {
		return dropJob, time.Time{}
	}
	if !j.Urgent {
		if at := s.quiet.adjust(now, j.Event, now, s.loc); at.After(now) {
			return deferJob, at
		}
	}
	return runJob, time.Time{}
}

// process runs one claimed job and records the outcome. ctx is the
// handlers' context, cancelled only when a shutdown's drain deadline passes.
// It reports whether the job was handed to the handler.
func (s *Scheduler) process(ctx context.Context, h Handler, c claimed) bool {
	j, log := c.job, s.log.With("job", c.job.ID, "kind", c.job.Kind)
	if c.err != nil {
		log.Error("dropping a job that cannot be read", "error", c.err)
		s.finish(ctx, c, ackScript, s.ackArgs(c))
		return false
	}
	now := s.clock.Now()
	switch v, at := s.decide(j, now); v {
	case dropJob:
		log.Info("job dropped: its event has passed", "due", j.Due, "event", j.Event)
		s.metrics.stale.WithLabelValues(j.Kind).Inc()
		s.finish(ctx, c, ackScript, s.ackArgs(c))
		return false
	case deferJob:
		log.Debug("job deferred to the end of quiet hours", "at", at)
		s.metrics.deferred.WithLabelValues(j.Kind).Inc()
		s.finish(ctx, c, releaseScript, s.releaseArgs(c, j, at))
		return false
	}
	if j.Attempt >= s.cfg.MaxAttempts {
		// Only expired leases take a job here (a failed run at its last
		// attempt is buried): its runs ended without an outcome, the
		// process that took it killed or hung each time. Running it again
		// might stop the next one too.
		log.Error("job set aside: its runs ended without an outcome", "attempts", j.Attempt)
		s.metrics.setAside.WithLabelValues(j.Kind).Inc()
		s.metrics.failed.WithLabelValues(j.Kind).Inc()
		s.finish(ctx, c, buryScript, s.buryArgs(c, errNoOutcome))
		return false
	}
	if j.Attempt == 0 {
		s.metrics.lateness.Observe(max(now.Sub(j.Due), 0).Seconds())
	}
	s.metrics.dispatched.WithLabelValues(j.Kind).Inc()
	err := s.call(ctx, h, j)
	switch {
	case err != nil && ctx.Err() != nil:
		// Cut short by a shutdown: not the job's fault, so no attempt is
		// counted, and it is due again at once for another process.
		log.Info("job interrupted by shutdown; given back", "error", err)
		s.finish(ctx, c, releaseScript, s.releaseArgs(c, j, now))
	case err == nil:
		s.metrics.succeeded.WithLabelValues(j.Kind).Inc()
		s.finish(ctx, c, ackScript, s.ackArgs(c))
	case isPermanent(err) || j.Attempt+1 >= s.cfg.MaxAttempts:
		log.Warn("job failed for good", "attempt", j.Attempt+1, "error", err)
		s.metrics.failed.WithLabelValues(j.Kind).Inc()
		s.finish(ctx, c, buryScript, s.buryArgs(c, err))
	default:
		next := s.clock.Now().Add(s.retryDelay(j.Attempt + 1))
		log.Warn("job failed; will retry", "attempt", j.Attempt+1, "retry_at", next, "error", err)
		s.metrics.retried.WithLabelValues(j.Kind).Inc()
		j.Attempt++
		s.finish(ctx, c, releaseScript, s.releaseArgs(c, j, next))
	}
	return true
}

// errNoOutcome is why a job whose leases kept expiring is dead.
var errNoOutcome = errors.New("its runs ended without an outcome (lease expired) at every attempt")

// call runs the handler with its own deadline and turns a panic into an error.
func (s *Scheduler) call(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	hctx, cancel := context.WithTimeout(ctx, s.handlerTimeout)
	defer cancel()
	return h.Handle(hctx, j)
}
