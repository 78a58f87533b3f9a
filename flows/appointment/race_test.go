package appointment

import (
	"strconv"
	"strings"
	"testing"

	"nido/flows/flowstest"
)

// Staff act in their own chat, at the same time as the mother in hers: what
// either writes must not undo what the other did.

// A mother who erases her data while her social worker is saving an
// appointment for her leaves nothing behind: neither the appointment, nor
// its indexes, nor its reminders.
func TestErasureDuringStaffCreationLeavesNothing(t *testing.T) {
	tests := []struct {
		name string
		// during runs just before the appointment is written; after, once
		// the staff member's input is answered.
		during, after func(w *world) error
	}{
		{"erased just before the appointment is written",
			func(w *world) error { return w.E.Erase(w.Ctx, w.Mother) },
			func(*world) error { return nil }},
		{"her appointments erased before, her record after",
			func(w *world) error {
				// Erase's first steps: the mark (the core's "erasing"
				// field, its unix time), then her appointments.
				mark := strconv.FormatInt(w.Clock.Now().Unix(), 10)
				if err := w.E.People().SetField(w.Ctx, w.Mother.ID, "erasing", mark); err != nil {
					return err
				}
				return w.c.eraseAppointments(w.Ctx, w.Mother)
			},
			func(w *world) error { return w.E.People().Erase(w.Ctx, w.Mother) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newApptWorld(t)
			w.Want(w.Do(w.Staff, "/appointment Fatima 25/02/2027 09:30 Pediatra"), "when.check")
			w.Hook.Arm(flowstest.Command("hset", "t:appt:"), func() error { return tt.during(w) })
			answers := w.Confirm(w.Staff)
			if err := tt.after(w); err != nil {
				t.Fatal(err)
			}
			w.Want(answers, "appointment.mother_gone")
			keys, err := w.Redis.Keys(w.Ctx, "t:appt*").Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0] != "t:appt:seq" {
				t.Errorf("appointment keys left: %v", keys)
			}
			if jobs := w.jobs(); len(jobs) != 0 {
				t.Errorf("jobs left: %v", jobs)
			}
		})
	}
}

// startMove brings the staff member to the last question of moving
// appointment id: the time, on Friday 27 November.
func startMove(w *world, id string) {
	w.T.Helper()
	w.Want(w.Do(w.Staff, "!ap:chg:"+id+":0"), "appointment.move_intro")
	w.Want(w.Do(w.Staff, "!apd:20261127"), "appointment.ask_time")
}

// An appointment cancelled while staff move it stays cancelled, with no
// reminders; staff are told it was cancelled.
func TestCancelDuringAMoveWins(t *testing.T) {
	w := newApptWorld(t)
	w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra"), "appointment.created")
	id := w.apptIDs()[0]
	startMove(w, id)
	var cancelled []string
	w.Hook.Arm(flowstest.Command("eval", "t:appt:"+id), func() error {
		cancelled = w.Do(w.Mother, "!ap:delok:"+id+":0")
		return nil
	})
	answers := w.Do(w.Staff, "!apt:1000")
	w.Want(cancelled, "appointment.cancelled")
	w.Want(answers, "appointment.already_cancelled")
	if a := w.appt(id); !a.Cancelled || a.Seq != 0 || a.At.Day() != 25 {
		t.Errorf("appointment %+v, want cancelled at its old time", a)
	}
	if jobs := w.jobs(); len(jobs) != 0 {
		t.Errorf("jobs of a cancelled appointment: %v", jobs)
	}
}

// "I'll be there" pressed on a reminder while staff move the appointment is
// not taken for the new time: the button is stale, and says so.
func TestAnswerDuringAMoveIsNotKept(t *testing.T) {
	w := newApptWorld(t)
	w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra"), "appointment.created")
	id := w.apptIDs()[0]
	startMove(w, id)
	var moved []string
	w.Hook.Arm(flowstest.Command("eval", "t:appt:"+id), func() error {
		moved = w.Do(w.Staff, "!apt:1000")
		return nil
	})
	answers := w.Do(w.Mother, "!ap:yes:"+id+":0")
	w.Want(moved, "appointment.moved_staff")
	w.Want(answers, "common.button_invalid")
	if a := w.appt(id); a.Answer != "" || a.Seq != 1 || a.At.Day() != 27 {
		t.Errorf("appointment %+v, want moved with no answer", a)
	}
	for _, j := range w.jobs() {
		if !strings.Contains(j, ":v1:") {
			t.Errorf("job of the old time left: %s", j)
		}
	}
}

// The store refuses to write a version it no longer holds.
func TestStaleVersionIsNotWritten(t *testing.T) {
	w := newApptWorld(t)
	w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra")
	read := w.appt(w.apptIDs()[0])
	st := w.c.appts()
	later := read.At.AddDate(0, 0, 2)

	if ok, err := st.set(w.Ctx, read, "cancelled", 1); err != nil || !ok {
		t.Fatalf("cancel: ok %v, err %v", ok, err)
	}
	if _, ok, err := st.move(w.Ctx, read, later, w.Clock.Now()); err != nil || ok {
		t.Errorf("a cancelled appointment was moved: ok %v, err %v", ok, err)
	}
	if a := w.appt(read.ID); !a.Cancelled || !a.At.Equal(read.At) {
		t.Errorf("after the refused move: %+v", a)
	}

	w.Redis.HSet(w.Ctx, w.c.k.appt(read.ID), "cancelled", 0)
	moved, ok, err := st.move(w.Ctx, read, later, w.Clock.Now())
	if err != nil || !ok || moved.Seq != 1 {
		t.Fatalf("move: ok %v, err %v, seq %d", ok, err, moved.Seq)
	}
	for _, field := range []string{"answer", "outcome", "reminded", "told"} {
		if ok, err := st.set(w.Ctx, read, field, "x"); err != nil || ok {
			t.Errorf("%s written on the old version: ok %v, err %v", field, ok, err)
		}
	}
	if ok, err := st.set(w.Ctx, moved, "answer", answerYes); err != nil || !ok {
		t.Errorf("the current version refused: ok %v, err %v", ok, err)
	}
	if ok, err := st.set(w.Ctx, Appointment{ID: "999"}, "answer", answerYes); err != nil || ok {
		t.Errorf("an unknown appointment written: ok %v, err %v", ok, err)
	}
	if n := w.Redis.Exists(w.Ctx, w.c.k.appt("999")).Val(); n != 0 {
		t.Error("an unknown appointment came into being")
	}
}
