package scheduler

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// legacySchedule stores a job as versions with a single due ZSET did: the
// same body, the job in due at its time, and in its owner key scored 0.
func legacySchedule(t *testing.T, e *env, j Job) {
	t.Helper()
	ctx, k := context.Background(), e.s.keys
	pipe := e.s.rdb.TxPipeline()
	pipe.HSet(ctx, k.jobs(), j.ID, encodeJob(j))
	pipe.ZAdd(ctx, k.legacyDue(), redis.Z{Score: float64(j.Due.UnixMilli()), Member: j.ID})
	pipe.ZAdd(ctx, k.owner(j.Owner), redis.Z{Score: 0, Member: j.ID})
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// legacyClaim leases a job as a process of such a version did: out of due,
// into inflight and leases. The process then dies without acknowledging.
func legacyClaim(t *testing.T, e *env, id string, deadline time.Time) {
	t.Helper()
	ctx, k := context.Background(), e.s.keys
	pipe := e.s.rdb.TxPipeline()
	pipe.ZRem(ctx, k.legacyDue(), id)
	pipe.ZAdd(ctx, k.inflight(), redis.Z{Score: float64(deadline.UnixMilli()), Member: id})
	pipe.HSet(ctx, k.leases(), id, "old-process")
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestJobsQueuedByAnOlderVersionStillRun(t *testing.T) {
	e := newEnv(t, Config{Lease: time.Minute})
	ctx := context.Background()
	tip := func(id, owner, due string) Job {
		return Job{ID: id, Kind: "tip", Owner: owner, Due: at(t, due), Args: map[string]string{"tip": id}}
	}
	legacySchedule(t, e, tip("due", "m:1", "2026-05-12 09:00"))
	legacySchedule(t, e, tip("later", "m:1", "2026-05-12 12:00"))
	legacySchedule(t, e, tip("other", "m:2", "2026-05-12 11:00"))
	legacySchedule(t, e, tip("moved", "m:2", "2026-05-12 10:30"))
	legacySchedule(t, e, tip("running", "m:3", "2026-05-12 09:30"))
	legacyClaim(t, e, "running", at(t, "2026-05-12 10:01"))

	// The new version reschedules one of them before it ever migrated.
	e.schedule(t, tip("moved", "m:2", "2026-05-12 13:00"))

	if jobs, _ := e.s.ListOwner(ctx, "m:1"); len(jobs) != 2 {
		t.Fatalf("before migrating, m:1 lists %d jobs, want 2", len(jobs))
	}
	if n := e.runDue(t); n != 1 || e.rec.runs[0].ID != "due" || e.rec.runs[0].Args["tip"] != "due" {
		t.Fatalf("at 10:00 ran %v, want [due] with its args", e.rec.ids())
	}
	if n := e.s.rdb.Exists(ctx, e.s.keys.legacyDue()).Val(); n != 0 {
		t.Error("the legacy due ZSET is still there after a planning pass")
	}
	// An older process still running during a rolling upgrade queues one more.
	legacySchedule(t, e, tip("straggler", "m:4", "2026-05-12 11:30"))

	for _, step := range []struct {
		at   string
		want []string
	}{
		{"2026-05-12 10:01", []string{"running"}}, // its old lease expired
		{"2026-05-12 10:59", nil},
		{"2026-05-12 11:00", []string{"other"}},
		{"2026-05-12 11:30", []string{"straggler"}},
		{"2026-05-12 12:00", []string{"later"}},
		{"2026-05-12 12:59", nil}, // not at its legacy time: the reschedule won
		{"2026-05-12 13:00", []string{"moved"}},
	} {
		e.clk.Set(at(t, step.at))
		before := len(e.rec.runs)
		e.runDue(t)
		if got := e.rec.ids()[before:]; !slices.Equal(got, step.want) {
			t.Errorf("at %s ran %v, want %v", step.at, got, step.want)
		}
	}
	for _, owner := range []string{"m:1", "m:2", "m:3", "m:4"} {
		if jobs, _ := e.s.ListOwner(ctx, owner); len(jobs) != 0 {
			t.Errorf("%s still lists %d jobs", owner, len(jobs))
		}
	}
}
