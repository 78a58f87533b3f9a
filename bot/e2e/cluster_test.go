package e2e

import (
	"testing"

	"nido/bot/telegramtest"
)

// The whole of Nido on a Redis Cluster of three primaries: sign-up, an
// appointment, its reminder and her answer, a duplicated update, erasure.
// Every script and transaction of Nido must stay within one hash slot, or
// the Cluster refuses it.
func TestNidoOnRedisCluster(t *testing.T) {
	w := newWorld(t, onCluster) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
	mother, title := idOf(fatima), w.text("it", "appointment.reminder_title", nil)

	w.advance(w.rome(2026, 11, 24, 9, 30), mother)
	w.waitCount(fatima, title, 1)
	w.press(fatima, w.label("it", "appointment.yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.confirmed", nil)

	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "delete.done", nil)
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "delete.staff_notice", map[string]any{"Name": "Fatima", "Role": w.text("it", "role.mother", nil)})
	w.wantSaid(w.say(fatima, "/mydata"), "it", "privacy.no_data", nil)

	// Her last reminder would have come two hours before: nothing comes.
	before := len(w.tg.Messages(fatima.ID))
	w.advance(w.rome(2026, 11, 25, 9, 30))
	if n := len(w.tg.Messages(fatima.ID)); n != before {
		t.Errorf("%d messages after she left, want none", n-before)
	}
}
