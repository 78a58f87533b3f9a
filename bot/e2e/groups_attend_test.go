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
		w.wantDueFor("attend:1", "meet:1:attendance", w.rome(2026, 11, 25, 19, 0))
		title := w.text("it", "group.attend_title", map[string]any{"Group": "Mamme del martedì", "When": w.cat.DateTime("it", when)})
		w.advance(w.rome(2026, 11, 25, 18, 59), "attend:1")
		if n := w.count(anna, title); n != 0 {
			t.Fatalf("asked %d times a minute early", n)
		}
		w.advance(w.rome(2026, 11, 25, 19, 0), "attend:1", "group:1")
		w.waitCount(anna, title, 1)

		// Her marks edit that one message.
		before := len(w.tg.Messages(anna.ID))
		w.press(anna, attendMark(w, "Fatima", false))
		w.press(anna, attendMark(w, "Olena", false))
		w.press(anna, attendMark(w, "Olena", true))
		msg := w.last(anna)
		labels := strings.Join(msg.Labels(), "|")
		if !strings.Contains(labels, attendMark(w, "Fatima", true)) || !strings.Contains(labels, attendMark(w, "Olena", false)) {
			t.Errorf("the marks read %q", labels)
		}
		w.press(anna, w.label("it", "group.attend_done"))
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.attend_saved", map[string]any{"Came": 1})
		if n := len(w.tg.Messages(anna.ID)); n != before {
			t.Errorf("marking who came sent %d new messages, want none", n-before)
		}
		w.advance(w.rome(2026, 11, 26, 12, 0), "attend:1")
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
	if jobs := w.jobsOfOwner("attend:1"); len(jobs) != 0 {
		t.Errorf("jobs left after cancelling: %v", jobs)
	}
	w.advance(w.rome(2026, 11, 26, 12, 0), "attend:1", "group:1")
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
	w.advance(w.rome(2026, 11, 25, 19, 0), "attend:1", "group:1")
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
	w.wantSaid(w.pressSigned(anna, "gam:1:"+idOf(fatima)+":1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressSigned(anna, "gat:1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	w.advance(w.rome(2026, 11, 25, 19, 0), "attend:1", "group:1")
	before = w.snapshot()
	for _, tt := range []struct {
		who  telegramtest.User
		data string
	}{
		{sole.staff, "gat:1"}, {sole.staff, "gam:1:" + idOf(fatima) + ":1"}, {sole.staff, "gad:1"},
		{sole.staff, "grt:1"}, {sole.staff, "grk:1:1"}, {sole.staff, "grw:1"},
		{anna, "gam:1:9999:1"}, {anna, "gam:1:" + idOf(fatima) + ":2"}, {anna, "gam:9:" + idOf(fatima) + ":1"},
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
	w.wantSaid(w.pressSigned(fatima, "gam:1:"+idOf(fatima)+":1"), "it", "common.not_allowed", nil)
	w.wantSaid(w.pressData(sole.staff, "gam:1:"+idOf(fatima)+":1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)
}
