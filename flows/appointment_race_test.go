package flows

import (
	"strings"
	"testing"
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
		during, after func(w *apptWorld) error
	}{
		{"erased just before the appointment is written",
			func(w *apptWorld) error { return w.e.Erase(w.ctx, w.mother) },
			func(*apptWorld) error { return nil }},
		{"her appointments erased before, her record after",
			func(w *apptWorld) error {
				// Erase's first steps: the mark, then her appointments.
				if err := w.e.markErasing(w.ctx, w.mother); err != nil {
					return err
				}
				return w.e.eraseAppointments(w.ctx, w.mother)
			},
			func(w *apptWorld) error { return w.e.people.Erase(w.ctx, w.mother) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newApptWorld(t)
			w.hook.arm(command("hset", "t:appt:"), func() error { return tt.during(w) })
			answers := w.do(w.staff, "/appointment Fatima 25/02/2027 09:30 Pediatra")
			if err := tt.after(w); err != nil {
				t.Fatal(err)
			}
			w.want(answers, "appointment.mother_gone")
			keys, err := w.rdb.Keys(w.ctx, "t:appt*").Result()
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
func startMove(w *apptWorld, id string) {
	w.t.Helper()
	w.want(w.do(w.staff, "!ap:chg:"+id+":0"), "appointment.move_intro")
	w.want(w.do(w.staff, "!apd:20261127"), "appointment.ask_time")
}

// An appointment cancelled while staff move it stays cancelled, with no
// reminders; staff are told it was cancelled.
func TestCancelDuringAMoveWins(t *testing.T) {
	w := newApptWorld(t)
	w.want(w.do(w.mother, "/appointment 25/11/2026 09:30 Pediatra"), "appointment.created")
	id := w.apptIDs()[0]
	startMove(w, id)
	var cancelled []string
	w.hook.arm(command("eval", "t:appt:"+id), func() error {
		cancelled = w.do(w.mother, "!ap:delok:"+id+":0")
		return nil
	})
	answers := w.do(w.staff, "!apt:1000")
	w.want(cancelled, "appointment.cancelled")
	w.want(answers, "appointment.already_cancelled")
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
	w.want(w.do(w.mother, "/appointment 25/11/2026 09:30 Pediatra"), "appointment.created")
	id := w.apptIDs()[0]
	startMove(w, id)
	var moved []string
	w.hook.arm(command("eval", "t:appt:"+id), func() error {
		moved = w.do(w.staff, "!apt:1000")
		return nil
	})
	answers := w.do(w.mother, "!ap:yes:"+id+":0")
	w.want(moved, "appointment.moved_staff")
	w.want(answers, "common.button_invalid")
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
	w.do(w.mother, "/appointment 25/11/2026 09:30 Pediatra")
	read := w.appt(w.apptIDs()[0])
	st := w.e.appts()
	later := read.At.AddDate(0, 0, 2)

	if ok, err := st.set(w.ctx, read, "cancelled", 1); err != nil || !ok {
		t.Fatalf("cancel: ok %v, err %v", ok, err)
	}
	if _, ok, err := st.move(w.ctx, read, later, w.clock.Now()); err != nil || ok {
		t.Errorf("a cancelled appointment was moved: ok %v, err %v", ok, err)
	}
	if a := w.appt(read.ID); !a.Cancelled || !a.At.Equal(read.At) {
		t.Errorf("after the refused move: %+v", a)
	}

	w.rdb.HSet(w.ctx, w.e.k.appt(read.ID), "cancelled", 0)
	moved, ok, err := st.move(w.ctx, read, later, w.clock.Now())
	if err != nil || !ok || moved.Seq != 1 {
		t.Fatalf("move: ok %v, err %v, seq %d", ok, err, moved.Seq)
	}
	for _, field := range []string{"answer", "outcome", "reminded", "told"} {
		if ok, err := st.set(w.ctx, read, field, "x"); err != nil || ok {
			t.Errorf("%s written on the old version: ok %v, err %v", field, ok, err)
		}
	}
	if ok, err := st.set(w.ctx, moved, "answer", answerYes); err != nil || !ok {
		t.Errorf("the current version refused: ok %v, err %v", ok, err)
	}
	if ok, err := st.set(w.ctx, Appointment{ID: "999"}, "answer", answerYes); err != nil || ok {
		t.Errorf("an unknown appointment written: ok %v, err %v", ok, err)
	}
	if n := w.rdb.Exists(w.ctx, w.e.k.appt("999")).Val(); n != 0 {
		t.Error("an unknown appointment came into being")
	}
}
