package scheduler

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// finish records the outcome of a run with one of ackScript, releaseScript
// or buryScript. Redis may be down right now, so it retries for as long as
// the lease lasts; after that the lease expires and the job runs again,
// which is the at-least-once promise. It runs even when Run is stopping,
// because an outcome dropped at shutdown would mean a second run.
func (s *Scheduler) finish(ctx context.Context, c claimed, script *redis.Script, a outcomeArgs) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Lease)
	defer cancel()
	for n := 1; ; n++ {
		res, err := script.Run(ctx, s.rdb, a.keys, a.argv...).Int()
		if err == nil {
			s.outage.ok()
			if res == 0 {
				s.log.Info("lease lost before the outcome was recorded; the job was cancelled or taken over",
					"job", c.job.ID)
			}
			return
		}
		s.outage.failed(err)
		select {
		case <-ctx.Done():
			s.log.Error("outcome not recorded; the job will run again when its lease expires",
				"job", c.job.ID, "error", err)
			return
		case <-time.After(redisBackoff(n)):
		}
	}
}

// outcomeArgs are the keys and arguments of one outcome script.
type outcomeArgs struct {
	keys []string
	argv []any
}

func (s *Scheduler) ackArgs(c claimed) outcomeArgs {
	k := s.keys
	return outcomeArgs{
		keys: []string{k.inflight(), k.leases(), k.jobs(), k.owner(c.job.Owner)},
		argv: []any{c.job.ID, c.token},
	}
}

func (s *Scheduler) releaseArgs(c claimed, j Job, at time.Time) outcomeArgs {
	k := s.keys
	return outcomeArgs{
		keys: []string{k.inflight(), k.leases(), k.jobs(), k.owner(j.Owner), k.next()},
		argv: []any{j.ID, c.token, encodeJob(j), waitScore(at), j.Owner},
	}
}

func (s *Scheduler) buryArgs(c claimed, cause error) outcomeArgs {
	k := s.keys
	return outcomeArgs{
		keys: []string{k.inflight(), k.leases(), k.jobs(), k.owner(c.job.Owner), k.dead(), k.deadJobs()},
		argv: []any{c.job.ID, c.token, encodeDead(c.job, cause), s.clock.Now().UnixMilli(), s.cfg.MaxDead},
	}
}

// retryDelay is the wait before the given attempt (from 1): RetryBackoff
// doubling per attempt, at most an hour, plus up to a quarter at random.
func (s *Scheduler) retryDelay(attempt int) time.Duration {
	d := s.cfg.RetryBackoff
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}
