package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Before an appointment is saved or moved at a time when something else is
// planned for her (within an hour), or on a national holiday, the one
// making it is told and chooses: save anyway, change the time, or not.

// wantButtons fails unless m's buttons are the labels of ids in lang, in
// order, as a person reads them (without direction marks).
func (w *world) wantButtons(m telegramtest.Message, lang string, ids ...string) {
	w.t.Helper()
	var want []string
	for _, id := range ids {
		want = append(want, w.label(lang, id))
	}
	got := m.Labels()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		w.t.Errorf("buttons %q, want %q", got, want)
	}
}

func TestTwoThingsAtTheSameTimeAreWarned(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t) // Monday 23 November 2026, 09:00
			anna, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			w.sayLine(amina, "/appointment 25/11/2026 09:30 Pediatra")
			paediatrician := map[string]any{"What": label("appointment.kind_paediatrician"),
				"When": w.cat.DateTime(lang, w.rome(2026, 11, 25, 9, 30))}

			// Half an hour later, the same day: she is told what is then.
			w.say(amina, "/appointment")
			w.press(amina, label("appointment.kind_lawyer"))
			w.press(amina, w.dayButton(lang, w.rome(2026, 11, 25, 0, 0)))
			msgs := w.press(amina, "10:00")
			w.wantSaid(msgs, lang, "appointment.clash_title", nil)
			w.wantSaid(msgs, lang, "appointment.clash_item", paediatrician)
			w.wantSaid(msgs, lang, "appointment.warn_ask", nil)
			w.wantButtons(w.last(amina), lang, "appointment.warn_save", "appointment.warn_change_time", "appointment.warn_drop")
			if n := len(w.apptIDs(amina)); n != 1 {
				t.Fatalf("%d appointments before she answered, want 1", n)
			}
			// Another time, an hour and a half after the other: no word.
			w.wantSaid(w.press(amina, label("appointment.warn_change_time")), lang, "appointment.ask_time",
				map[string]any{"Day": w.cat.Date(lang, w.rome(2026, 11, 25, 0, 0))})
			w.wantSaid(w.press(amina, "11:00"), lang, "appointment.ask_place", nil)
			w.press(amina, label("appointment.skip"))
			w.wantSaid(w.press(amina, label("appointment.skip")), lang, "appointment.created", nil)

			// Moving it back next to the other: asked, and left as it was.
			w.say(amina, "/appointments")
			w.press(amina, label("appointment.change")) // the last card: the lawyer at 11:00
			w.press(amina, w.dayButton(lang, w.rome(2026, 11, 25, 0, 0)))
			msgs = w.press(amina, "09:00")
			w.wantSaid(msgs, lang, "appointment.clash_item", paediatrician)
			w.wantSaid(msgs, lang, "appointment.warn_ask_move", nil)
			w.wantButtons(w.last(amina), lang, "appointment.warn_save", "appointment.warn_change_time", "appointment.warn_keep_old")
			msgs = w.press(amina, label("appointment.warn_keep_old"))
			w.wantSaid(msgs, lang, "appointment.kept", nil)
			w.wantSaid(msgs, lang, "appointment.card_when", map[string]any{"When": w.cat.DateTime(lang, w.rome(2026, 11, 25, 11, 0))})
			w.wantDue(amina, ":v0:remind-24h", w.rome(2026, 11, 24, 11, 0))

			// A job interview is planned too (another part of Nido): an
			// appointment half an hour after it shows it, and is saved anyway.
			w.sayLine(amina, "/interview 26/11/2026 15:00 Hotel Roma")
			w.press(amina, label("interview.job_catering"))
			w.wantSaid(w.press(amina, label("interview.childcare_no")), lang, "interview.created", nil)
			msgs = w.sayLine(amina, "/appointment 26/11/2026 15:30 Avvocato")
			w.wantSaid(msgs, lang, "appointment.clash_title", nil)
			w.wantSaid(msgs, lang, "interview.card_title", map[string]any{"Job": label("interview.job_catering")})
			w.wantSaid(w.press(amina, label("appointment.warn_save")), lang, "appointment.created", nil)
			if n := len(w.apptIDs(amina)); n != 3 {
				t.Errorf("%d appointments, want 3", n)
			}

			// Staff making one for her are told the same, and may drop it:
			// nothing is saved, and she hears nothing.
			heard := len(w.tg.Messages(amina.ID))
			msgs = w.sayLine(anna, "/appointment Amina 25/11/2026 10:15 Consultorio")
			w.wantSaid(msgs, "it", "appointment.clash_item", map[string]any{"What": w.label("it", "appointment.kind_paediatrician"),
				"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30))})
			w.wantSaid(msgs, "it", "appointment.clash_item", map[string]any{"What": w.label("it", "appointment.kind_lawyer"),
				"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 11, 0))})
			w.wantSaid(w.press(anna, w.label("it", "appointment.warn_drop")), "it", "appointment.dropped", nil)
			if n := len(w.apptIDs(amina)); n != 3 {
				t.Errorf("%d appointments after staff dropped one, want 3", n)
			}
			if n := len(w.tg.Messages(amina.ID)); n != heard {
				t.Errorf("she was sent %d messages about an appointment not saved", n-heard)
			}
		})
	}
}

// A holiday is said, with its name, when she or staff choose it; a
// warning's button pressed after the day was changed is no longer valid.
func TestAHolidayIsWarned(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era, startingAt(rome(2026, 12, 1, 9, 0)))
		anna, amina := motherIn(w, "ar")
		christmas := w.rome(2026, 12, 25, 0, 0)
		for _, who := range []struct {
			u    telegramtest.User
			lang string
			line string
		}{{amina, "ar", "/appointment 25/12/2026 10:00 Avvocato"}, {anna, "it", "/appointment Amina 25/12/2026 10:00 Avvocato"}} {
			msgs := w.sayLine(who.u, who.line)
			w.wantSaid(msgs, who.lang, "appointment.holiday_warning", map[string]any{
				"Day": w.cat.Date(who.lang, christmas), "Holiday": w.label(who.lang, "appointment.holiday_christmas")})
			w.wantButtons(w.last(who.u), who.lang, "appointment.warn_save", "appointment.warn_change_day", "appointment.warn_drop")
			warning := w.last(who.u)
			w.wantSaid(w.press(who.u, w.label(who.lang, "appointment.warn_change_day")), who.lang, "appointment.ask_day", nil)
			before := w.snapshot()
			w.wantSaid(w.pressOn(who.u, warning, w.label(who.lang, "appointment.warn_save")), who.lang, "common.button_invalid", nil)
			w.sameRedis(before)
		}
		if n := len(w.apptIDs(amina)); n != 0 {
			t.Fatalf("%d appointments saved on Christmas", n)
		}

		// Staff moving hers to the 8th of December, a holiday: told, and moved anyway.
		w.sayLine(amina, "/appointment 07/12/2026 10:00 Avvocato")
		w.say(anna, "/appointments")
		w.press(anna, "Amina")
		w.press(anna, w.label("it", "appointment.staff_change"))
		w.press(anna, w.dayButton("it", w.rome(2026, 12, 8, 0, 0)))
		msgs := w.press(anna, "10:00")
		w.wantSaid(msgs, "it", "appointment.holiday_warning", map[string]any{
			"Day": w.cat.Date("it", w.rome(2026, 12, 8, 0, 0)), "Holiday": w.label("it", "appointment.holiday_immaculate")})
		w.wantSaid(msgs, "it", "appointment.warn_ask_move", nil)
		w.wantSaid(w.press(anna, w.label("it", "appointment.warn_save")), "it", "appointment.moved_staff", map[string]any{"Name": "Amina"})
		w.waitCount(amina, w.text("ar", "appointment.moved_for_you", nil), 1)
		w.wantDue(amina, ":v1:remind-24h", w.rome(2026, 12, 7, 10, 0))
	})
}

// A meeting of her mutual-aid group is planned for her too: an appointment
// next to it warns, whoever makes it, and her list of appointments shows
// it, with her answer and its buttons; staff see it without them.
func TestAGroupMeetingIsInHerAgenda(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t) // Monday 23 November 2026, 09:00
			anna, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			w.say(anna, "/groups")
			w.press(anna, w.label("it", "group.new"))
			w.say(anna, "Mamme del martedì")
			w.press(anna, w.label("it", "group.add"))
			w.press(anna, "Amina")
			w.press(anna, w.label("it", "group.plan"))
			w.typeWhen(anna, "24/11/2026 10:00", w.rome(2026, 11, 24, 10, 0))
			w.wantSaid(w.press(anna, w.label("it", "appointment.skip")), "it", "group.ask_repeat", nil)
			w.wantSaid(w.press(anna, w.label("it", "group.repeat_once")), "it", "group.planned", nil)
			w.waitCount(amina, w.text(lang, "group.meeting_new", map[string]any{"Group": "Mamme del martedì"}), 1)
			meeting := func(lang string) map[string]any {
				return map[string]any{"What": w.text(lang, "group.meeting_of", map[string]any{"Group": "Mamme del martedì"}),
					"When": w.cat.DateTime(lang, w.rome(2026, 11, 24, 10, 0))}
			}

			// Half an hour after the meeting: she is told of it, and saves anyway.
			msgs := w.sayLineIn(amina, lang, "/appointment 24/11/2026 10:30 Pediatra")
			w.wantSaid(msgs, lang, "appointment.clash_title", nil)
			w.wantSaid(msgs, lang, "appointment.clash_item", meeting(lang))
			w.wantSaid(w.press(amina, label("appointment.warn_save")), lang, "appointment.created", nil)

			// Her list has both; the meeting's card takes her answer.
			msgs = w.say(amina, "/appointments")
			w.wantIn(msgs, w.countText(lang, "appointment.list_title", 2, map[string]any{"Count": 2}))
			card := w.wantIn(msgs, w.text(lang, "group.meeting_of", map[string]any{"Group": "Mamme del martedì"}))
			w.wantSaid([]telegramtest.Message{card}, lang, "group.answer_none", nil)
			w.wantButtons(card, lang, "group.come", "group.not_come")
			w.pressOn(amina, card, label("group.come"))
			w.wantSaid([]telegramtest.Message{w.now(amina, card)}, lang, "group.answer_yes", nil)

			// Staff making one for her are told of the meeting too.
			msgs = w.sayLine(anna, "/appointment Amina 24/11/2026 09:30 Consultorio")
			w.wantSaid(msgs, "it", "appointment.clash_item", meeting("it"))
			w.press(anna, w.label("it", "appointment.warn_save"))
			if n := len(w.apptIDs(amina)); n != 2 {
				t.Fatalf("%d appointments, want 2", n)
			}
			// Her list, as staff see it: the meeting, without her buttons.
			w.say(anna, "/appointments")
			msgs = w.press(anna, "Amina")
			w.wantIn(msgs, w.countText("it", "appointment.list_of", 3, map[string]any{"Name": "Amina", "Count": 3}))
			card = w.wantIn(msgs, w.text("it", "group.meeting_of", map[string]any{"Group": "Mamme del martedì"}))
			w.wantButtons(card, "it")
		})
	}
}
