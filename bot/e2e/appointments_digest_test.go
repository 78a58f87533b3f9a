package e2e

import (
	"context"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// After an outage the morning digest of a day gone by is not sent: staff
// get today's only.
func TestDigestOfAPastDayIsNotSentLate(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era) // Monday 23 November 2026, 09:00
		anna, fatima := aurora(w)
		if err := w.engine.EnsureRules(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.sayLine(anna, "/appointment Fatima 24/11/2026 10:00 Pediatra")
		w.sayLine(anna, "/appointment Fatima 25/11/2026 10:00 Avvocato")
		title := func(d int) string {
			s, err := w.cat.Text("it", "digest.title", map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, d, 0, 0)), "Count": 1}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return plain(s)
		}

		// Nido is down from Monday at 09:00 to Wednesday at 09:00: Tuesday's
		// and Wednesday's digests are both due when it comes back.
		w.advance(w.rome(2026, 11, 25, 9, 0), idOf(fatima), "network")
		w.waitCount(anna, title(25), 1)
		if n := w.count(anna, title(24)); n != 0 {
			t.Errorf("Tuesday's digest sent on Wednesday (%d)", n)
		}
	})
}

// No digest on a national holiday, even on a weekday with appointments: the
// staff are not at work. The next working morning brings that day's.
func TestNoDigestOnAHoliday(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era) // Monday 23 November 2026, 09:00
		anna, fatima := aurora(w)
		if err := w.engine.EnsureRules(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.sayLine(anna, "/appointment Fatima 08/12/2026 10:00 Pediatra") // Tuesday, Immacolata
		w.sayLine(anna, "/appointment Fatima 09/12/2026 10:00 Avvocato")
		title := func(d int) string {
			s, err := w.cat.Text("it", "digest.title", map[string]any{"Day": w.cat.Date("it", w.rome(2026, 12, d, 0, 0)), "Count": 1}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return plain(s)
		}

		w.advance(w.rome(2026, 12, 8, 9, 0), idOf(fatima), "network")
		if n := w.count(anna, title(8)); n != 0 {
			t.Errorf("a digest on the 8th of December, a holiday (%d)", n)
		}
		w.advance(w.rome(2026, 12, 9, 9, 0), idOf(fatima), "network")
		w.waitCount(anna, title(9), 1)
	})
}

// A cancelled appointment is not counted among the day's: it is listed
// apart, in the digest and in the day view, for staff reading Italian or
// Arabic.
func TestDigestCountsOnlyWhatWillHappen(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	karim := person(2002, "Karim", "ar")
	w.signUp(anna, "staff", karim, "ar")
	if err := w.engine.EnsureRules(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.sayLine(anna, "/appointment Fatima 24/11/2026 10:00 Pediatra")
	w.sayLine(fatima, "/appointment 24/11/2026 12:00 Avvocato")
	w.sayLine(fatima, "/appointment 24/11/2026 15:00 Consultorio")
	w.say(fatima, "/appointments")
	for _, m := range w.tg.Messages(fatima.ID) {
		if strings.Contains(m.Plain(), "Avvocato") && len(m.Buttons) > 0 {
			w.pressOn(fatima, m, w.label("it", "appointment.cancel"))
			w.press(fatima, w.label("it", "appointment.cancel_yes"))
			break
		}
	}

	// The day before: the reminders go, so that the digest finds them sent.
	w.advance(w.rome(2026, 11, 23, 16, 0), idOf(fatima))
	w.advance(w.rome(2026, 11, 24, 8, 30), idOf(fatima), "network")
	for _, st := range []struct {
		u    telegramtest.User
		lang string
	}{{anna, "it"}, {karim, "ar"}} {
		title, err := w.cat.Text(st.lang, "digest.title", map[string]any{"Day": w.cat.Date(st.lang, w.rome(2026, 11, 24, 0, 0)), "Count": 2}, 2)
		if err != nil {
			t.Fatal(err)
		}
		w.waitCount(st.u, plain(title), 1)
		// The digest itself, wherever other news of the morning put it.
		var digest []telegramtest.Message
		for _, m := range w.tg.Messages(st.u.ID) {
			if strings.Contains(m.Plain(), plain(title)) {
				digest = append(digest, m)
			}
		}
		cancelled, err := w.cat.Text(st.lang, "appointment.day_cancelled", map[string]any{"Count": 1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(digest[0].Plain(), plain(cancelled)) {
			t.Errorf("%s digest without its cancellation: %q", st.lang, digest[0].Plain())
		}
		w.wantSaid(digest, st.lang, "appointment.day_cancelled_item", map[string]any{"Time": "12:00", "Name": "Fatima",
			"What": w.label(st.lang, "appointment.kind_lawyer")})
		w.wantSaid(digest, st.lang, "appointment.day_item", map[string]any{"Time": "10:00", "Name": "Fatima",
			"What": w.label(st.lang, "appointment.kind_paediatrician"), "Status": w.label(st.lang, "appointment.status_no_answer")})
		if n := strings.Count(digest[0].Plain(), w.label(st.lang, "appointment.status_cancelled")); n != 0 {
			t.Errorf("%s digest counts the cancelled one among the day's: %q", st.lang, digest[0].Plain())
		}
	}

	// The day view says the same.
	w.say(anna, "/appointments")
	day := w.press(anna, w.label("it", "appointment.list_today"))
	w.wantSaid(day, "it", "appointment.day_cancelled_item", map[string]any{"Time": "12:00", "Name": "Fatima", "What": "Avvocato"})
	title, _ := w.cat.Text("it", "appointment.day_title", map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, 24, 0, 0)), "Count": 2}, 2)
	if !strings.Contains(day[0].Plain(), plain(title)) {
		t.Errorf("day view %q, want %q", day[0].Plain(), plain(title))
	}
}
