package e2e

import (
	"testing"

	"nido/bot/telegramtest"
)

// A mother in no mutual-aid group is told what one is and whom to ask:
// the staff member who invited her, by name, or her social worker when
// that person has left.
func TestAMotherInNoGroupLearnsWhatItIsAndWhomToAsk(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	amina := person(3002, "Amina", "ar")
	w.signUp(anna, "mother", amina, "ar")
	for _, m := range []telegramtest.User{fatima, amina} {
		l := m.LanguageCode
		msgs := w.say(m, "/group")
		w.wantSaid(msgs, l, "group.mine_none_about", nil)
		w.wantSaid(msgs, l, "group.mine_none_ask_staff", map[string]any{"Name": "Anna"})
	}

	// Invited by Bruno, who then left Nido.
	bruno := person(2002, "Bruno", "it")
	w.signUp(anna, "staff", bruno, "it")
	olena := person(3003, "Olena", "ar")
	w.signUp(bruno, "mother", olena, "ar")
	w.say(bruno, "/delete")
	w.press(bruno, w.label("it", "delete.yes"))
	msgs := w.say(olena, "/group")
	w.wantSaid(msgs, "ar", "group.mine_none_about", nil)
	w.wantSaid(msgs, "ar", "group.mine_none_ask", nil)
}
