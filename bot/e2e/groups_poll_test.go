package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
		return w.text(u.LanguageCode, "group.poll_reminder", nil)
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
	w.waitCount(fatima, w.text("it", "group.poll_reminder", nil), 1)
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
	// The message pressed turns into the counts, by the live message's job.
	title := w.text("it", "group.poll_counts_title", nil)
	waitFor(w.t, 10*time.Second, func() bool { return strings.Contains(telegramtest.Visible(w.last(anna).Plain()), title) })
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
	// The job lets go of the message a moment before the scheduler lets go of the job.
	waitFor(w.t, 10*time.Second, func() bool { return len(w.keys("nido:{sched}:inflight")) == 0 })
}

// A choose button pressed again once the meeting it made was moved leaves
// the meeting where it is now, plans nothing again and tells nobody.
func TestPollStaleChooseButtonLeavesAMovedMeeting(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollMark(w, fatima, dates[0], true)
	pollWantCounts(w, anna, dates[0], 1, 0, 1)

	w.press(anna, w.label("it", "group.poll_close"))
	choose := w.last(anna)
	best := w.text("it", "group.poll_option_best", map[string]any{"When": w.cat.DateTime("it", dates[0]), "Yes": 1})
	w.pressOn(anna, choose, best)
	w.wantSaid([]telegramtest.Message{w.now(anna, choose)}, "it", "group.poll_chosen_staff", map[string]any{"When": w.cat.DateTime("it", dates[0])})
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_new", map[string]any{"Group": pollGroup}), 2)
	}
	pollSettled(w, anna, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", dates[0])}))

	// The meeting is moved to Friday 4 December at 11:00.
	to := w.rome(2026, 12, 4, 11, 0)
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	w.wantSaid(w.press(anna, w.label("it", "group.move")), "it", "group.ask_move", nil)
	w.wantSaid(w.press(anna, w.cat.DateTime("it", dates[0])), "it", "group.ask_move_day", nil)
	w.wantSaid(w.typeWhen(anna, "4/12/2026 11:00", to), "it", "group.move_confirm", map[string]any{
		"From": w.cat.DateTime("it", dates[0]), "To": w.cat.DateTime("it", to)})
	w.wantSaid(w.press(anna, w.label("it", "group.move_yes")), "it", "group.moved", nil)
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_moved", map[string]any{
			"Group": pollGroup, "From": w.cat.DateTime(m.LanguageCode, dates[0])}), 1)
	}
	w.wantDueFor("group:1", "meet:2:remind-24h", w.rome(2026, 12, 3, 11, 0))
	pollSettled(w, anna, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", dates[0])}))

	// The old choose button, pressed again: the poll is closed, and that is all.
	sent := map[int64]int{fatima.ID: len(w.tg.Messages(fatima.ID)), olena.ID: len(w.tg.Messages(olena.ID))}
	msgs, toast := w.pressKept(anna, choose, best)
	if want := w.text("it", "group.poll_closed", nil); len(msgs) != 0 || toast != want {
		t.Errorf("the old choose button: %d messages, toast %q; want none and %q", len(msgs), toast, want)
	}
	pollSettled(w, anna, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", dates[0])}))
	at, err := w.rdb.HGet(context.Background(), "nido:meeting:2", "at").Result()
	if err != nil || at != strconv.FormatInt(to.Unix(), 10) {
		t.Errorf("the meeting is at %q (%v), want %d, where it was moved", at, err, to.Unix())
	}
	w.wantDueFor("group:1", "meet:2:remind-24h", w.rome(2026, 12, 3, 11, 0))
	for _, m := range []telegramtest.User{fatima, olena} {
		if n := len(w.tg.Messages(m.ID)) - sent[m.ID]; n != 0 {
			t.Errorf("%s got %d messages from the old button", m.FirstName, n)
		}
	}
	w.say(anna, "/groups")
	w.wantSaid(w.press(anna, pollGroup), "it", "group.meeting_item", map[string]any{
		"When": w.cat.DateTime("it", to), "Yes": 0, "No": 0, "None": 2})
}

// The reminder is the poll itself, with its buttons: the mother answers on
// it, and it is the message that says the date chosen; the first one
// points to it, without buttons.
func TestPollReminderCarriesThePoll(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "Via Roma 1", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	first := pollMessage(w, olena)
	pollMark(w, fatima, dates[1], true)

	w.advance(w.rome(2026, 11, 24, 9, 0), "group:1")
	w.waitCount(olena, w.text("uk", "group.poll_reminder", nil), 1)
	reminder := w.last(olena)
	if !strings.Contains(telegramtest.Visible(reminder.Plain()), pollTitle(w, olena)) || len(reminder.Buttons) != 3 {
		t.Fatalf("the reminder is not the poll: %q %q", reminder.Plain(), reminder.Labels())
	}
	w.wantSaid([]telegramtest.Message{reminder}, "uk", "appointment.card_where", map[string]any{"Place": "Via Roma 1"})
	old := w.now(olena, first)
	if len(old.Buttons) != 0 {
		t.Errorf("her first poll message keeps its buttons: %q", old.Labels())
	}
	w.wantSaid([]telegramtest.Message{old}, "uk", "group.poll_see_below", nil)
	if id, _ := w.rdb.HGet(context.Background(), "nido:poll:1", "m:3002").Result(); id != strconv.Itoa(reminder.ID) {
		t.Errorf("her poll message is %q, want the reminder %d", id, reminder.ID)
	}
	if n := w.count(fatima, w.text("it", "group.poll_reminder", nil)); n != 0 {
		t.Errorf("Fatima, who answered, got %d reminders", n)
	}

	// She answers on it.
	pollMark(w, olena, dates[2], true)
	if pollMessage(w, olena).ID != reminder.ID {
		t.Errorf("her mark did not land on the reminder")
	}
	pollWantCounts(w, anna, dates[2], 1, 0, 1)

	// Closed: the reminder says the date chosen, with no buttons left.
	w.press(anna, w.label("it", "group.poll_close"))
	w.press(anna, w.text("it", "group.poll_option_best", map[string]any{"When": w.cat.DateTime("it", dates[2]), "Yes": 1}))
	chosen := w.text("uk", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("uk", dates[2])})
	w.waitCount(olena, chosen, 1)
	if now := w.now(olena, reminder); len(now.Buttons) != 0 || !strings.Contains(telegramtest.Visible(now.Plain()), chosen) {
		t.Errorf("the reminder once closed: %q %q", now.Plain(), now.Labels())
	}
	if n := w.count(olena, chosen); n != 1 {
		t.Errorf("%d of her messages say the date chosen, want 1", n)
	}
	pollSettled(w, anna, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", dates[2])}))
}

// The group's page lists its open polls; a colleague follows one from there
// and closes it, though the one who sent it has left Nido.
func TestPollColleagueFollowsAndClosesItFromThePage(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	bianca := person(2003, "Bianca", "it")
	w.signUp(anna, "staff", bianca, "it")
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollMark(w, fatima, dates[0], true)
	pollWantCounts(w, anna, dates[0], 1, 0, 1)
	pollSettled(w, anna, w.label("it", "group.poll_close"))

	// Anna leaves Nido: the poll no longer names her.
	w.say(anna, "/delete")
	w.press(anna, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "delete.done", nil)
	w.noValuesNaming(anna, ":poll:")

	// Bianca finds it on the group's page, and follows it.
	w.say(bianca, "/groups")
	page := w.press(bianca, pollGroup)
	w.wantSaid(page, "it", "group.poll_item", map[string]any{"N": 1, "Dates": 3, "Answered": 1, "Mothers": 2})
	see := w.text("it", "group.poll_see", map[string]any{"N": 1})
	w.wantSaid(w.press(bianca, see), "it", "group.poll_count", map[string]any{
		"When": w.cat.DateTime("it", dates[0]), "Yes": 1, "No": 0, "None": 1})
	pollMark(w, olena, dates[0], false)
	pollWantCounts(w, bianca, dates[0], 1, 1, 0)
	if n := w.count(bianca, pollTitle(w, bianca)); n != 1 {
		t.Errorf("Bianca has %d poll messages, want one edited in place", n)
	}

	// She closes it.
	w.press(bianca, w.label("it", "group.poll_close"))
	w.press(bianca, w.text("it", "group.poll_option_best", map[string]any{"When": w.cat.DateTime("it", dates[0]), "Yes": 1}))
	w.wantSaid([]telegramtest.Message{w.last(bianca)}, "it", "group.poll_chosen_staff", map[string]any{"When": w.cat.DateTime("it", dates[0])})
	for _, m := range []telegramtest.User{fatima, olena} {
		w.waitCount(m, w.text(m.LanguageCode, "group.poll_chosen", map[string]any{"When": w.cat.DateTime(m.LanguageCode, dates[0])}), 1)
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_new", map[string]any{"Group": pollGroup}), 2)
	}
	pollSettled(w, bianca, w.text("it", "group.poll_chosen", map[string]any{"When": w.cat.DateTime("it", dates[0])}))

	// Closed, it is no longer on the page.
	w.say(bianca, "/groups")
	page = w.press(bianca, pollGroup)
	for _, m := range page {
		if strings.Contains(strings.Join(m.Labels(), "|"), see) {
			t.Errorf("a closed poll is still on the page: %q", m.Labels())
		}
	}
}

// A mother taken out of the group, one who erases her data, and every
// mother when the group ends, keep no ✓ or ✗ of its open poll; ending it
// tells nothing but that it ended.
func TestPollButtonsGoWhenMothersLeaveOrTheGroupEnds(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	amina := pollAddMother(w, anna, person(3003, "Amina", "it"))
	pollMake(w, anna, "", pollDates(w)...)
	for _, m := range []telegramtest.User{fatima, olena, amina} {
		w.waitCount(m, pollTitle(w, m), 1)
	}
	stripped := func(u telegramtest.User) {
		t.Helper()
		msg := pollMessage(w, u)
		if len(msg.Buttons) != 0 {
			t.Errorf("%s's poll keeps its buttons: %q", u.FirstName, msg.Labels())
		}
		w.wantSaid([]telegramtest.Message{msg}, u.LanguageCode, "group.poll_closed", nil)
	}

	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	w.press(anna, w.label("it", "group.remove"))
	w.wantSaid(w.press(anna, "Amina"), "it", "group.removed", map[string]any{"Name": "Amina"})
	stripped(amina)

	w.say(olena, "/delete")
	w.press(olena, w.label("uk", "delete.yes"))
	stripped(olena)
	w.noKeysNaming(olena)

	before := len(w.tg.Messages(fatima.ID))
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	w.press(anna, w.label("it", "group.end"))
	w.press(anna, w.label("it", "group.end_yes"))
	w.waitCount(fatima, w.text("it", "group.ended_for_you", map[string]any{"Group": pollGroup}), 1)
	if n := len(w.tg.Messages(fatima.ID)) - before; n != 1 {
		t.Errorf("ending the group sent Fatima %d messages, want 1", n)
	}
	stripped(fatima)
	waitFor(t, 10*time.Second, func() bool { return len(w.keys("nido:poll:*:lbusy")) == 0 })
	if keys := w.keys("nido:poll:1*"); len(keys) != 0 {
		t.Errorf("the ended group's poll left %v", keys)
	}
}

// pollWriteOf matches the command writing field of poll key: HSET or HSETNX,
// or a script of one key and n arguments.
func pollWriteOf(key, field string, n int) func(args []any) bool {
	return func(args []any) bool {
		if len(args) < 3 {
			return false
		}
		switch fmt.Sprint(args[0]) {
		case "hset", "hsetnx":
			return fmt.Sprint(args[1]) == key && fmt.Sprint(args[2]) == field
		case "evalsha", "eval":
			return len(args) == 4+n && fmt.Sprint(args[2]) == "1" && fmt.Sprint(args[3]) == key
		}
		return false
	}
}

// A poll that goes (its group ended) just as its counts are sent anew, or
// just as a date is chosen, is not brought back as a record without expiry.
func TestPollGoneMeanwhileIsNotBroughtBack(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollSettled(w, anna, w.label("it", "group.poll_close"))
	ctx := context.Background()

	// The counts' message can no longer be edited: they are sent anew, as the poll goes.
	if err := w.rdb.HSet(ctx, "nido:poll:1", "msg", 999999).Err(); err != nil {
		t.Fatal(err)
	}
	var fired atomic.Bool
	w.hook.Arm(pollWriteOf("nido:poll:1", "msg", 3), func() error {
		fired.Store(true)
		return w.rdb.Del(ctx, "nido:poll:1").Err()
	})
	msg := pollMessage(w, fatima)
	w.handled.wait(t, w.tg.PressData(fatima, msg.ID, pollButton(w, fatima, msg, dates[0], true)))
	waitFor(t, 10*time.Second, fired.Load)
	waitFor(t, 10*time.Second, func() bool { return len(w.keys("nido:poll:*:lbusy")) == 0 })
	if h := w.rdb.HGetAll(ctx, "nido:poll:1").Val(); len(h) != 0 {
		t.Errorf("the poll came back: %v", h)
	}

	// A second poll goes just as its date is chosen.
	w.say(anna, "/groups")
	w.press(anna, pollGroup)
	pollMake(w, anna, "", dates...)
	pollSettled(w, anna, w.label("it", "group.poll_close"))
	w.press(anna, w.label("it", "group.poll_close"))
	fired.Store(false)
	w.hook.Arm(pollWriteOf("nido:poll:2", "meeting", 1), func() error {
		fired.Store(true)
		return w.rdb.Del(ctx, "nido:poll:2").Err()
	})
	w.press(anna, w.text("it", "group.poll_option", map[string]any{"When": w.cat.DateTime("it", dates[0]), "Yes": 0}))
	if !fired.Load() {
		t.Fatal("no meeting reserved")
	}
	if h := w.rdb.HGetAll(ctx, "nido:poll:2").Val(); len(h) != 0 {
		t.Errorf("the poll came back: %v", h)
	}
	if n := w.rdb.Exists(ctx, "nido:meeting:2").Val(); n != 0 {
		t.Errorf("a meeting was made of a poll that is gone")
	}
}

// The counts end showing every mark, even one given while the poll is
// still being sent, between the reading of the poll and its showing.
func TestPollCountsShowTheLatestMarks(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	dates := pollDates(w)
	title := pollTitle(w, fatima)
	want := w.text("it", "group.poll_count", map[string]any{"When": w.cat.DateTime("it", dates[0]), "Yes": 1, "No": 0, "None": 1})
	var seen atomic.Bool
	w.hook.Arm(func(args []any) bool {
		if len(args) != 2 || fmt.Sprint(args[0]) != "hgetall" {
			return false
		}
		switch fmt.Sprint(args[1]) {
		case "nido:poll:1":
			seen.Store(true)
		case "nido:group:1":
			return seen.Load()
		}
		return false
	}, func() error {
		// Fatima marks now, and her mark is given time to show.
		msgs := w.tg.Messages(fatima.ID)
		var msg telegramtest.Message
		for _, m := range msgs {
			if strings.Contains(telegramtest.Visible(m.Plain()), title) {
				msg = m
			}
		}
		label := w.text("it", "group.poll_yes", map[string]any{"When": w.cat.DateTime("it", dates[0])})
		for _, row := range msg.Buttons {
			if len(row) == 2 && telegramtest.Visible(row[0].Text) == label {
				w.handled.wait(t, w.tg.PressData(fatima, msg.ID, row[0].CallbackData))
			}
		}
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) && w.count(anna, want) == 0 {
			time.Sleep(20 * time.Millisecond)
		}
		return nil
	})
	pollMake(w, anna, "", dates...)
	w.waitCount(olena, pollTitle(w, olena), 1)
	pollSettled(w, anna, w.label("it", "group.poll_close"))
	if !seen.Load() {
		t.Fatal("the counts were never read")
	}
	if got := telegramtest.Visible(pollMessage(w, anna).Plain()); !strings.Contains(got, want) {
		t.Errorf("the counts do not show Fatima's mark %q:\n%s", want, got)
	}
}

// /group shows each open poll again, with her marks and its buttons: the
// message she got may be far up her chat, and a mother added after the
// poll was sent never got one. The older message points down to the new.
func TestPollShownAgainInHerGroups(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	dates := pollDates(w)
	pollMake(w, anna, "", dates...)
	w.waitCount(fatima, pollTitle(w, fatima), 1)
	pollMark(w, fatima, dates[0], true)
	first := pollMessage(w, fatima)

	w.say(fatima, "/group")
	again := pollMessage(w, fatima)
	if again.ID == first.ID {
		t.Fatalf("/group did not show the poll again")
	}
	w.wantSaid([]telegramtest.Message{again}, "it", "group.poll_mark_yes", map[string]any{"When": w.cat.DateTime("it", dates[0])})
	for _, m := range w.tg.Messages(fatima.ID) {
		if m.ID == first.ID {
			w.wantSaid([]telegramtest.Message{m}, "it", "group.poll_see_below", nil)
			if len(m.Buttons) != 0 {
				t.Errorf("the older poll message keeps its buttons: %q", m.Labels())
			}
		}
	}
	pollMark(w, fatima, dates[1], true)

	// Amina joins after the poll was sent: she finds it in her groups.
	amina := pollAddMother(w, anna, person(3003, "Amina", "it"))
	if n := w.count(amina, pollTitle(w, amina)); n != 0 {
		t.Fatalf("Amina was sent the poll %d times on joining", n)
	}
	w.say(amina, "/group")
	w.wantSaid([]telegramtest.Message{pollMessage(w, amina)}, "it", "group.poll_mark_none", map[string]any{"When": w.cat.DateTime("it", dates[0])})
	pollMark(w, amina, dates[0], true)
	pollWantCounts(w, anna, dates[0], 2, 0, 1)
	pollWantCounts(w, anna, dates[1], 1, 0, 2)
}
