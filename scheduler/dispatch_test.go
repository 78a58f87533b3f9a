package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRetryWithBackoffThenDead(t *testing.T) {
	e := newEnv(t, Config{MaxAttempts: 3, RetryBackoff: time.Minute})
	ctx := context.Background()
	e.rec.fail = func(Job) error { return errors.New("telegram: 502") }
	e.schedule(t, Job{ID: "tip:1", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})

	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
		if n := e.runDue(t); n != 1 {
			t.Fatalf("attempt %d: ran %d, want 1", attempt, n)
		}
		j, found, _ := e.s.Get(ctx, "tip:1")
		if !found || j.Attempt != attempt+1 {
			t.Fatalf("after attempt %d: found=%v attempt=%d", attempt, found, j.Attempt)
		}
		// The retry waits the backoff, plus at most a quarter of it.
		e.clk.Advance(wait - time.Second)
		if n := e.runDue(t); n != 0 {
			t.Fatalf("retry %d came before its backoff of %s", attempt+1, wait)
		}
		e.clk.Advance(wait/4 + time.Second)
	}
	if n := e.runDue(t); n != 1 {
		t.Fatal("the third attempt did not run")
	}
	if _, found, _ := e.s.Get(ctx, "tip:1"); found {
		t.Error("a job past its last attempt is still queued")
	}
	dead, err := e.s.Dead(ctx, 10)
	if err != nil || len(dead) != 1 {
		t.Fatalf("Dead = %v, %v; want one job", dead, err)
	}
	if d := dead[0]; d.ID != "tip:1" || d.Owner != "m:1" || d.Attempt != 2 || d.Error != "telegram: 502" || !d.Failed.Equal(e.clk.Now()) {
		t.Errorf("dead job = %+v", d)
	}
	attempts := []int{}
	for _, r := range e.rec.runs {
		attempts = append(attempts, r.Attempt)
	}
	if len(attempts) != 3 || attempts[0] != 0 || attempts[2] != 2 {
		t.Errorf("handler saw attempts %v, want [0 1 2]", attempts)
	}
}

func TestPermanentErrorIsNotRetried(t *testing.T) {
	e := newEnv(t, Config{})
	e.rec.fail = func(Job) error { return Permanent(errors.New("Forbidden: bot was blocked by the user")) }
	e.schedule(t, Job{ID: "tip:1", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})
	e.runDue(t)
	e.clk.Advance(24 * time.Hour)
	e.runDue(t)
	if n := e.rec.total(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
	if dead, _ := e.s.Dead(context.Background(), 10); len(dead) != 1 {
		t.Errorf("dead set has %d jobs, want 1", len(dead))
	}
}

func TestPanickingHandlerIsRetried(t *testing.T) {
	e := newEnv(t, Config{RetryBackoff: time.Minute})
	var once sync.Once
	e.rec.fail = func(Job) error {
		once.Do(func() { panic("nil map") })
		return nil
	}
	e.schedule(t, Job{ID: "tip:1", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})
	e.runDue(t)
	e.clk.Advance(2 * time.Minute)
	if n := e.runDue(t); n != 1 {
		t.Fatalf("the retry after a panic ran %d times", n)
	}
}

func TestStaleJobIsDropped(t *testing.T) {
	e := newEnv(t, Config{})
	e.schedule(t, Job{ID: "appt:1:1h", Kind: "appointment.reminder", Owner: "m:1",
		Due: at(t, "2026-05-12 14:00"), Event: at(t, "2026-05-12 15:00")})
	e.schedule(t, Job{ID: "checkin", Kind: "checkin", Owner: "m:1", Due: at(t, "2026-05-12 14:00")})
	e.clk.Set(at(t, "2026-05-13 14:00")) // Nido was down for a day
	if n := e.runDue(t); n != 1 {
		t.Fatalf("handed %d jobs to the handler, want only the one without an event", n)
	}
	if got := e.rec.ids(); got[0] != "checkin" {
		t.Errorf("ran %v", got)
	}
	if _, found, _ := e.s.Get(context.Background(), "appt:1:1h"); found {
		t.Error("the stale job is still queued")
	}
	if !strings.Contains(e.logs.String(), "job=appt:1:1h") {
		t.Error("the stale job was not logged by id")
	}
	if got := counterValue(t, e.s.metrics.stale.WithLabelValues("appointment.reminder")); got != 1 {
		t.Errorf("stale counter = %v, want 1", got)
	}
}

func TestDueInQuietHoursAtDispatchWaits(t *testing.T) {
	e := newEnv(t, Config{})
	e.schedule(t, Job{ID: "tip", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 20:00")})
	e.schedule(t, Job{ID: "alert", Kind: "staff.alert", Owner: "s:1", Due: at(t, "2026-05-12 20:00"), Urgent: true})
	e.schedule(t, Job{ID: "appt", Kind: "appointment.reminder", Owner: "m:1",
		Due: at(t, "2026-05-12 20:00"), Event: at(t, "2026-05-13 07:30")})
	e.clk.Set(at(t, "2026-05-12 22:00")) // Nido was down from 19:00 to 22:00
	e.runDue(t)
	if got := strings.Join(e.rec.ids(), " "); got != "alert appt" && got != "appt alert" {
		t.Fatalf("ran %q at 22:00, want the urgent alert and the reminder of a 07:30 event", got)
	}
	e.clk.Set(at(t, "2026-05-13 07:59"))
	if n := e.runDue(t); n != 0 {
		t.Fatalf("ran %d in quiet hours", n)
	}
	e.clk.Set(at(t, "2026-05-13 08:00"))
	if n := e.runDue(t); n != 1 {
		t.Fatalf("ran %d at the end of quiet hours, want the tip", n)
	}
}

func TestExpiredLeaseRunsAgain(t *testing.T) {
	e := newEnv(t, Config{Lease: time.Minute})
	ctx := context.Background()
	e.schedule(t, Job{ID: "tip:1", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})

	// A process claims the job and dies before acknowledging it.
	crashed, err := e.s.claim(ctx, 10)
	if err != nil || len(crashed) != 1 {
		t.Fatalf("claim = %v, %v", crashed, err)
	}
	other := e.scheduler(t, Config{Lease: time.Minute})
	if n, _ := other.RunDue(ctx, e.rec); n != 0 {
		t.Fatalf("a leased job ran again before its lease expired (%d)", n)
	}
	e.clk.Advance(time.Minute + time.Millisecond)
	if n, _ := other.RunDue(ctx, e.rec); n != 1 {
		t.Fatalf("after the lease expired the job ran %d times, want 1", n)
	}
	// The crashed process comes back and acknowledges late: nothing changes.
	e.s.finish(ctx, crashed[0], ackScript, e.s.ackArgs(crashed[0]))
	if !strings.Contains(e.logs.String(), "lease lost") {
		t.Error("a late acknowledgment was not noticed")
	}
	if n := e.rec.total(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

func TestRescheduleWhileRunning(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	j := Job{ID: "appt:1", Kind: "appointment.reminder", Owner: "m:1", Due: at(t, "2026-05-12 10:00")}
	e.schedule(t, j)
	running, _ := e.s.claim(ctx, 10)
	j.Due = at(t, "2026-05-12 10:00") // the appointment changed while its reminder was being sent
	j.Args = map[string]string{"v": "2"}
	e.schedule(t, j)
	if n := e.runDue(t); n != 0 {
		t.Fatalf("the new schedule ran while the old run held the lease (%d)", n)
	}
	e.s.finish(ctx, running[0], ackScript, e.s.ackArgs(running[0]))
	got, found, _ := e.s.Get(ctx, j.ID)
	if !found || got.Args["v"] != "2" {
		t.Fatalf("the acknowledgment of the old run removed the new schedule (found=%v)", found)
	}
	e.clk.Advance(e.s.cfg.Lease)
	if n := e.runDue(t); n != 1 {
		t.Fatalf("the new schedule ran %d times, want 1", n)
	}
}

func TestRunDispatchesWhenTheClockMoves(t *testing.T) {
	e := newEnv(t, Config{PollInterval: time.Hour, PlanInterval: time.Hour})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.s.Run(ctx, e.rec) }()
	e.schedule(t, Job{ID: "tomorrow", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-13 10:00")})
	if err := e.s.AddRule(ctx, Rule{ID: "daily", Spec: "0 9 * * *", Kind: "checkin", Owner: "m:1"}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(24 * time.Hour) // the demo's "+1 day" button
	waitFor(t, "both jobs of the next day", func() bool { return e.rec.total() == 2 })
	e.schedule(t, Job{ID: "now", Kind: "tip", Owner: "m:1", Due: e.clk.Now()})
	waitFor(t, "a job scheduled due now", func() bool { return e.rec.total() == 3 })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunDrainsHandlersOnShutdown(t *testing.T) {
	e := newEnv(t, Config{})
	started, release := make(chan struct{}), make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, j Job) error {
		close(started)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	s := e.scheduler(t, Config{})
	e.schedule(t, Job{ID: "tip", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx, h) }()
	<-started
	stop()
	select {
	case <-done:
		t.Fatal("Run returned while a handler was running")
	default:
	}
	close(release)
	<-done
	if _, found, _ := s.Get(context.Background(), "tip"); found {
		t.Error("the drained job was not acknowledged")
	}
}

// TestReplayedClaimReturnsTheSameJobs is what happens when the client loses
// the reply of a claim and sends it again: the jobs are not stranded.
func TestReplayedClaimReturnsTheSameJobs(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	for i := range 3 {
		e.schedule(t, Job{ID: fmt.Sprint("tip:", i), Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})
	}
	first, err := e.s.claimWith(ctx, 10, "T1")
	if err != nil || len(first) != 3 {
		t.Fatalf("claim = %d jobs, %v", len(first), err)
	}
	again, err := e.s.claimWith(ctx, 10, "T1")
	if err != nil || len(again) != 3 {
		t.Fatalf("replayed claim = %d jobs, %v; want the same 3", len(again), err)
	}
	for i := range first {
		if first[i].job.ID != again[i].job.ID {
			t.Errorf("replay returned %s for %s", again[i].job.ID, first[i].job.ID)
		}
	}
	if other, _ := e.s.claimWith(ctx, 10, "T2"); len(other) != 0 {
		t.Errorf("a new claim took %d jobs already leased", len(other))
	}
}
