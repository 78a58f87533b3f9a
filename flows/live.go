package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/scheduler"
)

// A live message is one message kept up to date as what it shows moves: a
// broadcast's report as copies go and answers come, a date poll's counts as
// mothers vote. It is edited by a job, never by the flow of the person
// whose press moved it, which would wait on someone else's chat. Moved
// raises its version and queues the job unless one is on it (the busy
// key); the job edits, and lets go only if the version it showed is still
// the latest, else edits again: presses arriving together make one or two
// edits, and the last edit shows the last figures. Should two jobs run at
// once (a busy mark that lapsed), each ends on the latest version too.

// LiveMessage is one message kept up to date by a job: the two keys of its
// capability that follow it, how to queue a job, and how to edit it.
type LiveMessage struct {
	// Version is a STRING counter raised each time what the message shows
	// moves; Busy is a STRING set while a job is on it, expiring after
	// LiveHold should that job die. Both are the capability's keys.
	Version, Busy string
	// Keep is how long the version is kept after the last move.
	Keep time.Duration
	// Job is a new job editing the message, due at now; its kind is the
	// capability's, whose JobFunc calls RunLive with the same LiveMessage.
	// Each job needs its own id (LiveJobID), so that one queued while
	// another ends is not held back by it.
	Job func(now time.Time) scheduler.Job
	// Edit edits the message to show what is true now.
	Edit func(ctx context.Context) error
}

// LiveHold is how long a live message's job keeps others off, should it
// die; liveFor is how long one job edits before handing over to a new one.
const (
	LiveHold = time.Minute
	liveFor  = 20 * time.Second
)

// LiveJobID is a fresh id for a job editing a live message, base ("bcast:7:report") and a random tail.
func LiveJobID(base string) string { return base + ":" + rand.Text()[:10] }

// Moved says what l shows moved, and queues a job to edit it unless one is on it.
func (e *Engine) Moved(ctx context.Context, l LiveMessage) error {
	return e.queueLive(ctx, l, true)
}

// queueLive raises the version when moved, and queues a job unless one is on it.
func (e *Engine) queueLive(ctx context.Context, l LiveMessage, moved bool) error {
	rdb := e.cfg.Redis
	if moved {
		_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Incr(ctx, l.Version)
			p.Expire(ctx, l.Version, l.Keep)
			return nil
		})
		if err != nil {
			return wrap("live message", err)
		}
	}
	busy, err := rdb.SetNX(ctx, l.Busy, "1", LiveHold).Result()
	if err != nil || !busy {
		return wrap("live message", err)
	}
	if err := e.cfg.Scheduler.Schedule(ctx, l.Job(e.now())); err != nil {
		// Nobody is on it after all.
		_ = rdb.Del(ctx, l.Busy).Err()
		return wrap("live message", err)
	}
	return nil
}

// liveDoneScript lets go of a live message if the version shown is the latest.
// KEYS[1] version, KEYS[2] busy. ARGV[1] version shown. Returns 1 when let go.
var liveDoneScript = redis.NewScript(`
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
return 1`)

// RunLive is the job of a live message: it edits l until what it shows is
// the latest, for liveFor at most; then a new job goes on.
func (e *Engine) RunLive(ctx context.Context, l LiveMessage) error {
	rdb := e.cfg.Redis
	stop := time.Now().Add(liveFor)
	for time.Now().Before(stop) {
		v, err := rdb.Get(ctx, l.Version).Result()
		if errors.Is(err, redis.Nil) {
			v, err = "0", nil
		}
		if err != nil {
			return wrap("live message", err)
		}
		if err := l.Edit(ctx); err != nil {
			return err
		}
		done, err := liveDoneScript.Run(ctx, rdb, []string{l.Version, l.Busy}, v).Int()
		if err != nil || done == 1 {
			return wrap("live message", err)
		}
	}
	// Still moving: a fresh job goes on, so that this one ends in time.
	if err := rdb.Del(ctx, l.Busy).Err(); err != nil {
		return wrap("live message", err)
	}
	return e.queueLive(ctx, l, false)
}
