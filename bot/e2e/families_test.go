package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// Solidarity families: staff pair a volunteer family with a mother; the
// family plans visits, confirms each the day before and says afterwards how
// it went; the mother is told of every visit, never of a check-in; staff
// learn at once when something is wrong. The world starts on Monday
// 23 November 2026 at 09:00 in Rome.

// pairOwner owns the jobs of the first pairing of a world.
const pairOwner = "fampair:1"

// marcoAndFatima is Casa Aurora with Anna (staff), Fatima (a mother, in
// Italian) and the Bianchi family (Marco Bianchi, in Italian), paired by
// Anna with the buttons; Marco offers shopping on Saturdays.
func marcoAndFatima(w *world) (anna, fatima, marco telegramtest.User) {
	w.t.Helper()
	anna, fatima = aurora(w)
	marco = person(4001, "Marco Bianchi", "it")
	w.signUp(anna, "family", marco, "it")

	w.say(anna, "/menu")
	w.wantSaid(w.press(anna, w.label("it", "family.menu_pair")), "it", "family.ask_family", nil)
	w.wantSaid(w.press(anna, "Marco Bianchi"), "it", "family.ask_mother", map[string]any{"Family": "Marco Bianchi"})
	w.wantSaid(w.press(anna, "Fatima"), "it", "family.ask_offer", map[string]any{"Family": "Marco Bianchi", "Max": 200})
	w.wantSaid(w.say(anna, strings.Repeat("x", 201)), "it", "family.offer_invalid", map[string]any{"Max": 200})
	w.wantSaid(w.say(anna, "La spesa il sabato"), "it", "family.pair_confirm", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
	w.wantSaid(w.press(anna, w.label("it", "family.pair_yes")), "it", "family.paired",
		map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})

	// Both learn who the other is: first names only, and what is offered.
	w.waitCount(marco, w.text("it", "family.paired_family", map[string]any{"Mother": "Fatima"}), 1)
	w.wantSaid([]telegramtest.Message{w.last(marco)}, "it", "family.offer_line", map[string]any{"Offer": "La spesa il sabato"})
	w.waitCount(fatima, w.text("it", "family.paired_mother", map[string]any{"Family": "Marco"}), 1)
	if n := w.count(fatima, "Bianchi"); n != 0 {
		w.t.Errorf("Fatima was told the family's surname %d times", n)
	}
	return anna, fatima, marco
}

// planVisit makes u (staff or the family) plan a visit at her home on day
// (a day button's label) at clock (a time button's), repeating as repeat
// (a message id of the repeat question's buttons), from a pairing's page.
func (w *world) planVisit(u telegramtest.User, day, clock, repeat string) []telegramtest.Message {
	w.t.Helper()
	w.wantSaid(w.press(u, w.label("it", "family.plan")), "it", "family.ask_day", nil)
	w.press(u, day)
	w.wantSaid(w.press(u, clock), "it", "family.ask_place", nil)
	w.wantSaid(w.press(u, w.label("it", "family.at_home")), "it", "family.ask_repeat", nil)
	weekday := map[string]int{"domenica": 0, "lunedì": 1, "martedì": 2, "mercoledì": 3, "giovedì": 4, "venerdì": 5, "sabato": 6}[strings.Fields(day)[0]]
	return w.press(u, w.text("it", repeat, map[string]any{"Day": w.label("it", "family.weekday_"+strconv.Itoa(weekday))}))
}

func TestPairingAndEndingIt(t *testing.T) {
	w := newWorld(t)
	anna, fatima, marco := marcoAndFatima(w)

	// She is paired with him already: nobody is left to pair him with.
	w.say(anna, "/pair")
	w.wantSaid(w.press(anna, "Marco Bianchi"), "it", "family.no_mothers", map[string]any{"Family": "Marco Bianchi"})

	// The family sees its mother by first name; the staff see the pairing.
	w.wantSaid(w.say(marco, "/visit"), "it", "family.page_family", map[string]any{"Mother": "Fatima"})
	w.say(anna, "/visit")
	page := w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
	w.wantSaid(page, "it", "family.page_staff", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
	w.wantSaid(page, "it", "family.offer_line", map[string]any{"Offer": "La spesa il sabato"})

	// A visit planned, then the pairing ended: both told kindly, the visit
	// and every job of it gone.
	w.say(anna, "/visit")
	w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
	w.wantSaid(w.planVisit(anna, "mercoledì 25/11", "10:00", "family.repeat_once"), "it", "family.planned", nil)
	w.waitCount(marco, w.text("it", "family.visit_new_family", map[string]any{"Mother": "Fatima"}), 1)
	if len(w.jobsOfOwner(pairOwner)) == 0 {
		t.Fatal("the visit has no jobs")
	}
	w.wantSaid(w.press(anna, w.label("it", "family.end")), "it", "family.end_confirm", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
	w.wantSaid(w.press(anna, w.label("it", "family.end_yes")), "it", "family.ended", nil)
	w.waitCount(marco, w.text("it", "family.ended_family", map[string]any{"Mother": "Fatima"}), 1)
	w.waitCount(fatima, w.text("it", "family.ended_mother", map[string]any{"Family": "Marco"}), 1)
	if jobs := w.jobsOfOwner(pairOwner); len(jobs) != 0 {
		t.Errorf("jobs left after the pairing ended: %v", jobs)
	}
	w.advance(w.rome(2026, 11, 26, 12, 0), pairOwner)
	if n := w.count(marco, w.text("it", "family.confirm_ask", map[string]any{"Mother": "Fatima"})); n != 0 {
		t.Errorf("%d confirmation questions after the pairing ended", n)
	}
	// Pressing "end" again days later changes nothing.
	w.say(anna, "/visit")
	w.wantSaid(w.say(marco, "/visit"), "it", "family.none_family", nil)
	w.wantSaid(w.say(fatima, "/visit"), "it", "family.none_mother", nil)
}

// A one-off visit: planned by the family, confirmed the day before, checked
// in after; a worry with a voice message reaches the mother's staff, who
// mark it handled. The mother is told of the visit, never of the check-in.
func TestVisitConfirmedAndCheckedIn(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, marco := marcoAndFatima(w)
		at := w.rome(2026, 11, 25, 10, 0)

		w.say(marco, "/visit")
		w.wantSaid(w.planVisit(marco, "mercoledì 25/11", "10:00", "family.repeat_once"), "it", "family.planned", nil)

		// The mother is told, in her language, with a calendar file.
		w.waitCount(fatima, w.text("it", "family.visit_new_mother", map[string]any{"Family": "Marco"}), 1)
		msgs := w.tg.Messages(fatima.ID)
		start, _ := calendarIn(t, msgs[len(msgs)-2:])
		if !start.Equal(at) {
			t.Errorf("calendar entry at %v, want %v", start, at)
		}
		w.wantSaid(msgs[len(msgs)-2:], "it", "family.where_your_home", nil)

		// The day before at the same time, the family is asked to confirm;
		// the nudge, in the evening before the quiet hours, and the staff's
		// alert wait for an answer.
		w.wantDueFor(pairOwner, "visit:1:v1:confirm", w.rome(2026, 11, 24, 10, 0))
		w.wantDueFor(pairOwner, "visit:1:v1:nudge", w.rome(2026, 11, 24, 20, 0))
		w.wantDueFor(pairOwner, "visit:1:v1:alert", w.rome(2026, 11, 25, 8, 0))
		w.wantDueFor(pairOwner, "visit:1:v1:checkin", w.rome(2026, 11, 25, 13, 0))
		ask := w.text("it", "family.confirm_ask", map[string]any{"Mother": "Fatima"})
		w.advance(w.rome(2026, 11, 24, 9, 59), pairOwner)
		if n := w.count(marco, ask); n != 0 {
			t.Fatalf("%d confirmation questions a minute early", n)
		}
		w.advance(w.rome(2026, 11, 24, 10, 0), pairOwner)
		w.waitCount(marco, ask, 1)
		w.press(marco, w.label("it", "family.confirm_yes"))
		// The question itself turns into the thank-you.
		w.wantSaid([]telegramtest.Message{w.last(marco)}, "it", "family.confirmed", nil)
		w.waitCount(fatima, w.text("it", "family.visit_confirmed_mother", map[string]any{"Family": "Marco"}), 1)
		w.wantSaid(w.say(fatima, "/visit"), "it", "family.mother_visit", map[string]any{
			"When": w.cat.DateTime("it", at), "Status": w.label("it", "family.status_confirmed")})
		// And in her list of appointments, with the rest of her week.
		w.wantSaid(w.say(fatima, "/appointments"), "it", "family.agenda_title", map[string]any{"Family": "Marco"})
		for id := range w.jobsOfOwner(pairOwner) {
			if !strings.HasSuffix(id, ":checkin") {
				t.Errorf("job %s still waits after the family confirmed", id)
			}
		}

		// Three hours after the start: how did it go? Only to the family.
		checkin := w.text("it", "family.checkin_ask", map[string]any{"Mother": "Fatima"})
		w.advance(w.rome(2026, 11, 25, 13, 0), pairOwner)
		w.waitCount(marco, checkin, 1)
		w.press(marco, w.label("it", "family.checkin_worry"))
		w.wantSaid([]telegramtest.Message{w.last(marco)}, "it", "family.checkin_thanks_concern", nil)
		w.advance(w.rome(2026, 11, 25, 13, 0), pairOwner)
		worry := w.text("it", "family.staff_worry", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
		w.waitCount(anna, worry, 1)

		// A voice message is sent on by its file id, never downloaded.
		before := len(w.tg.Messages(anna.ID))
		id, fileID := w.tg.SendVoice(marco, 14)
		w.handled.wait(t, id)
		w.wantSaid([]telegramtest.Message{w.last(marco)}, "it", "family.note_thanks", nil)
		w.advance(w.rome(2026, 11, 25, 13, 0), pairOwner)
		var forwarded bool
		for _, m := range w.tg.Messages(anna.ID)[before:] {
			if m.Voice != nil && m.Voice.FileID == fileID {
				forwarded = true
			}
		}
		if !forwarded {
			t.Errorf("the voice message %s did not reach Anna", fileID)
		}
		if n := w.tg.Calls("getFile"); n != 0 {
			t.Errorf("Nido asked Telegram for a file %d times", n)
		}

		// The concern is open until a staff member marks it handled.
		w.wantSaid(w.say(anna, "/concerns"), "it", "family.concern_item", map[string]any{
			"Family": "Marco Bianchi", "Mother": "Fatima", "When": w.cat.DateTime("it", at),
			"Answer": w.label("it", "family.answer_worry")})
		w.wantSaid(w.press(anna, w.text("it", "family.handled_item", map[string]any{"When": w.cat.Date("it", at)})), "it", "family.handled_by_you", nil)
		w.wantSaid(w.say(anna, "/concerns"), "it", "family.concerns_none", nil)

		// The mother never sees a check-in, nor what staff were told.
		for _, m := range w.tg.Messages(fatima.ID) {
			for _, bad := range []string{checkin, worry, "😟"} {
				if strings.Contains(m.Plain(), bad) {
					t.Errorf("Fatima was shown %q: %q", bad, m.Plain())
				}
			}
			if m.Voice != nil {
				t.Errorf("Fatima was sent the voice message")
			}
		}
		// The staff's page shows the visit done and the check-in.
		w.say(anna, "/visit")
		page := w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
		w.wantSaid(page, "it", "family.past_title", nil)
	})
}

// Silence: one nudge to the family halfway, then the mother's staff are
// alerted, once.
func TestUnconfirmedVisitRemindsOnceThenAlertsOnce(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, _, marco := marcoAndFatima(w)
		w.say(anna, "/visit")
		w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
		w.wantSaid(w.planVisit(anna, "mercoledì 25/11", "10:00", "family.repeat_once"), "it", "family.planned", nil)

		nudge := w.text("it", "family.confirm_nudge", map[string]any{"Mother": "Fatima"})
		alert := w.text("it", "family.staff_unconfirmed", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
		w.advance(w.rome(2026, 11, 24, 10, 0), pairOwner)
		w.advance(w.rome(2026, 11, 24, 19, 59), pairOwner)
		if n := w.count(marco, nudge); n != 0 {
			t.Fatalf("%d nudges before their time", n)
		}
		w.advance(w.rome(2026, 11, 24, 20, 0), pairOwner)
		w.waitCount(marco, nudge, 1)
		if n := w.count(anna, alert); n != 0 {
			t.Fatalf("staff alerted %d times before the alert's time", n)
		}
		w.advance(w.rome(2026, 11, 25, 8, 0), pairOwner)
		w.waitCount(anna, alert, 1)
		w.advance(w.rome(2026, 11, 25, 9, 0), pairOwner)
		if n, m := w.count(anna, alert), w.count(marco, nudge); n != 1 || m != 1 {
			t.Errorf("%d alerts and %d nudges, want one each", n, m)
		}
	})
}

// The family cannot come, or changes the time: the mother and her staff
// learn it; a new time is a new calendar entry and moves every job.
func TestChangeTheTimeAndCannotCome(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, marco := marcoAndFatima(w)
		w.say(marco, "/visit")
		w.planVisit(marco, "mercoledì 25/11", "10:00", "family.repeat_once")
		w.advance(w.rome(2026, 11, 24, 10, 0), pairOwner)
		w.waitCount(marco, w.text("it", "family.confirm_ask", map[string]any{"Mother": "Fatima"}), 1)

		w.wantSaid(w.press(marco, w.label("it", "family.change")), "it", "family.ask_day", nil)
		w.press(marco, "giovedì 26/11")
		w.wantSaid(w.press(marco, "16:00"), "it", "family.moved", nil)
		moved := w.text("it", "family.visit_moved_mother", map[string]any{"Family": "Marco", "From": w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0))})
		w.waitCount(fatima, moved, 1)
		msgs := w.tg.Messages(fatima.ID)
		if start, ev := calendarIn(t, msgs[len(msgs)-2:]); !start.Equal(w.rome(2026, 11, 26, 16, 0)) || ev.GetProperty("SEQUENCE").Value != "2" {
			t.Errorf("new calendar entry at %v, sequence %v", start, ev.GetProperty("SEQUENCE"))
		}
		w.advance(w.rome(2026, 11, 24, 10, 0), pairOwner)
		w.waitCount(anna, w.text("it", "family.staff_moved", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}), 1)
		// The family chose the new time: no question about it, only the check-in.
		jobs := w.jobsOfOwner(pairOwner)
		if len(jobs) != 1 {
			t.Errorf("jobs after the move: %v", jobs)
		}
		w.wantDueFor(pairOwner, "visit:1:v2:checkin", w.rome(2026, 11, 26, 19, 0))

		// Then they cannot come after all: asked once more, then everyone told.
		w.say(marco, "/visit")
		w.press(marco, w.label("it", "family.change_visit"))
		w.press(marco, w.cat.DateTime("it", w.rome(2026, 11, 26, 16, 0)))
		w.wantSaid(w.press(marco, w.label("it", "family.cannot")), "it", "family.cannot_confirm", nil)
		w.wantSaid(w.press(marco, w.label("it", "family.cannot_yes")), "it", "family.cancelled", nil)
		w.waitCount(fatima, w.text("it", "family.visit_cannot_mother", map[string]any{"Family": "Marco"}), 1)
		msgs = w.tg.Messages(fatima.ID)
		if _, ev := calendarIn(t, msgs[len(msgs)-2:]); ev.GetProperty("STATUS") == nil || ev.GetProperty("STATUS").Value != "CANCELLED" {
			t.Errorf("the cancellation's calendar file does not cancel the entry")
		}
		w.advance(w.rome(2026, 11, 24, 10, 0), pairOwner)
		w.waitCount(anna, w.text("it", "family.staff_cannot", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}), 1)
		if jobs := w.jobsOfOwner(pairOwner); len(jobs) != 0 {
			t.Errorf("jobs of a cancelled visit: %v", jobs)
		}
	})
}

// A worry waits for the morning like every nudge; "Urgent" reaches every
// staff member of the organisation at once, in the night too. The worry
// reaches the mother's staff only (here Anna, who invited her and paired
// them), not every colleague.
func TestUrgentCheckinIgnoresQuietHours(t *testing.T) {
	w := newWorld(t)
	anna, fatima, marco := marcoAndFatima(w)
	bianca := person(2003, "Bianca", "it")
	w.signUp(anna, "staff", bianca, "it")
	giulio := person(4002, "Giulio", "it")
	w.signUp(anna, "family", giulio, "it")
	// Giulio accompanies Fatima too.
	w.say(anna, "/pair")
	w.press(anna, "Giulio")
	w.press(anna, "Fatima")
	w.press(anna, w.label("it", "appointment.skip"))
	w.press(anna, w.label("it", "family.pair_yes"))

	for _, u := range []telegramtest.User{marco, giulio} {
		w.say(u, "/visit")
		w.planVisit(u, "mercoledì 25/11", "17:00", "family.repeat_once")
	}
	w.advance(w.rome(2026, 11, 24, 17, 0), pairOwner, "fampair:2")
	w.advance(w.rome(2026, 11, 25, 20, 0), pairOwner, "fampair:2")
	w.advance(w.rome(2026, 11, 25, 21, 30), pairOwner, "fampair:2")
	checkin := w.text("it", "family.checkin_ask", map[string]any{"Mother": "Fatima"})
	w.waitCount(marco, checkin, 1)
	w.waitCount(giulio, checkin, 1)

	w.press(marco, w.label("it", "family.checkin_worry"))
	w.press(giulio, w.label("it", "family.checkin_urgent"))
	w.advance(w.rome(2026, 11, 25, 21, 31), pairOwner, "fampair:2")
	urgent := w.text("it", "family.staff_urgent", map[string]any{"Family": "Giulio", "Mother": "Fatima"})
	worry := w.text("it", "family.staff_worry", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"})
	w.waitCount(anna, urgent, 1)
	w.waitCount(bianca, urgent, 1)
	if n := w.count(anna, worry); n != 0 {
		t.Errorf("a worry reached staff %d times in the quiet hours", n)
	}
	if jobs := w.jobsOfOwner(pairOwner); jobs["visit:1:v1:staff-worry"] != w.rome(2026, 11, 26, 8, 0) {
		t.Errorf("the worry waits for %v, want the morning", jobs)
	}
	w.advance(w.rome(2026, 11, 26, 8, 0), pairOwner)
	w.waitCount(anna, worry, 1)
	if n := w.count(bianca, worry); n != 0 {
		t.Errorf("a colleague who does not follow Fatima got the worry %d times", n)
	}
	if n := w.count(fatima, checkin) + w.count(fatima, urgent) + w.count(fatima, worry); n != 0 {
		t.Errorf("Fatima was shown %d check-ins", n)
	}
}

// A weekly visit on Thursdays at 10:00 stays at 10:00 when the clocks go
// forward (Sunday 28 March 2027); one every two weeks skips the weeks between.
func TestRecurringVisitsKeepTheirTimeAcrossDST(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era, startingAt(rome(2027, 3, 22, 9, 0)))
		anna, fatima, marco := marcoAndFatima(w)
		w.say(marco, "/visit")
		w.wantSaid(w.planVisit(marco, "giovedì 25/03", "10:00", "family.repeat_weekly"), "it", "family.planned_series", nil)
		news := w.text("it", "family.visit_new_mother", map[string]any{"Family": "Marco"})
		w.waitCount(fatima, news, 1)

		// Each week's visit is planned two days ahead, at its own time.
		for _, day := range []int{1, 8} {
			at := w.rome(2027, 4, day, 10, 0)
			w.advance(at.AddDate(0, 0, -2), pairOwner)
			w.wantDueFor(pairOwner, "visit:1-"+at.Format("20060102")+":v1:confirm", at.AddDate(0, 0, -1))
			w.wantDueFor(pairOwner, "visit:1-"+at.Format("20060102")+":v1:checkin", at.Add(3*time.Hour))
			msgs := w.tg.Messages(fatima.ID)
			if start, _ := calendarIn(t, msgs[len(msgs)-2:]); !start.Equal(at) {
				t.Errorf("visit at %v, want %v (10:00 in Rome)", start, at)
			}
		}
		w.waitCount(fatima, news, 3)

		// Stopping it cancels what is planned and plans nothing more.
		w.say(anna, "/visit")
		w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
		w.press(anna, w.label("it", "family.change_visit"))
		w.press(anna, w.cat.DateTime("it", w.rome(2027, 4, 8, 10, 0)))
		w.wantSaid(w.press(anna, w.label("it", "family.stop_series")), "it", "family.stop_confirm", nil)
		w.wantSaid(w.press(anna, w.label("it", "family.stop_yes")), "it", "family.series_stopped", nil)
		w.advance(w.rome(2027, 4, 20, 10, 0), pairOwner)
		if n := w.count(fatima, news); n != 3 {
			t.Errorf("%d visits told, want 3", n)
		}
		if jobs := w.jobsOfOwner(pairOwner); len(jobs) != 0 {
			t.Errorf("jobs after the series stopped: %v", jobs)
		}

		// Every two weeks, from Thursday 22 April: the 6th of May, not the 29th of April.
		w.say(marco, "/visit")
		w.wantSaid(w.planVisit(marco, "giovedì 22/04", "10:00", "family.repeat_fortnightly"), "it", "family.planned_series", nil)
		w.advance(w.rome(2027, 4, 27, 10, 0), pairOwner)
		w.advance(w.rome(2027, 5, 4, 10, 0), pairOwner)
		jobs := w.jobsOfOwner(pairOwner)
		if _, ok := jobs["visit:2-"+w.rome(2027, 4, 29, 0, 0).Format("20060102")+":v1:checkin"]; ok {
			t.Errorf("a visit every two weeks was planned a week after the first: %v", jobs)
		}
		w.wantDueFor(pairOwner, "visit:2-"+w.rome(2027, 5, 6, 0, 0).Format("20060102")+":v1:checkin", w.rome(2027, 5, 6, 13, 0))
		w.waitCount(fatima, news, 5)
	})
}

// A family of another organisation, an unpaired family of the same one,
// a mother, and staff of another organisation cannot reach a pairing, a
// visit or a concern, even with buttons made for them; nothing changes.
func TestOthersCannotSeeTheMother(t *testing.T) {
	w := newWorld(t)
	anna, fatima, marco := marcoAndFatima(w)
	w.say(marco, "/visit")
	w.planVisit(marco, "mercoledì 25/11", "10:00", "family.repeat_once")
	w.advance(w.rome(2026, 11, 25, 13, 0), pairOwner)
	w.press(marco, w.label("it", "family.checkin_worry"))

	lucia := person(4003, "Lucia", "it")
	w.signUp(anna, "family", lucia, "it")
	other := w.openOrg("Casa Iris", person(2101, "Irene", "it"), "it")
	paolo := person(4101, "Paolo", "it")
	w.signUp(other.staff, "family", paolo, "it")

	before := w.snapshot()
	for _, u := range []telegramtest.User{lucia, paolo, other.staff} {
		for _, data := range []string{"fg:1", "fv:1", "fu:1", "fo:1", "fa:1:1:y", "fa:1:1:N", "fk:1:1:u", "fh:1", "fea:1", "fen:1",
			"fp:4001:3001"} {
			msgs := w.pressSigned(u, data)
			if len(msgs) != 1 || !strings.Contains(msgs[0].Plain(), w.text("it", "common.button_invalid", nil)) &&
				!strings.Contains(msgs[0].Plain(), w.text("it", "common.not_allowed", nil)) {
				t.Errorf("%s pressing %s got %q", u.FirstName, data, plainOf(msgs))
			}
			for _, m := range msgs {
				if strings.Contains(m.Plain(), "Fatima") {
					t.Errorf("%s pressing %s saw Fatima: %q", u.FirstName, data, m.Plain())
				}
			}
		}
	}
	// A mother cannot plan or see a pairing's page either.
	for _, data := range []string{"fg:1", "fv:1", "fk:1:1:g"} {
		w.wantSaid(w.pressSigned(fatima, data), "it", "common.not_allowed", nil)
	}
	w.sameRedis(before)
	// A family sees only its own mothers.
	w.wantSaid(w.say(lucia, "/visit"), "it", "family.none_family", nil)
}

func plainOf(msgs []telegramtest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Plain())
	}
	return out
}

// Erasing either person ends the pairing: the other is told, and no key
// names them, no job or rule of the pairing is left.
func TestErasingEitherSideEndsThePairing(t *testing.T) {
	for _, who := range []string{"family", "mother"} {
		t.Run(who, func(t *testing.T) {
			w := newWorld(t)
			anna, fatima, marco := marcoAndFatima(w)
			w.say(marco, "/visit")
			w.planVisit(marco, "giovedì 26/11", "10:00", "family.repeat_weekly")
			w.advance(w.rome(2026, 11, 26, 13, 0), pairOwner)
			w.press(marco, w.label("it", "family.checkin_urgent"))
			w.say(marco, "note")
			w.wantSaid(w.say(marco, "/mydata"), "it", "family.mydata_pair", map[string]any{
				"Name": "Fatima", "Since": w.cat.Date("it", w.rome(2026, 11, 23, 9, 0)), "Status": w.label("it", "family.mydata_active")})

			leaving, staying := marco, fatima
			if who == "mother" {
				leaving, staying = fatima, marco
			}
			w.say(leaving, "/delete")
			w.press(leaving, w.label("it", "delete.yes"))
			w.wantSaid([]telegramtest.Message{w.last(leaving)}, "it", "delete.done", nil)
			if who == "mother" {
				w.waitCount(staying, w.text("it", "family.ended_family", map[string]any{"Mother": "Fatima"}), 1)
			} else {
				w.waitCount(staying, w.text("it", "family.ended_mother", map[string]any{"Family": "Marco"}), 1)
			}
			w.noKeysNaming(leaving)
			for k, v := range w.snapshot() {
				if strings.Contains(k, ":family:") && (strings.Contains(v, idOf(leaving)) || strings.Contains(k, idOf(leaving))) {
					t.Errorf("%s names the erased %s: %s", k, who, v)
				}
			}
			if jobs := w.jobsOfOwner(pairOwner); len(jobs) != 0 {
				t.Errorf("jobs left: %v", jobs)
			}
			rules, err := w.sched.Rules(context.Background(), pairOwner)
			if err != nil || len(rules) != 0 {
				t.Errorf("rules left: %v %v", rules, err)
			}
			w.advance(w.rome(2026, 12, 10, 12, 0))
			w.wantSaid(w.say(anna, "/concerns"), "it", "family.concerns_none", nil)
		})
	}
}

// The staff's morning digest says which of the day's visits a family has
// not confirmed, which visits got no check-in a day after they should
// have, and which concerns nobody has handled.
func TestDigestNamesUnconfirmedVisitsMissingCheckinsAndConcerns(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era) // Monday 23 November 2026, 09:00
		anna, _, marco := marcoAndFatima(w)
		if err := w.engine.EnsureRules(context.Background()); err != nil {
			t.Fatal(err)
		}
		typed := func(u telegramtest.User, when string, at time.Time) {
			w.say(u, "/visit")
			if u == anna {
				w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
			}
			w.press(u, w.label("it", "family.plan"))
			w.wantSaid(w.typeWhen(u, when, at), "it", "family.ask_place", nil)
			w.press(u, w.label("it", "family.at_home"))
			w.wantSaid(w.press(u, w.label("it", "family.repeat_once")), "it", "family.planned", nil)
		}
		typed(marco, "23/11/2026 10:00", w.rome(2026, 11, 23, 10, 0)) // never checked in
		typed(marco, "23/11/2026 12:00", w.rome(2026, 11, 23, 12, 0)) // a worry
		typed(anna, "25/11/2026 11:00", w.rome(2026, 11, 25, 11, 0))  // not confirmed
		w.advance(w.rome(2026, 11, 23, 13, 0), pairOwner)
		w.advance(w.rome(2026, 11, 23, 15, 0), pairOwner)
		w.press(marco, w.label("it", "family.checkin_worry")) // the visit at 12:00
		w.press(marco, w.label("it", "family.note_skip"))

		w.advance(w.rome(2026, 11, 25, 8, 30), pairOwner, "network")
		digest := strings.TrimSpace(w.text("it", "family.digest_unconfirmed", nil))
		w.waitCount(anna, digest, 1)
		got := []telegramtest.Message{w.last(anna)}
		names := map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{k: v}
			for n, x := range names {
				m[n] = x
			}
			return m
		}
		w.wantSaid(got, "it", "family.digest_item_time", with("When", w.cat.DateTime("it", w.rome(2026, 11, 25, 11, 0))))
		w.wantSaid(got, "it", "family.digest_no_checkin", nil)
		w.wantSaid(got, "it", "family.digest_item_day", with("Day", w.cat.Date("it", w.rome(2026, 11, 23, 0, 0))))
		w.wantSaid(got, "it", "family.digest_concerns", nil)
		w.wantSaid(got, "it", "family.concern_item", with("When", w.cat.DateTime("it", w.rome(2026, 11, 23, 12, 0))))
		if n := w.count(marco, digest); n != 0 {
			t.Error("the family got the staff's digest")
		}
	})
}

// Two people change the same visit at once: the second to finish is told
// it was moved, and the first one's time stands, with its own jobs.
func TestAStaleChangeOfTimeIsNotApplied(t *testing.T) {
	w := newWorld(t)
	anna, _, marco := marcoAndFatima(w)
	w.say(marco, "/visit")
	w.planVisit(marco, "mercoledì 25/11", "10:00", "family.repeat_once")

	// Marco begins to change it; meanwhile Anna moves it to Thursday.
	w.say(marco, "/visit")
	w.press(marco, w.label("it", "family.change_visit"))
	w.press(marco, w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0)))
	w.wantSaid(w.press(marco, w.label("it", "family.change")), "it", "family.ask_day", nil)
	w.say(anna, "/visit")
	w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
	w.press(anna, w.label("it", "family.change_visit"))
	w.press(anna, w.cat.DateTime("it", w.rome(2026, 11, 25, 10, 0)))
	w.press(anna, w.label("it", "family.change"))
	w.press(anna, "giovedì 26/11")
	w.wantSaid(w.press(anna, "15:00"), "it", "family.moved", nil)

	w.press(marco, "venerdì 27/11")
	w.wantSaid(w.press(marco, "16:00"), "it", "family.visit_was_moved", nil)
	w.wantDueFor(pairOwner, "visit:1:v2:checkin", w.rome(2026, 11, 26, 18, 0))
	if _, ok := w.jobsOfOwner(pairOwner)["visit:1:v3:checkin"]; ok {
		t.Error("the stale change was applied")
	}
}

// What a family says after a visit reaches staff even when the pairing
// ended before the morning that the quiet hours held it for.
func TestAWorryReachesStaffAfterThePairingEnded(t *testing.T) {
	w := newWorld(t)
	anna, _, marco := marcoAndFatima(w)
	w.say(marco, "/visit")
	w.planVisit(marco, "mercoledì 25/11", "17:00", "family.repeat_once")
	w.advance(w.rome(2026, 11, 24, 17, 0), pairOwner)
	w.advance(w.rome(2026, 11, 25, 20, 0), pairOwner)
	w.advance(w.rome(2026, 11, 25, 21, 30), pairOwner)
	w.press(marco, w.label("it", "family.checkin_worry"))

	w.say(anna, "/visit")
	w.press(anna, w.text("it", "family.pair_button", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}))
	w.press(anna, w.label("it", "family.end"))
	w.press(anna, w.label("it", "family.end_yes"))

	w.advance(w.rome(2026, 11, 26, 8, 0), pairOwner)
	w.waitCount(anna, w.text("it", "family.staff_worry", map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}), 1)
}

// The month's counts for funders name the visits that happened, by what
// the family said afterwards: one that went well, one that worried, one
// that did not happen; another organisation's staff see none of them.
func TestAMonthsVisitsCountForFunders(t *testing.T) {
	w := newWorld(t)
	anna, _, marco := marcoAndFatima(w)
	for _, day := range []string{"mercoledì 25/11", "giovedì 26/11", "venerdì 27/11"} {
		w.say(marco, "/visit")
		w.wantSaid(w.planVisit(marco, day, "10:00", "family.repeat_once"), "it", "family.planned", nil)
	}
	checkin := w.text("it", "family.checkin_ask", map[string]any{"Mother": "Fatima"})
	for i, answer := range []string{"family.checkin_good", "family.checkin_worry", "family.checkin_notdone"} {
		w.advance(w.rome(2026, 11, 25+i, 13, 0), pairOwner)
		// Each question turns into the thanks once answered: one at a time.
		w.waitCount(marco, checkin, 1)
		w.press(marco, w.label("it", answer))
	}
	// What the family said reaches staff by jobs, which run on their own
	// time: the month's counts, whose message is read last below, come
	// after them.
	names := map[string]any{"Family": "Marco Bianchi", "Mother": "Fatima"}
	for _, what := range []string{"worry", "notdone"} {
		w.waitCount(anna, w.text("it", "family.staff_"+what, names), 1)
	}
	w.wantSaid(w.say(anna, "/month"), "it", "family.month_line", map[string]any{
		"Visits": 2, "Concerns": 1, "Missed": 1, "Families": 1, "Mothers": 1})
	// October, on the same message: nothing yet.
	w.press(anna, w.label("it", "month.prev"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "month.none", nil)

	other := w.openOrg("Casa Iris", person(2101, "Iris", "it"), "it")
	msgs := w.say(other.staff, "/month")
	w.wantSaid(msgs, "it", "month.none", nil)
	if n := w.count(other.staff, w.text("it", "family.month_line", map[string]any{
		"Visits": 2, "Concerns": 1, "Missed": 1, "Families": 1, "Mothers": 1})); n != 0 {
		t.Errorf("another organisation's staff saw Casa Aurora's visits %d times", n)
	}
}
