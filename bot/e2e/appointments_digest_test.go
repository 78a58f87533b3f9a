package e2e

import (
	"context"
	"testing"
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
		w.say(anna, "/appointment Fatima 24/11/2026 10:00 Pediatra")
		w.say(anna, "/appointment Fatima 25/11/2026 10:00 Avvocato")
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
		w.say(anna, "/appointment Fatima 08/12/2026 10:00 Pediatra") // Tuesday, Immacolata
		w.say(anna, "/appointment Fatima 09/12/2026 10:00 Avvocato")
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
