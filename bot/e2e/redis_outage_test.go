package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// Redis dies while twenty reminders are on their way, just as the record
// that the fifth went out is written, and comes back five seconds later
// (with its append-only file: nothing it acknowledged is lost). Every
// mother gets her reminder once: a message Telegram accepted is not sent
// again by the jobs tried again after the outage, and those retries finish
// what came after the send (the appointment marked reminded), so that
// nothing is left half done.
func TestRemindersOutliveARedisOutageOnce(t *testing.T) {
	w := newWorld(t, func(o *options) { o.aof = true })
	w.redis.SkipIfEmbedded("the test kills and restarts redis-server")
	mothers := withPaediatrician(w, 3301, 20)
	title := w.text("it", "appointment.reminder_title", nil)

	var records atomic.Int64
	killed := make(chan struct{})
	w.hook.Arm(func(args []any) bool {
		return len(args) > 3 && strings.HasPrefix(fmt.Sprint(args[0]), "eval") && strings.Contains(fmt.Sprint(args[3]), ":sent-job:") &&
			records.Add(1) == 5
	}, func() error {
		w.redis.Kill()
		close(killed)
		return nil
	})
	w.clock.Set(w.rome(2026, 11, 24, 9, 30))
	select {
	case <-killed:
	case <-time.After(time.Minute):
		t.Fatal("the reminders never went out: Redis was not killed")
	}
	time.Sleep(5 * time.Second)
	w.redis.Resume()
	sent := 0
	for _, m := range mothers {
		sent += w.count(m, title)
	}
	t.Logf("%d of %d reminders had gone out when Redis came back", sent, len(mothers))

	// The jobs that failed are tried again half a minute later on the
	// scheduler's clock, and those whose outcome was lost when their lease
	// ends: move the clock on until every mother has hers.
	reminded := func() bool {
		for _, m := range mothers {
			if w.count(m, title) == 0 || !w.markedReminded(m) {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(time.Minute)
	for !reminded() {
		if time.Now().After(deadline) {
			t.Fatal("not every mother was reminded, or her appointment not marked so, within a minute of Redis's return")
		}
		w.clock.Advance(30 * time.Second)
		time.Sleep(200 * time.Millisecond)
	}
	for _, m := range mothers {
		if n := w.count(m, title); n != 1 {
			t.Errorf("mother %d got %d reminders, want 1", m.ID, n)
		}
	}
}

// markedReminded reports whether every appointment of u says a reminder went.
func (w *world) markedReminded(u telegramtest.User) bool {
	ctx := context.Background()
	ids, err := w.rdb.ZRange(ctx, w.prefix+":appts:mother:"+fmt.Sprint(u.ID), 0, -1).Result()
	if err != nil || len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if r, err := w.rdb.HGet(ctx, w.prefix+":appt:"+id, "reminded").Result(); err != nil || r == "" || r == "0" {
			return false
		}
	}
	return true
}
