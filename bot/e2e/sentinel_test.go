package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/scheduler"
	"nido/scheduler/redistest"
)

// Behind Sentinel, the master of Redis dies while Nido sends reminders to
// 300 mothers and answers 100 of them asking for their data; the sentinels
// promote the replica within seconds. Replication is asynchronous: what the
// master took in its last moment, before the replica had it, is gone. Here
// the replica is cut off 300 ms before the master dies, so that this moment
// is long enough to matter (on one network it is usually well under a
// millisecond). Nido goes on with the new master: every reminder comes once,
// every message is answered, a few of them twice, as after a crash of Nido.
func TestSentinelFailoverDuringTraffic(t *testing.T) {
	const mothers, asking = 300, 100
	bin := buildNido(t)
	rs := redistest.StartSentinel(t)
	rdb := rs.Client()
	tg := telegramtest.NewTestServer(t, telegramtest.Unlimited())
	users := dueReminders(t, rdb, tg, mothers)
	reminder, data := w0text(t, "appointment.reminder_title"), w0text(t, "mydata.title")

	var logs lockedBuffer
	env := []string{
		"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + tg.URL, "REDIS_URL=" + rs.URL(),
		"NIDO_SEND_RATE=100", "NIDO_QUIET_HOURS=off", "NIDO_LISTEN=127.0.0.1:0", "NIDO_REMINDER_OFFSETS=2h",
	}
	nido := startNido(t, bin, env, nil, func(c *exec.Cmd) { c.Stderr = &logs })
	// Mothers ask for their data, one every 40 ms (each every 4 s, within
	// Telegram's pace of a message a second to one chat), from before the
	// failover to a second after it.
	ask := startAsking(tg, users[:asking], 40*time.Millisecond)

	waitFor(t, 30*time.Second, func() bool { return len(countIn(tg, users, reminder)) >= mothers/4 })
	time.Sleep(time.Second)
	askedEarly := ask.total() // a second before the replica falls behind
	rs.CutReplica(600 * time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	before, askedAtKill := len(countIn(tg, users, reminder)), ask.total()
	took := rs.Failover()
	t.Logf("failover after %d of %d reminders, with the replica 300 ms behind; the new master took over in %s",
		before, mothers, took.Round(time.Millisecond))

	// Nido finds the new master within seconds: a message is answered.
	back, answers := time.Now(), len(tg.Messages(users[0].ID))
	ask.one(users[0])
	waitFor(t, 20*time.Second, func() bool { return len(tg.Messages(users[0].ID)) > answers })
	t.Logf("a message sent once the failover was over was answered %s later", time.Since(back).Round(time.Millisecond))
	time.Sleep(time.Second)
	asked := ask.stop()

	// Every reminder arrives, those whose first run failed in the failover
	// after their retry (30 to 38 s later), and every message is answered.
	waitFor(t, 50*time.Second, func() bool {
		got := countIn(tg, users[:asking], data)
		for id, n := range asked {
			if got[id] < n {
				return false
			}
		}
		return len(countIn(tg, users, reminder)) == mothers
	})
	// And no job is left due: none whose outcome the failover lost waits for
	// its lease to end to run again.
	sched, err := scheduler.New(rdb, scheduler.Config{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 90*time.Second, func() bool {
		for _, u := range users {
			jobs, err := sched.ListOwner(context.Background(), idOf(u))
			if err != nil {
				return false
			}
			for _, j := range jobs {
				if !j.Due.After(time.Now()) {
					return false
				}
			}
		}
		return true
	})

	reminded, extra := 0, 0
	for _, n := range countIn(tg, users, reminder) {
		reminded++
		extra += n - 1
	}
	answered, extraAnswers, questions := countIn(tg, users[:asking], data), 0, 0
	for id, n := range asked {
		questions += n
		extraAnswers += answered[id] - n
	}
	t.Logf("%d mothers reminded, %d reminders repeated; %d messages, %d answers repeated", reminded, extra, questions, extraAnswers)
	_ = nido.Process.Kill()
	_ = nido.Wait()
	logged := logs.byMessage()
	t.Logf("nido logged: %v", logged)

	// The record that a reminder went out waits for the replica, and a
	// master that dies first fails it, so that it is written again on the
	// new master: no reminder comes twice.
	if extra > 0 {
		t.Errorf("%d reminders sent twice", extra)
	}
	// An update is handled at least once, as after a crash of Nido: one
	// handled while the replica was behind, or being handled when the
	// master died (one per worker, 8), is handled again on the new master.
	if limit := askedAtKill - askedEarly + 8; extraAnswers > limit {
		t.Errorf("%d answers repeated, more than the %d messages that came while the replica was behind and 8", extraAnswers, limit-8)
	}
	// The failover is logged by what it interrupted, a line or two per job or
	// chat in flight (8 workers each), not by every retry.
	for msg, n := range logged {
		if n > 16 {
			t.Errorf("%q logged %d times", msg, n)
		}
	}
}

// asking is mothers sending /mydata in turn, at a steady pace, counted by chat.
type asking struct {
	tg    *telegramtest.Server
	mu    sync.Mutex
	asked map[int64]int
	done  chan struct{}
	wg    sync.WaitGroup
}

func startAsking(tg *telegramtest.Server, users []telegramtest.User, every time.Duration) *asking {
	a := &asking{tg: tg, asked: map[int64]int{}, done: make(chan struct{})}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-a.done:
				return
			case <-tick.C:
				a.one(users[i%len(users)])
			}
		}
	}()
	return a
}

// one has u ask once.
func (a *asking) one(u telegramtest.User) {
	a.tg.SendText(u, "/mydata")
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked[u.ID]++
}

// total is how many times they asked so far.
func (a *asking) total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, k := range a.asked {
		n += k
	}
	return n
}

// stop ends the asking and returns how often each chat asked.
func (a *asking) stop() map[int64]int {
	close(a.done)
	a.wg.Wait()
	return a.asked
}

// lockedBuffer collects a process's output, safe to read while it writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// byMessage counts the JSON log lines by level and message.
func (b *lockedBuffer) byMessage() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]int{}
	for _, line := range bytes.Split(b.buf.Bytes(), []byte("\n")) {
		var l struct{ Level, Msg string }
		if json.Unmarshal(line, &l) == nil {
			out[l.Level+" "+l.Msg]++
		}
	}
	return out
}
