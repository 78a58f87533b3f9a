package e2e

import (
	"context"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Reminders: when they come, what they say, and what her answers change.

func TestRemindersAndAnswers(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era) // Monday 23 November 2026, 09:00
		anna, fatima := aurora(w)
		w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
		mother, title := idOf(fatima), w.text("it", "appointment.reminder_title", nil)
		// Every message about it shows when it is: the new one, then each reminder
		// (an answer edits the reminder, keeping the appointment).
		when := w.text("it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))})

		// Nothing before its time; then what, when, and three answers.
		w.advance(w.rome(2026, 11, 24, 9, 29), mother)
		if n := w.count(fatima, title); n != 0 {
			t.Fatalf("%d reminders a minute early", n)
		}
		w.advance(w.rome(2026, 11, 24, 9, 30), mother)
		w.waitCount(fatima, title, 1)
		rem := w.last(fatima)
		w.wantSaid([]telegramtest.Message{rem}, "it", "appointment.card_when",
			map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))})
		for _, id := range []string{"appointment.yes", "appointment.change", "appointment.cancel"} {
			if !strings.Contains(strings.Join(rem.Labels(), "|"), w.label("it", id)) {
				t.Errorf("reminder lacks %s: %q", id, rem.Labels())
			}
		}
		w.press(fatima, w.label("it", "appointment.yes"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.confirmed", nil)

		// Two hours before is 07:30, in the quiet hours: it waits for 08:00.
		// (The new one, the first reminder, and her answer show the time.)
		w.advance(w.rome(2026, 11, 25, 7, 59), mother)
		if n := w.count(fatima, when); n != 3 {
			t.Fatalf("%d messages with the time before the quiet hours ended, want 3", n)
		}
		w.advance(w.rome(2026, 11, 25, 8, 0), mother)
		w.waitCount(fatima, when, 4)

		// She said she will be there: it only reminds, with change and
		// cancel, and does not ask again.
		rem = w.last(fatima)
		w.wantSaid([]telegramtest.Message{rem}, "it", "appointment.reminder_confirmed", nil)
		if ask := w.text("it", "appointment.reminder_ask", nil); strings.Contains(rem.Plain(), ask) {
			t.Errorf("the reminder after her yes asks again: %q", rem.Plain())
		}
		if labels := strings.Join(rem.Labels(), "|"); strings.Contains(labels, w.label("it", "appointment.yes")) ||
			!strings.Contains(labels, w.label("it", "appointment.change")) || !strings.Contains(labels, w.label("it", "appointment.cancel")) {
			t.Errorf("the reminder after her yes has buttons %q", labels)
		}

		// She confirmed: staff are not told she did not answer.
		w.advance(w.rome(2026, 11, 25, 9, 29), mother)
		if n := w.count(anna, w.text("it", "appointment.staff_no_answer", map[string]any{
			"Name": "Fatima", "What": "Pediatra", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))})); n != 0 {
			t.Errorf("staff were told %d times about a confirmed appointment", n)
		}

		// Three hours after: did you go? Her answer is kept for staff.
		w.advance(w.rome(2026, 11, 25, 12, 30), mother)
		ask := w.text("it", "appointment.after_ask", map[string]any{
			"What": "Pediatra", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))})
		w.waitCount(fatima, ask, 1)
		w.press(fatima, w.label("it", "appointment.went"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.after_went", nil)
		w.say(anna, "/appointments")
		w.wantSaid(w.press(anna, "Fatima"), "it", "appointment.recent_item", map[string]any{
			"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30)), "What": "Pediatra",
			"Status": w.label("it", "appointment.status_went")})
	})
}

func TestChangeAndCancelMoveTheReminders(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
		mother, title := idOf(fatima), w.text("it", "appointment.reminder_title", nil)
		was := w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))
		w.advance(w.rome(2026, 11, 24, 9, 30), mother)
		w.waitCount(fatima, title, 1)

		// "I need to change it": staff hear it at once; she gives the new day and time.
		msgs := w.press(fatima, w.label("it", "appointment.change"))
		w.wantSaid(msgs, "it", "appointment.ask_new_day", nil)
		w.waitCount(anna, w.text("it", "appointment.staff_change_asked",
			map[string]any{"Name": "Fatima", "What": "Pediatra", "When": was}), 1)
		w.press(fatima, "venerdì 27/11")
		msgs = w.press(fatima, "10:00")
		now := w.rome(2026, 11, 27, 10, 0)
		w.wantSaid(msgs, "it", "appointment.moved", nil)
		start, ev := calendarIn(t, msgs)
		if seq := ev.GetProperty("SEQUENCE"); !start.Equal(now) || seq == nil || seq.Value != "1" {
			t.Errorf("calendar starts %v, sequence %v", start, seq)
		}
		w.waitCount(anna, w.text("it", "appointment.staff_moved", map[string]any{
			"Name": "Fatima", "What": "Pediatra", "From": was, "To": w.cat.DateTime("it", now)}), 1)

		// The reminders moved with it: none for the old time.
		w.wantDue(fatima, ":remind-24h", w.rome(2026, 11, 26, 10, 0))
		for id := range w.jobsOf(fatima) {
			if strings.Contains(id, ":v0:") {
				t.Errorf("job of the old time left: %s", id)
			}
		}
		w.advance(w.rome(2026, 11, 25, 12, 0), mother)
		if n := w.count(fatima, title); n != 1 {
			t.Errorf("%d reminders, want only the one before the change", n)
		}

		// Cancel it from her list: asked to confirm, then gone with its reminders.
		w.say(fatima, "/appointments")
		w.press(fatima, w.label("it", "appointment.cancel"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.cancel_confirm", nil)
		w.press(fatima, w.label("it", "appointment.cancel_yes"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.cancelled", nil)
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.calendar_delete", nil)
		w.waitCount(anna, w.text("it", "appointment.staff_cancelled", map[string]any{
			"Name": "Fatima", "What": "Pediatra", "When": w.cat.DateTime("it", now)}), 1)
		if jobs := w.jobsOf(fatima); len(jobs) != 0 {
			t.Errorf("jobs left after cancelling: %v", jobs)
		}
		w.advance(w.rome(2026, 11, 27, 14, 0), mother)
		if n := w.count(fatima, title); n != 1 {
			t.Errorf("%d reminders after cancelling", n)
		}
		// The reminder from before the move cannot answer for the new time; a
		// button of the new time says it was cancelled. Neither changes anything.
		before := w.snapshot()
		w.wantSaid(w.press(fatima, w.label("it", "appointment.yes")), "it", "common.button_invalid", nil)
		id := w.apptIDs(fatima)[0]
		w.wantSaid(w.pressSigned(fatima, "ap:yes:"+id+":1"), "it", "appointment.already_cancelled", nil)
		w.sameRedis(before)
	})
}

func TestStaffLearnOnceThatSheDidNotAnswer(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		w.sayLine(fatima, "/appointment 25/11/2026 11:00 Pediatra")
		mother, title := idOf(fatima), w.text("it", "appointment.reminder_title", nil)
		w.advance(w.rome(2026, 11, 24, 11, 0), mother)
		w.advance(w.rome(2026, 11, 25, 9, 0), mother) // the last reminder
		w.waitCount(fatima, title, 2)

		alert := w.text("it", "appointment.staff_no_answer", map[string]any{
			"Name": "Fatima", "What": "Pediatra", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 11, 0))})
		w.advance(w.rome(2026, 11, 25, 9, 59), mother)
		if w.count(anna, alert) != 0 {
			t.Fatal("staff told before she had an hour to answer")
		}
		w.advance(w.rome(2026, 11, 25, 10, 0), mother)
		w.waitCount(anna, alert, 1)
		w.advance(w.rome(2026, 11, 25, 10, 59), mother)
		if n := w.count(anna, alert); n != 1 {
			t.Errorf("staff told %d times", n)
		}
	})
}

func TestItWasMoved(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		_, fatima := aurora(w)
		w.sayLine(fatima, "/appointment 24/11/2026 10:00 Assistente sociale")
		w.advance(w.rome(2026, 11, 24, 13, 0), idOf(fatima))
		w.waitCount(fatima, w.text("it", "appointment.after_ask", map[string]any{
			"What": "Servizi sociali", "When": w.cat.DateTime("it", w.rome(2026, 11, 24, 10, 0))}), 1)

		msgs := w.press(fatima, w.label("it", "appointment.was_moved"))
		w.wantSaid(msgs, "it", "appointment.moved_intro", nil)
		w.wantSaid(msgs, "it", "appointment.ask_new_day", nil)
		w.press(fatima, "lunedì 30/11")
		msgs = w.press(fatima, "09:00")
		w.wantSaid(msgs, "it", "appointment.moved", nil)
		if start, _ := calendarIn(t, msgs); !start.Equal(w.rome(2026, 11, 30, 9, 0)) {
			t.Errorf("calendar starts %v", start)
		}
		w.wantDue(fatima, ":remind-24h", w.rome(2026, 11, 29, 9, 0))
	})
}

func TestBlockedMotherReminderFailsForGood(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
		w.tg.Block(fatima.ID)
		w.advance(w.rome(2026, 11, 24, 9, 30), idOf(fatima))

		// Her staff are alerted (by the Telegram layer), and the reminder is not retried.
		w.waitCount(anna, w.text("it", "reach.staff_alert", map[string]any{
			"Name": "Fatima", "Role": w.label("it", "role.mother")}), 1)
		dead, err := w.sched.Dead(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dead) != 1 || !strings.HasSuffix(dead[0].ID, ":remind-24h") || dead[0].Attempt != 0 {
			t.Errorf("dead jobs %+v, want the reminder after one attempt", dead)
		}
	})
}
