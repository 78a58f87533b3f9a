// Package flowstest builds a flows engine for the tests of the core and of
// each capability: a real Redis seen through a Hook, a scheduler that does
// not run (tests look at its queue and run jobs by hand), a Recorder for
// what the flows send, and Casa Aurora, with the staff member Anna and the
// mother Fatima. The clock starts on Monday 23 November 2026 at 09:00 in
// Rome. End-to-end tests through Telegram are in bot/e2e.
package flowstest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
	"nido/scheduler"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// Prefix is every World's key prefix.
const Prefix = "t"

// World is an engine and what it runs on.
type World struct {
	T      *testing.T
	Ctx    context.Context
	E      *flows.Engine
	Redis  redis.UniversalClient
	Hook   *Hook
	Out    *Recorder
	Clock  *clock.Manual
	Sched  *scheduler.Scheduler
	Loc    *time.Location
	Staff  flows.Person
	Mother flows.Person
}

// New builds a World with the capabilities given.
func New(t *testing.T, capabilities ...flows.Maker) *World {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	w := &World{T: t, Ctx: context.Background(), Hook: &Hook{}, Out: &Recorder{}, Clock: clock.NewManual(now), Loc: loc}
	w.Redis = redistest.Start(t).Client()
	w.Redis.AddHook(w.Hook)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if w.Sched, err = scheduler.New(w.Redis, scheduler.Config{Prefix: Prefix, Location: loc, Clock: w.Clock, Logger: log}); err != nil {
		t.Fatal(err)
	}
	w.E, err = flows.New(flows.Config{Redis: w.Redis, Prefix: Prefix, Sender: w.Out, Scheduler: w.Sched, Clock: w.Clock,
		Location: loc, DefaultLang: "it", Logger: log}, capabilities...)
	if err != nil {
		t.Fatal(err)
	}
	w.Staff = flows.Person{ID: 2001, Role: flows.RoleStaff, OrgID: "1", Lang: "it", Name: "Anna", Joined: now}
	w.Mother = flows.Person{ID: 3001, Role: flows.RoleMother, OrgID: "1", Lang: "it", Name: "Fatima", Joined: now}
	for _, p := range []flows.Person{w.Staff, w.Mother} {
		if err := w.E.People().Save(w.Ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// Do is p typing text, or pressing a button when text starts with "!"
// ("!apk:social"); it returns the ids of the first line of every message
// Nido sent to p meanwhile.
func (w *World) Do(p flows.Person, text string) []string {
	w.T.Helper()
	before := w.Out.Count()
	in := flows.Input{ChatID: p.ID, UserID: p.ID, Text: text}
	if data, ok := strings.CutPrefix(text, "!"); ok {
		in = flows.Input{ChatID: p.ID, UserID: p.ID, Callback: data, MessageID: 1}
	}
	_ = w.E.Handle(w.Ctx, in) // what went wrong is told to p, and read below
	var ids []string
	for _, m := range w.Out.Sent()[before:] {
		if m.ChatID == p.ID && len(m.Lines) > 0 {
			ids = append(ids, m.Lines[0].ID)
		}
	}
	return ids
}

// Want fails unless Nido's answers include message id.
func (w *World) Want(answers []string, id string) {
	w.T.Helper()
	if !slices.Contains(answers, id) {
		w.T.Fatalf("answers %q, want %s", answers, id)
	}
}

// ReadBack is the data of the Yes and the No of the read-back of a typed
// day ("when.check": "Tuesday 15 December 2026, 15:30: is that right?")
// that Nido sent p last; the test fails when the last message to p is not one.
func (w *World) ReadBack(p flows.Person) (yes, no string) {
	w.T.Helper()
	sent := w.Out.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		m := sent[i]
		if m.ChatID != p.ID {
			continue
		}
		if len(m.Lines) == 0 || m.Lines[len(m.Lines)-1].ID != "when.check" || len(m.Buttons) != 2 ||
			m.Buttons[0][0].Label.ID != "when.yes" || m.Buttons[1][0].Label.ID != "when.no" {
			w.T.Fatalf("the last message to %d is not a read-back: %+v", p.ID, m.Lines)
		}
		return m.Buttons[0][0].Data, m.Buttons[1][0].Data
	}
	w.T.Fatalf("nothing sent to %d", p.ID)
	return "", ""
}

// Confirm is p pressing Yes on the read-back Nido sent last; it returns
// the ids of what Nido said to that, as Do.
func (w *World) Confirm(p flows.Person) []string {
	w.T.Helper()
	yes, _ := w.ReadBack(p)
	return w.Do(p, "!"+yes)
}

// DoConfirmed is p typing text that carries a day, such as a one-line
// "/appointment 25/11/2026 09:30 Pediatra", and pressing Yes when Nido
// reads the day back; it returns what Nido said to the Yes.
func (w *World) DoConfirmed(p flows.Person, text string) []string {
	w.T.Helper()
	w.Want(w.Do(p, text), "when.check")
	return w.Confirm(p)
}

// Jobs lists the ids of owner's waiting jobs, sorted.
func (w *World) Jobs(owner string) []string {
	w.T.Helper()
	jobs, err := w.Sched.ListOwner(w.Ctx, owner)
	if err != nil {
		w.T.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	slices.Sort(ids)
	return ids
}

// ID writes a person's id as job owners and keys do.
func ID(n int64) string { return strconv.FormatInt(n, 10) }

// Recorder is the engine's Sender in a World: it records what the flows send, or refuses as a person who
// blocked Nido would.
type Recorder struct {
	mu          sync.Mutex
	sent        []flows.Message
	unreachable bool
}

func (r *Recorder) Send(_ context.Context, m flows.Message) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return 0, fmt.Errorf("send to %d: %w", m.ChatID, flows.ErrUnreachable)
	}
	r.sent = append(r.sent, m)
	return len(r.sent), nil
}

func (r *Recorder) SetCommands(context.Context, int64, string, []flows.Command) error { return nil }
func (r *Recorder) Delete(context.Context, int64, int) error                          { return nil }
func (r *Recorder) Forget(context.Context, int64) error                               { return nil }

func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// Sent is everything sent so far.
func (r *Recorder) Sent() []flows.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

// SetUnreachable makes every later Send fail as for a person who blocked Nido.
func (r *Recorder) SetUnreachable(b bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unreachable = b
}

// Hook lets a test step in between the Redis commands of the code under
// test, and counts round trips. Once armed, it runs act just before the
// first command (or pipeline) that match accepts, then disarms; act may act
// as someone else through the same client, and an error it returns fails
// the command, as a lost connection would.
type Hook struct {
	mu    sync.Mutex
	match func(args []any) bool
	act   func() error
	trips int
}

// Arm makes act run before the next command that match accepts.
func (h *Hook) Arm(match func(args []any) bool, act func() error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.match, h.act = match, act
}

// RoundTrips is how many commands or pipelines were sent so far.
func (h *Hook) RoundTrips() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.trips
}

func (h *Hook) before(cmds []redis.Cmder) error {
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

func (h *Hook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *Hook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := h.before([]redis.Cmder{cmd}); err != nil {
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func (h *Hook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
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

// Command matches a command by its name ("hset", "evalsha") and an
// argument that contains part ("" for any).
func Command(name, part string) func(args []any) bool {
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

// InConversation tells whether p's chat has a conversation open, waiting for
// a next step (the core's conv key, pinned in flows' key test).
func (w *World) InConversation(p flows.Person) bool {
	w.T.Helper()
	n, err := w.Redis.Exists(w.Ctx, Prefix+":conv:"+ID(p.ID)).Result()
	if err != nil {
		w.T.Fatal(err)
	}
	return n == 1
}
