package appointment

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The job handler sends a reminder only for an appointment that still is
// as the job knew it, and fails for good when the mother blocked Nido.
func TestReminderJob(t *testing.T) {
	w := newApptWorld(t)
	ctx, out, e := w.Ctx, w.Out, w.E
	now := time.Date(2027, 2, 24, 9, 30, 0, 0, w.Loc)
	w.Clock.Set(now)
	mother := w.Mother
	a, err := w.c.appts().create(ctx, Appointment{Mother: mother.ID, Org: "1", By: mother.ID, Kind: "paediatrician",
		At: now.Add(24 * time.Hour), Created: now})
	if err != nil {
		t.Fatal(err)
	}
	job := func(args map[string]string) scheduler.Job {
		return scheduler.Job{ID: "appt:x:remind-24h", Kind: jobReminder, Owner: "3001", Due: now, Event: a.At, Args: args}
	}

	// As planned: sent to her, named by the job so that it is sent once.
	if err := e.Jobs().Handle(ctx, job(apptArgs(a))); err != nil {
		t.Fatal(err)
	}
	if out.Count() != 1 || out.Sent()[0].ChatID != 3001 || out.Sent()[0].JobID != "appt:x:remind-24h" ||
		out.Sent()[0].Buttons[0][0].Data != verbAct+":yes:"+a.ID+":0" {
		t.Fatalf("sent %+v", out.Sent())
	}
	if got, _, _ := w.c.appts().get(ctx, a.ID); got.Reminded.IsZero() {
		t.Error("the reminder was not recorded")
	}

	// Nothing to do: a job of an older version, an unknown appointment, a cancelled one, an erased mother.
	noops := []struct {
		name  string
		args  map[string]string
		setup func()
	}{
		{"moved since", map[string]string{"appt": a.ID, "v": "7"}, func() {}},
		{"unknown", map[string]string{"appt": "999", "v": "0"}, func() {}},
		{"cancelled", apptArgs(a), func() { _, _ = w.c.appts().set(ctx, a, "cancelled", 1) }},
		{"mother erased", apptArgs(a), func() {
			w.Redis.HSet(ctx, w.c.k.appt(a.ID), "cancelled", 0)
			_ = e.People().Erase(ctx, mother)
		}},
	}
	for _, tt := range noops {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			before := out.Count()
			if err := e.Jobs().Handle(ctx, job(tt.args)); err != nil || out.Count() != before {
				t.Errorf("err %v, %d sent", err, out.Count()-before)
			}
		})
	}

	// She blocked Nido: the job fails for good, not to be retried.
	if err := e.People().Save(ctx, mother); err != nil {
		t.Fatal(err)
	}
	out.SetUnreachable(true)
	err = e.Jobs().Handle(ctx, job(apptArgs(a)))
	permanent := reflect.TypeOf(scheduler.Permanent(errors.New("x")))
	if !errors.Is(err, flows.ErrUnreachable) || reflect.TypeOf(err) != permanent {
		t.Errorf("blocked: err %v (%flows.T), want a permanent error", err, err)
	}

	// A kind nobody handles is a bug: permanent too.
	if err := e.Jobs().Handle(ctx, scheduler.Job{ID: "x", Kind: "no.such.kind"}); reflect.TypeOf(err) != permanent {
		t.Errorf("unknown kind: err %v", err)
	}
}
