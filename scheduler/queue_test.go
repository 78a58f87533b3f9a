package scheduler

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestScheduleRunsAtDueTimeOnce(t *testing.T) {
	e := newEnv(t, Config{})
	e.schedule(t, Job{ID: "appt:1:24h", Kind: "appointment.reminder", Owner: "m:1",
		Due: at(t, "2026-05-12 11:00"), Args: map[string]string{"appointment": "1"}})

	if n := e.runDue(t); n != 0 {
		t.Fatalf("ran %d jobs an hour early", n)
	}
	e.clk.Set(at(t, "2026-05-12 10:59"))
	if n := e.runDue(t); n != 0 {
		t.Fatalf("ran %d jobs a minute early", n)
	}
	e.clk.Set(at(t, "2026-05-12 11:00"))
	if n := e.runDue(t); n != 1 {
		t.Fatalf("ran %d jobs at the due time, want 1", n)
	}
	got := e.rec.runs[0]
	if got.ID != "appt:1:24h" || got.Kind != "appointment.reminder" || got.Owner != "m:1" ||
		got.Args["appointment"] != "1" || !got.Due.Equal(at(t, "2026-05-12 11:00")) || got.Attempt != 0 {
		t.Errorf("handler got %+v", got)
	}
	e.clk.Advance(time.Hour)
	if n := e.runDue(t); n != 0 {
		t.Errorf("a done job ran again (%d)", n)
	}
	if _, found, _ := e.s.Get(context.Background(), "appt:1:24h"); found {
		t.Error("a done job is still stored")
	}
	if jobs, _ := e.s.ListOwner(context.Background(), "m:1"); len(jobs) != 0 {
		t.Errorf("owner index keeps %d done jobs", len(jobs))
	}
}

func TestScheduleSameIDKeepsOne(t *testing.T) {
	e := newEnv(t, Config{})
	j := Job{ID: "tip:1", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 11:00")}
	e.schedule(t, j)
	e.schedule(t, j)
	if n := e.s.rdb.ZCard(context.Background(), e.s.keys.owner("m:1")).Val(); n != 1 {
		t.Fatalf("the owner key holds %d entries, want 1", n)
	}
	e.clk.Set(at(t, "2026-05-12 12:00"))
	if n := e.runDue(t); n != 1 {
		t.Fatalf("ran %d, want 1", n)
	}
}

func TestRescheduleMovesTheJob(t *testing.T) {
	e := newEnv(t, Config{})
	j := Job{ID: "appt:2:24h", Kind: "appointment.reminder", Owner: "m:1", Due: at(t, "2026-05-12 11:00")}
	e.schedule(t, j)
	j.Due = at(t, "2026-05-12 15:00")
	e.schedule(t, j)

	e.clk.Set(at(t, "2026-05-12 12:00"))
	if n := e.runDue(t); n != 0 {
		t.Fatalf("the old time still ran %d jobs", n)
	}
	got, found, err := e.s.Get(context.Background(), j.ID)
	if err != nil || !found || !got.Due.Equal(j.Due) {
		t.Fatalf("Get = %+v, %v, %v; want due %s", got, found, err, j.Due)
	}
	e.clk.Set(at(t, "2026-05-12 15:00"))
	if n := e.runDue(t); n != 1 {
		t.Fatalf("ran %d at the new time, want 1", n)
	}
}

func TestCancel(t *testing.T) {
	e := newEnv(t, Config{})
	e.schedule(t, Job{ID: "a", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 11:00")})
	e.schedule(t, Job{ID: "b", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 11:00")})
	if err := e.s.Cancel(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Cancel(context.Background(), "never-scheduled"); err != nil {
		t.Fatalf("cancelling an unknown id: %v", err)
	}
	e.clk.Set(at(t, "2026-05-12 11:00"))
	e.runDue(t)
	if got := e.rec.ids(); !slices.Equal(got, []string{"b"}) {
		t.Errorf("ran %v, want [b]", got)
	}
}

func TestCancelOwnerErasesEverything(t *testing.T) {
	e := newEnv(t, Config{MaxAttempts: 1})
	ctx := context.Background()
	e.rec.fail = func(j Job) error {
		if j.ID == "m1:failing" {
			return errors.New("boom")
		}
		return nil
	}
	e.schedule(t, Job{ID: "m1:failing", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 10:00")})
	e.runDue(t) // moves m1:failing to the dead set
	e.schedule(t, Job{ID: "m1:a", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 11:00")})
	e.schedule(t, Job{ID: "m1:b", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-13 11:00")})
	e.schedule(t, Job{ID: "m2:a", Kind: "tip", Owner: "m:2", Due: at(t, "2026-05-12 11:00")})
	if err := e.s.AddRule(ctx, Rule{ID: "visit:m1", Spec: "0 10 * * 4", Kind: "visit", Owner: "m:1"}); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := e.s.ListOwner(ctx, "m:1"); len(jobs) != 3 { // a, b and the rule's Thursday
		t.Fatalf("before erasure m:1 has %d jobs, want 3", len(jobs))
	}

	n, err := e.s.CancelOwner(ctx, "m:1")
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 { // 3 waiting jobs, 1 dead job, 1 rule
		t.Errorf("CancelOwner removed %d, want 5", n)
	}
	if jobs, _ := e.s.ListOwner(ctx, "m:1"); len(jobs) != 0 {
		t.Errorf("m:1 still has %d jobs", len(jobs))
	}
	if rules, _ := e.s.Rules(ctx, "m:1"); len(rules) != 0 {
		t.Errorf("m:1 still has %d rules", len(rules))
	}
	if dead, _ := e.s.Dead(ctx, 10); len(dead) != 0 {
		t.Errorf("the dead set keeps %d jobs of m:1", len(dead))
	}
	e.clk.Set(at(t, "2026-05-20 12:00"))
	e.runDue(t)
	if got := e.rec.ids(); !slices.Equal(got, []string{"m1:failing", "m2:a"}) {
		t.Errorf("ran %v, want only m1:failing (before erasure) and m2:a", got)
	}
	keys, _ := e.s.rdb.Keys(ctx, "*m:1*").Result()
	if len(keys) != 0 {
		t.Errorf("keys of m:1 left: %v", keys)
	}
}

func TestListOwnerSoonestFirst(t *testing.T) {
	e := newEnv(t, Config{})
	e.schedule(t, Job{ID: "late", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-14 11:00")})
	e.schedule(t, Job{ID: "soon", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 11:00")})
	e.schedule(t, Job{ID: "other", Kind: "tip", Owner: "m:2", Due: at(t, "2026-05-12 11:00")})
	jobs, err := e.s.ListOwner(context.Background(), "m:1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	if !slices.Equal(ids, []string{"soon", "late"}) {
		t.Errorf("ListOwner = %v, want [soon late]", ids)
	}
}

func TestScheduleRejects(t *testing.T) {
	e := newEnv(t, Config{})
	due := at(t, "2026-05-12 11:00")
	e.schedule(t, Job{ID: "x", Kind: "tip", Owner: "m:1", Due: due})
	tests := []struct {
		name string
		job  Job
		is   error
	}{
		{"no id", Job{Kind: "tip", Owner: "m:1", Due: due}, nil},
		{"no kind", Job{ID: "y", Owner: "m:1", Due: due}, nil},
		{"no owner", Job{ID: "y", Kind: "tip", Due: due}, nil},
		{"no due", Job{ID: "y", Kind: "tip", Owner: "m:1"}, nil},
		{"another owner", Job{ID: "x", Kind: "tip", Owner: "m:2", Due: due}, ErrOwnerChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.s.Schedule(context.Background(), tt.job)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("Schedule = %v, want an error (%v)", err, tt.is)
			}
		})
	}
}

func TestScheduleAppliesQuietHours(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	e.schedule(t, Job{ID: "tip", Kind: "tip", Owner: "m:1", Due: at(t, "2026-05-12 23:00")})
	e.schedule(t, Job{ID: "alert", Kind: "staff.alert", Owner: "s:1", Due: at(t, "2026-05-12 23:00"), Urgent: true})
	e.schedule(t, Job{ID: "early", Kind: "appointment.reminder", Owner: "m:1",
		Due: at(t, "2026-05-13 06:30"), Event: at(t, "2026-05-13 07:30")})
	for id, want := range map[string]string{
		"tip": "2026-05-13 08:00", "alert": "2026-05-12 23:00", "early": "2026-05-12 20:59",
	} {
		j, _, err := e.s.Get(ctx, id)
		if err != nil || !j.Due.Equal(at(t, want)) {
			t.Errorf("%s due %s (%v), want %s", id, j.Due, err, want)
		}
	}
	if got := e.s.AdjustForQuiet(at(t, "2026-05-12 23:00"), time.Time{}); !got.Equal(at(t, "2026-05-13 08:00")) {
		t.Errorf("AdjustForQuiet = %s", got)
	}
}
