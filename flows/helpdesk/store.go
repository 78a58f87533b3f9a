package helpdesk

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// A thread is what a mother (or a family) and her social workers wrote
// each other about one matter, until a staff member marks it done. A
// writer has at most one thread not done, her current one: what she
// writes goes there. Its place is "w.n", her user id and its number; the
// world knows it by its public id.
type thread struct {
	Writer int64
	N      string
	// Pub is its public id, in buttons and jobs (keys.public).
	Pub string
	Org string
	// Role is the writer's role when it started: mother or family.
	Role string
	// Status is statusWaiting (her message is the last), statusAnswered
	// or statusDone.
	Status  string
	Created time.Time
	Last    time.Time
	// Count is how many messages were written in it; the oldest beyond
	// maxMessages are no longer kept.
	Count int
	// DoneBy is the staff member who marked it done; 0 when not done or
	// when they left.
	DoneBy int64
}

const (
	statusWaiting  = "w"
	statusAnswered = "a"
	statusDone     = "d"
)

// ref is the thread's place, in its organisation's lists.
func (t thread) ref() string { return threadRef(t.Writer, t.N) }

func threadRef(w int64, n string) string { return strconv.FormatInt(w, 10) + "." + n }

// parseRef reads "w.n"; ok is false for anything else.
func parseRef(id string) (w int64, n string, ok bool) {
	ws, n, found := strings.Cut(id, ".")
	w, err := strconv.ParseInt(ws, 10, 64)
	if !found || err != nil || w <= 0 {
		return 0, "", false
	}
	if v, err := strconv.Atoi(n); err != nil || v <= 0 || strconv.Itoa(v) != n {
		return 0, "", false
	}
	return w, n, true
}

// entry is one message of a thread.
type entry struct {
	// By is who wrote it; 0 once a staff member who wrote it left.
	By int64 `json:"b"`
	// Staff is true for an answer of the service.
	Staff bool   `json:"s,omitempty"`
	Text  string `json:"t,omitempty"`
	// Voice is the Telegram file id of a voice message; Nido forwards it
	// by id and never downloads it.
	Voice string `json:"v,omitempty"`
	At    int64  `json:"a"`
}

func (m entry) at(loc *time.Location) time.Time { return time.Unix(m.At, 0).In(loc) }

const (
	// maxMessages is how many messages of a thread are kept: a helpdesk
	// thread is short; an endless one keeps its last ones.
	maxMessages = 200
	// keep is how long a writer's threads are kept after the last message
	// in any of them.
	keep = 365 * 24 * time.Hour
	// updateMemory is how long the update a message came from is
	// remembered: long enough for every retry of that update.
	updateMemory = 2 * 24 * time.Hour
)

// store keeps the threads.
type store struct {
	rdb redis.UniversalClient
	k   keys
	loc *time.Location
}

// errGone means the thread is not there (erased, expired, never was).
var errGone = errors.New("helpdesk: no such thread")

// appendScript adds one message to a writer's thread and returns "n.m":
// the thread's number and the message's. KEYS: the writer's base key
// (keys.writer), her updates, current thread, counter and pending
// messages; a thread's keys are built from the base, which carries her
// hash tag, so that they are in the same slot. ARGV: what the message came
// from ("" for nothing to remember), entry JSON, now (unix), org, role,
// thread number ("" for her current one, opened when there is none),
// status after it, staff id ("" for the writer), maxMessages, keep
// seconds, updateMemory seconds, the public id of a thread it opens, the
// kind of delivery ("f" to staff, "a" to her). What was already appended
// returns what it became; a named thread that is gone returns false.
var appendScript = redis.NewScript(`
local base, upd = KEYS[1], ARGV[1]
if upd ~= '' then
  local seen = redis.call('HGET', KEYS[2], upd)
  if seen then return seen end
end
local n = ARGV[6]
if n == '' then
  n = redis.call('GET', KEYS[3])
  if not n or redis.call('EXISTS', base .. ':t:' .. n) == 0 then
    n = tostring(redis.call('INCR', KEYS[4]))
    redis.call('HSET', base .. ':t:' .. n, 'org', ARGV[4], 'role', ARGV[5], 'created', ARGV[3], 'count', 0, 'pub', ARGV[12])
  end
  redis.call('SET', KEYS[3], n)
elseif redis.call('EXISTS', base .. ':t:' .. n) == 0 then
  return false
elseif redis.call('HGET', base .. ':t:' .. n, 'status') == 'd' then
  -- Written to again: it is open again, and hers when she has no other.
  redis.call('HDEL', base .. ':t:' .. n, 'done_by')
  if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SET', KEYS[3], n) end
end
local t = base .. ':t:' .. n
local m = redis.call('HINCRBY', t, 'count', 1)
redis.call('HSET', t .. ':m', m, ARGV[2])
local max = tonumber(ARGV[9])
if m > max then redis.call('HDEL', t .. ':m', m - max) end
redis.call('HSET', t, 'status', ARGV[7], 'last', ARGV[3])
if ARGV[8] ~= '' then redis.call('SADD', t .. ':s', ARGV[8]) end
local ret = n .. '.' .. m
redis.call('SADD', KEYS[5], ret .. ':' .. ARGV[13])
local ttl = tonumber(ARGV[10])
for _, key in ipairs({t, t .. ':m', t .. ':s', KEYS[3], KEYS[4], KEYS[5]}) do redis.call('EXPIRE', key, ttl) end
if upd ~= '' then
  redis.call('HSET', KEYS[2], upd, ret)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[11]))
end
return ret
`)

// Kinds of delivery, in the pending set.
const (
	toStaff  = "f"
	toWriter = "a"
)

// written is where one message went: its thread and its number in it.
type written struct {
	Thread thread
	M      int
}

// add appends m to the writer's thread n ("" for her current one, opened
// when she has none), marks it to deliver and files the thread in its
// organisation's list. from names what it came from (an update, a draft;
// "" for nothing): the same from again adds nothing and returns the same
// place.
func (st store) add(ctx context.Context, w int64, n string, org, role, from string, m entry) (written, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return written{}, err
	}
	staff, status, kind := "", statusWaiting, toStaff
	if m.Staff {
		staff, status, kind = strconv.FormatInt(m.By, 10), statusAnswered, toWriter
	}
	res, err := appendScript.Run(ctx, st.rdb,
		[]string{st.k.writer(w), st.k.updates(w), st.k.cur(w), st.k.seq(w), st.k.pending(w)},
		from, raw, m.At, org, role, n, status, staff,
		maxMessages, int64(keep.Seconds()), int64(updateMemory.Seconds()), rand.Text()[:12], kind).Text()
	if errors.Is(err, redis.Nil) {
		return written{}, errGone
	}
	if err != nil {
		return written{}, flows.Wrap("add to thread", err)
	}
	tn, ms, _ := strings.Cut(res, ".")
	mi, _ := strconv.Atoi(ms)
	t, err := st.thread(ctx, w, tn)
	if err != nil {
		return written{}, err
	}
	// Filed after the script, in another slot: a repeat files it again,
	// the same way.
	if err := st.file(ctx, t); err != nil {
		return written{}, err
	}
	return written{Thread: t, M: mi}, nil
}

// file puts t in its organisation's list, drops from it what is older
// than keep, and keeps t's public id as long as the thread.
func (st store) file(ctx context.Context, t thread) error {
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, st.k.public(t.Pub), t.ref(), keep)
		p.ZAdd(ctx, st.k.threads(t.Org), redis.Z{Score: float64(t.Last.Unix()), Member: t.ref()})
		p.ZRemRangeByScore(ctx, st.k.threads(t.Org), "-inf", "("+strconv.FormatInt(t.Last.Add(-keep).Unix(), 10))
		return nil
	})
	return flows.Wrap("file thread", err)
}

// pendingOf lists the writer's messages stored and not yet delivered, as
// the places and kinds of delivery written.
func (st store) pendingOf(ctx context.Context, w int64) ([]pendingMessage, error) {
	var pend *redis.StringSliceCmd
	var sched *redis.StringSliceCmd
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		pend = p.SMembers(ctx, st.k.pending(w))
		sched = p.ZRange(ctx, st.k.scheduled(w), 0, -1)
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("pending messages", err)
	}
	return parsePending(append(pend.Val(), sched.Val()...)), nil
}

func parsePending(ms []string) []pendingMessage {
	var out []pendingMessage
	for _, m := range ms {
		place, kind, _ := strings.Cut(m, ":")
		n, mi, _ := strings.Cut(place, ".")
		i, err := strconv.Atoi(mi)
		if err != nil || (kind != toStaff && kind != toWriter) || slices.Contains(out, pendingMessage{N: n, M: i, Kind: kind}) {
			continue
		}
		out = append(out, pendingMessage{N: n, M: i, Kind: kind})
	}
	return out
}

// reclaimAfter is how long a message a job was scheduled for waits before
// the sweep schedules another: longer than a job's retries take.
const reclaimAfter = 30 * time.Minute

// claimScript takes the messages of a writer to schedule: every one
// pending, and those scheduled before ARGV[2] (a job lost). Each is
// taken by one caller only. KEYS: pending, scheduled. ARGV: now, the
// oldest scheduling left alone (unix seconds), keep seconds.
var claimScript = redis.NewScript(`
local out = redis.call('SMEMBERS', KEYS[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
for _, m in ipairs(old) do table.insert(out, m) end
for _, m in ipairs(out) do
  redis.call('SREM', KEYS[1], m)
  redis.call('ZADD', KEYS[2], ARGV[1], m)
end
if #out > 0 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
return out
`)

// claim takes the messages of writer w to schedule now.
func (st store) claim(ctx context.Context, w int64, now time.Time) ([]pendingMessage, error) {
	ms, err := claimScript.Run(ctx, st.rdb, []string{st.k.pending(w), st.k.scheduled(w)},
		now.Unix(), now.Add(-reclaimAfter).Unix(), int64(keep.Seconds())).StringSlice()
	if err != nil {
		return nil, flows.Wrap("claim messages", err)
	}
	return parsePending(ms), nil
}

// pendingMessage is a message stored and not yet delivered.
type pendingMessage struct {
	N    string
	M    int
	Kind string
}

func (p pendingMessage) member() string { return p.N + "." + strconv.Itoa(p.M) + ":" + p.Kind }

// delivered forgets message m of t as pending: its job has done its work.
func (st store) delivered(ctx context.Context, t thread, m int, kind string) error {
	member := pendingMessage{N: t.N, M: m, Kind: kind}.member()
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, st.k.scheduled(t.Writer), member)
		p.SRem(ctx, st.k.pending(t.Writer), member)
		return nil
	})
	return flows.Wrap("mark delivered", err)
}

// doneScript marks thread KEYS[1] done by ARGV[1] and forgets it as the
// writer's current one (KEYS[2]) when it is. Returns 1 when it did, 0 when
// it was done already, -1 when the thread is gone.
var doneScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') == 'd' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'd', 'done_by', ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1
`)

// done marks the thread done by staff; changed is false when it already was.
func (st store) done(ctx context.Context, w int64, n string, by int64) (changed bool, t thread, err error) {
	r, err := doneScript.Run(ctx, st.rdb, []string{st.k.thread(w, n), st.k.cur(w)}, by, n).Int()
	if err != nil {
		return false, thread{}, flows.Wrap("mark thread done", err)
	}
	if r < 0 {
		return false, thread{}, errGone
	}
	if t, err = st.thread(ctx, w, n); err != nil {
		return false, thread{}, err
	}
	return r == 1, t, st.file(ctx, t)
}

// thread loads thread n of writer w; errGone when it is not there.
func (st store) thread(ctx context.Context, w int64, n string) (thread, error) {
	h, err := st.rdb.HGetAll(ctx, st.k.thread(w, n)).Result()
	if err != nil {
		return thread{}, flows.Wrap("load thread", err)
	}
	t, ok := st.threadFrom(w, n, h)
	if !ok {
		return thread{}, errGone
	}
	return t, nil
}

func (st store) threadFrom(w int64, n string, h map[string]string) (thread, bool) {
	if len(h) == 0 || h["org"] == "" || h["pub"] == "" {
		return thread{}, false
	}
	count, _ := strconv.Atoi(h["count"])
	doneBy, _ := strconv.ParseInt(h["done_by"], 10, 64)
	return thread{Writer: w, N: n, Pub: h["pub"], Org: h["org"], Role: h["role"], Status: h["status"],
		Created: flows.UnixTime(h["created"]).In(st.loc), Last: flows.UnixTime(h["last"]).In(st.loc), Count: count, DoneBy: doneBy}, true
}

// byPublic loads the thread a public id names; errGone when there is none.
func (st store) byPublic(ctx context.Context, id string) (thread, error) {
	if id == "" || len(id) > 16 {
		return thread{}, errGone
	}
	ref, err := st.rdb.Get(ctx, st.k.public(id)).Result()
	if errors.Is(err, redis.Nil) {
		return thread{}, errGone
	}
	if err != nil {
		return thread{}, flows.Wrap("find thread", err)
	}
	w, n, ok := parseRef(ref)
	if !ok {
		return thread{}, errGone
	}
	t, err := st.thread(ctx, w, n)
	if err == nil && t.Pub != id {
		return thread{}, errGone
	}
	return t, err
}

// posted reports whether what from names (a draft) became a message of
// writer w, within updateMemory.
func (st store) posted(ctx context.Context, w int64, from string) (bool, error) {
	ok, err := st.rdb.HExists(ctx, st.k.updates(w), from+":0").Result()
	return ok, flows.Wrap("was it sent", err)
}

// current is the writer's thread not done; ok is false when she has none.
func (st store) current(ctx context.Context, w int64) (thread, bool, error) {
	n, err := st.rdb.Get(ctx, st.k.cur(w)).Result()
	if errors.Is(err, redis.Nil) {
		return thread{}, false, nil
	}
	if err != nil {
		return thread{}, false, flows.Wrap("current thread", err)
	}
	t, err := st.thread(ctx, w, n)
	if errors.Is(err, errGone) {
		return thread{}, false, nil
	}
	return t, err == nil, err
}

// message loads message m of a thread; ok is false when it is no longer kept.
func (st store) message(ctx context.Context, t thread, m int) (entry, bool, error) {
	raw, err := st.rdb.HGet(ctx, st.k.messages(t.Writer, t.N), strconv.Itoa(m)).Result()
	if errors.Is(err, redis.Nil) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, flows.Wrap("load message", err)
	}
	var e entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return entry{}, false, fmt.Errorf("read message %s/%d: %w", t.Pub, m, err)
	}
	return e, true, nil
}

// last loads up to n of the thread's latest messages, oldest first.
func (st store) last(ctx context.Context, t thread, n int) ([]entry, error) {
	first := max(1, t.Count-n+1, t.Count-maxMessages+1)
	if first > t.Count {
		return nil, nil
	}
	fields := make([]string, 0, t.Count-first+1)
	for i := first; i <= t.Count; i++ {
		fields = append(fields, strconv.Itoa(i))
	}
	vals, err := st.rdb.HMGet(ctx, st.k.messages(t.Writer, t.N), fields...).Result()
	if err != nil {
		return nil, flows.Wrap("load messages", err)
	}
	var out []entry
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var e entry
		if json.Unmarshal([]byte(s), &e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// latest loads the last message of each of ts in one round trip; a
// thread whose last message is not kept has none (nil).
func (st store) latest(ctx context.Context, ts []thread) ([][]entry, error) {
	cmds := make([]*redis.StringCmd, len(ts))
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, t := range ts {
			cmds[i] = p.HGet(ctx, st.k.messages(t.Writer, t.N), strconv.Itoa(t.Count))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, flows.Wrap("load last messages", err)
	}
	out := make([][]entry, len(ts))
	for i, c := range cmds {
		var e entry
		if c.Err() == nil && json.Unmarshal([]byte(c.Val()), &e) == nil {
			out[i] = []entry{e}
		}
	}
	return out, nil
}

// staffIn lists the staff who answered in t.
func (st store) staffIn(ctx context.Context, t thread) ([]int64, error) {
	ms, err := st.rdb.SMembers(ctx, st.k.staffIn(t.Writer, t.N)).Result()
	if err != nil {
		return nil, flows.Wrap("staff of thread", err)
	}
	var ids []int64
	for _, m := range ms {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil && id != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// inOrg loads the threads of an organisation, latest first: those not
// done when open, all otherwise. Those gone are pruned from its list.
func (st store) inOrg(ctx context.Context, org string, open bool) ([]thread, error) {
	index := st.k.threads(org)
	ids, err := st.rdb.ZRevRange(ctx, index, 0, -1).Result()
	if err != nil {
		return nil, flows.Wrap("list threads", err)
	}
	type ref struct {
		w int64
		n string
	}
	var refs []ref
	cmds := make([]*redis.MapStringStringCmd, 0, len(ids))
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			w, n, ok := parseRef(id)
			if !ok {
				continue
			}
			refs = append(refs, ref{w, n})
			cmds = append(cmds, p.HGetAll(ctx, st.k.thread(w, n)))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load threads", err)
	}
	var ts []thread
	var gone []any
	for i, c := range cmds {
		t, ok := st.threadFrom(refs[i].w, refs[i].n, c.Val())
		switch {
		case !ok:
			gone = append(gone, threadRef(refs[i].w, refs[i].n))
		case !open || t.Status != statusDone:
			ts = append(ts, t)
		}
	}
	if len(gone) > 0 {
		if err := st.rdb.ZRem(ctx, index, gone...).Err(); err != nil {
			return nil, flows.Wrap("prune threads", err)
		}
	}
	return ts, nil
}

// mine lists every thread of a writer, oldest first.
func (st store) mine(ctx context.Context, w int64) ([]thread, error) {
	seq, err := st.rdb.Get(ctx, st.k.seq(w)).Int()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, flows.Wrap("threads of writer", err)
	}
	cmds := make([]*redis.MapStringStringCmd, seq)
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range seq {
			cmds[i] = p.HGetAll(ctx, st.k.thread(w, strconv.Itoa(i+1)))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load threads of writer", err)
	}
	var ts []thread
	for i, c := range cmds {
		if t, ok := st.threadFrom(w, strconv.Itoa(i+1), c.Val()); ok {
			ts = append(ts, t)
		}
	}
	return ts, nil
}

// erase removes every thread of writer w and her place in the lists of
// the organisations they were filed in.
func (st store) erase(ctx context.Context, w int64) error {
	ts, err := st.mine(ctx, w)
	if err != nil {
		return err
	}
	seq, err := st.rdb.Get(ctx, st.k.seq(w)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return flows.Wrap("threads of writer", err)
	}
	// Lists first: a thread still listed but gone is pruned when read, a
	// thread kept but not listed would be found by nobody.
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, t := range ts {
			p.ZRem(ctx, st.k.threads(t.Org), t.ref())
			p.Del(ctx, st.k.public(t.Pub))
		}
		return nil
	})
	if err != nil {
		return flows.Wrap("unlist threads", err)
	}
	del := []string{st.k.seq(w), st.k.cur(w), st.k.updates(w), st.k.pending(w), st.k.scheduled(w)}
	for i := 1; i <= seq; i++ {
		n := strconv.Itoa(i)
		del = append(del, st.k.thread(w, n), st.k.messages(w, n), st.k.staffIn(w, n))
	}
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range del {
			p.Del(ctx, k)
		}
		return nil
	})
	return flows.Wrap("erase threads", err)
}

// forgetScript turns a staff member into 0 in one thread, unless the
// thread is gone meanwhile (erased, expired): it must not come back.
// KEYS: the thread, its messages, its staff. ARGV: the staff member's id,
// then pairs of message number and its entry rewritten; a message no
// longer kept is left alone.
var forgetScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[1], 'done_by') == ARGV[1] then redis.call('HSET', KEYS[1], 'done_by', 0) end
return 1
`)

// forget turns staff member author into 0 in every thread of org: their
// messages stay the organisation's, by "someone who left".
func (st store) forget(ctx context.Context, org string, author int64) error {
	ts, err := st.inOrg(ctx, org, false)
	if err != nil {
		return err
	}
	for _, t := range ts {
		h, err := st.rdb.HGetAll(ctx, st.k.messages(t.Writer, t.N)).Result()
		if err != nil {
			return flows.Wrap("load messages", err)
		}
		args := []any{author}
		for f, raw := range h {
			var m entry
			if json.Unmarshal([]byte(raw), &m) != nil || !m.Staff || m.By != author {
				continue
			}
			m.By = 0
			b, err := json.Marshal(m)
			if err != nil {
				return err
			}
			args = append(args, f, b)
		}
		keys := []string{st.k.thread(t.Writer, t.N), st.k.messages(t.Writer, t.N), st.k.staffIn(t.Writer, t.N)}
		if err := forgetScript.Run(ctx, st.rdb, keys, args...).Err(); err != nil {
			return flows.Wrap("forget author", err)
		}
	}
	return nil
}
