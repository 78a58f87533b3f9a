package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// How updates of one chat stay in order, once, across processes:
//
//  1. Ingest (polling or webhook) appends each update to its chat's inbox, a
//     Redis LIST, in the order Telegram delivers them, and puts the chat in the
//     ready set. A "seen" marker written in the same script drops an update id
//     delivered twice. Telegram is told an update arrived (next getUpdates
//     offset, or the webhook's 200) only after it is stored.
//  2. A worker handles a chat only while it holds the chat's lease, a Redis
//     key taken with SET NX and a TTL. So one chat is handled by one worker at
//     a time in the whole deployment, while other chats go to other workers.
//  3. The holder reads the head of the inbox, handles it, and only then
//     removes it (ack). The next update starts after the previous one ended,
//     so the flows see a chat's updates one at a time, in arrival order.
//  4. The holder renews the lease while it works. If its process dies, the
//     lease expires and another process claims the chat and handles the head
//     again: an update is handled at least once, and a crash in the middle of
//     one can repeat it. A panic does not: it is recovered and the update acked.
//     An update whose handling ended the process maxTries times is given up
//     (abandon), so that it cannot stop its chat for good.
//  5. After a few updates the holder releases the chat, so a chatty person
//     cannot starve the others; any worker may then claim it again.
//
// Chats are claimed from the ready set, scored by when they may be claimed,
// so that a busy chat is not looked at again until its lease would end.
//
// Each step costs one round trip to Redis, shared where it can be: the
// poller stores a whole getUpdates batch in one script (1), and a process
// with a free worker claims the chat of an update in the same script (2)
// and hands the head to the worker at once; the ack of one update reads
// the next (3), or releases the chat and claims another for the same worker
// (5 and 2): first a chat whose update this process stored, else the chat
// due first, and only when some chat waits (backlog). Where this process
// knows the update it claims, what the answer reads first (the person, the
// conversation) goes in the same pipeline (ahead.go), and the records of
// what it sent go with the ack (replies.go). Under load, an update costs a
// worker one round trip of its own: acking one and moving on to the next.

// releaseTimeout bounds giving a chat back, which a shutdown waits for.
const releaseTimeout = 2 * time.Second

// dispatcher runs a bounded pool of workers over the chats in the inbox.
type dispatcher struct {
	in     inbox
	handle func(ctx context.Context, chatID int64, raw []byte)
	// abandon, when set, is told of an update given up after maxTries.
	abandon func(ctx context.Context, chatID int64, raw []byte)
	// preload, when set, queues what the answer to an input reads first
	// (ahead.go); waiting holds the updates stored here unclaimed.
	preload  func(ctx context.Context, p redis.Pipeliner, in flows.Input) *flows.Preloaded
	waiting  unclaimed
	log      *slog.Logger
	workers  int
	leaseTTL time.Duration
	idle     time.Duration
	drain    time.Duration
	// batch is how many updates a worker handles before giving the chat back.
	batch int
	// wake is signalled when this process stored an update, so an idle
	// dispatcher does not wait for its next look at the ready set.
	wake chan struct{}

	process string
	claims  atomic.Int64
	// backlog counts the updates this process stored without claiming
	// their chat and not claimed since: while it is 0, an ack does not
	// look for another chat in the ready set (a command for nothing when
	// no chat waits), and chats stored by other processes are found by
	// the look every idle interval.
	backlog atomic.Int64

	// slots holds one place per worker at work; freed is signalled when one
	// ends; wg counts the workers, and reservations of a place.
	slots chan struct{}
	freed chan struct{}
	wg    sync.WaitGroup
	// mu guards stop and work, the contexts of a run: stop ends taking new
	// chats, work is the handlers'. Both are nil outside run, when no chat
	// may be taken.
	mu   sync.Mutex
	stop context.Context
	work context.Context
}

func newDispatcher(in inbox, log *slog.Logger, workers int, leaseTTL, idle, drain time.Duration) *dispatcher {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &dispatcher{
		in: in, log: log, workers: workers, leaseTTL: leaseTTL, idle: idle, drain: drain,
		batch: 10, wake: make(chan struct{}, 1), process: hex.EncodeToString(b),
		slots: make(chan struct{}, workers), freed: make(chan struct{}, workers),
	}
}

// token names one claim of a chat by this process.
func (d *dispatcher) token() string {
	return d.process + ":" + strconv.FormatInt(d.claims.Add(1), 10)
}

// reserve takes a worker's place for a chat this process is about to
// claim as it stores an update (ingest), so that the update is handled
// here without another round trip to Redis. It fails when every worker is
// busy or the dispatcher is not running; the chat then waits in the ready
// set as usual. A reservation ends with start or unreserve.
func (d *dispatcher) reserve() (token string, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop == nil || d.stop.Err() != nil {
		return "", false
	}
	select {
	case d.slots <- struct{}{}:
	default:
		return "", false
	}
	d.wg.Add(1)
	return d.token(), true
}

// unreserve gives back a place reserve took for a chat that was not claimed.
func (d *dispatcher) unreserve() { d.done() }

// done frees a worker's place.
func (d *dispatcher) done() {
	<-d.slots
	d.wg.Done()
	select {
	case d.freed <- struct{}{}:
	default:
	}
}

// start serves a chat claimed with token, from head, in the place reserved
// for it.
func (d *dispatcher) start(chatID int64, token string, head *heldUpdate) {
	d.mu.Lock()
	stop, work := d.stop, d.work
	d.mu.Unlock()
	if stop == nil {
		// The run ended between reserve and start: its drain already
		// waited for this place, so give the chat back for the next.
		stop, work = context.Background(), context.Background()
		head = nil
	}
	go func() {
		defer d.done()
		d.serve(stop, work, chatID, token, head)
	}()
}

// took counts n chats claimed from the ready set, which the backlog no
// longer waits for.
func (d *dispatcher) took(n int64) {
	for {
		cur := d.backlog.Load()
		if cur <= 0 || d.backlog.CompareAndSwap(cur, max(cur-n, 0)) {
			return
		}
	}
}

// noneDue clears the backlog after a look found no chat due, unless updates
// were stored unclaimed since the look began (waited is the backlog then):
// those may have landed after the look, and are still to be claimed.
func (d *dispatcher) noneDue(waited int64) {
	d.backlog.CompareAndSwap(waited, 0)
}

// notify wakes an idle dispatcher without blocking: an update was stored
// and its chat waits in the ready set.
func (d *dispatcher) notify() {
	d.backlog.Add(1)
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run claims chats and serves them until ctx ends, then lets the chats in
// hand finish their current update, waiting at most d.drain.
func (d *dispatcher) run(ctx context.Context) {
	// Handlers get a context that outlives ctx, so a shutdown lets them finish;
	// it is cancelled only when the drain deadline passes.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	d.mu.Lock()
	d.stop, d.work = ctx, work
	d.mu.Unlock()
	tick := time.NewTicker(d.idle)
	defer tick.Stop()
	wait := d.idle
	for ctx.Err() == nil {
		claimed, err := d.fill(ctx, work)
		if err != nil && ctx.Err() != nil {
			break // shutting down, not a Redis failure
		}
		if err != nil {
			d.log.Warn("claim chats", "error", err)
			wait = min(wait*2, 5*time.Second)
			select {
			case <-ctx.Done():
			case <-d.wake: // an update was just stored: Redis is back
			case <-time.After(wait):
			}
			continue
		}
		wait = d.idle
		if claimed > 0 && len(d.slots) < cap(d.slots) {
			continue
		}
		d.waitForWork(ctx, tick.C)
	}
	d.mu.Lock()
	d.stop, d.work = nil, nil
	d.mu.Unlock()
	d.finish(stopWork)
}

// waitForWork returns when there may be a chat to claim: an update was
// stored here, a place was freed while updates stored here wait, the idle
// tick came, or ctx ended. A place freed with none of this process's
// updates waiting is no reason to look: the worker that freed it already
// looked as it released its chat, when any waited (ackNext), and other
// processes' chats are found by the tick. Looking at every freed place
// cost an update at a steady pace a round trip more.
func (d *dispatcher) waitForWork(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
			return
		case <-tick:
			return
		case <-d.freed:
			if d.backlog.Load() > 0 {
				return
			}
		}
	}
}

// fill claims due chats for the free places and starts a worker for each.
func (d *dispatcher) fill(ctx, work context.Context) (int, error) {
	free := cap(d.slots) - len(d.slots)
	if free == 0 {
		return 0, nil
	}
	waited := d.backlog.Load()
	chats, err := d.in.due(ctx, time.Now(), free)
	if err != nil {
		return 0, err
	}
	if len(chats) == 0 {
		d.noneDue(waited)
	}
	claimed := 0
	defer func() { d.took(int64(claimed)) }()
	for _, chat := range chats {
		if d.waiting.beingClaimed(chat) {
			continue // by an ack, with what its update reads
		}
		token, ok := d.reserve()
		if !ok {
			// Taken meanwhile by updates this process stored.
			return claimed, nil
		}
		// An update this process stored is claimed with what its answer
		// reads (ahead.go).
		var want *aheadUpdate
		var then func(redis.Pipeliner)
		if d.preload != nil {
			if want = d.waiting.take(chat); want != nil {
				then = func(p redis.Pipeliner) { want.pre = d.preload(work, p, want.in) }
			}
		}
		held, head, ran, err := d.in.claimHead(ctx, chat, token, d.leaseTTL, time.Now(), then)
		if want != nil {
			d.waiting.claimed(chat)
			if ran && held && head != nil && string(head.raw) == string(want.raw) {
				head.ahead = want
			}
		}
		if err != nil || !held || head == nil {
			d.unreserve()
			if err != nil {
				return claimed, err
			}
			continue
		}
		claimed++
		d.start(chat, token, head)
	}
	return claimed, nil
}

// finish waits for the workers, cancelling their handlers at the drain deadline.
func (d *dispatcher) finish(stopWork context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d.drain):
		d.log.Warn("drain deadline passed, cancelling handlers", "drain", d.drain)
		stopWork()
		<-done
	}
}

// serve handles up to d.batch updates of one claimed chat, starting with
// head, then releases it and goes on with the chat due first, if any, which
// the release claimed in the same step, until none is due or stop ends.
// work is the handlers' context. A nil head gives the chat back at once.
func (d *dispatcher) serve(stop, work context.Context, chatID int64, token string, head *heldUpdate) {
	for {
		next, nextToken := d.serveChat(stop, work, chatID, token, head)
		if next == nil {
			return
		}
		chatID, token, head = next.chat, nextToken, next
	}
}

// serveChat is serve for one chat. It returns the head of the next chat
// claimed as this one was released, and the token it was claimed with.
func (d *dispatcher) serveChat(stop, work context.Context, chatID int64, token string, head *heldUpdate) (*heldUpdate, string) {
	keep, cancelKeep := context.WithCancel(work)
	lost := make(chan struct{})
	go d.keepLease(keep, chatID, token, lost)
	defer cancelKeep()
	for n := 1; head != nil; n++ {
		select {
		case <-lost:
			return nil, ""
		default:
		}
		// What it sent before is not sent again, and the records of what it
		// sends go with its next step, the last ones with the ack (replies.go).
		hctx := withAhead(withUpdate(work, head.tries > 1), head.ahead)
		if head.tries > maxTries {
			d.log.Error("update given up: handling it ended the process each time", "chat_id", chatID, "tries", head.tries-1)
			if d.abandon != nil {
				d.abandon(hctx, chatID, head.raw)
			}
		} else {
			d.handle(hctx, chatID, head.raw)
		}
		if work.Err() != nil {
			// Cut short at the drain deadline: the update stays at the head
			// of the inbox for the next holder of the chat.
			d.log.Info("update interrupted by shutdown; given back", "chat_id", chatID)
			break
		}
		going := stop.Err() == nil
		nextToken := ""
		waited := d.backlog.Load()
		if going && waited > 0 {
			nextToken = d.token()
		}
		// The update this process stored first, of a chat that waits, is
		// tried first, with what its answer reads (ahead.go).
		var want *aheadUpdate
		var then func(redis.Pipeliner)
		if nextToken != "" && d.preload != nil {
			if want = d.waiting.pop(chatID); want != nil {
				then = func(p redis.Pipeliner) { want.pre = d.preload(work, p, want.in) }
			}
		}
		prefer := int64(0)
		if want != nil {
			prefer = want.chat
		}
		passBy := ""
		if nextToken != "" {
			passBy = d.waiting.passBy()
		}
		held, next, ran, err := d.in.ackNext(finished(hctx), chatID, token, head.elem, going && n < d.batch, time.Now(),
			nextToken, d.leaseTTL, prefer, passBy, then)
		if want != nil {
			d.waiting.claimed(want.chat)
			if err == nil && held && next != nil && !next.claimed {
				// It goes on with its own chat: the one wanted waits still,
				// and what was read for it then is read again with its claim.
				want.pre = nil
				d.waiting.push(want)
			}
		}
		if ran && next != nil && next.claimed && want != nil && next.chat == want.chat && string(next.raw) == string(want.raw) {
			next.ahead = want
		}
		if err != nil {
			d.log.Warn("ack update", "chat_id", chatID, "error", err)
			break
		}
		if !held {
			d.log.Warn("chat lease lost while handling", "chat_id", chatID)
			return nil, ""
		}
		switch {
		case nextToken == "":
		case next == nil && want != nil:
			// The chat wanted was taken meanwhile, and no other was looked
			// for: the next look of the process claims the others with
			// their reads (fill).
		case next == nil:
			d.noneDue(waited)
		case next.claimed:
			d.took(1)
		}
		if next == nil || next.claimed {
			return next, nextToken // released, and maybe a chat claimed anew
		}
		head = next
	}
	cancelKeep()
	// Given back even when work was cancelled at the drain deadline, so that
	// another process takes the chat at once instead of when the lease ends.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(work), releaseTimeout)
	defer cancel()
	if err := d.in.release(rctx, chatID, token, time.Now()); err != nil {
		d.log.Warn("release chat", "chat_id", chatID, "error", err)
	}
	return nil, ""
}

// keepLease renews the chat's lease until ctx ends; it closes lost when
// another worker has taken the chat.
func (d *dispatcher) keepLease(ctx context.Context, chatID int64, token string, lost chan struct{}) {
	t := time.NewTicker(d.leaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := d.in.renew(ctx, chatID, token, d.leaseTTL, time.Now())
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("renew chat lease", "chat_id", chatID, "error", err)
			}
			continue
		}
		if !ok {
			close(lost)
			return
		}
	}
}
