package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// Nido polls getUpdates itself instead of using the library's loop, which
// advances the offset in memory before an update is handled: a crash there
// loses the update. Here each update is stored in Redis first, and the next
// offset comes from Redis, so Telegram forgets an update only once it is stored
// and a restart resumes where the last process stopped.

// errBadUpdate is a body that is not a Telegram update at all.
var errBadUpdate = errors.New("not a Telegram update")

const (
	// maxBackoff caps the wait after a failing getUpdates.
	maxBackoff = 30 * time.Second
	// maxRedisBackoff caps the wait after a failing Redis, shorter: an
	// outage or a failover of Redis ends within seconds, and updates should
	// flow again as soon as it does.
	maxRedisBackoff = 5 * time.Second
	// pollerTTL is how long the poller lease outlives a poller that died.
	pollerTTL = 15 * time.Second
	// pollGather is how long the poller lets updates gather after a batch
	// that was not full, before it asks again. Without it, updates coming
	// a few milliseconds apart each cost a getUpdates and a round trip to
	// store them; with it, they come in batches of what arrived meanwhile,
	// at most this much later, and an update after a quiet moment is not
	// delayed at all (the ask that follows waits for it).
	pollGather = 10 * time.Millisecond
)

// errRedis marks a failure of Redis, not of Telegram.
type errRedis struct{ err error }

func (e errRedis) Error() string { return e.err.Error() }
func (e errRedis) Unwrap() error { return e.err }

// errFatal marks a getUpdates failure that waiting will not cure.
type errFatal struct{ err error }

func (e errFatal) Error() string { return e.err.Error() }
func (e errFatal) Unwrap() error { return e.err }

// poll long-polls while this process is the poller. Telegram serves one
// getUpdates at a time and answers 409 to the other, so the processes elect
// one poller with a lease in Redis; every process dispatches. A process that
// does not poll asks again every IdleWait, and takes over within pollerTTL
// when the poller dies.
func (b *Bot) poll(ctx context.Context) error {
	token := b.d.process
	defer func() {
		if err := b.in.resign(context.WithoutCancel(ctx), token); err != nil {
			b.log.Warn("give up polling", "error", err)
		}
	}()
	for ctx.Err() == nil {
		leading, err := b.in.lead(ctx, token, pollerTTL)
		if err != nil && ctx.Err() == nil {
			b.log.Warn("take the poller lease", "error", err)
		}
		if !leading {
			if sleep(ctx, b.cfg.IdleWait) != nil {
				break
			}
			continue
		}
		lctx, lost := context.WithCancel(ctx)
		go b.keepPolling(lctx, lost, token)
		err = b.pollWhileLeading(lctx)
		lost()
		if err != nil {
			return err
		}
	}
	return nil
}

// keepPolling renews the poller lease until ctx ends, and calls lost when
// another process has it.
func (b *Bot) keepPolling(ctx context.Context, lost context.CancelFunc, token string) {
	t := time.NewTicker(pollerTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := b.in.lead(ctx, token, pollerTTL)
		if err != nil {
			continue // Redis may come back before the lease ends
		}
		if !ok {
			b.log.Warn("another process polls now")
			lost()
			return
		}
	}
}

// pollWhileLeading runs the getUpdates loop until ctx ends or Telegram
// refuses the token.
func (b *Bot) pollWhileLeading(ctx context.Context) error {
	var backoff time.Duration
	last := int64(-1)
	for ctx.Err() == nil {
		if backoff > 0 && sleep(ctx, backoff) != nil {
			break
		}
		got, wait, err := b.pollOnce(ctx, &last)
		switch {
		case err == nil:
			backoff = 0
			if got > 0 && got < pollLimit && sleep(ctx, pollGather) != nil {
				return nil
			}
		case ctx.Err() != nil:
			return nil
		default:
			var fatal errFatal
			if errors.As(err, &fatal) {
				b.log.Error("telegram refuses getUpdates; stopping", "error", fatal.err)
				return fatal
			}
			backoff = nextBackoff(backoff, wait, err)
			b.log.Warn("receive updates", "error", err, "retry_in", backoff)
		}
	}
	return nil
}

// nextBackoff is the wait after a failed poll that followed a wait of prev:
// doubling from 100 ms up to 5 s when Redis failed, from a second up to 30 s
// (or what Telegram asked for, wait) when Telegram did.
func nextBackoff(prev, wait time.Duration, err error) time.Duration {
	if errors.As(err, new(errRedis)) {
		return min(max(2*prev, 100*time.Millisecond), maxRedisBackoff)
	}
	return max(wait, min(max(2*prev, time.Second), maxBackoff))
}

// pollOnce asks for the updates after the offset and stores them in
// order, raising the offset past them in the same step. last is the
// offset as this poller last stored it, -1 when it is to be read from
// Redis (as a poller starts, or after Redis failed). It returns how many
// updates came, and how long Telegram asked to wait, if it did.
func (b *Bot) pollOnce(ctx context.Context, last *int64) (got int, wait time.Duration, err error) {
	if *last < 0 {
		n, err := b.in.offset(ctx)
		if err != nil {
			return 0, 0, errRedis{err}
		}
		*last = n
	}
	updates, wait, err := b.getUpdates(ctx, *last)
	if err != nil {
		return 0, wait, err
	}
	top, err := b.ingestBatch(ctx, updates)
	if err != nil {
		*last = -1
		return 0, 0, errRedis{err}
	}
	*last = max(*last, top)
	return len(updates), 0, nil
}

// pollLimit is the most updates one getUpdates returns (Telegram's most).
const pollLimit = 100

// getUpdatesRequest is the JSON body of getUpdates.
type getUpdatesRequest struct {
	Offset         int64    `json:"offset,omitempty"`
	Limit          int      `json:"limit"`
	Timeout        int      `json:"timeout"`
	AllowedUpdates []string `json:"allowed_updates"`
}

// apiReply is the envelope of every Bot API answer.
type apiReply struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// getUpdates long-polls Telegram for the updates after last (all pending
// ones when last is 0), each as its raw JSON.
func (b *Bot) getUpdates(ctx context.Context, last int64) ([]json.RawMessage, time.Duration, error) {
	req := getUpdatesRequest{Limit: pollLimit, Timeout: max(int(b.cfg.PollTimeout/time.Second), 1), AllowedUpdates: allowedUpdates}
	if last > 0 {
		req.Offset = last + 1
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PollTimeout+15*time.Second)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIURL+"/bot"+b.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, 0, errFatal{fmt.Errorf("getUpdates request: %w", err)}
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := b.poller.Do(hr)
	if err != nil {
		// The URL holds the token: name the method only.
		return nil, 0, fmt.Errorf("getUpdates: %w", unwrapURL(err))
	}
	defer resp.Body.Close()
	var reply apiReply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return nil, 0, fmt.Errorf("getUpdates: HTTP %d, unreadable answer: %w", resp.StatusCode, err)
	}
	if !reply.OK {
		err := fmt.Errorf("getUpdates: %d %s", reply.ErrorCode, reply.Description)
		if reply.ErrorCode == http.StatusUnauthorized || reply.ErrorCode == http.StatusNotFound {
			return nil, 0, errFatal{err}
		}
		return nil, time.Duration(reply.Parameters.RetryAfter) * time.Second, err
	}
	return reply.Result, 0, nil
}

// arrival is an update from Telegram on its way into the inbox.
type arrival struct {
	id   int64
	chat int64 // 0 for an update not stored (ignored, or unreadable)
	raw  []byte
	// token names the claim of the chat by a worker reserved here, when
	// reserved; then queues the reads of its answer (ahead.go).
	token    string
	reserved bool
	ahead    *aheadUpdate
	then     func(redis.Pipeliner)
}

// item is what the inbox stores of a.
func (a *arrival) item() storeItem {
	return storeItem{updateID: a.id, chatID: a.chat, raw: a.raw, token: a.token, then: a.then}
}

// arrive reads an update from Telegram. Updates the flows do not handle
// (groups, other kinds) are not stored; neither is an update that cannot be
// read, since Telegram would send it the same way again: their chat is 0.
// With a worker free here, the update's chat is claimed as it is stored,
// and the update handled here at once, with what its answer reads first
// in the same round trip (ahead.go).
func (b *Bot) arrive(ctx context.Context, raw []byte) (*arrival, error) {
	b.m.received.Inc()
	u, err := readUpdate(raw)
	if err != nil {
		var id struct {
			UpdateID int64 `json:"update_id"`
		}
		if json.Unmarshal(raw, &id) != nil || id.UpdateID == 0 {
			return nil, fmt.Errorf("%w: %v", errBadUpdate, err)
		}
		b.log.Warn("unreadable update skipped", "update_id", id.UpdateID, "error", err)
		return &arrival{id: id.UpdateID}, nil
	}
	chat, ok := chatOf(&u)
	if !ok {
		b.log.Info("update ignored", "update_id", u.ID, "kind", kindOf(&u))
		return &arrival{id: u.ID}, nil
	}
	a := &arrival{id: u.ID, chat: chat, raw: raw}
	a.token, a.reserved = b.d.reserve()
	if b.d.preload != nil {
		if in, ok := toInput(&u, b.username, b.sg); ok {
			ahead := &aheadUpdate{chat: chat, raw: raw, u: &u, in: in}
			a.ahead = ahead
			if a.reserved {
				a.then = func(p redis.Pipeliner) { ahead.pre = b.d.preload(ctx, p, in) }
			}
		}
	}
	return a, nil
}

// landed hands a stored update to the worker reserved for it, or to the
// dispatcher; r is the zero stored when storing failed.
func (b *Bot) landed(a *arrival, r stored) {
	if r.head != nil && r.ran && string(r.head.raw) == string(a.raw) {
		r.head.ahead = a.ahead
	}
	if a.reserved {
		if r.head != nil {
			b.d.start(a.chat, a.token, r.head)
		} else {
			b.d.unreserve()
		}
	}
	if r.dup {
		b.m.duplicates.Inc()
		b.log.Debug("duplicate update dropped", "update_id", a.id, "chat_id", a.chat)
	}
	if !r.stored {
		return
	}
	if r.head == nil {
		if a.ahead != nil {
			a.ahead.pre = nil
			b.d.waiting.push(a.ahead)
		}
		b.d.notify()
	}
}

// ingest stores one update from Telegram (the webhook's) and returns its id.
func (b *Bot) ingest(ctx context.Context, raw []byte) (int64, error) {
	a, err := b.arrive(ctx, raw)
	if err != nil || a.chat == 0 {
		return 0, err
	}
	r, err := b.in.storeClaim(ctx, a.item(), time.Now(), b.d.leaseTTL)
	b.landed(a, r)
	if err != nil {
		return 0, err
	}
	return a.id, nil
}

// ingestBatch stores the updates of one getUpdates, in order, and raises
// the offset of polling past them, in one round trip; it returns that
// offset (0 when there was none).
func (b *Bot) ingestBatch(ctx context.Context, raws []json.RawMessage) (int64, error) {
	top := int64(0)
	var todo []*arrival
	for _, raw := range raws {
		a, err := b.arrive(ctx, raw)
		if errors.Is(err, errBadUpdate) {
			// Without an id it cannot even be skipped; the next one moves the offset past it.
			b.log.Warn("update without an id", "error", err)
			continue
		}
		top = max(top, a.id)
		if a.chat != 0 {
			todo = append(todo, a)
		}
	}
	if top == 0 {
		return 0, nil
	}
	items := make([]storeItem, len(todo))
	for i, a := range todo {
		items[i] = a.item()
	}
	res, err := b.in.storeMany(ctx, items, top, time.Now(), b.d.leaseTTL)
	for i, a := range todo {
		var r stored
		if err == nil {
			r = res[i]
		}
		b.landed(a, r)
	}
	if err != nil {
		return 0, err
	}
	return top, nil
}

// unwrapURL drops the request URL, which carries the bot token, from an error.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
