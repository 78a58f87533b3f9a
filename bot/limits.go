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
		l.shared = &budget{rdb: rdb, key: k.sendBudget(), every: time.Duration(float64(time.Second) / sendRate), log: log}
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
	if err := l.overall.Wait(ctx); err != nil {
		return err
	}
	if l.shared == nil {
		return nil
	}
	return l.shared.wait(ctx)
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

// budget is the overall send rate shared by every process on one Redis: a
// generic cell rate algorithm kept in one key, on Redis's clock so that the
// processes' clocks do not matter. go-redis/redis_rate does the same, but
// writes its key outside NIDO_REDIS_PREFIX.
type budget struct {
	rdb   redis.UniversalClient
	key   string
	every time.Duration
	log   *slog.Logger
	// down is set while Redis cannot be reached, so the outage is logged once.
	down atomic.Bool
	// retryAt is when, in unix ns, to ask Redis again after it failed: until
	// then messages go at the process's own pace without waiting on a
	// Redis that may take its whole timeout to fail each time.
	retryAt atomic.Int64
}

// budgetRetry is how long the shared budget is left alone after Redis failed.
const budgetRetry = 5 * time.Second

// budgetScript takes one message from the budget, or says how long to wait.
// The key holds the theoretical arrival time of the next message in µs on
// Redis's clock; a message may go while that time is less than one interval
// ahead of now. That allows a burst of two after a pause, which Telegram
// tolerates, and keeps the pace exact when a sender wakes a little late.
// KEYS[1] budget. ARGV[1] interval µs.
// Returns 0 when the message may go, else the µs to wait.
var budgetScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local every = tonumber(ARGV[1])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now >= every then return tat - now - every + 1 end
tat = tat + every
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
return 0
`)

// wait blocks until the shared budget lets one message go. When Redis cannot
// be reached the process's own pace is all there is: a message that does
// not need Redis still goes, and a 429 from Telegram is still waited out.
func (b *budget) wait(ctx context.Context) error {
	every := strconv.FormatInt(max(b.every.Microseconds(), 1), 10)
	for {
		if time.Now().UnixNano() < b.retryAt.Load() {
			return nil
		}
		us, err := budgetScript.Run(ctx, b.rdb, []string{b.key}, every).Int64()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.retryAt.Store(time.Now().Add(budgetRetry).UnixNano())
			if !b.down.Swap(true) {
				b.log.Warn("shared send budget unreachable; pacing this process alone", "error", err)
			}
			return nil
		}
		if b.down.Swap(false) {
			b.log.Info("shared send budget reachable again")
		}
		if us == 0 {
			return nil
		}
		d := time.Duration(min(us, math.MaxInt64/1000)) * time.Microsecond
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
