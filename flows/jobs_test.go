package flows

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"nido/scheduler"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// jobsSender records what the job handler sends, or refuses as a person who
// blocked Nido would.
type jobsSender struct {
	mu          sync.Mutex
	sent        []Message
	unreachable bool
}

func (r *jobsSender) Send(_ context.Context, m Message) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return 0, fmt.Errorf("send to %d: %w", m.ChatID, ErrUnreachable)
	}
	r.sent = append(r.sent, m)
	return len(r.sent), nil
}

func (r *jobsSender) SetCommands(context.Context, int64, string, []Command) error { return nil }
func (r *jobsSender) Delete(context.Context, int64, int) error                    { return nil }
func (r *jobsSender) Forget(context.Context, int64) error                         { return nil }

func (r *jobsSender) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// The job handler sends a reminder only for an appointment that still is
// as the job knew it, and fails for good when the mother blocked Nido.
func TestReminderJob(t *testing.T) {
	ctx := context.Background()
	loc := rome(t)
	now := time.Date(2027, 2, 24, 9, 30, 0, 0, loc)
	out := &jobsSender{}
	rdb := redistest.Start(t).Client()
	clk := clock.NewManual(now)
	sched, err := scheduler.New(rdb, scheduler.Config{Prefix: "t", Location: loc, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Redis: rdb, Prefix: "t", Sender: out, Scheduler: sched, Clock: clk,
		Location: loc, DefaultLang: "it"}, Appointments(nil))
	if err != nil {
		t.Fatal(err)
	}
	mother := Person{ID: 3001, Role: RoleMother, OrgID: "1", Lang: "it", Name: "Fatima", Joined: now}
	if err := e.People().Save(ctx, mother); err != nil {
		t.Fatal(err)
	}
	a, err := e.appts().create(ctx, Appointment{Mother: mother.ID, Org: "1", By: mother.ID, Kind: "paediatrician",
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
	if out.count() != 1 || out.sent[0].ChatID != 3001 || out.sent[0].JobID != "appt:x:remind-24h" ||
		out.sent[0].Buttons[0][0].Data != "ap:yes:"+a.ID+":0" {
		t.Fatalf("sent %+v", out.sent)
	}
	if got, _, _ := e.appts().get(ctx, a.ID); got.Reminded.IsZero() {
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
		{"cancelled", apptArgs(a), func() { _, _ = e.appts().set(ctx, a, "cancelled", 1) }},
		{"mother erased", apptArgs(a), func() {
			e.cfg.Redis.HSet(ctx, e.k.appt(a.ID), "cancelled", 0)
			_ = e.People().Erase(ctx, mother)
		}},
	}
	for _, tt := range noops {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			before := out.count()
			if err := e.Jobs().Handle(ctx, job(tt.args)); err != nil || out.count() != before {
				t.Errorf("err %v, %d sent", err, out.count()-before)
			}
		})
	}

	// She blocked Nido: the job fails for good, not to be retried.
	if err := e.People().Save(ctx, mother); err != nil {
		t.Fatal(err)
	}
	out.unreachable = true
	err = e.Jobs().Handle(ctx, job(apptArgs(a)))
	permanent := reflect.TypeOf(scheduler.Permanent(errors.New("x")))
	if !errors.Is(err, ErrUnreachable) || reflect.TypeOf(err) != permanent {
		t.Errorf("blocked: err %v (%T), want a permanent error", err, err)
	}

	// A kind nobody handles is a bug: permanent too.
	if err := e.Jobs().Handle(ctx, scheduler.Job{ID: "x", Kind: "no.such.kind"}); reflect.TypeOf(err) != permanent {
		t.Errorf("unknown kind: err %v", err)
	}
}
