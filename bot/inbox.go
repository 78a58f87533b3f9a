package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	// triesTTL is how long an update may be handled again after its first
	// reading: what its handling sent is remembered that long (replies.go).
	triesTTL = 24 * time.Hour
)

// maxTries is how many times an update is handled before it is given up:
// an update read this often was never acked, so each try ended the
// process handling it (a crash or a kill; an error or a panic is acked).
// Without a limit one such update would stop its chat, and every process
// in turn, for good.
const maxTries = 3

// An update waits in its chat's inbox as "<reads>|<raw update>": how many
// times it was read goes with it, so that reading the head and counting the
// read is one write to the same key, and acking it leaves no count behind.
// The count grows only when handling never ended (see maxTries). An element
// without the prefix (stored by an older version) counts as never read.

// luaHead reads and counts the head of a chat's inbox. It returns nil for
// an empty inbox, else {element as now stored, reads so far}.
const luaHead = `local function reads(elem)
  local p = string.find(elem, '|', 1, true)
  if p and p > 1 and p <= 8 and string.match(string.sub(elem, 1, p - 1), '^%d+$') then
    return tonumber(string.sub(elem, 1, p - 1)), string.sub(elem, p + 1)
  end
  return 0, elem
end
local function countRead(inbox, elem)
  local n, raw = reads(elem)
  local read = (n + 1) .. '|' .. raw
  redis.call('LSET', inbox, 0, read)
  return {read, n + 1}
end
local function readHead(inbox)
  local elem = redis.call('LINDEX', inbox, 0)
  if not elem then return nil end
  return countRead(inbox, elem)
end
-- claimChat takes a chat's lease and reads its head; a chat found empty
-- leaves the ready set, a busy one is put back to when its lease ends.
local function claimChat(base, ready, chat, token, ttl, now)
  local lease, inbox = base .. 'lease:' .. chat, base .. 'inbox:' .. chat
  if not redis.call('SET', lease, token, 'NX', 'PX', ttl) then
    local left = redis.call('PTTL', lease)
    if left < 0 then left = 0 end
    redis.call('ZADD', ready, 'XX', now + left, chat)
    return -1
  end
  local head = readHead(inbox)
  if not head then
    redis.call('DEL', lease)
    redis.call('ZREM', ready, chat)
    return 0
  end
  redis.call('ZADD', ready, 'XX', now + ttl, chat)
  return head
end
`

// luaIngest stores one update unless its id was stored before. With a
// worker token it also takes the chat's lease when it is free and returns
// the head of the inbox (the oldest update, which may be an earlier one),
// so that the process that stored an update can handle it without asking
// Redis again. It returns {0} for a duplicate, {1} when stored, {1,
// element, reads} when stored and claimed.
const luaIngest = `local function ingest(seen, inbox, ready, lease, raw, chat, now, seenTTL, token, ttl)
  if not redis.call('SET', seen, '1', 'NX', 'PX', seenTTL) then
    return {0}
  end
  if token ~= '' and redis.call('SET', lease, token, 'NX', 'PX', ttl) then
    -- Stored as read once: it is read now, unless an earlier update waits.
    local read = '1|' .. raw
    local n = redis.call('RPUSH', inbox, read)
    redis.call('ZADD', ready, now + ttl, chat)
    if n == 1 then return {1, read, 1} end
    redis.call('LSET', inbox, -1, '0|' .. raw)
    local head = readHead(inbox)
    return {1, head[1], head[2]}
  end
  redis.call('RPUSH', inbox, '0|' .. raw)
  redis.call('ZADD', ready, 'NX', now, chat)
  return {1}
end
`

// ingestScript stores one update (luaIngest), as the webhook receives them.
// KEYS[1] seen marker, KEYS[2] chat inbox, KEYS[3] ready set, KEYS[4] chat lease.
// ARGV[1] raw update JSON, ARGV[2] chat id, ARGV[3] now unix ms, ARGV[4]
// seen TTL ms, ARGV[5] worker token (empty for none), ARGV[6] lease TTL ms.
var ingestScript = redis.NewScript(luaHead + luaIngest + `
return ingest(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6]))`)

// batchScript stores the updates of one getUpdates in order (luaIngest)
// and raises the offset of polling past them, in one step: Telegram is
// told of them (by the next offset) only once they are all stored.
// KEYS[1] ready set, KEYS[2] offset, then for each update its seen marker,
// its chat's inbox and its chat's lease.
// ARGV[1] now unix ms, ARGV[2] seen TTL ms, ARGV[3] lease TTL ms, ARGV[4]
// the update id to raise the offset to (0 for none), ARGV[5] offset TTL
// ms, then for each update its raw JSON, its chat id and a worker token
// (empty for none).
// Returns luaIngest's answer for each update, in order.
var batchScript = redis.NewScript(luaHead + luaIngest + `
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[3])
local out = {}
local k = 3
for i = 6, #ARGV, 3 do
  out[#out + 1] = ingest(KEYS[k], KEYS[k + 1], KEYS[1], KEYS[k + 2], ARGV[i], ARGV[i + 1], now, ARGV[2], ARGV[i + 2], ttl)
  k = k + 3
end
local top = tonumber(ARGV[4])
if top > 0 and top >= tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
end
return out`)

// claimHeadScript takes a chat's lease and returns the head of its inbox,
// counting the read (claimChat). A busy chat is pushed back to when its
// lease ends, so that idle workers do not spin on it; an empty one leaves
// the set.
// KEYS[1] ready set. ARGV[1] worker token, ARGV[2] lease TTL ms, ARGV[3]
// chat id, ARGV[4] now unix ms, ARGV[5] chatBase.
// Returns {0} when the inbox is empty, {-1} when another worker holds the
// chat, else {1, element, reads}.
var claimHeadScript = redis.NewScript(luaHead + `
local head = claimChat(ARGV[5], KEYS[1], ARGV[3], ARGV[1], ARGV[2], tonumber(ARGV[4]))
if type(head) == 'number' then return {head} end
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
// KEYS[1] inbox. Returns {} for an empty inbox, else {element, reads so far}.
var headScript = redis.NewScript(luaHead + `
return readHead(KEYS[1]) or {}`)

// ackNextScript removes the handled update from the head of the inbox, only
// for the lease holder and only if it is still the head as it was read (the
// client may retry, and a later reader counts a new read); then, in the
// same step, it reads the next update when the holder goes on with the
// chat, or gives the chat back as releaseScript does and, with a new token,
// claims the chat due first in the ready set (claimChat): the end of one
// update and the start of the next, in the same chat or another, cost one
// round trip.
// KEYS[1] lease, KEYS[2] inbox, KEYS[3] counts of reads kept by older
// versions, KEYS[4] ready set.
// ARGV[1] worker token, ARGV[2] element as read, ARGV[3] '1' to go on,
// ARGV[4] chat id, ARGV[5] now unix ms, ARGV[6] a token to claim another
// chat with (empty for none), ARGV[7] lease TTL ms, ARGV[8] chatBase,
// ARGV[9] a chat to try first (empty for none; when given, no other is
// looked for), ARGV[10] chats the look at the ready set passes by,
// comma-separated: another ack of this process is claiming them with
// their reads.
// Returns {0} when the lease was lost, {1} when the chat was released,
// {1, element, reads} for the next update the holder goes on with, and
// {1, element, reads, chat id} for the head of another chat now claimed.
var ackNextScript = redis.NewScript(luaHead + `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
local h = redis.call('LRANGE', KEYS[2], 0, 1)
local left = #h
local next = h[1]
if h[1] == ARGV[2] then
  if #h == 1 then
    redis.call('DEL', KEYS[2], KEYS[1], KEYS[3])
    left = -1
  else
    redis.call('LPOP', KEYS[2])
    next = h[2]
    left = 1
  end
end
if left > 0 and ARGV[3] == '1' then
  local head = countRead(KEYS[2], next)
  return {1, head[1], head[2]}
end
if left ~= -1 then
  redis.call('DEL', KEYS[1], KEYS[3])
end
if left <= 0 then
  redis.call('ZREM', KEYS[4], ARGV[4])
else
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
end
if ARGV[6] == '' then return {1} end
local now = tonumber(ARGV[5])
if ARGV[9] ~= '' and ARGV[9] ~= ARGV[4] then
  local head = claimChat(ARGV[8], KEYS[4], ARGV[9], ARGV[6], ARGV[7], now)
  if type(head) ~= 'number' then return {1, head[1], head[2], ARGV[9]} end
  -- Taken already: the other chats this process stored are claimed with
  -- their reads by the next look of the process, not here without them.
  return {1}
end
local skip = {}
for chat in string.gmatch(ARGV[10], '[^,]+') do skip[chat] = true end
for _, chat in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[5], 'LIMIT', '0', '8')) do
  if not skip[chat] then
    local head = claimChat(ARGV[8], KEYS[4], chat, ARGV[6], ARGV[7], now)
    if type(head) ~= 'number' then return {1, head[1], head[2], chat} end
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
	r, err := in.storeClaim(ctx, storeItem{updateID: updateID, chatID: chatID, raw: raw}, now, 0)
	return r.stored, err
}

// storeClaim is store, and with a token it also claims the chat when no
// worker holds it: head is then the update to handle first (not always
// this one: an earlier one may be waiting), with how often it was read.
// it.then, when given, queues reads to run after the script in the same
// round trip; ran says they did.
func (in inbox) storeClaim(ctx context.Context, it storeItem, now time.Time, ttl time.Duration) (stored, error) {
	keys, args := in.ingestArgs(it, now, ttl)
	res, ran := in.runThen(ctx, ingestScript, keys, args, it.then)
	out, err := res.Slice()
	if err != nil {
		return stored{}, fmt.Errorf("store update %d: %w", it.updateID, err)
	}
	return storedFrom(out, ran), nil
}

// storeItem is one update for storeMany, as storeClaim takes it.
type storeItem struct {
	updateID, chatID int64
	raw              []byte
	token            string
	then             func(redis.Pipeliner)
}

// stored is what storing an update did, as storeClaim returns it; dup is
// set for an update stored before.
type stored struct {
	stored, dup bool
	head        *heldUpdate
	ran         bool
}

// storedFrom reads luaIngest's answer for one update.
func storedFrom(res []any, ran bool) stored {
	n, _ := res[0].(int64)
	return stored{stored: n == 1, dup: n == 0, head: heldFrom(res), ran: ran}
}

// storeMany is storeClaim for several updates, in order, and raises the
// offset of polling to top (when not 0), in one step and one round trip.
func (in inbox) storeMany(ctx context.Context, items []storeItem, top int64, now time.Time, ttl time.Duration) ([]stored, error) {
	keys := []string{in.k.ready(), in.k.offset()}
	args := []any{now.UnixMilli(), seenTTL.Milliseconds(), ttl.Milliseconds(), top, offsetTTL.Milliseconds()}
	var thens []func(redis.Pipeliner)
	for _, it := range items {
		keys = append(keys, in.k.seen(it.updateID), in.k.inbox(it.chatID), in.k.lease(it.chatID))
		args = append(args, it.raw, it.chatID, it.token)
		if it.then != nil {
			thens = append(thens, it.then)
		}
	}
	var then func(redis.Pipeliner)
	if len(thens) > 0 {
		then = func(p redis.Pipeliner) {
			for _, f := range thens {
				f(p)
			}
		}
	}
	cmd, ran := in.runThen(ctx, batchScript, keys, args, then)
	res, err := cmd.Slice()
	if err != nil {
		return nil, fmt.Errorf("store %d updates: %w", len(items), err)
	}
	out := make([]stored, len(items))
	for i := range items {
		r, _ := res[i].([]any)
		if len(r) == 0 {
			return nil, fmt.Errorf("store %d updates: answer %d is %v", len(items), i, res[i])
		}
		out[i] = storedFrom(r, ran)
	}
	return out, nil
}

// runThen runs script as replicas.runThen does.
func (in inbox) runThen(ctx context.Context, script *redis.Script, keys []string, args []any,
	then func(redis.Pipeliner)) (*redis.Cmd, bool) {
	return in.rep.runThen(ctx, in.rdb, script, keys, args, then)
}

// ingestArgs are the keys and arguments of ingestScript for it.
func (in inbox) ingestArgs(it storeItem, now time.Time, ttl time.Duration) ([]string, []any) {
	return []string{in.k.seen(it.updateID), in.k.inbox(it.chatID), in.k.ready(), in.k.lease(it.chatID)},
		[]any{it.raw, it.chatID, now.UnixMilli(), seenTTL.Milliseconds(), it.token, ttl.Milliseconds()}
}

// heldUpdate is the head of a chat's inbox, read by the lease holder.
type heldUpdate struct {
	raw []byte
	// ahead is the update as this process stored it, and what its answer
	// reads first, read with the claim; nil when not read ahead.
	ahead *aheadUpdate
	// elem is the update as the inbox holds it now, with its count of
	// reads: what the ack compares the head with.
	elem  string
	tries int
	// chat and claimed are set by ackNext: the chat the update is from,
	// and whether that chat was claimed anew (with the next token) rather
	// than held on.
	chat    int64
	claimed bool
}

// heldFrom reads {status, element, reads} from a script; nil without a head.
func heldFrom(res []any) *heldUpdate {
	if len(res) != 3 {
		return nil
	}
	elem, _ := res[1].(string)
	n, _ := res[2].(int64)
	return &heldUpdate{raw: []byte(updateOf(elem)), elem: elem, tries: int(n)}
}

// updateOf is the raw update of an inbox element, without its count of
// reads (luaHead).
func updateOf(elem string) string {
	count, raw, ok := strings.Cut(elem, "|")
	if !ok || count == "" || len(count) > 7 || strings.Trim(count, "0123456789") != "" {
		return elem
	}
	return raw
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
	held, _, _, err := in.claimHead(ctx, chatID, token, ttl, now, nil)
	return held, err
}

// claimHead takes the chat's lease for token and reads the head of its
// inbox: held is false when another worker has the chat, head nil when
// the inbox is empty.
func (in inbox) claimHead(ctx context.Context, chatID int64, token string, ttl time.Duration, now time.Time,
	then func(redis.Pipeliner)) (held bool, head *heldUpdate, ran bool, err error) {
	cmd, ran := in.runThen(ctx, claimHeadScript, []string{in.k.ready(), in.k.lease(chatID), in.k.inbox(chatID)},
		[]any{token, ttl.Milliseconds(), chatID, now.UnixMilli(), in.k.chatBase()}, then)
	res, err := cmd.Slice()
	if err != nil {
		return false, nil, false, fmt.Errorf("claim chat %d: %w", chatID, err)
	}
	n, _ := res[0].(int64)
	return n == 1, heldFrom(res), ran, nil
}

// ackNext removes a handled update and, when more is true, reads the next
// one; otherwise, or when there is none, it releases the chat and, with a
// token, claims a chat due: prefer first when it is not 0, else the chat
// due first. held is false when the lease was lost meanwhile; next is nil
// when nothing more is held, and next.chat is the chat next is from. then
// and ran are as for runThen.
func (in inbox) ackNext(ctx context.Context, chatID int64, token string, elem string, more bool, now time.Time,
	nextToken string, ttl time.Duration, prefer int64, passBy string, then func(redis.Pipeliner)) (held bool, next *heldUpdate, ran bool, err error) {
	goOn := "0"
	if more {
		goOn = "1"
	}
	preferred := ""
	if prefer != 0 {
		preferred = strconv.FormatInt(prefer, 10)
	}
	cmd, ran := in.runThen(ctx, ackNextScript, []string{in.k.lease(chatID), in.k.inbox(chatID), in.k.tries(chatID), in.k.ready()},
		[]any{token, elem, goOn, chatID, now.UnixMilli(), nextToken, ttl.Milliseconds(), in.k.chatBase(), preferred, passBy}, then)
	res, err := cmd.Slice()
	if err != nil {
		return false, nil, false, fmt.Errorf("ack update of chat %d: %w", chatID, err)
	}
	n, _ := res[0].(int64)
	next = heldFrom(res[:min(len(res), 3)])
	if next != nil {
		next.chat = chatID
		if len(res) == 4 {
			next.claimed = true
			s, _ := res[3].(string)
			if next.chat, err = strconv.ParseInt(s, 10, 64); err != nil {
				return n == 1, nil, ran, fmt.Errorf("ready set holds %q: %w", s, err)
			}
		}
	}
	return n == 1, next, ran, nil
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

// head returns the oldest pending update of the chat, counting the read;
// nil when none.
func (in inbox) head(ctx context.Context, chatID int64) (raw []byte, tries int, err error) {
	res, err := headScript.Run(ctx, in.rdb, []string{in.k.inbox(chatID)}).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("read inbox of chat %d: %w", chatID, err)
	}
	if len(res) != 2 {
		return nil, 0, nil
	}
	s, _ := res[0].(string)
	n, _ := res[1].(int64)
	return []byte(updateOf(s)), int(n), nil
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
