package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Mutual-aid groups: staff gather a few mothers of their organisation and
// plan meetings; the mothers say whether they come, and a reminder comes a
// day before to those who did not say no. The world starts on Monday
// 23 November 2026 at 09:00 in Rome.

func TestMutualAidGroup(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, olena := tuesdayGroup(w)
		when := w.rome(2026, 11, 25, 17, 0)

		// Each mother gets the meeting, when and where, with a map and two answers.
		for _, m := range []telegramtest.User{fatima, olena} {
			l := m.LanguageCode
			w.waitCount(m, w.text(l, "group.meeting_new", map[string]any{"Group": "Mamme del martedì"}), 1)
			got := []telegramtest.Message{w.last(m)}
			w.wantSaid(got, l, "appointment.card_when", map[string]any{"When": w.cat.DateTime(l, when)})
			w.wantSaid(got, l, "appointment.card_where", map[string]any{"Place": "Via Roma 1"})
			labels := strings.Join(got[0].Labels(), "|")
			for _, id := range []string{"group.come", "group.not_come", "appointment.map"} {
				if !strings.Contains(labels, w.label(l, id)) {
					t.Errorf("%s's meeting lacks %s: %q", m.FirstName, id, labels)
				}
			}
		}
		w.press(fatima, w.label("it", "group.come"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "group.answer_yes", nil)
		w.press(olena, w.label("uk", "group.not_come"))
		w.wantSaid([]telegramtest.Message{w.last(olena)}, "uk", "group.answer_no", nil)

		// Staff see who comes.
		w.say(anna, "/groups")
		page := w.press(anna, "Mamme del martedì")
		w.wantSaid(page, "it", "group.meeting_item", map[string]any{
			"When": w.cat.DateTime("it", when), "Yes": 1, "No": 1, "None": 0})
		w.wantSaid(page, "it", "group.member_item", map[string]any{"Name": "Olena"})

		// A mother sees her group, its meetings and her answer, never who else is in it.
		msgs := w.say(fatima, "/group")
		w.wantSaid(msgs, "it", "group.answer_yes", nil)
		for _, m := range msgs {
			if strings.Contains(m.Plain(), "Olena") {
				t.Errorf("a mother sees another member: %q", m.Plain())
			}
		}
		// She changes her mind, and changes it back.
		w.press(fatima, w.label("it", "group.not_come"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "group.answer_no", nil)
		w.press(fatima, w.label("it", "group.come"))

		// A day before: the reminder, only to the one who did not say no.
		title := func(u telegramtest.User) string {
			return w.text(u.LanguageCode, "group.reminder_title", map[string]any{"Group": "Mamme del martedì"})
		}
		w.advance(w.rome(2026, 11, 24, 16, 59), "group:1")
		if n := w.count(fatima, title(fatima)); n != 0 {
			t.Fatalf("%d reminders a minute early", n)
		}
		w.advance(w.rome(2026, 11, 24, 17, 0), "group:1")
		w.waitCount(fatima, title(fatima), 1)
		rem := w.last(fatima)
		w.wantSaid([]telegramtest.Message{rem}, "it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", when)})
		if labels := strings.Join(rem.Labels(), "|"); !strings.Contains(labels, w.label("it", "group.come")) ||
			!strings.Contains(labels, w.label("it", "group.not_come")) {
			t.Errorf("reminder buttons %q", labels)
		}
		if n := w.count(olena, title(olena)); n != 0 {
			t.Errorf("Olena said she cannot come, and got %d reminders", n)
		}

		// /mydata lists her group and her answer.
		msgs = w.say(fatima, "/mydata")
		w.wantSaid(msgs, "it", "group.mydata_group", map[string]any{"Name": "Mamme del martedì"})
		w.wantSaid(msgs, "it", "group.mydata_answer", map[string]any{"When": w.cat.DateTime("it", when),
			"Answer": w.label("it", "group.status_yes")})
	})
}

func TestAnotherOrganisationCannotTouchAGroup(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		_, fatima, olena := tuesdayGroup(w)
		sole := w.openOrg("Casa Sole", person(2002, "Marco", "it"), "it")
		amina := person(3003, "Amina", "it")
		w.signUp(sole.staff, "mother", amina, "it")
		group, meeting := "1", "1" // the first of each, as their buttons carry them

		// Their list does not have it.
		if got := w.say(sole.staff, "/groups"); strings.Contains(strings.Join(got[0].Labels(), "|"), "martedì") {
			t.Errorf("another organisation lists the group: %q", got[0].Labels())
		}
		// A mother has no /groups.
		w.wantSaid(w.say(fatima, "/groups"), "it", "common.not_allowed", nil)

		before := w.snapshot()
		for _, tt := range []struct {
			who  telegramtest.User
			data string
		}{
			{sole.staff, "grp:" + group}, {sole.staff, "gra:" + group}, {sole.staff, "gra:" + group + ":" + idOf(amina)},
			{sole.staff, "grr:" + group + ":" + idOf(olena)}, {sole.staff, "grm:" + group},
			{sole.staff, "grc:" + group + ":" + meeting}, {sole.staff, "grx:" + meeting},
			{amina, "gm:y:" + meeting}, {fatima, "gm:y:9" + meeting},
		} {
			msgs := w.pressSigned(tt.who, tt.data)
			w.wantSaid(msgs, "it", "common.button_invalid", nil)
			for _, m := range msgs {
				if strings.Contains(m.Plain(), "martedì") || strings.Contains(m.Plain(), "Fatima") {
					t.Errorf("%s by %d showed the group: %q", tt.data, tt.who.ID, m.Plain())
				}
			}
		}
		// Data Nido never signed does not even reach the flows.
		w.wantSaid(w.pressData(sole.staff, "grx:"+meeting), "it", "common.button_invalid", nil)
		w.sameRedis(before)
	})
}

func TestErasedMotherLeavesTheGroupAndCancelledMeetingsAreTold(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, olena := tuesdayGroup(w)
		w.waitCount(olena, w.text("uk", "group.meeting_new", map[string]any{"Group": "Mamme del martedì"}), 1)

		// Olena erases her data: she leaves the group, and hears nothing more.
		w.say(olena, "/delete")
		w.press(olena, w.label("uk", "delete.yes"))
		if ks := w.keys("nido:groups:mother:*"); len(ks) != 1 {
			t.Errorf("mothers' group lists: %v", ks)
		}
		w.say(anna, "/groups")
		page := w.press(anna, "Mamme del martedì")
		if strings.Contains(page[len(page)-1].Plain(), "Olena") {
			t.Errorf("staff still see her in the group: %q", page[len(page)-1].Plain())
		}
		one, err := w.cat.Text("it", "group.members", map[string]any{"Count": 1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page[len(page)-1].Plain(), plain(one)) {
			t.Errorf("want %q in the page: %q", plain(one), page[len(page)-1].Plain())
		}
		before := len(w.tg.Messages(olena.ID))
		w.advance(w.rome(2026, 11, 24, 17, 0), "group:1")
		w.waitCount(fatima, w.text("it", "group.reminder_title", map[string]any{"Group": "Mamme del martedì"}), 1)
		if got := w.tg.Messages(olena.ID)[before:]; len(got) != 0 {
			t.Errorf("an erased mother was sent %d messages", len(got))
		}

		// A second meeting, then cancelled: Fatima is told, and its reminder goes.
		w.press(anna, w.label("it", "group.plan"))
		w.press(anna, w.label("it", "appointment.other_day"))
		later := w.rome(2026, 12, 2, 18, 0)
		w.wantSaid(w.typeWhen(anna, "2/12/2026 18:00", later), "it", "group.ask_place", nil)
		w.press(anna, w.label("it", "appointment.skip"))
		w.press(anna, w.label("it", "group.repeat_once"))
		w.waitCount(fatima, w.text("it", "group.meeting_new", map[string]any{"Group": "Mamme del martedì"}), 2)
		w.wantDueFor("group:1", "meet:2:remind-24h", w.rome(2026, 12, 1, 18, 0))

		card := w.last(fatima) // the second meeting, with its buttons
		w.press(anna, w.label("it", "group.cancel"))
		w.press(anna, w.cat.DateTime("it", later))
		w.press(anna, w.label("it", "group.cancel_yes"))
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.cancelled", nil)
		w.waitCount(fatima, w.text("it", "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme del martedì"}), 1)
		for id := range w.jobsOfOwner("group:1") {
			if strings.HasPrefix(id, "meet:2:") {
				t.Errorf("job left after cancelling: %v", id)
			}
		}
		// Her old buttons say it is cancelled, and change nothing.
		snap := w.snapshot()
		msgs, toast := w.pressKept(fatima, card, w.label("it", "group.come"))
		if want := w.text("it", "group.meeting_cancelled", nil); len(msgs) != 0 || toast != want {
			t.Errorf("an old button of a cancelled meeting: %d messages, toast %q; want none and %q", len(msgs), toast, want)
		}
		w.sameRedis(snap)
	})
}
