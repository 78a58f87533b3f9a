package flows

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// Every input begins with the same reads: the person and the conversation,
// and for a press what its route names (Route.Preload) (newSession). The Telegram layer claims the chat of an update in one
// round trip to Redis; with Preload those reads ride in the same pipeline,
// after the claim, so that answering starts without a round trip of its own.

// Preloaded is what Preload read for one input, once its pipeline ran.
type Preloaded struct {
	chatID, userID int64
	callback       string
	person         *redis.MapStringStringCmd
	conv           *redis.StringCmd
	// ahead are the keys the route named, read into read.
	ahead []string
	read  []*redis.MapStringStringCmd
}

// Preload queues on p the reads that answering in starts with. p must run
// them after whatever makes the chat this caller's (its lease), on the same
// connection, so that they see what a holder before wrote.
func (e *Engine) Preload(ctx context.Context, p redis.Pipeliner, in Input) *Preloaded {
	pre := &Preloaded{
		chatID: in.ChatID, userID: in.UserID, callback: in.Callback,
		person: p.HGetAll(ctx, e.people.k.person(in.UserID)),
		conv:   p.Get(ctx, e.k.conv(in.ChatID)),
		ahead:  e.preloads(in),
	}
	for _, key := range pre.ahead {
		pre.read = append(pre.read, p.HGetAll(ctx, key))
	}
	return pre
}

// HandlePreloaded is Handle, starting from what Preload read for in. A
// preload of another input, or one whose pipeline failed, is read again.
func (e *Engine) HandlePreloaded(ctx context.Context, in Input, pre *Preloaded) error {
	return e.handle(ctx, in, pre)
}

// loaded returns the reads of pre for in, or nils when pre cannot serve it.
func (pre *Preloaded) loaded(in Input) (person *redis.MapStringStringCmd, conv *redis.StringCmd,
	ahead []string, read []*redis.MapStringStringCmd) {
	if pre == nil || pre.chatID != in.ChatID || pre.userID != in.UserID || pre.callback != in.Callback {
		return nil, nil, nil, nil
	}
	if err := pre.conv.Err(); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, nil, nil
	}
	for _, c := range append([]*redis.MapStringStringCmd{pre.person}, pre.read...) {
		if c.Err() != nil {
			return nil, nil, nil, nil
		}
	}
	return pre.person, pre.conv, pre.ahead, pre.read
}
