package e2e

import (
	"context"
	"testing"

	"nido/bot/telegramtest"
)

// When a mother blocks Nido, her staff are told once, so that someone calls
// her; when she writes again she is reachable again, and a new block is news.
func TestBlockedPersonIsReportedOnce(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	alert := w.text("it", "reach.staff_alert", map[string]any{"Name": "Fatima", "Role": w.label("it", "role.mother")})

	w.tg.Block(fatima.ID)
	w.sayLine(anna, "/appointment Fatima 25/11/2026 09:30 Pediatra")
	w.sayLine(anna, "/appointment Fatima 26/11/2026 10:00 Consultorio")
	w.waitCount(anna, alert, 1)
	if n := w.count(anna, alert); n != 1 {
		t.Fatalf("staff were alerted %d times, want once", n)
	}
	if v := w.rdb.HGet(context.Background(), "nido:person:3001", "unreachable").Val(); v != "1" {
		t.Errorf("unreachable = %q, want 1", v)
	}
	w.say(anna, "/people")
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "people.item_unreachable", map[string]any{"Name": "Fatima", "Since": w.era("lunedì 23 novembre 2026")})

	w.tg.Unblock(fatima.ID)
	w.say(fatima, "/menu")
	if v := w.rdb.HGet(context.Background(), "nido:person:3001", "unreachable").Val(); v != "0" {
		t.Errorf("after writing again, unreachable = %q, want 0", v)
	}
	w.tg.Block(fatima.ID)
	w.sayLine(anna, "/appointment Fatima 27/11/2026 11:00 Avvocato")
	w.waitCount(anna, alert, 2)
}
