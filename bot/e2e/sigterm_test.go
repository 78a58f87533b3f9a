package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A process told to stop (SIGTERM, as in a rolling restart) while Telegram
// hangs on its sends: it holds a chat (her /start) and a job (her reminder)
// and cannot finish either. It must still exit within 10 s with code 0,
// giving both back, so that the next process handles them at once rather
// than when their leases (30 s for a chat, a minute for a job) run out;
// and each of them reaches her once.
func TestSigtermGivesBackWhatItHolds(t *testing.T) {
	p := newProcesses(t)
	ctx := context.Background()
	mum := person(4001, "Amina", "it")
	p.tg.Meet(mum)
	// Her appointment, typed ten minutes ago: its two-hour reminder is due now.
	seedAt := p.seed.Now()
	p.seed.Set(seedAt.Add(-9 * time.Minute))
	if err := p.engine.People().Save(ctx, flows.Person{ID: mum.ID, Role: flows.RoleMother, OrgID: p.org.ID, Lang: "it",
		Name: mum.FirstName, Consent: p.seed.Now(), Joined: p.seed.Now()}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().In(p.loc).Add(2*time.Hour - time.Minute).Truncate(time.Minute)
	answers := []string{w0text(t, "when.yes")}
	if flows.Holiday(at) != "" {
		answers = append(answers, w0text(t, "appointment.warn_save"))
	}
	if err := p.engine.Handle(ctx, flows.Input{ChatID: mum.ID, UserID: mum.ID,
		Text: "/appointment " + at.Format("02/01/2006 15:04") + " Pediatra"}); err != nil {
		t.Fatal(err)
	}
	for _, label := range answers {
		data, err := lastButton(p.tg, mum, label)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.engine.Handle(ctx, flows.Input{ChatID: mum.ID, UserID: mum.ID, Callback: data}); err != nil {
			t.Fatal(err)
		}
	}
	seeded := len(p.tg.Messages(mum.ID))

	hang := newHangingTelegram(t, p.tg.URL)
	hang.hang("sendMessage")
	env := append(p.env(), "TELEGRAM_API_URL="+hang.URL, "NIDO_REMINDER_OFFSETS=2h")
	first := startNido(t, p.bin, env, nil, nil)
	p.tg.SendText(mum, "/start")
	// Her reminder and the answer to her /start both wait on Telegram.
	waitFor(t, 30*time.Second, func() bool { return hang.held() >= 2 })

	code, took := stop(t, first)
	t.Logf("stopped in %s", took.Round(time.Millisecond))
	if code != 0 || took > 10*time.Second {
		t.Fatalf("SIGTERM: exit code %d after %s, want 0 within 10s", code, took.Round(time.Millisecond))
	}

	// Telegram is back; the next process finds her chat and her reminder
	// free, long before their leases would have ended.
	hang.release()
	second := startNido(t, p.bin, env, nil, nil)
	reminder, welcome := w0text(t, "appointment.reminder_title"), w0text(t, "signup.welcome_back")
	has := func(substr string) int {
		n := 0
		for _, m := range p.tg.Messages(mum.ID)[seeded:] {
			if strings.Contains(m.Plain(), substr) {
				n++
			}
		}
		return n
	}
	waitFor(t, 20*time.Second, func() bool { return has(reminder) > 0 && has(welcome) > 0 })
	if code, _ := stop(t, second); code != 0 {
		t.Errorf("second process: exit code %d, want 0", code)
	}
	if r, w := has(reminder), has(welcome); r != 1 || w != 1 {
		t.Errorf("%d reminders and %d welcomes, want one of each", r, w)
		for _, m := range p.tg.Messages(mum.ID) {
			t.Logf("%d %q", m.ID, m.Plain())
		}
	}
}

// A reply Telegram accepted is not sent again when its update is handled
// again. Her Yes to the read-back of her appointment is answered with two
// messages, the confirmation and the calendar file; Telegram takes the
// first and hangs on the second, and the process is stopped: the update is
// given back unfinished, and the next process handles it from the start.
// She gets the confirmation once, then the file.
func TestUpdateHandledAgainSendsNoReplyTwice(t *testing.T) {
	p := newProcesses(t)
	ctx := context.Background()
	mum := person(4002, "Sara", "it")
	p.tg.Meet(mum)
	if err := p.engine.People().Save(ctx, flows.Person{ID: mum.ID, Role: flows.RoleMother, OrgID: p.org.ID, Lang: "it",
		Name: mum.FirstName, Consent: p.seed.Now(), Joined: p.seed.Now()}); err != nil {
		t.Fatal(err)
	}
	hang := newHangingTelegram(t, p.tg.URL)
	env := append(p.env(), "TELEGRAM_API_URL="+hang.URL)
	first := startNido(t, p.bin, env, nil, nil)
	at := time.Now().In(p.loc).Add(50 * time.Hour).Truncate(time.Minute)
	p.tg.SendText(mum, "/appointment "+at.Format("02/01/2006 15:04")+" Pediatra")
	yes := w0text(t, "when.yes")
	waitFor(t, 20*time.Second, func() bool { _, err := lastButton(p.tg, mum, yes); return err == nil })
	if flows.Holiday(at) != "" {
		if _, err := p.tg.Press(mum, yes); err != nil {
			t.Fatal(err)
		}
		yes = w0text(t, "appointment.warn_save")
		waitFor(t, 20*time.Second, func() bool { _, err := lastButton(p.tg, mum, yes); return err == nil })
	}
	saved := w0text(t, "appointment.created")
	count := func(cond func(telegramtest.Message) bool) int {
		n := 0
		for _, m := range p.tg.Messages(mum.ID) {
			if cond(m) {
				n++
			}
		}
		return n
	}
	confirmations := func() int {
		return count(func(m telegramtest.Message) bool { return strings.Contains(m.Plain(), saved) })
	}
	files := func() int { return count(func(m telegramtest.Message) bool { return m.Document != nil }) }

	hang.hang("sendDocument")
	if _, err := p.tg.Press(mum, yes); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return hang.held() >= 1 })
	if n := confirmations(); n != 1 {
		t.Fatalf("%d confirmations before the stop, want 1", n)
	}
	if code, took := stop(t, first); code != 0 || took > 10*time.Second {
		t.Fatalf("SIGTERM: exit code %d after %s, want 0 within 10s", code, took.Round(time.Millisecond))
	}
	hang.release()
	second := startNido(t, p.bin, env, nil, nil)
	waitFor(t, 20*time.Second, func() bool { return files() > 0 })
	if code, _ := stop(t, second); code != 0 {
		t.Errorf("second process: exit code %d, want 0", code)
	}
	if c, f := confirmations(), files(); c != 1 || f != 1 {
		t.Errorf("%d confirmations and %d calendar files, want one of each", c, f)
	}
}

// A mother whose joining is cut short by a stop, after she was saved and
// thanked but before her social worker was told and her menu shown, is
// not left half-way: the next process finishes her welcome. She is thanked
// once and gets her menu; her social worker hears once that she joined.
func TestJoiningCutShortIsFinished(t *testing.T) {
	p := newProcesses(t)
	ctx := context.Background()
	anna, mum := person(2001, "Anna", "it"), person(4003, "Sara", "it")
	p.tg.Meet(anna)
	if err := p.engine.People().Save(ctx, flows.Person{ID: anna.ID, Role: flows.RoleStaff, OrgID: p.org.ID, Lang: "it",
		Name: anna.FirstName, Consent: p.seed.Now(), Joined: p.seed.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := p.engine.Handle(ctx, flows.Input{ChatID: anna.ID, UserID: anna.ID, Text: "/invite mother Sara"}); err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, p.tg.Messages(anna.ID))
	hang := newHangingTelegram(t, p.tg.URL)
	env := append(p.env(), "TELEGRAM_API_URL="+hang.URL)
	first := startNido(t, p.bin, env, nil, nil)
	p.tg.SendText(mum, "/start "+code)
	waitFor(t, 20*time.Second, func() bool { _, err := lastButton(p.tg, mum, "Italiano"); return err == nil })
	if _, err := p.tg.Press(mum, "Italiano"); err != nil {
		t.Fatal(err)
	}
	accept := w0text(t, "signup.accept")
	waitFor(t, 20*time.Second, func() bool { _, err := lastButton(p.tg, mum, accept); return err == nil })

	// Telegram takes her thank-you (an edit) and hangs on the next message.
	hang.hang("sendMessage")
	if _, err := p.tg.Press(mum, accept); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return hang.held() >= 1 })
	if code, took := stop(t, first); code != 0 || took > 10*time.Second {
		t.Fatalf("SIGTERM: exit code %d after %s, want 0 within 10s", code, took.Round(time.Millisecond))
	}
	hang.release()
	second := startNido(t, p.bin, env, nil, nil)
	count := func(chat int64, id string) int {
		n := 0
		for _, m := range p.tg.Messages(chat) {
			if strings.Contains(m.Plain(), w0text(t, id)) {
				n++
			}
		}
		return n
	}
	waitFor(t, 20*time.Second, func() bool { return count(mum.ID, "signup.welcome_mother") > 0 })
	if code, _ := stop(t, second); code != 0 {
		t.Errorf("second process: exit code %d, want 0", code)
	}
	told := 0
	for _, m := range p.tg.Messages(anna.ID) {
		if strings.Contains(m.Plain(), "Sara") && strings.Contains(m.Plain(), w0text(t, "role.mother")) && !strings.Contains(m.Plain(), "start=") {
			told++
		}
	}
	if thanked, menus := count(mum.ID, "signup.accepted"), count(mum.ID, "signup.welcome_mother"); thanked != 1 || menus != 1 || told != 1 {
		t.Errorf("thanked %d times, %d menus, her social worker told %d times; want once each", thanked, menus, told)
	}
}
