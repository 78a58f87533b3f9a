package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nido/flows"
	"nido/flows/flowstest"
)

// Redis dies while twenty jobs send their messages, just as Telegram has
// accepted the fifth: the records that messages went out are kept, written
// once Redis is back five seconds later, and every job tried again then
// sends only what had not gone: each chat gets its message once.
func TestSentRecordsOutliveARedisOutage(t *testing.T) {
	e := newEnv(t)
	e.redis.SkipIfEmbedded("the test kills and restarts redis-server")
	chats := meet(e.fake, 20)
	hook := &flowstest.Hook{}
	e.rdb.AddHook(hook)
	s := e.bot(e.config()).Sender()
	ctx := context.Background()
	job := func(i int) flows.Message {
		return flows.Message{ChatID: chats[i], JobID: fmt.Sprintf("appt:%d:remind-24h", i), Lines: []flows.T{{ID: "bot.error"}}}
	}
	var records atomic.Int64
	hook.Arm(func(args []any) bool {
		return len(args) > 3 && strings.HasPrefix(fmt.Sprint(args[0]), "eval") && strings.Contains(fmt.Sprint(args[3]), ":sent-job:") &&
			records.Add(1) == 5
	}, func() error {
		e.redis.Kill()
		return nil
	})

	var wg sync.WaitGroup
	for i := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = s.Send(ctx, job(i)) // a job whose send failed is tried again below
		}()
	}
	wg.Wait()
	if records.Load() < 5 {
		t.Fatalf("Redis was never killed: %d records", records.Load())
	}
	sentWhileAway := e.fake.Sent()
	time.Sleep(5 * time.Second)
	e.redis.Resume()

	// Back: every job is tried again, as the scheduler would, until the
	// client has its connections again.
	for i := range chats {
		waitUntil(t, func() bool {
			_, err := s.Send(ctx, job(i))
			return err == nil
		})
	}
	for _, c := range chats {
		if n := len(e.fake.Messages(c)); n != 1 {
			t.Errorf("chat %d got %d messages, want 1", c, n)
		}
	}
	t.Logf("%d messages went out before or as Redis died; the rest after it came back", sentWhileAway)
	// And the records reach Redis, for the other processes.
	waitUntil(t, func() bool {
		for i := range chats {
			if n, err := e.rdb.HLen(ctx, testKeys.sentJob(job(i).JobID)).Result(); err != nil || n != 1 {
				return false
			}
		}
		return true
	})
}

// waitUntil waits up to ten seconds for cond.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not reached within ten seconds")
		}
	}
}
