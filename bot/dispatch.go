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

// releaseTimeout bounds giving a chat back, which a shutdown waits for.
const releaseTimeout = 2 * time.Second

// dispatcher runs a bounded pool of workers over the chats in the inbox.
type dispatcher struct {
	in     inbox
	handle func(ctx context.Context, chatID int64, raw []byte)
	// abandon, when set, is told of an update given up after maxTries.
	abandon  func(ctx context.Context, chatID int64, raw []byte)
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
}

func newDispatcher(in inbox, log *slog.Logger, workers int, leaseTTL, idle, drain time.Duration) *dispatcher {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &dispatcher{
		in: in, log: log, workers: workers, leaseTTL: leaseTTL, idle: idle, drain: drain,
		batch: 10, wake: make(chan struct{}, 1), process: hex.EncodeToString(b),
	}
}

// notify wakes an idle dispatcher without blocking.
func (d *dispatcher) notify() {
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
	slots := make(chan struct{}, d.workers)
	freed := make(chan struct{}, d.workers)
	var wg sync.WaitGroup
	tick := time.NewTicker(d.idle)
	defer tick.Stop()
	wait := d.idle
	for ctx.Err() == nil {
		claimed, err := d.fill(ctx, work, slots, freed, &wg)
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
		if claimed > 0 && len(slots) < cap(slots) {
			continue
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-freed:
		case <-tick.C:
		}
	}
	d.finish(&wg, stopWork)
}

// fill claims due chats for the free slots and starts a worker for each.
func (d *dispatcher) fill(ctx, work context.Context, slots, freed chan struct{}, wg *sync.WaitGroup) (int, error) {
	free := cap(slots) - len(slots)
	if free == 0 {
		return 0, nil
	}
	chats, err := d.in.due(ctx, time.Now(), free)
	if err != nil {
		return 0, err
	}
	claimed := 0
	for _, chat := range chats {
		token := d.process + ":" + strconv.FormatInt(d.claims.Add(1), 10)
		ok, err := d.in.claim(ctx, chat, token, d.leaseTTL, time.Now())
		if err != nil {
			return claimed, err
		}
		if !ok {
			continue
		}
		claimed++
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() {
				<-slots
				wg.Done()
				select {
				case freed <- struct{}{}:
				default:
				}
			}()
			d.serve(ctx, work, chat, token)
		}()
	}
	return claimed, nil
}

// finish waits for the workers, cancelling their handlers at the drain deadline.
func (d *dispatcher) finish(wg *sync.WaitGroup, stopWork context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
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

// serve handles up to d.batch updates of one claimed chat, then releases it.
// stop ends the loop between updates; work is the handlers' context.
func (d *dispatcher) serve(stop, work context.Context, chatID int64, token string) {
	keep, cancelKeep := context.WithCancel(work)
	lost := make(chan struct{})
	go d.keepLease(keep, chatID, token, lost)
	defer cancelKeep()
	for range d.batch {
		if stop.Err() != nil {
			break
		}
		select {
		case <-lost:
			return
		default:
		}
		raw, tries, err := d.in.head(work, chatID)
		if err != nil {
			d.log.Warn("read inbox", "chat_id", chatID, "error", err)
			break
		}
		if raw == nil {
			break
		}
		hctx := work
		if tries > 1 {
			hctx = handledAgain(work) // what it sent before is not sent again (replies.go)
		}
		if tries > maxTries {
			d.log.Error("update given up: handling it ended the process each time", "chat_id", chatID, "tries", tries-1)
			if d.abandon != nil {
				d.abandon(hctx, chatID, raw)
			}
		} else {
			d.handle(hctx, chatID, raw)
		}
		if work.Err() != nil {
			// Cut short at the drain deadline: the update stays at the head
			// of the inbox for the next holder of the chat.
			d.log.Info("update interrupted by shutdown; given back", "chat_id", chatID)
			break
		}
		ok, err := d.in.ack(work, chatID, token, raw)
		if err != nil {
			d.log.Warn("ack update", "chat_id", chatID, "error", err)
			break
		}
		if !ok {
			d.log.Warn("chat lease lost while handling", "chat_id", chatID)
			return
		}
	}
	cancelKeep()
	// Given back even when work was cancelled at the drain deadline, so that
	// another process takes the chat at once instead of when the lease ends.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(work), releaseTimeout)
	defer cancel()
	if err := d.in.release(rctx, chatID, token, time.Now()); err != nil {
		d.log.Warn("release chat", "chat_id", chatID, "error", err)
	}
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
