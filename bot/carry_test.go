package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/flowstest"
)

// updateTrips is a go-redis hook counting the round trips made for each
// update, and the commands each carried.
type updateTrips struct {
	mu    sync.Mutex
	trips map[int64][]int // update id → commands of each round trip
}

func (h *updateTrips) add(ctx context.Context, n int) {
	r := repliesOf(ctx)
	if r == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.trips[r.updateID] = append(h.trips[r.updateID], n)
}

func (h *updateTrips) of(updateID int64) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.trips[updateID]...)
}

func (h *updateTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *updateTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if mayCarry(cmd) {
			h.add(ctx, 1)
		}
		return next(ctx, cmd)
	}
}

func (h *updateTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if mayCarry(cmds...) { // not a connection's setup
			h.add(ctx, len(cmds))
		}
		return next(ctx, cmds)
	}
}

// stepFlows answers each text with one reply, then does what the text
// says: "incr" counts in Redis, "tx" counts in a transaction, "flush"
// makes Redis forget its scripts and counts, "job" sends a job's message
// instead of the reply. It notes what it saw in Redis.
type stepFlows struct {
	s   *Sender
	rdb redis.UniversalClient

	mu sync.Mutex
	// recorded is whether the reply's record was in Redis right after the
	// send, seen by another client.
	recorded map[int64]bool
	counts   map[int64]int64
	other    redis.UniversalClient
}

func (f *stepFlows) Handle(ctx context.Context, in flows.Input) error {
	msg := flows.Message{ChatID: in.ChatID, Lines: []flows.T{{Plain: in.Text}}}
	if in.Text == "job" {
		msg.JobID = "appt:6:v0:yes/1"
	}
	if _, err := f.s.Send(ctx, msg); err != nil {
		return err
	}
	seen := f.other.Exists(context.Background(), testKeys.sentJob(fmt.Sprintf("update:%d:1", in.UpdateID))).Val() == 1
	var n int64
	var err error
	switch in.Text {
	case "incr":
		n, err = f.rdb.Incr(ctx, "t:test:count").Result()
	case "tx":
		var incr *redis.IntCmd
		_, err = f.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			incr = p.Incr(ctx, "t:test:count")
			return nil
		})
		n = incr.Val()
	case "flush":
		if err = f.other.ScriptFlush(context.Background()).Err(); err == nil {
			n, err = f.rdb.Incr(ctx, "t:test:count").Result()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recorded[in.UpdateID], f.counts[in.UpdateID] = seen, n
	return err
}

// The record of a reply costs no round trip of its own: it goes to Redis
// with the update's next command, whose answer is the same; a reply
// followed by nothing else costs only the ack, and its record is not kept;
// a job's message sent last goes with the ack, and a second press, a new
// update, does not send it again. A transaction is left whole, and a
// record Redis refuses (its scripts forgotten) is written all the same.
func TestRecordsGoWithTheUpdatesNextStep(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	trips := &updateTrips{trips: map[int64][]int{}}
	e.rdb.AddHook(trips) // after New, so that it counts round trips as they go
	f := &stepFlows{s: b.Sender(), rdb: e.rdb, other: e.redis.Client(),
		recorded: map[int64]bool{}, counts: map[int64]int64{}}
	run(t, b, f)

	anna := user(101)
	// A first update has Redis load the ack's script, which would
	// otherwise cost the next ack a round trip more.
	e.fake.SendText(anna, "first")
	e.waitCount(anna.ID, 1)
	steps := []string{"incr", "alone", "tx", "flush", "job", "job"}
	ids := make([]int64, len(steps))
	for i, s := range steps {
		ids[i] = e.fake.SendText(anna, s)
	}
	e.waitCount(anna.ID, 1+len(steps)-1) // the second "job" sends nothing
	ctx := context.Background()
	other := e.redis.Client()
	reply := func(i int) string { return testKeys.sentJob(fmt.Sprintf("update:%d:1", ids[i])) }
	// The last update looks its job's record up, then is acked.
	waitUntil(t, func() bool {
		return len(trips.of(ids[5])) == 2 && other.Exists(ctx, testKeys.inbox(anna.ID)).Val() == 0
	})
	f.mu.Lock()
	defer f.mu.Unlock()

	for i := range steps[:4] {
		if f.recorded[ids[i]] {
			t.Errorf("%s: the reply's record was in Redis before the update's next command", steps[i])
		}
	}
	// incr: its INCR carries the record, and answers as alone.
	if got := trips.of(ids[0]); fmt.Sprint(got) != "[2 1]" {
		t.Errorf("incr: round trips of %v commands, want [2 1] (record with INCR, ack)", got)
	}
	if f.counts[ids[0]] != 1 {
		t.Errorf("incr: INCR answered %d, want 1", f.counts[ids[0]])
	}
	if got := other.HGet(ctx, reply(0), "0").Val(); got == "" {
		t.Error("incr: the reply's record is not in Redis")
	}
	// alone: the ack only, and the record is dropped with it.
	if got := trips.of(ids[1]); fmt.Sprint(got) != "[1]" {
		t.Errorf("alone: round trips of %v commands, want [1] (the ack)", got)
	}
	if other.Exists(ctx, reply(1)).Val() != 0 {
		t.Error("alone: the reply's record was written, though the ack followed")
	}
	// tx: the record goes just before the transaction, which is whole.
	if got := trips.of(ids[2]); fmt.Sprint(got) != "[1 3 1]" {
		t.Errorf("tx: round trips of %v commands, want [1 3 1] (record, MULTI INCR EXEC, ack)", got)
	}
	if f.counts[ids[2]] != 2 || other.Exists(ctx, reply(2)).Val() != 1 {
		t.Errorf("tx: INCR answered %d (want 2), record written: %v", f.counts[ids[2]], other.Exists(ctx, reply(2)).Val() == 1)
	}
	// flush: NOSCRIPT for the carried record, which is written again.
	if f.counts[ids[3]] != 3 || other.Exists(ctx, reply(3)).Val() != 1 {
		t.Errorf("flush: INCR answered %d (want 3), record written: %v", f.counts[ids[3]], other.Exists(ctx, reply(3)).Val() == 1)
	}
	// job: recorded with the ack, listed under the chat; sent once.
	if got := trips.of(ids[4]); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("job: round trips of %v commands, want [1 2] (its look-up, record with the ack)", got)
	}
	job := testKeys.sentJob("appt:6:v0:yes/1")
	if other.HGet(ctx, job, "0").Val() == "" || !other.SIsMember(ctx, testKeys.sentJobsOf(anna.ID), job).Val() {
		t.Error("job: its record is not in Redis, listed under the chat, after the ack")
	}
	if ttl := other.TTL(ctx, job).Val(); ttl < sentJobTTL-time.Minute {
		t.Errorf("job: its record expires in %v, want %v", ttl, sentJobTTL)
	}
	if n := e.fake.Sent(); n != 1+len(steps)-1 {
		t.Errorf("%d messages sent, want %d: the second update sent the job's message again", n, 1+len(steps)-1)
	}
}

// lastJobFlows sends a reply and then a job's message, the last thing of
// the update, and arms hook to fail the update's ack the first time.
type lastJobFlows struct {
	s      *Sender
	hook   *flowstest.Hook
	once   sync.Once
	failed atomic.Bool
}

func (f *lastJobFlows) Handle(ctx context.Context, in flows.Input) error {
	if _, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, Lines: []flows.T{{Plain: "reply"}}}); err != nil {
		return err
	}
	if _, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, JobID: "appt:6:v0:yes/2", Lines: []flows.T{{Plain: "job"}}}); err != nil {
		return err
	}
	f.once.Do(func() { failNextAck(f.hook, &f.failed) })
	return nil
}

// failNextAck arms hook to fail the next ack of an update as a lost
// connection would, and to note it in failed.
func failNextAck(hook *flowstest.Hook, failed *atomic.Bool) {
	hook.Arm(func(args []any) bool {
		all := fmt.Sprint(args...)
		return strings.Contains(all, ":bot:inbox:") && strings.Contains(all, ":bot:lease:")
	}, func() error {
		failed.Store(true)
		return errors.New("connection lost")
	})
}

// The ack that would carry a job's record fails: the record is written
// all the same, and so is the reply's, since the update is handled again;
// handled again, it sends neither a second time.
func TestRecordsOutliveAFailedAck(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	hook := &flowstest.Hook{}
	e.rdb.AddHook(hook)
	f := &lastJobFlows{s: b.Sender(), hook: hook}
	run(t, b, f)

	anna := user(101)
	id := e.fake.SendText(anna, "yes")
	other := e.redis.Client()
	ctx := context.Background()
	// Handled again after the failed ack, then acked.
	e.waitCount(anna.ID, 2)
	waitUntil(t, func() bool { return f.failed.Load() && other.Exists(ctx, testKeys.inbox(anna.ID)).Val() == 0 })
	if msgs := e.fake.Messages(anna.ID); len(msgs) != 2 {
		t.Errorf("%d messages, want the reply and the job's message once each", len(msgs))
	}
	job := testKeys.sentJob("appt:6:v0:yes/2")
	if other.HGet(ctx, job, "0").Val() == "" || !other.SIsMember(ctx, testKeys.sentJobsOf(anna.ID), job).Val() {
		t.Error("the job's record is not in Redis")
	}
	if other.Exists(ctx, testKeys.sentJob(fmt.Sprintf("update:%d:1", id))).Val() != 1 {
		t.Error("the reply's record is not in Redis, though its update was not acked")
	}
}

// laterFlows answers each text with one reply and hands Later a write that
// counts the update's handlings in Redis; "incr" then counts in Redis
// itself. The first update's ack fails when fail is set.
type laterFlows struct {
	s     *Sender
	rdb   redis.UniversalClient
	other redis.UniversalClient
	hook  *flowstest.Hook
	fail  bool
	once  sync.Once

	mu sync.Mutex
	// taken is whether Later took the write; early whether another client
	// saw it in Redis right after.
	taken, early map[int64]bool
	failed       atomic.Bool
}

func (f *laterFlows) Handle(ctx context.Context, in flows.Input) error {
	key := fmt.Sprintf("t:test:handled:%d", in.UpdateID)
	taken := Later(ctx, redis.NewIntCmd(ctx, "incr", key))
	early := f.other.Exists(context.Background(), key).Val() == 1
	if _, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, Lines: []flows.T{{Plain: in.Text}}}); err != nil {
		return err
	}
	if in.Text == "incr" {
		if err := f.rdb.Incr(ctx, "t:test:count").Err(); err != nil {
			return err
		}
	}
	if f.fail {
		f.once.Do(func() { failNextAck(f.hook, &f.failed) })
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.taken[in.UpdateID], f.early[in.UpdateID] = taken, early
	return nil
}

// A write the flows hand Later costs no round trip of its own: it goes
// with the update's next command, ahead of it, or with the ack; outside an
// update Later does not take it. An update whose ack fails is handled
// again from what Redis held before it: its write is not made twice.
func TestLaterWritesGoWithTheUpdate(t *testing.T) {
	if Later(context.Background(), redis.NewIntCmd(context.Background(), "incr", "t:test:x")) {
		t.Error("Later took a write outside the handling of an update")
	}
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("ack fails %v", fail), func(t *testing.T) {
			e := newEnv(t, telegramtest.Unlimited())
			b := e.bot(unpaced(e.config()))
			hook := &flowstest.Hook{}
			e.rdb.AddHook(hook)
			trips := &updateTrips{trips: map[int64][]int{}}
			e.rdb.AddHook(trips)
			f := &laterFlows{s: b.Sender(), rdb: e.rdb, other: e.redis.Client(), hook: hook, fail: fail,
				taken: map[int64]bool{}, early: map[int64]bool{}}
			run(t, b, f)

			anna := user(101)
			ctx := context.Background()
			other := e.redis.Client()
			// A first update has Redis load the ack's script.
			first := e.fake.SendText(anna, "first")
			waitUntil(t, func() bool { return other.Exists(ctx, "t:test:handled:"+fmt.Sprint(first)).Val() == 1 })
			ids := []int64{e.fake.SendText(anna, "incr"), e.fake.SendText(anna, "alone")}
			waitUntil(t, func() bool {
				return other.Exists(ctx, "t:test:handled:"+fmt.Sprint(ids[1])).Val() == 1 &&
					other.Exists(ctx, testKeys.inbox(anna.ID)).Val() == 0
			})
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, id := range append([]int64{first}, ids...) {
				if !f.taken[id] || f.early[id] {
					t.Errorf("update %d: Later took the write: %v; in Redis at once: %v", id, f.taken[id], f.early[id])
				}
				if n := other.Get(ctx, "t:test:handled:"+fmt.Sprint(id)).Val(); n != "1" {
					t.Errorf("update %d: its write was made %s times, want once", id, n)
				}
			}
			if fail && !f.failed.Load() {
				t.Error("the first ack did not fail")
			}
			// incr: the write and the reply's record with INCR, then the ack.
			if got := trips.of(ids[0]); fmt.Sprint(got) != "[3 1]" {
				t.Errorf("incr: round trips of %v commands, want [3 1] (write, record, INCR; ack)", got)
			}
			// alone: the write with the ack.
			if got := trips.of(ids[1]); fmt.Sprint(got) != "[2]" {
				t.Errorf("alone: round trips of %v commands, want [2] (write, ack)", got)
			}
		})
	}
}

// expectFlows says it will send a named message, counts in Redis, then
// sends it; "late" says so only after counting, with no round trip between.
type expectFlows struct {
	s   *Sender
	rdb redis.UniversalClient
}

func (f *expectFlows) Handle(ctx context.Context, in flows.Input) error {
	const job = "appt:7:v0:yes/1"
	if in.Text != "late" {
		f.s.Expect(ctx, job)
	}
	if err := f.rdb.Incr(ctx, "t:test:count").Err(); err != nil {
		return err
	}
	if in.Text == "late" {
		f.s.Expect(ctx, job)
	}
	_, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, JobID: job, Lines: []flows.T{{Plain: "confirmed"}}})
	return err
}

// A named message the update said it will send is looked up with the
// update's next command, not in a round trip of its own, and is sent once
// all the same: a second update finds it sent. Said too late for a round
// trip to carry it, it is looked up as before.
func TestExpectedMessagesAreLookedUpWithTheNextStep(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	trips := &updateTrips{trips: map[int64][]int{}}
	e.rdb.AddHook(trips)
	run(t, b, &expectFlows{s: b.Sender(), rdb: e.rdb})

	anna := user(101)
	ctx := context.Background()
	other := e.redis.Client()
	first := e.fake.SendText(anna, "first") // Redis loads the ack's script
	e.waitCount(anna.ID, 1)
	ids := []int64{e.fake.SendText(anna, "again"), e.fake.SendText(anna, "late")}
	waitUntil(t, func() bool {
		return len(trips.of(ids[1])) == 3 && other.Exists(ctx, testKeys.inbox(anna.ID)).Val() == 0
	})
	if n := len(e.fake.Messages(anna.ID)); n != 1 {
		t.Errorf("%d messages, want the named one once", n)
	}
	// first: the look-up with INCR, then the ack with the record.
	if got := trips.of(first); len(got) != 2 || got[0] != 2 {
		t.Errorf("first: round trips of %v commands, want [2 …] (look-up with INCR, ack)", got)
	}
	// again: the same, and nothing sent.
	if got := trips.of(ids[0]); fmt.Sprint(got) != "[2 1]" {
		t.Errorf("again: round trips of %v commands, want [2 1] (look-up with INCR, ack)", got)
	}
	// late: INCR alone, the look-up of its own, the ack.
	if got := trips.of(ids[1]); fmt.Sprint(got) != "[1 1 1]" {
		t.Errorf("late: round trips of %v commands, want [1 1 1] (INCR, look-up, ack)", got)
	}
}
