package appointment

import (
	"errors"
	"slices"
	"testing"
	"time"

	"nido/flows"
	"nido/flows/flowstest"
)

// Saving an appointment can fail half-way (Redis or Telegram went away), and
// Telegram delivers an update again after a crash. Doing it again must make
// one appointment, with all its reminders.

var errLost = errors.New("connection lost")

// fail is a hook action: the command fails, as if the connection dropped.
func fail() error { return errLost }

// pressYes, as the last input, is the Yes of the read-back on screen,
// whose data Nido chose.
const pressYes = "!when.yes"

func TestRepeatedCreationMakesOneAppointment(t *testing.T) {
	scheduleReminder := flowstest.Command("eval", jobReminder)
	endConversation := flowstest.Command("del", "t:conv:")
	tests := []struct {
		name string
		who  func(w *world) flows.Person
		// steps lead to the last input, which fails once at the command
		// failAt matches and is then sent again.
		steps   []string
		last    string
		failAt  func(args []any) bool
		created string
	}{
		{"one line by staff, the reminders failed", func(w *world) flows.Person { return w.Staff },
			[]string{"/appointment Fatima 25/02/2027 09:30 Pediatra"}, pressYes, scheduleReminder, "appointment.created_staff"},
		{"buttons, the reminders failed", func(w *world) flows.Person { return w.Mother },
			[]string{"/appointment", "!apk:paediatrician", "!apd:20261125", "!apt:0930", "!aps:place"},
			"!aps:note", scheduleReminder, "appointment.created"},
		{"typed note, lost after the card was sent", func(w *world) flows.Person { return w.Mother },
			[]string{"/appointment", "!apk:paediatrician", "!apd:20261125", "!apt:0930", "Via Roma 1"},
			"Portare il libretto", endConversation, "appointment.created"},
		{"one line by the mother, lost after the card was sent", func(w *world) flows.Person { return w.Mother },
			[]string{"/appointment 25/11/2026 09:30 Pediatra"}, pressYes, endConversation, "appointment.created"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newApptWorld(t)
			who := tt.who(w)
			for _, in := range tt.steps {
				w.Do(who, in)
			}
			last := tt.last
			if last == pressYes {
				yes, _ := w.ReadBack(who)
				last = "!" + yes
			}
			w.Hook.Arm(tt.failAt, fail)
			w.Want(w.Do(who, last), "common.error")
			w.Want(w.Do(who, last), tt.created)

			ids := w.apptIDs()
			if len(ids) != 1 {
				t.Fatalf("%d appointments: %v", len(ids), ids)
			}
			want := []string{"appt:" + ids[0] + ":v0:after", "appt:" + ids[0] + ":v0:remind-24h", "appt:" + ids[0] + ":v0:remind-2h"}
			if got := w.jobs(); !slices.Equal(got, want) {
				t.Errorf("jobs %v, want %v", got, want)
			}
			if a := w.appt(ids[0]); tt.last == "Portare il libretto" && a.Note != tt.last {
				t.Errorf("note %q after the repeat", a.Note)
			}
			// Done: the conversation is over, and a new line makes a new appointment.
			if w.InConversation(who) {
				t.Error("the conversation was kept after success")
			}
		})
	}
}

// A new line after a failed one is a new appointment, and the failed one
// keeps its id.
func TestAnotherLineIsAnotherAppointment(t *testing.T) {
	w := newApptWorld(t)
	w.Want(w.Do(w.Mother, "/appointment 25/11/2026 09:30 Pediatra"), "when.check")
	w.Hook.Arm(flowstest.Command("eval", jobReminder), fail)
	w.Want(w.Confirm(w.Mother), "common.error")
	w.Want(w.DoConfirmed(w.Mother, "/appointment 26/11/2026 10:00 Avvocato"), "appointment.created")
	if ids := w.apptIDs(); len(ids) != 2 {
		t.Fatalf("appointments %v, want the failed one and the new one", ids)
	}
}

// The same line written again after a failure, rather than its Yes pressed
// again, starts anew: the appointment half saved is then something else
// at that time, and she is told before a second is saved.
func TestSameLineAfterAFailureIsWarnedOf(t *testing.T) {
	w := newApptWorld(t)
	line := "/appointment 25/11/2026 09:30 Pediatra"
	w.Want(w.Do(w.Mother, line), "when.check")
	w.Hook.Arm(flowstest.Command("eval", jobReminder), fail)
	w.Want(w.Confirm(w.Mother), "common.error")
	w.Want(w.DoConfirmed(w.Mother, line), "appointment.clash_title")
	if ids := w.apptIDs(); len(ids) != 1 {
		t.Fatalf("appointments %v, want only the one half saved", ids)
	}
}

// A move whose reminders failed, done again, moves the appointment once,
// and the others are told the time it had before.
func TestRepeatedMoveMovesOnce(t *testing.T) {
	w := newApptWorld(t)
	colleague := flows.Person{ID: 2002, Role: flows.RoleStaff, OrgID: "1", Lang: "it", Name: "Marta"}
	if err := w.E.People().Save(w.Ctx, colleague); err != nil {
		t.Fatal(err)
	}
	w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra")
	id := w.apptIDs()[0]
	was := w.appt(id).At
	startMove(w, id)
	w.Hook.Arm(flowstest.Command("eval", jobReminder), fail)
	w.Want(w.Do(w.Staff, "!apt:1000"), "common.error")
	w.Want(w.Do(w.Staff, "!apt:1000"), "appointment.moved_staff")

	if a := w.appt(id); a.Seq != 1 || !a.At.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, w.Loc)) {
		t.Errorf("appointment at %v, version %d; want 27/11 10:00, version 1", a.At, a.Seq)
	}
	want := []string{"appt:" + id + ":v1:after", "appt:" + id + ":v1:remind-24h", "appt:" + id + ":v1:remind-2h"}
	if got := w.jobs(); !slices.Equal(got, want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
	var told []any
	for _, m := range w.Out.Sent() {
		if m.ChatID == colleague.ID && m.Lines[0].ID == "appointment.staff_moved" {
			told = append(told, m.Lines[0].Data["From"])
		}
	}
	if len(told) != 1 || !told[0].(time.Time).Equal(was) {
		t.Errorf("the colleague was told of moves from %v, want one from %v", told, was)
	}
}

// A move that failed after the appointment took its new time, while its
// lists were being updated, is finished by its repeat: the mother's and the
// organisation's lists show the new time, and its expiry follows it.
func TestRepeatedMoveFinishesTheLists(t *testing.T) {
	w := newApptWorld(t)
	w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra")
	id := w.apptIDs()[0]
	startMove(w, id)
	w.Hook.Arm(flowstest.Command("zadd", id), fail)
	w.Want(w.Do(w.Staff, "!apt:1000"), "common.error")
	w.Want(w.Do(w.Staff, "!apt:1000"), "appointment.moved_staff")

	at := time.Date(2026, 11, 27, 10, 0, 0, 0, w.Loc)
	for _, idx := range []string{w.c.k.motherAppts(w.Mother.ID), w.c.k.orgAppts(w.Mother.OrgID)} {
		if score, err := w.Redis.ZScore(w.Ctx, idx, id).Result(); err != nil || int64(score) != at.Unix() {
			t.Errorf("%s lists it at %v (%v), want the new time %v", idx, time.Unix(int64(score), 0).In(w.Loc), err, at)
		}
	}
	if ttl := w.Redis.TTL(w.Ctx, w.c.k.appt(id)).Val(); ttl < apptRetention {
		t.Errorf("the appointment expires in %v, want at least %v after a time two days on", ttl, apptRetention)
	}
}
