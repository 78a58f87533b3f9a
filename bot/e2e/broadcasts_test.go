package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A social worker announces a workshop to the mothers of her organisation:
// the preview is the message as they get it, each mother gets it once in
// her language's frame with the text as typed, answers, changes her mind,
// and gets the calendar file and a reminder the day before; the report in
// the social worker's chat follows every answer. Nobody else gets it.
func TestBroadcastWorkshopToMothers(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		olena := person(3002, "Olena", "uk")
		w.signUp(anna, "mother", olena, "uk")
		bianchi := person(4001, "Bianchi", "it")
		w.signUp(anna, "family", bianchi, "it")
		other := w.openOrg("Casa Sole", person(2101, "Marta", "it"), "it")
		sara := person(3101, "Sara", "it")
		w.signUp(other.staff, "mother", sara, "it")

		text := "Laboratorio CV 📝\nPortate un documento!"
		w.say(anna, "/menu")
		w.wantSaid(w.press(anna, w.label("it", "broadcast.menu")), "it", "broadcast.ask_who", nil)
		w.wantSaid(w.press(anna, w.label("it", "broadcast.who_m")), "it", "broadcast.ask_text", map[string]any{"Max": 3500})
		w.wantSaid(w.say(anna, strings.Repeat("x", 3501)), "it", "common.too_long", map[string]any{"Max": 3500})
		w.wantSaid(w.say(anna, text), "it", "broadcast.ask_event", nil)
		w.wantSaid(w.press(anna, w.label("it", "broadcast.event_yes")), "it", "broadcast.ask_event_day", nil)
		w.press(anna, "sabato 28/11")
		w.wantSaid(w.press(anna, "10:00"), "it", "broadcast.ask_place", nil)
		w.wantSaid(w.say(anna, "Via Roma 1"), "it", "broadcast.ask_when", nil)
		msgs := w.press(anna, w.label("it", "broadcast.when_now"))
		if len(msgs) != 2 {
			t.Fatalf("the preview is the copy and its summary, got %d messages", len(msgs))
		}
		preview := msgs[0]
		w.wantSaid(msgs, "it", "broadcast.preview_to", map[string]any{"Audience": w.label("it", "broadcast.to_m"), "Count": 2})
		event := w.rome(2026, 11, 28, 10, 0)
		if !strings.Contains(preview.Text, "Laboratorio CV 📝\nPortate un documento!") {
			t.Errorf("the text is not kept as typed in the preview:\n%s", preview.Text)
		}
		// The preview's answer buttons only explain themselves.
		w.wantSaid(w.press(anna, w.label("it", "broadcast.will_come")), "it", "broadcast.preview_button", nil)

		w.press(anna, w.label("it", "broadcast.send"))
		copyOf := func(u telegramtest.User) telegramtest.Message {
			t.Helper()
			w.waitCount(u, "Laboratorio CV", 1)
			for _, m := range w.tg.Messages(u.ID) {
				if strings.Contains(m.Plain(), "Laboratorio CV") {
					return m
				}
			}
			return telegramtest.Message{}
		}
		fat := copyOf(fatima)
		if fat.Text != preview.Text {
			t.Errorf("the copy differs from the preview:\n%s\n---\n%s", fat.Text, preview.Text)
		}
		if !strings.Contains(fat.Plain(), "Casa Aurora") || !strings.Contains(fat.Plain(), "Via Roma 1") {
			t.Errorf("the copy does not say who sends it and where: %s", fat.Plain())
		}
		ole := copyOf(olena)
		if !strings.Contains(ole.Plain(), w.text("uk", "broadcast.event_when", map[string]any{"When": w.cat.DateTime("uk", event)})) {
			t.Errorf("Olena's frame is not in Ukrainian: %s", ole.Plain())
		}
		// Delivery done: the report says so.
		report := func() string {
			for _, m := range w.tg.Messages(anna.ID) {
				if strings.Contains(m.Plain(), w.text("it", "broadcast.report_title", map[string]any{
					"Audience": w.label("it", "broadcast.to_m"), "Text": "Laboratorio CV 📝"})) {
					return m.Plain()
				}
			}
			return ""
		}
		wantReport := func(yes, no int) {
			t.Helper()
			want := w.text("it", "broadcast.report_answers", map[string]any{"When": w.cat.DateTime("it", event), "Yes": yes, "No": no})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := w.tg.Wait(ctx, func() bool { return strings.Contains(report(), want) }); err != nil {
				t.Fatalf("the report does not say %q:\n%s", want, report())
			}
		}
		w.waitDelivered(anna, "it", 2)
		wantReport(0, 0)
		done := w.text("it", "broadcast.report_figures", map[string]any{"Sent": 2, "Skipped": 0, "Blocked": 0, "Failed": 0})
		if !strings.Contains(report(), done) {
			t.Errorf("the report does not say %q:\n%s", done, report())
		}
		for _, u := range []telegramtest.User{bianchi, other.staff, sara, anna} {
			if n := w.count(u, "Laboratorio CV 📝\nPortate"); n > 0 && u != anna {
				t.Errorf("%s got the broadcast", u.FirstName)
			}
		}

		// Fatima comes: her copy says so, she gets the calendar file, and a
		// reminder is planned for the day before.
		msgs = w.press(fatima, w.label("it", "broadcast.will_come"))
		w.wantSaid(msgs, "it", "broadcast.thanks_coming", nil)
		if at, _ := calendarIn(t, msgs); !at.Equal(event) {
			t.Errorf("the calendar file is at %v, want %v", at, event)
		}
		if !strings.Contains(w.tg.Messages(fatima.ID)[indexOf(w, fatima, fat.ID)].Plain(), w.text("it", "broadcast.you_come", nil)) {
			t.Error("Fatima's copy does not show her answer")
		}
		wantReport(1, 0)
		w.wantDue(fatima, "bcast:1:remind:"+idOf(fatima), event.Add(-24*time.Hour))
		// Olena cannot.
		w.press(olena, w.label("uk", "broadcast.cannot_come"))
		wantReport(1, 1)
		// Fatima changes her mind: the reminder goes, the counts follow.
		msgs = w.press(fatima, w.label("it", "broadcast.cannot_come_after_all"))
		w.wantSaid(msgs, "it", "broadcast.thanks_not_coming", nil)
		wantReport(0, 2)
		if _, ok := w.jobsOf(fatima)["bcast:1:remind:"+idOf(fatima)]; ok {
			t.Error("Fatima's reminder is still planned after she said she cannot come")
		}
		// Olena can after all, and is reminded the day before, in Ukrainian.
		w.press(olena, w.label("uk", "broadcast.will_come_after_all"))
		wantReport(1, 1)
		w.advance(event.Add(-24*time.Hour), idOf(olena))
		w.waitCount(olena, w.text("uk", "broadcast.reminder", map[string]any{"When": w.cat.DateTime("uk", event)}), 1)

		// Forged answers change nothing: a mother of another organisation, the
		// family, and a broadcast that does not exist.
		for _, u := range []telegramtest.User{sara, bianchi} {
			w.wantSaid(w.pressSigned(u, "bk:1:yes"), "it", "common.button_invalid", nil)
		}
		w.wantSaid(w.pressSigned(fatima, "bk:99:yes"), "it", "common.button_invalid", nil)
		w.wantSaid(w.pressSigned(fatima, "bk:1:maybe"), "it", "common.button_invalid", nil)
		wantReport(1, 1)

		// Her answers are in /mydata and go with /delete.
		w.wantSaid(w.say(olena, "/mydata"), "uk", "broadcast.mydata_answer", map[string]any{
			"When": w.cat.DateTime("uk", event), "Text": "Laboratorio CV 📝", "Answer": w.label("uk", "broadcast.answer_yes")})
		w.say(olena, "/delete")
		w.press(olena, w.label("uk", "delete.yes"))
		w.noKeysNaming(olena)
		// The report keeps the figures of what was sent; her answer is gone.
		w.press(fatima, w.label("it", "broadcast.will_come_after_all"))
		wantReport(1, 0)

		// After the event the buttons no longer answer.
		w.advance(event.Add(time.Minute))
		w.wantSaid(w.pressSigned(fatima, "bk:1:no"), "it", "broadcast.event_past", nil)
	})
}

// indexOf is the position of message id in u's chat.
func indexOf(w *world, u telegramtest.User, id int) int {
	w.t.Helper()
	for i, m := range w.tg.Messages(u.ID) {
		if m.ID == id {
			return i
		}
	}
	w.t.Fatalf("no message %d in chat %d", id, u.ID)
	return -1
}

// broadcastNow is u sending text now, with no event, to the audience its
// choose presses, and waiting until the report says it was delivered to n.
func (w *world) broadcastNow(u telegramtest.User, lang string, choose func(), text string, n int) {
	w.t.Helper()
	w.say(u, "/broadcast")
	choose()
	w.say(u, text)
	w.press(u, w.label(lang, "broadcast.event_no"))
	w.press(u, w.label(lang, "broadcast.when_now"))
	w.press(u, w.label(lang, "broadcast.send"))
	w.waitDelivered(u, lang, n)
}

// waitDelivered waits until a report in u's chat says a broadcast was delivered to n.
func (w *world) waitDelivered(u telegramtest.User, lang string, n int) {
	w.t.Helper()
	done, err := w.cat.Text(lang, "broadcast.report_done", map[string]any{"Total": n}, n)
	if err != nil {
		w.t.Fatal(err)
	}
	w.waitCount(u, plain(done), 1)
}

// reached lists who of people got a message containing text, and how many times.
func (w *world) reached(text string, people ...telegramtest.User) map[string]int {
	out := map[string]int{}
	for _, u := range people {
		if n := w.count(u, text); n > 0 {
			out[u.FirstName] = n
		}
	}
	return out
}

func wantReached(t *testing.T, got map[string]int, names ...string) {
	t.Helper()
	want := map[string]int{}
	for _, n := range names {
		want[n] = 1
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reached %v, want each of %v once", got, names)
	}
}

// Each audience reaches whom it says, in the sender's organisation only;
// administrators reach the network or the organisations they choose;
// mothers and families cannot broadcast, and forged buttons of another
// organisation's staff reach nothing of Aurora's.
func TestBroadcastAudiences(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	amina := person(3003, "Amina", "it")
	w.signUp(anna, "mother", amina, "it")
	bianchi := person(4001, "Bianchi", "it")
	w.signUp(anna, "family", bianchi, "it")
	luca := person(2002, "Luca", "it")
	w.signUp(anna, "staff", luca, "it")
	sole := w.openOrg("Casa Sole", person(2101, "Marta", "it"), "it")
	marta := sole.staff
	sara := person(3101, "Sara", "it")
	w.signUp(marta, "mother", sara, "it")
	rossi := person(4101, "Rossi", "it")
	w.signUp(marta, "family", rossi, "it")
	everyone := []telegramtest.User{w.admin, anna, fatima, olena, amina, bianchi, luca, marta, sara, rossi}
	// all is everyone but the sender, who has the preview and the report.
	all := func(sender telegramtest.User) []telegramtest.User {
		var out []telegramtest.User
		for _, u := range everyone {
			if u != sender {
				out = append(out, u)
			}
		}
		return out
	}
	pick := func(u telegramtest.User, labels ...string) func() {
		return func() {
			for _, l := range labels {
				w.press(u, l)
			}
		}
	}

	w.broadcastNow(anna, "it", pick(anna, w.label("it", "broadcast.who_f")), "Avviso A", 1)
	wantReached(t, w.reached("Avviso A", all(anna)...), "Bianchi")
	w.broadcastNow(anna, "it", pick(anna, w.label("it", "broadcast.who_e")), "Avviso B", 5)
	wantReached(t, w.reached("Avviso B", all(anna)...), "Fatima", "Olena", "Amina", "Bianchi", "Luca")
	w.broadcastNow(anna, "it", pick(anna, w.label("it", "broadcast.who_g"), "Mamme del martedì"), "Avviso C", 2)
	wantReached(t, w.reached("Avviso C", all(anna)...), "Fatima", "Olena")

	// The administrator: the whole network, then one organisation chosen.
	w.broadcastNow(w.admin, "it", pick(w.admin, w.label("it", "broadcast.scope_network"), w.label("it", "broadcast.who_m")), "Avviso D", 4)
	wantReached(t, w.reached("Avviso D", all(w.admin)...), "Fatima", "Olena", "Amina", "Sara")
	done, err := w.cat.Text("it", "broadcast.scope_done", map[string]any{"Count": 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.broadcastNow(w.admin, "it", pick(w.admin, "▫️ Casa Sole", plain(done), w.label("it", "broadcast.who_f")), "Avviso E", 1)
	wantReached(t, w.reached("Avviso E", all(w.admin)...), "Rossi")

	// Mothers and families cannot.
	for _, u := range []telegramtest.User{fatima, bianchi} {
		w.wantSaid(w.say(u, "/broadcast"), "it", "common.not_allowed", nil)
		w.wantSaid(w.pressSigned(u, "bw:m"), "it", "common.not_allowed", nil)
	}
	// Marta, of Casa Sole, forging Aurora's group and Aurora's broadcasts.
	w.say(marta, "/broadcast")
	w.wantSaid(w.pressSigned(marta, "bw:g:1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(marta, "bz:1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(marta, "bzy:1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(marta, "bs:n"), "it", "common.not_allowed", nil)
	// Her list is her organisation's: none yet.
	w.wantSaid(w.say(marta, "/broadcasts"), "it", "broadcast.none_yet", nil)
	list := w.say(anna, "/broadcasts")
	for _, a := range []string{"Avviso A", "Avviso B", "Avviso C"} {
		if !strings.Contains(list[0].Plain(), a) {
			t.Errorf("Anna's list lacks %q:\n%s", a, list[0].Plain())
		}
	}
	if strings.Contains(list[0].Plain(), "Avviso D") {
		t.Error("Anna's list shows the administrator's broadcast")
	}
}

// A broadcast scheduled for later can be changed before it is sent, and
// cancelled until it starts: then nobody gets it. One not cancelled goes
// at its time, and can no longer be cancelled.
func TestBroadcastScheduledAndCancelled(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		schedule := func(text, day, clock string) {
			w.say(anna, "/broadcast")
			w.press(anna, w.label("it", "broadcast.who_m"))
			w.say(anna, text)
			w.press(anna, w.label("it", "broadcast.event_no"))
			w.wantSaid(w.press(anna, w.label("it", "broadcast.when_later")), "it", "broadcast.ask_send_day", nil)
			w.press(anna, day)
			w.press(anna, clock)
		}
		schedule("Festa di Natale", "mercoledì 25/11", "10:00")
		sendAt := w.rome(2026, 11, 25, 10, 0)
		// Changing the text shows the preview again.
		w.press(anna, w.label("it", "broadcast.change"))
		w.wantSaid(w.press(anna, w.label("it", "broadcast.change_text")), "it", "broadcast.ask_text", map[string]any{"Max": 3500})
		msgs := w.say(anna, "Festa di Natale 🎄")
		if !strings.Contains(msgs[0].Plain(), "Festa di Natale 🎄") {
			t.Fatalf("the preview after a change shows %q", msgs[0].Plain())
		}
		w.wantSaid(msgs, "it", "broadcast.preview_later", map[string]any{"When": w.cat.DateTime("it", sendAt)})
		msgs = w.press(anna, w.label("it", "broadcast.send"))
		w.wantSaid(msgs, "it", "broadcast.report_scheduled", map[string]any{"When": w.cat.DateTime("it", sendAt)})

		// Cancelled from the list.
		w.say(anna, "/broadcasts")
		w.wantSaid(w.press(anna, w.text("it", "broadcast.cancel_of", map[string]any{"When": w.cat.DateTime("it", sendAt)})),
			"it", "broadcast.cancel_sure", map[string]any{"When": w.cat.DateTime("it", sendAt), "Text": "Festa di Natale 🎄"})
		w.wantSaid(w.press(anna, w.label("it", "broadcast.cancel_yes")), "it", "broadcast.cancelled", nil)
		w.waitCount(anna, w.text("it", "broadcast.report_cancelled", nil), 1)
		w.advance(sendAt.Add(time.Minute), "bcast:1")
		if n := w.count(fatima, "Festa di Natale"); n != 0 {
			t.Fatalf("Fatima got a cancelled broadcast %d times", n)
		}

		// One that is not cancelled goes at its time, once.
		schedule("Open day", "giovedì 26/11", "11:00")
		w.press(anna, w.label("it", "broadcast.send"))
		w.advance(w.rome(2026, 11, 26, 10, 59), "bcast:2")
		if n := w.count(fatima, "Open day"); n != 0 {
			t.Fatal("sent before its time")
		}
		w.advance(w.rome(2026, 11, 26, 11, 0), "bcast:2")
		w.waitDelivered(anna, "it", 1)
		if n := w.count(fatima, "Open day"); n != 1 {
			t.Fatalf("Fatima got it %d times, want once", n)
		}
		w.wantSaid(w.pressSigned(anna, "bzy:2"), "it", "broadcast.too_late_to_cancel", nil)
	})
}

// A mother who blocked Nido is counted as such (and her staff told), a 429
// in the middle is waited out, and everyone else has the message once.
func TestBroadcastThroughBlockedAndTooManyRequests(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	mothers := []telegramtest.User{fatima}
	for i := range 5 {
		m := person(int64(3100+i), "Mamma"+strconv.Itoa(i), "it")
		w.signUp(anna, "mother", m, "it")
		mothers = append(mothers, m)
	}
	w.tg.Block(mothers[2].ID)
	w.tg.InjectTooManyRequests(2, 1)
	w.broadcastNow(anna, "it", func() { w.press(anna, w.label("it", "broadcast.who_m")) }, "Corso di italiano", 6)
	for i, m := range mothers {
		want := 1
		if i == 2 {
			want = 0
		}
		if n := w.count(m, "Corso di italiano"); n != want {
			t.Errorf("%s got it %d times, want %d", m.FirstName, n, want)
		}
	}
	w.waitCount(anna, w.text("it", "broadcast.report_figures", map[string]any{"Sent": 5, "Skipped": 0, "Blocked": 1, "Failed": 0}), 1)
	if w.tg.TooManyRequests() < 2 {
		t.Errorf("Telegram answered 429 %d times, want the 2 injected", w.tg.TooManyRequests())
	}
	// Blocked once, so skipped the next time; her staff were told.
	w.waitCount(anna, w.text("it", "reach.staff_alert", map[string]any{"Name": "Mamma1", "Role": w.label("it", "role.mother")}), 1)
	w.broadcastNow(anna, "it", func() { w.press(anna, w.label("it", "broadcast.who_m")) }, "Secondo corso", 6)
	w.waitCount(anna, w.text("it", "broadcast.report_figures", map[string]any{"Sent": 5, "Skipped": 1, "Blocked": 0, "Failed": 0}), 1)
}

// A delivery longer than one run of the scheduler (here a lease of three
// seconds, 400 copies at 100 a second) goes on run after run until
// everyone has it once, and the report says so.
func TestBroadcastLongerThanOneRun(t *testing.T) {
	w := newWorld(t, func(o *options) { o.sendRate, o.lease = 100, 3*time.Second })
	anna, fatima := aurora(w)
	ctx := context.Background()
	org, _, _ := w.engine.People().Get(ctx, anna.ID)
	mothers := []telegramtest.User{fatima}
	for i := range 399 {
		m := person(int64(100_000+i), fmt.Sprintf("M%d", i), "it")
		w.tg.Meet(m)
		if err := w.engine.People().Save(ctx, flows.Person{ID: m.ID, Role: flows.RoleMother, OrgID: org.OrgID, Lang: "it",
			Name: m.FirstName, Consent: w.clock.Now(), Joined: w.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		mothers = append(mothers, m)
	}
	w.broadcastNow(anna, "it", func() { w.press(anna, w.label("it", "broadcast.who_m")) }, "Festa di quartiere", 400)
	for _, m := range mothers {
		if n := w.count(m, "Festa di quartiere"); n != 1 {
			t.Fatalf("%s got it %d times, want once", m.FirstName, n)
		}
	}
}

// The buttons of a preview that no longer shows the draft send nothing: a
// social worker who changed when to send, then pressed Send on the preview
// above, is told the button is no longer valid. An event moved before the
// time to send asks that time again.
func TestBroadcastStalePreviewSendsNothing(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.say(anna, "/broadcast")
	w.press(anna, w.label("it", "broadcast.who_m"))
	w.say(anna, "Merenda insieme")
	w.press(anna, w.label("it", "broadcast.event_yes"))
	w.press(anna, "giovedì 26/11")
	w.press(anna, "10:00")
	w.press(anna, w.label("it", "broadcast.no_place"))
	w.press(anna, w.label("it", "broadcast.when_later"))
	w.press(anna, "mercoledì 25/11")
	msgs := w.press(anna, "10:00")
	summary := msgs[len(msgs)-1]
	var send string
	for _, row := range summary.Buttons {
		for _, b := range row {
			if b.Text == w.label("it", "broadcast.send") {
				send = b.CallbackData
			}
		}
	}
	// Moving the event before the time to send asks that time again.
	w.press(anna, w.label("it", "broadcast.change"))
	w.press(anna, w.label("it", "broadcast.change_event"))
	w.press(anna, w.label("it", "broadcast.event_yes"))
	w.press(anna, "Domani 24/11")
	w.wantSaid(w.press(anna, "10:00"), "it", "broadcast.send_after_event", nil)
	// The Send of the first preview is no longer valid.
	before := len(w.tg.Messages(anna.ID))
	w.handled.wait(t, w.tg.PressData(anna, summary.ID, send))
	w.wantSaid(w.tg.Messages(anna.ID)[before:], "it", "common.button_invalid", nil)
	w.advance(w.rome(2026, 11, 26, 12, 0))
	if n := w.count(fatima, "Merenda insieme"); n != 0 {
		t.Errorf("Fatima got %d copies of a broadcast never sent", n)
	}
}
