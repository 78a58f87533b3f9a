package e2e

import (
	"testing"

	"nido/bot/telegramtest"
	"nido/flows/flowstest"
)

// A step that failed half-way is finished by its repeat (the same button
// pressed again, or Telegram delivering the press twice), and nobody is told
// twice. The step is cut short by a Redis command that fails, as after a
// crash or a lost connection.

func TestACancellationCutShortIsFinishedByItsRepeat(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	meeting := w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0))
	w.press(anna, w.label("it", "group.cancel"))
	w.press(anna, meeting)
	// The press marks the meeting cancelled, then fails as it drops the reminder.
	w.failOnce(flowstest.Command("hget", "meet:1:remind-24h"))
	w.wantSaid(w.press(anna, w.label("it", "group.cancel_yes")), "it", "common.error", nil)

	// Pressed again, the same button finishes it (the question becomes the
	// answer), and a second tap on it changes nothing.
	w.tapTwice(anna, w.label("it", "group.cancel_yes"))
	w.waitCount(anna, w.text("it", "group.cancelled", nil), 1)
	told := func(m telegramtest.User) string {
		return w.text(m.LanguageCode, "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme del martedì"})
	}
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, told(m), 1)
	}
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("the reminder of the cancelled meeting is still there: %v", jobs)
	}
	for _, m := range []telegramtest.User{fatima, olena} {
		if n := w.count(m, told(m)); n != 1 {
			t.Errorf("%s was told %d times", m.FirstName, n)
		}
	}
}

func TestAMeetingThatTookPlaceCannotBeCancelled(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	w.press(anna, w.label("it", "group.cancel"))
	// She leaves the question open until after the meeting.
	w.advance(w.rome(2026, 11, 25, 18, 0), "group:1")
	before := w.snapshot()
	w.wantSaid(w.press(anna, w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0))), "it", "group.meeting_passed", nil)
	w.sameRedis(before)
	if n := w.count(fatima, w.text("it", "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme del martedì"})); n != 0 {
		t.Errorf("told %d times of the cancellation of a meeting that took place", n)
	}
}

func TestAnAddCutShortIsFinishedByItsRepeat(t *testing.T) {
	w := newWorld(t)
	anna, _, _ := tuesdayGroup(w)
	maria := person(3003, "Maria", "it")
	w.signUp(anna, "mother", maria, "it")
	w.press(anna, w.label("it", "group.add"))
	// The press puts her in the group, then fails before she is welcomed.
	w.failOnce(flowstest.Command("hmget", ":person:"+idOf(maria)))
	w.wantSaid(w.press(anna, "Maria"), "it", "common.error", nil)

	// Her name is not offered any more: she is in. Anna adds her again
	// from the group's page, which finishes the welcome.
	w.wantSaid(w.press(anna, "Maria"), "it", "group.already_in", map[string]any{"Name": "Maria"})
	welcome := w.text("it", "group.welcome", map[string]any{"Group": "Mamme del martedì"})
	w.waitCount(maria, welcome, 1)
	w.wantSaid(w.say(maria, "/group"), "it", "group.meeting_of", map[string]any{"Group": "Mamme del martedì"})

	// Pressed again: no second welcome.
	w.press(anna, "Maria")
	if n := w.count(maria, welcome); n != 1 {
		t.Errorf("%d welcomes, want 1", n)
	}
}

// An appointment's cancellation cut short after the mark is finished when
// the mother presses again; her staff are told once.
func TestAnAppointmentCancellationCutShortIsFinishedByItsRepeat(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	marco := person(2002, "Marco", "it")
	w.signUp(anna, "staff", marco, "it")
	w.sayLine(anna, "/appointment Fatima 25/11/2026 10:00 Pediatra")
	w.press(fatima, w.label("it", "appointment.cancel"))
	// Her press marks it cancelled, then fails as it drops the reminders.
	w.failOnce(flowstest.Command("zrange", "{sched}:owner:"+idOf(fatima)))
	w.wantSaid(w.press(fatima, w.label("it", "appointment.cancel_yes")), "it", "common.error", nil)

	w.tapTwice(fatima, w.label("it", "appointment.cancel_yes"))
	w.waitCount(fatima, w.text("it", "appointment.cancelled", nil), 1)
	staffNews := w.text("it", "appointment.staff_cancelled", map[string]any{
		"Name": "Fatima", "What": "Pediatra", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0))})
	for _, st := range []telegramtest.User{anna, marco} {
		w.waitCount(st, staffNews, 1)
	}
	if jobs := w.jobsOf(fatima); len(jobs) != 0 {
		t.Errorf("reminders left after the cancellation: %v", jobs)
	}
	if n, m := w.count(anna, staffNews), w.count(marco, staffNews); n != 1 || m != 1 {
		t.Errorf("Anna told %d times, Marco %d times; want once each", n, m)
	}
}
