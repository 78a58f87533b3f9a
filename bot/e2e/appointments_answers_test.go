package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// What a press on an appointment answers comes at the bottom of the chat,
// where she is looking, even when she pressed a message far up; the
// buttons she pressed go, and pressing again adds nothing. Staff get their
// own buttons on a mother's appointments. The world starts on Monday 23
// November 2026 at 09:00.

// motherIn is Casa Aurora with its staff member Anna (Italian) and the
// mother Amina, who reads lang.
func motherIn(w *world, lang string) (anna, amina telegramtest.User) {
	w.t.Helper()
	anna = w.openOrg("Casa Aurora", person(2001, "Anna", "it"), "it").staff
	amina = person(3001, "Amina", lang)
	w.signUp(anna, "mother", amina, lang)
	return anna, amina
}

// now is message m as the chat shows it now (edits applied).
func (w *world) now(u telegramtest.User, m telegramtest.Message) telegramtest.Message {
	w.t.Helper()
	for _, x := range w.tg.Messages(u.ID) {
		if x.ID == m.ID {
			return x
		}
	}
	w.t.Fatalf("no message %d in chat %d", m.ID, u.ID)
	return m
}

// lastWith is the last message to u that has a button labelled label.
func (w *world) lastWith(u telegramtest.User, label string) telegramtest.Message {
	w.t.Helper()
	msgs := w.tg.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains("|"+strings.Join(msgs[i].Labels(), "|")+"|", "|"+label+"|") {
			return msgs[i]
		}
	}
	w.t.Fatalf("no message with %q to %d", label, u.ID)
	return telegramtest.Message{}
}

// dayButton is the label of the day button of day (not today or tomorrow) in lang.
func (w *world) dayButton(lang string, day time.Time) string {
	weekday := w.text(lang, fmt.Sprintf("date.weekday.%d", int(day.Weekday())), nil)
	return w.text(lang, "appointment.day_button", map[string]any{"Weekday": weekday, "Date": day.Format("02/01")})
}

func TestAnswersComeAtTheBottomOfTheChat(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t)
			_, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			msgs := w.sayLine(amina, "/appointment 25/11/2026 09:30 Pediatra")
			card := msgs[0] // "Appointment saved", its buttons; the calendar file below it
			w.wantSaid([]telegramtest.Message{card}, lang, "appointment.created", nil)
			when := w.cat.DateTime(lang, w.rome(2026, 11, 25, 9, 30))

			// The reminder comes; then she looks at her list: the reminder is
			// no longer at the bottom when she answers it.
			w.advance(w.rome(2026, 11, 24, 9, 30), idOf(amina))
			w.waitCount(amina, w.text(lang, "appointment.reminder_title", nil), 1)
			reminder := w.last(amina)
			w.say(amina, "/appointments")
			got := w.pressOn(amina, reminder, label("appointment.yes"))

			// Her answer is a new message at the bottom, with what she can do next.
			w.wantSaid(got, lang, "appointment.confirmed", nil)
			w.wantSaid(got, lang, "appointment.card_when", map[string]any{"When": when})
			w.wantSaid(got, lang, "appointment.next_change", nil)
			if last := w.last(amina); strings.Join(last.Labels(), "|") != label("appointment.change")+"|"+label("appointment.cancel") {
				t.Errorf("the answer's buttons are %q", last.Labels())
			}
			// The reminder keeps its words and loses its buttons.
			was := w.now(amina, reminder)
			if len(was.Buttons) != 0 || !strings.Contains(was.Plain(), w.text(lang, "appointment.reminder_ask", nil)) {
				t.Errorf("the reminder pressed reads %q with buttons %q", was.Plain(), was.Labels())
			}
			// Pressed again (an impatient thumb, or Telegram delivering it
			// twice): nothing new.
			yes := reminder.Buttons[0][0]
			before := len(w.tg.Messages(amina.ID))
			w.handled.wait(t, w.tg.PressData(amina, reminder.ID, yes.CallbackData))
			if n := len(w.tg.Messages(amina.ID)) - before; n != 0 {
				t.Errorf("a second press of \"I'll be there\" sent %d messages", n)
			}

			// Two hours before: she said yes, so it only reminds, with change and cancel.
			w.advance(w.rome(2026, 11, 25, 8, 0), idOf(amina))
			w.waitCount(amina, w.text(lang, "appointment.reminder_confirmed", nil), 1)
			second := w.last(amina)
			if strings.Contains(second.Plain(), w.text(lang, "appointment.reminder_ask", nil)) ||
				strings.Join(second.Labels(), "|") != label("appointment.change")+"|"+label("appointment.cancel") {
				t.Errorf("the reminder after her yes reads %q with %q", second.Plain(), second.Labels())
			}

			// She cancels from the card of the day she made it, far up: the
			// question and then the answer come at the bottom.
			got = w.pressOn(amina, card, label("appointment.cancel"))
			w.wantSaid(got, lang, "appointment.cancel_confirm", nil)
			question := w.last(amina)
			got = w.pressOn(amina, question, label("appointment.cancel_yes"))
			w.wantSaid(got, lang, "appointment.cancelled", nil)
			w.wantSaid(got, lang, "appointment.card_when", map[string]any{"When": when})
			w.wantSaid(got, lang, "appointment.calendar_delete", nil)
			if last := w.last(amina); strings.Join(last.Labels(), "|") != label("appointment.new")+"|"+label("appointment.menu_mine") {
				t.Errorf("after cancelling, buttons %q", last.Labels())
			}
			if q := w.now(amina, question); len(q.Buttons) != 0 || !strings.Contains(q.Plain(), w.text(lang, "appointment.cancel_confirm", nil)) {
				t.Errorf("the question answered reads %q with buttons %q", q.Plain(), q.Labels())
			}
			if jobs := w.jobsOf(amina); len(jobs) != 0 {
				t.Errorf("reminders left: %v", jobs)
			}
			// What next: her list, now empty.
			w.wantSaid(w.press(amina, label("appointment.menu_mine")), lang, "appointment.list_none", nil)
		})
	}
}

// Staff looking at a mother's appointments act as staff: move it, or
// cancel it with her told; no calendar file of hers, which would not follow
// a later change in their own calendar.
func TestStaffActOnAMothersAppointmentAsStaff(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
	w.say(anna, "/appointments")
	card := w.press(anna, "Fatima")
	last := card[len(card)-1]
	if got := strings.Join(last.Labels(), "|"); got != w.label("it", "appointment.staff_change")+"|"+w.label("it", "appointment.staff_cancel") {
		t.Fatalf("staff's buttons on her appointment: %q", got)
	}

	w.wantSaid(w.press(anna, w.label("it", "appointment.staff_cancel")), "it", "appointment.cancel_confirm_staff", map[string]any{"Name": "Fatima"})
	// "No, keep it": the card again, at the bottom, with staff's buttons.
	got := w.press(anna, w.label("it", "appointment.cancel_no"))
	w.wantSaid(got, "it", "appointment.kept", nil)
	if labels := w.last(anna).Labels(); len(labels) != 2 || labels[0] != w.label("it", "appointment.staff_change") {
		t.Errorf("kept, with buttons %q", labels)
	}
	w.press(anna, w.label("it", "appointment.staff_cancel"))
	got = w.press(anna, w.label("it", "appointment.cancel_yes"))
	w.wantSaid(got, "it", "appointment.mother_told", map[string]any{"Name": "Fatima"})
	w.waitCount(fatima, w.text("it", "appointment.cancelled_for_you", nil), 1)

	// What next: a new one for the same mother, who is not asked again.
	w.wantSaid(w.press(anna, w.label("it", "appointment.new")), "it", "appointment.ask_kind", nil)
	w.wantSaid(w.press(anna, w.label("it", "appointment.kind_lawyer")), "it", "appointment.ask_day", nil)
}

// "Other" asks what it is, in a few words, and those words name it
// everywhere: the card, the reminder, the calendar file. A kind is said once.
func TestOtherAsksWhatItIs(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t)
			anna, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			w.say(amina, "/appointment")
			w.wantSaid(w.press(amina, label("appointment.kind_other")), lang, "appointment.ask_title", map[string]any{"Max": 60})
			msgs := w.say(amina, strings.Repeat("Questura ", 7)) // 62 characters
			w.wantSaid(msgs, lang, "appointment.title_too_long", nil)
			w.wantSaid(msgs, lang, "appointment.ask_title", map[string]any{"Max": 60})
			w.wantSaid(w.say(amina, "  Questura,\n permesso  "), lang, "appointment.ask_day", nil)
			w.press(amina, w.dayButton(lang, w.rome(2026, 11, 25, 0, 0)))
			w.press(amina, "10:00")
			w.press(amina, label("appointment.skip"))
			msgs = w.press(amina, label("appointment.skip"))
			w.wantSaid(msgs, lang, "appointment.card_what", map[string]any{"What": "Questura, permesso"})
			if _, ev := calendarIn(t, msgs); ev.GetProperty("SUMMARY").Value != "Questura, permesso" {
				t.Errorf("calendar summary %q", ev.GetProperty("SUMMARY").Value)
			}

			// The reminder says what it is, never "Other".
			w.advance(w.rome(2026, 11, 24, 10, 0), idOf(amina))
			w.waitCount(amina, w.text(lang, "appointment.reminder_title", nil), 1)
			rem := w.last(amina)
			if !strings.Contains(rem.Plain(), "Questura, permesso") || strings.Contains(rem.Plain(), label("appointment.kind_other")) {
				t.Errorf("the reminder reads %q", rem.Plain())
			}
			// Her social worker sees it by its words too.
			w.say(anna, "/appointments")
			w.wantSaid(w.press(anna, w.label("it", "appointment.list_tomorrow")), "it", "appointment.day_item", map[string]any{
				"Time": "10:00", "Name": "Amina", "What": "Questura, permesso", "Status": w.label("it", "appointment.status_no_answer")})

			// A kind and words that only say it again: the kind, once.
			msgs = w.sayLine(amina, "/appointment 27/11/2026 10:00 Visita pediatrica")
			w.wantSaid(msgs, lang, "appointment.card_what", map[string]any{"What": label("appointment.kind_paediatrician")})
			if strings.Contains(msgs[0].Plain(), "📝") || strings.Contains(msgs[0].Plain(), "Visita") {
				t.Errorf("the kind is said twice: %q", msgs[0].Plain())
			}
		})
	}
}
