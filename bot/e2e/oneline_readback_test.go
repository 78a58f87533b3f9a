package e2e

import (
	"slices"
	"testing"
	"time"
)

// A day written in a one-line command ("/appointment 15/12/2026 15:30
// Pediatra", "/interview 15/12/2026 15:30 Hotel Roma") is read back with
// its weekday, in her language, before anything takes it, as a day typed
// at the question is: Yes goes on, No asks the day again and keeps nothing
// of it. The world starts on Monday 23 November 2026 at 09:00 in Rome;
// 15 December 2026 is a Tuesday.

func TestOneLineAppointmentIsReadBack(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t)
			_, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			at := w.rome(2026, 12, 15, 15, 30)
			msgs := w.say(amina, "/appointment 15/12/2026 15:30 Pediatra")
			w.wantReadBack(msgs, lang, at)
			w.wantNamesTheDay(msgs[len(msgs)-1], lang, at)
			w.wantButtons(w.last(amina), lang, "when.yes", "when.no")
			if ids := w.apptIDs(amina); len(ids) != 0 {
				t.Fatalf("saved before Yes: %v", ids)
			}
			got := w.press(amina, label("when.yes"))
			w.wantSaid(got, lang, "appointment.created", nil)
			w.wantSaid(got, lang, "appointment.card_when", map[string]any{"When": w.cat.DateTime(lang, at)})

			// No: the day is asked again, nothing is saved, and the Yes
			// of that read-back no longer holds.
			w.wantReadBack(w.say(amina, "/appointment 16/12/2026 10:00 Avvocato"), lang, w.rome(2026, 12, 16, 10, 0))
			back := w.last(amina)
			w.wantSaid(w.press(amina, label("when.no")), lang, "appointment.ask_day", nil)
			w.wantSaid(w.pressOn(amina, back, label("when.yes")), lang, "common.button_invalid", nil)
			if ids := w.apptIDs(amina); len(ids) != 1 {
				t.Fatalf("appointments after No: %v, want only the first", ids)
			}
			// The day she presses instead is the one saved, with what the line said.
			w.press(amina, w.dayButton(lang, w.rome(2026, 11, 26, 0, 0)))
			got = w.press(amina, "10:00")
			w.wantSaid(got, lang, "appointment.card_what", map[string]any{"What": label("appointment.kind_lawyer")})
			w.wantSaid(got, lang, "appointment.card_when", map[string]any{"When": w.cat.DateTime(lang, w.rome(2026, 11, 26, 10, 0))})
		})
	}
}

func TestOneLineInterviewIsReadBack(t *testing.T) {
	for _, lang := range []string{"it", "ar"} {
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t)
			_, amina := motherIn(w, lang)
			label := func(id string) string { return w.label(lang, id) }
			at := w.rome(2026, 12, 15, 15, 30)
			msgs := w.say(amina, "/interview 15/12/2026 15:30 Hotel Roma")
			w.wantReadBack(msgs, lang, at)
			w.wantNamesTheDay(msgs[len(msgs)-1], lang, at)
			w.wantButtons(w.last(amina), lang, "when.yes", "when.no")
			w.wantSaid(w.press(amina, label("when.yes")), lang, "interview.ask_job", nil)
			w.press(amina, label("interview.job_catering"))
			got := w.press(amina, label("interview.childcare_no"))
			w.wantSaid(got, lang, "interview.created", nil)
			w.wantSaid(got, lang, "interview.card_when", map[string]any{"When": w.cat.DateTime(lang, at)})

			// No: the day is asked again, and the one read back is not kept.
			w.wantReadBack(w.say(amina, "/interview 16/12/2026 10:00 Bar Sport"), lang, w.rome(2026, 12, 16, 10, 0))
			back := w.last(amina)
			w.wantSaid(w.press(amina, label("when.no")), lang, "interview.ask_day", nil)
			w.wantSaid(w.pressOn(amina, back, label("when.yes")), lang, "common.button_invalid", nil)
			w.press(amina, w.dayButton(lang, w.rome(2026, 11, 26, 0, 0)))
			w.wantSaid(w.press(amina, "10:00"), lang, "interview.ask_job", nil)
			w.press(amina, label("interview.job_catering"))
			got = w.press(amina, label("interview.childcare_no"))
			w.wantSaid(got, lang, "interview.card_when", map[string]any{"When": w.cat.DateTime(lang, w.rome(2026, 11, 26, 10, 0))})
			w.wantSaid(got, lang, "interview.card_where", map[string]any{"Where": "Bar Sport"})
		})
	}
}

// An appointment that is a job interview goes on in /interview, and its
// day is read back once: in the line with the kind, in a line whose kind
// is chosen after, and not at all for staff, whose /interview asks the
// mother and the day again.
func TestAJobInterviewAppointmentIsReadBackOnce(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	readBacks := func(at time.Time) int {
		return w.count(fatima, w.text("it", "when.check", map[string]any{"When": w.cat.DateTime("it", at)}))
	}

	at := w.rome(2026, 11, 27, 10, 0)
	w.wantSaid(w.sayLine(fatima, "/appointment 27/11/2026 10:00 Colloquio Hotel Roma"), "it", "interview.ask_job", nil)
	w.press(fatima, w.label("it", "interview.job_catering"))
	got := w.press(fatima, w.label("it", "interview.childcare_no"))
	w.wantSaid(got, "it", "interview.card_when", map[string]any{"When": w.cat.DateTime("it", at)})
	if n := readBacks(at); n != 1 {
		t.Errorf("27/11 read back %d times, want once", n)
	}

	at = w.rome(2026, 11, 30, 11, 0)
	w.sayLine(fatima, "/appointment 30/11/2026 11:00")
	w.wantSaid(w.press(fatima, w.label("it", "appointment.kind_interview")), "it", "interview.ask_job", nil)
	w.press(fatima, w.label("it", "interview.job_cleaning"))
	w.press(fatima, w.label("it", "appointment.skip")) // where: not in the line
	got = w.press(fatima, w.label("it", "interview.childcare_no"))
	w.wantSaid(got, "it", "interview.card_when", map[string]any{"When": w.cat.DateTime("it", at)})
	if n := readBacks(at); n != 1 {
		t.Errorf("30/11 read back %d times, want once", n)
	}

	msgs := w.say(anna, "/appointment Fatima 01/12/2026 10:00 Colloquio")
	w.wantSaid(msgs, "it", "interview.staff_title", nil)
	for _, m := range msgs {
		if slices.Contains(m.Labels(), w.label("it", "when.yes")) {
			t.Errorf("staff were asked to confirm a day /interview does not take: %q", m.Plain())
		}
	}
}
