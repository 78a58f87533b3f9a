package bot

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Two processes sharing one token share Telegram's 30 messages a second:
// each alone would pace itself at NIDO_SEND_RATE=30 and together they would
// send twice that, which Telegram (here the fake, with its published
// limits) answers with 429s.
func TestProcessesShareTheOverallSendRate(t *testing.T) {
	e := newEnv(t) // Telegram's limits: 30/s overall with a burst of 30
	chats := meet(e.fake, 90)
	senders := []*Sender{e.bot(e.config()).Sender(), e.bot(e.config()).Sender()}
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i, chat := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := flows.Message{ChatID: chat, Lines: []flows.T{{ID: "bot.error"}}}
			if _, err := senders[i%2].Send(context.Background(), m); err != nil {
				failed.Add(1)
				t.Errorf("send to %d: %v", chat, err)
			}
		}()
	}
	wg.Wait()
	if n := e.fake.TooManyRequests(); n != 0 || failed.Load() != 0 {
		t.Errorf("%d answers 429 and %d failures for %d messages from two processes, want none", n, failed.Load(), len(chats))
	}
	if got := e.fake.Sent(); got != len(chats) {
		t.Errorf("Telegram got %d messages, want %d", got, len(chats))
	}
}

// Without Redis the process still paces itself, says once that the shared
// budget is out of reach, and does not ask Redis again for every message.
func TestSendBudgetWithoutRedisPacesAlone(t *testing.T) {
	var logs bytes.Buffer
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	var calls atomic.Int64
	rdb.AddHook(countHook{&calls})
	l := newLimits(1000, 1000, rdb, testKeys, slog.New(slog.NewTextHandler(&logs, nil)))
	for i := range 3 {
		if err := l.wait(context.Background(), int64(i), false); err != nil {
			t.Fatalf("wait %d: %v", i, err)
		}
	}
	if n := strings.Count(logs.String(), "shared send budget unreachable"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("asked the unreachable Redis %d times for 3 messages, want once", n)
	}
}

// countHook counts the commands and scripts a client is asked to run.
type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// While broadcast copies queue for the overall budget, a message for
// someone waiting (a reminder, an answer) goes after at most the few
// copies already in the queue: at 10 messages a second, with 20 bulk
// senders queued at once, it goes within 3 copies, not after the 20.
func TestBulkMessagesWaitBehindTheOthers(t *testing.T) {
	l := newLimits(10, 1000, nil, testKeys, slog.New(slog.DiscardHandler))
	l.shared = nil // this process's pace only
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var order []string
	var mu sync.Mutex
	took := func(what string) int {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, what)
		return len(order)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.wait(ctx, int64(i+1), true) == nil {
				took("bulk")
			}
		}()
	}
	// Once the copies are queued and going, one message that matters.
	for {
		mu.Lock()
		n := len(order)
		mu.Unlock()
		if n >= 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	sent := len(order)
	mu.Unlock()
	if err := l.wait(ctx, 999, false); err != nil {
		t.Fatal(err)
	}
	at := took("urgent")
	cancel()
	wg.Wait()
	if ahead := at - 1 - sent; ahead > 3 {
		t.Errorf("%d copies went between the message's arrival and its turn, want at most 3: %v", ahead, order)
	}
}

// A 429 halves the process's pace, once however many messages were refused
// in the same second, never below one a second, and the pace comes back a
// tenth at a time, every five seconds without a 429, up to NIDO_SEND_RATE.
func TestPaceHalvesOnA429AndRecoversSlowly(t *testing.T) {
	p := newPace(30)
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	steps := []struct {
		slow bool
		at   time.Duration
		want float64
	}{
		{false, 0, 30},
		{true, 0, 15},
		{true, 500 * time.Millisecond, 15}, // refused together with the first
		{true, time.Second, 7.5},
		{false, 5 * time.Second, 7.5},
		{false, 6 * time.Second, 7.5 * 1.1},
		{false, 16 * time.Second, 7.5 * 1.1 * 1.1 * 1.1},
		{false, 10 * time.Minute, 30},
	}
	for _, s := range steps {
		if s.slow {
			p.slow(at(s.at))
		}
		if got := p.now(at(s.at)); math.Abs(got-s.want) > 1e-9 {
			t.Fatalf("at +%v (slow %v): pace %v, want %v", s.at, s.slow, got, s.want)
		}
	}
	for i := range 20 {
		p.slow(at(time.Hour + time.Duration(i)*time.Second))
	}
	if got := p.now(at(time.Hour + 20*time.Second)); got != minPace {
		t.Errorf("after twenty 429s the pace is %v, want the floor %v", got, minPace)
	}
}

// A 429 seen by one process holds back the other processes' messages too,
// through the budget they share, for the retry_after; a group's own limit
// holds back nobody else.
func TestA429HoldsBackEveryProcess(t *testing.T) {
	e := newEnv(t)
	log := slog.New(slog.DiscardHandler)
	one, other := newLimits(30, 1000, e.rdb, testKeys, log), newLimits(30, 1000, e.rdb, testKeys, log)
	ctx := context.Background()
	wait := func() time.Duration {
		us, err := budgetScript.Run(ctx, e.rdb, []string{testKeys.sendBudget()}, "1000").Int64()
		if err != nil {
			t.Fatal(err)
		}
		return time.Duration(us) * time.Microsecond
	}
	one.tooMany(ctx, -100, 3*time.Second)
	if d := wait(); d != 0 {
		t.Errorf("a group's 429 holds back another chat's message by %v", d)
	}
	one.tooMany(ctx, 42, 3*time.Second)
	if d := wait(); d < 2*time.Second {
		t.Errorf("after a 429 asking for 3s, another process may send in %v", d)
	}
	if got := other.pace.now(time.Now()); got != 30 {
		t.Errorf("the other process's own pace is %v, want 30 until it meets a 429 itself", got)
	}
	if got := one.pace.now(time.Now()); got != 15 {
		t.Errorf("the pace after a 429 is %v, want 15", got)
	}
}

// A message waits for its slot rounded up to the pacing grid: never
// before it, at most a step after, and slots within one step wake together.
func TestSlotsWakeOnTheGrid(t *testing.T) {
	base := time.Now().Truncate(pacingGrid)
	woke := map[time.Time]int{}
	for i := range 20 {
		slot := base.Add(time.Duration(i) * time.Millisecond)
		at := onGrid(slot)
		if at.Before(slot) || at.Sub(slot) >= pacingGrid {
			t.Errorf("slot +%dms wakes at %v after it", i, at.Sub(slot))
		}
		woke[at]++
	}
	if want := 20/int(pacingGrid/time.Millisecond) + 1; len(woke) != want {
		t.Errorf("20 slots a millisecond apart wake at %d times, want %d", len(woke), want)
	}
}

// A message whose slot has come goes at once; only one whose slot is ahead
// sleeps, till the grid.
func TestDueSlotsGoAtOnce(t *testing.T) {
	now := time.Now()
	for _, past := range []time.Duration{0, time.Microsecond, 3 * time.Millisecond, time.Second} {
		if wake := wakeAt(now.Add(-past), now); !wake.IsZero() {
			t.Errorf("a slot %v past sleeps till %v", past, wake.Sub(now))
		}
	}
	for _, ahead := range []time.Duration{time.Microsecond, 2 * time.Millisecond, 40 * time.Millisecond} {
		slot := now.Add(ahead)
		if wake := wakeAt(slot, now); wake.Before(slot) || !wake.Equal(onGrid(slot)) {
			t.Errorf("a slot %v ahead wakes at %v, want its grid %v", ahead, wake.Sub(now), onGrid(slot).Sub(now))
		}
	}
}
