package bot

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Telegram's published limits: about 30 messages a second overall, about one
// a second in one chat with short bursts, and 20 a minute in a group. The
// overall one is per bot token, so it is shared by every Nido process on the
// same Redis; the others are kept by each process, since one chat's messages
// mostly come from the one process handling that chat, and a rare overshoot
// is a 429 that the sender waits out.
const (
	defaultSendRate = 30
	defaultChatRate = 1
	chatBurst       = 3
	groupEvery      = 3 * time.Second
	// limiterPrune is the number of chats after which idle limiters are dropped.
	limiterPrune = 10000
)

// limits paces sends: overall (in this process, and across processes through
// the shared budget), and per chat.
type limits struct {
	overall  *rate.Limiter
	chatRate rate.Limit
	shared   *budget // nil when the overall rate is unlimited
	// pace is the overall rate learned from Telegram's 429s; nil when
	// the overall rate is unlimited.
	pace *pace
	// pausedUntil is when, in unix ns, Telegram's last 429 said sending
	// may go on; no message waits on Redis for it.
	pausedUntil atomic.Int64
	// pauses counts the 429s that paused sending, so that a message whose
	// slot came before one waits again.
	pauses atomic.Int64

	mu    sync.Mutex
	chats map[int64]*rate.Limiter

	// bulk holds the places in the overall queue that bulk messages (a
	// broadcast's copies) may take at once: bulkPlaces, however many
	// broadcasts and senders there are.
	bulk chan struct{}
}

// bulkPlaces is how many bulk messages may wait in the overall queue at
// once. The queue is first come, first served, so a reminder or an answer
// due during a 10,000-recipient broadcast waits behind at most these, not
// behind the broadcast: a lane of lower priority that still keeps the
// budget busy.
const bulkPlaces = 3

// newLimits builds the limiters; a rate of +Inf means none. rdb holds the
// budget shared with the other processes.
func newLimits(sendRate, chatRate float64, rdb redis.UniversalClient, k keys, log *slog.Logger) *limits {
	l := &limits{
		// A burst of two, as the shared budget allows: a sender that
		// wakes a little late does not lose the interval it missed.
		overall:  rate.NewLimiter(limitOf(sendRate), 2),
		chatRate: limitOf(chatRate),
		chats:    map[int64]*rate.Limiter{},
		bulk:     make(chan struct{}, bulkPlaces),
	}
	if limitOf(sendRate) != rate.Inf {
		l.shared = &budget{rdb: rdb, key: k.sendBudget(), log: log}
		l.pace = newPace(sendRate)
	}
	return l
}

func limitOf(perSecond float64) rate.Limit {
	if perSecond > 1e9 {
		return rate.Inf
	}
	return rate.Limit(perSecond)
}

// wait blocks until one more message may go to chatID. It waits for the chat
// first, so a slow chat does not hold a token of the overall budget, and for
// this process's own pace before the shared budget, so that the processes
// do not all poll Redis at once. A bulk message first waits for one of the
// few places in the queue open to bulk messages.
func (l *limits) wait(ctx context.Context, chatID int64, bulk bool) error {
	if err := l.chat(chatID).Wait(ctx); err != nil {
		return err
	}
	if bulk {
		// The place is held through the shared budget too, where the
		// processes meet: there as well, each process has at most
		// bulkPlaces bulk messages waiting.
		select {
		case l.bulk <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-l.bulk }()
	}
	for {
		if d := time.Until(time.Unix(0, l.pausedUntil.Load())); d > 0 {
			if err := sleep(ctx, d); err != nil {
				return err
			}
		}
		if l.pace == nil {
			return l.overall.Wait(ctx)
		}
		perSecond := l.pace.now(time.Now())
		if l.shared != nil {
			// The shared budget paces this process too, at its own pace: the
			// process's limiter is for when Redis cannot be reached.
			pauses := l.pauses.Load()
			paced, err := l.shared.wait(ctx, time.Duration(float64(time.Second)/perSecond))
			if err != nil {
				return err
			}
			if paced && l.pauses.Load() != pauses {
				// A 429 came while this message waited for its slot, which
				// was reserved before the pause and at the old pace.
				continue
			}
			if paced {
				return nil
			}
		}
		if rate.Limit(perSecond) != l.overall.Limit() {
			l.overall.SetLimit(rate.Limit(perSecond))
		}
		return l.overall.Wait(ctx)
	}
}

// tooMany learns from a 429 Telegram answered for a message to chatID: it
// slows this process's pace, and holds back every message of the
// deployment (through the shared budget) for retry_after, at most
// maxPause, since whatever comes before then would be refused as well. A
// group's own limit (20 a minute) says nothing of the others: it only holds
// back that message.
func (l *limits) tooMany(ctx context.Context, chatID int64, retryAfter time.Duration) {
	if l.pace == nil || chatID < 0 {
		return
	}
	now := time.Now()
	l.pace.slow(now)
	pause := min(retryAfter, maxPause)
	until := now.Add(pause).UnixNano()
	for {
		old := l.pausedUntil.Load()
		if old >= until || l.pausedUntil.CompareAndSwap(old, until) {
			break
		}
	}
	l.pauses.Add(1)
	if l.shared != nil {
		l.shared.pause(ctx, pause)
	}
}

// maxPause bounds how long a 429 holds back everyone's messages: a longer
// retry_after is still waited out by the message that got it.
const maxPause = 10 * time.Second

// pace is the overall rate a process allows itself: NIDO_SEND_RATE until
// Telegram answers 429, then half as much, again for each later 429 (at
// most once a second, however many messages were refused together, and
// never below minPace), and a tenth more for every paceRecovery without
// one, up to NIDO_SEND_RATE again. A rate set above what Telegram grants
// costs a few 429s, then settles just below it.
type pace struct {
	mu   sync.Mutex
	top  float64 // NIDO_SEND_RATE
	cur  float64
	at   time.Time // the last change, from which recovery counts
	slew time.Time // the last halving
}

const (
	minPace      = 1.0
	paceRecovery = 5 * time.Second
)

func newPace(perSecond float64) *pace { return &pace{top: perSecond, cur: perSecond} }

// now is the rate allowed at t, recovered for the time since the last change.
func (p *pace) now(t time.Time) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur < p.top {
		if steps := int(t.Sub(p.at) / paceRecovery); steps > 0 {
			p.cur = min(p.top, p.cur*math.Pow(1.1, float64(steps)))
			p.at = p.at.Add(time.Duration(steps) * paceRecovery)
		}
	}
	return p.cur
}

// slow halves the rate, unless it was halved less than a second before t.
func (p *pace) slow(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.Sub(p.slew) < time.Second {
		return
	}
	p.cur = max(minPace, min(p.cur, p.top)/2)
	p.at, p.slew = t, t
}

func (l *limits) chat(chatID int64) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim, ok := l.chats[chatID]; ok {
		return lim
	}
	if len(l.chats) >= limiterPrune {
		l.prune()
	}
	lim := rate.NewLimiter(l.chatRate, chatBurst)
	if chatID < 0 {
		// Negative ids are groups: 20 a minute.
		lim = rate.NewLimiter(rate.Every(groupEvery), 1)
	}
	l.chats[chatID] = lim
	return lim
}

// prune forgets limiters with a full bucket: a new one would behave the same.
// The caller holds mu.
func (l *limits) prune() {
	now := time.Now()
	for id, lim := range l.chats {
		if lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(l.chats, id)
		}
	}
}

// budget is the overall send rate shared by every process on one Redis:
// one key holding the time of the next free slot, on Redis's clock so that
// the processes' clocks do not matter. A process reserves slots, as many
// at once as it has messages waiting, or as fit in reserveAhead at a fast
// pace (up to maxReserve), and gives them out in order: a busy process asks Redis once for several messages, and no
// message asks twice. go-redis/redis_rate keeps a cell rate in one call
// too, but it can neither reserve slots ahead nor hold everyone back after
// a 429 (pause), and writes its key outside NIDO_REDIS_PREFIX.
type budget struct {
	rdb redis.UniversalClient
	key string
	log *slog.Logger
	// down is set while Redis cannot be reached, so the outage is logged once.
	down atomic.Bool
	// retryAt is when, in unix ns, to ask Redis again after it failed: until
	// then messages go at the process's own pace without waiting on a
	// Redis that may take its whole timeout to fail each time.
	retryAt atomic.Int64

	mu sync.Mutex
	// slots are the times reserved and not given out yet, in order.
	slots []time.Time
	// asking is closed when the reservation under way ends; nil when none is.
	asking chan struct{}
	// waiting is how many messages wait for a slot.
	waiting int
}

// budgetRetry is how long the shared budget is left alone after Redis failed.
const budgetRetry = 5 * time.Second

// maxReserve bounds the slots one process reserves at once: at 30 a second
// a third of a second, which another process waits behind at most.
const maxReserve = 8

// pacingGrid is the grid a message's slot is rounded up to before the
// message waits for it. Messages whose slots fall within the same few
// milliseconds wake together: at a fast pace, one wake-up of the process
// per step of the grid instead of one per message, each of which cost CPU
// (a timer, a thread put to sleep and woken) as much as the rest of an
// answer. A message whose slot has come already goes at once: it has no
// wake-up to share, and rounding its slot up would put it to sleep for
// nothing (at a steady pace below the budget, most messages). A message
// never goes before its slot, and at most pacingGrid after it.
const pacingGrid = 5 * time.Millisecond

// onGrid is t rounded up to pacingGrid, keeping its monotonic clock.
func onGrid(t time.Time) time.Time {
	if r := t.Truncate(pacingGrid); r.Before(t) {
		return t.Add(r.Add(pacingGrid).Sub(t))
	}
	return t
}

// wakeAt is when a message whose slot is at goes: at once (zero) when the
// slot has come by now, else on the grid.
func wakeAt(at, now time.Time) time.Time {
	if !at.After(now) {
		return time.Time{}
	}
	return onGrid(at)
}

// reserveAhead is how much of the budget's time a process reserves for
// messages not yet waiting, when its pace is fast enough that more come
// within it (above 100 a second).
const reserveAhead = 10 * time.Millisecond

// budgetScript reserves the next ARGV[2] slots (one if absent), ARGV[1]
// µs apart, and says how long until the first. The key holds the time of
// the next free slot in µs on Redis's clock.
// KEYS[1] budget. ARGV[1] interval µs, ARGV[2] slots.
// Returns the µs from now to the first slot reserved, 0 for now.
var budgetScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local first = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local free = first + tonumber(ARGV[1]) * tonumber(ARGV[2] or '1')
redis.call('SET', KEYS[1], string.format('%.0f', free), 'PX', math.ceil((free - now) / 1000) + 1)
return first - now
`)

// pauseScript holds back the budget's next free slot until at least ARGV[1]
// µs from now, on Redis's clock.
// KEYS[1] budget. ARGV[1] pause µs.
var pauseScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local resume = now + tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < resume then
  redis.call('SET', KEYS[1], string.format('%.0f', resume), 'PX', math.ceil((resume - now) / 1000) + 1)
end
return 0
`)

// pause holds back every process's messages for d. Without Redis only this
// process waits (limits.tooMany), which is all a 429 is then owed.
func (b *budget) pause(ctx context.Context, d time.Duration) {
	b.mu.Lock()
	b.slots = nil // reserved before the pause: too early now
	b.mu.Unlock()
	if time.Now().UnixNano() < b.retryAt.Load() {
		return
	}
	if err := pauseScript.Run(ctx, b.rdb, []string{b.key}, strconv.FormatInt(d.Microseconds(), 10)).Err(); err != nil && ctx.Err() == nil {
		b.log.Debug("shared send budget not paused", "error", err)
	}
}

// wait blocks until a slot of the shared budget, every being this
// process's interval between messages. paced is false when Redis cannot
// be reached: then the process's own pace is all there is, and a 429 from
// Telegram is still waited out.
func (b *budget) wait(ctx context.Context, every time.Duration) (paced bool, err error) {
	b.mu.Lock()
	b.waiting++
	for {
		now := time.Now()
		// A slot whose message gave up waiting is dropped once it is a
		// whole interval old: a burst of the messages that came after it
		// would be one Telegram did not allow for.
		for len(b.slots) > 0 && b.slots[0].Before(now.Add(-every)) {
			b.slots = b.slots[1:]
		}
		if len(b.slots) > 0 {
			at := b.slots[0]
			b.slots = b.slots[1:]
			b.waiting--
			b.mu.Unlock()
			if wake := wakeAt(at, time.Now()); !wake.IsZero() {
				return true, sleep(ctx, time.Until(wake))
			}
			return true, nil
		}
		if now.UnixNano() < b.retryAt.Load() {
			b.waiting--
			b.mu.Unlock()
			return false, nil
		}
		if asking := b.asking; asking != nil {
			b.mu.Unlock()
			select {
			case <-asking:
			case <-ctx.Done():
				b.mu.Lock()
				b.waiting--
				b.mu.Unlock()
				return true, ctx.Err()
			}
			b.mu.Lock()
			continue
		}
		// At a fast pace, the slots of the next moments are reserved too:
		// messages follow each other closely then, and a slot nobody takes
		// costs the others at most reserveAhead of the budget.
		n := min(max(b.waiting, int(reserveAhead/every)), maxReserve)
		asking := make(chan struct{})
		b.asking = asking
		b.mu.Unlock()
		us, err := budgetScript.Run(ctx, b.rdb, []string{b.key}, max(every.Microseconds(), 1), n).Int64()
		b.mu.Lock()
		b.asking = nil
		close(asking)
		if err != nil {
			b.waiting--
			b.mu.Unlock()
			if ctx.Err() != nil {
				return true, ctx.Err()
			}
			b.retryAt.Store(time.Now().Add(budgetRetry).UnixNano())
			if !b.down.Swap(true) {
				b.log.Warn("shared send budget unreachable; pacing this process alone", "error", err)
			}
			return false, nil
		}
		if b.down.Swap(false) {
			b.log.Info("shared send budget reachable again")
		}
		first := now.Add(time.Duration(min(us, math.MaxInt64/1000)) * time.Microsecond)
		for i := range n {
			b.slots = append(b.slots, first.Add(time.Duration(i)*every))
		}
	}
}
