package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// Date polls: the facilitator offers a few dates from the group's page;
// each mother marks on one message the dates she can come to; the
// facilitator's own message shows the counts as they come, edited in
// place; a day on, who has not answered is reminded once; the facilitator
// chooses a date, which becomes a meeting. The world starts on Monday
// 23 November 2026 at 09:00 in Rome, with the group "Mamme del martedì"
// (tuesdayGroup).

const pollGroup = "Mamme del martedì"

// The dates the polls offer: Monday 30 November at 10:00, Tuesday
// 1 December at 15:00, Thursday 3 December at 17:00.
func pollDates(w *world) []time.Time {
	return []time.Time{w.rome(2026, 11, 30, 10, 0), w.rome(2026, 12, 1, 15, 0), w.rome(2026, 12, 3, 17, 0)}
}

func TestPollVotesCountsAndClosing(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, olena := tuesdayGroup(w)
		amina := pollAddMother(w, anna, person(3003, "Amina", "it"))
		dates := pollDates(w)
		a, b, c := dates[0], dates[1], dates[2]
		pollMake(w, anna, "Via Roma 1", dates...)

		// Each mother gets one message with the dates and two buttons each.
		for _, m := range []telegramtest.User{fatima, olena, amina} {
			w.waitCount(m, pollTitle(w, m), 1)
			msg := pollMessage(w, m)
			w.wantSaid([]telegramtest.Message{msg}, m.LanguageCode, "group.poll_mark_none", map[string]any{"When": w.cat.DateTime(m.LanguageCode, b)})
			w.wantSaid([]telegramtest.Message{msg}, m.LanguageCode, "appointment.card_where", map[string]any{"Place": "Via Roma 1"})
			if n := len(msg.Buttons); n != 3 {
				t.Errorf("%s's poll has %d rows of buttons, want 3: %q", m.FirstName, n, msg.Labels())
			}
		}
		pollWantCounts(w, anna, a, 0, 0, 3)

		// They mark, and change their minds.
		pollMark(w, fatima, a, true)
		pollMark(w, fatima, b, false)
		pollMark(w, olena, a, true)
		pollMark(w, olena, c, true)
		pollMark(w, amina, a, false)
		pollMark(w, amina, b, true)
		pollMark(w, amina, a, true)
		mine := []telegramtest.Message{pollMessage(w, fatima)}
		w.wantSaid(mine, "it", "group.poll_mark_yes", map[string]any{"When": w.cat.DateTime("it", a)})
		w.wantSaid(mine, "it", "group.poll_mark_no", map[string]any{"When": w.cat.DateTime("it", b)})
		w.wantSaid(mine, "it", "group.poll_mark_none", map[string]any{"When": w.cat.DateTime("it", c)})

		pollWantCounts(w, anna, a, 3, 0, 0)
		pollWantCounts(w, anna, b, 1, 1, 1)
		pollWantCounts(w, anna, c, 1, 0, 2)
		if n := w.count(anna, pollTitle(w, anna)); n != 1 {
			t.Errorf("the facilitator has %d poll messages, want one edited in place", n)
		}

		// /mydata shows her marks while the poll is open.
		w.wantSaid(w.say(fatima, "/mydata"), "it", "group.mydata_poll", map[string]any{
			"When": w.cat.DateTime("it", a), "Answer": w.label("it", "group.status_yes")})

		// Closing: the date most can attend is starred; choosing it makes a meeting.
		kept := pollMessage(w, fatima)
		w.press(anna, w.label("it", "group.poll_close"))
		best := w.text("it", "group.poll_option_best", map[string]any{"When": w.cat.DateTime("it", a), "Yes": 3})
		other := w.text("it", "group.poll_option", map[string]any{"When": w.cat.DateTime("it", b), "Yes": 1})
		labels := strings.Join(w.last(anna).Labels(), "|")
		if !strings.Contains(labels, best) || !strings.Contains(labels, other) {
			t.Errorf("want %q and %q among %q", best, other, labels)
		}
		w.press(anna, best)
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.poll_chosen_staff", map[string]any{"When": w.cat.DateTime("it", a)})
		for i, m := range []telegramtest.User{fatima, olena, amina} {
			l := m.LanguageCode
			// Amina joined after the first meeting: this is her first.
			w.waitCount(m, w.text(l, "group.meeting_new", map[string]any{"Group": pollGroup}), 2-i/2)
			w.wantSaid([]telegramtest.Message{w.last(m)}, l, "appointment.card_when", map[string]any{"When": w.cat.DateTime(l, a)})
			w.waitCount(m, w.text(l, "group.poll_chosen", map[string]any{"When": w.cat.DateTime(l, a)}), 1)
			if msg := pollMessage(w, m); len(msg.Buttons) != 0 {
				t.Errorf("%s's closed poll keeps buttons: %q", m.FirstName, msg.Labels())
			}
		}
		w.wantDueFor("group:1", "meet:2:remind-24h", w.rome(2026, 11, 29, 10, 0))
		pollSettled(w, anna, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", a)}))
		if n := w.count(anna, pollTitle(w, anna)); n != 1 {
			t.Errorf("the facilitator has %d poll messages after closing, want 1", n)
		}

		// A button pressed after closing says so, and changes nothing.
		before := w.snapshot()
		msgs, toast := w.pressKept(fatima, kept, w.text("it", "group.poll_yes", map[string]any{"When": w.cat.DateTime("it", c)}))
		if want := w.text("it", "group.poll_closed", nil); len(msgs) != 0 || toast != want {
			t.Errorf("a mark after closing: %d messages, toast %q; want none and %q", len(msgs), toast, want)
		}
		w.sameRedis(before)
	})
}

func TestPollTwoMarksAtTheSameMoment(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)

	// Both press at once, three times over: no mark is lost.
	for i, d := range dates {
		var wg sync.WaitGroup
		ids := make([]int64, 2)
		for j, m := range []telegramtest.User{fatima, olena} {
			msg := pollMessage(w, m)
			data := pollButton(w, m, msg, d, i != 1)
			wg.Add(1)
			go func() { defer wg.Done(); ids[j] = w.tg.PressData(m, msg.ID, data) }()
		}
		wg.Wait()
		for _, id := range ids {
			w.handled.wait(t, id)
		}
	}
	pollWantCounts(w, anna, dates[0], 2, 0, 0)
	pollWantCounts(w, anna, dates[1], 0, 2, 0)
	pollWantCounts(w, anna, dates[2], 2, 0, 0)
	if n := w.count(anna, pollTitle(w, anna)); n != 1 {
		t.Errorf("the facilitator has %d poll messages, want 1", n)
	}
	marks, err := w.rdb.HGetAll(context.Background(), "nido:poll:1").Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for f := range marks {
		if strings.HasPrefix(f, "v:") {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d marks kept, want 6: %v", n, marks)
	}
}

func TestPollReminderThenPastDateAndCancel(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollMark(w, fatima, dates[1], true)

	// A day after it was sent, only Olena, who has not answered, is reminded; once.
	reminder := func(u telegramtest.User) string {
		return w.text(u.LanguageCode, "group.poll_reminder", map[string]any{"Group": pollGroup})
	}
	w.wantDueFor("group:1", "poll:1:remind-24h", w.rome(2026, 11, 24, 9, 0))
	w.advance(w.rome(2026, 11, 24, 8, 59), "group:1")
	if n := w.count(olena, reminder(olena)); n != 0 {
		t.Fatalf("%d reminders a minute early", n)
	}
	w.advance(w.rome(2026, 11, 24, 9, 0), "group:1")
	w.waitCount(olena, reminder(olena), 1)
	w.advance(w.rome(2026, 11, 27, 9, 0), "group:1")
	if n, m := w.count(olena, reminder(olena)), w.count(fatima, reminder(fatima)); n != 1 || m != 0 {
		t.Errorf("reminders: Olena %d, Fatima %d; want 1 and 0", n, m)
	}

	// Once the first date has passed, it can no longer be marked nor chosen.
	w.advance(w.rome(2026, 11, 30, 11, 0), "group:1")
	if msgs, toast := w.pressKept(fatima, pollMessage(w, fatima),
		w.text("it", "group.poll_yes", map[string]any{"When": w.cat.DateTime("it", dates[0])})); len(msgs) != 0 ||
		toast != w.text("it", "group.poll_past", nil) {
		t.Errorf("a mark on a past date: %d messages, toast %q", len(msgs), toast)
	}
	w.press(anna, w.label("it", "group.poll_close"))
	choose := w.last(anna)
	labels := strings.Join(choose.Labels(), "|")
	if strings.Contains(labels, w.cat.DateTime("it", dates[0])) {
		t.Errorf("a past date offered to choose: %q", labels)
	}
	if want := w.text("it", "group.poll_option_best", map[string]any{"When": w.cat.DateTime("it", dates[1]), "Yes": 1}); !strings.Contains(labels, want) {
		t.Errorf("want %q among %q", want, labels)
	}
	w.wantSaid(w.pressSigned(anna, "gpx:1:1"), "it", "group.poll_past", nil)

	// Cancelled without choosing: each mother's poll says so, with no buttons.
	w.pressOn(anna, choose, w.label("it", "group.poll_cancel"))
	for _, m := range w.tg.Messages(anna.ID) {
		if m.ID == choose.ID {
			w.wantSaid([]telegramtest.Message{m}, "it", "group.poll_cancelled_staff", nil)
		}
	}
	pollSettled(w, anna, w.text("it", "group.poll_cancelled", nil))
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.poll_cancelled", nil), 1)
		if msg := pollMessage(w, m); len(msg.Buttons) != 0 {
			t.Errorf("%s's cancelled poll keeps buttons: %q", m.FirstName, msg.Labels())
		}
	}
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("jobs left: %v", jobs)
	}
}

func TestPollRemovedAndErasedMothersLeaveIt(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	amina := pollAddMother(w, anna, person(3003, "Amina", "it"))
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollMark(w, amina, dates[0], true)
	pollMark(w, olena, dates[0], true)
	pollWantCounts(w, anna, dates[0], 2, 0, 1)

	// Amina is taken out of the group: her mark goes.
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	w.press(anna, w.label("it", "group.remove"))
	w.wantSaid(w.press(anna, "Amina"), "it", "group.removed", map[string]any{"Name": "Amina"})
	pollWantCounts(w, anna, dates[0], 1, 0, 1)

	// Olena erases her data: her mark goes too, and no key or value names her.
	w.say(olena, "/delete")
	w.press(olena, w.label("uk", "delete.yes"))
	pollWantCounts(w, anna, dates[0], 0, 0, 1)
	w.noKeysNaming(olena)
	w.noValuesNaming(olena, ":poll:")
	w.noValuesNaming(amina, ":poll:")

	// The reminder goes to Fatima only, who is still in and has not answered.
	olenaBefore, aminaBefore := len(w.tg.Messages(olena.ID)), len(w.tg.Messages(amina.ID))
	w.advance(w.rome(2026, 11, 24, 9, 0), "group:1")
	w.waitCount(fatima, w.text("it", "group.poll_reminder", map[string]any{"Group": pollGroup}), 1)
	if n, m := len(w.tg.Messages(olena.ID))-olenaBefore, len(w.tg.Messages(amina.ID))-aminaBefore; n != 0 || m != 0 {
		t.Errorf("after leaving, Olena got %d messages and Amina %d", n, m)
	}
}

func TestPollRefusesOtherOrganisationsAndForgedButtons(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	amina := person(3003, "Amina", "it") // of Casa Aurora, in no group
	w.signUp(anna, "mother", amina, "it")
	sole := w.openOrg("Casa Sole", person(2002, "Marco", "it"), "it")
	sara := person(3004, "Sara", "it")
	w.signUp(sole.staff, "mother", sara, "it")
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	pollMake(w, anna, "", pollDates(w)...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollSettled(w, anna, w.label("it", "group.poll_close"))

	before := w.snapshot()
	for _, tt := range []struct {
		who  telegramtest.User
		data string
	}{
		{sole.staff, "gpn:1"}, {sole.staff, "gpc:1"}, {sole.staff, "gpx:1:1"}, {sole.staff, "gpz:1"},
		{sara, "gpv:1:1:y"}, {amina, "gpv:1:1:y"}, {fatima, "gpv:9:1:y"}, {fatima, "gpv:1:7:y"},
		{fatima, "gpv:1:1:x"}, {fatima, "gpv:1:1"}, {anna, "gpx:1:9"}, {anna, "gpc:9"},
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
	w.wantSaid(w.pressData(fatima, "gpv:1:1:y"), "it", "common.button_invalid", nil)
	w.sameRedis(before)
}

// pollAddMother signs m up at Casa Aurora and has anna add her to the
// group from its page; the page is the last thing in anna's chat.
func pollAddMother(w *world, anna, m telegramtest.User) telegramtest.User {
	w.t.Helper()
	w.signUp(anna, "mother", m, m.LanguageCode)
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	w.press(anna, w.label("it", "group.add"))
	w.wantSaid(w.press(anna, m.FirstName), "it", "group.added", map[string]any{"Name": m.FirstName})
	return m
}

// pollMake is anna, on the group's page, offering dates (typed, each read
// back) at place ("" to skip it), and sending the poll.
func pollMake(w *world, anna telegramtest.User, place string, dates ...time.Time) {
	w.t.Helper()
	w.wantSaid(w.press(anna, w.label("it", "group.poll")), "it", "group.ask_place", nil)
	var msgs []telegramtest.Message
	if place == "" {
		msgs = w.press(anna, w.label("it", "appointment.skip"))
	} else {
		msgs = w.say(anna, place)
	}
	for i, d := range dates {
		w.wantSaid(msgs, "it", "group.poll_ask_day", map[string]any{"N": i + 1, "Max": 6})
		msgs = w.typeWhen(anna, d.Format("2/1/2006 15:04"), d)
		w.wantSaid(msgs, "it", "group.poll_option_item", map[string]any{"When": w.cat.DateTime("it", d)})
		labels := strings.Join(w.last(anna).Labels(), "|")
		if send := w.label("it", "group.poll_send"); strings.Contains(labels, send) != (i >= 1) {
			w.t.Errorf("after %d dates, the buttons are %q", i+1, labels)
		}
		if i < len(dates)-1 {
			msgs = w.press(anna, w.label("it", "group.poll_add"))
		}
	}
	w.press(anna, w.label("it", "group.poll_send"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.poll_counts_title", nil)
}

// pollTitle is the first line of a poll of the group, in u's language.
func pollTitle(w *world, u telegramtest.User) string {
	w.t.Helper()
	return w.text(u.LanguageCode, "group.poll_title", map[string]any{"Group": pollGroup})
}

// pollMessage is the last poll message in u's chat, as it reads now.
func pollMessage(w *world, u telegramtest.User) telegramtest.Message {
	w.t.Helper()
	title := pollTitle(w, u)
	msgs := w.tg.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(telegramtest.Visible(msgs[i].Plain()), title) {
			return msgs[i]
		}
	}
	w.t.Fatalf("no poll in %s's chat", u.FirstName)
	return telegramtest.Message{}
}

// pollButton is the data of the ✓ (yes) or ✗ button of date d on msg.
func pollButton(w *world, u telegramtest.User, msg telegramtest.Message, d time.Time, yes bool) string {
	w.t.Helper()
	label := w.text(u.LanguageCode, "group.poll_yes", map[string]any{"When": w.cat.DateTime(u.LanguageCode, d)})
	for _, row := range msg.Buttons {
		if len(row) == 2 && telegramtest.Visible(row[0].Text) == label {
			if yes {
				return row[0].CallbackData
			}
			return row[1].CallbackData
		}
	}
	w.t.Fatalf("no %q on %s's poll: %q", label, u.FirstName, msg.Labels())
	return ""
}

// pollMark is u marking date d on her poll message, ✓ or ✗; the message
// then shows her mark.
func pollMark(w *world, u telegramtest.User, d time.Time, yes bool) {
	w.t.Helper()
	msg := pollMessage(w, u)
	w.handled.wait(w.t, w.tg.PressData(u, msg.ID, pollButton(w, u, msg, d, yes)))
	mark := "group.poll_mark_no"
	if yes {
		mark = "group.poll_mark_yes"
	}
	w.wantSaid([]telegramtest.Message{pollMessage(w, u)}, u.LanguageCode, mark, map[string]any{"When": w.cat.DateTime(u.LanguageCode, d)})
}

// pollWantCounts waits until the facilitator's poll message shows the
// counts of date d.
func pollWantCounts(w *world, anna telegramtest.User, d time.Time, yes, no, none int) {
	w.t.Helper()
	want := w.text("it", "group.poll_count", map[string]any{"When": w.cat.DateTime("it", d), "Yes": yes, "No": no, "None": none})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.tg.Wait(ctx, func() bool {
		return strings.Contains(telegramtest.Visible(pollMessage(w, anna).Plain()), want)
	}); err != nil {
		w.t.Fatalf("the facilitator's counts do not say %q:\n%s", want, pollMessage(w, anna).Plain())
	}
}

// pollSettled waits until the facilitator's poll message contains want and
// no job is editing it any more, so that Redis stands still.
func pollSettled(w *world, anna telegramtest.User, want string) {
	w.t.Helper()
	waitFor(w.t, 10*time.Second, func() bool {
		return strings.Contains(telegramtest.Visible(pollMessage(w, anna).Plain()), want) ||
			strings.Contains(strings.Join(pollMessage(w, anna).Labels(), "|"), want)
	})
	waitFor(w.t, 10*time.Second, func() bool { return len(w.keys("nido:poll:*:lbusy")) == 0 })
}
