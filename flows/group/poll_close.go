package group

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"nido/flows"
)

// Closing a date poll, for staff, from the facilitator's counts. The dates
// still ahead come as buttons, with how many can come, and a star on those
// most can attend; choosing one makes it a meeting (publishMeeting: saved,
// its reminders planned, every mother told with "I'll come" and "I can't
// come"), and every mother's poll message turns into the date chosen,
// with no buttons left. Cancelling it instead leaves them saying so.
//
//  1. gpc:<poll>             "Close and choose the date": the dates as buttons, and "Cancel the poll"
//  2. gpx:<poll>:<option>    that date: the poll closed, the meeting made
//  3. gpz:<poll>             no date: the poll cancelled

// staffPoll loads the poll a button names and its group, and checks that
// they are of the staff member's organisation; ok is false for anyone
// else's, or none.
func (e *capability) staffPoll(s *flows.Session, id string) (Poll, Group, bool, error) {
	p, ok, err := e.groupStore().poll(s.Ctx(), id)
	if err != nil || !ok || p.Org != s.Person().OrgID {
		return Poll{}, Group{}, false, err
	}
	g, ok, err := e.staffGroup(s, p.Group)
	return p, g, ok && err == nil, err
}

// 1. The dates to choose from.

func (e *capability) pollAskClose(s *flows.Session, id string) error {
	p, g, ok, err := e.staffPoll(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if p.Status != pollOpen {
		return s.Toast(flows.T{ID: "group.poll_closed"})
	}
	mothers, err := e.groupMothers(s.Ctx(), g)
	if err != nil {
		return err
	}
	best := 0
	for i, t := range p.Options {
		if yes, _, _ := pollCounts(p, i+1, mothers); yes > best && t.After(s.Now()) {
			best = yes
		}
	}
	var rows [][]flows.Button
	for i, t := range p.Options {
		if !t.After(s.Now()) {
			continue // a date gone by cannot be chosen
		}
		yes, _, _ := pollCounts(p, i+1, mothers)
		label := "group.poll_option"
		if best > 0 && yes == best {
			label = "group.poll_option_best"
		}
		rows = append(rows, []flows.Button{{Label: flows.T{ID: label, Data: map[string]any{"When": t, "Yes": yes}},
			Data: verbPollChoose + ":" + p.ID + ":" + strconv.Itoa(i+1)}})
	}
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "group.poll_cancel"}, Data: verbPollCancel + ":" + p.ID}})
	return s.Send(flows.Message{Lines: []flows.T{{ID: "group.poll_choose"}}, Buttons: rows})
}

// 2. A date chosen.

// pollChoose closes the poll on one date and makes it a meeting. The
// meeting's id is reserved on the poll before anything is written, and
// each step is safe to repeat: the same press again (after an error, or
// delivered twice) finishes what was left and tells nobody twice. The
// meeting is only ever created (saveCreateOnly): once it is moved or
// cancelled, a choose button pressed again, however late, leaves it as it
// is, plans nothing, and answers that the poll is closed.
func (e *capability) pollChoose(s *flows.Session, arg string) error {
	id, opt, _ := strings.Cut(arg, ":")
	p, g, ok, err := e.staffPoll(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	n, err := strconv.Atoi(opt)
	if err != nil || n < 1 || n > len(p.Options) {
		return flows.OrInvalid(s, nil)
	}
	at := p.Options[n-1]
	switch {
	case p.Status == pollCancelled || (p.Status == pollClosed && p.Chosen != n):
		return s.Toast(flows.T{ID: "group.poll_closed"})
	case !at.After(s.Now()):
		return s.Reply(flows.T{ID: "group.poll_past"})
	}
	st := e.groupStore()
	mid, ok, err := st.pollMeetingID(s.Ctx(), p)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if ok, err := st.endPoll(s.Ctx(), p, n); err != nil || !ok {
		if err != nil {
			return err
		}
		return s.Toast(flows.T{ID: "group.poll_closed"})
	}
	m := Meeting{ID: mid, Group: g.ID, Org: g.Org, At: at, Place: p.Place, Status: meetingPlanned,
		By: s.Person().ID, Created: s.Now()}
	saved, err := e.publishMeeting(s.Ctx(), g, m, saveCreateOnly)
	if err != nil {
		return err
	}
	if !saved {
		// Moved or cancelled since it was made, and its own flow told the
		// mothers: the poll's end is finished, the meeting left alone. The
		// toast goes first, since the edits would answer the press.
		if err := s.Toast(flows.T{ID: "group.poll_closed"}); err != nil {
			return err
		}
		return e.pollEnded(s.Ctx(), g, p.ID)
	}
	if err := e.pollEnded(s.Ctx(), g, p.ID); err != nil {
		return err
	}
	e.Log().Info("poll closed", "user_id", s.Person().ID, "poll", p.ID, "meeting", mid)
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "group.poll_chosen_staff", Data: map[string]any{"When": at}}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}}}})
}

// 3. No date.

func (e *capability) pollCancel(s *flows.Session, id string) error {
	p, g, ok, err := e.staffPoll(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if ok, err := e.groupStore().endPoll(s.Ctx(), p, 0); err != nil || !ok {
		if err != nil {
			return err
		}
		return s.Toast(flows.T{ID: "group.poll_closed"})
	}
	if err := e.pollEnded(s.Ctx(), g, p.ID); err != nil {
		return err
	}
	e.Log().Info("poll cancelled", "user_id", s.Person().ID, "poll", p.ID)
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "group.poll_cancelled_staff"}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "group.back_to", Data: map[string]any{"Name": g.Name}}, Data: verbPage + ":" + g.ID}}}})
}

// pollEnded follows a poll closed or cancelled: its reminder dropped, every
// mother's message edited to say how it ended, with no buttons, and the
// facilitator's counts too. Doing it again changes nothing.
func (e *capability) pollEnded(ctx context.Context, g Group, id string) error {
	p, ok, err := e.groupStore().poll(ctx, id)
	if err != nil || !ok {
		return err
	}
	if err := e.Scheduler().Cancel(ctx, pollJobID(p)); err != nil {
		return flows.Wrap("cancel poll reminder", err)
	}
	err = e.eachMother(ctx, g, func(m flows.Person) error {
		msg := p.Messages[m.ID]
		if msg == 0 {
			return nil
		}
		out := memberPollMessage(g, p, nil, e.Now())
		out.ChatID, out.Lang, out.EditID = m.ID, m.Lang, msg
		_, err := e.Post(ctx, out)
		if errors.Is(err, flows.ErrUnreachable) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	e.pollMoved(ctx, p)
	return nil
}
