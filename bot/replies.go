package bot

import (
	"context"
	"strconv"
	"sync/atomic"
)

// A process that dies after Telegram accepted a reply and before the update
// was acked leaves the update to be handled again (dispatch.go), and its
// flows say the same things again. So each message sent while an update is
// handled is recorded as a job's message is (records.go), under the
// update's id and its place among that update's messages; handling the
// update again looks the records up and does not send what went out before.
// Only the first handling of an update skips the look-up: nothing of it can
// have been recorded yet.

// replyRecordTTL is how long the record of a reply is kept: as long as the
// tries of an update are counted, after which it is not handled again.
const replyRecordTTL = triesTTL

// replies numbers the messages sent while one update is handled.
type replies struct {
	updateID int64
	// again is set when the update was read before: it is handled again.
	again bool
	sent  atomic.Int64
}

type repliesKey struct{}

type againKey struct{}

// handledAgain marks ctx as the handling of an update read before.
func handledAgain(ctx context.Context) context.Context {
	return context.WithValue(ctx, againKey{}, true)
}

// withReplies gives the handling of update updateID a context whose
// messages are recorded.
func withReplies(ctx context.Context, updateID int64) context.Context {
	again, _ := ctx.Value(againKey{}).(bool)
	return context.WithValue(ctx, repliesKey{}, &replies{updateID: updateID, again: again})
}

// nextReply names the record of the next message sent in ctx, and says
// whether earlier handlings of the update may have sent it; "" outside the
// handling of an update.
func nextReply(ctx context.Context) (id string, lookUp bool) {
	r, _ := ctx.Value(repliesKey{}).(*replies)
	if r == nil {
		return "", false
	}
	n := r.sent.Add(1)
	return "update:" + strconv.FormatInt(r.updateID, 10) + ":" + strconv.FormatInt(n, 10), r.again
}
