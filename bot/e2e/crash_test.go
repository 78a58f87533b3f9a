package e2e

import (
	"syscall"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/scheduler/redistest"
)

// The worst bug Nido can have is a lost reminder; the second worst, a
// duplicate. This kills the real nido process with SIGKILL while it is sending
// 5,000 reminders, starts it again, and counts what Telegram received.
func TestKillDuringDispatchLosesNoReminder(t *testing.T) {
	const mothers = 5000
	bin := buildNido(t)
	rs := redistest.Start(t)
	tg := telegramtest.NewTestServer(t, telegramtest.Unlimited())
	users := dueReminders(t, rs.Client(), tg, mothers)
	seeded := tg.Sent()

	reminder := w0text(t, "appointment.reminder_title")
	received := func() (chats, total int) {
		for _, n := range countIn(tg, users, reminder) {
			chats++
			total += n
		}
		return chats, total
	}
	env := []string{
		"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + tg.URL, "REDIS_URL=" + rs.URL(),
		"NIDO_SEND_RATE=1000", "NIDO_QUIET_HOURS=off", "NIDO_LISTEN=127.0.0.1:0", "NIDO_REMINDER_OFFSETS=2h",
	}

	first := startNido(t, bin, env, nil, nil)
	waitFor(t, 60*time.Second, func() bool { return tg.Sent()-seeded >= mothers/5 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	chats, total := received()
	t.Logf("killed after %d of %d reminders", total, mothers)
	if chats == mothers {
		t.Fatal("every reminder was sent before the kill: the test proves nothing")
	}

	second := startNido(t, bin, env, nil, nil)
	// Jobs in flight at the kill come back when their lease (one minute) ends.
	waitFor(t, 3*time.Minute, func() bool { c, _ := received(); return c == mothers })
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()

	chats, total = received()
	dups := total - chats
	t.Logf("after the restart: %d mothers reminded, %d reminders, %d duplicates", chats, total, dups)
	// At most the jobs being handled at the kill can be sent twice: one per
	// scheduler worker (8).
	if chats != mothers || dups > 8 {
		t.Errorf("%d of %d mothers reminded, %d duplicates (at most 8 allowed)", chats, mothers, dups)
	}
}
