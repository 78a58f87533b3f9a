package bot

import (
	"bytes"
	"context"
	"log/slog"
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
