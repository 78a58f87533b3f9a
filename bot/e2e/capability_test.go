package e2e

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/scheduler"
)

// A capability is added without editing the core: one defined here, with
// one route, one job kind, one line of /mydata and its erasure, given to
// the engine as main gives Nido's own.

// notes is the capability: "/note <text>" keeps a note for an hour, then
// sends it back to its author.
func notes() flows.Maker {
	return func(e *flows.Engine) flows.Capability {
		key := func(id int64) string { return e.Prefix() + ":note:" + strconv.FormatInt(id, 10) }
		return flows.Capability{
			Name: "note",
			Routes: []flows.Route{{Command: "/note", Roles: []string{flows.RoleMother}, Run: func(s *flows.Session, text string) error {
				id := s.Person().ID
				if err := e.Redis().Set(s.Ctx(), key(id), text, 0).Err(); err != nil {
					return err
				}
				err := e.Scheduler().Schedule(s.Ctx(), scheduler.Job{ID: "note:" + strconv.FormatInt(id, 10),
					Kind: "note.back", Owner: strconv.FormatInt(id, 10), Due: s.Now().Add(time.Hour),
					Args: map[string]string{"who": strconv.FormatInt(id, 10)}})
				if err != nil {
					return err
				}
				return s.Reply(flows.T{Plain: "kept: " + text})
			}}},
			Jobs: map[string]flows.JobFunc{"note.back": func(ctx context.Context, j scheduler.Job) error {
				id, _ := strconv.ParseInt(j.Args["who"], 10, 64)
				p, ok, err := e.People().Get(ctx, id)
				if err != nil || !ok {
					return err
				}
				text, err := e.Redis().Get(ctx, key(id)).Result()
				if errors.Is(err, redis.Nil) {
					return nil
				}
				if err != nil {
					return err
				}
				return e.Deliver(ctx, p, j.ID, flows.Message{Lines: []flows.T{{Plain: "your note: " + text}}})
			}},
			MyData: func(ctx context.Context, p flows.Person) ([]flows.T, error) {
				text, err := e.Redis().Get(ctx, key(p.ID)).Result()
				if errors.Is(err, redis.Nil) {
					return nil, nil
				}
				return []flows.T{{Plain: "note: " + text}}, err
			},
			Erase: func(ctx context.Context, p flows.Person) error { return e.Redis().Del(ctx, key(p.ID)).Err() },
		}
	}
}

func TestACapabilityIsAddedWithoutEditingTheCore(t *testing.T) {
	w := newWorld(t, func(o *options) { o.capabilities = append(o.capabilities, notes()) })
	_, fatima := aurora(w)

	if got := w.say(fatima, "/note latte e pannolini"); len(got) != 1 || got[0].Plain() != "kept: latte e pannolini" {
		t.Fatalf("answered %v", got)
	}
	if got := w.say(fatima, "/mydata"); len(got) != 1 || !strings.Contains(got[0].Plain(), "note: latte e pannolini") {
		t.Fatalf("/mydata: %v", got)
	}
	w.advance(w.clock.Now().Add(time.Hour), idOf(fatima))
	w.waitCount(fatima, "your note: latte e pannolini", 1)

	// Another note waits for its hour; her erasure takes it, and its job.
	w.say(fatima, "/note dopo")
	w.say(fatima, "/delete")
	w.press(fatima, w.label("it", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(fatima)}, "it", "delete.done", nil)
	if left := w.keysMatching(named(fatima), ":note:"); len(left) != 0 {
		t.Errorf("her note is kept: %v", left)
	}
	if jobs := w.jobsOf(fatima); len(jobs) != 0 {
		t.Errorf("her jobs are kept: %v", jobs)
	}
	w.advance(w.clock.Now().Add(2*time.Hour), idOf(fatima))
	if n := w.count(fatima, "your note: dopo"); n != 0 {
		t.Errorf("an erased person's note came back %d times", n)
	}
}
