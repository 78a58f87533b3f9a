package bot

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// A process that dies after Telegram accepted a reply and before the update
// was acked leaves the update to be handled again (dispatch.go), and its
// flows say the same things again. So each message sent while an update is
// handled is recorded as a job's message is (records.go), under the
// update's id and its place among that update's messages; handling the
// update again looks the records up and does not send what went out before.
// Only the first handling of an update skips the look-up: nothing of it can
// have been recorded yet.
//
// Such a record costs no round trip of its own: it waits here and goes to
// Redis with the update's next command (carry.go), in the same round trip.
// A reply still waiting when the handler ends is dropped, as the ack follows
// at once and an acked update is never handled again; a job's message
// (JobID) goes with the ack, for it also keeps a later update from sending
// it again. So a crash can repeat a reply Telegram accepted only before the
// update's next step reached Redis.

// replyRecordTTL is how long the record of a reply is kept: as long as the
// tries of an update are counted, after which it is not handled again.
const replyRecordTTL = triesTTL

// replies numbers the messages sent while one update is handled and keeps
// their records until the update's next command takes them to Redis.
type replies struct {
	// updateID is set once the update is read (handle.go); until then
	// (named false) what is sent is not recorded.
	updateID int64
	named    bool
	// again is set when the update was read before: it is handled again.
	again bool
	sent  atomic.Int64

	mu      sync.Mutex
	pending []pendingRecord
	// writes are the flows' writes that wait for the update's next round
	// trip (Later), in the order they were made.
	writes []redis.Cmder
	// reads are the look-ups of named messages the update said it will
	// send (Sender.Expect), waiting for its next round trip; read, once
	// that round trip went through, by name.
	reads []expectRead
	read  map[string]*redis.MapStringStringCmd
}

// expectRead is the look-up of the record of a named message.
type expectRead struct {
	jobID string
	cmd   *redis.MapStringStringCmd
}

// pendingRecord is the record of one sent part, not in Redis yet.
type pendingRecord struct {
	// to writes it when no command carries it.
	to        *records
	chatID    int64
	id        string
	part      int
	messageID int
	kind      recordKind
}

type repliesKey struct{}

// finishedKey marks the context of the step that ends an update (its ack).
type finishedKey struct{}

// withUpdate gives the handling of an update not read yet a context whose
// messages are recorded once withReplies names the update; again says the
// update was read before. The dispatcher acks the update with the same
// replies (finished), so that what is still pending goes with the ack.
func withUpdate(ctx context.Context, again bool) context.Context {
	return context.WithValue(ctx, repliesKey{}, &replies{again: again})
}

// withReplies gives the handling of update updateID a context whose
// messages are recorded: it names the update of the replies withUpdate
// made, or makes them.
func withReplies(ctx context.Context, updateID int64) context.Context {
	if r := repliesOf(ctx); r != nil && !r.named {
		r.updateID, r.named = updateID, true
		return ctx
	}
	return context.WithValue(ctx, repliesKey{}, &replies{updateID: updateID, named: true})
}

// finished marks ctx, carrying the replies of a handled update, as the step
// that ends it: the ack. Reply records still pending are not needed then.
func finished(ctx context.Context) context.Context {
	return context.WithValue(ctx, finishedKey{}, true)
}

func repliesOf(ctx context.Context) *replies {
	r, _ := ctx.Value(repliesKey{}).(*replies)
	return r
}

// nextReply names the record of the next message sent in ctx, and says
// whether earlier handlings of the update may have sent it; "" outside the
// handling of an update.
func nextReply(ctx context.Context) (id string, lookUp bool) {
	r := repliesOf(ctx)
	if r == nil || !r.named {
		return "", false
	}
	n := r.sent.Add(1)
	return "update:" + strconv.FormatInt(r.updateID, 10) + ":" + strconv.FormatInt(n, 10), r.again
}

// keep holds a record until the update's next command; false outside the
// handling of an update, where the record is written at once.
func (r *replies) keep(p pendingRecord) bool {
	if r == nil || !r.named {
		return false
	}
	enqueue(&r.mu, &r.pending, p)
	return true
}

// take returns the pending records and forgets them, so that one command
// carries them, however many hooks or goroutines look.
func (r *replies) take() []pendingRecord {
	if r == nil {
		return nil
	}
	return drain(&r.mu, &r.pending)
}

// giveBack returns records taken but not carried, to go with the next command.
func (r *replies) giveBack(p []pendingRecord) { requeue(&r.mu, &r.pending, p) }

// Later takes a write of the flows (the state of a conversation) to go to
// Redis with the next round trip of the update being handled in ctx, at the
// latest its ack, ahead of that round trip's own commands, so that the
// update's commands reach Redis in the order they were made. It reports
// false outside the handling of an update: the caller writes at once.
//
// A write that waits is part of the update's outcome: an update cut short
// or whose ack fails is handled again from what was in Redis before, as
// its replies are (they are recorded, and not sent twice). Only the ack
// makes it final, and the write goes with it or before it.
func Later(ctx context.Context, cmd redis.Cmder) bool {
	r := pendingIn(ctx)
	if r == nil || !r.named {
		return false
	}
	enqueue(&r.mu, &r.writes, cmd)
	return true
}

// takeWrites returns the writes waiting and forgets them.
func (r *replies) takeWrites() []redis.Cmder {
	if r == nil {
		return nil
	}
	return drain(&r.mu, &r.writes)
}

// giveBackWrites returns writes whose round trip failed as a whole, to go
// with the next.
func (r *replies) giveBackWrites(w []redis.Cmder) { requeue(&r.mu, &r.writes, w) }

// expect adds the look-up of jobID's record to the update's next round
// trip; false outside the handling of an update.
func (r *replies) expect(jobID string, cmd *redis.MapStringStringCmd) bool {
	if r == nil || !r.named {
		return false
	}
	enqueue(&r.mu, &r.reads, expectRead{jobID: jobID, cmd: cmd})
	return true
}

// takeReads returns the look-ups waiting and forgets them.
func (r *replies) takeReads() []expectRead {
	if r == nil {
		return nil
	}
	return drain(&r.mu, &r.reads)
}

// giveBackReads returns look-ups not carried, to go with the next round trip.
func (r *replies) giveBackReads(reads []expectRead) { requeue(&r.mu, &r.reads, reads) }

// readDone keeps the look-ups that Redis answered, by name.
func (r *replies) readDone(reads []expectRead) {
	if len(reads) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range reads {
		if x.cmd.Err() != nil {
			continue
		}
		if r.read == nil {
			r.read = map[string]*redis.MapStringStringCmd{}
		}
		r.read[x.jobID] = x.cmd
	}
}

// alreadyRead returns, once, what a round trip of the update read of
// jobID's record; false when it was not read (still waiting, or failed),
// and the look-up then no longer waits: the caller reads it itself.
func (r *replies) alreadyRead(jobID string) (map[string]string, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if cmd, ok := r.read[jobID]; ok {
		delete(r.read, jobID)
		return cmd.Val(), true
	}
	r.reads = slices.DeleteFunc(r.reads, func(x expectRead) bool { return x.jobID == jobID })
	return nil, false
}

// What an update holds for its next round trip (records, writes,
// look-ups) waits in queues under the replies' lock: added one by one,
// taken all at once by the round trip that carries them, and put back in
// front when it could not.

func enqueue[T any](mu *sync.Mutex, q *[]T, v T) {
	mu.Lock()
	defer mu.Unlock()
	*q = append(*q, v)
}

func drain[T any](mu *sync.Mutex, q *[]T) []T {
	mu.Lock()
	defer mu.Unlock()
	x := *q
	*q = nil
	return x
}

func requeue[T any](mu *sync.Mutex, q *[]T, x []T) {
	if len(x) == 0 {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	*q = append(x, *q...)
}
