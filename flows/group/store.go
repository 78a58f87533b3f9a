package group

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"

	"github.com/redis/go-redis/v9"
)

// Mutual-aid groups: a few mothers of one organisation who meet, with a
// social worker, to help each other. This file holds the records and their
// store; the flows are group.go (staff), meeting.go and
// cancel.go (planning and cancelling a meeting), mine.go (a
// mother's side) and jobs.go (the reminder). A group belongs to one organisation, and
// every action checks it: staff of another organisation can never see or
// touch it.

// Group is one mutual-aid group.
type Group struct {
	ID  string
	Org string
	// Name is typed by staff, at most maxGroupName characters.
	Name    string
	By      int64
	Created time.Time
	// Childcare is set when the group offers childcare at its meetings:
	// then a mother who comes is asked whether she brings her child.
	Childcare bool
}

// Meeting is one meeting of a group.
type Meeting struct {
	ID    string
	Group string
	// Org is the group's organisation, kept to check the meeting alone.
	Org string
	// At is when it is, in the network's time zone.
	At time.Time
	// Place is typed by staff; empty when they skipped it.
	Place string
	// Status is meetingPlanned or meetingCancelled.
	Status  string
	By      int64
	Created time.Time
	// Answers holds each member's answer (answerComing or answerNotComing);
	// a member who did not answer has none.
	Answers map[int64]string
	// Kids holds, for each member who said, whether she brings her child
	// (answerComing or answerNotComing), when the group offers childcare.
	Kids map[int64]string
	// Messages holds, for each member, the ids of the last messages in her
	// chat that carry the meeting's answer buttons (messages.go).
	Messages map[int64][]int
	// Series is the recurring meeting it is an occurrence of, if any
	// (series.go); Moves counts the times it was moved (move.go).
	Series string
	Moves  int
}

// A meeting's status, and a member's answers.
const (
	meetingPlanned   = "planned"
	meetingCancelled = "cancelled"
	answerComing     = "yes"
	answerNotComing  = "no"
)

// maxGroupName is the longest group name, in characters.
const maxGroupName = 60

// meetingRetention is how long a meeting is kept after its time; then Redis forgets it.
const meetingRetention = 90 * 24 * time.Hour

// answerField is the field of a meeting's hash holding one member's answer.
func answerField(userID int64) string { return "ans:" + id64(userID) }

// kidField is the field of a meeting's hash holding whether one member
// brings her child (childcare.go).
func kidField(userID int64) string { return "kid:" + id64(userID) }

// messagesField is the field of a meeting's hash holding the ids of one
// member's messages with its buttons, space-separated, oldest first.
func messagesField(userID int64) string { return "msg:" + id64(userID) }

// groups stores groups and their meetings in Redis.
type groups struct {
	rdb redis.UniversalClient
	k   keys
	loc *time.Location
}

// groupStore is the group store.
func (e *capability) groupStore() groups {
	return groups{rdb: e.Redis(), k: e.k, loc: e.Location()}
}

// next reserves an id from a counter. The flows keep it in the
// conversation before anything is written, so that a repeated step rewrites
// the same record instead of making a second one.
func (st groups) next(ctx context.Context, seq string) (string, error) {
	n, err := st.rdb.Incr(ctx, seq).Result()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// newGroupID reserves a group id.
func (st groups) newGroupID(ctx context.Context) (string, error) {
	return st.next(ctx, st.k.groupSeq())
}

// newMeetingID reserves a meeting id.
func (st groups) newMeetingID(ctx context.Context) (string, error) {
	return st.next(ctx, st.k.meetingSeq())
}

// saveGroup stores g and lists it in its organisation; storing it again rewrites it.
func (st groups) saveGroup(ctx context.Context, g Group) error {
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, st.k.group(g.ID), "org", g.Org, "name", g.Name, "by", g.By, "created", g.Created.Unix())
		p.ZAdd(ctx, st.k.orgGroups(g.Org), redis.Z{Score: float64(g.Created.Unix()), Member: g.ID})
		return nil
	})
	return flows.Wrap("save group "+g.ID, err)
}

// group loads a group; found is false for an unknown one.
func (st groups) group(ctx context.Context, id string) (Group, bool, error) {
	if !isID(id) {
		return Group{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.group(id)).Result()
	if err != nil {
		return Group{}, false, flows.Wrap("load group "+id, err)
	}
	g, ok := groupFrom(id, h)
	return g, ok, nil
}

// groupFrom reads a group from its hash; ok is false for an empty one.
func groupFrom(id string, h map[string]string) (Group, bool) {
	if len(h) == 0 {
		return Group{}, false
	}
	g := Group{ID: id, Org: h["org"], Name: h["name"], Created: flows.UnixTime(h["created"]), Childcare: h["childcare"] == "1"}
	g.By, _ = strconv.ParseInt(h["by"], 10, 64)
	return g, true
}

// ofOrg lists an organisation's groups, oldest first.
func (st groups) ofOrg(ctx context.Context, org string) ([]Group, error) {
	ids, err := st.rdb.ZRange(ctx, st.k.orgGroups(org), 0, -1).Result()
	if err != nil {
		return nil, flows.Wrap("list groups", err)
	}
	return st.load(ctx, ids)
}

// ofMother lists the groups a mother is in.
func (st groups) ofMother(ctx context.Context, mother int64) ([]Group, error) {
	ids, err := st.rdb.SMembers(ctx, st.k.motherGroups(mother)).Result()
	if err != nil {
		return nil, flows.Wrap("list a mother's groups", err)
	}
	gs, err := st.load(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The set has no order: the oldest group first, as staff see them.
	slices.SortFunc(gs, func(a, b Group) int { return a.Created.Compare(b.Created) })
	return gs, nil
}

// load reads the groups of ids in one round trip, skipping any gone.
func (st groups) load(ctx context.Context, ids []string) ([]Group, error) {
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, st.k.group(id))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load groups", err)
	}
	out := make([]Group, 0, len(ids))
	for i, id := range ids {
		if g, ok := groupFrom(id, cmds[i].Val()); ok {
			out = append(out, g)
		}
	}
	return out, nil
}

// members lists the user ids of a group's mothers, in the order they were added.
func (st groups) members(ctx context.Context, g Group) ([]int64, error) {
	ids, err := st.rdb.ZRange(ctx, st.k.groupMembers(g.ID), 0, -1).Result()
	if err != nil {
		return nil, flows.Wrap("list group members", err)
	}
	out := make([]int64, 0, len(ids))
	for _, s := range ids {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

// isMember reports whether a mother is in g.
func (st groups) isMember(ctx context.Context, g Group, mother int64) (bool, error) {
	err := st.rdb.ZScore(ctx, st.k.groupMembers(g.ID), id64(mother)).Err()
	if err == redis.Nil {
		return false, nil
	}
	return err == nil, flows.Wrap("check group member", err)
}

// addMember puts a mother in g, both in its members and in her own list of
// groups, at once; adding her again changes nothing. since is when she was
// first added, in unix seconds: it tells one time she joined from another.
func (st groups) addMember(ctx context.Context, g Group, mother int64, now time.Time) (since int64, err error) {
	var score *redis.FloatCmd
	_, err = st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAddNX(ctx, st.k.groupMembers(g.ID), redis.Z{Score: float64(now.Unix()), Member: mother})
		p.SAdd(ctx, st.k.motherGroups(mother), g.ID)
		score = p.ZScore(ctx, st.k.groupMembers(g.ID), id64(mother))
		return nil
	})
	if err != nil {
		return 0, flows.Wrap("add group member", err)
	}
	return int64(score.Val()), nil
}

// memberSince is when a mother was added to g, in unix seconds; ok is
// false when she is not in it.
func (st groups) memberSince(ctx context.Context, g Group, mother int64) (since int64, ok bool, err error) {
	score, err := st.rdb.ZScore(ctx, st.k.groupMembers(g.ID), id64(mother)).Result()
	if err == redis.Nil {
		return 0, false, nil
	}
	return int64(score), err == nil, flows.Wrap("check group member", err)
}

// removeMember takes a mother out of g, with her answers to its meetings
// (whether she comes, whether she brings her child), her marks in its polls
// and the ids of her messages about them. Whether she came to the meetings held stays in the
// organisation's monthly counts (attendance.go) until she erases her data.
func (st groups) removeMember(ctx context.Context, groupID string, mother int64) error {
	ids, err := st.rdb.ZRange(ctx, st.k.groupMeetings(groupID), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list meetings of a group", err)
	}
	polls, err := st.pollIDs(ctx, groupID)
	if err != nil {
		return err
	}
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, st.k.groupMembers(groupID), id64(mother))
		p.SRem(ctx, st.k.motherGroups(mother), groupID)
		for _, id := range ids {
			p.HDel(ctx, st.k.meeting(id), answerField(mother), kidField(mother), messagesField(mother))
		}
		for _, id := range polls {
			p.HDel(ctx, st.k.poll(id), pollMemberFields(mother)...)
		}
		return nil
	})
	return flows.Wrap("remove group member", err)
}

// eraseMother takes a mother out of every group she is in, with her answers.
func (st groups) eraseMother(ctx context.Context, mother int64) error {
	ids, err := st.rdb.SMembers(ctx, st.k.motherGroups(mother)).Result()
	if err != nil {
		return flows.Wrap("list groups to erase", err)
	}
	for _, id := range ids {
		if err := st.removeMember(ctx, id, mother); err != nil {
			return err
		}
	}
	return flows.Wrap("erase groups", st.rdb.Del(ctx, st.k.motherGroups(mother)).Err())
}

// saveMeetingScript writes a meeting unless it was cancelled meanwhile.
// KEYS[1] meeting, KEYS[2] the group's meetings.
// ARGV[1] TTL ms, ARGV[2] time unix s, ARGV[3] id, ARGV[4] oldest time
// kept unix s, ARGV[5] "new" to write only a meeting that does not exist
// yet, then field, value pairs.
// Returns 1, or 0 when the meeting is cancelled. With "new", a meeting
// already there is left as it is: 1 while it is planned and never moved
// (the same occurrence planned again, to finish), else 0.
var saveMeetingScript = redis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'cancelled' then return 0 end
if status and ARGV[5] == 'new' then
  if redis.call('HEXISTS', KEYS[1], 'moves') == 1 then return 0 end
  return 1
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
return 1
`)

// How saveMeeting treats a meeting already there under the same id.
type saveMode int

const (
	// saveRewrite rewrites it, keeping the answers already given: a step
	// planning a meeting by hand, repeated after an error.
	saveRewrite saveMode = iota
	// saveCreateOnly leaves it as it is: an occurrence of a recurring
	// meeting planned again, or a poll's meeting when its date is chosen
	// again (a repeat, or a choose button pressed again later). A meeting
	// moved or cancelled since keeps its time and place.
	saveCreateOnly
)

// saveMeeting stores m and lists it in its group. With saveRewrite,
// storing it again rewrites it, keeping the answers already given; a
// meeting cancelled meanwhile (a colleague cancelled it while this save was
// being repeated after an error) stays cancelled: saved is false. With
// saveCreateOnly, one already there is never written over: saved is true
// while it is planned and never moved (the same meeting saved again, to
// finish), false once moved or cancelled.
func (st groups) saveMeeting(ctx context.Context, m Meeting, now time.Time, mode saveMode) (saved bool, err error) {
	flag := ""
	if mode == saveCreateOnly {
		flag = "new"
	}
	n, err := saveMeetingScript.Run(ctx, st.rdb, []string{st.k.meeting(m.ID), st.k.groupMeetings(m.Group)},
		flows.KeepUntil(now, m.At.Add(meetingRetention)).Milliseconds(), m.At.Unix(), m.ID, m.Created.Add(-meetingRetention).Unix(), flag,
		"group", m.Group, "org", m.Org, "at", m.At.Unix(), "place", m.Place,
		"status", m.Status, "by", m.By, "created", m.Created.Unix(), "series", m.Series).Int()
	return n == 1, flows.Wrap("save meeting "+m.ID, err)
}

// meeting loads a meeting; found is false for an unknown or expired one.
func (st groups) meeting(ctx context.Context, id string) (Meeting, bool, error) {
	if !isMeetingID(id) {
		return Meeting{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.meeting(id)).Result()
	if err != nil {
		return Meeting{}, false, flows.Wrap("load meeting "+id, err)
	}
	m, ok := st.meetingFrom(id, h)
	return m, ok, nil
}

func (st groups) meetingFrom(id string, h map[string]string) (Meeting, bool) {
	if h["status"] == "" {
		// Empty, or only answers left by a write racing its expiry.
		return Meeting{}, false
	}
	m := Meeting{ID: id, Group: h["group"], Org: h["org"], At: flows.UnixTime(h["at"]).In(st.loc), Place: h["place"],
		Status: h["status"], Created: flows.UnixTime(h["created"]), Answers: map[int64]string{}, Kids: map[int64]string{},
		Messages: map[int64][]int{}}
	m.By, _ = strconv.ParseInt(h["by"], 10, 64)
	m.Series = h["series"]
	m.Moves, _ = strconv.Atoi(h["moves"])
	for f, v := range h {
		if rest, ok := strings.CutPrefix(f, "ans:"); ok {
			if uid, err := strconv.ParseInt(rest, 10, 64); err == nil {
				m.Answers[uid] = v
			}
		}
		if rest, ok := strings.CutPrefix(f, "kid:"); ok {
			if uid, err := strconv.ParseInt(rest, 10, 64); err == nil {
				m.Kids[uid] = v
			}
		}
		if rest, ok := strings.CutPrefix(f, "msg:"); ok {
			if uid, err := strconv.ParseInt(rest, 10, 64); err == nil {
				m.Messages[uid] = messageIDs(v)
			}
		}
	}
	return m, true
}

// meetings lists g's meetings between from and to, soonest first.
func (st groups) meetings(ctx context.Context, groupID string, from, to time.Time) ([]Meeting, error) {
	ids, hashes, err := flows.HashesInWindow(ctx, st.rdb, st.k.groupMeetings(groupID), from, to, st.k.meeting)
	if err != nil {
		return nil, err
	}
	out := make([]Meeting, 0, len(ids))
	for i, id := range ids {
		if m, ok := st.meetingFrom(id, hashes[i]); ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// planned lists g's planned meetings still ahead at now, soonest first.
func (st groups) planned(ctx context.Context, groupID string, now time.Time) ([]Meeting, error) {
	ms, err := st.meetings(ctx, groupID, now.Add(time.Second), now.Add(flows.MaxAhead))
	out := ms[:0:0]
	for _, m := range ms {
		if m.Status == meetingPlanned {
			out = append(out, m)
		}
	}
	return out, err
}

// keepMessageScript adds a message id to a member's list on a planned
// meeting, once, keeping the last ARGV[3].
// KEYS[1] meeting hash; ARGV[1] field, ARGV[2] message id, ARGV[3] how many
// are kept. Returns 1 if written, 0 if the meeting is gone or cancelled.
var keepMessageScript = redis.NewScript(`if redis.call('HGET', KEYS[1], 'status') ~= 'planned' then return 0 end
local ids = {}
for id in string.gmatch(redis.call('HGET', KEYS[1], ARGV[1]) or '', '%d+') do
  if id ~= ARGV[2] then table.insert(ids, id) end
end
table.insert(ids, ARGV[2])
while #ids > tonumber(ARGV[3]) do table.remove(ids, 1) end
redis.call('HSET', KEYS[1], ARGV[1], table.concat(ids, ' '))
return 1`)

// keepMessage records that message id in a member's chat carries m's
// answer buttons; nothing is kept for a meeting no longer planned.
func (st groups) keepMessage(ctx context.Context, m Meeting, mother int64, id int) error {
	if id == 0 {
		return nil // a press without its message: nothing to edit later
	}
	err := keepMessageScript.Run(ctx, st.rdb, []string{st.k.meeting(m.ID)}, messagesField(mother), id, maxMessagesKept).Err()
	return flows.Wrap("keep message of meeting "+m.ID, err)
}

// messageIDs reads a messagesField's value.
func messageIDs(v string) []int {
	var ids []int
	for _, f := range strings.Fields(v) {
		if id, err := strconv.Atoi(f); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// meetingScript changes one field of a planned meeting.
// KEYS[1] meeting hash; ARGV[1] field, ARGV[2] value. Returns 1 if written,
// 0 if the meeting is gone or cancelled: an answer must not bring back an
// expired meeting, nor land on a cancelled one.
var meetingScript = redis.NewScript(`if redis.call('HGET', KEYS[1], 'status') ~= 'planned' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// setPlanned writes field of m if m is still planned; ok is false when not.
func (st groups) setPlanned(ctx context.Context, m Meeting, field, value string) (bool, error) {
	n, err := meetingScript.Run(ctx, st.rdb, []string{st.k.meeting(m.ID)}, field, value).Int()
	if err != nil {
		return false, fmt.Errorf("update meeting %s: %w", m.ID, err)
	}
	return n == 1, nil
}

// answer keeps a member's answer to m; ok is false when m is no longer planned.
func (st groups) answer(ctx context.Context, m Meeting, mother int64, answer string) (bool, error) {
	return st.setPlanned(ctx, m, answerField(mother), answer)
}

// cancelMeeting marks m cancelled; ok is false when it already was, or is gone.
func (st groups) cancelMeeting(ctx context.Context, m Meeting) (bool, error) {
	return st.setPlanned(ctx, m, "status", meetingCancelled)
}

// groupFieldScript changes one field of a group that still exists.
// KEYS[1] group hash; ARGV[1] field, ARGV[2] value. Returns 1 if written,
// 0 if the group is gone: a rename must not bring back a group that ended.
var groupFieldScript = redis.NewScript(`if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// setGroupField writes field of g if g still exists; ok is false when not.
func (st groups) setGroupField(ctx context.Context, g Group, field, value string) (bool, error) {
	n, err := groupFieldScript.Run(ctx, st.rdb, []string{st.k.group(g.ID)}, field, value).Int()
	return n == 1, flows.Wrap("update group "+g.ID, err)
}

// isID reports whether s can be one of our counter ids, so that forged
// button data never reaches Redis as a key.
func isID(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isMeetingID reports whether s can be a meeting's id: a counter id, or
// "<series>-<yyyymmdd>" for an occurrence of a recurring meeting.
func isMeetingID(s string) bool {
	id, day, ok := strings.Cut(s, "-")
	return isID(id) && (!ok || len(day) == 8 && isID(day))
}

// removeGroup deletes g with its members, its meetings and their answers,
// its recurring meetings and its polls. Meeting reminders and the recurring
// meetings' rules are the caller's to drop first. Who came to its
// meetings stays in the organisation's monthly counts (attendance_store.go).
func (st groups) removeGroup(ctx context.Context, g Group) error {
	members, err := st.members(ctx, g)
	if err != nil {
		return err
	}
	meetings, err := st.rdb.ZRange(ctx, st.k.groupMeetings(g.ID), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list meetings of a group", err)
	}
	series, err := st.rdb.SMembers(ctx, st.k.groupSeries(g.ID)).Result()
	if err != nil {
		return flows.Wrap("list recurring meetings of a group", err)
	}
	polls, err := st.pollIDs(ctx, g.ID)
	if err != nil {
		return err
	}
	_, err = st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, st.k.group(g.ID), st.k.groupMembers(g.ID), st.k.groupMeetings(g.ID), st.k.groupSeries(g.ID), st.k.groupPolls(g.ID))
		for _, id := range series {
			p.Del(ctx, st.k.series(id))
		}
		for _, id := range meetings {
			p.Del(ctx, st.k.meeting(id))
		}
		for _, id := range polls {
			p.Del(ctx, st.k.poll(id), st.k.pollVersion(id))
		}
		for _, m := range members {
			p.SRem(ctx, st.k.motherGroups(m), g.ID)
		}
		p.ZRem(ctx, st.k.orgGroups(g.Org), g.ID)
		return nil
	})
	return flows.Wrap("remove group "+g.ID, err)
}
