package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// A day and a time typed at the core's question are read back with their
// weekday, in the person's language, before anything takes them: Yes goes
// on, No asks again, and an old or forged Yes changes nothing. A typed day
// that has passed is said to have passed. The world starts on Monday 23
// November 2026 at 09:00 in Rome; 15 December 2026 is a Tuesday.

func TestTypedDateIsReadBackInHerLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang, name, typed string
	}{
		{"it", "Fatima", "15/12 15:30"},
		{"ar", "Amina", "١٥/١٢ الساعة ١٥:٣٠"},
		{"en", "Grace", "Tuesday 15 December at 3:30 pm"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			w := newWorld(t)
			anna, _ := aurora(w)
			mother := person(3002, tt.name, tt.lang)
			w.signUp(anna, "mother", mother, tt.lang)
			w.say(mother, "/appointment")
			w.wantSaid(w.press(mother, w.label(tt.lang, "appointment.kind_social")), tt.lang, "appointment.ask_day", nil)

			at := w.rome(2026, 12, 15, 15, 30)
			msgs := w.say(mother, tt.typed)
			w.wantReadBack(msgs, tt.lang, at)
			back := msgs[len(msgs)-1]
			w.wantNamesTheDay(back, tt.lang, at) // Tuesday, December
			if got, want := back.Labels(), []string{w.label(tt.lang, "when.yes"), w.label(tt.lang, "when.no")}; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("read-back buttons %q, want %q", got, want)
			}
			if ids := w.apptIDs(mother); len(ids) != 0 {
				t.Fatalf("saved before Yes: %v", ids)
			}

			w.wantSaid(w.press(mother, w.label(tt.lang, "when.yes")), tt.lang, "appointment.ask_place", nil)
			w.press(mother, w.label(tt.lang, "appointment.skip"))
			msgs = w.press(mother, w.label(tt.lang, "appointment.skip"))
			w.wantSaid(msgs, tt.lang, "appointment.card_when", map[string]any{"When": w.cat.DateTime(tt.lang, at)})
			if start, _ := calendarIn(t, msgs); !start.Equal(at) {
				t.Errorf("calendar starts %v, want %v", start, at)
			}
		})
	}
}

// Every capability that asks the core's question reads a typed day back,
// and none of them had to change for it.
func TestEveryCapabilityReadsATypedDayBack(t *testing.T) {
	at := rome(2026, 12, 15, 15, 30)
	for _, tt := range []struct {
		name string
		// open brings u to the day question of the capability.
		open func(w *world) telegramtest.User
		next string
	}{
		{"interview", func(w *world) telegramtest.User {
			_, fatima := aurora(w)
			w.wantSaid(w.say(fatima, "/interview"), "it", "interview.ask_day", nil)
			return fatima
		}, "interview.ask_job"},
		{"family visit", func(w *world) telegramtest.User {
			_, _, marco := marcoAndFatima(w)
			w.say(marco, "/visit")
			w.wantSaid(w.press(marco, w.label("it", "family.plan")), "it", "family.ask_day", nil)
			return marco
		}, "family.ask_place"},
		{"group meeting", func(w *world) telegramtest.User {
			anna, _ := aurora(w)
			w.say(anna, "/groups")
			w.press(anna, w.label("it", "group.new"))
			w.say(anna, "Mamme del martedì")
			w.press(anna, w.label("it", "group.add"))
			w.press(anna, "Fatima")
			w.wantSaid(w.press(anna, w.label("it", "group.plan")), "it", "group.ask_day", nil)
			return anna
		}, "group.ask_place"},
		{"broadcast", func(w *world) telegramtest.User {
			anna, _ := aurora(w)
			w.say(anna, "/broadcast")
			w.press(anna, w.label("it", "broadcast.who_m"))
			w.say(anna, "Merenda insieme")
			w.wantSaid(w.press(anna, w.label("it", "broadcast.event_yes")), "it", "broadcast.ask_event_day", nil)
			return anna
		}, "broadcast.ask_place"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			u := tt.open(w)
			w.wantSaid(w.typeWhen(u, "martedì 15 dicembre alle 15:30", at), "it", tt.next, nil)
		})
	}
}

// A day pressed on a button needs no reading back; and once the day is
// pressed, the time is asked plainly, without a word that it has passed.
func TestPressedDayIsNotReadBack(t *testing.T) {
	w := newWorld(t)
	anna, _ := aurora(w)
	w.say(anna, "/broadcast")
	w.press(anna, w.label("it", "broadcast.who_m"))
	w.say(anna, "Merenda insieme")
	w.press(anna, w.label("it", "broadcast.event_yes"))
	msgs := w.press(anna, "sabato 28/11")
	w.wantSaid(msgs, "it", "appointment.ask_time", map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, 28, 0, 0))})
	for _, m := range msgs {
		if strings.Contains(m.Plain(), w.text("it", "appointment.time_past", nil)) {
			t.Errorf("a day just pressed was told its time has passed: %q", m.Plain())
		}
	}
	w.wantSaid(w.press(anna, "10:00"), "it", "broadcast.ask_place", nil)
}

// No asks the day and the time again and keeps nothing of what was read
// back; its Yes, pressed later, is no longer valid.
func TestNoAtTheReadBackAsksAgain(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_social"))
	w.wantReadBack(w.say(fatima, "10/12 10:00"), "it", w.rome(2026, 12, 10, 10, 0))

	w.wantSaid(w.press(fatima, w.label("it", "when.no")), "it", "appointment.ask_day", nil)
	before := w.snapshot()
	w.wantSaid(w.press(fatima, w.label("it", "when.yes")), "it", "common.button_invalid", nil)
	w.sameRedis(before)
	if ids := w.apptIDs(fatima); len(ids) != 0 {
		t.Fatalf("saved after No: %v", ids)
	}

	// She chooses with the buttons instead: that day and time are the ones kept.
	w.press(fatima, "giovedì 26/11")
	w.wantSaid(w.press(fatima, "09:30"), "it", "appointment.ask_place", nil)
	w.press(fatima, w.label("it", "appointment.skip"))
	msgs := w.press(fatima, w.label("it", "appointment.skip"))
	w.wantSaid(msgs, "it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 26, 9, 30))})
}

// A Yes that is not the one on screen changes nothing: the Yes of a
// read-back replaced by another, one with a code Nido never gave, one
// Nido did not sign; and another button of the flow pressed meanwhile
// does not take the day being read back.
func TestOldOrForgedYesChangesNothing(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)

	// An appointment made with the buttons leaves a Skip behind.
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_social"))
	w.press(fatima, "mercoledì 25/11")
	w.press(fatima, "09:30")
	w.press(fatima, w.label("it", "appointment.skip"))
	w.press(fatima, w.label("it", "appointment.skip"))
	saved := w.apptIDs(fatima)

	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_lawyer"))
	w.wantReadBack(w.say(fatima, "10/12 10:00"), "it", w.rome(2026, 12, 10, 10, 0))
	old := w.last(fatima)
	// Typed again at the read-back: read back in turn.
	w.wantReadBack(w.say(fatima, "11/12 10:00"), "it", w.rome(2026, 12, 11, 10, 0))
	current := w.last(fatima)

	before := w.snapshot()
	yes := w.label("it", "when.yes")
	w.wantSaid(w.pressOn(fatima, old, yes), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(fatima, "apd:ok:AAAAAAAA"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressData(fatima, "apd:ok:AAAAAAAA"), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	// The Skip of the first appointment moves the flow on, but not with
	// the day being read back: the day is asked.
	w.wantSaid(w.press(fatima, w.label("it", "appointment.skip")), "it", "appointment.ask_day", nil)
	w.wantSaid(w.pressOn(fatima, current, yes), "it", "common.button_invalid", nil)
	if got := w.apptIDs(fatima); len(got) != len(saved) {
		t.Fatalf("appointments %v, want only %v", got, saved)
	}
}

// Text typed at the read-back that is not a clear day or time gets the
// read-back again, after a word on what was wrong; a time alone changes
// the time, and is read back in turn.
func TestTextAtTheReadBack(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_social"))
	w.wantReadBack(w.say(fatima, "15/12 15:30"), "it", w.rome(2026, 12, 15, 15, 30))
	first := w.last(fatima)

	for _, tt := range []struct{ typed, said string }{
		{"sì", "common.not_understood"},
		{"alle 3", "appointment.when_ambiguous"},
		{"25:00", "appointment.time_impossible"},
	} {
		msgs := w.say(fatima, tt.typed)
		w.wantSaid(msgs, "it", tt.said, nil)
		w.wantReadBack(msgs, "it", w.rome(2026, 12, 15, 15, 30))
	}

	w.wantReadBack(w.say(fatima, "16:00"), "it", w.rome(2026, 12, 15, 16, 0))
	w.wantSaid(w.pressOn(fatima, first, w.label("it", "when.yes")), "it", "common.button_invalid", nil)
	w.wantSaid(w.press(fatima, w.label("it", "when.yes")), "it", "appointment.ask_place", nil)
}

// A day and time typed in the past are understood, and said to have
// passed, in every language; nothing is saved and the day is asked again.
func TestTypedPastIsSaidToHavePassed(t *testing.T) {
	for _, tt := range []struct {
		lang, name, typed, said string
	}{
		{"it", "Fatima", "ieri alle 10", "when.past"},
		{"it", "Fatima", "l'altro ieri alle 3", "when.past"},
		{"it", "Fatima", "ieri", "appointment.day_past"},
		{"it", "Fatima", "20/11/2026 10:00", "when.past"},
		{"it", "Fatima", "oggi alle 8", "appointment.time_past"},
		{"en", "Grace", "yesterday at 10", "when.past"},
		{"ar", "Amina", "أمس الساعة ١٠", "when.past"},
		{"fr", "Aïcha", "hier à 10h", "when.past"},
		{"es", "Rosa", "ayer a las 10", "when.past"},
		{"ro", "Ioana", "ieri la ora 10", "when.past"},
		{"uk", "Olena", "вчора о 10", "when.past"},
	} {
		t.Run(tt.lang+" "+tt.typed, func(t *testing.T) {
			w := newWorld(t)
			anna, _ := aurora(w)
			mother := person(3002, tt.name, tt.lang)
			w.signUp(anna, "mother", mother, tt.lang)
			w.say(mother, "/appointment")
			w.press(mother, w.label(tt.lang, "appointment.kind_social"))
			msgs := w.say(mother, tt.typed)
			w.wantSaid(msgs, tt.lang, tt.said, nil)
			if tt.said == "appointment.time_past" {
				// Today is still to come: only the time is asked again.
				w.wantSaid(msgs, tt.lang, "appointment.ask_time", map[string]any{"Day": w.cat.Date(tt.lang, w.rome(2026, 11, 23, 0, 0))})
			} else {
				w.wantSaid(msgs, tt.lang, "appointment.ask_day", nil)
			}
			for _, m := range msgs {
				if strings.Contains(m.Plain(), w.text(tt.lang, "appointment.when_not_understood", nil)) {
					t.Errorf("told she was not understood: %q", m.Plain())
				}
			}
			if ids := w.apptIDs(mother); len(ids) != 0 {
				t.Errorf("a past day was saved: %v", ids)
			}
		})
	}
}
