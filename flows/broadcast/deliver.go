package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
	"nido/scheduler"
)

// Delivery. When a broadcast's time comes its recipients are fixed, in a
// list in Redis, and delivered to in order, a batch at a time, by a few
// senders at once. Each copy's outcome (sent, skipped, blocked, failed) is
// recorded once: a run resumed after a crash skips everyone who has one,
// and each copy carries a job id, so that a copy Telegram accepted just
// before the crash, whose outcome was not yet written, is not sent again
// (the Telegram layer records it). Only a copy on its way to Telegram at
// the very moment of a crash can go twice, at most one per sender: Telegram
// has no way to ask whether it arrived.
//
// Copies go as bulk messages: they take the send budget only while no
// reminder or answer waits for it. A run stops before its lease ends and
// queues the next part of the delivery; a lock in Redis keeps two runs from
// sending at once.

// lockTTL is how long a run's hold on a broadcast lasts unless renewed,
// after each batch; a run that died lets go of it so.
const lockTTL = 30 * time.Second

// recipients are the people b goes to now: by its audience, in its
// organisations, without its sender, each once.
func (e *capability) recipients(ctx context.Context, b Broadcast) ([]flows.Person, error) {
	orgs := b.Orgs
	if b.Org == "" && len(orgs) == 0 {
		all, err := e.People().Orgs(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range all {
			orgs = append(orgs, o.ID)
		}
	}
	roles := map[string][]string{
		whoMothers:  {flows.RoleMother},
		whoFamilies: {flows.RoleFamily},
		whoEveryone: {flows.RoleMother, flows.RoleFamily, flows.RoleStaff},
		whoGroup:    {flows.RoleMother},
	}[b.Who]
	var inGroup map[int64]bool
	if b.Who == whoGroup {
		org, _, ok, err := e.cfg.Groups.GroupInfo(ctx, b.Group)
		if err != nil || !ok || org != b.Org {
			return nil, err
		}
		ids, err := e.cfg.Groups.GroupMothers(ctx, b.Group)
		if err != nil {
			return nil, err
		}
		inGroup = make(map[int64]bool, len(ids))
		for _, id := range ids {
			inGroup[id] = true
		}
	}
	seen := map[int64]bool{b.By: true}
	var out []flows.Person
	for _, org := range orgs {
		for _, role := range roles {
			ps, err := e.People().Members(ctx, org, role)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if seen[p.ID] || (inGroup != nil && !inGroup[p.ID]) {
					continue
				}
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// deliverJob delivers one part of a broadcast: from where the last run
// stopped, until everyone has their copy or this run's time is nearly up.
func (e *capability) deliverJob(ctx context.Context, j scheduler.Job) error {
	id := j.Args["broadcast"]
	part, _ := strconv.Atoi(j.Args["part"])
	st := e.store()
	b, ok, err := st.get(ctx, id)
	if err != nil {
		return err
	}
	if !ok || b.Status == statusCancelled || b.Status == statusDone {
		return nil
	}
	l, held, err := e.hold(ctx, id)
	if err != nil || !held {
		// Another run is delivering it; if that run dies, its job comes back.
		return err
	}
	defer l.release(ctx)
	if b.Status == statusScheduled {
		to, err := e.recipients(ctx, b)
		if err != nil {
			return err
		}
		ids := make([]int64, len(to))
		for i, p := range to {
			ids[i] = p.ID
		}
		was, err := st.start(ctx, id, ids, retention)
		if err != nil {
			return err
		}
		if was != statusScheduled && was != statusSending {
			return nil // cancelled meanwhile
		}
		e.Log().Info("broadcast started", "broadcast", id, "recipients", len(ids))
	}
	return e.deliverFrom(ctx, b, part, l)
}

// lock is one run's hold on a broadcast.
type lock struct {
	e     *capability
	id    string
	token string
}

// hold takes a broadcast's lock; held is false when another run has it.
func (e *capability) hold(ctx context.Context, id string) (l lock, held bool, err error) {
	l = lock{e: e, id: id, token: rand.Text()}
	held, err = e.Redis().SetNX(ctx, e.k.lock(id), l.token, lockTTL).Result()
	return l, held, flows.Wrap("hold broadcast", err)
}

// renewScript extends a run's hold on a broadcast, if it still has it.
// KEYS[1] lock. ARGV[1] token, ARGV[2] ms. Returns 1 when renewed.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`)

// renew extends the hold; an error when it was lost (the run was too slow
// and another took over), so that this run stops.
func (l lock) renew(ctx context.Context) error {
	n, err := renewScript.Run(ctx, l.e.Redis(), []string{l.e.k.lock(l.id)}, l.token, lockTTL.Milliseconds()).Int()
	if err != nil {
		return flows.Wrap("renew broadcast hold", err)
	}
	if n == 0 {
		return errors.New("broadcast hold lost to another run")
	}
	return nil
}

// release gives the hold back, unless another run has it.
func (l lock) release(ctx context.Context) {
	const drop = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`
	if err := l.e.Redis().Eval(context.WithoutCancel(ctx), drop, []string{l.e.k.lock(l.id)}, l.token).Err(); err != nil {
		l.e.Log().Warn("release broadcast", "broadcast", l.id, "error", err)
	}
}

// deliverFrom sends the copies not sent yet, batch by batch, then marks
// b done; or queues part+1 when this run's time is nearly up.
func (e *capability) deliverFrom(ctx context.Context, b Broadcast, part int, l lock) error {
	st := e.store()
	from, err := e.fromLine(ctx, b)
	if err != nil {
		return err
	}
	cursor, err := e.Redis().HGet(ctx, e.k.record(b.ID), "cursor").Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return flows.Wrap("broadcast cursor", err)
	}
	batch := int64(min(max(e.cfg.SendRate*2, 20), 500))
	deadline, hasDeadline := ctx.Deadline()
	reserve := 15 * time.Second
	if hasDeadline {
		reserve = min(reserve, time.Until(deadline)/3)
	}
	lastReport := time.Time{}
	for {
		n, todo, err := st.pending(ctx, b.ID, cursor, batch)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if err := e.sendBatch(ctx, b, from, todo); err != nil {
			return err
		}
		if err := l.renew(ctx); err != nil {
			return err
		}
		cursor += int64(n)
		if err := e.Redis().HSet(ctx, e.k.record(b.ID), "cursor", cursor).Err(); err != nil {
			return flows.Wrap("broadcast cursor", err)
		}
		if time.Since(lastReport) >= reportEvery {
			lastReport = time.Now()
			if err := e.refreshReport(ctx, b.ID); err != nil {
				e.Log().Warn("broadcast report", "broadcast", b.ID, "error", err)
			}
		}
		if hasDeadline && time.Until(deadline) < reserve {
			// Time for the next run: queued before this one lets go, so that
			// a crash in between leaves this job to come back.
			next := deliveryJob(b.ID, part+1, e.Now())
			if err := e.Scheduler().Schedule(ctx, next); err != nil {
				return flows.Wrap("queue the rest of a broadcast", err)
			}
			return nil
		}
	}
	if err := st.finish(ctx, b.ID, retention, e.Now()); err != nil {
		return err
	}
	e.Log().Info("broadcast delivered", "broadcast", b.ID)
	return e.refreshReport(ctx, b.ID)
}

// senders is how many copies go at once: enough to keep up with the send
// rate when Telegram takes a few milliseconds to answer, few enough that
// only that many can be on their way at a crash.
func (e *capability) senders() int {
	return min(max(int(math.Ceil(e.cfg.SendRate*0.004))+1, 2), 16)
}

// sendBatch sends b to each of todo, some at once, and records each outcome.
func (e *capability) sendBatch(ctx context.Context, b Broadcast, from flows.T, todo []int64) error {
	work := make(chan int64)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(e.senders(), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if err := e.sendOne(ctx, b, from, u); err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, u := range todo {
		select {
		case work <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

// sendOne sends one copy and records what became of it. An error means
// the run must stop (Redis failed, or the run's time ran out) with the
// copy's outcome unrecorded, so that the next run sees to it.
func (e *capability) sendOne(ctx context.Context, b Broadcast, from flows.T, user int64) error {
	outcome, err := e.copyTo(ctx, b, from, user)
	if err != nil {
		return err
	}
	return e.store().recordOutcome(ctx, b.ID, user, outcome, retention)
}

// copyTo sends user's copy, and says what became of it.
func (e *capability) copyTo(ctx context.Context, b Broadcast, from flows.T, user int64) (string, error) {
	p, ok, err := e.People().Get(ctx, user)
	if err != nil {
		return "", err
	}
	erasing, err := e.BeingErased(ctx, user)
	if err != nil {
		return "", err
	}
	if !ok || erasing || p.Unreachable {
		return outcomeSkipped, nil
	}
	m := e.recipientMessage(b, from, "")
	m.Bulk = true
	err = e.Deliver(ctx, p, "bcast:"+b.ID+":to:"+strconv.FormatInt(user, 10), m)
	switch {
	case err == nil:
		return outcomeSent, nil
	case errors.Is(err, flows.ErrUnreachable):
		return outcomeBlocked, nil
	case ctx.Err() != nil:
		return "", ctx.Err()
	}
	// Telegram refused it for good, or kept refusing: counted, not retried,
	// so that one bad copy does not hold the broadcast back. The error names
	// the chat only by id.
	e.Log().Warn("broadcast copy failed", "broadcast", b.ID, "error", err)
	return outcomeFailed, nil
}
