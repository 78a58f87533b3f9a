package e2e

import (
	"testing"

	"nido/bot/telegramtest"
)

// A mother who leaves leaves no key behind, the Telegram layer's included:
// its record of which job sent her which message is named by job ids that
// end in her Telegram id and name her group or appointment. The other
// mother's records stay, so her jobs still do not send twice.
func TestErasedMotherLeavesNoKeyNamingHer(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima, olena := tuesdayGroup(w)
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_new", map[string]any{"Group": "Mamme del martedì"}), 1)
	}
	// And a reminder of an appointment, sent by a scheduled job.
	w.sayLine(anna, "/appointment Fatima 25/11/2026 10:00 Pediatra")
	w.advance(w.rome(2026, 11, 24, 10, 0), idOf(fatima))
	w.waitCount(fatima, w.text("it", "appointment.reminder_title", nil), 1)

	her, other := named(fatima), named(olena)
	if len(w.keysMatching(her, ":bot:sent-job")) == 0 || len(w.keysMatching(other, ":bot:sent-job")) == 0 {
		t.Fatalf("no sent-job record names the mothers before erasure: the test checks nothing; keys: %v", w.keys("*"))
	}

	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "delete.done", nil)

	w.noKeysNaming(fatima)
	if len(w.keysMatching(other, ":bot:sent-job")) == 0 {
		t.Error("the other mother's sent-job records went with hers")
	}
}
