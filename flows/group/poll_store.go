package group

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Date polls, the records: a poll offers a group's mothers two to six days
// and times; each marks each one she can (y) or cannot (n) come to, until
// the facilitator closes it by choosing one, which becomes a meeting, or
// cancels it. The flow is poll.go. Every mark is one field of the poll's
// hash, written by a script that refuses once the poll is no longer open,
// so that counts are read from Redis as they stand and two marks never
// overwrite each other.

// Poll is one date poll of a group.
type Poll struct {
	ID    string
	Group string
	// Org is the group's organisation, kept to check the poll alone.
	Org     string
	By      int64
	Created time.Time
	// Place is typed by staff; empty when skipped.
	Place string
	// Status is pollOpen, pollClosed or pollCancelled.
	Status string
	// Options are the days and times offered, in the order they were added.
	Options []time.Time
	// Msg is the id of the message with the counts, in the chat of MsgTo:
	// the facilitator who sent the poll, or the colleague who last opened
	// it from the group's page; 0 once that one erased their data.
	Msg   int
	MsgTo int64
	// Meeting is the id reserved for the meeting the poll becomes; Chosen
	// the option chosen, from 1; 0 while none is.
	Meeting string
	Chosen  int
	// Marks holds each member's marks, by option from 1: markYes or markNo.
	Marks map[int64]map[int]string
	// Messages holds the id of each member's message with the buttons.
	Messages map[int64]int
}

// A poll's status, and a member's marks.
const (
	pollOpen      = "open"
	pollClosed    = "closed"
	pollCancelled = "cancelled"
	markYes       = "y"
	markNo        = "n"
)

// Between two and maxOptions options.
const (
	minOptions = 2
	maxOptions = 6
)

// pollRetention is how long a poll is kept after its last option.
const pollRetention = meetingRetention

// markField is the field of a poll's hash holding a member's mark on option n.
func markField(userID int64, n int) string { return "v:" + id64(userID) + ":" + strconv.Itoa(n) }

// pollMessageField is the field of a poll's hash holding the id of a
// member's message with its buttons.
func pollMessageField(userID int64) string { return "m:" + id64(userID) }

// pollMemberFields are every field of a poll's hash about one member.
func pollMemberFields(userID int64) []string {
	out := []string{pollMessageField(userID)}
	for n := 1; n <= maxOptions; n++ {
		out = append(out, markField(userID, n))
	}
	return out
}

// last is the poll's last option.
func (p Poll) last() time.Time {
	var t time.Time
	for _, o := range p.Options {
		if o.After(t) {
			t = o
		}
	}
	return t
}

// newPollID reserves a poll id.
func (st groups) newPollID(ctx context.Context) (string, error) {
	return st.next(ctx, st.k.pollSeq())
}

// savePollScript writes an open poll unless it was closed or cancelled meanwhile.
// KEYS[1] poll, KEYS[2] the group's polls. ARGV[1] TTL ms, ARGV[2] last
// option unix s, ARGV[3] id, ARGV[4] oldest kept unix s, then field, value
// pairs. Returns 1, or 0 when the poll is no longer open.
var savePollScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if st and st ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
return 1
`)

// savePoll stores p, open, and lists it in its group; storing it again
// rewrites it, keeping the marks already given. saved is false when it was
// closed or cancelled meanwhile.
func (st groups) savePoll(ctx context.Context, p Poll, now time.Time) (saved bool, err error) {
	opts := make([]string, len(p.Options))
	for i, o := range p.Options {
		opts[i] = strconv.FormatInt(o.Unix(), 10)
	}
	last := p.last()
	n, err := savePollScript.Run(ctx, st.rdb, []string{st.k.poll(p.ID), st.k.groupPolls(p.Group)},
		flows.KeepUntil(now, last.Add(pollRetention)).Milliseconds(), last.Unix(), p.ID, now.Add(-pollRetention).Unix(),
		"group", p.Group, "org", p.Org, "by", p.By, "created", p.Created.Unix(), "place", p.Place,
		"status", pollOpen, "opts", strings.Join(opts, " "), "msg", p.Msg, "msgto", p.MsgTo).Int()
	return n == 1, flows.Wrap("save poll "+p.ID, err)
}

// poll loads a poll; found is false for an unknown or expired one.
func (st groups) poll(ctx context.Context, id string) (Poll, bool, error) {
	if !isID(id) {
		return Poll{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.poll(id)).Result()
	if err != nil {
		return Poll{}, false, flows.Wrap("load poll "+id, err)
	}
	p, ok := st.pollFrom(id, h)
	return p, ok, nil
}

func (st groups) pollFrom(id string, h map[string]string) (Poll, bool) {
	if h["status"] == "" {
		return Poll{}, false
	}
	p := Poll{ID: id, Group: h["group"], Org: h["org"], Created: flows.UnixTime(h["created"]), Place: h["place"],
		Status: h["status"], Meeting: h["meeting"], Marks: map[int64]map[int]string{}, Messages: map[int64]int{}}
	p.By, _ = strconv.ParseInt(h["by"], 10, 64)
	p.Msg, _ = strconv.Atoi(h["msg"])
	p.MsgTo = p.By
	if v, ok := h["msgto"]; ok {
		p.MsgTo, _ = strconv.ParseInt(v, 10, 64)
	}
	p.Chosen, _ = strconv.Atoi(h["chosen"])
	for _, o := range strings.Fields(h["opts"]) {
		p.Options = append(p.Options, flows.UnixTime(o).In(st.loc))
	}
	for f, v := range h {
		if rest, ok := strings.CutPrefix(f, "v:"); ok {
			who, n, _ := strings.Cut(rest, ":")
			uid, err1 := strconv.ParseInt(who, 10, 64)
			opt, err2 := strconv.Atoi(n)
			if err1 == nil && err2 == nil {
				if p.Marks[uid] == nil {
					p.Marks[uid] = map[int]string{}
				}
				p.Marks[uid][opt] = v
			}
		}
		if rest, ok := strings.CutPrefix(f, "m:"); ok {
			if uid, err := strconv.ParseInt(rest, 10, 64); err == nil {
				p.Messages[uid], _ = strconv.Atoi(v)
			}
		}
	}
	return p, true
}

// polls lists a group's polls still kept, oldest option last.
func (st groups) polls(ctx context.Context, groupID string) ([]Poll, error) {
	ids, hashes, err := flows.HashesInWindow(ctx, st.rdb, st.k.groupPolls(groupID), time.Unix(0, 0),
		time.Unix(1<<40, 0), st.k.poll)
	if err != nil {
		return nil, err
	}
	out := make([]Poll, 0, len(ids))
	for i, id := range ids {
		if p, ok := st.pollFrom(id, hashes[i]); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// openPollScript writes one field of an open poll.
// KEYS[1] poll; ARGV[1] field, ARGV[2] value. Returns 1 if written, 0 if
// the poll is gone, closed or cancelled: a mark must not land on a closed
// poll, nor bring back an expired one.
var openPollScript = redis.NewScript(`if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// setOpen writes field of poll id if it is still open; ok is false when not.
func (st groups) setOpen(ctx context.Context, id, field, value string) (bool, error) {
	n, err := openPollScript.Run(ctx, st.rdb, []string{st.k.poll(id)}, field, value).Int()
	return n == 1, flows.Wrap("update poll "+id, err)
}

// markOption keeps a member's mark on option n of an open poll.
func (st groups) markOption(ctx context.Context, p Poll, mother int64, n int, mark string) (bool, error) {
	return st.setOpen(ctx, p.ID, markField(mother, n), mark)
}

// keepPollMessage records the id of a member's message with the poll's
// buttons; kept is false when the poll is no longer open.
func (st groups) keepPollMessage(ctx context.Context, p Poll, mother int64, id int) (kept bool, err error) {
	if id == 0 {
		return true, nil
	}
	return st.setOpen(ctx, p.ID, pollMessageField(mother), strconv.Itoa(id))
}

// keepCountsScript records which message shows a poll's counts, and in
// whose chat, only while the poll is there: a group ended meanwhile must
// not leave a one-field poll behind, without expiry.
// KEYS[1] poll. ARGV[1] message id, ARGV[2] the chat's user id, ARGV[3]
// the message it replaces, or "" for whichever. Returns 1 when written.
var keepCountsScript = redis.NewScript(`if redis.call('HEXISTS', KEYS[1], 'status') == 0 then return 0 end
if ARGV[3] ~= '' and (redis.call('HGET', KEYS[1], 'msg') or '') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'msg', ARGV[1], 'msgto', ARGV[2])
return 1`)

// keepCounts makes message msg in to's chat the one showing p's counts.
// With replacing set, only if it still is that message: a colleague
// opening the poll from the group's page meanwhile keeps hers.
func (st groups) keepCounts(ctx context.Context, p Poll, to int64, msg, replacing int) error {
	old := ""
	if replacing != 0 {
		old = strconv.Itoa(replacing)
	}
	return flows.Wrap("keep poll counts "+p.ID, keepCountsScript.Run(ctx, st.rdb, []string{st.k.poll(p.ID)}, msg, to, old).Err())
}

// endPollScript closes (ARGV[1] = 'closed', ARGV[2] the option chosen) or
// cancels (ARGV[1] = 'cancelled') an open poll. KEYS[1] poll. Returns 1
// when done, or already done the same way (a repeat), else 0.
var endPollScript = redis.NewScript(`local st = redis.call('HGET', KEYS[1], 'status')
if st == 'open' then
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'chosen', ARGV[2])
  return 1
end
if st == ARGV[1] and (redis.call('HGET', KEYS[1], 'chosen') or '') == ARGV[2] then return 1 end
return 0`)

// endPoll closes p on option chosen, or cancels it when chosen is 0; ok is
// false when it was already ended otherwise, or is gone.
func (st groups) endPoll(ctx context.Context, p Poll, chosen int) (bool, error) {
	status, opt := pollClosed, strconv.Itoa(chosen)
	if chosen == 0 {
		status, opt = pollCancelled, ""
	}
	n, err := endPollScript.Run(ctx, st.rdb, []string{st.k.poll(p.ID)}, status, opt).Int()
	return n == 1, flows.Wrap("end poll "+p.ID, err)
}

// pollMeetingScript reserves a poll's meeting id, unless one is already,
// and only while the poll is there: its group ended meanwhile must not
// leave a one-field poll behind, without expiry.
// KEYS[1] poll. ARGV[1] the id to reserve. Returns the id reserved, or
// nil when the poll is gone.
var pollMeetingScript = redis.NewScript(`if redis.call('HEXISTS', KEYS[1], 'status') == 0 then return false end
redis.call('HSETNX', KEYS[1], 'meeting', ARGV[1])
return redis.call('HGET', KEYS[1], 'meeting')`)

// pollMeetingID is the meeting id reserved for p, reserving one the first
// time: two presses at once reserve one id between them. ok is false when
// the poll is gone.
func (st groups) pollMeetingID(ctx context.Context, p Poll) (id string, ok bool, err error) {
	if p.Meeting != "" {
		return p.Meeting, true, nil
	}
	if id, err = st.newMeetingID(ctx); err != nil {
		return "", false, err
	}
	id, err = pollMeetingScript.Run(ctx, st.rdb, []string{st.k.poll(p.ID)}, id).Text()
	if err == redis.Nil {
		return "", false, nil
	}
	return id, err == nil, flows.Wrap("reserve meeting of poll "+p.ID, err)
}

// pollIDs lists the ids of a group's polls, for removing a member.
func (st groups) pollIDs(ctx context.Context, groupID string) ([]string, error) {
	ids, err := st.rdb.ZRange(ctx, st.k.groupPolls(groupID), 0, -1).Result()
	return ids, flows.Wrap("list polls of a group", err)
}

// pollCounts counts the marks on option n of the mothers in the group now:
// yes, no, and not answered.
func pollCounts(p Poll, n int, mothers []flows.Person) (yes, no, none int) {
	for _, m := range mothers {
		switch p.Marks[m.ID][n] {
		case markYes:
			yes++
		case markNo:
			no++
		default:
			none++
		}
	}
	return yes, no, none
}
