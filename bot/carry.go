package bot

import (
	"context"
	"errors"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// recordCarrier is a go-redis hook that takes the records of what an update
// sent, and the flows' writes it was given (Later), pending in its context
// (replies.go), to Redis with the update's next command or pipeline:
// [writes..., records..., command] in one round trip, the command's result
// as if it had gone alone. A transaction (MULTI) is left
// whole: the records go in a pipeline of their own just before it. A record
// whose part of the round trip failed (a lost connection, NOSCRIPT) is
// written as records.write does, kept in the process until Redis takes it.
//
// New installs it on the client the bot is given. Hooks added to that
// client before it see a command that carries records as one round trip
// more than it is: add counting hooks after New.
type recordCarrier struct {
	rdb redis.UniversalClient
	log *slog.Logger
}

// carryingKey marks the context of a round trip that carries records, or of
// a record written alone, so that the hook leaves them be.
type carryingKey struct{}

func carrying(ctx context.Context) context.Context {
	return context.WithValue(ctx, carryingKey{}, true)
}

// pendingIn is the replies whose records a command in ctx may carry.
func pendingIn(ctx context.Context) *replies {
	if ctx.Value(carryingKey{}) != nil {
		return nil
	}
	return repliesOf(ctx)
}

func (c recordCarrier) DialHook(next redis.DialHook) redis.DialHook { return next }

// uncarried are the commands records never go with: those that set up a
// connection (go-redis sends them through the hooks, with the context of
// the command that needed the connection), those that hold one (WATCH),
// and those that block, which a pipeline would time out.
var uncarried = map[string]bool{
	"hello": true, "auth": true, "client": true, "select": true, "readonly": true, "readwrite": true,
	"ping": true, "quit": true, "reset": true, "watch": true, "unwatch": true,
	"blpop": true, "brpop": true, "blmove": true, "brpoplpush": true, "blmpop": true, "bzpopmin": true,
	"bzpopmax": true, "bzmpop": true, "xread": true, "xreadgroup": true, "wait": true, "waitaof": true,
}

// mayCarry reports whether records may go with cmds.
func mayCarry(cmds ...redis.Cmder) bool {
	for _, c := range cmds {
		if uncarried[c.Name()] {
			return false
		}
	}
	return true
}

func (c recordCarrier) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !mayCarry(cmd) {
			return next(ctx, cmd)
		}
		r := pendingIn(ctx)
		writes, reads := r.takeWrites(), r.takeReads()
		carry, drop := sortOut(ctx, r.take())
		if len(writes) == 0 && len(reads) == 0 && len(carry) == 0 && len(drop) == 0 {
			return next(ctx, cmd)
		}
		var err error
		if len(writes) == 0 && len(reads) == 0 && len(carry) == 0 {
			err = next(ctx, cmd)
		} else {
			// Run as a pipeline through the client, marked so that this
			// hook does not take what is pending again.
			cctx := carrying(ctx)
			_, perr := c.rdb.Pipelined(cctx, func(p redis.Pipeliner) error {
				for _, w := range writes {
					_ = p.Process(cctx, w)
				}
				for _, x := range reads {
					_ = p.Process(cctx, x.cmd)
				}
				for _, g := range carry {
					_ = p.Process(cctx, g.command(cctx))
				}
				return p.Process(cctx, cmd)
			})
			c.settleWrites(ctx, r, writes, perr)
			r.readDone(reads)
			settle(cctx, carry, perr)
			err = orWhole(cmd.Err(), perr)
		}
		settleDropped(ctx, r, drop, err)
		return err
	}
}

func (c recordCarrier) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !mayCarry(cmds...) {
			return next(ctx, cmds)
		}
		r := pendingIn(ctx)
		writes, reads := r.takeWrites(), r.takeReads()
		carry, drop := sortOut(ctx, r.take())
		if len(writes) == 0 && len(reads) == 0 && len(carry) == 0 && len(drop) == 0 {
			return next(ctx, cmds)
		}
		if (len(writes) > 0 || len(carry) > 0) && len(cmds) > 0 && cmds[0].Name() == "multi" {
			// A transaction stays as its caller wrote it; the look-ups
			// wait for the next round trip.
			c.writeAhead(ctx, r, writes, carry)
			writes, carry = nil, nil
		}
		if len(reads) > 0 && len(cmds) > 0 && cmds[0].Name() == "multi" {
			r.giveBackReads(reads)
			reads = nil
		}
		var err error
		if len(writes) == 0 && len(reads) == 0 && len(carry) == 0 {
			err = next(ctx, cmds)
		} else {
			all := make([]redis.Cmder, 0, len(writes)+len(reads)+len(carry)+len(cmds))
			all = append(all, writes...)
			for _, x := range reads {
				all = append(all, x.cmd)
			}
			for _, g := range carry {
				all = append(all, g.command(ctx))
			}
			perr := next(ctx, append(all, cmds...))
			c.settleWrites(ctx, r, writes, perr)
			r.readDone(reads)
			settle(carrying(ctx), carry, perr)
			// The caller learns of its own commands only.
			err = orWhole(firstErr(cmds), perr)
		}
		settleDropped(ctx, r, drop, err)
		return err
	}
}

// write writes records in a round trip of their own.
func (c recordCarrier) write(ctx context.Context, groups []*recordGroup) {
	c.writeAhead(ctx, nil, nil, groups)
}

// writeAhead writes the flows' writes and records in a round trip of their
// own, ahead of a transaction.
func (c recordCarrier) writeAhead(ctx context.Context, r *replies, writes []redis.Cmder, groups []*recordGroup) {
	if len(writes) == 0 && len(groups) == 0 {
		return
	}
	cctx := carrying(context.WithoutCancel(ctx))
	_, err := c.rdb.Pipelined(cctx, func(p redis.Pipeliner) error {
		for _, w := range writes {
			_ = p.Process(cctx, w)
		}
		for _, g := range groups {
			_ = p.Process(cctx, g.command(cctx))
		}
		return nil
	})
	c.settleWrites(ctx, r, writes, err)
	settle(cctx, groups, err)
}

// settleWrites gives the flows' writes that failed back, to go with the
// update's next round trip; with the ack there is none: the update is done
// without them, which is logged (a write refused by Redis, out of memory,
// while the ack in the same round trip was not, is all that leads there).
// A round trip that failed as a whole failed the ack too, and the update
// will be handled again.
func (c recordCarrier) settleWrites(ctx context.Context, r *replies, writes []redis.Cmder, err error) {
	whole := err != nil && !isReply(err)
	var failed []redis.Cmder
	for _, w := range writes {
		if whole || w.Err() != nil {
			failed = append(failed, w)
		}
	}
	if len(failed) == 0 {
		return
	}
	if !whole && ctx.Value(finishedKey{}) != nil {
		for _, w := range failed {
			c.log.Error("a write of the flows failed with the ack of its update", "command", w.Name(), "error", w.Err())
		}
		return
	}
	r.giveBackWrites(failed)
}

// writePending writes at once whatever ctx's replies hold: for an update
// cut short, which is handled again without an ack.
func (c recordCarrier) writePending(ctx context.Context) {
	r := repliesOf(ctx)
	if r == nil {
		return
	}
	c.write(ctx, group(r.take()))
}

// recordGroup is the pending parts of one message, written by one script.
type recordGroup struct {
	to     *records
	chatID int64
	id     string
	parts  map[int]int
	kind   recordKind
	cmd    *redis.Cmd
}

// command is the group's EVALSHA of recordScript, which records.write
// loads when Redis does not know it.
func (g *recordGroup) command(ctx context.Context) *redis.Cmd {
	keys, args := g.to.scriptArgs(g.chatID, g.id, g.parts, g.kind)
	all := make([]any, 0, 3+len(keys)+len(args))
	all = append(all, "evalsha", recordScript.Hash(), len(keys))
	for _, k := range keys {
		all = append(all, k)
	}
	g.cmd = redis.NewCmd(ctx, append(all, args...)...)
	return g.cmd
}

// group merges pending parts by message, in the order they were sent.
func group(recs []pendingRecord) []*recordGroup {
	var out []*recordGroup
	byID := map[string]*recordGroup{}
	for _, p := range recs {
		g := byID[p.id]
		if g == nil || g.to != p.to {
			g = &recordGroup{to: p.to, chatID: p.chatID, id: p.id, parts: map[int]int{}, kind: p.kind}
			byID[p.id] = g
			out = append(out, g)
		}
		g.parts[p.part] = p.messageID
	}
	return out
}

// sortOut splits pending records into those a command in ctx carries and,
// for the ack of an update (finished), the replies' it need not: once the
// update is acked it is never handled again. A job's message is carried
// with the ack all the same, since it also keeps later updates from
// sending it again.
func sortOut(ctx context.Context, recs []pendingRecord) (carry []*recordGroup, drop []pendingRecord) {
	if len(recs) == 0 {
		return nil, nil
	}
	if ctx.Value(finishedKey{}) == nil {
		return group(recs), nil
	}
	var keep []pendingRecord
	for _, p := range recs {
		if p.kind == replyRecord {
			drop = append(drop, p)
		} else {
			keep = append(keep, p)
		}
	}
	return group(keep), drop
}

// settle writes, as records.write does, each group whose command failed,
// or all when the round trip failed as a whole (err, not a reply of Redis).
func settle(ctx context.Context, groups []*recordGroup, err error) {
	whole := err != nil && !isReply(err)
	for _, g := range groups {
		if whole || g.cmd.Err() != nil {
			g.to.writeParts(carrying(ctx), g.chatID, g.id, g.parts, g.kind)
		}
	}
}

// isReply reports whether err is an answer of Redis (NOSCRIPT, WRONGTYPE,
// redis.Nil), not a failure to ask.
func isReply(err error) bool {
	var r redis.Error
	return errors.As(err, &r)
}

// orWhole is the caller's error, or the round trip's when it failed as a
// whole without telling each command.
func orWhole(own, trip error) error {
	if own == nil && trip != nil && !isReply(trip) {
		return trip
	}
	return own
}

// settleDropped decides the reply records an ack did not carry, by how the
// ack went: through, they are not needed; refused as NOSCRIPT, they wait
// for the script sent again at once; failed, they are written, since the
// update will be handled again.
func settleDropped(ctx context.Context, r *replies, drop []pendingRecord, err error) {
	switch {
	case len(drop) == 0, err == nil, errors.Is(err, redis.Nil):
	case redis.HasErrorPrefix(err, "NOSCRIPT"):
		r.giveBack(drop)
	default:
		for _, g := range group(drop) {
			g.to.writeParts(carrying(ctx), g.chatID, g.id, g.parts, g.kind)
		}
	}
}

// firstErr is what a pipeline of cmds alone returns: the first error,
// redis.Nil included.
func firstErr(cmds []redis.Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}
