package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Behind Sentinel a failover promotes a replica, and replication is
// asynchronous: what the master took in its last moment, before the replica
// had it, is gone. Most of Nido's writes can go back in time that way
// without harm: the job or the update they were part of runs again, as
// after a crash. Two cannot, because something outside Redis follows them:
// a stored update, after which Telegram is told to forget it, and the record
// of a sent message, after which the message's job may be acknowledged. With
// Config.WaitReplica these two wait (WAIT, on the connection that wrote
// them) until a replica has them too; a master that dies first fails the
// write, which is then done again on the new master. Nothing else waits.

const (
	// replicaWait is the longest a write waits for a replica.
	replicaWait = time.Second
	// replicaPause is how long writes stop waiting after a replica did not
	// answer within replicaWait: after a failover the new master has no
	// replica until the old one comes back, and Nido does not stop for it.
	replicaPause = 10 * time.Second
)

// replicas makes the writes above wait for a replica; the zero value, or a
// nil one, never waits.
type replicas struct {
	on  bool
	log *slog.Logger

	mu      sync.Mutex
	paused  time.Time // when writes stopped waiting; zero while they wait
	missing bool      // a replica is known to be missing (logged once)
}

// run runs script on rdb and, when writes wait, WAITs for one replica in
// the same pipeline, so on the same connection, which is what WAIT measures.
// An error of either fails the write.
func (r *replicas) run(ctx context.Context, rdb redis.UniversalClient, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	res, _ := r.runThen(ctx, rdb, script, keys, args, nil)
	return res
}

// runThen is run, followed in the same pipeline by the reads then queues
// (none when nil), which so see what the script wrote. ran is false when
// they did not run after it (the script was not loaded in Redis yet, or
// failed): their results are then not to be used.
func (r *replicas) runThen(ctx context.Context, rdb redis.UniversalClient, script *redis.Script, keys []string, args []any,
	then func(redis.Pipeliner)) (res *redis.Cmd, ran bool) {
	waiting := r.waiting()
	if !waiting && then == nil {
		return script.Run(ctx, rdb, keys, args...), false
	}
	var acked *redis.Cmd
	// An error of the pipeline is one of its commands': the script's is
	// in res, and a read's (redis.Nil too) in its own command.
	_, _ = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if waiting {
			res = script.Eval(ctx, p, keys, args...)
			acked = p.Do(ctx, "WAIT", 1, replicaWait.Milliseconds())
		} else {
			res = script.EvalSha(ctx, p, keys, args...)
		}
		if then != nil {
			then(p)
		}
		return nil
	})
	if err := res.Err(); !waiting && err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// Not loaded yet (a Redis restarted): alone, which loads it.
		return script.Run(ctx, rdb, keys, args...), false
	}
	if !waiting {
		return res, res.Err() == nil
	}
	n, err := acked.Int64()
	if err == nil {
		err = res.Err()
	}
	if err != nil {
		failed := redis.NewCmd(ctx)
		failed.SetErr(fmt.Errorf("write and wait for a replica: %w", err))
		return failed, false
	}
	r.answered(n > 0)
	return res, then != nil
}

// active reports whether writes wait for a replica, now or after a pause.
func (r *replicas) active() bool { return r != nil && r.on }

// waiting reports whether writes wait for a replica now.
func (r *replicas) waiting() bool {
	if r == nil || !r.on {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paused.IsZero() || time.Since(r.paused) > replicaPause
}

// answered records whether a replica took a write within replicaWait.
func (r *replicas) answered(ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case ok && r.missing:
		r.paused, r.missing = time.Time{}, false
		r.log.Info("a replica takes Nido's writes again")
	case ok:
		r.paused = time.Time{}
	case !r.missing:
		r.missing = true
		r.log.Warn("no replica took a write within a second: writes go on without waiting, and may be lost in a failover",
			"retry_every", replicaPause.String())
		fallthrough
	default:
		r.paused = time.Now()
	}
}
