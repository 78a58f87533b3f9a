package group

import (
	"context"
	"strconv"
	"strings"
	"time"

	"nido/flows"

	"github.com/redis/go-redis/v9"
)

// Who came to the meetings held, kept by organisation and month
// (keys.attendMonth) rather than on the meetings: a meeting is forgotten
// meetingRetention after its time, and funders ask for a year's counts.
// Each mark is one field set or deleted, so two marks at once both land
// and a mark made twice is the same mark. A group that ends leaves its
// meetings in the counts; a mother who erases her data leaves nothing.

// monthKeep is how long a month's attendance is kept after the month
// began: about thirteen months after it ended.
const monthKeep = 14

// monthOf is the first instant of t's month, in t's time zone.
func monthOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// monthName is the month of t as keys and buttons name it, "2026-11".
func monthName(t time.Time) string { return t.Format("2006-01") }

// heldMeeting is a meeting that took place, as the month's attendance keeps it.
type heldMeeting struct {
	ID    string
	Group string
	At    time.Time
}

// monthAttendance is an organisation's attendance in one month.
type monthAttendance struct {
	Held []heldMeeting
	// Came and Kids list, by meeting id, the mothers who came, and those
	// whose child came too.
	Came, Kids map[string]map[int64]bool
}

// attendKey is the summary of m's month.
func (st groups) attendKey(m Meeting) string {
	return st.k.attendMonth(m.Org, monthName(m.At.In(st.loc)))
}

// attendTTL keeps m's month's summary monthKeep months from the month's start.
func (st groups) attendTTL(m Meeting, now time.Time) time.Duration {
	return flows.KeepUntil(now, monthOf(m.At.In(st.loc)).AddDate(0, monthKeep, 0))
}

// markHeld records that m took place.
func (st groups) markHeld(ctx context.Context, m Meeting, now time.Time) error {
	_, err := st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, st.attendKey(m), "m:"+m.ID, m.Group+" "+strconv.FormatInt(m.At.Unix(), 10))
		p.PExpire(ctx, st.attendKey(m), st.attendTTL(m, now))
		return nil
	})
	return flows.Wrap("mark meeting "+m.ID+" held", err)
}

// mark records whether a mother came to m, and whether her child came
// with her; m is marked held as well.
func (st groups) mark(ctx context.Context, m Meeting, mother int64, came, kid bool, now time.Time) error {
	key, who := st.attendKey(m), m.ID+":"+id64(mother)
	_, err := st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "m:"+m.ID, m.Group+" "+strconv.FormatInt(m.At.Unix(), 10))
		if came {
			p.HSet(ctx, key, "c:"+who, 1)
		} else {
			p.HDel(ctx, key, "c:"+who)
		}
		if came && kid {
			p.HSet(ctx, key, "k:"+who, 1)
		} else {
			p.HDel(ctx, key, "k:"+who)
		}
		p.PExpire(ctx, key, st.attendTTL(m, now))
		return nil
	})
	return flows.Wrap("mark attendance at "+m.ID, err)
}

// month reads an organisation's attendance in the month of day.
func (st groups) month(ctx context.Context, org string, day time.Time) (monthAttendance, error) {
	a := monthAttendance{Came: map[string]map[int64]bool{}, Kids: map[string]map[int64]bool{}}
	h, err := st.rdb.HGetAll(ctx, st.k.attendMonth(org, monthName(day.In(st.loc)))).Result()
	if err != nil {
		return a, flows.Wrap("load attendance", err)
	}
	for f, v := range h {
		kind, rest, _ := strings.Cut(f, ":")
		if kind == "m" {
			group, at, _ := strings.Cut(v, " ")
			a.Held = append(a.Held, heldMeeting{ID: rest, Group: group, At: flows.UnixTime(at).In(st.loc)})
			continue
		}
		mid, who, _ := strings.Cut(rest, ":")
		uid, err := strconv.ParseInt(who, 10, 64)
		if err != nil {
			continue
		}
		to := map[string]map[string]map[int64]bool{"c": a.Came, "k": a.Kids}[kind]
		if to == nil {
			continue
		}
		if to[mid] == nil {
			to[mid] = map[int64]bool{}
		}
		to[mid][uid] = true
	}
	return a, nil
}

// eraseAttendanceScript deletes one mother's marks from months' attendance.
// KEYS: the months' HASHes; ARGV[1] her user id.
var eraseAttendanceScript = redis.NewScript(`local suffix = ':' .. ARGV[1]
for _, key in ipairs(KEYS) do
  for _, f in ipairs(redis.call('HKEYS', key)) do
    local kind = string.sub(f, 1, 2)
    if (kind == 'c:' or kind == 'k:') and string.sub(f, -#suffix) == suffix then
      redis.call('HDEL', key, f)
    end
  end
end
return 0`)

// eraseAttendance deletes a mother's marks from her organisation's months
// still kept.
func (st groups) eraseAttendance(ctx context.Context, org string, mother int64, now time.Time) error {
	if org == "" {
		return nil
	}
	first := monthOf(now.In(st.loc))
	var keys []string
	for i := -monthKeep; i <= 1; i++ {
		keys = append(keys, st.k.attendMonth(org, monthName(first.AddDate(0, i, 0))))
	}
	return flows.Wrap("erase attendance", eraseAttendanceScript.Run(ctx, st.rdb, keys, id64(mother)).Err())
}
