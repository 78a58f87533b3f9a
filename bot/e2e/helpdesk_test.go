package e2e

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A mother's words that answer no question reach the social worker who
// follows her, once she says so, and only her organisation's; the answer
// comes back to her chat, she answers again, and the social worker closes
// the thread. It is in the digest while it waits, in /mydata, and erased
// with her.
func TestAMothersWordsReachHerSocialWorkerAndBack(t *testing.T) {
	w := newWorld(t)
	if err := w.engine.EnsureRules(context.Background()); err != nil {
		t.Fatal(err)
	}
	anna, fatima := aurora(w)
	marco := person(2101, "Marco", "it")
	w.openOrg("Casa Sole", marco, "it")
	mine := idOf(fatima)

	msgs := w.say(fatima, "Buongiorno, volevo chiedere una cosa importante…")
	w.wantIn(msgs, w.countText("it", "helpdesk.ask_send", 1, map[string]any{"Count": 1, "Staff": "Anna"}))
	msgs = w.say(fatima, "Mio figlio ha la febbre da due giorni")
	w.wantIn(msgs, w.countText("it", "helpdesk.ask_send", 2, map[string]any{"Count": 2, "Staff": "Anna"}))
	if n := w.count(anna, "febbre"); n != 0 {
		t.Fatalf("sent before she said so: %d", n)
	}
	w.press(fatima, w.label("it", "helpdesk.send"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "helpdesk.sent", map[string]any{"Staff": "Anna"})
	w.advance(w.clock.Now(), mine)

	got := w.last(anna)
	for _, want := range []string{"Fatima", "una cosa importante", "la febbre da due giorni"} {
		if !strings.Contains(got.Plain(), want) {
			t.Fatalf("the social worker reads %q, want %q in it", got.Plain(), want)
		}
	}
	if n := w.count(marco, "febbre"); n != 0 {
		t.Fatalf("another organisation's social worker read it %d times", n)
	}

	// Waiting for an answer: in the next morning's digest.
	w.advance(w.rome(2026, 11, 24, 8, 30), "network")
	w.wantIn(w.tg.Messages(anna.ID), w.countText("it", "helpdesk.digest_waiting", 1, map[string]any{"Count": 1, "Names": "Fatima"}))

	w.press(anna, w.text("it", "helpdesk.answer_to", map[string]any{"Name": "Fatima"}))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "helpdesk.ask_reply", map[string]any{"Name": "Fatima"})
	msgs = w.say(anna, "Chiamami alle 15, ti spiego cosa fare")
	w.wantSaid(msgs, "it", "helpdesk.reply_sent", map[string]any{"Name": "Fatima"})
	w.advance(w.clock.Now(), mine)
	got = w.last(fatima)
	if !strings.Contains(got.Plain(), "Chiamami alle 15") || !strings.Contains(got.Plain(), "Anna") {
		t.Fatalf("she reads %q", got.Plain())
	}

	// She answers with the button: no question this time, it goes.
	w.press(fatima, w.label("it", "helpdesk.answer"))
	msgs = w.say(fatima, "Va bene, grazie")
	w.wantSaid(msgs, "it", "helpdesk.sent", map[string]any{"Staff": "Anna"})
	w.advance(w.clock.Now(), mine)
	if w.count(anna, "Va bene, grazie") != 1 {
		t.Fatalf("the social worker got her answer %d times", w.count(anna, "Va bene, grazie"))
	}

	// The whole conversation, then done.
	w.press(anna, w.label("it", "helpdesk.history"))
	hist := w.last(anna).Plain()
	for _, want := range []string{"una cosa importante", "Chiamami alle 15", "Va bene, grazie"} {
		if !strings.Contains(hist, want) {
			t.Fatalf("the conversation reads %q, want %q in it", hist, want)
		}
	}
	w.press(anna, w.label("it", "helpdesk.done"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "helpdesk.marked_done", map[string]any{"Name": "Fatima"})
	w.advance(w.clock.Now(), mine)
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "helpdesk.closed", map[string]any{"Staff": "Anna"})
	w.wantSaid(w.say(anna, "/messages"), "it", "helpdesk.list_none", nil)

	// Her data: one conversation of three messages; then erased with her.
	w.wantIn(w.say(fatima, "/mydata"), w.countText("it", "helpdesk.mydata_title", 1, map[string]any{"Count": 1}))
	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.noKeysNaming(fatima)
	w.noValuesNaming(fatima, ":help:")
}

// An Arabic mother writes in Arabic and reads Nido in Arabic; the Italian
// social worker reads her words as she wrote them, and answers.
func TestAnArabicMotherWritesToHerSocialWorker(t *testing.T) {
	w := newWorld(t)
	anna, _ := aurora(w)
	amina := person(3002, "Amina", "ar")
	w.signUp(anna, "mother", amina, "ar")

	msgs := w.say(amina, "مرحبا، أحتاج مساعدة في التسجيل في المدرسة")
	w.wantIn(msgs, w.countText("ar", "helpdesk.ask_send", 1, map[string]any{"Count": 1, "Staff": "Anna"}))
	w.press(amina, w.label("ar", "helpdesk.send"))
	w.wantSaid([]telegramtest.Message{w.last(amina)}, "ar", "helpdesk.sent", map[string]any{"Staff": "Anna"})
	w.wantSaid([]telegramtest.Message{w.last(amina)}, "ar", "helpdesk.emergency", nil)
	w.advance(w.clock.Now(), idOf(amina))
	got := w.last(anna).Plain()
	if !strings.Contains(got, "أحتاج مساعدة في التسجيل") || !strings.Contains(got, "Amina") {
		t.Fatalf("the social worker reads %q", got)
	}
	w.press(anna, w.text("it", "helpdesk.answer_to", map[string]any{"Name": "Amina"}))
	w.say(anna, "Ci vediamo lunedì alle 10")
	w.advance(w.clock.Now(), idOf(amina))
	w.wantSaid([]telegramtest.Message{w.last(amina)}, "ar", "helpdesk.to_writer", map[string]any{"Staff": "Anna"})
	if !strings.Contains(w.last(amina).Plain(), "Ci vediamo lunedì alle 10") {
		t.Fatalf("she reads %q", w.last(amina).Plain())
	}
}

// A thread is its organisation's: a social worker of another organisation
// cannot answer, close or read it, another mother cannot answer in it,
// even with buttons signed for them, and nothing changes. Words that are
// too long get a kind word and are not kept. Staff's own words still get
// the menu.
func TestAThreadIsItsOrganisationsOnly(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	marco := person(2101, "Marco", "it")
	w.openOrg("Casa Sole", marco, "it")
	olena := person(3003, "Olena", "uk")
	w.signUp(anna, "mother", olena, "uk")

	w.say(fatima, "Ho perso il permesso di soggiorno")
	w.press(fatima, w.label("it", "helpdesk.send"))
	w.advance(w.clock.Now(), idOf(fatima))
	// The thread's public id, as the buttons under her message carry it.
	answer := w.text("it", "helpdesk.answer_to", map[string]any{"Name": "Fatima"})
	id := ""
	for _, row := range w.last(anna).Buttons {
		for _, b := range row {
			if b.Text == answer {
				id = strings.TrimPrefix(b.CallbackData, "hr:")[:12]
			}
		}
	}
	if id == "" {
		t.Fatalf("no %q button under her message", answer)
	}

	before := w.snapshot()
	for _, data := range []string{"hr:" + id, "hd:" + id, "hh:" + id} {
		w.wantSaid(w.pressSigned(marco, data), "it", "common.button_invalid", nil)
	}
	w.wantSaid(w.pressSigned(olena, "hw:"+id), "uk", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(fatima, "hr:"+id), "it", "common.not_allowed", nil)
	w.wantSaid(w.pressSigned(anna, "hr:AAAAAAAAAAAA"), "it", "helpdesk.gone", nil)
	w.sameRedis(before)
	if n := w.count(marco, "permesso di soggiorno"); n != 0 {
		t.Fatalf("another organisation read it %d times", n)
	}

	msgs := w.say(olena, strings.Repeat("дуже довго ", 350))
	w.wantIn(msgs, w.text("uk", "helpdesk.too_long", map[string]any{"Max": 3500}))
	w.sameRedis(before)

	w.wantSaid(w.say(anna, "ciao"), "it", "common.not_understood", nil)
}

// Her words reach staff at night too (quiet hours hold nudges, not what
// she writes); the note that her thread was closed waits for the morning.
func TestHerWordsIgnoreTheQuietHours(t *testing.T) {
	w := newWorld(t, startingAt(rome(2026, 11, 23, 23, 0)))
	anna, fatima := aurora(w)
	w.say(fatima, "/write")
	w.say(fatima, "Non riesco a dormire, ho paura")
	w.advance(w.clock.Now(), idOf(fatima))
	if w.count(anna, "ho paura") != 1 {
		t.Fatal("her message waited for the morning")
	}
	w.press(anna, w.label("it", "helpdesk.done"))
	closed := w.text("it", "helpdesk.closed", map[string]any{"Staff": "Anna"})
	w.advance(w.clock.Now().Add(time.Hour), idOf(fatima))
	if w.count(fatima, closed) != 0 {
		t.Fatal("the closing note came at night")
	}
	w.advance(w.rome(2026, 11, 24, 8, 5), idOf(fatima))
	if w.count(fatima, closed) != 1 {
		t.Fatal("the closing note did not come in the morning")
	}
}

// Nido is restarted (killed) between her message and the social worker's
// answer: the answer still reaches her, once, and her message reached
// the social worker once.
func TestAThreadSurvivesARestart(t *testing.T) {
	pr := newProcesses(t)
	bin, tg, seedClock, engine, cat, org := pr.bin, pr.tg, pr.seed, pr.engine, pr.cat, pr.org
	ctx := context.Background()
	anna, fatima := person(2001, "Anna", "it"), person(3001, "Fatima", "it")
	tg.Meet(anna, fatima)
	for _, p := range []flows.Person{
		{ID: anna.ID, Role: flows.RoleStaff, OrgID: org.ID, Lang: "it", Name: "Anna"},
		{ID: fatima.ID, Role: flows.RoleMother, OrgID: org.ID, Lang: "it", Name: "Fatima", InvitedBy: anna.ID},
	} {
		p.Consent, p.Joined = seedClock.Now(), seedClock.Now()
		if err := engine.People().Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	label := func(id string, data map[string]any) string {
		s, err := cat.Text("it", id, data, nil)
		if err != nil {
			t.Fatal(err)
		}
		return plain(s)
	}
	env := pr.env()
	first := startNido(t, bin, env, nil, nil)
	tg.SendText(fatima, "Ho bisogno di parlare con te")
	tg.WaitText(t, fatima.ID, "Anna")
	if _, err := tg.Press(fatima, label("helpdesk.send", nil)); err != nil {
		t.Fatal(err)
	}
	tg.WaitText(t, anna.ID, "Ho bisogno di parlare con te")
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()

	second := startNido(t, bin, env, nil, nil)
	if _, err := tg.Press(anna, label("helpdesk.answer_to", map[string]any{"Name": "Fatima"})); err != nil {
		t.Fatal(err)
	}
	// The killed process held the long poll: the new one takes it over once
	// that lease lapses (15 s).
	wait, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	asked := label("helpdesk.ask_reply", map[string]any{"Name": "Fatima"})
	if _, err := tg.WaitMessage(wait, anna.ID, func(m telegramtest.Message) bool { return strings.Contains(m.Plain(), asked) }); err != nil {
		t.Fatal(err)
	}
	tg.SendText(anna, "Domani alle 11 in ufficio")
	tg.WaitText(t, fatima.ID, "Domani alle 11 in ufficio")
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()
	// Each message once: hers as it reached Anna (with its buttons to
	// answer), the answer as it reached her.
	delivered := func(who telegramtest.User, text, button string) int {
		n := 0
		for _, m := range tg.Messages(who.ID) {
			if strings.Contains(m.Plain(), text) && slices.Contains(m.Labels(), button) {
				n++
			}
		}
		return n
	}
	if n := delivered(anna, "Ho bisogno di parlare con te", label("helpdesk.answer_to", map[string]any{"Name": "Fatima"})); n != 1 {
		t.Errorf("Anna got her message %d times", n)
	}
	if n := delivered(fatima, "Domani alle 11 in ufficio", label("helpdesk.answer", nil)); n != 1 {
		t.Errorf("Fatima got the answer %d times", n)
	}
}

// The note that a thread was closed comes after the answer that closed
// it, each once, however often Done and Send are pressed.
func TestDoneAfterAnAnswerTellsHerOnce(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.say(fatima, "Posso portare mia figlia al colloquio?")
	// A second tap on Send is told, over the chat, that it went.
	msgs, toast := w.tapAgain(fatima, w.label("it", "helpdesk.send"))
	if want := w.text("it", "helpdesk.sent", map[string]any{"Staff": "Anna"}); len(msgs) != 0 || toast != want {
		t.Fatalf("a second Send got %d messages and the toast %q, want none and %q", len(msgs), toast, want)
	}
	w.advance(w.clock.Now(), idOf(fatima))
	if n := w.count(anna, "Posso portare mia figlia"); n != 1 {
		t.Fatalf("Anna got her message %d times", n)
	}
	w.press(anna, w.text("it", "helpdesk.answer_to", map[string]any{"Name": "Fatima"}))
	w.say(anna, "Sì, c'è chi la guarda")
	// Done from the message that says the answer went, at once and twice.
	msgs, toast = w.tapAgain(anna, w.label("it", "helpdesk.done"))
	if want := w.text("it", "helpdesk.already_done", map[string]any{"Name": "Fatima"}); len(msgs) != 0 || toast != want {
		t.Fatalf("a second Done got %d messages and the toast %q, want none and %q", len(msgs), toast, want)
	}
	w.advance(w.clock.Now(), idOf(fatima))
	closed := w.text("it", "helpdesk.closed", map[string]any{"Staff": "Anna"})
	if n, m := w.count(fatima, "c'è chi la guarda"), w.count(fatima, closed); n != 1 || m != 1 {
		t.Fatalf("she got the answer %d times and the closing note %d times", n, m)
	}
}

// A solidarity family writes too, with voice messages, which reach staff
// by their file id, in the order they were recorded.
func TestAFamilySendsVoiceMessages(t *testing.T) {
	w := newWorld(t)
	anna, _ := aurora(w)
	bianchi := person(4001, "Marco Bianchi", "it")
	w.signUp(anna, "family", bianchi, "it")
	var files []string
	for range 2 {
		id, file := w.tg.SendVoice(bianchi, 9)
		w.handled.wait(t, id)
		files = append(files, file)
	}
	w.wantIn([]telegramtest.Message{w.last(bianchi)}, w.countText("it", "helpdesk.ask_send", 2, map[string]any{"Count": 2, "Staff": "Anna"}))
	before := len(w.tg.Messages(anna.ID))
	w.press(bianchi, w.label("it", "helpdesk.send"))
	w.advance(w.clock.Now(), idOf(bianchi))
	var got []string
	for _, m := range w.tg.Messages(anna.ID)[before:] {
		if m.Voice != nil {
			got = append(got, m.Voice.FileID)
		}
	}
	if !slices.Equal(got, files) {
		t.Fatalf("Anna got voice messages %v, want %v", got, files)
	}
	if n := w.tg.Calls("getFile"); n != 0 {
		t.Errorf("Nido asked Telegram for a file %d times", n)
	}
}

// A message stored when the scheduler cannot be reached is not lost: she
// is told it went (it is kept), and it reaches her social worker once,
// by the hourly sweep.
func TestAMessageStoredWhileTheSchedulerFailsIsDelivered(t *testing.T) {
	w := newWorld(t)
	if err := w.engine.EnsureRules(context.Background()); err != nil {
		t.Fatal(err)
	}
	anna, fatima := aurora(w)
	w.say(fatima, "Il mio bambino sta male")
	// Scheduling the job that carries her message fails.
	w.failOnce(func(args []any) bool {
		for _, a := range args {
			if s, ok := a.(string); ok && strings.HasPrefix(s, "help-") {
				return true
			}
		}
		return false
	})
	w.press(fatima, w.label("it", "helpdesk.send"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "helpdesk.sent", map[string]any{"Staff": "Anna"})
	w.advance(w.clock.Now(), idOf(fatima))
	if n := w.count(anna, "sta male"); n != 0 {
		t.Fatalf("delivered at once (%d): the failure did not happen", n)
	}
	w.advance(w.rome(2026, 11, 23, 10, 17), "network", idOf(fatima))
	if n := w.count(anna, "sta male"); n != 1 {
		t.Fatalf("Anna got it %d times after the sweep", n)
	}
	w.advance(w.rome(2026, 11, 23, 11, 17), "network", idOf(fatima))
	if n := w.count(anna, "sta male"); n != 1 {
		t.Fatalf("Anna got it %d times after the next sweep", n)
	}
}

// On a Redis Cluster, where each writer's keys share a slot.
func TestHelpdeskOnACluster(t *testing.T) {
	w := newWorld(t, onCluster)
	anna, fatima := aurora(w)
	w.say(fatima, "Ciao, una domanda")
	w.press(fatima, w.label("it", "helpdesk.send"))
	w.advance(w.clock.Now(), idOf(fatima))
	w.press(anna, w.text("it", "helpdesk.answer_to", map[string]any{"Name": "Fatima"}))
	w.say(anna, "Dimmi pure")
	w.press(anna, w.label("it", "helpdesk.done"))
	w.advance(w.clock.Now(), idOf(fatima))
	if w.count(fatima, "Dimmi pure") != 1 || w.count(fatima, w.text("it", "helpdesk.closed", map[string]any{"Staff": "Anna"})) != 1 {
		t.Fatal("the answer or the closing note did not arrive once")
	}
	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "delete.done", nil)
}

// Words meant for Nido itself ("ciao") are not sent when she says No, and
// she is shown what Nido can do.
func TestNoSendsNothingAndShowsTheMenu(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.say(fatima, "ciao")
	msgs := w.press(fatima, w.label("it", "helpdesk.keep"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "menu.title", nil)
	if !slices.Contains(w.last(fatima).Labels(), w.label("it", "helpdesk.menu")) || len(msgs) != 1 {
		t.Fatalf("after No she got %d messages, the last with buttons %q", len(msgs), w.last(fatima).Labels())
	}
	w.advance(w.clock.Now(), idOf(fatima))
	if n := w.count(anna, "ciao"); n != 0 {
		t.Fatalf("Anna got it %d times", n)
	}
}
