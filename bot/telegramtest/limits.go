package telegramtest

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// Rate is a token bucket: Burst messages at once, then one every Every.
// A zero Every means no limit.
type Rate struct {
	// Every is the time to earn one message back.
	Every time.Duration
	// Burst is how many messages may go at once.
	Burst int
}

// Limits are the rates Telegram enforces on sent messages (sendMessage,
// sendDocument, sendVoice; edits, deletes and chat actions are not counted).
type Limits struct {
	// PerChat limits messages to one chat.
	PerChat Rate
	// PerGroup adds a limit for groups (negative chat ids).
	PerGroup Rate
	// Global limits all messages of the bot together.
	Global Rate
}

// DefaultLimits are Telegram's published limits: about one message a second
// per chat (a burst of 3 tolerated), 20 a minute per group, 30 a second overall.
func DefaultLimits() Limits {
	return Limits{
		PerChat:  Rate{Every: time.Second, Burst: 3},
		PerGroup: Rate{Every: 3 * time.Second, Burst: 20},
		Global:   Rate{Every: time.Second / 30, Burst: 30},
	}
}

// bucket is the state of one token bucket.
type bucket struct {
	tokens float64
	at     time.Time
}

// wait refills the bucket up to now and returns how long until one token.
func (b *bucket) wait(r Rate, now time.Time) time.Duration {
	if b.at.IsZero() {
		b.tokens, b.at = float64(max(r.Burst, 1)), now
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(max(r.Burst, 1)), b.tokens+float64(elapsed)/float64(r.Every))
		b.at = now
	}
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(r.Every))
}

// limiter enforces Limits and the 429s a test injects.
type limiter struct {
	mu       sync.Mutex
	limits   Limits
	global   bucket
	chats    map[int64]*bucket
	groups   map[int64]*bucket
	injected int // calls still to answer with 429
	retry    int // their retry_after
	served   int // every 429 answered
	failing  int // calls still to answer with 502
	failed   int // every 502 answered
}

func newLimiter(l Limits) *limiter {
	return &limiter{limits: l, chats: map[int64]*bucket{}, groups: map[int64]*bucket{}}
}

// admitSend takes one message from every bucket that applies, or none of
// them and answers 429 with the longest wait, rounded up to seconds.
func (l *limiter) admitSend(chatID int64, now time.Time) *apiError {
	l.mu.Lock()
	defer l.mu.Unlock()
	type use struct {
		b *bucket
		r Rate
	}
	var uses []use
	if l.limits.Global.Every > 0 {
		uses = append(uses, use{&l.global, l.limits.Global})
	}
	if l.limits.PerChat.Every > 0 {
		uses = append(uses, use{l.bucketOf(l.chats, chatID), l.limits.PerChat})
	}
	if chatID < 0 && l.limits.PerGroup.Every > 0 {
		uses = append(uses, use{l.bucketOf(l.groups, chatID), l.limits.PerGroup})
	}
	var wait time.Duration
	for _, u := range uses {
		wait = max(wait, u.b.wait(u.r, now))
	}
	if wait > 0 {
		l.served++
		return tooManyRequests(int(math.Ceil(wait.Seconds())))
	}
	for _, u := range uses {
		u.b.tokens--
	}
	return nil
}

func (l *limiter) bucketOf(m map[int64]*bucket, chatID int64) *bucket {
	b, ok := m[chatID]
	if !ok {
		b = &bucket{}
		m[chatID] = b
	}
	return b
}

// takeInjected answers 502 or 429 when a test asked for it.
func (l *limiter) takeInjected() *apiError {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failing > 0 {
		l.failing--
		l.failed++
		return &apiError{code: http.StatusBadGateway, description: "Bad Gateway"}
	}
	if l.injected == 0 {
		return nil
	}
	l.injected--
	l.served++
	return tooManyRequests(l.retry)
}

// InjectTooManyRequests makes the next calls answer 429 with this
// retry_after (seconds), whatever the rates: calls that act on a chat
// (send, edit, delete, chat action) of a chat the bot may write to.
func (s *Server) InjectTooManyRequests(calls, retryAfter int) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.injected, s.limiter.retry = calls, max(retryAfter, 1)
}

// TooManyRequests counts the 429 answers served, injected ones included.
func (s *Server) TooManyRequests() int {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	return s.limiter.served
}

// InjectServerErrors makes the next calls that act on a chat answer 502
// Bad Gateway, as Telegram does while it is unwell, before any injected 429.
func (s *Server) InjectServerErrors(calls int) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.failing = calls
}

// ServerErrors counts the 502 answers served.
func (s *Server) ServerErrors() int {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	return s.limiter.failed
}

// SetLimits replaces the rate limits from now on, as when Telegram grants a
// bot less than it asks for: a test can set a world up quickly, then limit it.
func (s *Server) SetLimits(l Limits) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.limits = l
	s.limiter.global = bucket{}
	clear(s.limiter.chats)
	clear(s.limiter.groups)
}
