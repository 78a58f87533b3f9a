package group

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"nido/flows"

	"github.com/redis/go-redis/v9"
)

// Moving a group's meeting, for staff, from the group's page: any planned
// meeting, one planned once or one meeting of a recurring series, without
// touching the others. It ends with the meeting saved under its id at the
// new time, its reminders planned again (they come again for the new time,
// even those already sent for the old one), the mothers' answers cleared
// (the time changed, so each is asked again, about her child too), their
// earlier messages about it edited to the new time (messages.go keeps
// their ids), and every mother told once "moved from … to …" with the
// answer buttons.
//
//  1. grv:<group>             "Move a meeting": the next meetings as buttons
//  2. grv:<group>:<meeting>   the new day (gvd) and time (gvt), the core's question
//  3. move?                   the old and the new time; No goes back to the group's page
//  4. gvy                     moved, and the mothers told

// moveDraft is a meeting being moved, kept in the conversation.
type moveDraft struct {
	Group   string
	Meeting string
	// From is the meeting's time when the move began, unix seconds: the
	// move happens only if it is still there.
	From string
	Day  string
	Time string
}

func moveDraftOf(d map[string]string) (moveDraft, bool) {
	if d["flow"] != "move" || d["group"] == "" || d["meeting"] == "" {
		return moveDraft{}, false
	}
	return moveDraft{Group: d["group"], Meeting: d["meeting"], From: d["from"], Day: d["day"], Time: d["time"]}, true
}

func (d moveDraft) data() map[string]string {
	out := map[string]string{"flow": "move", "group": d.Group, "meeting": d.Meeting, "from": d.From}
	if d.Day != "" {
		out["day"] = d.Day
	}
	if d.Time != "" {
		out["time"] = d.Time
	}
	return out
}

// 1. and 2. Which meeting, then its new day and time.

// moveStart is verbMove + ":<group>": the next meetings to choose from; or
// verbMove + ":<group>:<meeting>": its new day.
func (e *capability) moveStart(s *flows.Session, arg string) error {
	id, mid, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if mid == "" {
		return e.pickMeeting(s, g, verbMove, "group.ask_move")
	}
	m, ok, err := e.groupStore().meeting(s.Ctx(), mid)
	if err != nil || !ok || m.Group != g.ID || m.Status != meetingPlanned {
		return flows.OrInvalid(s, err)
	}
	if !s.Now().Before(m.At) {
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	d := moveDraft{Group: g.ID, Meeting: m.ID, From: strconv.FormatInt(m.At.Unix(), 10)}
	return e.moveQ().AskDay(s, d.data(), "")
}

// moveQ is the new day-and-time question.
func (e *capability) moveQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbMoveDay, TimeVerb: verbMoveTime, DayStep: "group.move_day", TimeStep: "group.move_time",
		DayText: func(map[string]string) flows.T { return flows.T{ID: "group.ask_move_day"} },
		Owns: func(data map[string]string) bool {
			_, ok := moveDraftOf(data)
			return ok
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := moveDraftOf(data)
			return e.moveAsk(s, d)
		},
	}
}

// 3. Move it?

func (e *capability) moveAsk(s *flows.Session, d moveDraft) error {
	to, ok := flows.At(d.Day, d.Time, e.Location())
	from := flows.UnixTime(d.From).In(e.Location())
	if !ok || to.Equal(from) {
		d.Day, d.Time = "", ""
		return e.moveQ().AskDay(s, d.data(), "group.move_same")
	}
	q := flows.Confirm([]flows.T{{ID: "group.move_confirm", Data: map[string]any{"From": from, "To": to}}},
		"group.move_yes", verbMoveYes, "group.cancel_no", verbPage+":"+d.Group)
	return flows.Ask(s, "", d.data(), "", q.Lines[0], q.Buttons)
}

// 4. Moved.

// moveSave moves the meeting, if it is still where it was when the move
// began. A repeat of this very move (the same press delivered again, or
// pressed again after an error) finds it moved already and finishes: the
// news is named by the meeting's count of moves, so nobody is told twice.
func (e *capability) moveSave(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, moveDraftOf)
	if !ok {
		return err
	}
	to, ok := flows.At(d.Day, d.Time, e.Location())
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	g, ok, err := e.staffGroup(s, d.Group)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	st := e.groupStore()
	m, ok, err := st.meeting(s.Ctx(), d.Meeting)
	if err != nil || !ok || m.Group != g.ID {
		return flows.OrInvalid(s, err)
	}
	from := flows.UnixTime(d.From).In(e.Location())
	if !s.Now().Before(from) {
		// Confirmed only once the meeting began (the question stayed open):
		// it takes place where it was, as moveStart would have said.
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "group.meeting_passed"})
	}
	if !to.After(s.Now()) {
		d.Day, d.Time = "", ""
		return e.moveQ().AskDay(s, d.data(), "appointment.time_past")
	}
	outcome, err := st.moveMeeting(s.Ctx(), m, from, to, s.Now())
	if err != nil {
		return err
	}
	if outcome != moveDone {
		if err := s.EndConv(); err != nil {
			return err
		}
		if outcome == moveGone {
			return s.Reply(flows.T{ID: "group.meeting_cancelled"})
		}
		return e.groupPage(s, g, flows.T{ID: "group.moved_meanwhile"})
	}
	if m, ok, err = st.meeting(s.Ctx(), m.ID); err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := e.tellMoved(s.Ctx(), g, m, from); err != nil {
		return err
	}
	e.Log().Info("meeting moved", "user_id", s.Person().ID, "group", g.ID, "meeting", m.ID)
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.groupPage(s, g, flows.T{ID: "group.moved"})
}

// tellMoved plans m's reminders at its new time, edits each mother's
// earlier messages about it to the new time, and tells her of the move.
func (e *capability) tellMoved(ctx context.Context, g Group, m Meeting, from time.Time) error {
	if err := e.planMeeting(ctx, m); err != nil {
		return err
	}
	err := e.eachMother(ctx, g, func(p flows.Person) error {
		for _, id := range m.Messages[p.ID] {
			_, err := e.Post(ctx, flows.Message{ChatID: p.ID, Lang: p.Lang, EditID: id,
				Lines: append(meetLines(g, m, ""), answerLine("")), Buttons: meetButtons(m)})
			if errors.Is(err, flows.ErrUnreachable) || errors.Is(err, flows.ErrRefused) {
				return nil // gone, or already reading so
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Named by the count of moves, not the new time: a meeting moved back
	// and forth is told of each move, and a repeat of one move sees the
	// same count and tells nobody twice.
	news := "meet:" + m.ID + ":moved:" + strconv.Itoa(m.Moves)
	return e.tellMeeting(ctx, g, m, news, func(flows.Person) (flows.Message, bool) {
		lines := meetLines(g, m, "group.meeting_moved")
		lines[0].Data["From"] = from
		return flows.Message{Lines: append(lines, flows.T{ID: "group.ask_come"}), Buttons: meetButtons(m)}, true
	})
}

// What a move found.
const (
	moveDone  = 1 // moved, by this move now or before
	moveGone  = 0 // cancelled or gone
	moveOther = 3 // moved by someone else meanwhile
)

// moveMeetingScript moves a planned meeting still at its old time.
// KEYS[1] meeting, KEYS[2] the group's meetings. ARGV[1] old time unix s,
// ARGV[2] new time unix s, ARGV[3] id, ARGV[4] TTL ms.
// Returns moveDone (also when it is at the new time already), moveGone,
// or moveOther. The answers, and the answers about children, go with the
// old time: each mother is asked both again.
var moveMeetingScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'planned' then return 0 end
local at = redis.call('HGET', KEYS[1], 'at')
if at == ARGV[2] then return 1 end
if at ~= ARGV[1] then return 3 end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local kind = string.sub(f, 1, 4)
  if kind == 'ans:' or kind == 'kid:' then redis.call('HDEL', KEYS[1], f) end
end
redis.call('HSET', KEYS[1], 'at', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'moves', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1`)

// moveMeeting moves m from one time to another.
func (st groups) moveMeeting(ctx context.Context, m Meeting, from, to, now time.Time) (int, error) {
	n, err := moveMeetingScript.Run(ctx, st.rdb, []string{st.k.meeting(m.ID), st.k.groupMeetings(m.Group)},
		from.Unix(), to.Unix(), m.ID, flows.KeepUntil(now, to.Add(meetingRetention)).Milliseconds()).Int()
	return n, flows.Wrap("move meeting "+m.ID, err)
}
