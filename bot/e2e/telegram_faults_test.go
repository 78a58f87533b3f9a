package e2e

import (
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// Telegram unwell: twenty calls answered 502 Bad Gateway as ten reminders
// fall due. The sender tries again itself, within seconds, so every
// reminder arrives once while the test's clock stands still: none waited
// for the scheduler's own retry, which is half a minute later on that
// clock. (The sender gives up after a minute of failures; then the job's
// retry takes over.)
func TestRemindersGoThroughABurstOf502(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	mothers := withPaediatrician(w, 3101, 10)
	var owners []string
	for _, m := range mothers {
		owners = append(owners, idOf(m))
	}
	title := w.text("it", "appointment.reminder_title", nil)

	w.tg.InjectServerErrors(20)
	// The scheduler's own loop takes the reminders as the clock reaches
	// them; Telegram recovers once it has answered 502 twenty times, and
	// from then on each reminder is a second or so away.
	w.clock.Set(w.rome(2026, 11, 24, 9, 30))
	waitFor(t, time.Minute, func() bool { return w.tg.ServerErrors() == 20 })
	for _, m := range mothers {
		w.waitCount(m, title, 1)
	}
	if n := w.tg.ServerErrors(); n != 20 {
		t.Errorf("Telegram answered 502 %d times, want 20", n)
	}
	for _, m := range mothers {
		if n := w.count(m, title); n != 1 {
			t.Errorf("mother %d got %d reminders, want 1", m.ID, n)
		}
	}
	// Each reminder's job ends done, not waiting for a retry.
	waitFor(t, 10*time.Second, func() bool {
		for _, o := range owners {
			for id := range w.jobsOfOwner(o) {
				if strings.HasSuffix(id, ":remind-24h") {
					return false
				}
			}
		}
		return true
	})
}

// NIDO_SEND_RATE set above what Telegram grants (30 a second against 5):
// the first 429s teach the sender to slow down, everyone holds back for
// the retry_after, and the pace recovers only slowly, so that twenty
// reminders due together cost a handful of 429s, not a stream, and every
// one arrives, once. No reminder is given up because of 429s.
func TestARateAboveTelegramsCostsAFew429s(t *testing.T) {
	w := newWorld(t, func(o *options) { o.sendRate = 30 })
	mothers := withPaediatrician(w, 3201, 20)
	title := w.text("it", "appointment.reminder_title", nil)

	limits := telegramtest.DefaultLimits()
	limits.Global = telegramtest.Rate{Every: time.Second / 5, Burst: 5}
	w.tg.SetLimits(limits)
	w.clock.Set(w.rome(2026, 11, 24, 9, 30))
	for _, m := range mothers {
		w.waitCount(m, title, 1)
	}
	for _, m := range mothers {
		if n := w.count(m, title); n != 1 {
			t.Errorf("mother %d got %d reminders, want 1", m.ID, n)
		}
	}
	n := w.tg.TooManyRequests()
	t.Logf("%d answers 429 for %d reminders", n, len(mothers))
	if n > 5 {
		t.Errorf("Telegram answered 429 %d times for %d reminders, want a handful (at most 5)", n, len(mothers))
	}
}

// withPaediatrician signs up n mothers with Anna of Casa Aurora, ids from
// first on, each with an appointment at the paediatrician on Wednesday 25
// November 2026 at 9:30, whose day-before reminder comes on Tuesday at 9:30.
func withPaediatrician(w *world, first int64, n int) []telegramtest.User {
	w.t.Helper()
	anna, _ := aurora(w)
	mothers := make([]telegramtest.User, n)
	for i := range mothers {
		mothers[i] = person(first+int64(i), "Mamma", "it")
		w.signUp(anna, "mother", mothers[i], "it")
		w.sayLine(mothers[i], "/appointment 25/11/2026 09:30 Pediatra")
	}
	return mothers
}
