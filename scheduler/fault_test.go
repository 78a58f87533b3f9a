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
