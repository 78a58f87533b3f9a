package appointment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"nido/flows"
	"nido/flows/flowstest"
	"nido/scheduler"
)

// trips records every round trip to Redis as the commands it carried
// ("hgetall t:appt:1"), for the tests that count them.
type trips struct {
	mu  sync.Mutex
	log [][]string
}

func (r *trips) add(cmds []redis.Cmder) {
	var trip []string
	for _, c := range cmds {
		trip = append(trip, strings.TrimSpace(fmt.Sprint(c.Args()[0])+" "+keyOf(c.Args())))
	}
	r.mu.Lock()
	r.log = append(r.log, trip)
	r.mu.Unlock()
}

func keyOf(args []any) string {
	if len(args) < 2 {
		return ""
	}
	s, _ := args[1].(string)
	return s
}

// since is the trips sent after the first n.
func (r *trips) since(n int) [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log[n:])
}

func (r *trips) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

func (r *trips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.add([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (r *trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.add(cmds)
		return next(ctx, cmds)
	}
}

// remindedWorld is a world where Fatima has an appointment on Wednesday
// at 09:30 and its first reminder was sent; it returns the reminder.
func remindedWorld(t *testing.T) (*world, *trips, Appointment, flows.Message) {
	w := newApptWorld(t)
	rec := &trips{}
	w.Redis.AddHook(rec)
	w.Want(w.DoConfirmed(w.Mother, "/appointment 25/11/2026 09:30 Pediatra"), "appointment.created")
	a := w.appt(w.apptIDs()[0])
	job := scheduler.Job{ID: apptJobID(a, "remind-24h"), Kind: jobReminder, Owner: id64(a.Mother),
		Due: w.Clock.Now(), Event: a.At, Args: apptArgs(a)}
	if err := w.E.Jobs().Handle(w.Ctx, job); err != nil {
		t.Fatal(err)
	}
	sent := w.Out.Sent()
	return w, rec, a, sent[len(sent)-1]
}

// press is p pressing data; it returns what Nido said and the round trips
// the press took.
func press(w *world, rec *trips, p flows.Person, data string) ([]string, [][]string) {
	before := rec.count()
	answers := w.Do(p, "!"+data)
	return answers, rec.since(before)
}

// A mother's "I'll be there" on a reminder reads her appointment in the
// same round trip as her record and her conversation, and not again: the
// answer is kept all the same.
func TestReminderPressReadsTheAppointmentWithThePerson(t *testing.T) {
	w, rec, a, rem := remindedWorld(t)
	yes := rem.Buttons[0][0].Data
	if yes != apButton(actYes, a) {
		t.Fatalf("the reminder's first button is %q", yes)
	}
	answers, sent := press(w, rec, w.Mother, yes)
	w.Want(answers, "appointment.confirmed")
	if got := w.appt(a.ID); got.Answer != answerYes {
		t.Errorf("answer %q, want %q", got.Answer, answerYes)
	}
	key := w.c.k.appt(a.ID)
	first := sent[0]
	for _, want := range []string{"hgetall t:person:" + id64(w.Mother.ID), "get t:conv:" + id64(w.Mother.ID), "hgetall " + key} {
		if !slices.Contains(first, want) {
			t.Errorf("first round trip %v lacks %q", first, want)
		}
	}
	for _, trip := range sent[1:] {
		if slices.Contains(trip, "hgetall "+key) {
			t.Errorf("the appointment read again: %v", trip)
		}
	}
	// Before the read ahead, the same press took a round trip more.
	if len(sent) > 2 {
		t.Errorf("the press took %d round trips, want 2 (read, answer): %v", len(sent), sent)
	}
}

// Every answer on a reminder or a card still answers as before, each with
// the appointment read once, ahead.
func TestPressesReadTheAppointmentOnce(t *testing.T) {
	tests := []struct {
		name, action string
		want         string
		check        func(Appointment) bool
	}{
		{"be there", actYes, "appointment.confirmed", func(a Appointment) bool { return a.Answer == answerYes }},
		{"change", actChange, "appointment.move_intro", func(a Appointment) bool { return a.Answer == answerChange }},
		{"ask to cancel", actCancel, "appointment.cancel_confirm", func(a Appointment) bool { return !a.Cancelled }},
		{"cancel", actCancelSure, "appointment.cancelled", func(a Appointment) bool { return a.Cancelled }},
		{"keep", actKeep, "appointment.kept", func(a Appointment) bool { return !a.Cancelled }},
		{"calendar file", actCalendar, "appointment.card_title", func(a Appointment) bool { return a.Answer == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, rec, a, _ := remindedWorld(t)
			answers, sent := press(w, rec, w.Mother, apButton(tt.action, a))
			if tt.action != actCalendar {
				w.Want(answers, tt.want)
			} else if len(answers) == 0 {
				t.Error("no calendar file")
			}
			if got := w.appt(a.ID); !tt.check(got) {
				t.Errorf("after %s: %+v", tt.action, got)
			}
			reads := 0
			for _, trip := range sent {
				if slices.Contains(trip, "hgetall "+w.c.k.appt(a.ID)) {
					reads++
				}
			}
			if reads != 1 || !slices.Contains(sent[0], "hgetall "+w.c.k.appt(a.ID)) {
				t.Errorf("appointment read %d times, first trip %v", reads, sent[0])
			}
		})
	}
}

// What was read ahead is not what a press reads after its own write: an
// appointment staff cancel while her "I'll be there" is being written is
// read again, and she is told it was cancelled.
func TestPressReadsAgainAfterItsWrite(t *testing.T) {
	w, rec, a, rem := remindedWorld(t)
	var cancelled []string
	w.Hook.Arm(flowstest.Command("eval", w.c.k.appt(a.ID)), func() error {
		cancelled = w.Do(w.Staff, "!"+apButton(actCancelSure, a))
		return nil
	})
	answers, _ := press(w, rec, w.Mother, rem.Buttons[0][0].Data)
	w.Want(cancelled, "appointment.cancelled")
	w.Want(answers, "appointment.already_cancelled")
	if got := w.appt(a.ID); got.Answer != "" || !got.Cancelled {
		t.Errorf("appointment %+v, want cancelled with no answer", got)
	}
}

// A button whose id is not one Nido gives, or a forged press, reads
// nothing ahead and is refused kindly, as before.
func TestOddPressesReadNothingAhead(t *testing.T) {
	w, rec, a, _ := remindedWorld(t)
	long := strings.Repeat("9", 30)
	for _, data := range []string{"ap:yes:x1:0", "ap:yes::0", "ap:yes", "ap:yes:" + long + ":0", "ap:yes:" + a.ID + "*:0"} {
		answers, sent := press(w, rec, w.Mother, data)
		w.Want(answers, "common.button_invalid")
		if len(sent[0]) != 2 {
			t.Errorf("%s: first round trip %v, want the person and the conversation only", data, sent[0])
		}
	}
	before := rec.count()
	if err := w.E.Handle(w.Ctx, flows.Input{ChatID: w.Mother.ID, UserID: w.Mother.ID, Forged: true}); err != nil {
		t.Fatal(err)
	}
	if sent := rec.since(before); len(sent[0]) != 2 {
		t.Errorf("forged: first round trip %v", sent[0])
	}
	if got := w.Out.Sent(); got[len(got)-1].Lines[0].ID != "common.button_invalid" {
		t.Errorf("forged press answered %v", got[len(got)-1].Lines)
	}
	// Another mother's appointment, though read ahead, is not hers to answer.
	other := flows.Person{ID: 3002, Role: flows.RoleMother, OrgID: "2", Lang: "it", Name: "Amina", Joined: w.Clock.Now()}
	if err := w.E.People().Save(w.Ctx, other); err != nil {
		t.Fatal(err)
	}
	answers, _ := press(w, rec, other, apButton(actYes, a))
	w.Want(answers, "common.button_invalid")
	if got := w.appt(a.ID); got.Answer != "" {
		t.Errorf("answered by another mother: %+v", got)
	}
}

func TestApptPreloadKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct {
		arg  string
		want []string
	}{
		{"yes:12:0", []string{"nido:appt:12"}},
		{"ics:7:3", []string{"nido:appt:7"}},
		{"yes:12", []string{"nido:appt:12"}},
		{"yes", nil},
		{"yes::0", nil},
		{"yes:seq:0", nil},
		{"yes:1 2:0", nil},
		{"yes:" + strings.Repeat("1", 21) + ":0", nil},
	}
	for _, tt := range tests {
		if got := k.apptPreload(tt.arg); !slices.Equal(got, tt.want) {
			t.Errorf("apptPreload(%q) = %v, want %v", tt.arg, got, tt.want)
		}
	}
}
