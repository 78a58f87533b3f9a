package scheduler

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestTwoSchedulersShareTheWork runs two schedulers, as two Nido processes
// would, on one Redis with 10,000 jobs due at the same moment: every job runs
// exactly once, never twice at the same time, and both take a share.
func TestTwoSchedulersShareTheWork(t *testing.T) {
	e := newEnv(t, Config{})
	jobs := 10000
	if !e.redis.Real {
		// The embedded Redis runs Lua in Go, far slower: fewer jobs still
		// show that none runs twice.
		jobs = 1000
	}
	var (
		mu       sync.Mutex
		runs     = map[string]int{}
		running  = map[string]bool{}
		overlaps atomic.Int64
		byProc   [2]atomic.Int64
	)
	handler := func(proc int) Handler {
		return HandlerFunc(func(_ context.Context, j Job) error {
			mu.Lock()
			if running[j.ID] {
				overlaps.Add(1)
			}
			running[j.ID] = true
			runs[j.ID]++
			mu.Unlock()
			byProc[proc].Add(1)
			mu.Lock()
			delete(running, j.ID)
			mu.Unlock()
			return nil
		})
	}
	a := e.scheduler(t, Config{})
	b := e.scheduler(t, Config{})

	scheduleMany(t, a, jobs, func(i int) Job {
		return Job{ID: fmt.Sprintf("bcast:7:%d", i), Kind: "broadcast", Owner: fmt.Sprintf("m:%d", i),
			Due: e.clk.Now(), Args: map[string]string{"broadcast": "7"}}
	})

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, s := range []*Scheduler{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Run(ctx, handler(i))
		}()
	}
	waitFor(t, "every job to run", func() bool { return byProc[0].Load()+byProc[1].Load() >= int64(jobs) })
	stop()
	wg.Wait()

	if len(runs) != jobs {
		t.Errorf("%d distinct jobs ran, want %d", len(runs), jobs)
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("%s ran %d times", id, n)
		}
	}
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d runs overlapped another run of the same job", n)
	}
	if byProc[0].Load() == 0 || byProc[1].Load() == 0 {
		t.Errorf("one process did all the work: %d / %d", byProc[0].Load(), byProc[1].Load())
	}
	t.Logf("shares: %d / %d", byProc[0].Load(), byProc[1].Load())
	left, _ := e.s.depth(context.Background())
	if left != (queueDepth{}) {
		t.Errorf("queue not empty after the run: %+v", left)
	}
}

// scheduleMany schedules n jobs from 16 goroutines.
func scheduleMany(t testing.TB, s *Scheduler, n int, job func(i int) Job) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		errs = make(chan error, 16)
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := s.Schedule(context.Background(), job(i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}
