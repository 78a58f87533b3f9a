package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Staff who leave are forgotten in the records they touched: the people
// they invited, and the appointments, groups, meetings, pairings and visits
// they made, keep no trace of their Telegram id; the records themselves stay
// for the colleagues who go on.
func TestStaffWhoLeaveAreForgottenInTheirOrganisationsRecords(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, _ := aurora(w)
	marco := person(2002, "Marco", "it")
	w.signUp(anna, "staff", marco, "it")
	w.sayLine(anna, "/appointment Fatima 25/11/2026 10:00 Pediatra")
	w.say(anna, "/groups")
	w.press(anna, w.label("it", "group.new"))
	w.say(anna, "Mamme del giovedì")
	w.press(anna, w.label("it", "group.add"))
	w.press(anna, "Fatima")
	w.press(anna, w.label("it", "group.plan"))
	w.typeWhen(anna, "26/11/2026 17:00", w.rome(2026, 11, 26, 17, 0))
	w.press(anna, w.label("it", "appointment.skip"))
	w.wantSaid(w.press(anna, w.label("it", "group.repeat_once")), "it", "group.planned", nil)
	lucia := person(4001, "Lucia", "it")
	w.signUp(marco, "family", lucia, "it")
	w.say(anna, "/pair")
	w.press(anna, "Lucia")
	w.press(anna, "Fatima")
	w.press(anna, w.label("it", "appointment.skip"))
	w.press(anna, w.label("it", "family.pair_yes"))
	w.wantSaid(w.planVisit(anna, "mercoledì 25/11", "10:00", "family.repeat_weekly"), "it", "family.planned_series", nil)

	w.say(anna, "/delete")
	w.press(anna, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "delete.done", nil)

	for k, v := range w.snapshot() {
		if strings.Contains(k, "2001") || strings.Contains(v, "2001") {
			t.Errorf("key %s still names Anna after she left: %s", k, v)
		}
	}
	// What she made is still there for Marco.
	w.say(marco, "/appointments")
	w.wantSaid(w.press(marco, "Fatima"), "it", "appointment.card_when", map[string]any{
		"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0))})
	w.wantSaid(w.say(marco, "/groups"), "it", "group.list_title", nil)
	w.say(marco, "/visit")
	w.wantSaid(w.press(marco, w.text("it", "family.pair_button", map[string]any{"Family": "Lucia", "Mother": "Fatima"})),
		"it", "family.next_title", nil)
}
