package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Staff end a group: asked first, then its mothers are told once, its
// meeting's reminder is gone, and nothing of the group is left in Redis.
func TestEndingAGroup(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	w.press(fatima, w.label("it", "group.come"))
	w.say(anna, "/groups")
	w.press(anna, "Mamme del martedì")

	// "No" changes nothing.
	before := w.snapshot()
	w.press(anna, w.label("it", "group.end"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.end_confirm", map[string]any{"Name": "Mamme del martedì"})
	w.press(anna, w.label("it", "group.cancel_no"))
	w.sameRedis(before)

	// A staff member of another organisation cannot end it, even with a forged button.
	other := w.openOrg("Casa Sole", person(2101, "Sara", "it"), "it")
	before = w.snapshot()
	w.wantSaid(w.pressSigned(other.staff, "gre:1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	w.say(anna, "/groups")
	w.press(anna, "Mamme del martedì")
	old := w.last(fatima) // her meeting, with its buttons
	w.press(anna, w.label("it", "group.end"))
	w.press(anna, w.label("it", "group.end_yes"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.ended", map[string]any{"Name": "Mamme del martedì"})
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.ended_for_you", map[string]any{"Group": "Mamme del martedì"}), 1)
	}
	for k := range w.snapshot() {
		ofGroups := strings.Contains(k, ":group:") || strings.Contains(k, ":groups:") || strings.Contains(k, ":meeting:")
		if ofGroups && !strings.HasSuffix(k, ":seq") { // the id counters stay, so that no id is given twice
			t.Errorf("key %s left after the group ended", k)
		}
	}
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("jobs left after the group ended: %v", jobs)
	}

	// Her meeting's message says it is cancelled, without its buttons; one
	// pressed anyway no longer works, kindly; the day comes and goes
	// without a reminder.
	for _, m := range w.tg.Messages(fatima.ID) {
		if m.ID == old.ID {
			w.wantSaid([]telegramtest.Message{m}, "it", "group.meeting_cancelled", nil)
			if len(m.Buttons) != 0 {
				t.Errorf("the meeting of a group that ended keeps its buttons: %q", m.Labels())
			}
		}
	}
	w.handled.wait(t, w.tg.PressData(fatima, old.ID, old.Buttons[1][0].CallbackData))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "common.button_invalid", nil)
	msgs := w.say(fatima, "/group")
	w.wantSaid(msgs, "it", "group.mine_none_about", nil)
	w.wantSaid(msgs, "it", "group.mine_none_ask_staff", map[string]any{"Name": "Anna"})
	w.advance(w.rome(2026, 11, 25, 18, 0), "group:1")
	if n := w.count(fatima, w.text("it", "group.reminder_title", map[string]any{"Group": "Mamme del martedì"})); n != 0 {
		t.Errorf("%d reminders of a meeting of a group that ended", n)
	}
}
