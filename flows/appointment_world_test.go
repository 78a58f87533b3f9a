package flows

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/scheduler"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// apptWorld is an engine with a scheduler (not running: tests look at its
// queue), a real Redis seen through a hook, and Casa Aurora: the staff
// member Anna and the mother Fatima. The clock starts on Monday 23 November
// 2026 at 09:00 in Rome.
type apptWorld struct {
	t      *testing.T
	ctx    context.Context
	e      *Engine
	rdb    redis.UniversalClient
	hook   *hook
	out    *jobsSender
	clock  *clock.Manual
	sched  *scheduler.Scheduler
	loc    *time.Location
	staff  Person
	mother Person
}

func newApptWorld(t *testing.T) *apptWorld {
	t.Helper()
	loc := rome(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	clk := clock.NewManual(now)
	w := &apptWorld{t: t, ctx: context.Background(), hook: &hook{}, out: &jobsSender{}, clock: clk, loc: loc}
	w.rdb = redistest.Start(t).Client()
	w.rdb.AddHook(w.hook)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var err error
	w.sched, err = scheduler.New(w.rdb, scheduler.Config{Prefix: "t", Location: loc, Clock: clk, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	w.e, err = New(Config{Redis: w.rdb, Prefix: "t", Sender: w.out, Scheduler: w.sched, Clock: clk, Location: loc,
		DefaultLang: "it", Logger: log}, Appointments(nil), Groups())
	if err != nil {
		t.Fatal(err)
	}
	w.staff = Person{ID: 2001, Role: RoleStaff, OrgID: "1", Lang: "it", Name: "Anna", Joined: now}
	w.mother = Person{ID: 3001, Role: RoleMother, OrgID: "1", Lang: "it", Name: "Fatima", Joined: now}
	for _, p := range []Person{w.staff, w.mother} {
		if err := w.e.People().Save(w.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// do is p typing text, or pressing a button when text starts with "!"
// ("!apk:social"); it returns the ids of the first line of every message
// Nido sent to p meanwhile.
func (w *apptWorld) do(p Person, text string) []string {
	w.t.Helper()
	w.out.mu.Lock()
	before := len(w.out.sent)
	w.out.mu.Unlock()
	in := Input{ChatID: p.ID, UserID: p.ID, Text: text}
	if data, ok := strings.CutPrefix(text, "!"); ok {
		in = Input{ChatID: p.ID, UserID: p.ID, Callback: data, MessageID: 1}
	}
	_ = w.e.Handle(w.ctx, in) // what went wrong is told to p, and read below
	w.out.mu.Lock()
	defer w.out.mu.Unlock()
	var ids []string
	for _, m := range w.out.sent[before:] {
		if m.ChatID == p.ID && len(m.Lines) > 0 {
			ids = append(ids, m.Lines[0].ID)
		}
	}
	return ids
}

// want fails unless Nido's answers include message id.
func (w *apptWorld) want(answers []string, id string) {
	w.t.Helper()
	if !slices.Contains(answers, id) {
		w.t.Fatalf("answers %q, want %s", answers, id)
	}
}

// apptIDs lists the ids in the mother's index.
func (w *apptWorld) apptIDs() []string {
	w.t.Helper()
	ids, err := w.rdb.ZRange(w.ctx, w.e.k.motherAppts(w.mother.ID), 0, -1).Result()
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

// appt loads appointment id, which must exist.
func (w *apptWorld) appt(id string) Appointment {
	w.t.Helper()
	a, ok, err := w.e.appts().get(w.ctx, id)
	if err != nil || !ok {
		w.t.Fatalf("appointment %s: found %v, err %v", id, ok, err)
	}
	return a
}

// jobs lists the ids of the mother's waiting jobs.
func (w *apptWorld) jobs() []string {
	w.t.Helper()
	jobs, err := w.sched.ListOwner(w.ctx, id64(w.mother.ID))
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	slices.Sort(ids)
	return ids
}

// hook lets a test step in between the Redis commands of the code under
// test, and counts round trips. Once armed, it runs act just before the
// first command (or pipeline) that match accepts, then disarms; act may act
// as someone else through the same client, and an error it returns fails
// the command, as a lost connection would.
type hook struct {
	mu    sync.Mutex
	match func(args []any) bool
	act   func() error
	trips int
}

// arm makes act run before the next command that match accepts.
func (h *hook) arm(match func(args []any) bool, act func() error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.match, h.act = match, act
}

// roundTrips is how many commands or pipelines were sent so far.
func (h *hook) roundTrips() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.trips
}

func (h *hook) before(cmds []redis.Cmder) error {
	h.mu.Lock()
	h.trips++
	var act func() error
	if h.act != nil && slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return h.match(c.Args()) }) {
		act, h.act = h.act, nil
	}
	h.mu.Unlock()
	if act == nil {
		return nil
	}
	return act()
}

func (h *hook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *hook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := h.before([]redis.Cmder{cmd}); err != nil {
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func (h *hook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if err := h.before(cmds); err != nil {
			for _, c := range cmds {
				c.SetErr(err)
			}
			return err
		}
		return next(ctx, cmds)
	}
}

// command matches a command by its name ("hset", "evalsha") and an
// argument that contains part ("" for any).
func command(name, part string) func(args []any) bool {
	return func(args []any) bool {
		if len(args) == 0 || !strings.EqualFold(args[0].(string), name) && !(name == "eval" && isEval(args[0])) {
			return false
		}
		for _, a := range args[1:] {
			if s, ok := a.(string); ok && strings.Contains(s, part) {
				return true
			}
		}
		return part == ""
	}
}

// isEval is true for both ways of running a script.
func isEval(name any) bool {
	s, _ := name.(string)
	return strings.EqualFold(s, "eval") || strings.EqualFold(s, "evalsha")
}
