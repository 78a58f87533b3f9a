package group

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// A date poll as the mothers answer it and the facilitator follows it.
// Each mother has one message with the dates and her marks, and two
// buttons a date; pressing one edits that message, and she may change her
// marks until the poll closes. The facilitator's message is a live message
// (the core's live.go): edited by a job as marks come, never sent again
// unless a colleague opens the poll from the group's page (poll.go), whose
// fresh copy is followed from then on. A day after the poll was sent, those
// who have not answered get one reminder, carrying the poll with its
// buttons; not those removed from the group or erased, who have left it,
// and whose poll messages lose their buttons as they leave (stripPolls),
// as every mother's do when the group ends.
//
//	gpv:<poll>:<option>:y|n   a mother's mark on one date
//	group.poll_live           the job editing the facilitator's counts
//	group.poll_reminder       the job reminding who has not answered, a day after

// The poll's job kinds.
const (
	jobPollLive     = "group.poll_live"
	jobPollReminder = "group.poll_reminder"
)

// pollMark keeps a mother's mark on one date of a poll of her group, and
// shows it on her message. Anyone else's press, a forged id included, is
// an invalid button and changes nothing; a press after the poll closed
// gets a toast, and changes nothing either.
func (e *capability) pollMark(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 || (parts[2] != markYes && parts[2] != markNo) {
		return flows.OrInvalid(s, nil)
	}
	me, st := s.Person(), e.groupStore()
	p, ok, err := st.poll(s.Ctx(), parts[0])
	if err != nil || !ok || p.Org != me.OrgID {
		return flows.OrInvalid(s, err)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > len(p.Options) {
		return flows.OrInvalid(s, nil)
	}
	g, ok, err := st.group(s.Ctx(), p.Group)
	if err != nil || !ok || g.Org != me.OrgID {
		return flows.OrInvalid(s, err)
	}
	if in, err := st.isMember(s.Ctx(), g, me.ID); err != nil || !in {
		return flows.OrInvalid(s, err)
	}
	switch {
	case p.Status != pollOpen:
		return s.Toast(flows.T{ID: "group.poll_closed"})
	case !p.Options[n-1].After(s.Now()):
		return s.Toast(flows.T{ID: "group.poll_past"})
	}
	if ok, err := st.markOption(s.Ctx(), p, me.ID, n, parts[2]); err != nil || !ok {
		if err != nil {
			return err
		}
		return s.Toast(flows.T{ID: "group.poll_closed"})
	}
	// Staff may have taken her out of the group meanwhile: then her mark
	// must not stay behind, where she could neither see nor erase it.
	if in, err := st.isMember(s.Ctx(), g, me.ID); err != nil || !in {
		if err == nil {
			err = st.removeMember(s.Ctx(), g.ID, me.ID)
		}
		return flows.OrInvalid(s, err)
	}
	e.Log().Info("poll marked", "user_id", me.ID, "poll", p.ID)
	e.pollMoved(s.Ctx(), p)
	if p, ok, err = st.poll(s.Ctx(), p.ID); err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return s.Edit(memberPollMessage(g, p, p.Marks[me.ID], s.Now()))
}

// memberPollMessage is p as a mother reads it, with her marks: open, each
// date with her mark and its two buttons while it is ahead; closed, the
// date chosen; cancelled, that it was.
func memberPollMessage(g Group, p Poll, marks map[int]string, now time.Time) flows.Message {
	lines := []flows.T{{ID: "group.poll_title", Data: map[string]any{"Group": g.Name}}}
	if p.Place != "" {
		lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": p.Place}})
	}
	switch p.Status {
	case pollClosed:
		return flows.Message{Lines: append(lines, chosenLine(p))}
	case pollCancelled:
		return flows.Message{Lines: append(lines, flows.T{ID: "group.poll_cancelled"})}
	}
	lines = append(lines, flows.T{ID: "group.poll_ask"})
	var rows [][]flows.Button
	for i, t := range p.Options {
		n := i + 1
		mark := map[string]string{markYes: "group.poll_mark_yes", markNo: "group.poll_mark_no"}[marks[n]]
		if mark == "" {
			mark = "group.poll_mark_none"
		}
		lines = append(lines, flows.T{ID: mark, Data: map[string]any{"When": t}})
		if !t.After(now) {
			continue
		}
		data := verbPollMark + ":" + p.ID + ":" + strconv.Itoa(n) + ":"
		rows = append(rows, []flows.Button{
			{Label: flows.T{ID: "group.poll_yes", Data: map[string]any{"When": t}}, Data: data + markYes},
			{Label: flows.T{Plain: "✗"}, Data: data + markNo},
		})
	}
	return flows.Message{Lines: lines, Buttons: rows}
}

// chosenLine says the date chosen for a closed poll.
func chosenLine(p Poll) flows.T {
	if p.Chosen < 1 || p.Chosen > len(p.Options) {
		return flows.T{ID: "group.poll_cancelled"}
	}
	return flows.T{ID: "group.poll_chosen", Data: map[string]any{"When": p.Options[p.Chosen-1]}}
}

// The facilitator's counts, a live message.

// livePoll is p's facilitator message as a live message.
func (e *capability) livePoll(p Poll) flows.LiveMessage {
	return flows.LiveMessage{Version: e.k.pollVersion(p.ID), Busy: e.k.pollBusy(p.ID),
		Keep: flows.KeepUntil(e.Now(), p.last().Add(pollRetention)),
		Job: func(now time.Time) scheduler.Job {
			return scheduler.Job{ID: flows.LiveJobID("poll:" + p.ID + ":live"), Kind: jobPollLive, Owner: "group:" + p.Group,
				Due: now, Urgent: true, Args: map[string]string{"poll": p.ID}}
		},
		Edit: func(ctx context.Context) error { return e.editPoll(ctx, p.ID) },
	}
}

// pollMoved says p's counts moved. A failure is logged: the counts are
// late, no mark is lost.
func (e *capability) pollMoved(ctx context.Context, p Poll) {
	if err := e.Moved(context.WithoutCancel(ctx), e.livePoll(p)); err != nil {
		e.Log().Warn("poll counts", "poll", p.ID, "error", err)
	}
}

// pollsMoved says the counts of g's polls moved: a mother left it.
func (e *capability) pollsMoved(ctx context.Context, groupID string) {
	ps, err := e.groupStore().polls(ctx, groupID)
	if err != nil {
		e.Log().Warn("poll counts", "group", groupID, "error", err)
	}
	for _, p := range ps {
		e.pollMoved(ctx, p)
	}
}

// pollLiveJob edits a poll's counts until they are the latest.
func (e *capability) pollLiveJob(ctx context.Context, j scheduler.Job) error {
	p, ok, err := e.groupStore().poll(ctx, j.Args["poll"])
	if err != nil || !ok {
		return err
	}
	return flows.Wrap("poll counts", e.RunLive(ctx, e.livePoll(p)))
}

// editPoll edits the message with the counts, in the chat of whoever
// sent the poll or last opened it from the group's page, with the poll as
// it is now. Only the live message's job calls it (livePoll).
func (e *capability) editPoll(ctx context.Context, id string) error {
	st := e.groupStore()
	p, ok, err := st.poll(ctx, id)
	if err != nil || !ok || p.Msg == 0 || p.MsgTo == 0 {
		return err
	}
	g, ok, err := st.group(ctx, p.Group)
	if err != nil || !ok {
		return err
	}
	staff, ok, err := e.People().Get(ctx, p.MsgTo)
	if err != nil || !ok {
		return err
	}
	mothers, err := e.groupMothers(ctx, g)
	if err != nil {
		return err
	}
	m := staffPollMessage(g, p, mothers)
	m.ChatID, m.Lang, m.EditID = staff.ID, staff.Lang, p.Msg
	msg, err := e.Post(ctx, m)
	if errors.Is(err, flows.ErrUnreachable) {
		return nil
	}
	if err != nil || msg == p.Msg {
		return err
	}
	// Too old to edit: the counts are the new message now.
	return st.keepCounts(ctx, p, staff.ID, msg, p.Msg)
}

// staffPollMessage is p as the facilitator follows it: for each date,
// how many can come, cannot, and have not answered, among the mothers in
// the group now; "Close and choose the date" while it is open.
func staffPollMessage(g Group, p Poll, mothers []flows.Person) flows.Message {
	lines := []flows.T{{ID: "group.poll_title", Data: map[string]any{"Group": g.Name}}}
	if p.Place != "" {
		lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": p.Place}})
	}
	lines = append(lines, flows.T{ID: "group.poll_counts_title"})
	for i, t := range p.Options {
		yes, no, none := pollCounts(p, i+1, mothers)
		lines = append(lines, flows.T{ID: "group.poll_count", Data: map[string]any{"When": t, "Yes": yes, "No": no, "None": none}})
	}
	back := []flows.Button{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}}
	switch p.Status {
	case pollClosed:
		return flows.Message{Lines: append(lines, chosenLine(p)), Buttons: [][]flows.Button{back}}
	case pollCancelled:
		return flows.Message{Lines: append(lines, flows.T{ID: "group.poll_cancelled"}), Buttons: [][]flows.Button{back}}
	}
	return flows.Message{Lines: lines, Buttons: [][]flows.Button{
		{{Label: flows.T{ID: "group.poll_close"}, Data: verbPollClose + ":" + p.ID}}, back}}
}

// The reminder, a day after.

// pollJobID names a poll's reminder, "poll:7:remind-24h".
func pollJobID(p Poll) string {
	return "poll:" + p.ID + ":remind-" + flows.OffsetName(pollReminderAfter)
}

// pollReminderAfter is how long after a poll is sent its reminder comes;
// quiet hours move it as they move other reminders.
const pollReminderAfter = 24 * time.Hour

// planPoll schedules p's reminder, a day after it was sent, unless its
// last date comes first.
func (e *capability) planPoll(ctx context.Context, p Poll) error {
	// A day on the clock, whatever the day's length.
	due := p.Created.AddDate(0, 0, int(pollReminderAfter/(24*time.Hour)))
	if !due.Before(p.last()) {
		return nil
	}
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: pollJobID(p), Kind: jobPollReminder, Owner: "group:" + p.Group,
		Due: due, Event: p.last(), Args: map[string]string{"poll": p.ID}})
}

// remindPoll reminds each mother of the group who got the poll and has
// marked no date, while it is open, with the poll itself: her poll message
// sent again, with its buttons, under the reminder. The new message is
// hers from then on (it is the one edited when she marks, and when the poll
// ends); the earlier one loses its buttons and points to it. Each message
// names the job and the mother, so that a retry after a partial failure
// reminds nobody twice.
func (e *capability) remindPoll(ctx context.Context, j scheduler.Job) error {
	st := e.groupStore()
	p, ok, err := st.poll(ctx, j.Args["poll"])
	if err != nil || !ok || p.Status != pollOpen {
		return err
	}
	g, ok, err := st.group(ctx, p.Group)
	if err != nil || !ok {
		return err
	}
	return e.eachMother(ctx, g, func(m flows.Person) error {
		old := p.Messages[m.ID]
		if old == 0 || len(p.Marks[m.ID]) > 0 {
			return nil
		}
		msg := memberPollMessage(g, p, nil, e.Now())
		msg.Lines = append([]flows.T{{ID: "group.poll_reminder"}}, msg.Lines...)
		id, err := e.TellPost(ctx, m, j.ID, msg)
		if err != nil || id == 0 || id == old {
			return err // unreachable, or a retry finding it done
		}
		if kept, err := e.keepMemberPoll(ctx, g, p, m, id); err != nil || !kept {
			return err
		}
		return e.editMemberPoll(ctx, m, old, pollStripped(g, p, "group.poll_see_below"))
	})
}

// showPoll sends her an open poll of her group again, with her marks and
// its buttons, when she looks at her groups (/group): the message she got
// may be far up her chat, and a mother added after it was sent never got
// one. The new message becomes hers, and the one before points down to it.
func (e *capability) showPoll(s *flows.Session, g Group, p Poll) error {
	me := s.Person()
	msg := memberPollMessage(g, p, p.Marks[me.ID], s.Now())
	msg.ChatID, msg.Lang = me.ID, s.Lang()
	id, err := e.Post(s.Ctx(), msg)
	if err != nil {
		return err
	}
	if kept, err := e.keepMemberPoll(s.Ctx(), g, p, me, id); err != nil || !kept {
		return err
	}
	if old := p.Messages[me.ID]; old != id {
		return e.editMemberPoll(s.Ctx(), me, old, pollStripped(g, p, "group.poll_see_below"))
	}
	return nil
}

// keepMemberPoll records msg as m's message with p's buttons. Should p have
// ended meanwhile (kept is false), its end has edited the messages it knew
// of, not this one: this one is edited here to say how it ended.
func (e *capability) keepMemberPoll(ctx context.Context, g Group, p Poll, m flows.Person, msg int) (kept bool, err error) {
	st := e.groupStore()
	if kept, err = st.keepPollMessage(ctx, p, m.ID, msg); err != nil || kept {
		return kept, err
	}
	now, ok, err := st.poll(ctx, p.ID)
	if err != nil {
		return false, err
	}
	out := pollStripped(g, p, "group.poll_closed")
	if ok {
		out = memberPollMessage(g, now, nil, e.Now())
	}
	return false, e.editMemberPoll(ctx, m, msg, out)
}

// pollStripped is a mother's message about p once its buttons are taken
// from her: the poll's title and place, and why (a text id).
func pollStripped(g Group, p Poll, why string) flows.Message {
	lines := []flows.T{{ID: "group.poll_title", Data: map[string]any{"Group": g.Name}}}
	if p.Place != "" {
		lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": p.Place}})
	}
	return flows.Message{Lines: append(lines, flows.T{ID: why})}
}

// editMemberPoll edits message msg in m's chat into out. A mother who
// blocked Nido, or a message Telegram refuses to change, is left as it is.
func (e *capability) editMemberPoll(ctx context.Context, m flows.Person, msg int, out flows.Message) error {
	if msg == 0 {
		return nil
	}
	out.ChatID, out.Lang, out.EditID = m.ID, m.Lang, msg
	_, err := e.Post(ctx, out)
	if errors.Is(err, flows.ErrUnreachable) || errors.Is(err, flows.ErrRefused) {
		return nil
	}
	return err
}

// openPolls are g's polls still open.
func (e *capability) openPolls(ctx context.Context, g Group) ([]Poll, error) {
	ps, err := e.groupStore().polls(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.Status == pollOpen {
			out = append(out, p)
		}
	}
	return out, nil
}

// stripPolls takes the buttons of the open polls ps of g from m's
// messages, which then say "This poll is closed.": she leaves the group
// (removed, or erasing her data), or it ends. It tells nothing new: each
// message is edited in place, and doing it again changes nothing. A
// message kept meanwhile may keep them: pressed, they find her out of the
// group, or no poll, and change nothing.
func (e *capability) stripPolls(ctx context.Context, g Group, ps []Poll, m flows.Person) error {
	if m.Unreachable {
		return nil
	}
	for _, p := range ps {
		if err := e.editMemberPoll(ctx, m, p.Messages[m.ID], pollStripped(g, p, "group.poll_closed")); err != nil {
			return err
		}
	}
	return nil
}

// pollData is what /mydata shows of a mother's marks in g's open polls.
func (e *capability) pollData(ctx context.Context, g Group, mother int64) ([]flows.T, error) {
	ps, err := e.groupStore().polls(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	var lines []flows.T
	for _, p := range ps {
		if p.Status != pollOpen {
			continue
		}
		for i, t := range p.Options {
			status := map[string]string{markYes: "group.status_yes", markNo: "group.status_no"}[p.Marks[mother][i+1]]
			if status != "" {
				lines = append(lines, flows.T{ID: "group.mydata_poll", Data: map[string]any{"When": t, "Answer": flows.T{ID: status}}})
			}
		}
	}
	return lines, nil
}
