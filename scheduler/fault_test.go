package scheduler

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/scheduler/redistest"
)

// TestRedisRestartLosesNoJob kills Redis (AOF, fsync always) in the middle
// of dispatching and starts it again: every job still runs.
func TestRedisRestartLosesNoJob(t *testing.T) {
	const jobs = 2000
	e := newEnv(t, Config{}, redistest.Options{AOF: true})
	var (
		mu   sync.Mutex
		runs = map[string]int{}
	)
	h := HandlerFunc(func(_ context.Context, j Job) error {
		mu.Lock()
		defer mu.Unlock()
		runs[j.ID]++
		return nil
	})
	s := e.scheduler(t, Config{})
	distinct := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(runs)
	}
	scheduleMany(t, s, jobs, func(i int) Job {
		return Job{ID: fmt.Sprintf("tip:%d", i), Kind: "tip", Owner: fmt.Sprintf("m:%d", i), Due: e.clk.Now()}
	})

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx, h) }()
	waitFor(t, "dispatch to be under way", func() bool { return distinct() >= 300 })
	e.redis.Restart()
	waitFor(t, "the waiting jobs to be claimed after the restart", func() bool {
		d, err := s.depth(context.Background())
		return err == nil && d.scheduled == 0
	})
	// Jobs claimed just before the crash, whose claim reply was lost, wait
	// for their lease to expire.
	e.clk.Advance(s.cfg.Lease + time.Millisecond)
	waitFor(t, "every job to run", func() bool {
		d, err := s.depth(context.Background())
		return err == nil && d == (queueDepth{}) && distinct() == jobs
	})
	stop()
	<-done
	dup := 0
	for _, n := range runs {
		dup += n - 1
	}
	if dup > s.cfg.Workers {
		t.Errorf("%d duplicate runs, want at most one per worker (%d)", dup, s.cfg.Workers)
	}
	t.Logf("duplicates after the restart: %d", dup)
}

// TestRedisDownThenBack stops Redis while a job comes due: Run keeps going,
// logs the outage once, and delivers when Redis is back.
func TestRedisDownThenBack(t *testing.T) {
	e := newEnv(t, Config{}, redistest.Options{AOF: true})
	// A client that gives up dialing at once, so that the test sees several
	// failed rounds quickly; the default client would spend a second on each.
	rdb := redis.NewClient(&redis.Options{Addr: e.redis.Addr, DialerRetries: 1})
	t.Cleanup(func() { rdb.Close() })
	e.s = e.schedulerOn(t, rdb, Config{})
	e.schedule(t, Job{ID: "appt:1", Kind: "appointment.reminder", Owner: "m:1", Due: at(t, "2026-05-12 11:00")})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.s.Run(ctx, e.rec) }()

	e.redis.Kill()
	e.clk.Set(at(t, "2026-05-12 11:00"))
	waitFor(t, "the outage to be logged", func() bool { return strings.Contains(e.logs.String(), "redis unavailable") })
	e.clk.Advance(time.Second) // more failed attempts while down
	waitFor(t, "a few retries", func() bool { return counterValue(t, e.s.metrics.redisErrors) >= 3 })
	e.redis.Resume()
	waitFor(t, "the job to run", func() bool { return e.rec.total() == 1 })
	stop()
	<-done
	logs := e.logs.String()
	if n := strings.Count(logs, "redis unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs)
	}
	if n := strings.Count(logs, "redis available again"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, logs)
	}
}

// TestAJobWhoseLeaseKeepsExpiringIsSetAside takes a job and lets its lease
// expire, as when every process that runs it is killed or hangs: each expiry
// counts as an attempt, and after MaxAttempts the job is dead, not run again,
// with what made it so, counted and logged. Its body survives the counting.
func TestAJobWhoseLeaseKeepsExpiringIsSetAside(t *testing.T) {
	e := newEnv(t, Config{MaxAttempts: 3})
	ctx := context.Background()
	e.schedule(t, Job{ID: "appt:1", Kind: "appointment.reminder", Owner: "m:1", Due: e.clk.Now(), Urgent: true,
		Args: map[string]string{"appointment": "1"}})
	for attempt := range 3 {
		got, err := e.s.claim(ctx, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("claim %d: %v %v", attempt, got, err)
		}
		j := got[0].job
		if j.Attempt != attempt || !j.Urgent || j.Args["appointment"] != "1" || j.Kind != "appointment.reminder" {
			t.Fatalf("claim %d: job %+v, want attempt %d with its body intact", attempt, j, attempt)
		}
		// The process holding it dies: nothing is recorded.
		e.clk.Advance(e.s.cfg.Lease + time.Second)
	}
	if n := e.runDue(t); n != 0 || e.rec.total() != 0 {
		t.Fatalf("the job ran again (%d handed over) after its leases expired at every attempt", n)
	}
	dead, err := e.s.Dead(ctx, 10)
	if err != nil || len(dead) != 1 || dead[0].ID != "appt:1" || !strings.Contains(dead[0].Error, "lease expired") {
		t.Fatalf("dead jobs %+v, %v: want appt:1 set aside for its expired leases", dead, err)
	}
	if n := counterValue(t, e.s.metrics.setAside.WithLabelValues("appointment.reminder")); n != 1 {
		t.Errorf("set aside counted %v times, want 1", n)
	}
	if n := counterValue(t, e.s.metrics.expired); n != 3 {
		t.Errorf("expired leases counted %v, want 3", n)
	}
	if !strings.Contains(e.logs.String(), "job set aside") {
		t.Errorf("not logged:\n%s", e.logs.String())
	}
	if d, err := e.s.depth(ctx); err != nil || d != (queueDepth{dead: 1}) {
		t.Errorf("queue %+v, %v: want only the dead job", d, err)
	}
}

// TestAnExpiredLeaseOfARescheduledJobCostsNoAttempt: a job scheduled again
// while its run hangs is a new job; the old run's expiry does not count
// against it.
func TestAnExpiredLeaseOfARescheduledJobCostsNoAttempt(t *testing.T) {
	e := newEnv(t, Config{MaxAttempts: 1})
	ctx := context.Background()
	j := Job{ID: "appt:1", Kind: "appointment.reminder", Owner: "m:1", Due: e.clk.Now()}
	e.schedule(t, j)
	if got, err := e.s.claim(ctx, 10); err != nil || len(got) != 1 {
		t.Fatalf("claim: %v %v", got, err)
	}
	j.Due = e.clk.Now().Add(time.Minute)
	e.schedule(t, j)
	e.clk.Advance(e.s.cfg.Lease + time.Second)
	if n := e.runDue(t); n != 1 || e.rec.total() != 1 {
		t.Fatalf("%d runs, want the rescheduled job to run once", n)
	}
}
