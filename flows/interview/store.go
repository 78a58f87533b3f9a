package interview

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Interview is one job interview of a mother.
type Interview struct {
	ID     string
	Mother int64
	Org    string
	// At is when it starts, in the network's time zone.
	At time.Time
	// Job is one of jobs.
	Job string
	// Where is the company and the place, typed; empty when skipped.
	Where string
	// Childcare is set when she needs someone to look after her child.
	Childcare bool
	// Status is statusPlanned or statusCancelled.
	Status string
	// Seq grows each time it moves: its jobs and calendar entry are of one version.
	Seq     int
	By      int64
	Created time.Time
	// Outcome is her answer afterwards (outcomeWell...), with when it came.
	Outcome   string
	OutcomeAt time.Time
	// CancelledBy is who cancelled it, and when.
	CancelledBy int64
	CancelledAt time.Time
}

const (
	statusPlanned   = "planned"
	statusCancelled = "cancelled"

	outcomeWell    = "well"
	outcomeNotWell = "notwell"
	outcomeNotGo   = "notgo"
	outcomeOffer   = "offer"
)

// outcomes in a button's data.
var outcomes = map[string]string{"w": outcomeWell, "n": outcomeNotWell, "x": outcomeNotGo, "o": outcomeOffer}

// retention is how long an interview is kept after it: staff count a
// year's outcomes for funders.
const retention = 400 * 24 * time.Hour

// maxWhere is the longest company and place she may type, in characters.
const maxWhere = flows.MaxPlace

var idPattern = regexp.MustCompile(`^[0-9]{1,15}$`)

type store struct {
	rdb redis.UniversalClient
	k   keys
	loc *time.Location
}

func (e *capability) store() store { return store{rdb: e.Redis(), k: e.k, loc: e.Location()} }

func (st store) newID(ctx context.Context) (string, error) {
	n, err := st.rdb.Incr(ctx, st.k.seq()).Result()
	if err != nil {
		return "", fmt.Errorf("new interview id: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// saveScript writes an interview unless it was cancelled meanwhile.
// KEYS[1] interview, KEYS[2] the mother's, KEYS[3] the organisation's.
// ARGV[1] TTL ms, ARGV[2] time unix s, ARGV[3] id, ARGV[4] oldest kept in
// the organisation's index, then field, value pairs. Returns 1, or 0.
var saveScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
return 1`)

// save stores iv; storing it again rewrites it. saved is false when it was
// cancelled meanwhile.
func (st store) save(ctx context.Context, iv Interview, now time.Time) (bool, error) {
	care := ""
	if iv.Childcare {
		care = "1"
	}
	n, err := saveScript.Run(ctx, st.rdb, []string{st.k.interview(iv.ID), st.k.motherInterviews(iv.Mother), st.k.orgInterviews(iv.Org)},
		flows.KeepUntil(now, iv.At.Add(retention)).Milliseconds(), iv.At.Unix(), iv.ID, now.Add(-retention).Unix(),
		"mother", iv.Mother, "org", iv.Org, "at", iv.At.Unix(), "job", iv.Job, "where", iv.Where, "childcare", care,
		"status", iv.Status, "seq", iv.Seq, "by", iv.By, "created", iv.Created.Unix()).Int()
	return n == 1, flows.Wrap("save interview "+iv.ID, err)
}

func (st store) get(ctx context.Context, id string) (Interview, bool, error) {
	if !idPattern.MatchString(id) {
		return Interview{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.interview(id)).Result()
	if err != nil {
		return Interview{}, false, flows.Wrap("load interview "+id, err)
	}
	iv, ok := st.from(id, h)
	return iv, ok, nil
}

func (st store) from(id string, h map[string]string) (Interview, bool) {
	if h["status"] == "" || h["mother"] == "" {
		return Interview{}, false
	}
	iv := Interview{ID: id, Org: h["org"], At: flows.UnixTime(h["at"]).In(st.loc), Job: h["job"], Where: h["where"],
		Childcare: h["childcare"] == "1", Status: h["status"], Created: flows.UnixTime(h["created"]),
		Outcome: h["outcome"], OutcomeAt: flows.UnixTime(h["outcome_at"]), CancelledAt: flows.UnixTime(h["cancelled_at"])}
	iv.CancelledBy, _ = strconv.ParseInt(h["cancelled_by"], 10, 64)
	iv.Mother, _ = strconv.ParseInt(h["mother"], 10, 64)
	iv.By, _ = strconv.ParseInt(h["by"], 10, 64)
	iv.Seq, _ = strconv.Atoi(h["seq"])
	return iv, true
}

// in lists the interviews an index has between from and to, soonest first.
func (st store) in(ctx context.Context, index string, from, to time.Time) ([]Interview, error) {
	ids, hashes, err := flows.HashesInWindow(ctx, st.rdb, index, from, to, st.k.interview)
	if err != nil {
		return nil, err
	}
	out := make([]Interview, 0, len(ids))
	for i, id := range ids {
		if iv, ok := st.from(id, hashes[i]); ok {
			out = append(out, iv)
		}
	}
	return out, nil
}

// setScript writes fields of an interview of a given version, still
// planned. KEYS[1] interview; ARGV[1] version, then field, value pairs.
// Returns 1, or 0 when it is cancelled, gone or of another version.
var setScript = redis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'status', 'seq')
if h[1] ~= 'planned' or h[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1`)

// set writes fields of iv when it is still planned and of its version.
func (st store) set(ctx context.Context, iv Interview, fields ...any) (bool, error) {
	n, err := setScript.Run(ctx, st.rdb, []string{st.k.interview(iv.ID)}, append([]any{iv.Seq}, fields...)...).Int()
	return n == 1, flows.Wrap("update interview "+iv.ID, err)
}

// move takes iv to at as its next version; ok is false when it was
// cancelled or moved meanwhile. index puts it at its new place in the lists.
func (st store) move(ctx context.Context, iv Interview, at time.Time) (bool, error) {
	return st.set(ctx, iv, "at", at.Unix(), "seq", iv.Seq+1)
}

// index lists iv at its time in its mother's and organisation's lists and
// keeps it retention after that time; doing it again changes nothing.
func (st store) index(ctx context.Context, iv Interview, now time.Time) error {
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, st.k.motherInterviews(iv.Mother), redis.Z{Score: float64(iv.At.Unix()), Member: iv.ID})
		p.ZAdd(ctx, st.k.orgInterviews(iv.Org), redis.Z{Score: float64(iv.At.Unix()), Member: iv.ID})
		p.PExpire(ctx, st.k.interview(iv.ID), flows.KeepUntil(now, iv.At.Add(retention)))
		return nil
	})
	return flows.Wrap("index interview "+iv.ID, err)
}

// eraseMother removes every interview of a mother of org.
func (st store) eraseMother(ctx context.Context, mother int64, org string) error {
	ids, err := st.rdb.ZRange(ctx, st.k.motherInterviews(mother), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list interviews to erase", err)
	}
	_, err = st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			p.Del(ctx, st.k.interview(id))
			p.ZRem(ctx, st.k.orgInterviews(org), id)
		}
		p.Del(ctx, st.k.motherInterviews(mother))
		return nil
	})
	return flows.Wrap("erase interviews", err)
}
