package e2e

import (
	"context"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Job interviews: a mother (or her social worker) saves one; the right tip
// comes at the right moment on the clocks of Rome, and "How did it go?"
// after it; a job offer reaches her staff at once. The world starts on
// Monday 23 November 2026 at 09:00.

// interviewJob is the id of a job of interview 1, version v.
func interviewJob(v, what string) string { return "iv:1:v" + v + ":" + what }

func TestInterviewTipsComeAtTheirMoments(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		bianca := person(2003, "Bianca", "it")
		w.signUp(anna, "staff", bianca, "it")
		at := w.rome(2026, 11, 26, 9, 30)

		// One line: the day, the time and the place; then the kind of job and childcare.
		w.wantSaid(w.sayLine(fatima, "/interview 26/11/2026 09:30 Hotel Roma, Via Nazionale 7"), "it", "interview.ask_job", nil)
		w.wantSaid(w.press(fatima, w.label("it", "interview.job_catering")), "it", "interview.ask_childcare", nil)
		got := w.press(fatima, w.label("it", "interview.childcare_yes"))
		w.wantSaid(got, "it", "interview.created", nil)
		if start, _ := calendarIn(t, got); !start.Equal(at) {
			t.Errorf("calendar entry at %v, want %v", start, at)
		}

		// 72 hours before, 24 hours before, and 2 hours before, which is
		// in the quiet hours: held until 08:00, as the interview comes later.
		owner := idOf(fatima)
		w.wantDueFor(owner, interviewJob("1", "tip-72h"), w.rome(2026, 11, 23, 9, 30))
		w.wantDueFor(owner, interviewJob("1", "tip-24h"), w.rome(2026, 11, 25, 9, 30))
		w.wantDueFor(owner, interviewJob("1", "tip-2h"), w.rome(2026, 11, 26, 8, 0))
		w.wantDueFor(owner, interviewJob("1", "followup"), w.rome(2026, 11, 26, 12, 30))

		bring := w.text("it", "interview.tip_questions_catering", nil)
		w.advance(w.rome(2026, 11, 23, 9, 30), owner)
		w.waitCount(fatima, bring, 1)
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "interview.tip_bring", nil)

		route := w.text("it", "interview.tip_clothes_catering", nil)
		w.advance(w.rome(2026, 11, 25, 9, 29), owner)
		if n := w.count(fatima, route); n != 0 {
			t.Fatalf("%d route tips a minute early", n)
		}
		w.advance(w.rome(2026, 11, 25, 9, 30), owner)
		w.waitCount(fatima, route, 1)
		labels := strings.Join(w.last(fatima).Labels(), "|")
		if !strings.Contains(labels, w.label("it", "appointment.map")) || !strings.Contains(labels, w.label("it", "interview.still_need")) {
			t.Errorf("the route tip's buttons are %q", labels)
		}
		// She still has nobody for her child: her social worker learns it at once.
		w.wantSaid(w.press(fatima, w.label("it", "interview.still_need")), "it", "interview.childcare_told", nil)
		w.waitCount(anna, w.text("it", "interview.staff_childcare", map[string]any{"Name": "Fatima"}), 1)

		last := w.text("it", "interview.tip_courage", nil)
		w.advance(w.rome(2026, 11, 26, 7, 59), owner)
		if n := w.count(fatima, last); n != 0 {
			t.Fatalf("the last tip came in the quiet hours")
		}
		w.advance(w.rome(2026, 11, 26, 8, 0), owner)
		w.waitCount(fatima, last, 1)

		// Afterwards: how did it go? A job offer reaches her social worker
		// (who invited her), not a colleague who does not follow her.
		w.advance(w.rome(2026, 11, 26, 12, 30), owner)
		w.waitCount(fatima, w.text("it", "interview.followup_ask", nil), 1)
		w.press(fatima, w.label("it", "interview.outcome_offer"))
		w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "interview.outcome_thanks_offer", nil)
		offer := w.text("it", "interview.staff_offer", map[string]any{"Name": "Fatima"})
		w.waitCount(anna, offer, 1)
		if n := w.count(bianca, offer); n != 0 {
			t.Errorf("a colleague who does not follow Fatima was told of the offer %d times", n)
		}
		// Staff see it in their list and in the month's counts.
		msgs := w.say(anna, "/interview")
		w.wantSaid(msgs, "it", "interview.month", map[string]any{"Interviews": 1, "Attended": 1, "Offers": 1})
		w.wantSaid(msgs, "it", "interview.staff_item_outcome", map[string]any{"When": w.cat.DateTime("it", at), "Name": "Fatima",
			"Job": w.label("it", "interview.job_catering"), "Outcome": w.label("it", "interview.outcome_offer")})
	})
}

// Made by staff, it reaches her with its calendar file; it is in her list of
// appointments, where moving it moves every tip and cancelling drops them.
func TestMovingAndCancellingAnInterviewMoveItsTips(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima := aurora(w)
		owner := idOf(fatima)

		w.say(anna, "/interview")
		w.wantSaid(w.press(anna, "Fatima"), "it", "interview.ask_day", nil)
		w.press(anna, "venerdì 27/11")
		w.wantSaid(w.press(anna, "10:00"), "it", "interview.ask_job", nil)
		w.press(anna, w.label("it", "interview.job_office"))
		w.press(anna, w.label("it", "appointment.skip"))
		w.wantSaid(w.press(anna, w.label("it", "interview.childcare_no")), "it", "interview.created_staff", map[string]any{"Name": "Fatima"})
		w.waitCount(fatima, w.text("it", "interview.created_for_you", nil), 1)
		w.wantDueFor(owner, interviewJob("1", "tip-72h"), w.rome(2026, 11, 24, 10, 0))

		// In her list of appointments, with its own card.
		msgs := w.say(fatima, "/appointments")
		w.wantSaid(msgs, "it", "interview.card_title", map[string]any{"Job": w.label("it", "interview.job_office")})
		w.wantSaid(w.press(fatima, w.label("it", "interview.change")), "it", "interview.ask_day", nil)
		w.press(fatima, "lunedì 30/11")
		got := w.press(fatima, "11:00")
		w.wantSaid(got, "it", "interview.moved", nil)
		if start, ev := calendarIn(t, got); !start.Equal(w.rome(2026, 11, 30, 11, 0)) || ev.GetProperty("SEQUENCE").Value != "2" {
			t.Errorf("new calendar entry at %v", start)
		}
		jobs := w.jobsOfOwner(owner)
		if _, ok := jobs[interviewJob("1", "tip-72h")]; ok {
			t.Errorf("a tip of the old time is still waiting: %v", jobs)
		}
		w.wantDueFor(owner, interviewJob("2", "tip-72h"), w.rome(2026, 11, 27, 11, 0))
		w.wantDueFor(owner, interviewJob("2", "tip-24h"), w.rome(2026, 11, 29, 11, 0))
		w.wantDueFor(owner, interviewJob("2", "tip-2h"), w.rome(2026, 11, 30, 9, 0))

		// Cancelled: no tip, no follow-up; her calendar drops it.
		w.say(fatima, "/appointments")
		w.wantSaid(w.press(fatima, w.label("it", "interview.cancel")), "it", "interview.cancel_confirm", nil)
		got = w.press(fatima, w.label("it", "interview.cancel_yes"))
		w.wantSaid(got, "it", "interview.cancelled", nil)
		if _, ev := calendarIn(t, got); ev.GetProperty("STATUS") == nil || ev.GetProperty("STATUS").Value != "CANCELLED" {
			t.Error("the cancellation's calendar file does not cancel the entry")
		}
		for id := range w.jobsOfOwner(owner) {
			if strings.HasPrefix(id, "iv:") {
				t.Errorf("job %s still waits after the cancellation", id)
			}
		}
		w.advance(w.rome(2026, 12, 1, 12, 0), owner)
		if n := w.count(fatima, w.text("it", "interview.tip_courage", nil)); n != 0 {
			t.Errorf("%d tips of a cancelled interview", n)
		}
	})
}

// Made two hours and a half ahead: the earlier tips' moments have passed
// and are skipped, never sent late; only the last comes.
func TestAnInterviewSoonGetsOnlyTheLastTip(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)
	w.sayLine(fatima, "/interview 23/11/2026 11:30 Bar Sport")
	w.press(fatima, w.label("it", "interview.job_catering"))
	got := w.press(fatima, w.label("it", "interview.childcare_no"))
	one, err := w.cat.Text("it", "interview.tips_when", map[string]any{"Count": 1, "When": w.cat.DateTime("it", w.rome(2026, 11, 23, 9, 30))}, 1)
	if err != nil || !strings.Contains(got[0].Plain(), plain(one)) {
		t.Errorf("%q does not say %q (%v)", got[0].Plain(), plain(one), err)
	}
	jobs := w.jobsOfOwner(idOf(fatima))
	if len(jobs) != 2 {
		t.Errorf("jobs %v, want the last tip and the follow-up", jobs)
	}
	w.advance(w.rome(2026, 11, 23, 9, 30), idOf(fatima))
	if n := w.count(fatima, w.text("it", "interview.tip_questions_catering", nil)); n != 0 {
		t.Error("a tip whose moment had passed was sent late")
	}
	w.waitCount(fatima, w.text("it", "interview.tip_courage", nil), 1)

	// The tips can be read any time.
	w.say(fatima, "/tips")
	w.wantSaid(w.press(fatima, w.label("it", "interview.job_cleaning")), "it", "interview.tip_questions_cleaning", nil)
}

// Another mother, or staff of another organisation, cannot see or touch
// her interview, even with buttons made for them; nothing changes.
func TestOthersCannotTouchAnInterview(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.sayLine(fatima, "/interview 26/11/2026 09:30 Hotel Roma")
	w.press(fatima, w.label("it", "interview.job_catering"))
	w.press(fatima, w.label("it", "interview.childcare_yes"))
	olena := person(3002, "Olena", "uk")
	w.signUp(anna, "mother", olena, "uk")
	other := w.openOrg("Casa Iris", person(2101, "Irene", "it"), "it")

	before := w.snapshot()
	for _, u := range []telegramtest.User{olena, other.staff} {
		presses := []string{"io:1", "ia:1:1:m", "ia:1:1:c", "ia:1:1:C", "if:1:1:o", "ik:1:1"}
		if u == other.staff {
			presses = append(presses, "in:"+idOf(fatima))
		}
		for _, data := range presses {
			msgs := w.pressSigned(u, data)
			for _, m := range msgs {
				if strings.Contains(m.Plain(), "Hotel Roma") || strings.Contains(m.Plain(), "Fatima") {
					t.Errorf("%s pressing %s saw her interview: %q", u.FirstName, data, m.Plain())
				}
			}
			if len(msgs) != 1 {
				t.Errorf("%s pressing %s got %d messages", u.FirstName, data, len(msgs))
			}
		}
	}
	w.sameRedis(before)
	w.wantSaid(w.say(olena, "/appointments"), "uk", "appointment.list_none", nil)
}

// Erasing a mother erases her interviews and their jobs.
func TestErasingAMotherErasesHerInterviews(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.sayLine(fatima, "/interview 23/11/2026 10:00 Bar Sport")
	w.press(fatima, w.label("it", "interview.job_catering"))
	w.press(fatima, w.label("it", "interview.childcare_no"))
	w.advance(w.rome(2026, 11, 23, 13, 0), idOf(fatima))
	w.press(fatima, w.label("it", "interview.outcome_well"))
	w.wantSaid(w.say(fatima, "/mydata"), "it", "interview.card_where", map[string]any{"Where": "Bar Sport"})

	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.noKeysNaming(fatima)
	if jobs := w.jobsOfOwner(idOf(fatima)); len(jobs) != 0 {
		t.Errorf("jobs left: %v", jobs)
	}
	for k := range w.snapshot() {
		if strings.Contains(k, ":interview:") && !strings.HasSuffix(k, ":interview:seq") {
			t.Errorf("key %s left after her erasure", k)
		}
	}
	w.wantSaid(w.say(anna, "/interview"), "it", "interview.month", map[string]any{"Interviews": 0, "Attended": 0, "Offers": 0})
}

// The morning digest lists the day's interviews, and how those of the day
// before went.
func TestDigestSaysTheInterviewsAndHowTheyWent(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	if err := w.engine.EnsureRules(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"/interview 23/11/2026 10:00 Bar Sport", "/interview 24/11/2026 11:00 Hotel Roma"} {
		w.sayLine(fatima, line)
		w.press(fatima, w.label("it", "interview.job_catering"))
		w.press(fatima, w.label("it", "interview.childcare_no"))
	}
	w.advance(w.rome(2026, 11, 23, 13, 0), idOf(fatima))
	w.press(fatima, w.label("it", "interview.outcome_notwell"))

	w.advance(w.rome(2026, 11, 24, 8, 30), idOf(fatima), "network")
	today := strings.TrimSpace(w.text("it", "interview.digest_today", nil))
	w.waitCount(anna, today, 1)
	got := []telegramtest.Message{w.last(anna)}
	job := w.label("it", "interview.job_catering")
	w.wantSaid(got, "it", "interview.staff_item", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 24, 11, 0)), "Name": "Fatima", "Job": job})
	w.wantSaid(got, "it", "interview.digest_outcomes", nil)
	w.wantSaid(got, "it", "interview.staff_item_outcome", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 23, 10, 0)),
		"Name": "Fatima", "Job": job, "Outcome": w.label("it", "interview.outcome_notwell")})
}

// A tip due in the quiet hours is held until the morning when the interview
// comes later; when the interview itself comes before the morning, holding
// it back would bring it too late: it comes the evening before instead.
func TestATipBeforeAnEarlyInterviewComesTheEveningBefore(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	_, fatima := aurora(w)
	w.sayLine(fatima, "/interview 25/11/2026 07:30 Forno Roscioli")
	w.press(fatima, w.label("it", "interview.job_catering"))
	w.press(fatima, w.label("it", "interview.childcare_no"))
	w.wantDueFor(idOf(fatima), interviewJob("1", "tip-24h"), w.rome(2026, 11, 24, 8, 0))
	w.wantDueFor(idOf(fatima), interviewJob("1", "tip-2h"), w.rome(2026, 11, 24, 20, 59))
}

// A job interview made as an appointment becomes an interview, with its
// tips: a mother's one line goes on where she left it; staff choose the
// mother again.
func TestAnAppointmentForAJobInterviewBecomesAnInterview(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	w.wantSaid(w.sayLine(fatima, "/appointment 27/11/2026 10:00 Colloquio Hotel Roma"), "it", "interview.ask_job", nil)
	w.press(fatima, w.label("it", "interview.job_catering"))
	got := w.press(fatima, w.label("it", "interview.childcare_no"))
	w.wantSaid(got, "it", "interview.card_where", map[string]any{"Where": "Hotel Roma"})
	w.wantDueFor(idOf(fatima), interviewJob("1", "tip-72h"), w.rome(2026, 11, 24, 10, 0))

	w.say(anna, "/appointment")
	w.press(anna, "Fatima")
	w.wantSaid(w.press(anna, w.label("it", "appointment.kind_interview")), "it", "interview.staff_title", nil)
}
