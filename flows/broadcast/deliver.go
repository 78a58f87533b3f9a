package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
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

// maxKeep bounds how long anything of a broadcast is kept: two years.
const maxKeep = 2 * 365 * 24 * time.Hour

// keepFor is how long a broadcast's keys are kept from now: retention
// after it is sent, or a month after its event when that is later, so
// that a late answer and the reminder the day before find it; two years
// at most.
func (e *capability) keepFor(b Broadcast) time.Duration {
	keep := max(b.SendAt.Sub(e.Now()), 0) + retention
	if !b.Event.IsZero() {
		keep = max(keep, b.Event.Sub(e.Now())+30*24*time.Hour)
	}
	return min(keep, maxKeep)
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
	if err != nil {
		return err
	}
	if !held {
		// Another run is delivering it: this part comes back once that
		// run's hold lapses, in case it died.
		later := deliveryJob(b.ID, part+1, e.Now().Add(lockTTL))
		return flows.Wrap("queue the rest of a broadcast", e.Scheduler().Schedule(ctx, later))
	}
	// The run stops taking recipients a while before its time is up, so
	// that the copies under way end within it.
	until := time.Now().Add(time.Minute)
	if deadline, ok := ctx.Deadline(); ok {
		until = deadline.Add(-min(15*time.Second, time.Until(deadline)/3))
	}
	finished, err := e.deliverFrom(ctx, b, l, until)
	l.release(ctx)
	if finished {
		return nil
	}
	next := deliveryJob(b.ID, part+1, e.Now())
	if err != nil {
		// Telegram or the network failed, or the run's time ran out in the
		// middle of a copy: the next part goes on in a while. Retries of
		// this job would run out; the next parts do not, and each copy
		// that keeps failing is counted as failed after a few tries.
		e.Log().Warn("broadcast paused", "broadcast", b.ID, "error", err)
		next.Due = e.Now().Add(retryAfter)
	}
	// Queued once this run let go, and before it is acknowledged, so that a
	// crash in between leaves this job to come back.
	if err := e.Scheduler().Schedule(ctx, next); err != nil {
		return flows.Wrap("queue the rest of a broadcast", err)
	}
	return nil
}

// retryAfter is how long a delivery that met a failure waits before it
// goes on; maxTries is how many times one copy is tried before it counts
// as failed.
const (
	retryAfter = time.Minute
	maxTries   = 3
)

// begin fixes b's recipients and marks it sending; false when it was
// cancelled meanwhile.
func (e *capability) begin(ctx context.Context, b Broadcast) (bool, error) {
	to, err := e.recipients(ctx, b)
	if err != nil {
		return false, err
	}
	ids := make([]int64, len(to))
	for i, p := range to {
		ids[i] = p.ID
	}
	was, err := e.store().start(ctx, b.ID, ids, e.keepFor(b))
	if err != nil {
		return false, err
	}
	if was != statusScheduled && was != statusSending {
		return false, nil
	}
	e.Log().Info("broadcast started", "broadcast", b.ID, "recipients", len(ids))
	return true, nil
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

// keep renews the hold every third of its life until ctx ends, and calls
// lost when it could not (the run stalled and another took over, or Redis
// failed), so that the run stops sending.
func (l lock) keep(ctx context.Context, lost func()) {
	t := time.NewTicker(lockTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := renewScript.Run(ctx, l.e.Redis(), []string{l.e.k.lock(l.id)}, l.token, lockTTL.Milliseconds()).Int()
		if ctx.Err() != nil {
			return
		}
		if err != nil || n == 0 {
			l.e.Log().Warn("broadcast hold lost; this run stops", "broadcast", l.id, "error", err)
			lost()
			return
		}
	}
}

// release gives the hold back, unless another run has it.
func (l lock) release(ctx context.Context) {
	const drop = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`
	if err := l.e.Redis().Eval(context.WithoutCancel(ctx), drop, []string{l.e.k.lock(l.id)}, l.token).Err(); err != nil {
		l.e.Log().Warn("release broadcast", "broadcast", l.id, "error", err)
	}
}

// deliverFrom starts b if it has not started, then sends the copies not
// sent yet, batch by batch, taking no new recipient after until; finished
// is true once everyone has an outcome and b is marked done.
func (e *capability) deliverFrom(ctx context.Context, b Broadcast, l lock, until time.Time) (finished bool, err error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var lost atomic.Bool
	go l.keep(ctx, func() { lost.Store(true); stop() })

	if b.Status == statusScheduled {
		if ok, err := e.begin(ctx, b); err != nil || !ok {
			return !ok, err
		}
	}
	st := e.store()
	from, err := e.fromLine(ctx, b)
	if err != nil {
		return false, err
	}
	cursor, err := e.Redis().HGet(ctx, e.k.record(b.ID), "cursor").Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, flows.Wrap("broadcast cursor", err)
	}
	batch := int64(min(max(e.cfg.SendRate*2, 20), 500))
	lastReport := time.Now()
	e.markReport(ctx, b.ID)
	for {
		n, todo, err := st.pending(ctx, b.ID, cursor, batch)
		if err != nil {
			return false, err
		}
		if n == 0 {
			break
		}
		sent, err := e.sendBatch(ctx, b, from, todo, until)
		if lost.Load() {
			return false, errors.New("broadcast hold lost")
		}
		if err != nil {
			return false, err
		}
		if sent < len(todo) {
			return false, nil // time's up: the next run goes on
		}
		cursor += int64(n)
		if err := e.Redis().HSet(ctx, e.k.record(b.ID), "cursor", cursor).Err(); err != nil {
			return false, flows.Wrap("broadcast cursor", err)
		}
		if time.Since(lastReport) >= reportEvery {
			lastReport = time.Now()
			e.markReport(ctx, b.ID)
		}
	}
	if err := st.finish(ctx, b.ID, e.keepFor(b), e.Now()); err != nil {
		return false, err
	}
	e.Log().Info("broadcast delivered", "broadcast", b.ID)
	e.markReport(ctx, b.ID)
	return true, nil
}

// senders is how many copies go at once: enough to keep up with the send
// rate when Telegram takes a few milliseconds to answer, few enough that
// only that many can be on their way at a crash.
func (e *capability) senders() int {
	return min(max(int(math.Ceil(e.cfg.SendRate*0.004))+1, 2), 16)
}

// sendBatch sends b to each of todo, some at once, and records each
// outcome; it takes no new recipient after until, and returns how many it
// saw to.
func (e *capability) sendBatch(ctx context.Context, b Broadcast, from flows.T, todo []recipient, until time.Time) (int, error) {
	// Who is still there, for the whole batch in one round trip.
	ids := make([]int64, len(todo))
	for i, r := range todo {
		ids[i] = r.user
	}
	present, err := e.Present(ctx, ids)
	if err != nil {
		return 0, err
	}
	work := make(chan recipient)
	var failed error
	var once sync.Once
	var done atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(e.senders(), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				if err := e.sendOne(ctx, b, from, r, present); err != nil {
					once.Do(func() { failed = err; cancel() })
					return
				}
				done.Add(1)
			}
		}()
	}
feed:
	for _, r := range todo {
		if time.Now().After(until) {
			break
		}
		select {
		case work <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if failed != nil {
		return int(done.Load()), failed
	}
	return int(done.Load()), ctx.Err()
}

// sendOne sends one copy and records what became of it; present are the
// batch's people still there. An error means the run must stop (Redis
// failed, Telegram could not be reached, the run was stopped) with the
// copy's outcome unrecorded, so that the next run sees to it.
func (e *capability) sendOne(ctx context.Context, b Broadcast, from flows.T, r recipient, present map[int64]flows.Person) error {
	p, ok := present[r.user]
	if !ok || p.Unreachable {
		return e.store().recordOutcome(ctx, b.ID, r.place, r.user, outcomeSkipped, !ok, e.keepFor(b))
	}
	m := e.recipientMessage(b, from, "")
	m.Bulk = true
	err := e.Deliver(ctx, p, "bcast:"+b.ID+":to:"+strconv.FormatInt(r.user, 10), m)
	outcome := outcomeSent
	switch {
	case err == nil:
	case errors.Is(err, flows.ErrUnreachable):
		outcome = outcomeBlocked
	case errors.Is(err, flows.ErrRefused):
		// Telegram refused this copy for good: counted, not retried, so
		// that one bad copy does not hold the broadcast back. The error
		// names the chat only by id.
		e.Log().Warn("broadcast copy refused", "broadcast", b.ID, "error", err)
		outcome = outcomeFailed
	case ctx.Err() != nil:
		return err
	default:
		// Perhaps passing (the network, Telegram): tried again in the next
		// run, up to maxTries, then counted as failed.
		tries, terr := e.store().tried(ctx, b.ID, r.place, e.keepFor(b))
		if terr != nil || tries < maxTries {
			return err
		}
		e.Log().Warn("broadcast copy failed", "broadcast", b.ID, "tries", tries, "error", err)
		outcome = outcomeFailed
	}
	return e.store().recordOutcome(ctx, b.ID, r.place, r.user, outcome, false, e.keepFor(b))
}
