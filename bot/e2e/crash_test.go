package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"

	"golang.org/x/sync/errgroup"
)

// The worst bug Nido can have is a lost reminder; the second worst, a
// duplicate. This kills the real nido process with SIGKILL while it is sending
// 5,000 reminders, starts it again, and counts what Telegram received.
func TestKillDuringDispatchLosesNoReminder(t *testing.T) {
	const mothers = 5000
	bin := buildNido(t)
	rs := redistest.Start(t)
	rdb := rs.Client()
	tg := telegramtest.NewTestServer(t, telegramtest.Unlimited())
	loc, _ := time.LoadLocation("Europe/Rome")
	ctx := context.Background()

	// Seed as the mothers would have, ten minutes ago: one organisation, 5,000
	// mothers, each with an appointment whose 2-hour reminder is due now,
	// typed in her chat.
	real := time.Now().In(loc)
	seedClock := clock.NewManual(real.Add(-10 * time.Minute))
	engine, _ := seedEngine(t, rdb, tg, seedClock, loc, appointment.New([]time.Duration{2 * time.Hour}))
	org, err := engine.People().CreateOrg(ctx, "Casa Aurora", seedClock.Now())
	if err != nil {
		t.Fatal(err)
	}
	at := real.Add(2*time.Hour - time.Minute).Truncate(time.Minute)
	shortcut := "/appointment " + at.Format("02/01/2006 15:04") + " Pediatra"
	// Her answers after the line: Yes when Nido reads its day back, and
	// "save anyway" when that day is a holiday.
	answers := []string{w0text(t, "when.yes")}
	if flows.Holiday(at) != "" {
		answers = append(answers, w0text(t, "appointment.warn_save"))
	}
	users := make([]telegramtest.User, mothers)
	for i := range users {
		users[i] = person(int64(100_000+i), fmt.Sprintf("M%d", i), "it")
	}
	tg.Meet(users...)
	// Different chats are answered in parallel, as the Telegram layer does.
	var seeding errgroup.Group
	seeding.SetLimit(8)
	for _, u := range users {
		seeding.Go(func() error {
			p := flows.Person{ID: u.ID, Role: flows.RoleMother, OrgID: org.ID, Lang: "it", Name: u.FirstName,
				Consent: seedClock.Now(), Joined: seedClock.Now()}
			if err := engine.People().Save(ctx, p); err != nil {
				return err
			}
			if err := engine.Handle(ctx, flows.Input{ChatID: u.ID, UserID: u.ID, Text: shortcut}); err != nil {
				return err
			}
			for _, label := range answers {
				data, err := lastButton(tg, u, label)
				if err != nil {
					return err
				}
				if err := engine.Handle(ctx, flows.Input{ChatID: u.ID, UserID: u.ID, Callback: data}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := seeding.Wait(); err != nil {
		t.Fatal(err)
	}
	seeded := tg.Sent()

	reminder := w0text(t, "appointment.reminder_title")
	received := func() (chats, total int) {
		for _, u := range users {
			n := 0
			for _, m := range tg.Messages(u.ID) {
				if strings.Contains(m.Plain(), reminder) {
					n++
				}
			}
			if n > 0 {
				chats++
			}
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
