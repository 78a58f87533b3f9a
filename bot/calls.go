package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"

	"nido/flows"
)

// call runs one Telegram call for chatID and maps its errors: it waits out a
// 429 and tries again (learning from it to send slower), tries again after a
// transient failure (a 5xx, a timeout, a connection reset) with a short
// backoff for transientFor, and turns a refusal to deliver into
// flows.ErrUnreachable. The library itself never retries.
// Paced calls wait for the send limits first and count as sent messages;
// bulk ones wait behind the others (limits.go's lane).
func (s *Sender) call(ctx context.Context, what string, chatID int64, pace pacing, f func(context.Context) (int, error)) (int, error) {
	waits := pace != noPacing
	began, backoff := time.Now(), transientFirst
	for attempt := 1; ; attempt++ {
		if waits {
			if err := s.lim.wait(ctx, chatID, pace == bulk); err != nil {
				return 0, fmt.Errorf("%s to chat %d: %w", what, chatID, err)
			}
		}
		id, err := f(ctx)
		if err == nil {
			if waits {
				s.m.sent.Inc()
			}
			return id, nil
		}
		var tooMany *tg.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			s.m.sendErrors.WithLabelValues(errKind429).Inc()
			wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			s.m.waits.Inc()
			s.log.Warn("telegram asked to wait", "chat_id", chatID, "call", what, "retry_after", wait, "attempt", attempt)
			if waits {
				s.lim.tooMany(ctx, chatID, wait)
			}
			// However many times: a reminder due now is late, never
			// dropped, because Telegram is busy. ctx bounds the wait (a
			// job's run, an update's handling).
			if err := sleep(ctx, wait); err != nil {
				return 0, fmt.Errorf("%s to chat %d: waiting out a 429: %w", what, chatID, err)
			}
			continue
		case errors.Is(err, tg.ErrorForbidden), chatGone(err):
			kind := errKind403
			if errors.Is(err, tg.ErrorBadRequest) {
				kind = errKind400
			}
			s.m.sendErrors.WithLabelValues(kind).Inc()
			return 0, fmt.Errorf("%s to chat %d: %w: %v", what, chatID, flows.ErrUnreachable, err)
		case errors.Is(err, tg.ErrorBadRequest):
			s.m.sendErrors.WithLabelValues(errKind400).Inc()
			return 0, fmt.Errorf("%s to chat %d: %w: %w", what, chatID, flows.ErrRefused, err)
		case errors.Is(err, errEditGone):
			// Not Telegram's failure: the caller sends anew.
		case transient(ctx, err):
			s.m.sendErrors.WithLabelValues(errKindOther).Inc()
			if time.Since(began)+backoff > transientFor {
				break
			}
			// Seconds, not the minutes of the job's own retry: a reminder
			// is late by about as long as Telegram is away. Telegram cannot
			// be asked whether a send that timed out arrived; trying again
			// may rarely show it twice, which is better than not at all.
			s.log.Warn("telegram failed; trying again", "chat_id", chatID, "call", what, "after", backoff, "error", err)
			if err := sleep(ctx, backoff); err != nil {
				return 0, fmt.Errorf("%s to chat %d: waiting after a failure: %w", what, chatID, err)
			}
			backoff = min(2*backoff, transientMax)
			continue
		default:
			s.m.sendErrors.WithLabelValues(errKindOther).Inc()
		}
		return 0, fmt.Errorf("%s to chat %d: %w", what, chatID, err)
	}
}

// How call tries again after a transient failure: after transientFirst,
// doubling up to transientMax, for transientFor in all; then the error goes
// to the caller, and a job is tried again by the scheduler.
const (
	transientFirst = 250 * time.Millisecond
	transientMax   = time.Second
	transientFor   = time.Minute
)

// transient reports whether err is a failure that may pass: an answer of
// Telegram's that is none of its refusals (a 5xx, or a body that is no
// answer, as a proxy's 502 page), a timeout or a broken connection. A
// cancelled ctx is the caller giving up, not a failure to try again.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var migrate *tg.MigrateError
	for _, refusal := range []error{tg.ErrorForbidden, tg.ErrorBadRequest, tg.ErrorUnauthorized,
		tg.ErrorNotFound, tg.ErrorConflict, context.Canceled} {
		if errors.Is(err, refusal) {
			return false
		}
	}
	return !errors.As(err, &migrate)
}

// pacing is how a call waits for the send limits.
type pacing int

const (
	noPacing pacing = iota // not a message: deletes, commands
	paced                  // a message to someone waiting for it
	bulk                   // one recipient of a broadcast
)

// chatGone recognises the 400 Telegram answers for a chat that no longer exists.
func chatGone(err error) bool {
	return errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found")
}

// Delete removes one of Nido's messages. A message already gone is not an
// error: deleting is how a quick exit or a stale menu is cleaned up.
func (s *Sender) Delete(ctx context.Context, chatID int64, messageID int) error {
	_, err := s.call(ctx, "delete", chatID, noPacing, func(ctx context.Context) (int, error) {
		_, err := s.api.DeleteMessage(ctx, &tg.DeleteMessageParams{ChatID: chatID, MessageID: messageID})
		if errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "message to delete not found") {
			return 0, nil
		}
		return 0, err
	})
	return err
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
