package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows/flowstest"
	"nido/scheduler"
)

// Recurring group meetings, two reminders, and moving one meeting.

const seriesGroupName = "Mamme del giovedì"

// seriesGroup is Casa Aurora with Fatima (Italian) and Olena (Ukrainian) in
// the group "Mamme del giovedì", with no meeting yet; Anna sees its page.
func seriesGroup(w *world) (anna, fatima, olena telegramtest.User) {
	w.t.Helper()
	anna, fatima = aurora(w)
	olena = person(3002, "Olena", "uk")
	w.signUp(anna, "mother", olena, "uk")
	w.say(anna, "/groups")
	w.press(anna, w.label("it", "group.new"))
	w.say(anna, seriesGroupName)
	for _, m := range []telegramtest.User{fatima, olena} {
		w.press(anna, w.label("it", "group.add"))
		w.wantSaid(w.press(anna, m.FirstName), "it", "group.added", map[string]any{"Name": m.FirstName})
	}
	return anna, fatima, olena
}

// seriesPlan is Anna planning, from the group's page, a meeting on the day
// button day at the time button clock in Via Roma 1, repeating as repeat
// (a group.repeat_* id) says, with no end date, or until the day typed in
// until, read back as last. It returns what Nido said last.
func seriesPlan(w *world, anna telegramtest.User, day, clock, repeat, until string, last time.Time) []telegramtest.Message {
	w.t.Helper()
	w.press(anna, w.label("it", "group.plan"))
	w.press(anna, day)
	w.press(anna, clock)
	w.wantSaid(w.say(anna, "Via Roma 1"), "it", "group.ask_repeat", nil)
	msgs := w.press(anna, w.label("it", repeat))
	if repeat == "group.repeat_once" {
		return msgs
	}
	w.wantSaid(msgs, "it", "group.ask_until", nil)
	if until == "" {
		return w.press(anna, w.label("it", "group.until_none"))
	}
	w.wantSaid(w.say(anna, w.era(until)), "it", "group.until_check", map[string]any{"Day": w.cat.Date("it", last)})
	return w.press(anna, w.label("it", "when.yes"))
}

// seriesNews is the news of a new meeting of the group, in lang.
func seriesNews(w *world, lang string) string {
	return w.text(lang, "group.meeting_new", map[string]any{"Group": seriesGroupName})
}

// seriesWhen is the line of a meeting's time, in lang.
func seriesWhen(w *world, lang string, at time.Time) string {
	return w.text(lang, "appointment.card_when", map[string]any{"When": w.cat.DateTime(lang, at)})
}

// seriesJobs lists the group's jobs about meeting id.
func seriesJobs(w *world, id string) map[string]time.Time {
	out := map[string]time.Time{}
	for j, due := range w.jobsOfOwner("group:1") {
		if strings.HasPrefix(j, "meet:"+id+":") {
			out[j] = due
		}
	}
	return out
}

// seriesReminders checks meeting id's two reminders: a day and two hours before at.
func seriesReminders(w *world, id string, at time.Time) {
	w.t.Helper()
	w.wantDueFor("group:1", "meet:"+id+":remind-24h", at.AddDate(0, 0, -1))
	w.wantDueFor("group:1", "meet:"+id+":remind-2h", at.Add(-2*time.Hour))
}

// day is a day's code in the world's era, as occurrence ids carry it.
func (w *world) seriesDay(y int, m time.Month, d int) string {
	return w.rome(y, m, d, 0, 0).Format("20060102")
}

// A weekly meeting at 10:00 stays at 10:00 across the change to summer
// time: the meeting, its reminders and its news. The reminders come once
// each, and not to a mother who said she cannot come.
func TestRecurringMeetingsKeepTheirTimeAcrossDST(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era, startingAt(rome(2027, 3, 22, 9, 0)))
		anna, fatima, olena := seriesGroup(w)
		msgs := seriesPlan(w, anna, "giovedì 25/03", "10:00", "group.repeat_weekly", "", time.Time{})
		w.wantSaid(msgs, "it", "group.planned", nil)
		w.wantSaid(msgs, "it", "group.series_weekly", map[string]any{"Day": w.label("it", "family.weekday_4"), "Time": "10:00"})
		first := w.rome(2027, 3, 25, 10, 0)
		w.waitCount(fatima, seriesNews(w, "it"), 1)
		w.waitCount(olena, seriesNews(w, "uk"), 1)
		seriesReminders(w, "1-"+w.seriesDay(2027, 3, 25), first)

		// Olena cannot come to the first one; Fatima will.
		w.press(olena, w.label("uk", "group.not_come"))
		w.press(fatima, w.label("it", "group.come"))

		// The day before: Fatima is reminded, with the buttons; Olena is not.
		w.advance(w.rome(2027, 3, 24, 10, 0), "group:1")
		reminder := w.text("it", "group.reminder_title", map[string]any{"Group": seriesGroupName})
		w.waitCount(fatima, reminder, 1)
		if n := w.count(olena, w.text("uk", "group.reminder_title", map[string]any{"Group": seriesGroupName})); n != 0 {
			t.Errorf("Olena, who cannot come, got %d reminders", n)
		}
		// Two hours before: a short word with the map, no answer buttons, as she answered.
		w.advance(w.rome(2027, 3, 25, 8, 0), "group:1")
		soon := w.text("it", "group.reminder_soon", map[string]any{"Group": seriesGroupName})
		w.waitCount(fatima, soon, 1)
		if labels := strings.Join(w.last(fatima).Labels(), "|"); strings.Contains(labels, w.label("it", "group.come")) {
			t.Errorf("the two-hour reminder to a mother who answered has answer buttons: %s", labels)
		}
		if n := w.count(olena, w.text("uk", "group.reminder_soon", map[string]any{"Group": seriesGroupName})); n != 0 {
			t.Errorf("Olena, who cannot come, got %d reminders two hours before", n)
		}

		// Each week's meeting is planned a week ahead, at 10:00 on the clock,
		// summer time or not, and told once. (The news of the first now
		// shows her answer instead.)
		for i, day := range []int{1, 8} {
			at := w.rome(2027, 4, day, 10, 0)
			w.advance(at.AddDate(0, 0, -7), "group:1")
			seriesReminders(w, "1-"+at.Format("20060102"), at)
			w.waitCount(fatima, seriesNews(w, "it"), 1+i)
			if !strings.Contains(w.last(fatima).Plain(), seriesWhen(w, "it", at)) {
				t.Errorf("the news of %v reads %q", at, w.last(fatima).Plain())
			}
			w.advance(at.AddDate(0, 0, -1), "group:1")
			w.advance(at.Add(-2*time.Hour), "group:1")
		}
		// Now every reminder went once: the 25th, the 1st and the 8th of April.
		w.advance(w.rome(2027, 4, 8, 10, 0), "group:1")
		if n, m := w.count(fatima, reminder), w.count(fatima, soon); n != 3 || m != 3 {
			t.Errorf("Fatima got %d reminders the day before and %d two hours before, want 3 and 3", n, m)
		}
		if n := w.count(olena, w.text("uk", "group.reminder_title", map[string]any{"Group": seriesGroupName})); n != 2 {
			t.Errorf("Olena got %d reminders the day before, want 2", n)
		}
		if n := w.count(fatima, seriesNews(w, "it")); n != 3 {
			t.Errorf("%d meetings told besides the first, want 3 (up to the 15th of April)", n)
		}
	})
}

// Every two weeks skips the weeks between; a last day plans nothing after it.
func TestRecurringMeetingsEveryTwoWeeksUntilADay(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, _ := seriesGroup(w)
		last := w.rome(2026, 12, 24, 0, 0)
		msgs := seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_fortnightly", "24/12/2026", last)
		w.wantSaid(msgs, "it", "group.series_fortnightly", map[string]any{"Day": w.label("it", "family.weekday_4"), "Time": "10:00"})
		w.wantSaid(msgs, "it", "group.series_until", map[string]any{"Day": w.cat.Date("it", last)})

		w.advance(w.rome(2026, 11, 26, 10, 0), "group:1")
		if jobs := seriesJobs(w, "1-"+w.seriesDay(2026, 12, 3)); len(jobs) != 0 {
			t.Errorf("a meeting a week after the first: %v", jobs)
		}
		w.advance(w.rome(2026, 12, 3, 10, 0), "group:1")
		seriesReminders(w, "1-"+w.seriesDay(2026, 12, 10), w.rome(2026, 12, 10, 10, 0))
		w.advance(w.rome(2026, 12, 10, 10, 0), "group:1")
		w.advance(w.rome(2026, 12, 17, 10, 0), "group:1")
		seriesReminders(w, "1-"+w.seriesDay(2026, 12, 24), w.rome(2026, 12, 24, 10, 0))
		w.advance(w.rome(2026, 12, 24, 10, 0), "group:1")
		w.advance(w.rome(2026, 12, 31, 10, 0), "group:1")
		w.advance(w.rome(2027, 1, 7, 10, 0), "group:1")
		if n := w.count(fatima, seriesNews(w, "it")); n != 3 {
			t.Errorf("%d meetings told, want 3: the 26th of November, the 10th and the 24th of December", n)
		}
		if !strings.Contains(w.last(fatima).Plain(), w.cat.DateTime("it", w.rome(2026, 12, 24, 10, 0))) {
			t.Errorf("the last message is not about the 24th of December: %q", w.last(fatima).Plain())
		}
		if rules, err := w.sched.Rules(context.Background(), "group:1"); err != nil || len(rules) != 0 {
			t.Errorf("rules left after the last day: %v, %v", rules, err)
		}
	})
}

// Moving one meeting of a series tells every mother once, moves its
// reminders, asks again who comes, edits her earlier message, and leaves the
// next meetings as the rule plans them; the rule never brings back a moved
// or cancelled meeting.
func TestMovingAndCancellingOneMeetingOfASeries(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima, olena := seriesGroup(w)
	seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_weekly", "", time.Time{})
	w.advance(rome(2026, 11, 26, 10, 0), "group:1")
	w.waitCount(fatima, seriesNews(w, "it"), 2)
	news := w.last(fatima) // the meeting of the 3rd of December
	w.press(fatima, w.label("it", "group.come"))

	// Moved to Friday at 11:00, the press delivered twice.
	from, to := rome(2026, 12, 3, 10, 0), rome(2026, 12, 4, 11, 0)
	w.say(anna, "/groups")
	w.press(anna, seriesGroupName)
	w.wantSaid(w.press(anna, w.label("it", "group.move")), "it", "group.ask_move", nil)
	w.wantSaid(w.press(anna, w.cat.DateTime("it", from)), "it", "group.ask_move_day", nil)
	w.press(anna, "venerdì 04/12")
	w.wantSaid(w.press(anna, "11:00"), "it", "group.move_confirm", map[string]any{
		"From": w.cat.DateTime("it", from), "To": w.cat.DateTime("it", to)})
	w.tapTwice(anna, w.label("it", "group.move_yes"))
	page := w.tg.Messages(anna.ID)
	w.wantSaid(page, "it", "group.moved", nil)
	// Her answer was for the old time: staff see nobody's answer yet.
	w.wantSaid(page, "it", "group.meeting_item", map[string]any{"When": w.cat.DateTime("it", to), "Yes": 0, "No": 0, "None": 2})
	moved := func(lang string) string {
		return w.text(lang, "group.meeting_moved", map[string]any{"Group": seriesGroupName, "From": w.cat.DateTime(lang, from)})
	}
	w.waitCount(fatima, moved("it"), 1)
	w.waitCount(olena, moved("uk"), 1)
	if n, m := w.count(fatima, moved("it")), w.count(olena, moved("uk")); n != 1 || m != 1 {
		t.Errorf("told of the move %d and %d times, want once each", n, m)
	}
	if !strings.Contains(w.last(fatima).Plain(), seriesWhen(w, "it", to)) ||
		!strings.Contains(strings.Join(w.last(fatima).Labels(), "|"), w.label("it", "group.come")) {
		t.Errorf("the news of the move: %q %q", w.last(fatima).Plain(), w.last(fatima).Labels())
	}
	// Her earlier message about it now reads the new time.
	for _, m := range w.tg.Messages(fatima.ID) {
		if m.ID == news.ID && !strings.Contains(m.Plain(), seriesWhen(w, "it", to)) {
			t.Errorf("her earlier message still reads %q", m.Plain())
		}
	}
	moving := "1-20261203"
	seriesReminders(w, moving, to)

	// The rule's occurrence run again (delivered twice after a crash) leaves it moved.
	seriesRerun := func(fired string) {
		t.Helper()
		before := w.snapshot()
		sent := len(w.tg.Messages(fatima.ID))
		j := scheduler.Job{ID: "grpseries:1@" + fired, Kind: "group.series", Owner: "group:1", Due: w.clock.Now(),
			Args: map[string]string{"series": "1"}}
		if err := w.engine.Jobs().Handle(context.Background(), j); err != nil {
			t.Fatal(err)
		}
		w.sameRedis(before)
		if got := len(w.tg.Messages(fatima.ID)) - sent; got != 0 {
			t.Errorf("the rule run again sent %d messages", got)
		}
	}
	seriesRerun("20261126T1000")

	// The rule plans the next one as ever, at 10:00 on Thursday; the moved one keeps its reminders.
	w.advance(rome(2026, 12, 3, 10, 0), "group:1")
	next := rome(2026, 12, 10, 10, 0)
	seriesReminders(w, "1-20261210", next)
	seriesReminders(w, moving, to)
	// Her answered message about the 3rd no longer reads as news.
	w.waitCount(fatima, seriesNews(w, "it"), 2)

	// Cancelled, the meeting of the 10th stays cancelled.
	w.press(anna, w.label("it", "group.cancel"))
	w.press(anna, w.cat.DateTime("it", next))
	w.press(anna, w.label("it", "group.cancel_yes"))
	w.waitCount(fatima, w.text("it", "group.meeting_cancelled_for_you", map[string]any{"Group": seriesGroupName}), 1)
	seriesRerun("20261203T1000")
	if jobs := seriesJobs(w, "1-20261210"); len(jobs) != 0 {
		t.Errorf("a cancelled meeting's jobs: %v", jobs)
	}
}

// Stopping a series cancels the meetings planned ahead and tells the
// mothers once; ending the group leaves no rule, series or job behind.
func TestStoppingAndEndingASeries(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := seriesGroup(w)
	seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_weekly", "", time.Time{})
	w.advance(rome(2026, 11, 26, 10, 0), "group:1")
	w.waitCount(fatima, seriesNews(w, "it"), 2)

	w.say(anna, "/groups")
	w.press(anna, seriesGroupName)
	w.press(anna, w.label("it", "group.stop"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.stop_confirm", nil)
	w.tapTwice(anna, w.label("it", "group.stop_yes"))
	w.wantSaid(w.tg.Messages(anna.ID), "it", "group.series_stopped", nil)
	stopped := func(lang string) string {
		return w.text(lang, "group.series_stopped_for_you", map[string]any{"Group": seriesGroupName})
	}
	w.waitCount(olena, stopped("uk"), 1)
	if n, m := w.count(fatima, stopped("it")), w.count(olena, stopped("uk")); n != 1 || m != 1 {
		t.Errorf("told %d and %d times, want once each", n, m)
	}
	// Only the question of who came to this morning's meeting, which took
	// place, is left.
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 1 || !jobs["meet:1-20261126:attendance"].Equal(rome(2026, 11, 26, 12, 0)) {
		t.Errorf("jobs after stopping: %v", jobs)
	}
	if rules, _ := w.sched.Rules(context.Background(), "group:1"); len(rules) != 0 {
		t.Errorf("rules after stopping: %v", rules)
	}
	// The meeting of the 3rd, planned ahead, is cancelled; nothing more comes.
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "group.series_stopped_for_you", map[string]any{"Group": seriesGroupName})
	if n := w.count(fatima, w.text("it", "group.meeting_cancelled", nil)); n != 1 {
		t.Errorf("%d messages read cancelled, want 1", n)
	}
	sent := len(w.tg.Messages(fatima.ID))
	w.advance(rome(2026, 12, 24, 10, 0), "group:1")
	if n := len(w.tg.Messages(fatima.ID)) - sent; n != 0 {
		t.Errorf("%d messages after stopping", n)
	}

	// A new series, then the group ends: nothing of either is left.
	w.say(anna, "/groups")
	w.press(anna, seriesGroupName)
	seriesPlan(w, anna, "martedì 29/12", "10:00", "group.repeat_weekly", "", time.Time{})
	w.press(anna, w.label("it", "group.end"))
	w.press(anna, w.label("it", "group.end_yes"))
	if rules, _ := w.sched.Rules(context.Background(), "group:1"); len(rules) != 0 {
		t.Errorf("rules after the group ended: %v", rules)
	}
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("jobs after the group ended: %v", jobs)
	}
	if ks := append(w.keys("nido:groupseries:*"), w.keys("nido:group:1*")...); len(ks) != 0 {
		t.Errorf("keys after the group ended: %v", ks)
	}
}

// A mother taken out of the group, and one who erases her data, get no
// more reminders of its recurring meetings.
func TestRemovedOrErasedMothersAreNotReminded(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := seriesGroup(w)
	seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_weekly", "", time.Time{})
	w.waitCount(olena, seriesNews(w, "uk"), 1)

	w.say(anna, "/groups")
	w.press(anna, seriesGroupName)
	w.press(anna, w.label("it", "group.remove"))
	w.wantSaid(w.press(anna, "Olena"), "it", "group.removed", map[string]any{"Name": "Olena"})
	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	sentF, sentO := len(w.tg.Messages(fatima.ID)), len(w.tg.Messages(olena.ID))

	w.advance(rome(2026, 12, 10, 10, 0), "group:1")
	if f, o := len(w.tg.Messages(fatima.ID))-sentF, len(w.tg.Messages(olena.ID))-sentO; f != 0 || o != 0 {
		t.Errorf("after leaving, Fatima got %d messages and Olena %d", f, o)
	}
	w.noKeysNaming(fatima)
}

// Staff of another organisation cannot move a meeting or stop a series,
// with buttons made for them: nothing changes.
func TestAnotherOrganisationCannotMoveOrStop(t *testing.T) {
	w := newWorld(t)
	anna, _, _ := seriesGroup(w)
	seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_weekly", "", time.Time{})
	other := w.openOrg("Casa Iris", person(2101, "Irene", "it"), "it")
	before := w.snapshot()
	for _, data := range []string{"grv:1", "grv:1:1-20261126", "gvy", "gvd:20261127", "gvt:1100", "grs:1", "grs:1:1", "grz:1",
		"gmr:1", "gmu:-", "gmu:ok:20261224"} {
		msgs := w.pressSigned(other.staff, data)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Plain(), w.text("it", "common.button_invalid", nil)) {
			t.Errorf("Irene pressing %s got %q", data, plainOf(msgs))
		}
		for _, m := range msgs {
			if strings.Contains(m.Plain(), seriesGroupName) {
				t.Errorf("Irene pressing %s saw the group: %q", data, m.Plain())
			}
		}
	}
	w.sameRedis(before)
}

// seriesMove is Anna moving the meeting of the group called name at from to
// the day button day at the time button clock, and confirming. It returns
// what Nido said to the confirmation.
func seriesMove(w *world, anna telegramtest.User, name string, from time.Time, day, clock string) []telegramtest.Message {
	w.t.Helper()
	w.say(anna, "/groups")
	w.press(anna, name)
	w.press(anna, w.label("it", "group.move"))
	// The question says where to, not when it is now.
	msgs := w.press(anna, w.cat.DateTime("it", from))
	if q := w.label("it", "group.ask_move_day"); q != "In quale giorno vuoi spostare l'incontro?" || !strings.Contains(strings.Join(plainOf(msgs), "\n"), q) {
		w.t.Errorf("the question of the new day: %q", plainOf(msgs))
	}
	w.press(anna, day)
	w.press(anna, clock)
	return w.press(anna, w.label("it", "group.move_yes"))
}

// seriesLastWith is the last of the bot's messages to u that contains substr.
func seriesLastWith(w *world, u telegramtest.User, substr string) telegramtest.Message {
	w.t.Helper()
	msgs := w.tg.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(telegramtest.Visible(msgs[i].Plain()), substr) {
			return msgs[i]
		}
	}
	w.t.Fatalf("no message to %d with %q", u.ID, substr)
	return telegramtest.Message{}
}

// Reminders already sent for a meeting come again, once, after it moves:
// for its new time. Moved back and forth, the mothers are told of each move.
func TestRemindersComeAgainAfterAMove(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima, olena := tuesdayGroup(w)
	const name = "Mamme del martedì"
	wed, fri, sat := rome(2026, 11, 25, 17, 0), rome(2026, 11, 27, 17, 0), rome(2026, 11, 28, 17, 0)
	dayBefore := func(u telegramtest.User) string {
		return w.text(u.LanguageCode, "group.reminder_title", map[string]any{"Group": name})
	}
	soon := func(u telegramtest.User) string {
		return w.text(u.LanguageCode, "group.reminder_soon", map[string]any{"Group": name})
	}
	// remindedFor checks that u has, among the messages she can read now,
	// one reminder of each kind, and that it is for at.
	remindedFor := func(u telegramtest.User, at time.Time) {
		t.Helper()
		for _, text := range []string{dayBefore(u), soon(u)} {
			if n := w.count(u, text); n != 1 {
				t.Errorf("%s: %d reminders %q, want 1", u.FirstName, n, text)
				continue
			}
			if got := seriesLastWith(w, u, text).Plain(); !strings.Contains(got, seriesWhen(w, u.LanguageCode, at)) {
				t.Errorf("%s's reminder is not for %v: %q", u.FirstName, at, got)
			}
		}
	}

	// Both reminders of Wednesday go; an hour before, staff move it to Friday.
	w.advance(rome(2026, 11, 25, 15, 0), "group:1")
	remindedFor(fatima, wed)
	remindedFor(olena, wed)
	w.advance(rome(2026, 11, 25, 16, 0), "group:1")
	w.wantSaid(seriesMove(w, anna, name, wed, "venerdì 27/11", "17:00"), "it", "group.moved", nil)
	// Her reminders now read as the meeting at its new time.
	if n := w.count(fatima, dayBefore(fatima)) + w.count(fatima, soon(fatima)); n != 0 {
		t.Errorf("%d reminders of the old time still read as reminders", n)
	}

	// Thursday and Friday, both come again, for Friday.
	w.advance(rome(2026, 11, 27, 15, 0), "group:1")
	remindedFor(fatima, fri)
	remindedFor(olena, fri)
	// The job run again sends nothing more.
	sent := len(w.tg.Messages(fatima.ID))
	for _, id := range []string{"meet:1:remind-24h", "meet:1:remind-2h"} {
		j := scheduler.Job{ID: id, Kind: "group.reminder", Owner: "group:1", Due: w.clock.Now(), Args: map[string]string{"meeting": "1"}}
		if err := w.engine.Jobs().Handle(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(w.tg.Messages(fatima.ID)) - sent; n != 0 {
		t.Errorf("a reminder run again sent %d messages", n)
	}

	// Friday to Saturday, back to Friday, and to Saturday again: each move is told, once.
	for i, move := range []struct {
		from, to time.Time
		day      string
	}{{fri, sat, "sabato 28/11"}, {sat, fri, "venerdì 27/11"}, {fri, sat, "sabato 28/11"}} {
		sent := map[int64]int{fatima.ID: len(w.tg.Messages(fatima.ID)), olena.ID: len(w.tg.Messages(olena.ID))}
		seriesMove(w, anna, name, move.from, move.day, "17:00")
		for _, u := range []telegramtest.User{fatima, olena} {
			l := u.LanguageCode
			moved := w.text(l, "group.meeting_moved", map[string]any{"Group": name, "From": w.cat.DateTime(l, move.from)})
			if n := len(w.tg.Messages(u.ID)) - sent[u.ID]; n != 1 {
				t.Errorf("move %d: %s got %d messages, want 1", i+2, u.FirstName, n)
				continue
			}
			if got := w.last(u).Plain(); !strings.Contains(got, moved) || !strings.Contains(got, seriesWhen(w, l, move.to)) {
				t.Errorf("move %d: %s read %q", i+2, u.FirstName, got)
			}
		}
	}

	// Saturday's reminders come, once each.
	w.advance(rome(2026, 11, 28, 15, 0), "group:1")
	remindedFor(fatima, sat)
	remindedFor(olena, sat)
}

// A move asks again whether she brings her child: her answer was for the
// old time. Two hours before, a mother who comes reads her child's answer
// and can change it there.
func TestAMoveAsksAgainAboutTheChild(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima, olena := tuesdayGroup(w)
	const name = "Mamme del martedì"
	wed, fri := rome(2026, 11, 25, 17, 0), rome(2026, 11, 27, 17, 0)
	attendPage(w, anna, name)
	w.press(anna, w.label("it", "group.childcare_off"))
	w.press(fatima, w.label("it", "group.come"))
	w.press(fatima, w.label("it", "group.kid_yes"))
	w.wantSaid(attendPage(w, anna, name), "it", "group.meeting_children", map[string]any{"Children": 1})

	page := seriesMove(w, anna, name, wed, "venerdì 27/11", "17:00")
	w.wantSaid(page, "it", "group.meeting_children", map[string]any{"Children": 0})
	// She comes to Friday too: asked about her child again, not counted until she says.
	w.press(fatima, w.label("it", "group.come"))
	if got := w.last(fatima).Plain(); !strings.Contains(got, w.label("it", "group.ask_kid")) ||
		strings.Contains(got, w.label("it", "group.kid_answer_yes")) {
		t.Errorf("after the move, her message reads %q", got)
	}
	page = attendPage(w, anna, name)
	w.wantSaid(page, "it", "group.meeting_item", map[string]any{"When": w.cat.DateTime("it", fri), "Yes": 1, "No": 0, "None": 1})
	w.wantSaid(page, "it", "group.meeting_children", map[string]any{"Children": 0})
	w.press(fatima, w.label("it", "group.kid_yes"))
	w.wantSaid(attendPage(w, anna, name), "it", "group.meeting_children", map[string]any{"Children": 1})
	w.press(olena, w.label("uk", "group.come"))

	// Two hours before: Fatima reads that she brings her child, Olena is asked.
	w.advance(rome(2026, 11, 27, 15, 0), "group:1")
	for u, line := range map[telegramtest.User]string{fatima: "group.kid_answer_yes", olena: "group.ask_kid"} {
		l := u.LanguageCode
		got := seriesLastWith(w, u, w.text(l, "group.reminder_soon", map[string]any{"Group": name}))
		labels := strings.Join(got.Labels(), "|")
		if !strings.Contains(got.Plain(), w.label(l, line)) || !strings.Contains(labels, w.label(l, "group.kid_no")) {
			t.Errorf("%s's reminder two hours before: %q %q", u.FirstName, got.Plain(), labels)
		}
		if strings.Contains(labels, w.label(l, "group.come")) {
			t.Errorf("%s answered, yet is asked again: %q", u.FirstName, labels)
		}
	}
	// She changes her mind there: the count follows.
	w.press(fatima, w.label("it", "group.kid_no"))
	w.wantSaid(attendPage(w, anna, name), "it", "group.meeting_children", map[string]any{"Children": 0})
}

// A recurring meeting whose planning failed half-way: pressed again, it is
// finished; cancelled instead, it leaves no rule planning meetings nobody
// was told of. Its first meeting, like each one the rule plans, has both
// reminders and the question of who came.
func TestARecurringMeetingCutShort(t *testing.T) {
	first := rome(2026, 11, 26, 10, 0)
	cutShort := func(t *testing.T) (*world, telegramtest.User, telegramtest.User) {
		w := newWorld(t) // Monday 23 November 2026, 09:00
		anna, fatima, _ := seriesGroup(w)
		w.failOnce(flowstest.Command("eval", "meet:1-20261126:attendance"))
		w.wantSaid(seriesPlan(w, anna, "giovedì 26/11", "10:00", "group.repeat_weekly", "", time.Time{}), "it", "common.error", nil)
		return w, anna, fatima
	}
	t.Run("pressed again", func(t *testing.T) {
		w, anna, fatima := cutShort(t)
		w.wantSaid(w.press(anna, w.label("it", "group.until_none")), "it", "group.planned", nil)
		if rules, _ := w.sched.Rules(context.Background(), "group:1"); len(rules) != 1 {
			t.Errorf("rules: %v", rules)
		}
		planned := func(at time.Time) {
			t.Helper()
			id := "1-" + at.Format("20060102")
			seriesReminders(w, id, at)
			w.wantDueFor("group:1", "meet:"+id+":attendance", at.Add(2*time.Hour))
		}
		planned(first)
		w.advance(rome(2026, 11, 26, 10, 0), "group:1")
		w.waitCount(fatima, seriesNews(w, "it"), 2)
		planned(first.AddDate(0, 0, 7))
		if n := w.count(fatima, seriesNews(w, "it")); n != 2 {
			t.Errorf("%d news, want 2", n)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		w, anna, fatima := cutShort(t)
		w.wantSaid(w.say(anna, "/cancel"), "it", "cancel.done", nil)
		if rules, _ := w.sched.Rules(context.Background(), "group:1"); len(rules) != 0 {
			t.Errorf("a rule after cancelling: %v", rules)
		}
		if ks := w.keys("nido:groupseries:*"); len(ks) != 0 {
			t.Errorf("a recurring meeting after cancelling: %v", ks)
		}
		w.advance(rome(2026, 12, 10, 10, 0), "group:1")
		if n := w.count(fatima, seriesNews(w, "it")); n != 0 {
			t.Errorf("%d meetings told after cancelling", n)
		}
		page := attendPage(w, anna, seriesGroupName)
		if got := page[len(page)-1].Plain(); strings.Contains(got, w.text("it", "group.series_weekly", map[string]any{
			"Day": w.label("it", "family.weekday_4"), "Time": "10:00"})) {
			t.Errorf("the page after cancelling: %q", got)
		}
	})
}

// A move confirmed only once the meeting has begun changes nothing: the
// meeting stays where it was, and nobody is told.
func TestAMoveConfirmedOnceTheMeetingBegan(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima, _ := tuesdayGroup(w)
	const name = "Mamme del martedì"
	wed := rome(2026, 11, 25, 17, 0)
	w.advance(rome(2026, 11, 25, 16, 30), "group:1")
	w.say(anna, "/groups")
	w.press(anna, name)
	w.press(anna, w.label("it", "group.move"))
	w.press(anna, w.cat.DateTime("it", wed))
	w.press(anna, "venerdì 27/11")
	w.wantSaid(w.press(anna, "17:00"), "it", "group.move_confirm", map[string]any{
		"From": w.cat.DateTime("it", wed), "To": w.cat.DateTime("it", rome(2026, 11, 27, 17, 0))})
	w.advance(rome(2026, 11, 25, 17, 10), "group:1")
	sent := len(w.tg.Messages(fatima.ID))
	w.wantSaid(w.press(anna, w.label("it", "group.move_yes")), "it", "group.meeting_passed", nil)
	if n := len(w.tg.Messages(fatima.ID)) - sent; n != 0 {
		t.Errorf("%d messages about a meeting moved once it began", n)
	}
	// Who came is asked after it, where it was.
	w.wantDueFor("group:1", "meet:1:attendance", wed.Add(2*time.Hour))
}
