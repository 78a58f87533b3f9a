package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/go-telegram/bot/models"

	"nido/flows"
)

// Flows answers what a person did; the flows package implements it. Its
// errors are for the log: the flows have already told the person.
type Flows interface {
	Handle(ctx context.Context, in flows.Input) error
}

// handleTimeout bounds one update, so a stuck call cannot hold a chat forever.
const handleTimeout = 2 * time.Minute

// handle answers one stored update. Whatever goes wrong is logged and the
// update is done: a panic is recovered and the person told, never retried.
func (b *Bot) handle(ctx context.Context, f Flows, chatID int64, raw []byte) {
	ahead := aheadOf(ctx, raw)
	var u models.Update
	var in flows.Input
	if ahead != nil {
		u, in = *ahead.u, ahead.in
	} else {
		var err error
		if u, err = readUpdate(raw); err != nil {
			b.log.Error("stored update is not readable, dropped", "chat_id", chatID, "error", err)
			return
		}
		var ok bool
		if in, ok = toInput(&u, b.username, b.sg); !ok {
			b.log.Info("update not for the flows, dropped", "update_id", u.ID, "kind", kindOf(&u))
			return
		}
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(withReplies(ctx, u.ID), handleTimeout)
	defer cancel()
	defer func() {
		// Cut short by a shutdown, the update is handled again without an
		// ack to carry what it sent (replies.go): that goes now.
		if parent.Err() != nil {
			b.carrier.writePending(ctx)
		}
	}()
	if u.CallbackQuery != nil {
		// Answered with what the flows say first (press.go); when they say
		// nothing, or panic, the spinner still stops here, last.
		ctx = withPress(ctx, u.CallbackQuery.ID)
		defer b.sender.answerPress(ctx, flows.Message{ChatID: in.ChatID})
	}
	start := time.Now()
	defer func() { b.m.latency.Observe(time.Since(start).Seconds()) }()
	defer func() {
		if r := recover(); r != nil {
			b.panicked(ctx, in, r)
		}
	}()
	var err error
	if p, ok := f.(preloader); ok && ahead != nil {
		err = p.HandlePreloaded(ctx, in, ahead.pre)
	} else {
		err = f.Handle(ctx, in)
	}
	if err != nil {
		b.log.Warn("flows failed", "update_id", in.UpdateID, "chat_id", in.ChatID, "error", err)
	}
}

// abandon counts an update given up after maxTries and tells the person,
// in the language their Telegram app uses, that it was not handled.
func (b *Bot) abandon(ctx context.Context, chatID int64, raw []byte) {
	b.m.abandoned.Inc()
	u, err := readUpdate(raw)
	if err != nil {
		return
	}
	in, ok := toInput(&u, b.username, b.sg)
	if !ok {
		return
	}
	msg := flows.Message{ChatID: chatID, Lang: b.cfg.Catalog.Lang(in.TelegramLang), Lines: []flows.T{{ID: "bot.error"}}}
	if _, err := b.sender.Send(ctx, msg); err != nil {
		b.log.Warn("tell the person of an update given up", "chat_id", chatID, "error", err)
	}
}

// panicked logs a recovered panic with its stack and tells the person, in
// the language their Telegram app uses, that something went wrong.
func (b *Bot) panicked(ctx context.Context, in flows.Input, r any) {
	b.m.panics.Inc()
	b.log.Error("flows panicked", "update_id", in.UpdateID, "chat_id", in.ChatID,
		"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	msg := flows.Message{ChatID: in.ChatID, Lang: b.cfg.Catalog.Lang(in.TelegramLang), Lines: []flows.T{{ID: "bot.error"}}}
	if _, err := b.sender.Send(ctx, msg); err != nil {
		b.log.Warn("tell the person after a panic", "chat_id", in.ChatID, "error", err)
	}
}
