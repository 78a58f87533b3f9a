package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The inbox is the durable queue between Telegram and the flows: updates are
// stored here before Telegram is told they arrived, and leave only once handled.
// dispatch.go explains how chats are claimed from it.

const (
	// seenTTL outlives Telegram's 24 hours of keeping an undelivered update.
	seenTTL = 48 * time.Hour
	// offsetTTL is shorter than the week after which Telegram numbers updates afresh.
	offsetTTL = 6 * 24 * time.Hour
	// triesTTL is how long the count of reads of a chat's head is kept.
	triesTTL = 24 * time.Hour
)

// maxTries is how many times an update is handled before it is given up:
// an update read this often was never acked, so each try ended the
// process handling it (a crash or a kill; an error or a panic is acked).
// Without a limit one such update would stop its chat, and every process
// in turn, for good.
const maxTries = 3

// luaHead reads the head of a chat's inbox and counts the times that update
// was read. The count goes with the ack, so it grows only when handling
// never ended (see maxTries). It returns nil for an empty inbox, else
// {raw update, reads so far}.
const luaHead = `local function readHead(inbox, tries, ttl)
  local raw = redis.call('LINDEX', inbox, 0)
  if not raw then
    redis.call('DEL', tries)
    return nil
  end
  local id = redis.sha1hex(raw)
  local n = 1
  if redis.call('HGET', tries, 'id') == id then
    n = redis.call('HINCRBY', tries, 'n', 1)
  else
    redis.call('HSET', tries, 'id', id, 'n', 1)
  end
  redis.call('PEXPIRE', tries, ttl)
  return {raw, n}
end
`

// ingestScript stores one update unless its id was stored before, and raises
// the persisted offset, in one step so that a crash cannot split them. With
// a worker token it also takes the chat's lease when it is free and returns
// the head of the inbox (the oldest update, which may be an earlier one),
// so that the process that stored an update can handle it without asking
// Redis again.
// KEYS[1] seen marker, KEYS[2] chat inbox, KEYS[3] ready set, KEYS[4] offset,
// KEYS[5] chat lease, KEYS[6] tries.
// ARGV[1] update id, ARGV[2] raw update JSON, ARGV[3] chat id, ARGV[4] now unix ms,
// ARGV[5] seen TTL ms, ARGV[6] offset TTL ms, ARGV[7] worker token (empty for none),
// ARGV[8] lease TTL ms, ARGV[9] tries TTL ms.
// Returns {0} for a duplicate, {1} when stored, {1, raw, reads} when stored
// and claimed.
var ingestScript = redis.NewScript(luaHead + `
local cur = tonumber(redis.call('GET', KEYS[4]) or '0')
if tonumber(ARGV[1]) >= cur then
  redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[6])
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[5]) then
  return {0}
end
redis.call('RPUSH', KEYS[2], ARGV[2])
if ARGV[7] ~= '' and redis.call('SET', KEYS[5], ARGV[7], 'NX', 'PX', ARGV[8]) then
  redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + tonumber(ARGV[8]), ARGV[3])
  local head = readHead(KEYS[2], KEYS[6], ARGV[9])
  return {1, head[1], head[2]}
end
redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[3])
return {1}`)

// skipScript raises the offset past an update Nido does not handle.
// KEYS[1] offset. ARGV[1] update id, ARGV[2] offset TTL ms.
var skipScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) >= cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

// claimHeadScript takes a chat's lease and returns the head of its inbox,
// counting the read. A busy chat is pushed back to when its lease ends, so
// that idle workers do not spin on it; an empty one leaves the set.
// KEYS[1] lease, KEYS[2] inbox, KEYS[3] ready set, KEYS[4] tries.
// ARGV[1] worker token, ARGV[2] lease TTL ms, ARGV[3] chat id, ARGV[4] now
// unix ms, ARGV[5] tries TTL ms.
// Returns {0} when the inbox is empty, {-1} when another worker holds the
// chat, else {1, raw, reads}.
var claimHeadScript = redis.NewScript(luaHead + `
if redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[3])
  return {0}
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then left = 0 end
  redis.call('ZADD', KEYS[3], 'XX', tonumber(ARGV[4]) + left, ARGV[3])
  return {-1}
end
redis.call('ZADD', KEYS[3], 'XX', tonumber(ARGV[4]) + tonumber(ARGV[2]), ARGV[3])
local head = readHead(KEYS[2], KEYS[4], ARGV[5])
return {1, head[1], head[2]}`)

// renewScript extends a lease its holder still has.
// KEYS[1] lease, KEYS[2] ready set. ARGV[1] worker token, ARGV[2] lease TTL ms,
// ARGV[3] chat id, ARGV[4] now unix ms. Returns 1 when renewed, 0 when lost.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'XX', tonumber(ARGV[4]) + tonumber(ARGV[2]), ARGV[3])
return 1`)

// headScript reads the head of a chat's inbox, counting the read (luaHead).
// KEYS[1] inbox, KEYS[2] tries. ARGV[1] tries TTL ms.
// Returns {} for an empty inbox, else {raw update, reads so far}.
var headScript = redis.NewScript(luaHead + `
return readHead(KEYS[1], KEYS[2], ARGV[1]) or {}`)

// ackNextScript removes the handled update from the head of the inbox, only
// for the lease holder and only if it is still the head (the client may
// retry), and forgets how often it was read; then, in the same step, it
// reads the next update when the holder goes on with the chat, or gives
// the chat back as releaseScript does and, with a new token, claims the
// chat due first in the ready set, as claimHeadScript does: the end of one
// update and the start of the next, in the same chat or another, cost one
// round trip.
// KEYS[1] lease, KEYS[2] inbox, KEYS[3] tries, KEYS[4] ready set.
// ARGV[1] worker token, ARGV[2] raw update, ARGV[3] '1' to go on, ARGV[4]
// chat id, ARGV[5] now unix ms, ARGV[6] tries TTL ms, ARGV[7] a token to
// claim another chat with (empty for none), ARGV[8] lease TTL ms, ARGV[9] chatBase.
// Returns {0} when the lease was lost, {1} when the chat was released,
// {1, raw, reads} for the next update the holder goes on with, and
// {1, raw, reads, chat id} for the head of another chat now claimed.
var ackNextScript = redis.NewScript(luaHead + `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[2] then
  redis.call('LPOP', KEYS[2])
  redis.call('DEL', KEYS[3])
end
if ARGV[3] == '1' then
  local head = readHead(KEYS[2], KEYS[3], ARGV[6])
  if head then return {1, head[1], head[2]} end
end
redis.call('DEL', KEYS[1])
if redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[4], ARGV[4])
else
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
end
if ARGV[7] == '' then return {1} end
local now, ttl = tonumber(ARGV[5]), tonumber(ARGV[8])
for _, chat in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[5], 'LIMIT', '0', '8')) do
  local lease, inbox, tries = ARGV[9] .. 'lease:' .. chat, ARGV[9] .. 'inbox:' .. chat, ARGV[9] .. 'tries:' .. chat
  if redis.call('LLEN', inbox) == 0 then
    redis.call('ZREM', KEYS[4], chat)
  elseif redis.call('SET', lease, ARGV[7], 'NX', 'PX', ARGV[8]) then
    redis.call('ZADD', KEYS[4], 'XX', now + ttl, chat)
    local head = readHead(inbox, tries, ARGV[6])
    return {1, head[1], head[2], chat}
  else
    local left = redis.call('PTTL', lease)
    if left < 0 then left = 0 end
    redis.call('ZADD', KEYS[4], 'XX', now + left, chat)
  end
end
return {1}`)

// releaseScript gives a chat back: out of the ready set when its inbox is
// empty, otherwise claimable at once by any worker.
// KEYS[1] lease, KEYS[2] inbox, KEYS[3] ready set.
// ARGV[1] worker token, ARGV[2] chat id, ARGV[3] now unix ms.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[2])
else
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
end
return 1`)

// leadScript takes or renews the poller lease.
// KEYS[1] poller lease. ARGV[1] process token, ARGV[2] TTL ms.
// Returns 1 when the caller is the poller, 0 when another process is.
var leadScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)

// resignScript drops the poller lease if the caller holds it.
// KEYS[1] poller lease. ARGV[1] process token.
var resignScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`)

// inbox is the Redis side of ingesting and dispatching updates.
type inbox struct {
	rdb redis.UniversalClient
	k   keys
	// rep makes a stored update wait for a replica behind Sentinel, since
	// Telegram forgets it next (replica.go).
	rep *replicas
}

// store appends an update to its chat's inbox; it reports false for an
// update id stored before.
func (in inbox) store(ctx context.Context, updateID, chatID int64, raw []byte, now time.Time) (bool, error) {
	stored, _, err := in.storeClaim(ctx, updateID, chatID, raw, now, "", 0)
	return stored, err
}

// storeClaim is store, and with a token it also claims the chat when no
// worker holds it: head is then the update to handle first (not always
// this one: an earlier one may be waiting), with how often it was read.
func (in inbox) storeClaim(ctx context.Context, updateID, chatID int64, raw []byte, now time.Time,
	token string, ttl time.Duration) (stored bool, head *heldUpdate, err error) {
	res, err := in.rep.run(ctx, in.rdb, ingestScript,
		[]string{in.k.seen(updateID), in.k.inbox(chatID), in.k.ready(), in.k.offset(), in.k.lease(chatID), in.k.tries(chatID)},
		updateID, raw, chatID, now.UnixMilli(), seenTTL.Milliseconds(), offsetTTL.Milliseconds(),
		token, ttl.Milliseconds(), triesTTL.Milliseconds()).Slice()
	if err != nil {
		return false, nil, fmt.Errorf("store update %d: %w", updateID, err)
	}
	n, _ := res[0].(int64)
	return n == 1, heldFrom(res), nil
}

// heldUpdate is the head of a chat's inbox, read by the lease holder.
type heldUpdate struct {
	raw   []byte
	tries int
	// chat and claimed are set by ackNext: the chat the update is from,
	// and whether that chat was claimed anew (with the next token) rather
	// than held on.
	chat    int64
	claimed bool
}

// heldFrom reads {status, raw, reads} from a script; nil without a head.
func heldFrom(res []any) *heldUpdate {
	if len(res) != 3 {
		return nil
	}
	raw, _ := res[1].(string)
	n, _ := res[2].(int64)
	return &heldUpdate{raw: []byte(raw), tries: int(n)}
}

// skip moves the offset past an update that no flow handles.
func (in inbox) skip(ctx context.Context, updateID int64) error {
	err := skipScript.Run(ctx, in.rdb, []string{in.k.offset()}, updateID, offsetTTL.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("skip update %d: %w", updateID, err)
	}
	return nil
}

// offset returns the highest update id stored, 0 when none is remembered.
func (in inbox) offset(ctx context.Context) (int64, error) {
	n, err := in.rdb.Get(ctx, in.k.offset()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read offset: %w", err)
	}
	return n, nil
}

// due lists up to n chats that may be claimed now.
func (in inbox) due(ctx context.Context, now time.Time, n int) ([]int64, error) {
	ids, err := in.rdb.ZRangeByScore(ctx, in.k.ready(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(n),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list ready chats: %w", err)
	}
	chats := make([]int64, 0, len(ids))
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("ready set holds %q: %w", s, err)
		}
		chats = append(chats, id)
	}
	return chats, nil
}

// claim takes the chat's lease for token, as claimHead does.
func (in inbox) claim(ctx context.Context, chatID int64, token string, ttl time.Duration, now time.Time) (bool, error) {
	held, _, err := in.claimHead(ctx, chatID, token, ttl, now)
	return held, err
}

// claimHead takes the chat's lease for token and reads the head of its
// inbox: held is false when another worker has the chat, head nil when
// the inbox is empty.
func (in inbox) claimHead(ctx context.Context, chatID int64, token string, ttl time.Duration, now time.Time) (held bool, head *heldUpdate, err error) {
	res, err := claimHeadScript.Run(ctx, in.rdb, []string{in.k.lease(chatID), in.k.inbox(chatID), in.k.ready(), in.k.tries(chatID)},
		token, ttl.Milliseconds(), chatID, now.UnixMilli(), triesTTL.Milliseconds()).Slice()
	if err != nil {
		return false, nil, fmt.Errorf("claim chat %d: %w", chatID, err)
	}
	n, _ := res[0].(int64)
	return n == 1, heldFrom(res), nil
}

// ackNext removes a handled update and, when more is true, reads the next
// one; otherwise, or when there is none, it releases the chat and, with a
// token, claims the chat due first: held is false when the lease was lost
// meanwhile; next is nil when nothing more is held, and next.chat is the
// chat next is from.
func (in inbox) ackNext(ctx context.Context, chatID int64, token string, raw []byte, more bool, now time.Time,
	nextToken string, ttl time.Duration) (held bool, next *heldUpdate, err error) {
	goOn := "0"
	if more {
		goOn = "1"
	}
	res, err := ackNextScript.Run(ctx, in.rdb, []string{in.k.lease(chatID), in.k.inbox(chatID), in.k.tries(chatID), in.k.ready()},
		token, raw, goOn, chatID, now.UnixMilli(), triesTTL.Milliseconds(), nextToken, ttl.Milliseconds(), in.k.chatBase()).Slice()
	if err != nil {
		return false, nil, fmt.Errorf("ack update of chat %d: %w", chatID, err)
	}
	n, _ := res[0].(int64)
	next = heldFrom(res[:min(len(res), 3)])
	if next != nil {
		next.chat = chatID
		if len(res) == 4 {
			next.claimed = true
			s, _ := res[3].(string)
			if next.chat, err = strconv.ParseInt(s, 10, 64); err != nil {
				return n == 1, nil, fmt.Errorf("ready set holds %q: %w", s, err)
			}
		}
	}
	return n == 1, next, nil
}

// renew extends the lease; false means another worker has the chat now.
func (in inbox) renew(ctx context.Context, chatID int64, token string, ttl time.Duration, now time.Time) (bool, error) {
	n, err := renewScript.Run(ctx, in.rdb, []string{in.k.lease(chatID), in.k.ready()},
		token, ttl.Milliseconds(), chatID, now.UnixMilli()).Int()
	if err != nil {
		return false, fmt.Errorf("renew chat %d: %w", chatID, err)
	}
	return n == 1, nil
}

// head returns the oldest pending update of the chat, nil when none.
func (in inbox) head(ctx context.Context, chatID int64) (raw []byte, tries int, err error) {
	res, err := headScript.Run(ctx, in.rdb, []string{in.k.inbox(chatID), in.k.tries(chatID)},
		triesTTL.Milliseconds()).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("read inbox of chat %d: %w", chatID, err)
	}
	if len(res) != 2 {
		return nil, 0, nil
	}
	s, _ := res[0].(string)
	n, _ := res[1].(int64)
	return []byte(s), int(n), nil
}

// release gives the chat back to every worker.
func (in inbox) release(ctx context.Context, chatID int64, token string, now time.Time) error {
	err := releaseScript.Run(ctx, in.rdb, []string{in.k.lease(chatID), in.k.inbox(chatID), in.k.ready()},
		token, chatID, now.UnixMilli()).Err()
	if err != nil {
		return fmt.Errorf("release chat %d: %w", chatID, err)
	}
	return nil
}

// lead reports whether this process is (now) the one that polls Telegram.
func (in inbox) lead(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	n, err := leadScript.Run(ctx, in.rdb, []string{in.k.poller()}, token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("poller lease: %w", err)
	}
	return n == 1, nil
}

// resign lets another process poll at once.
func (in inbox) resign(ctx context.Context, token string) error {
	return resignScript.Run(ctx, in.rdb, []string{in.k.poller()}, token).Err()
}
