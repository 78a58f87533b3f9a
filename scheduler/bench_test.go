package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// The benchmarks compare the scheduler's due-queue with asynq's delayed
// tasks on the same kind of Redis (a fresh redis-server each, no AOF):
//
//	go test -bench . -run '^$' ./scheduler/
//
// A job looks like a real appointment reminder: an id naming the
// appointment, a person as owner (three jobs each), an event, one arg.

// benchJob is the i-th realistic job due at base plus i minutes.
func benchJob(i int, base time.Time) Job {
	return Job{
		ID:    fmt.Sprintf("appt:%08d:remind-24h", i),
		Kind:  "appointment.reminder",
		Owner: fmt.Sprintf("m:%010d", 1000000000+i/3),
		Due:   base.Add(time.Duration(i) * time.Minute),
		Event: base.Add(time.Duration(i)*time.Minute + 24*time.Hour),
		Args:  map[string]string{"appointment": fmt.Sprintf("%08d", i)},
	}
}

// benchTask is benchJob as an asynq task: same id, kind and payload.
func benchTask(i int) (*asynq.Task, asynq.Option) {
	j := benchJob(i, time.Time{})
	payload, _ := json.Marshal(map[string]string{"owner": j.Owner, "appointment": j.Args["appointment"]})
	return asynq.NewTask(j.Kind, payload), asynq.TaskID(j.ID)
}

func benchScheduler(b *testing.B, rdb redis.UniversalClient, clk clock.Clock) *Scheduler {
	b.Helper()
	s, err := New(rdb, Config{Clock: clk, QuietHours: "off", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchRedis(b *testing.B) redis.UniversalClient {
	b.Helper()
	srv := redistest.Start(b)
	if !srv.Real {
		b.Skip("needs a real redis-server")
	}
	return srv.Client()
}

func BenchmarkSchedule(b *testing.B) {
	s := benchScheduler(b, benchRedis(b), clock.System{})
	base := time.Now().Add(time.Hour)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Schedule(ctx, benchJob(i, base)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScheduleAsynq(b *testing.B) {
	c := asynq.NewClientFromRedisClient(benchRedis(b))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		task, id := benchTask(i)
		if _, err := c.Enqueue(task, id, asynq.ProcessIn(time.Hour+time.Duration(i)*time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScheduleParallel(b *testing.B) {
	s := benchScheduler(b, benchRedis(b), clock.System{})
	base := time.Now().Add(time.Hour)
	var next atomic.Int64
	b.SetParallelism(8) // a broadcast schedules from many goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Schedule(context.Background(), benchJob(int(next.Add(1)), base)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkScheduleParallelAsynq(b *testing.B) {
	c := asynq.NewClientFromRedisClient(benchRedis(b))
	var next atomic.Int64
	b.SetParallelism(8) // a broadcast schedules from many goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			task, id := benchTask(i)
			if _, err := c.Enqueue(task, id, asynq.ProcessIn(time.Hour+time.Duration(i)*time.Minute)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// dispatchJobs is how many due jobs each dispatch benchmark runs per
// iteration, so that start-up costs weigh the same whatever b.N is.
const dispatchJobs = 10000

// BenchmarkDispatch times running dispatchJobs due jobs with 8 workers and a
// no-op handler, from Run's start to the last job's acknowledgment.
func BenchmarkDispatch(b *testing.B) {
	rdb := benchRedis(b)
	clk := clock.NewManual(time.Now())
	var done atomic.Int64
	h := HandlerFunc(func(context.Context, Job) error {
		done.Add(1)
		return nil
	})
	s := benchScheduler(b, rdb, clk)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		done.Store(0)
		scheduleMany(b, s, dispatchJobs, func(i int) Job {
			j := benchJob(i, clk.Now())
			j.Due = clk.Now().Add(-time.Minute)
			return j
		})
		ctx, stop := context.WithCancel(context.Background())
		finished := make(chan struct{})
		b.StartTimer()
		go func() {
			defer close(finished)
			_ = s.Run(ctx, h)
		}()
		waitUntil(b, func() bool { return done.Load() == dispatchJobs })
		b.StopTimer()
		stop()
		<-finished
	}
	b.ReportMetric(float64(dispatchJobs*b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// BenchmarkDispatchAsynq times asynq running dispatchJobs delayed tasks that
// have come due, with 8 workers, from the server's start to the last task's
// completion. Its forwarder, which moves due tasks to the pending list, is
// set to look every 10ms (the default is 5s).
func BenchmarkDispatchAsynq(b *testing.B) {
	rdb := benchRedis(b)
	c := asynq.NewClientFromRedisClient(rdb)
	var done atomic.Int64
	handler := asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		done.Add(1)
		return nil
	})
	b.ResetTimer()
	for iter := range b.N {
		b.StopTimer()
		done.Store(0)
		enqueueMany(b, c, dispatchJobs, iter*dispatchJobs)
		// asynq scores delayed tasks in whole seconds: wait for the second to turn.
		<-time.After(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		srv := asynq.NewServerFromRedisClient(rdb, asynq.Config{
			Concurrency: 8, DelayedTaskCheckInterval: 10 * time.Millisecond,
			Logger: quietAsynqLogger{}, LogLevel: asynq.FatalLevel,
		})
		b.StartTimer()
		if err := srv.Start(handler); err != nil {
			b.Fatal(err)
		}
		waitUntil(b, func() bool { return done.Load() == dispatchJobs })
		b.StopTimer()
		srv.Shutdown()
	}
	b.ReportMetric(float64(dispatchJobs*b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// enqueueMany enqueues n tasks, numbered from first, due in a millisecond, from 16 goroutines.
func enqueueMany(b *testing.B, c *asynq.Client, n, first int) {
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				task, id := benchTask(first + i)
				if _, err := c.Enqueue(task, id, asynq.ProcessIn(time.Millisecond)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkMemoryPerJob reports Redis memory per waiting job, measured with
// INFO memory around scheduling 100,000 jobs.
func BenchmarkMemoryPerJob(b *testing.B) {
	const jobs = 100000
	for i := 0; i < b.N; i++ {
		rdb := benchRedis(b)
		s := benchScheduler(b, rdb, clock.System{})
		base := time.Now().Add(time.Hour)
		before := usedMemory(b, rdb)
		scheduleMany(b, s, jobs, func(i int) Job { return benchJob(i, base) })
		b.ReportMetric(float64(usedMemory(b, rdb)-before)/jobs, "bytes/job")
	}
}

func BenchmarkMemoryPerJobAsynq(b *testing.B) {
	const jobs = 100000
	for i := 0; i < b.N; i++ {
		rdb := benchRedis(b)
		c := asynq.NewClientFromRedisClient(rdb)
		before := usedMemory(b, rdb)
		for i := range jobs {
			task, id := benchTask(i)
			if _, err := c.Enqueue(task, id, asynq.ProcessIn(time.Hour+time.Duration(i)*time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(usedMemory(b, rdb)-before)/jobs, "bytes/job")
	}
}

func usedMemory(b *testing.B, rdb redis.UniversalClient) int64 {
	b.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("INFO memory has no used_memory")
	return 0
}

// waitUntil polls cond every millisecond for up to a minute.
func waitUntil(b *testing.B, cond func() bool) {
	b.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			b.Fatal("timed out")
		}
	}
}

// quietAsynqLogger drops asynq's logs.
type quietAsynqLogger struct{}

func (quietAsynqLogger) Debug(...any) {}
func (quietAsynqLogger) Info(...any)  {}
func (quietAsynqLogger) Warn(...any)  {}
func (quietAsynqLogger) Error(...any) {}
func (quietAsynqLogger) Fatal(...any) {}
