package family

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// The records of the solidarity families and their store: pairings,
// visits and recurring visits, each a HASH (keys.go), written by scripts
// where a write must not land on a record changed meanwhile (a visit
// cancelled while its confirmation was being pressed).

// Pairing is a family accompanying a mother, both of one organisation.
type Pairing struct {
	ID     string
	Org    string
	Family int64
	Mother int64
	// Offer is what the family offers, typed by staff ("shopping on
	// Saturdays"); empty when they skipped it.
	Offer   string
	Status  string // pairActive or pairEnded
	By      int64
	Created time.Time
	Ended   time.Time
	EndedBy int64
}

// Visit is one visit of a family to the mother it accompanies.
type Visit struct {
	ID     string
	Pair   string
	Org    string
	Family int64
	Mother int64
	// At is when it starts, in the network's time zone.
	At time.Time
	// Place is typed; empty with Home, at the mother's home.
	Place string
	Home  bool
	// Status is visitPlanned, visitConfirmed, visitCancelled, visitDone or visitMissed.
	Status string
	// Seq grows each time the visit moves: its jobs and its calendar entry
	// are of one version.
	Seq int
	// Series is the recurring visit it is an occurrence of, if any.
	Series  string
	By      int64
	Created time.Time
	// Nudged and Alerted are set once the family was reminded to confirm,
	// and once the staff were told it was not.
	Nudged  bool
	Alerted bool
	// Checkin is the family's answer after the visit (checkinGood...), with
	// when it came, its note and voice message (a Telegram file id).
	Checkin   string
	CheckinAt time.Time
	Note      string
	Voice     string
	// CancelledBy is who cancelled it, and when.
	CancelledBy int64
	CancelledAt time.Time
	// Concern is concernOpen when the check-in worried the family and no
	// staff member handled it yet, concernHandled once one did.
	Concern   string
	HandledBy int64
	HandledAt time.Time
}

// Series is a visit that repeats every week or every two weeks on one
// weekday at one time, planned ahead one occurrence at a time (series.go).
type Series struct {
	ID   string
	Pair string
	Org  string
	// Clock is the time of day, "1000"; Weekday the day of the week.
	Clock   string
	Weekday time.Weekday
	// Every is 1 (weekly) or 2 (every two weeks, counted from Anchor, the
	// DayCode of the first visit).
	Every   int
	Anchor  string
	Place   string
	Home    bool
	By      int64
	Created time.Time
	Stopped bool
}

// States of pairings, visits, check-ins and concerns, as stored.
const (
	pairActive = "active"
	pairEnded  = "ended"

	visitPlanned   = "planned"
	visitConfirmed = "confirmed"
	visitCancelled = "cancelled"
	visitDone      = "done"
	visitMissed    = "missed"

	checkinGood    = "good"
	checkinWorry   = "worry"
	checkinUrgent  = "urgent"
	checkinNotDone = "notdone"

	concernOpen    = "open"
	concernHandled = "handled"
)

// How long records are kept: a visit a year after it happened, for the
// staff's history; an ended pairing a year after it ended.
const (
	visitRetention = 365 * 24 * time.Hour
	pairRetention  = 365 * 24 * time.Hour
)

// store keeps pairings, visits and recurring visits in Redis.
type store struct {
	rdb redis.UniversalClient
	k   keys
	loc *time.Location
}

func (e *capability) store() store { return store{rdb: e.Redis(), k: e.k, loc: e.Location()} }

// ids are counter ids; visit ids are those, or "<series>-<day code>" for
// an occurrence of a recurring visit. Forged button data never reaches
// Redis as a key.
var (
	pairIDPattern  = regexp.MustCompile(`^[0-9]{1,15}$`)
	visitIDPattern = regexp.MustCompile(`^[0-9]{1,15}(-[0-9]{8})?$`)
)

// next reserves an id from a counter. The flows keep it in the
// conversation before anything is written, so that a repeated step rewrites
// the same record instead of making a second one.
func (st store) next(ctx context.Context, seq string) (string, error) {
	n, err := st.rdb.Incr(ctx, seq).Result()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// Pairings.

// savePair stores p and lists it in its organisation and under both people.
func (st store) savePair(ctx context.Context, p Pairing) error {
	_, err := st.rdb.TxPipelined(ctx, func(x redis.Pipeliner) error {
		x.HSet(ctx, st.k.pair(p.ID), "org", p.Org, "family", p.Family, "mother", p.Mother, "offer", p.Offer,
			"status", p.Status, "by", p.By, "created", p.Created.Unix())
		x.ZAdd(ctx, st.k.orgPairs(p.Org), redis.Z{Score: float64(p.Created.Unix()), Member: p.ID})
		x.SAdd(ctx, st.k.personPairs(p.Family), p.ID)
		x.SAdd(ctx, st.k.personPairs(p.Mother), p.ID)
		return nil
	})
	return flows.Wrap("save pairing "+p.ID, err)
}

// pair loads a pairing; found is false for an unknown one.
func (st store) pair(ctx context.Context, id string) (Pairing, bool, error) {
	if !pairIDPattern.MatchString(id) {
		return Pairing{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.pair(id)).Result()
	if err != nil {
		return Pairing{}, false, flows.Wrap("load pairing "+id, err)
	}
	p, ok := pairFrom(id, h)
	return p, ok, nil
}

func pairFrom(id string, h map[string]string) (Pairing, bool) {
	if h["status"] == "" {
		return Pairing{}, false
	}
	p := Pairing{ID: id, Org: h["org"], Offer: h["offer"], Status: h["status"],
		Created: flows.UnixTime(h["created"]), Ended: flows.UnixTime(h["ended"])}
	p.Family, _ = strconv.ParseInt(h["family"], 10, 64)
	p.Mother, _ = strconv.ParseInt(h["mother"], 10, 64)
	p.By, _ = strconv.ParseInt(h["by"], 10, 64)
	p.EndedBy, _ = strconv.ParseInt(h["ended_by"], 10, 64)
	return p, true
}

// pairs loads the pairings of ids in one round trip, oldest first, skipping any gone.
func (st store) pairs(ctx context.Context, ids []string) ([]Pairing, error) {
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := st.rdb.Pipelined(ctx, func(x redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = x.HGetAll(ctx, st.k.pair(id))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load pairings", err)
	}
	out := make([]Pairing, 0, len(ids))
	for i, id := range ids {
		if p, ok := pairFrom(id, cmds[i].Val()); ok {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Pairing) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// ofOrg lists an organisation's pairings, oldest first.
func (st store) ofOrg(ctx context.Context, org string) ([]Pairing, error) {
	ids, err := st.rdb.ZRange(ctx, st.k.orgPairs(org), 0, -1).Result()
	if err != nil {
		return nil, flows.Wrap("list pairings", err)
	}
	return st.pairs(ctx, ids)
}

// ofPerson lists the pairings of a family or a mother, oldest first.
func (st store) ofPerson(ctx context.Context, user int64) ([]Pairing, error) {
	ids, err := st.rdb.SMembers(ctx, st.k.personPairs(user)).Result()
	if err != nil {
		return nil, flows.Wrap("list a person's pairings", err)
	}
	return st.pairs(ctx, ids)
}

// endPairScript ends an active pairing. KEYS[1] pairing; ARGV[1] ended unix
// s, ARGV[2] by, ARGV[3] TTL ms. Returns 1, or 0 when it was not active.
var endPairScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'active' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'ended', 'ended', ARGV[1], 'ended_by', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`)

// endPair marks p ended by someone at now; ok is false when it already was.
func (st store) endPair(ctx context.Context, p Pairing, by int64, now time.Time) (bool, error) {
	n, err := endPairScript.Run(ctx, st.rdb, []string{st.k.pair(p.ID)},
		now.Unix(), by, flows.KeepUntil(now, now.Add(pairRetention)).Milliseconds()).Int()
	return n == 1, flows.Wrap("end pairing "+p.ID, err)
}

// expirePair makes every record of an ended pairing (its visits, recurring
// visits and their lists) expire when the pairing does, pairRetention from
// now: none outlives the pairing, whose erasure finds them.
func (st store) expirePair(ctx context.Context, p Pairing, now time.Time) error {
	visits, err := st.rdb.ZRange(ctx, st.k.pairVisits(p.ID), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list visits of a pairing", err)
	}
	series, err := st.seriesOf(ctx, p.ID)
	if err != nil {
		return err
	}
	ttl := flows.KeepUntil(now, now.Add(pairRetention))
	_, err = st.rdb.Pipelined(ctx, func(x redis.Pipeliner) error {
		for _, id := range visits {
			x.PExpire(ctx, st.k.visit(id), ttl)
		}
		for _, id := range series {
			x.PExpire(ctx, st.k.series(id), ttl)
		}
		x.PExpire(ctx, st.k.pairVisits(p.ID), ttl)
		x.PExpire(ctx, st.k.pairSeries(p.ID), ttl)
		x.PExpire(ctx, st.k.pair(p.ID), ttl)
		return nil
	})
	return flows.Wrap("expire pairing "+p.ID, err)
}

// Visits.

// saveVisitScript writes a visit. KEYS[1] visit, KEYS[2] the pairing's
// visits, KEYS[3] the organisation's visits. ARGV[1] TTL ms, ARGV[2] time
// unix s, ARGV[3] id, ARGV[4] oldest time kept in the organisation's index,
// ARGV[5] "new" to write only a visit that does not exist yet, then field,
// value pairs. Returns 1, or 0 when it was not written: it exists and
// ARGV[5] is "new", or it was cancelled meanwhile.
var saveVisitScript = redis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status and (ARGV[5] == 'new' or status == 'cancelled') then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
return 1`)

// saveVisit stores v; onlyNew refuses to touch one that exists (an
// occurrence of a recurring visit planned again). A visit cancelled
// meanwhile stays cancelled. saved is false when nothing was written.
func (st store) saveVisit(ctx context.Context, v Visit, onlyNew bool, now time.Time) (bool, error) {
	mode := ""
	if onlyNew {
		mode = "new"
	}
	home := ""
	if v.Home {
		home = "1"
	}
	n, err := saveVisitScript.Run(ctx, st.rdb, []string{st.k.visit(v.ID), st.k.pairVisits(v.Pair), st.k.orgVisits(v.Org)},
		flows.KeepUntil(now, v.At.Add(visitRetention)).Milliseconds(), v.At.Unix(), v.ID, now.Add(-visitRetention).Unix(), mode,
		"pair", v.Pair, "org", v.Org, "family", v.Family, "mother", v.Mother, "at", v.At.Unix(), "place", v.Place,
		"home", home, "status", v.Status, "seq", v.Seq, "series", v.Series, "by", v.By, "created", v.Created.Unix()).Int()
	return n == 1, flows.Wrap("save visit "+v.ID, err)
}

// visit loads a visit; found is false for an unknown or expired one.
func (st store) visit(ctx context.Context, id string) (Visit, bool, error) {
	if !visitIDPattern.MatchString(id) {
		return Visit{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.visit(id)).Result()
	if err != nil {
		return Visit{}, false, flows.Wrap("load visit "+id, err)
	}
	v, ok := st.visitFrom(id, h)
	return v, ok, nil
}

func (st store) visitFrom(id string, h map[string]string) (Visit, bool) {
	if h["status"] == "" || h["pair"] == "" {
		return Visit{}, false
	}
	v := Visit{ID: id, Pair: h["pair"], Org: h["org"], At: flows.UnixTime(h["at"]).In(st.loc), Place: h["place"],
		Home: h["home"] == "1", Status: h["status"], Series: h["series"], Created: flows.UnixTime(h["created"]),
		Nudged: h["nudged"] == "1", Alerted: h["alerted"] == "1", Checkin: h["checkin"],
		CheckinAt: flows.UnixTime(h["checkin_at"]), Note: h["note"], Voice: h["voice"], Concern: h["concern"],
		HandledAt: flows.UnixTime(h["handled_at"]), CancelledAt: flows.UnixTime(h["cancelled_at"])}
	v.CancelledBy, _ = strconv.ParseInt(h["cancelled_by"], 10, 64)
	v.Family, _ = strconv.ParseInt(h["family"], 10, 64)
	v.Mother, _ = strconv.ParseInt(h["mother"], 10, 64)
	v.By, _ = strconv.ParseInt(h["by"], 10, 64)
	v.HandledBy, _ = strconv.ParseInt(h["handled_by"], 10, 64)
	v.Seq, _ = strconv.Atoi(h["seq"])
	return v, true
}

// visitsIn lists the visits an index (a pairing's or an organisation's)
// has between from and to, soonest first.
func (st store) visitsIn(ctx context.Context, index string, from, to time.Time) ([]Visit, error) {
	ids, hashes, err := flows.HashesInWindow(ctx, st.rdb, index, from, to, st.k.visit)
	if err != nil {
		return nil, err
	}
	out := make([]Visit, 0, len(ids))
	for i, id := range ids {
		if v, ok := st.visitFrom(id, hashes[i]); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// updateVisitScript writes fields of a visit whose status is one of a
// list. KEYS[1] visit; ARGV[1] how many statuses, then the statuses, then
// field, value pairs (a value of "" deletes its field). Returns 1, or 0
// when the visit is gone or in another status.
var updateVisitScript = redis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
local n = tonumber(ARGV[1])
local ok = false
for i = 2, n + 1 do if ARGV[i] == status then ok = true end end
if not ok then return 0 end
for i = n + 2, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`)

// update writes fields of v when its status is one of from; ok is false
// when it is not (it was cancelled, confirmed or checked in meanwhile).
func (st store) update(ctx context.Context, v Visit, from []string, fields ...any) (bool, error) {
	args := []any{len(from)}
	for _, s := range from {
		args = append(args, s)
	}
	args = append(args, fields...)
	n, err := updateVisitScript.Run(ctx, st.rdb, []string{st.k.visit(v.ID)}, args...).Int()
	return n == 1, flows.Wrap("update visit "+v.ID, err)
}

// ahead are the statuses of a visit still to come.
var ahead = []string{visitPlanned, visitConfirmed}

// moveVisitScript moves a visit still to come to a new time, as a new
// version, confirmed or not. KEYS[1] visit, KEYS[2] the pairing's visits,
// KEYS[3] the organisation's visits. ARGV[1] time unix s, ARGV[2] id,
// ARGV[3] the version it moves from, ARGV[4] new status, ARGV[5] TTL ms.
// Returns 1, or 0 when it is no longer to come or was moved meanwhile.
var moveVisitScript = redis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'status', 'seq')
if (h[1] ~= 'planned' and h[1] ~= 'confirmed') or h[2] ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'seq', tonumber(ARGV[3]) + 1, 'status', ARGV[4])
redis.call('HDEL', KEYS[1], 'nudged', 'alerted')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
return 1`)

// move takes v to at as its next version, with status; ok is false when
// it is no longer to come, or moved meanwhile.
func (st store) move(ctx context.Context, v Visit, at time.Time, status string, now time.Time) (bool, error) {
	n, err := moveVisitScript.Run(ctx, st.rdb, []string{st.k.visit(v.ID), st.k.pairVisits(v.Pair), st.k.orgVisits(v.Org)},
		at.Unix(), v.ID, v.Seq, status, flows.KeepUntil(now, at.Add(visitRetention)).Milliseconds()).Int()
	return n == 1, flows.Wrap("move visit "+v.ID, err)
}

// openConcern lists v among its organisation's open concerns.
func (st store) openConcern(ctx context.Context, v Visit, now time.Time) error {
	return flows.Wrap("open concern", st.rdb.ZAdd(ctx, st.k.orgConcerns(v.Org), redis.Z{Score: float64(now.Unix()), Member: v.ID}).Err())
}

// concernIDs lists the visits of an organisation with an open concern, oldest first.
func (st store) concernIDs(ctx context.Context, org string) ([]string, error) {
	ids, err := st.rdb.ZRange(ctx, st.k.orgConcerns(org), 0, -1).Result()
	return ids, flows.Wrap("list concerns", err)
}

// openConcerns loads the visits of an organisation whose concern is still
// open, oldest first, in two round trips.
func (st store) openConcerns(ctx context.Context, org string) ([]Visit, error) {
	ids, err := st.concernIDs(ctx, org)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = st.rdb.Pipelined(ctx, func(x redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = x.HGetAll(ctx, st.k.visit(id))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load concerns", err)
	}
	var out []Visit
	for i, id := range ids {
		if v, ok := st.visitFrom(id, cmds[i].Val()); ok && v.Org == org && v.Concern == concernOpen {
			out = append(out, v)
		}
	}
	return out, nil
}

// closeConcern takes v off its organisation's open concerns.
func (st store) closeConcern(ctx context.Context, v Visit) error {
	return flows.Wrap("close concern", st.rdb.ZRem(ctx, st.k.orgConcerns(v.Org), v.ID).Err())
}

// Recurring visits.

// saveSeries stores s and lists it under its pairing.
func (st store) saveSeries(ctx context.Context, s Series) error {
	home := ""
	if s.Home {
		home = "1"
	}
	_, err := st.rdb.TxPipelined(ctx, func(x redis.Pipeliner) error {
		x.HSet(ctx, st.k.series(s.ID), "pair", s.Pair, "org", s.Org, "clock", s.Clock, "weekday", int(s.Weekday),
			"every", s.Every, "anchor", s.Anchor, "place", s.Place, "home", home, "by", s.By, "created", s.Created.Unix())
		x.SAdd(ctx, st.k.pairSeries(s.Pair), s.ID)
		return nil
	})
	return flows.Wrap("save recurring visit "+s.ID, err)
}

// series loads a recurring visit; found is false for an unknown one.
func (st store) series(ctx context.Context, id string) (Series, bool, error) {
	if !pairIDPattern.MatchString(id) {
		return Series{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.series(id)).Result()
	if err != nil {
		return Series{}, false, flows.Wrap("load recurring visit "+id, err)
	}
	if h["pair"] == "" {
		return Series{}, false, nil
	}
	s := Series{ID: id, Pair: h["pair"], Org: h["org"], Clock: h["clock"], Anchor: h["anchor"], Place: h["place"],
		Home: h["home"] == "1", Created: flows.UnixTime(h["created"]), Stopped: h["stopped"] == "1"}
	wd, _ := strconv.Atoi(h["weekday"])
	s.Weekday = time.Weekday(wd)
	s.Every, _ = strconv.Atoi(h["every"])
	s.By, _ = strconv.ParseInt(h["by"], 10, 64)
	return s, true, nil
}

// stopSeries marks a recurring visit stopped: no more occurrences are planned.
func (st store) stopSeries(ctx context.Context, id string) error {
	return flows.Wrap("stop recurring visit", st.rdb.HSet(ctx, st.k.series(id), "stopped", "1").Err())
}

// seriesOf lists the ids of a pairing's recurring visits.
func (st store) seriesOf(ctx context.Context, pair string) ([]string, error) {
	ids, err := st.rdb.SMembers(ctx, st.k.pairSeries(pair)).Result()
	return ids, flows.Wrap("list recurring visits", err)
}

// removePair deletes p with its visits, recurring visits and concerns, and
// takes it off both people's lists: one of them erased their data. Its
// jobs and rules are the caller's to cancel first.
func (st store) removePair(ctx context.Context, p Pairing) error {
	visits, err := st.rdb.ZRange(ctx, st.k.pairVisits(p.ID), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list visits of a pairing", err)
	}
	series, err := st.seriesOf(ctx, p.ID)
	if err != nil {
		return err
	}
	_, err = st.rdb.TxPipelined(ctx, func(x redis.Pipeliner) error {
		for _, id := range visits {
			x.Del(ctx, st.k.visit(id))
			x.ZRem(ctx, st.k.orgVisits(p.Org), id)
			x.ZRem(ctx, st.k.orgConcerns(p.Org), id)
		}
		for _, id := range series {
			x.Del(ctx, st.k.series(id))
		}
		x.Del(ctx, st.k.pair(p.ID), st.k.pairVisits(p.ID), st.k.pairSeries(p.ID))
		x.ZRem(ctx, st.k.orgPairs(p.Org), p.ID)
		x.SRem(ctx, st.k.personPairs(p.Family), p.ID)
		x.SRem(ctx, st.k.personPairs(p.Mother), p.ID)
		return nil
	})
	return flows.Wrap("remove pairing "+p.ID, err)
}
