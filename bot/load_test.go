package bot

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// meet makes n people known to the fake, as if each had written once, and
// returns their chat ids.
func meet(fake *telegramtest.Server, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		u := user(int64(1000 + i))
		fake.SendText(u, "hi")
		ids[i] = u.ID
	}
	return ids
}

// BenchmarkSend measures the Sender itself (render, sign, HTTP) against a
// fake without limits: go test -run '^$' -bench Send ./bot/
func BenchmarkSend(b *testing.B) {
	e := newEnv(b, telegramtest.Unlimited())
	s := e.bot(unpaced(e.config())).Sender()
	chats := meet(e.fake, 500)
	var next atomic.Int64
	m := flows.Message{Lines: []flows.T{{ID: "org.created", Data: map[string]any{"Name": "Casa <Aurora>"}}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "signup.accept"}, Data: "appt:yes:123"}}}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			msg := m
			msg.ChatID = chats[int(next.Add(1))%len(chats)]
			if _, err := s.Send(context.Background(), msg); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// TestSustainedRate sends to many chats for a minute at SendRate 30 against
// Telegram's limits and reports the rate reached and the 429s met. It runs
// only when asked: NIDO_LOAD=1 go test -run TestSustainedRate -v ./bot/
// (NIDO_LOAD_SECONDS shortens it).
func TestSustainedRate(t *testing.T) {
	if os.Getenv("NIDO_LOAD") == "" {
		t.Skip("a one-minute load test: set NIDO_LOAD=1 to run it")
	}
	seconds := 60
	if s, err := strconv.Atoi(os.Getenv("NIDO_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	e := newEnv(t) // Telegram's limits: 30/s overall, 1/s per chat
	cfg := e.config()
	cfg.SendRate = 30
	s := e.bot(cfg).Sender()
	chats := meet(e.fake, 2000)

	// Cancelled rather than given a deadline: the limiter refuses at once a
	// wait that would pass a deadline, which would count as failures here.
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(time.Duration(seconds)*time.Second, cancel).Stop()
	var sent, failed, next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				chat := chats[int(next.Add(1))%len(chats)]
				_, err := s.Send(ctx, flows.Message{ChatID: chat, Lines: []flows.T{{ID: "bot.error"}}})
				switch {
				case err == nil:
					sent.Add(1)
				case ctx.Err() == nil:
					if failed.Add(1) == 1 {
						t.Logf("first failure: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	rate := float64(sent.Load()) / elapsed.Seconds()
	tooMany := e.fake.TooManyRequests()
	t.Logf("sent %d messages in %v: %.2f messages/s; %d answered 429; %d failed", sent.Load(), elapsed.Round(time.Millisecond), rate, tooMany, failed.Load())
	if rate < 29 || tooMany != 0 || failed.Load() != 0 {
		t.Errorf("want at least 29 messages/s, no 429 and no failure")
	}
}
