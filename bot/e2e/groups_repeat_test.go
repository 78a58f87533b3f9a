package e2e

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"nido/bot/telegramtest"
)

// A step that failed half-way is finished by its repeat (the same press
// again, or Telegram delivering it twice), and nobody is told twice. The
// half-done state is written straight into Redis, as the failed step left it.

func TestACancellationCutShortIsFinishedByItsRepeat(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	// The first press marked the meeting cancelled, then failed.
	w.rdb.HSet(context.Background(), "nido:meeting:1", "status", "cancelled")

	w.wantSaid(w.pressSigned(anna, "grx:1"), "it", "group.cancelled", nil)
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme del martedì"}), 1)
	}
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("the reminder of the cancelled meeting is still there: %v", jobs)
	}
	// And once more: nobody hears it twice.
	w.pressSigned(anna, "grx:1")
	for _, m := range []telegramtest.User{fatima, olena} {
		if n := w.count(m, w.text(m.LanguageCode, "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme del martedì"})); n != 1 {
			t.Errorf("%s was told %d times", m.FirstName, n)
		}
	}
}

func TestAMeetingThatTookPlaceCannotBeCancelled(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	w.advance(w.rome(2026, 11, 25, 18, 0), "group:1")
	before := w.snapshot()
	w.wantSaid(w.pressSigned(anna, "grc:1:1"), "it", "group.meeting_passed", nil)
	w.wantSaid(w.pressSigned(anna, "grx:1"), "it", "group.meeting_passed", nil)
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
	// The first press put her in the group's list only, then failed.
	w.rdb.ZAdd(context.Background(), "nido:group:1:members", redis.Z{Score: 1, Member: idOf(maria)})

	w.wantSaid(w.pressSigned(anna, "gra:1:"+idOf(maria)), "it", "group.already_in", map[string]any{"Name": "Maria"})
	welcome := w.text("it", "group.welcome", map[string]any{"Group": "Mamme del martedì"})
	w.waitCount(maria, welcome, 1)
	w.wantSaid(w.say(maria, "/group"), "it", "group.meeting_of", map[string]any{"Group": "Mamme del martedì"})

	// Pressed again: no second welcome.
	w.pressSigned(anna, "gra:1:"+idOf(maria))
	if n := w.count(maria, welcome); n != 1 {
		t.Errorf("%d welcomes, want 1", n)
	}
}

// An appointment's cancellation cut short after the mark is finished when
// the one who cancelled presses again; the others are told once. Someone
// else pressing an old "cancel" button only hears that it is cancelled.
func TestAnAppointmentCancellationCutShortIsFinishedByItsRepeat(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	marco := person(2002, "Marco", "it")
	w.signUp(anna, "staff", marco, "it")
	w.say(anna, "/appointment Fatima 25/11/2026 10:00 Pediatra")
	id := w.apptIDs(fatima)[0]
	// Anna's first press marked it cancelled, then failed.
	w.rdb.HSet(context.Background(), "nido:appt:"+id, "cancelled", "1", "cancelled_by", idOf(anna))

	w.wantSaid(w.pressSigned(fatima, "ap:delok:"+id+":0"), "it", "appointment.already_cancelled", nil)
	w.pressSigned(anna, "ap:delok:"+id+":0")
	news := w.text("it", "appointment.cancelled_for_you", nil)
	w.waitCount(fatima, news, 1)
	staffNews := w.text("it", "appointment.staff_cancelled", map[string]any{
		"Name": "Fatima", "What": "Pediatra", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0))})
	w.waitCount(marco, staffNews, 1)
	if jobs := w.jobsOf(fatima); len(jobs) != 0 {
		t.Errorf("reminders left after the cancellation: %v", jobs)
	}
	// Once more: nobody hears it twice.
	w.pressSigned(anna, "ap:delok:"+id+":0")
	if n, m := w.count(fatima, news), w.count(marco, staffNews); n != 1 || m != 1 {
		t.Errorf("Fatima told %d times, Marco %d times; want once each", n, m)
	}
}
