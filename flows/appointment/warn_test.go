package appointment

import (
	"testing"

	"nido/flows/flowstest"
)

// Within an hour either side, both ends included, is "at the same time";
// a cancelled appointment is nothing.
func TestSameTimeIsWithinAnHour(t *testing.T) {
	tests := []struct {
		at     string
		warned bool
	}{
		{"09:00", true}, {"08:59", false}, {"11:00", true}, {"11:01", false}, {"10:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			w := newApptWorld(t) // Monday 23 November 2026, 09:00
			w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 10:00 Pediatra"), "appointment.created")
			w.Want(w.DoConfirmed(w.Mother, "/appointment 26/11/2026 10:00 Pediatra"), "appointment.created")
			got := w.DoConfirmed(w.Mother, "/appointment 25/11/2026 "+tt.at+" Avvocato")
			want := "appointment.created"
			if tt.warned {
				want = "appointment.clash_title"
			}
			w.Want(got, want)
		})
	}

	w := newApptWorld(t)
	w.DoConfirmed(w.Mother, "/appointment 25/11/2026 10:00 Pediatra")
	id := w.apptIDs()[0]
	w.Do(w.Mother, "!ap:del:"+id+":0")
	w.Want(w.Do(w.Mother, "!ap:delok:"+id+":0"), "appointment.cancelled")
	w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 10:00 Avvocato"), "appointment.created")
}

// "Save anyway" cut short by a failure, pressed again, saves one
// appointment: the one half saved is not taken for something else then.
func TestSaveAnywayAgainSavesOne(t *testing.T) {
	w := newApptWorld(t)
	w.DoConfirmed(w.Mother, "/appointment 25/11/2026 10:00 Pediatra")
	w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 10:30 Avvocato"), "appointment.clash_title")
	w.Hook.Arm(flowstest.Command("eval", jobReminder), fail)
	w.Want(w.Do(w.Mother, "!apw:ok:202611251030"), "common.error")
	w.Want(w.Do(w.Mother, "!apw:ok:202611251030"), "appointment.created")
	if ids := w.apptIDs(); len(ids) != 2 {
		t.Errorf("appointments %v, want the first and one more", ids)
	}
	// The conversation is over: the warning's button is no longer valid.
	w.Want(w.Do(w.Mother, "!apw:ok:202611251030"), "common.button_invalid")
}

// A line on a holiday is read back first, then warned of, then saved:
// nothing is said of the holiday, or saved, before the Yes; and No asks the
// day again with nothing saved.
func TestOneLineIsReadBackBeforeTheWarning(t *testing.T) {
	w := newApptWorld(t) // Monday 23 November 2026; 8 December is the Immacolata
	line := "/appointment 08/12/2026 10:00 Avvocato"
	got := w.Do(w.Mother, line)
	if len(got) != 1 || got[0] != "when.check" {
		t.Fatalf("answers %q, want the read-back alone", got)
	}
	w.Want(w.Confirm(w.Mother), "appointment.holiday_warning")
	if ids := w.apptIDs(); len(ids) != 0 {
		t.Fatalf("saved before the warning was answered: %v", ids)
	}
	w.Want(w.Do(w.Mother, "!apw:ok:202612081000"), "appointment.created")
	if ids := w.apptIDs(); len(ids) != 1 {
		t.Fatalf("appointments %v, want one", ids)
	}

	w.Want(w.Do(w.Mother, "/appointment 09/12/2026 10:00 Pediatra"), "when.check")
	yes, no := w.ReadBack(w.Mother)
	w.Want(w.Do(w.Mother, "!"+no), "appointment.ask_day")
	w.Want(w.Do(w.Mother, "!"+yes), "common.button_invalid")
	if ids := w.apptIDs(); len(ids) != 1 {
		t.Fatalf("saved after No: %v", ids)
	}
}
