package group

import (
	"context"
	"slices"
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
// and a mark made twice is the same mark. A meeting held keeps there what
// its "Who came?" needs (the group's name, its mothers then), so that a
// group that ends leaves its meetings in the counts and they can still be
// marked; a mother who erases her data leaves nothing.

// monthKeep is how long a month's attendance is kept after the month
// began: about thirteen months after it ended.
const monthKeep = 14

// monthOf is the first instant of t's month, in t's time zone.
func monthOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// monthName is the month of t as keys and buttons name it, "2026-11".
func monthName(t time.Time) string { return t.Format("2006-01") }

// heldMeeting is a meeting that took place, as the month's attendance keeps
// it: with what its "Who came?" needs once the meeting and its group are
// gone (a group may end right after its last meeting).
type heldMeeting struct {
	ID    string
	Group string
	At    time.Time
	// Name is the group's name, and Childcare whether it offered
	// childcare, when the meeting was held.
	Name      string
	Childcare bool
}

// monthAttendance is an organisation's attendance in one month.
type monthAttendance struct {
	Held []heldMeeting
	// Members, Came and Kids list, by meeting id, the group's mothers when
	// it was held, those who came, and those whose children came too.
	Members, Came, Kids map[string]map[int64]bool
}

// held finds one meeting held in the month; ok is false for none.
func (a monthAttendance) held(mid string) (heldMeeting, bool) {
	i := slices.IndexFunc(a.Held, func(h heldMeeting) bool { return h.ID == mid })
	if i < 0 {
		return heldMeeting{}, false
	}
	return a.Held[i], true
}

// attendKey is the summary of m's month.
func (st groups) attendKey(m Meeting) string {
	return st.k.attendMonth(m.Org, monthName(m.At.In(st.loc)))
}

// attendTTL keeps m's month's summary monthKeep months from the month's start.
func (st groups) attendTTL(m Meeting, now time.Time) time.Duration {
	return flows.KeepUntil(now, monthOf(m.At.In(st.loc)).AddDate(0, monthKeep, 0))
}

// markHeldScript records a meeting held, with the group's mothers then.
// KEYS[1] the month's HASH; ARGV[1] TTL ms, ARGV[2] meeting id, ARGV[3]
// its "m:" value, then the mothers' user ids. A mother already listed
// stays: one taken out of the group since was in it when it met.
var markHeldScript = redis.NewScript(`redis.call('HSET', KEYS[1], 'm:' .. ARGV[2], ARGV[3])
for i = 4, #ARGV do
  redis.call('HSETNX', KEYS[1], 'p:' .. ARGV[2] .. ':' .. ARGV[i], 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0`)

// markHeld records that m of g took place, with mothers, g's mothers now.
func (st groups) markHeld(ctx context.Context, g Group, m Meeting, mothers []int64, now time.Time) error {
	care := "0"
	if g.Childcare {
		care = "1"
	}
	args := []any{st.attendTTL(m, now).Milliseconds(), m.ID, m.Group + " " + strconv.FormatInt(m.At.Unix(), 10) + " " + care + " " + g.Name}
	for _, id := range mothers {
		args = append(args, id64(id))
	}
	return flows.Wrap("mark meeting "+m.ID+" held", markHeldScript.Run(ctx, st.rdb, []string{st.attendKey(m)}, args...).Err())
}

// isHeld reports whether m is recorded as held.
func (st groups) isHeld(ctx context.Context, m Meeting) (bool, error) {
	ok, err := st.rdb.HExists(ctx, st.attendKey(m), "m:"+m.ID).Result()
	return ok, flows.Wrap("check meeting "+m.ID+" held", err)
}

// markScript sets or clears one mark of a mother at a meeting held.
// KEYS[1] the month's HASH; ARGV[1] meeting id, ARGV[2] her user id,
// ARGV[3] "c" (she came) or "k" (her children came too), ARGV[4] "1" or
// "0". Returns 0, changing nothing, unless the meeting is held and she was
// in its group then (so a mark racing her erasure leaves nothing of her).
// Children are only marked with a mother who came; she leaves with them.
var markScript = redis.NewScript(`local who = ARGV[1] .. ':' .. ARGV[2]
if redis.call('HEXISTS', KEYS[1], 'm:' .. ARGV[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'p:' .. who) == 0 then
  return 0
end
if ARGV[3] == 'c' and ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'c:' .. who, 1)
elseif ARGV[3] == 'c' then
  redis.call('HDEL', KEYS[1], 'c:' .. who, 'k:' .. who)
elseif ARGV[4] == '0' then
  redis.call('HDEL', KEYS[1], 'k:' .. who)
elseif redis.call('HEXISTS', KEYS[1], 'c:' .. who) == 1 then
  redis.call('HSET', KEYS[1], 'k:' .. who, 1)
end
return 1`)

// mark sets (on) or clears a mark of a mother at meeting mid, held in
// org's month: kind is "c", she came, or "k", her children came too. ok is
// false when no such meeting was held or she was not in its group.
func (st groups) mark(ctx context.Context, org string, month time.Time, mid string, mother int64, kind string, on bool) (bool, error) {
	v := "0"
	if on {
		v = "1"
	}
	n, err := markScript.Run(ctx, st.rdb, []string{st.k.attendMonth(org, monthName(month))}, mid, id64(mother), kind, v).Int()
	return n == 1, flows.Wrap("mark attendance at "+mid, err)
}

// month reads an organisation's attendance in the month of day.
func (st groups) month(ctx context.Context, org string, day time.Time) (monthAttendance, error) {
	h, err := st.rdb.HGetAll(ctx, st.k.attendMonth(org, monthName(day.In(st.loc)))).Result()
	if err != nil {
		return monthAttendance{}, flows.Wrap("load attendance", err)
	}
	return st.monthFrom(h), nil
}

// months reads an organisation's attendance in each month from first to
// last, in one round trip.
func (st groups) months(ctx context.Context, org string, first, last time.Time) ([]monthAttendance, error) {
	var cmds []*redis.MapStringStringCmd
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for m := monthOf(first.In(st.loc)); !m.After(last); m = m.AddDate(0, 1, 0) {
			cmds = append(cmds, p.HGetAll(ctx, st.k.attendMonth(org, monthName(m))))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load attendance", err)
	}
	out := make([]monthAttendance, len(cmds))
	for i, c := range cmds {
		out[i] = st.monthFrom(c.Val())
	}
	return out, nil
}

// monthFrom reads a month's attendance from its hash.
func (st groups) monthFrom(h map[string]string) monthAttendance {
	a := monthAttendance{Members: map[string]map[int64]bool{}, Came: map[string]map[int64]bool{}, Kids: map[string]map[int64]bool{}}
	for f, v := range h {
		kind, rest, _ := strings.Cut(f, ":")
		if kind == "m" {
			a.Held = append(a.Held, st.heldFrom(rest, v))
			continue
		}
		mid, who, _ := strings.Cut(rest, ":")
		uid, err := strconv.ParseInt(who, 10, 64)
		to := map[string]map[string]map[int64]bool{"p": a.Members, "c": a.Came, "k": a.Kids}[kind]
		if err != nil || to == nil {
			continue
		}
		if to[mid] == nil {
			to[mid] = map[int64]bool{}
		}
		to[mid][uid] = true
	}
	slices.SortFunc(a.Held, func(x, y heldMeeting) int { return x.At.Compare(y.At) })
	return a
}

// heldFrom reads an "m:" value, "<group> <unix time> <childcare 1|0> <name>".
func (st groups) heldFrom(mid, v string) heldMeeting {
	f := strings.SplitN(v, " ", 4)
	for len(f) < 4 {
		f = append(f, "")
	}
	return heldMeeting{ID: mid, Group: f[0], At: flows.UnixTime(f[1]).In(st.loc), Childcare: f[2] == "1", Name: f[3]}
}

// eraseAttendanceScript deletes one mother's marks, and her place among the
// mothers of the meetings held, from months' attendance.
// KEYS: the months' HASHes; ARGV[1] her user id.
var eraseAttendanceScript = redis.NewScript(`local suffix = ':' .. ARGV[1]
for _, key in ipairs(KEYS) do
  for _, f in ipairs(redis.call('HKEYS', key)) do
    local kind = string.sub(f, 1, 2)
    if (kind == 'c:' or kind == 'k:' or kind == 'p:') and string.sub(f, -#suffix) == suffix then
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
