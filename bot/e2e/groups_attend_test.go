package e2e

import (
	"strconv"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// A group's meetings with childcare, who came to them, the month's counts
// for funders, renaming a group and a mother removed from it. The world
// starts on Monday 23 November 2026 at 09:00; the group "Mamme del
// martedì" meets on Wednesday 25 November at 17:00.

// attendPage is Anna opening the group's page from /groups.
func attendPage(w *world, anna telegramtest.User, name string) []telegramtest.Message {
	w.t.Helper()
	w.say(anna, "/groups")
	return w.press(anna, name)
}

// attendMonthName is how a month reads in Italian ("novembre 2026"), in this world's era.
func attendMonthName(w *world, month int) string {
	w.t.Helper()
	return w.text("it", "month.name", map[string]any{
		"Month": w.label("it", "date.month."+strconv.Itoa(month)), "Year": w.rome(2026, 11, 1, 0, 0).Year()})
}

// attendMark is the label of a mother's button on "Who came?": marked or not.
func attendMark(w *world, name string, came bool) string {
	id := "group.attend_absent"
	if came {
		id = "group.attend_came"
	}
	return w.text("it", id, map[string]any{"Name": name})
}

// attendKid is u pressing 👶 beside name's mark on msg: her children came, or not.
func attendKid(w *world, u telegramtest.User, msg telegramtest.Message, name string) []telegramtest.Message {
	w.t.Helper()
	for _, row := range msg.Buttons {
		if len(row) == 2 && telegramtest.Visible(row[0].Text) == attendMark(w, name, true) {
			before := len(w.tg.Messages(u.ID))
			w.handled.wait(w.t, w.tg.PressData(u, msg.ID, row[1].CallbackData))
			return w.tg.Messages(u.ID)[before:]
		}
	}
	w.t.Fatalf("no 👶 beside %s on %d: %q", name, msg.ID, msg.Labels())
	return nil
}

// attendKidLabels are the 👶 labels on msg, row by row ("" where none).
func attendKidLabels(msg telegramtest.Message) []string {
	var out []string
	for _, row := range msg.Buttons[:len(msg.Buttons)-1] { // the last row is Done
		label := ""
		if len(row) == 2 {
			label = telegramtest.Visible(row[1].Text)
		}
		out = append(out, label)
	}
	return out
}

// attendQuestion is the last message to u with "Who came?" for title, as it reads now.
func attendQuestion(w *world, u telegramtest.User, title string) telegramtest.Message {
	w.t.Helper()
	msgs := w.tg.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(telegramtest.Visible(msgs[i].Plain()), title) {
			return msgs[i]
		}
	}
	w.t.Fatalf("no message to %d with %q", u.ID, title)
	return telegramtest.Message{}
}

func TestGroupChildcareIsAskedAndCounted(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	when := w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0))
	askKid := func(u telegramtest.User) string { return w.label(u.LanguageCode, "group.ask_kid") }

	// A group without childcare never asks about children.
	w.press(fatima, w.label("it", "group.come"))
	if got := w.last(fatima); strings.Contains(got.Plain(), askKid(fatima)) || len(got.Buttons) != 3 {
		t.Errorf("a group without childcare asks about children: %q %q", got.Plain(), got.Labels())
	}
	page := attendPage(w, anna, "Mamme del martedì")
	if strings.Contains(page[len(page)-1].Plain(), "👶") {
		t.Errorf("the page of a group without childcare counts children: %q", page[len(page)-1].Plain())
	}

	// Anna offers childcare: the page says so.
	page = w.press(anna, w.label("it", "group.childcare_off"))
	if labels := strings.Join(page[len(page)-1].Labels(), "|"); !strings.Contains(labels, w.label("it", "group.childcare_on")) {
		t.Errorf("the page after offering childcare: %q", labels)
	}

	// Both come; Fatima brings her child, Olena does not.
	w.press(fatima, w.label("it", "group.not_come"))
	w.press(fatima, w.label("it", "group.come"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "group.ask_kid", nil)
	w.press(fatima, w.label("it", "group.kid_yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "group.kid_answer_yes", nil)
	w.press(olena, w.label("uk", "group.come"))
	w.wantSaid([]telegramtest.Message{w.last(olena)}, "uk", "group.ask_kid", nil)
	w.press(olena, w.label("uk", "group.kid_no"))
	w.wantSaid([]telegramtest.Message{w.last(olena)}, "uk", "group.kid_answer_no", nil)

	page = attendPage(w, anna, "Mamme del martedì")
	w.wantSaid(page, "it", "group.meeting_item", map[string]any{"When": when, "Yes": 2, "No": 0, "None": 0})
	w.wantSaid(page, "it", "group.meeting_children", map[string]any{"Children": 1})

	// They change their answers: the counts follow.
	w.press(olena, w.label("uk", "group.kid_yes"))
	w.press(fatima, w.label("it", "group.not_come"))
	if strings.Contains(w.last(fatima).Plain(), askKid(fatima)) {
		t.Errorf("asked about her child after saying she cannot come: %q", w.last(fatima).Plain())
	}
	page = attendPage(w, anna, "Mamme del martedì")
	w.wantSaid(page, "it", "group.meeting_item", map[string]any{"When": when, "Yes": 1, "No": 1, "None": 0})
	w.wantSaid(page, "it", "group.meeting_children", map[string]any{"Children": 1})

	// The reminder shows her childcare answer; /mydata too.
	w.advance(w.rome(2026, 11, 24, 17, 0), "group:1")
	w.waitCount(olena, w.text("uk", "group.reminder_title", map[string]any{"Group": "Mamme del martedì"}), 1)
	w.wantSaid([]telegramtest.Message{w.last(olena)}, "uk", "group.kid_answer_yes", nil)
	w.wantSaid(w.say(olena, "/mydata"), "uk", "group.mydata_kid", map[string]any{"Answer": w.label("uk", "group.kid_answer_yes")})
}

func TestGroupAttendanceAndTheMonthsCounts(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, olena := tuesdayGroup(w)
		when := w.rome(2026, 11, 25, 17, 0)
		attendPage(w, anna, "Mamme del martedì")
		w.press(anna, w.label("it", "group.childcare_off"))
		w.press(fatima, w.label("it", "group.come"))
		w.press(fatima, w.label("it", "group.kid_yes"))
		// An interview of Fatima's, for the month's counts.
		w.sayLine(fatima, "/interview 26/11/2026 09:30 Hotel Roma")
		w.press(fatima, w.label("it", "interview.job_catering"))
		w.wantSaid(w.press(fatima, w.label("it", "interview.childcare_no")), "it", "interview.created", nil)

		// Two hours after the meeting, Anna, who planned it, is asked who came: once.
		w.wantDueFor("group:1", "meet:1:attendance", w.rome(2026, 11, 25, 19, 0))
		title := w.text("it", "group.attend_title", map[string]any{"Group": "Mamme del martedì", "When": w.cat.DateTime("it", when)})
		w.advance(w.rome(2026, 11, 25, 18, 59), "group:1")
		if n := w.count(anna, title); n != 0 {
			t.Fatalf("asked %d times a minute early", n)
		}
		w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
		w.waitCount(anna, title, 1)

		// Her marks edit that one message.
		before := len(w.tg.Messages(anna.ID))
		w.press(anna, attendMark(w, "Fatima", false))
		w.press(anna, attendMark(w, "Olena", false))
		w.press(anna, attendMark(w, "Olena", true))
		attendKid(w, anna, w.last(anna), "Fatima") // her children came with her
		msg := w.last(anna)
		labels := strings.Join(msg.Labels(), "|")
		if !strings.Contains(labels, attendMark(w, "Fatima", true)) || !strings.Contains(labels, attendMark(w, "Olena", false)) {
			t.Errorf("the marks read %q", labels)
		}
		w.press(anna, w.label("it", "group.attend_done"))
		if got, want := w.last(anna).Plain(), w.countText("it", "group.attend_saved", 1, map[string]any{"Count": 1}); !strings.Contains(got, want) {
			t.Errorf("Done reads %q, want %q", got, want)
		}
		if n := len(w.tg.Messages(anna.ID)); n != before {
			t.Errorf("marking who came sent %d new messages, want none", n-before)
		}
		w.advance(w.rome(2026, 11, 26, 12, 0), "group:1")
		if n := w.count(anna, title); n != 1 {
			t.Errorf("asked %d times who came, want once", n)
		}

		// The month's attendance of the group, from its page.
		attendPage(w, anna, "Mamme del martedì")
		view := w.press(anna, w.label("it", "group.attendance"))
		w.wantSaid(view, "it", "group.attend_month_title", map[string]any{"Group": "Mamme del martedì", "Month": attendMonthName(w, 11)})
		w.wantSaid(view, "it", "group.attend_month_held", map[string]any{"Count": 1})
		w.wantSaid(view, "it", "group.attend_month_meeting", map[string]any{"When": w.cat.DateTime("it", when), "Came": 1})
		w.wantSaid(view, "it", "group.attend_member", map[string]any{"Name": "Fatima", "Came": 1, "Held": 1})
		w.wantSaid(view, "it", "group.attend_member", map[string]any{"Name": "Olena", "Came": 0, "Held": 1})
		// The same "Who came?" opens from there, and Olena is marked.
		w.wantIn(w.press(anna, w.text("it", "group.attend_open", map[string]any{"When": w.cat.DateTime("it", when)})), title)
		w.press(anna, attendMark(w, "Olena", false))
		view = w.press(anna, w.label("it", "group.attendance"))
		w.wantSaid(view, "it", "group.attend_member", map[string]any{"Name": "Olena", "Came": 1, "Held": 1})

		// The month's counts: groups and interviews.
		counts := w.say(anna, "/month")
		w.wantSaid(counts, "it", "month.title", map[string]any{"Month": attendMonthName(w, 11)})
		if got, want := counts[0].Plain(), strings.Join([]string{
			w.text("it", "month.title", map[string]any{"Month": attendMonthName(w, 11)}),
			w.text("it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 2, "Mothers": 2}),
			w.text("it", "group.month_children", map[string]any{"Children": 1}),
			w.text("it", "interview.month_line", map[string]any{"Interviews": 1, "Attended": 0, "Offers": 0}),
		}, "\n"); got != want {
			t.Errorf("/month reads\n%q\nwant\n%q", got, want)
		}
		if labels := strings.Join(counts[0].Labels(), "|"); strings.Contains(labels, w.label("it", "month.next")) {
			t.Errorf("a month after this one is offered: %q", labels)
		}
		// The month before, on the same message; then back.
		if got := w.press(anna, w.label("it", "month.prev")); len(got) != 0 {
			t.Errorf("the month before came as %d new messages", len(got))
		}
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "month.title", map[string]any{"Month": attendMonthName(w, 10)})
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "month.none", nil)
		w.press(anna, w.label("it", "month.next"))
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 2, "Mothers": 2})
		// Staff have it on their menu; mothers do not have it at all.
		w.say(anna, "/menu")
		w.wantSaid(w.press(anna, w.label("it", "menu.month")), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 2, "Mothers": 2})
		w.wantSaid(w.say(olena, "/month"), "uk", "common.not_allowed", nil)
	})
}

func TestNoAttendanceQuestionForACancelledMeeting(t *testing.T) {
	w := newWorld(t)
	anna, _, _ := tuesdayGroup(w)
	w.press(anna, w.label("it", "group.cancel"))
	w.press(anna, w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0)))
	w.press(anna, w.label("it", "group.cancel_yes"))
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("jobs left after cancelling: %v", jobs)
	}
	w.advance(w.rome(2026, 11, 26, 12, 0), "group:1")
	if n := w.count(anna, w.text("it", "group.attend_hint", nil)); n != 0 {
		t.Errorf("asked %d times who came to a cancelled meeting", n)
	}
}

func TestRenamingAGroupAndRemovingAMother(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	w.press(olena, w.label("uk", "group.come"))

	// Renamed: the page says the new name, and the mothers are not told.
	before := len(w.tg.Messages(fatima.ID))
	w.wantSaid(w.press(anna, w.label("it", "group.rename")), "it", "group.ask_rename", map[string]any{"Name": "Mamme del martedì", "Max": 60})
	w.wantSaid(w.say(anna, strings.Repeat("x", 61)), "it", "group.name_invalid", map[string]any{"Max": 60})
	page := w.say(anna, "Mamme del mercoledì")
	w.wantSaid(page, "it", "group.renamed", nil)
	w.wantSaid(page, "it", "group.title", map[string]any{"Name": "Mamme del mercoledì"})
	if n := len(w.tg.Messages(fatima.ID)); n != before {
		t.Errorf("a rename sent %d messages to a mother", n-before)
	}

	// Olena is removed: told once, kindly, and her answer goes.
	w.press(anna, w.label("it", "group.remove"))
	w.wantSaid(w.press(anna, "Olena"), "it", "group.removed", map[string]any{"Name": "Olena"})
	told := w.text("uk", "group.removed_for_you", map[string]any{"Group": "Mamme del mercoledì"})
	w.waitCount(olena, told, 1)
	w.wantSaid(w.pressSigned(anna, "grr:1:"+idOf(olena)), "it", "common.button_invalid", nil)
	if n := w.count(olena, told); n != 1 {
		t.Errorf("told %d times of her removal", n)
	}
	w.noValuesNaming(olena, ":meeting:")
	w.noValuesNaming(olena, ":group:")

	// The reminder carries the new name, and does not reach her.
	w.advance(w.rome(2026, 11, 24, 17, 0), "group:1")
	w.waitCount(fatima, w.text("it", "group.reminder_title", map[string]any{"Group": "Mamme del mercoledì"}), 1)
	for _, name := range []string{"Mamme del martedì", "Mamme del mercoledì"} {
		if n := w.count(olena, w.text("uk", "group.reminder_title", map[string]any{"Group": name})); n != 0 {
			t.Errorf("a removed mother got %d reminders", n)
		}
	}
}

func TestErasingAMotherTakesHerAttendance(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
	w.press(anna, attendMark(w, "Fatima", false))
	w.press(anna, attendMark(w, "Olena", false))
	// Removed from the group, her attendance still counts for the month.
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.remove"))
	w.press(anna, "Olena")
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 2, "Mothers": 2})

	w.say(olena, "/delete")
	w.press(olena, w.label("uk", "delete.yes"))
	w.noKeysNaming(olena)
	w.noValuesNaming(olena, ":attend:")
	w.noValuesNaming(olena, ":meeting:")
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 1, "Mothers": 1})
	if len(w.keys("nido:attend:*")) != 1 {
		t.Errorf("attendance keys: %v", w.keys("nido:attend:*"))
	}
	_ = fatima
}

func TestAnotherOrganisationCannotTouchAttendance(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	sole := w.openOrg("Casa Sole", person(2002, "Marco", "it"), "it")
	// Before the meeting, nobody can mark it.
	before := w.snapshot()
	w.wantSaid(w.pressSigned(anna, "gam:1:2026-11:"+idOf(fatima)+":1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(anna, "gat:1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
	before = w.snapshot()
	for _, tt := range []struct {
		who  telegramtest.User
		data string
	}{
		{sole.staff, "gat:1"}, {sole.staff, "gam:1:2026-11:" + idOf(fatima) + ":1"}, {sole.staff, "gad:1:2026-11"},
		{sole.staff, "gak:1:2026-11:" + idOf(fatima) + ":1"}, {anna, "gam:1:" + idOf(fatima) + ":1"},
		{sole.staff, "grt:1"}, {sole.staff, "grk:1:1"}, {sole.staff, "grw:1"},
		{anna, "gam:1:2026-11:9999:1"}, {anna, "gam:1:2026-11:" + idOf(fatima) + ":2"}, {anna, "gam:9:2026-11:" + idOf(fatima) + ":1"},
		{anna, "gam:1:2026-1x:" + idOf(fatima) + ":1"}, {anna, "gad:1:2026-12"},
		{anna, "grt:1:2099-01"}, {anna, "grk:1:x"}, {anna, "mon:2099-01"}, {anna, "mon:x"},
	} {
		msgs := w.pressSigned(tt.who, tt.data)
		w.wantSaid(msgs, "it", "common.button_invalid", nil)
		for _, m := range msgs {
			if strings.Contains(m.Plain(), "martedì") || strings.Contains(m.Plain(), "Fatima") {
				t.Errorf("%s by %d showed the group: %q", tt.data, tt.who.ID, m.Plain())
			}
		}
	}
	w.wantSaid(w.pressSigned(fatima, "gam:1:2026-11:"+idOf(fatima)+":1"), "it", "common.not_allowed", nil)
	w.wantSaid(w.pressData(sole.staff, "gam:1:2026-11:"+idOf(fatima)+":1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)
}

// attendTitle is the title of "Who came?" for the meeting of 25 November.
func attendTitle(w *world) string {
	return w.text("it", "group.attend_title", map[string]any{"Group": "Mamme del martedì", "When": w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0))})
}

// attendEnd is Anna ending the group from its page.
func attendEnd(w *world, anna telegramtest.User) {
	w.t.Helper()
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.end"))
	w.press(anna, w.label("it", "group.end_yes"))
	w.wantSaid(w.tg.Messages(anna.ID), "it", "group.ended", map[string]any{"Name": "Mamme del martedì"})
}

// attendMonthLine is the groups' line of /month.
func attendMonthLine(w *world, meetings, attendances, mothers int) string {
	return w.text("it", "group.month_line", map[string]any{"Meetings": meetings, "Attendances": attendances, "Mothers": mothers})
}

// A group closed right after its last meeting, before the question of who
// came: the meeting still counts, Anna is asked at once, and her marks land.
func TestEndingAGroupRightAfterItsMeetingKeepsItsAttendance(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	w.press(fatima, w.label("it", "group.come"))
	w.advance(w.rome(2026, 11, 25, 18, 0), "group:1") // the meeting began an hour ago
	title := attendTitle(w)
	if n := w.count(anna, title); n != 0 {
		t.Fatalf("asked %d times before the meeting ended", n)
	}

	attendEnd(w, anna)
	w.waitCount(anna, title, 1)
	if jobs := w.jobsOfOwner("group:1"); len(jobs) != 0 {
		t.Errorf("jobs left after the group ended: %v", jobs)
	}
	for k := range w.snapshot() {
		if (strings.Contains(k, ":group:") || strings.Contains(k, ":meeting:")) && !strings.HasSuffix(k, ":seq") {
			t.Errorf("key %s left after the group ended", k)
		}
	}
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 0, "Mothers": 0})

	// She marks both mothers, one back off: the message is edited in place.
	q := attendQuestion(w, anna, title)
	if labels := strings.Join(q.Labels(), "|"); !strings.Contains(labels, attendMark(w, "Fatima", false)) || !strings.Contains(labels, attendMark(w, "Olena", false)) {
		t.Fatalf("the question of a group that ended reads %q", labels)
	}
	for _, tap := range []string{attendMark(w, "Fatima", false), attendMark(w, "Olena", false), attendMark(w, "Olena", true)} {
		if got := w.pressOn(anna, attendQuestion(w, anna, title), tap); len(got) != 0 {
			t.Errorf("a mark sent %d new messages", len(got))
		}
	}
	done := w.pressOn(anna, attendQuestion(w, anna, title), w.label("it", "group.attend_done"))
	if len(done) != 0 {
		t.Errorf("Done sent %d new messages", len(done))
	}
	q = attendQuestion(w, anna, title)
	if want := w.countText("it", "group.attend_saved", 1, map[string]any{"Count": 1}); !strings.Contains(q.Plain(), want) || len(q.Buttons) != 0 {
		t.Errorf("Done reads %q with %q; want %q and no buttons (the group is gone)", q.Plain(), q.Labels(), want)
	}
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 1, "Mothers": 1})

	// The question's time comes and goes: it is not asked again.
	w.advance(w.rome(2026, 11, 26, 12, 0), "group:1")
	if n := w.count(anna, title); n != 1 {
		t.Errorf("asked %d times, want once", n)
	}
	_ = olena
}

// The group ends after the question came, before Anna marked anyone: her
// marks still land; another organisation's presses, forged, change nothing.
func TestMarkingAfterTheGroupEnded(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
	title := attendTitle(w)
	w.waitCount(anna, title, 1)
	q := attendQuestion(w, anna, title)
	attendEnd(w, anna)
	if n := w.count(anna, title); n != 1 {
		t.Errorf("asked %d times, want once", n)
	}

	sole := w.openOrg("Casa Sole", person(2002, "Marco", "it"), "it")
	before := w.snapshot()
	for _, b := range []string{q.Buttons[0][0].CallbackData, q.Buttons[len(q.Buttons)-1][0].CallbackData} {
		data := b[:len(b)-12] // the data without its signature
		if !strings.HasPrefix(data, "ga") {
			t.Fatalf("unexpected button data %q", data)
		}
		w.wantSaid(w.pressSigned(sole.staff, data), "it", "common.button_invalid", nil)
	}
	w.wantSaid(w.pressSigned(anna, "gam:1:2026-11:9999:1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(anna, "gam:1:2026-10:"+idOf(fatima)+":1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	w.pressOn(anna, q, attendMark(w, "Fatima", false))
	if labels := strings.Join(attendQuestion(w, anna, title).Labels(), "|"); !strings.Contains(labels, attendMark(w, "Fatima", true)) {
		t.Errorf("after marking Fatima the question reads %q", labels)
	}
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 1, "Mothers": 1})
}

// /mydata shows a mother the meetings she came to, month by month, with
// her children, even once she is no longer in the group.
func TestMyDataShowsTheMeetingsSheCameTo(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.childcare_off"))
	w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
	w.press(anna, attendMark(w, "Fatima", false))
	attendKid(w, anna, w.last(anna), "Fatima")

	mine := func(lang string, count int) string {
		return w.countText(lang, "group.mydata_attended", count, map[string]any{
			"Month": w.text(lang, "month.name", map[string]any{"Month": w.label(lang, "date.month.11"), "Year": 2026}),
			"Group": "Mamme del martedì", "Count": count})
	}
	data := w.say(fatima, "/mydata")
	w.wantSaid(data, "it", "group.mydata_attended_title", nil)
	w.wantIn(data, mine("it", 1))
	w.wantIn(data, w.countText("it", "group.mydata_attended_kids", 1, map[string]any{"Count": 1}))
	for _, m := range w.say(olena, "/mydata") {
		if strings.Contains(m.Plain(), w.text("uk", "group.mydata_attended_title", nil)) {
			t.Errorf("a mother who did not come reads %q", m.Plain())
		}
	}

	// Out of the group, what Nido keeps of her coming is still shown.
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.remove"))
	w.press(anna, "Fatima")
	data = w.say(fatima, "/mydata")
	w.wantIn(data, mine("it", 1))
	if strings.Contains(data[0].Plain(), w.countText("it", "group.mydata_title", 1, map[string]any{"Count": 1})) {
		t.Errorf("a mother out of every group reads her groups: %q", data[0].Plain())
	}
}

// Where childcare is offered, Anna marks the children who came, beside
// each mother who came; the counts are those marks, not the mothers'
// earlier answers.
func TestChildrenWhoCameAreMarked(t *testing.T) {
	w := newWorld(t)
	anna, fatima, olena := tuesdayGroup(w)
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.childcare_off"))
	w.press(fatima, w.label("it", "group.come"))
	w.press(fatima, w.label("it", "group.kid_yes"))
	w.press(olena, w.label("uk", "group.come"))
	w.press(olena, w.label("uk", "group.kid_no"))
	w.advance(w.rome(2026, 11, 25, 19, 0), "group:1")
	title := attendTitle(w)
	w.waitCount(anna, title, 1)
	q := attendQuestion(w, anna, title)
	w.wantSaid([]telegramtest.Message{q}, "it", "group.attend_kid_hint", nil)
	if got := strings.Join(attendKidLabels(q), "|"); got != "|" {
		t.Errorf("👶 before anyone is marked: %q", got)
	}

	// Both came, each with her children: Olena too, who said she would not bring them.
	w.press(anna, attendMark(w, "Fatima", false))
	w.press(anna, attendMark(w, "Olena", false))
	off, on := w.label("it", "group.attend_kid_absent"), w.label("it", "group.attend_kid_came")
	if got, want := strings.Join(attendKidLabels(w.last(anna)), "|"), off+"|"+off; got != want {
		t.Errorf("👶 of two mothers who came: %q, want %q", got, want)
	}
	attendKid(w, anna, w.last(anna), "Fatima")
	attendKid(w, anna, w.last(anna), "Olena")
	if got, want := strings.Join(attendKidLabels(w.last(anna)), "|"), on+"|"+on; got != want {
		t.Errorf("👶 marked: %q, want %q", got, want)
	}
	w.press(anna, w.label("it", "group.attend_done"))
	w.wantIn([]telegramtest.Message{w.last(anna)}, w.countText("it", "group.attend_saved", 2, map[string]any{"Count": 2}))
	w.wantIn([]telegramtest.Message{w.last(anna)}, w.countText("it", "group.attend_saved_kids", 2, map[string]any{"Count": 2}))
	w.wantSaid(w.say(anna, "/month"), "it", "group.month_children", map[string]any{"Children": 2})

	// Fatima's children did not come after all; unmarked and marked again, she comes alone.
	w.press(anna, w.label("it", "group.attendance"))
	w.press(anna, w.text("it", "group.attend_open", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0))}))
	attendKid(w, anna, w.last(anna), "Fatima")
	w.press(anna, attendMark(w, "Fatima", true))
	w.press(anna, attendMark(w, "Fatima", false))
	if got, want := strings.Join(attendKidLabels(w.last(anna)), "|"), off+"|"+on; got != want {
		t.Errorf("👶 after Fatima came alone: %q, want %q", got, want)
	}
	counts := w.say(anna, "/month")
	w.wantSaid(counts, "it", "group.month_children", map[string]any{"Children": 1})
	w.wantSaid(counts, "it", "group.month_line", map[string]any{"Meetings": 1, "Attendances": 2, "Mothers": 2})

	// A 👶 for a mother not marked as come changes nothing.
	w.press(anna, attendMark(w, "Fatima", true))
	before := w.snapshot()
	w.pressSigned(anna, "gak:1:2026-11:"+idOf(fatima)+":1")
	w.sameRedis(before)
}

// The texts count: "è venuta 1 mamma", "sono venute 2 mamme"; and a mother
// is asked about her children, not one child.
func TestAttendanceTextsCountAndAskAboutChildren(t *testing.T) {
	w := newWorld(t)
	anna, fatima, _ := tuesdayGroup(w)
	for _, lang := range []string{"it", "en", "es", "fr", "ro", "uk", "ar"} {
		one := w.countText(lang, "group.attend_saved", 1, map[string]any{"Count": 1})
		if two := w.countText(lang, "group.attend_saved", 2, map[string]any{"Count": 2}); one == two {
			t.Errorf("%s: one and two mothers read the same: %q", lang, one)
		}
	}
	if got, want := w.countText("it", "group.attend_saved", 1, map[string]any{"Count": 1}), "Salvato: è venuta 1 mamma."; got != want {
		t.Errorf("one mother came reads %q, want %q", got, want)
	}
	attendPage(w, anna, "Mamme del martedì")
	w.press(anna, w.label("it", "group.childcare_off"))
	w.press(fatima, w.label("it", "group.come"))
	if got := w.last(fatima).Plain(); !strings.Contains(got, "Porti i bambini?") || strings.Contains(got, "il tuo bambino") {
		t.Errorf("the childcare question reads %q", got)
	}
}
