package broadcast

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Broadcast is one message from staff (or an administrator) to many.
type Broadcast struct {
	ID string
	// Org is the sender's organisation; "" for an administrator's.
	Org string
	By  int64
	// Lang is the sender's language, for the report.
	Lang string
	Audience
	// Text is the sender's own words, sent as typed.
	Text string
	// Event is the workshop's time, zero when there is none; Place is where.
	Event time.Time
	Place string
	// SendAt is when delivery starts.
	SendAt  time.Time
	Status  string
	Created time.Time
	// Report is the id of the message in the sender's chat that shows the
	// figures; 0 before there is one.
	Report int
	// Figures.
	Total, Sent, Skipped, Blocked, Failed, Yes, No int
}

// Audience is who a broadcast is for.
type Audience struct {
	// Who is whoMothers, whoFamilies, whoEveryone or whoGroup.
	Who string
	// Group is the mutual-aid group, for whoGroup.
	Group string
	// Orgs are the organisations reached: the sender's own for staff;
	// for an administrator, chosen ones, or nil for the whole network.
	Orgs []string
}

// Who a broadcast is for.
const (
	whoMothers  = "m"
	whoFamilies = "f"
	whoEveryone = "e"
	whoGroup    = "g"
)

// A broadcast's status.
const (
	statusScheduled = "scheduled"
	statusSending   = "sending"
	statusDone      = "done"
	statusCancelled = "cancelled"
)

// What became of one recipient's copy: the fields of the record counting
// them are the same letters.
const (
	outcomeSent    = "sent"
	outcomeSkipped = "skipped"
	outcomeBlocked = "blocked"
	outcomeFailed  = "failed"
)

// An answer to a broadcast's event.
const (
	answerYes = "yes"
	answerNo  = "no"
)

// retention is how long a broadcast is kept after it was sent or
// cancelled: its figures for /broadcasts, its recipients and answers for
// the replies that come late. Then Redis forgets it.
const retention = 180 * 24 * time.Hour

type store struct {
	rdb redis.UniversalClient
	k   keys
	// loc is the network's time zone, in which times are read back.
	loc *time.Location
}

func (st store) newID(ctx context.Context) (string, error) {
	n, err := st.rdb.Incr(ctx, st.k.seq()).Result()
	if err != nil {
		return "", flows.Wrap("broadcast id", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// saveScript writes a new broadcast unless its id is taken (Send pressed twice).
// KEYS[1] record. ARGV[1] ttl s, ARGV[2..] field, value...
var saveScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`)

// save writes a new broadcast, scheduled, and indexes it; saved is false
// when its id was saved before. ttl is how long from now it is kept even
// if it never starts (until its time, then retention).
func (st store) save(ctx context.Context, b Broadcast, ttl time.Duration) (saved bool, err error) {
	args := []any{int64(ttl.Seconds()),
		"org", b.Org, "by", b.By, "lang", b.Lang, "who", b.Who, "group", b.Group,
		"orgs", strings.Join(b.Orgs, ","), "text", b.Text, "place", b.Place,
		"send_at", b.SendAt.Unix(), "status", statusScheduled, "created", b.Created.Unix()}
	if !b.Event.IsZero() {
		args = append(args, "event", b.Event.Unix())
	}
	n, err := saveScript.Run(ctx, st.rdb, []string{st.k.record(b.ID)}, args...).Int()
	if err != nil {
		return false, flows.Wrap("save broadcast", err)
	}
	// The indexes are in other slots on a Cluster: written after, again
	// when saved before (an index write that failed then is made now), and
	// a listing skips an id whose record is missing.
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		z := redis.Z{Score: float64(b.Created.Unix()), Member: b.ID}
		if b.Org != "" {
			p.ZAdd(ctx, st.k.orgIndex(b.Org), z)
		}
		p.ZAdd(ctx, st.k.allIndex(), z)
		return nil
	})
	return n == 1, flows.Wrap("index broadcast", err)
}

// get loads a broadcast; ok is false when there is none (never, or expired).
func (st store) get(ctx context.Context, id string) (Broadcast, bool, error) {
	if !isID(id) {
		return Broadcast{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.record(id)).Result()
	if err != nil {
		return Broadcast{}, false, flows.Wrap("load broadcast", err)
	}
	b, ok := st.fromHash(id, h)
	return b, ok, nil
}

func (st store) fromHash(id string, h map[string]string) (Broadcast, bool) {
	if h["status"] == "" {
		return Broadcast{}, false
	}
	num := func(f string) int { n, _ := strconv.Atoi(h[f]); return n }
	by, _ := strconv.ParseInt(h["by"], 10, 64)
	b := Broadcast{ID: id, Org: h["org"], By: by, Lang: h["lang"], Text: h["text"], Place: h["place"],
		Audience: Audience{Who: h["who"], Group: h["group"]},
		Event:    st.timeOf(h["event"]), SendAt: st.timeOf(h["send_at"]), Status: h["status"],
		Created: st.timeOf(h["created"]), Report: num("report"),
		Total: num("total"), Sent: num(outcomeSent), Skipped: num(outcomeSkipped), Blocked: num(outcomeBlocked),
		Failed: num(outcomeFailed), Yes: num(answerYes), No: num(answerNo)}
	if h["orgs"] != "" {
		b.Orgs = strings.Split(h["orgs"], ",")
	}
	return b, true
}

// timeOf reads stored unix seconds in the network's time zone; zero for none.
func (st store) timeOf(s string) time.Time {
	t := flows.UnixTime(s)
	if t.IsZero() {
		return t
	}
	return t.In(st.loc)
}

// ids lists every broadcast id of an index, after pruning those made so
// long ago (at now) that their records have expired.
func (st store) ids(ctx context.Context, index string, now time.Time) ([]string, error) {
	old := now.Add(-retention - flows.MaxAhead - 30*24*time.Hour).Unix()
	if err := st.rdb.ZRemRangeByScore(ctx, index, "-inf", strconv.FormatInt(old, 10)).Err(); err != nil {
		return nil, flows.Wrap("prune broadcasts", err)
	}
	ids, err := st.rdb.ZRange(ctx, index, 0, -1).Result()
	return ids, flows.Wrap("list broadcasts", err)
}

// list loads the newest broadcasts of an index, at most n, pruning the ids
// whose record expired.
func (st store) list(ctx context.Context, index string, n int) ([]Broadcast, error) {
	ids, err := st.rdb.ZRevRange(ctx, index, 0, int64(n)*2).Result()
	if err != nil {
		return nil, flows.Wrap("list broadcasts", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, st.k.record(id))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load broadcasts", err)
	}
	var out []Broadcast
	var gone []any
	for i, id := range ids {
		b, ok := st.fromHash(id, cmds[i].Val())
		if !ok {
			gone = append(gone, id)
			continue
		}
		if len(out) < n {
			out = append(out, b)
		}
	}
	if len(gone) > 0 {
		if err := st.rdb.ZRem(ctx, index, gone...).Err(); err != nil {
			return nil, flows.Wrap("prune broadcasts", err)
		}
	}
	return out, nil
}

// setReport remembers the message showing a broadcast's figures.
func (st store) setReport(ctx context.Context, id string, msg int) error {
	return flows.Wrap("broadcast report", st.rdb.Eval(ctx, `if redis.call('EXISTS', KEYS[1]) == 1 then
redis.call('HSET', KEYS[1], 'report', ARGV[1]) end return 1`, []string{st.k.record(id)}, msg).Err())
}

// cancelScript cancels a broadcast that has not started.
// KEYS[1] record. ARGV[1] retention s. Returns 1 when cancelled.
var cancelScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'scheduled' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`)

// cancel cancels b if it has not started; false when it had.
func (st store) cancel(ctx context.Context, id string) (bool, error) {
	n, err := cancelScript.Run(ctx, st.rdb, []string{st.k.record(id)}, int64(retention.Seconds())).Int()
	return n == 1, flows.Wrap("cancel broadcast", err)
}

// startScript moves a scheduled broadcast to sending and fixes its
// recipients; a broadcast already sending keeps the recipients it has.
// KEYS[1] record, KEYS[2] recipients. ARGV[1] ttl s, ARGV[2..] recipients.
// Returns the status it found.
var startScript = redis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'scheduled' then return status or '' end
redis.call('HSET', KEYS[1], 'status', 'sending', 'total', #ARGV - 1)
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 5000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
if #ARGV > 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return 'scheduled'`)

// start fixes b's recipients and marks it sending. It returns the status
// b had: statusScheduled when this call started it.
func (st store) start(ctx context.Context, id string, to []int64, ttl time.Duration) (string, error) {
	args := make([]any, 0, len(to)+1)
	args = append(args, int64(ttl.Seconds()))
	for _, u := range to {
		args = append(args, u)
	}
	status, err := startScript.Run(ctx, st.rdb, []string{st.k.record(id), st.k.recipients(id)}, args...).Text()
	return status, flows.Wrap("start broadcast", err)
}

// outcomeScript records what became of the copy at one place of the list
// of recipients, once. Outcomes are kept by place, not by person: the list
// is the one record naming the recipients, and erasure takes a person out
// of it. A copy found for someone no longer there (erased meanwhile) is
// counted as skipped, and her place in the list cleared.
// KEYS[1] record, KEYS[2] recipients, KEYS[3] outcomes.
// ARGV[1] place, ARGV[2] user, ARGV[3] outcome, ARGV[4] ttl s, ARGV[5] '1' to clear the place.
var outcomeScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
redis.call('EXPIRE', KEYS[3], ARGV[4])
if ARGV[5] == '1' and redis.call('LINDEX', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('LSET', KEYS[2], ARGV[1], '0')
end
return 1`)

// recordOutcome records the outcome of the copy at place, for user; gone
// clears the place (a person erased, or erasing).
func (st store) recordOutcome(ctx context.Context, id string, place int64, user int64, outcome string, gone bool, ttl time.Duration) error {
	clear := "0"
	if gone {
		clear = "1"
	}
	err := outcomeScript.Run(ctx, st.rdb, []string{st.k.record(id), st.k.recipients(id), st.k.outcome(id)},
		place, user, outcome, int64(ttl.Seconds()), clear).Err()
	return flows.Wrap("broadcast outcome", err)
}

// tried counts one more failed try at the copy at place, and returns the count.
func (st store) tried(ctx context.Context, id string, place int64, ttl time.Duration) (int64, error) {
	var n *redis.IntCmd
	_, err := st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.HIncrBy(ctx, st.k.tries(id), strconv.FormatInt(place, 10), 1)
		p.Expire(ctx, st.k.tries(id), ttl)
		return nil
	})
	if err != nil {
		return 0, flows.Wrap("broadcast tries", err)
	}
	return n.Val(), nil
}

// recipient is one place of the list of recipients.
type recipient struct {
	place int64
	user  int64
}

// pending reads at most n places of the list of recipients from place from
// on: how many it read (0 at the end of the list), and the recipients
// among them with no outcome yet.
func (st store) pending(ctx context.Context, id string, from, n int64) (read int, todo []recipient, err error) {
	raw, err := st.rdb.LRange(ctx, st.k.recipients(id), from, from+n-1).Result()
	if err != nil || len(raw) == 0 {
		return 0, nil, flows.Wrap("broadcast recipients", err)
	}
	places := make([]string, len(raw))
	for i := range raw {
		places[i] = strconv.FormatInt(from+int64(i), 10)
	}
	done, err := st.rdb.HMGet(ctx, st.k.outcome(id), places...).Result()
	if err != nil {
		return 0, nil, flows.Wrap("broadcast outcomes", err)
	}
	for i, s := range raw {
		u, err := strconv.ParseInt(s, 10, 64)
		if err != nil || u == 0 {
			continue // someone who erased their data
		}
		if done[i] == nil {
			todo = append(todo, recipient{place: from + int64(i), user: u})
		}
	}
	return len(raw), todo, nil
}

// outcomeUnderWay is the outcome of a recipient whose copy is not recorded
// yet: on its way, or Telegram accepted it a moment before the record.
const outcomeUnderWay = "under way"

// outcomeOf is what became of user's copy: outcomeUnderWay while nothing
// is recorded, "" when she was not among the recipients (or the delivery
// has not started).
func (st store) outcomeOf(ctx context.Context, id string, user int64) (string, error) {
	place, err := st.rdb.LPos(ctx, st.k.recipients(id), strconv.FormatInt(user, 10), redis.LPosArgs{}).Result()
	if err == redis.Nil {
		return "", nil
	}
	if err != nil {
		return "", flows.Wrap("broadcast recipient", err)
	}
	s, err := st.rdb.HGet(ctx, st.k.outcome(id), strconv.FormatInt(place, 10)).Result()
	if err == redis.Nil {
		return outcomeUnderWay, nil
	}
	return s, flows.Wrap("broadcast outcome", err)
}

// finishScript marks a sending broadcast done and sets its keys' expiry.
// KEYS[1] record, KEYS[2] recipients, KEYS[3] outcomes, KEYS[4] answers. ARGV[1] ttl s, ARGV[2] finished.
var finishScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'sending' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'done', 'finished', ARGV[2])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 1`)

func (st store) finish(ctx context.Context, id string, ttl time.Duration, now time.Time) error {
	err := finishScript.Run(ctx, st.rdb, st.allKeys(id), int64(ttl.Seconds()), now.Unix()).Err()
	return flows.Wrap("finish broadcast", err)
}

func (st store) allKeys(id string) []string {
	return []string{st.k.record(id), st.k.recipients(id), st.k.outcome(id), st.k.answers(id)}
}

// answerScript records a recipient's answer and keeps the counts right
// when two answers of hers cross. KEYS[1] record, KEYS[2] answers.
// ARGV[1] user, ARGV[2] answer. Returns the earlier answer (” for none),
// or 'gone' when the broadcast is no more.
var answerScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local old = redis.call('HGET', KEYS[2], ARGV[1]) or ''
if old == ARGV[2] then return old end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
if old ~= '' then redis.call('HINCRBY', KEYS[1], old, -1) end
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return old`)

// answer records user's answer; gone is true when the broadcast expired.
func (st store) answer(ctx context.Context, id string, user int64, answer string, ttl time.Duration) (gone bool, err error) {
	old, err := answerScript.Run(ctx, st.rdb, []string{st.k.record(id), st.k.answers(id)}, user, answer).Text()
	if err != nil {
		return false, flows.Wrap("answer broadcast", err)
	}
	if old == "gone" {
		return true, nil
	}
	// Kept as long as the longest-kept broadcast she answered: a later
	// answer never shortens it.
	const index = `redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1`
	err = st.rdb.Eval(ctx, index, []string{st.k.personAnswers(user)}, id, int64(ttl.Seconds())).Err()
	return false, flows.Wrap("index answer", err)
}

// answerOf is user's answer to a broadcast, "" for none.
func (st store) answerOf(ctx context.Context, id string, user int64) (string, error) {
	s, err := st.rdb.HGet(ctx, st.k.answers(id), strconv.FormatInt(user, 10)).Result()
	if err == redis.Nil {
		return "", nil
	}
	return s, flows.Wrap("broadcast answer", err)
}

// forgetScript takes one person out of a broadcast: her answer (and its
// count), and her id in the list of recipients, which becomes "0" rather
// than being removed, so that the outcomes, kept by place, and a delivery
// going on keep their places. The figures stay: they name nobody.
// KEYS[1] record, KEYS[2] recipients, KEYS[3] outcomes, KEYS[4] answers. ARGV[1] user.
var forgetScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[4], ARGV[1])
if old then
  redis.call('HDEL', KEYS[4], ARGV[1])
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], old, -1) end
end
while true do
  local at = redis.call('LPOS', KEYS[2], ARGV[1])
  if not at then break end
  redis.call('LSET', KEYS[2], at, '0')
  -- Not sent yet: counted as skipped, so that the figures add up.
  if redis.call('HSETNX', KEYS[3], at, 'skipped') == 1 and redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'skipped', 1)
  end
end
return 1`)

// forget takes user out of every broadcast of ids, a script per
// broadcast, in one round trip.
func (st store) forget(ctx context.Context, ids []string, user int64) error {
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			forgetScript.Eval(ctx, p, st.allKeys(id), user)
		}
		return nil
	})
	return flows.Wrap("forget broadcast recipient", err)
}

// isID reports whether s can be a broadcast id.
func isID(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
