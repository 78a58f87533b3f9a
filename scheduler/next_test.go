package scheduler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestQueueStaysConsistent runs a long random mix of schedules,
// reschedules, cancellations, claims, outcomes, expired leases and rules
// planned, replaced and removed, and after
// each step checks what the claim relies on: every owner with a waiting job
// is in next at the time of their earliest one, and a job scored 0 (running)
// holds a lease.
func TestQueueStaysConsistent(t *testing.T) {
	e := newEnv(t, Config{Lease: 30 * time.Minute, PlanAhead: time.Hour})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	owners := []string{"m:0", "m:1", "m:2", "m:3", "m:4", "m:5"}
	job := func(i int) Job {
		return Job{ID: fmt.Sprintf("job:%d", i), Kind: "tip", Owner: owners[i%len(owners)],
			Due: e.clk.Now().Add(time.Duration(rng.IntN(180)-10) * time.Minute)}
	}
	var running []claimed
	for step := range 400 {
		var what string
		switch op := rng.IntN(13); {
		case op < 4:
			j := job(rng.IntN(12))
			what = "schedule " + j.ID
			e.schedule(t, j)
		case op == 4:
			id := fmt.Sprintf("job:%d", rng.IntN(12))
			what = "cancel " + id
			if err := e.s.Cancel(ctx, id); err != nil {
				t.Fatal(err)
			}
		case op < 7:
			what = "claim"
			got, err := e.s.claim(ctx, 1+rng.IntN(3))
			if err != nil {
				t.Fatal(err)
			}
			running = append(running, got...)
		case op < 9 && len(running) > 0:
			c := running[0]
			running = running[1:]
			what = "finish " + c.job.ID
			switch rng.IntN(3) {
			case 0:
				e.s.finish(ctx, c, ackScript, e.s.ackArgs(c))
			case 1:
				e.s.finish(ctx, c, releaseScript, e.s.releaseArgs(c, c.job, e.clk.Now().Add(time.Minute)))
			default:
				e.s.finish(ctx, c, buryScript, e.s.buryArgs(c, errors.New("boom")))
			}
		case op == 9:
			what = "run due"
			e.runDue(t)
		case op == 10:
			spec := []string{"*/20 * * * *", "*/45 * * * *"}[rng.IntN(2)]
			what = "add rule " + spec
			if err := e.s.AddRule(ctx, Rule{ID: "visit", Spec: spec, Kind: "visit", Owner: "m:0"}); err != nil {
				t.Fatal(err)
			}
		case op == 11:
			what = "remove rule"
			if err := e.s.RemoveRule(ctx, "visit"); err != nil {
				t.Fatal(err)
			}
		default:
			d := time.Duration(rng.IntN(40)) * time.Minute
			what = "advance " + d.String() // now and then past a lease
			e.clk.Advance(d)
		}
		if err := checkQueue(ctx, e.s, owners); err != nil {
			t.Fatalf("step %d (%s): %v", step, what, err)
		}
	}
	if !strings.Contains(e.logs.String(), "leases expired") {
		t.Error("no lease expired: the mix misses the reaper")
	}
	if err := e.s.RemoveRule(ctx, "visit"); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(24 * time.Hour)
	e.runDue(t)
	for _, owner := range owners {
		if jobs, _ := e.s.ListOwner(ctx, owner); len(jobs) != 0 {
			t.Errorf("after a day %s still has %d jobs", owner, len(jobs))
		}
	}
	if n := e.s.rdb.ZCard(ctx, e.s.keys.next()).Val(); n != 0 {
		t.Errorf("next keeps %d owners with nothing waiting", n)
	}
}

// checkQueue reports the first broken rule of the two-level queue.
func checkQueue(ctx context.Context, s *Scheduler, owners []string) error {
	for _, owner := range owners {
		zs, err := s.rdb.ZRangeWithScores(ctx, s.keys.owner(owner), 0, -1).Result()
		if err != nil {
			return err
		}
		earliest := 0.0
		for _, z := range zs {
			id := z.Member.(string)
			if s.rdb.HExists(ctx, s.keys.jobs(), id).Val() == false {
				return fmt.Errorf("%s lists %s, which has no body", owner, id)
			}
			switch leased := s.rdb.HExists(ctx, s.keys.leases(), id).Val(); {
			case z.Score == 0 && !leased:
				return fmt.Errorf("%s is marked running without a lease", id)
			case z.Score > 0 && (earliest == 0 || z.Score < earliest):
				earliest = z.Score
			}
		}
		got, err := s.rdb.ZScore(ctx, s.keys.next(), owner).Result()
		if errors.Is(err, redis.Nil) {
			got, err = 0, nil
		}
		if err != nil {
			return err
		}
		if got != earliest {
			return fmt.Errorf("next has %s at %v, want %v (owner key %v)", owner, got, earliest, zs)
		}
	}
	return nil
}

// A claim for one job looks past an owner whose due job is still running
// (scheduled again while in flight) and takes the next owner's.
func TestAClaimLooksPastAnOwnerWhoseJobRuns(t *testing.T) {
	e := newEnv(t, Config{QuietHours: "off"})
	ctx := context.Background()
	early := Job{ID: "a", Kind: "tip", Owner: "m:1", Due: e.clk.Now().Add(-time.Hour)}
	e.schedule(t, early)
	first, err := e.s.claim(ctx, 1)
	if err != nil || len(first) != 1 {
		t.Fatalf("first claim: %v, %v", first, err)
	}
	e.schedule(t, early) // again, while it runs: m:1 stays first in next
	e.schedule(t, Job{ID: "b", Kind: "tip", Owner: "m:2", Due: e.clk.Now()})
	got, err := e.s.claim(ctx, 1)
	if err != nil || len(got) != 1 || got[0].job.ID != "b" {
		t.Fatalf("claim(1) = %v, %v; want b, due and free", got, err)
	}
}
