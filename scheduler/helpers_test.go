package scheduler

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// rome is the location of every test.
func rome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a local time in Rome.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, rome(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// recorder is a Handler that remembers what it ran and fails as told.
type recorder struct {
	mu    sync.Mutex
	runs  []Job
	count map[string]int
	fail  func(Job) error
}

func (r *recorder) Handle(_ context.Context, j Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.count == nil {
		r.count = map[string]int{}
	}
	r.runs = append(r.runs, j)
	r.count[j.ID]++
	if r.fail != nil {
		return r.fail(j)
	}
	return nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.runs))
	for i, j := range r.runs {
		out[i] = j.ID
	}
	return out
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.runs)
}

// env is one scheduler on its own Redis with a manual clock.
type env struct {
	s     *Scheduler
	clk   *clock.Manual
	rec   *recorder
	redis *redistest.Server
	logs  *syncBuffer
}

// newEnv starts a Redis and a scheduler whose clock reads start (Tuesday
// 2026-05-12 10:00 in Rome unless changed); cfg's zero fields get test values.
func newEnv(t *testing.T, cfg Config, opts ...redistest.Options) *env {
	t.Helper()
	srv := redistest.Start(t, opts...)
	e := &env{redis: srv, clk: clock.NewManual(at(t, "2026-05-12 10:00")), logs: &syncBuffer{}}
	e.rec = &recorder{}
	e.s = e.scheduler(t, cfg)
	return e
}

// scheduler builds another scheduler on the same Redis and clock.
func (e *env) scheduler(t *testing.T, cfg Config) *Scheduler {
	t.Helper()
	return e.schedulerOn(t, e.redis.Client(), cfg)
}

// schedulerOn is scheduler with a client of the test's choosing.
func (e *env) schedulerOn(t *testing.T, rdb redis.UniversalClient, cfg Config) *Scheduler {
	t.Helper()
	cfg.Clock = e.clk
	if cfg.Location == nil {
		cfg.Location = rome(t)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) runDue(t *testing.T) int {
	t.Helper()
	n, err := e.s.RunDue(context.Background(), e.rec)
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	return n
}

func (e *env) schedule(t *testing.T, j Job) {
	t.Helper()
	if err := e.s.Schedule(context.Background(), j); err != nil {
		t.Fatalf("Schedule %s: %v", j.ID, err)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
