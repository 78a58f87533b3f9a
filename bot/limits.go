package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Telegram's published limits, per process: about 30 messages a second
// overall, about one a second in one chat with short bursts, and 20 a minute
// in a group. Several Nido processes sending at once share Telegram's budget,
// so a deployment with N senders should give each SendRate/N.
const (
	defaultSendRate = 30
	defaultChatRate = 1
	chatBurst       = 3
	groupEvery      = 3 * time.Second
	// limiterPrune is the number of chats after which idle limiters are dropped.
	limiterPrune = 10000
)

// limits paces sends: overall, and per chat.
type limits struct {
	overall  *rate.Limiter
	chatRate rate.Limit

	mu    sync.Mutex
	chats map[int64]*rate.Limiter
}

// newLimits builds the limiters; a rate of +Inf means none.
func newLimits(sendRate, chatRate float64) *limits {
	return &limits{
		overall:  rate.NewLimiter(limitOf(sendRate), 1),
		chatRate: limitOf(chatRate),
		chats:    map[int64]*rate.Limiter{},
	}
}

func limitOf(perSecond float64) rate.Limit {
	if perSecond > 1e9 {
		return rate.Inf
	}
	return rate.Limit(perSecond)
}

// wait blocks until one more message may go to chatID. It waits for the chat
// first, so a slow chat does not hold a token of the overall budget.
func (l *limits) wait(ctx context.Context, chatID int64) error {
	if err := l.chat(chatID).Wait(ctx); err != nil {
		return err
	}
	return l.overall.Wait(ctx)
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
