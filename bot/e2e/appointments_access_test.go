package e2e

import (
	"context"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// Who sees what: staff see their own organisation's mothers only; a mother
// who erased her data hears nothing more; staff get their morning digest.

func TestAnotherOrganisationCannotSeeOrTouch(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	sole := w.openOrg("Casa Sole", person(2002, "Marco", "it"), "it")
	amina := person(3002, "Amina", "it")
	w.signUp(sole.staff, "mother", amina, "it")
	w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra")
	id := w.apptIDs(fatima)[0] + ":0" // its id and version, as its buttons carry them

	// Her name is not in their lists, nor her appointment in their day.
	if labels := strings.Join(w.say(sole.staff, "/appointments")[0].Labels(), "|"); strings.Contains(labels, "Fatima") {
		t.Errorf("another organisation's staff can pick her: %s", labels)
	}
	w.say(sole.staff, "/appointments")
	w.press(sole.staff, w.label("it", "appointment.list_tomorrow")) // 25/11 is two days ahead: use the arrow
	w.press(sole.staff, w.label("it", "appointment.day_next"))
	if strings.Contains(w.last(sole.staff).Plain(), "Fatima") {
		t.Errorf("another organisation's day shows her: %q", w.last(sole.staff).Plain())
	}
	w.wantSaid(w.say(sole.staff, "/appointment Fatima 26/02/2027 10:00 Avvocato"), "it", "appointment.mother_unknown", nil)

	// Buttons naming her or her appointment: invalid, and nothing changes.
	before := w.snapshot()
	for _, tt := range []struct {
		who  telegramtest.User
		data string
	}{
		{sole.staff, "ap:del:" + id}, {sole.staff, "ap:delok:" + id}, {sole.staff, "ap:chg:" + id},
		{sole.staff, "ap:ics:" + id}, {sole.staff, "apl:m:" + idOf(fatima)}, {sole.staff, "apm:" + idOf(fatima)},
		{sole.staff, "ap:keep:" + id}, {sole.staff, "ap:yes:" + id}, {sole.staff, "apn:" + idOf(fatima)},
		{sole.staff, "apw:ok:202611250930"},
		{amina, "ap:yes:" + id}, {amina, "ap:delok:" + id},
		{fatima, "ap:yes:99999:0"}, {fatima, "ap:delok:" + id + "0"}, {fatima, "ap:delok:" + w.apptIDs(fatima)[0]},
	} {
		msgs := w.pressSigned(tt.who, tt.data)
		w.wantSaid(msgs, "it", "common.button_invalid", nil)
		for _, m := range msgs {
			if m.Document != nil || strings.Contains(m.Plain(), "Pediatra") {
				t.Errorf("%s by %d showed the appointment: %q", tt.data, tt.who.ID, m.Plain())
			}
		}
	}
	// Data Nido never signed does not even reach the flows.
	w.wantSaid(w.pressData(fatima, "ap:delok:"+id), "it", "common.button_invalid", nil)
	w.sameRedis(before)

	// The very same data works for her and her staff: it is whose it is that counts.
	for _, u := range []telegramtest.User{fatima, anna} {
		if start, _ := calendarIn(t, w.pressSigned(u, "ap:ics:"+id)); !start.Equal(w.rome(2026, 11, 25, 9, 30)) {
			t.Errorf("calendar for %d starts %v", u.ID, start)
		}
	}
}

func TestStaffMakeMoveAndCancelForAMother(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.say(anna, "/appointments")
	w.press(anna, w.label("it", "appointment.new"))
	w.press(anna, "Fatima")
	w.press(anna, w.label("it", "appointment.kind_jobcentre"))
	w.press(anna, "mercoledì 25/11")
	w.press(anna, "10:30")
	w.say(anna, "Via Tiburtina 100")
	w.wantSaid(w.press(anna, w.label("it", "appointment.skip")), "it", "appointment.created_staff", map[string]any{"Name": "Fatima"})
	w.waitCount(fatima, w.text("it", "appointment.created_for_you", nil), 1)

	// Staff move it, with their own buttons (no calendar file of hers):
	// she gets the new time with a new calendar file.
	w.say(anna, "/appointments")
	w.press(anna, "Fatima")
	if labels := w.last(anna).Labels(); len(labels) != 3 || labels[0] != w.label("it", "appointment.staff_change") ||
		labels[1] != w.label("it", "appointment.staff_cancel") || labels[2] != w.label("it", "appointment.map") {
		t.Errorf("staff see her appointment with the buttons %q", labels)
	}
	w.press(anna, w.label("it", "appointment.staff_change"))
	w.press(anna, "giovedì 26/11")
	w.wantSaid(w.press(anna, "11:00"), "it", "appointment.moved_staff", map[string]any{"Name": "Fatima"})
	w.waitCount(fatima, w.text("it", "appointment.moved_for_you", nil), 1)
	msgs := w.tg.Messages(fatima.ID)
	if start, _ := calendarIn(t, msgs[len(msgs)-1:]); !start.Equal(w.rome(2026, 11, 26, 11, 0)) {
		t.Errorf("new calendar file starts %v", start)
	}

	// Staff cancel it: she is told, and no reminder comes.
	w.say(anna, "/appointments")
	w.press(anna, "Fatima")
	w.wantSaid(w.press(anna, w.label("it", "appointment.staff_cancel")), "it", "appointment.cancel_confirm_staff", map[string]any{"Name": "Fatima"})
	msgs = w.press(anna, w.label("it", "appointment.cancel_yes"))
	w.wantSaid(msgs, "it", "appointment.cancelled", nil)
	w.wantSaid(msgs, "it", "appointment.mother_told", map[string]any{"Name": "Fatima"})
	w.waitCount(fatima, w.text("it", "appointment.cancelled_for_you", nil), 1)
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "appointment.calendar_delete", nil)
	if jobs := w.jobsOf(fatima); len(jobs) != 0 {
		t.Errorf("jobs left: %v", jobs)
	}
}

func TestErasedMotherGetsNoMoreReminders(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)
	w.sayLine(fatima, "/appointment 25/11/2026 09:30 Pediatra Via Roma 1")
	msgs := w.say(fatima, "/mydata")
	w.wantSaid(msgs, "it", "appointment.mydata_item", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 9, 30)),
		"What": "Pediatra", "Status": w.label("it", "appointment.status_not_reminded")})
	if len(w.jobsOf(fatima)) == 0 {
		t.Fatal("no reminders planned")
	}

	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	if jobs := w.jobsOf(fatima); len(jobs) != 0 {
		t.Errorf("jobs left after erasure: %v", jobs)
	}
	if keys := append(w.keys("nido:appt:*"), w.keys("nido:appts:*")...); len(keys) != 1 || keys[0] != "nido:appt:seq" {
		t.Errorf("appointment keys left after erasure: %v", keys)
	}
	before := len(w.tg.Messages(fatima.ID))
	w.advance(w.rome(2026, 11, 25, 13, 0), idOf(fatima))
	if got := w.tg.Messages(fatima.ID)[before:]; len(got) != 0 {
		t.Errorf("an erased mother was sent %d messages", len(got))
	}
	w.say(anna, "/appointments")
	if strings.Contains(strings.Join(w.last(anna).Labels(), "|"), "Fatima") {
		t.Error("staff still see her")
	}
}

func TestStaffMorningDigest(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	anna, fatima := aurora(w)
	olena := person(3003, "Olena", "uk")
	w.signUp(anna, "mother", olena, "it")
	if err := w.engine.EnsureRules(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.sayLine(anna, "/appointment Fatima 24/11/2026 10:00 Pediatra")
	w.sayLineIn(olena, "it", "/appointment 24/11/2026 15:00 Avvocato")
	w.sayLine(fatima, "/appointment 28/11/2026 10:00 Consultorio") // a Saturday
	mothers := []string{idOf(fatima), idOf(olena), "network"}

	// The day-before reminders: Fatima confirms, Olena does not answer.
	w.advance(w.rome(2026, 11, 23, 15, 0), mothers...)
	w.press(fatima, w.label("it", "appointment.yes"))

	// Staff see the same in the day view.
	w.say(anna, "/appointments")
	day := w.press(anna, w.label("it", "appointment.list_tomorrow"))
	w.wantSaid(day, "it", "appointment.day_item", map[string]any{"Time": "10:00", "Name": "Fatima",
		"What": "Pediatra", "Status": w.label("it", "appointment.status_confirmed")})

	// Tuesday 08:30: one message with the day's appointments and who confirmed.
	w.advance(w.rome(2026, 11, 24, 8, 29), mothers...)
	title, err := w.cat.Text("it", "digest.title", map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, 24, 0, 0)), "Count": 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	title = plain(title)
	if w.count(anna, title) != 0 {
		t.Fatal("digest before 08:30")
	}
	w.advance(w.rome(2026, 11, 24, 8, 30), mothers...)
	w.waitCount(anna, title, 1)
	digest := []telegramtest.Message{w.last(anna)}
	w.wantSaid(digest, "it", "appointment.day_item", map[string]any{"Time": "10:00", "Name": "Fatima",
		"What": "Pediatra", "Status": w.label("it", "appointment.status_confirmed")})
	w.wantSaid(digest, "it", "appointment.day_item", map[string]any{"Time": "15:00", "Name": "Olena",
		"What": "Avvocato", "Status": w.label("it", "appointment.status_no_answer")})

	// Once a day, working days only: nothing on Saturday, though she has one.
	digests := func() int { return w.count(anna, "☀️") }
	w.advance(w.rome(2026, 11, 24, 12, 0), mothers...)
	if n := digests(); n != 1 {
		t.Errorf("%d digests on Tuesday", n)
	}
	w.advance(w.rome(2026, 11, 28, 9, 0), mothers...)
	if n := digests(); n != 1 {
		t.Errorf("%d digests by Saturday, want only Tuesday's (no appointments Wednesday to Friday)", n)
	}
}
