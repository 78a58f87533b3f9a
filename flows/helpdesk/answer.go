package helpdesk

import (
	"context"
	"errors"
	"strconv"

	"nido/flows"
	"nido/scheduler"
)

// The staff's side. A message from a mother arrives with Answer, Done and
// the whole thread as buttons; /messages (the menu's "Messages") lists the
// threads of the organisation not done yet, those waiting for an answer
// first. Any staff member of the writer's organisation may answer or close
// a thread, and no one else: a button naming a thread of another
// organisation changes nothing.

// maxListed is how many threads /messages shows; the rest are counted.
const maxListed = 10

// list is /messages.
func (e *capability) list(s *flows.Session, _ string) error {
	st := e.store()
	ts, err := st.inOrg(s.Ctx(), s.Person().OrgID, true)
	if err != nil {
		return err
	}
	total := len(ts)
	if total == 0 {
		return s.Reply(flows.T{ID: "helpdesk.list_none"})
	}
	// Waiting for an answer first, each part latest first.
	var waiting, answered []thread
	for _, t := range ts {
		if t.Status == statusWaiting {
			waiting = append(waiting, t)
		} else {
			answered = append(answered, t)
		}
	}
	ts = append(waiting, answered...)
	if len(ts) > maxListed {
		ts = ts[:maxListed]
	}
	who, err := e.Present(s.Ctx(), writersOf(ts))
	if err != nil {
		return err
	}
	last, err := st.latest(s.Ctx(), ts)
	if err != nil {
		return err
	}
	lines := []flows.T{{ID: "helpdesk.list_title", Count: total, Data: map[string]any{"Count": total}}}
	var rows [][]flows.Button
	for i, t := range ts {
		p, ok := who[t.Writer]
		if !ok {
			continue // erasing: gone in a moment
		}
		lines = append(lines, flows.T{ID: "helpdesk.list_item", Data: map[string]any{
			"Name": p.Name, "When": t.Last, "Status": flows.T{ID: "helpdesk.status_" + t.Status}, "Text": excerptOf(last[i], 80)}})
		rows = append(rows, threadButtons(t, p.Name))
	}
	if more := total - len(ts); more > 0 {
		lines = append(lines, flows.T{ID: "helpdesk.list_more", Count: more, Data: map[string]any{"Count": more}})
	}
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// threadButtons are a thread's actions for staff.
func threadButtons(t thread, name string) []flows.Button {
	return []flows.Button{
		{Label: flows.T{ID: "helpdesk.answer_to", Data: map[string]any{"Name": name}}, Data: verbReply + ":" + t.Pub},
		{Label: flows.T{ID: "helpdesk.history"}, Data: verbHistory + ":" + t.Pub},
		{Label: flows.T{ID: "helpdesk.done"}, Data: verbDone + ":" + t.Pub},
	}
}

// staffThread loads the thread a staff member's button names, when it is
// one of their organisation's, and its writer; ok is false (and the
// staff member told) otherwise.
func (e *capability) staffThread(s *flows.Session, id string) (thread, flows.Person, bool, error) {
	t, err := e.store().byPublic(s.Ctx(), id)
	w := t.Writer
	switch {
	case errors.Is(err, errGone):
		// Erased, expired, or never was: a forged id reads as one gone.
		return thread{}, flows.Person{}, false, s.Reply(flows.T{ID: "helpdesk.gone"})
	case err != nil:
		return thread{}, flows.Person{}, false, err
	case t.Org != s.Person().OrgID:
		return thread{}, flows.Person{}, false, s.Reply(flows.T{ID: "common.button_invalid"})
	}
	who, err := e.Present(s.Ctx(), []int64{w})
	if err != nil {
		return thread{}, flows.Person{}, false, err
	}
	p, ok := who[w]
	if !ok {
		return thread{}, flows.Person{}, false, s.Reply(flows.T{ID: "helpdesk.gone"})
	}
	return t, p, true, nil
}

// startReply is Answer: what the staff member types next goes to her.
func (e *capability) startReply(s *flows.Session, id string) error {
	t, p, ok, err := e.staffThread(s, id)
	if err != nil || !ok {
		return err
	}
	last, err := e.store().last(s.Ctx(), t, 1)
	if err != nil {
		return err
	}
	if err := s.SetStep(stepReply, map[string]string{"t": t.Pub}); err != nil {
		return err
	}
	return s.Reply(
		flows.T{ID: "helpdesk.ask_reply", Data: map[string]any{"Name": p.Name}},
		flows.T{ID: "helpdesk.quote", Data: map[string]any{"Text": excerptOf(last, 300)}},
	)
}

// replyTyped is the staff member's answer: it goes to her at once.
func (e *capability) replyTyped(s *flows.Session, text string) error {
	if text == "" {
		return s.Reply(flows.T{ID: "helpdesk.empty_staff"})
	}
	if flows.TooLong(text) {
		return s.Reply(flows.T{ID: "helpdesk.too_long", Data: map[string]any{"Max": maxText}})
	}
	t, p, ok, err := e.staffThread(s, s.Data()["t"])
	if err != nil || !ok {
		if err == nil {
			err = s.EndConv()
		}
		return err
	}
	me := s.Person()
	from := "u" + strconv.FormatInt(s.Input().UpdateID, 10)
	if s.Input().UpdateID == 0 {
		from = ""
	}
	_, err = e.store().add(s.Ctx(), t.Writer, t.N, t.Org, t.Role, from,
		entry{By: me.ID, Staff: true, Text: text, At: s.Now().Unix()})
	if errors.Is(err, errGone) {
		return s.Reply(flows.T{ID: "helpdesk.gone"})
	}
	if err != nil {
		return err
	}
	if gone, err := e.erasedMeanwhile(s.Ctx(), t.Writer); err != nil || gone {
		if err == nil {
			err = s.EndConv()
		}
		if err == nil {
			err = s.Reply(flows.T{ID: "helpdesk.gone"})
		}
		return err
	}
	e.schedulePending(s.Ctx(), t.Writer)
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Send(flows.Message{
		Lines: []flows.T{{ID: "helpdesk.reply_sent", Data: map[string]any{"Name": p.Name}}},
		Buttons: [][]flows.Button{{
			{Label: flows.T{ID: "helpdesk.done"}, Data: verbDone + ":" + t.Pub},
			{Label: flows.T{ID: "helpdesk.menu_staff"}, Data: verbList},
		}},
	})
}

// markDone is Done: the thread is closed, and she is told, outside the
// quiet hours.
func (e *capability) markDone(s *flows.Session, id string) error {
	t, p, ok, err := e.staffThread(s, id)
	if err != nil || !ok {
		return err
	}
	changed, t, err := e.store().done(s.Ctx(), t.Writer, t.N, s.Person().ID)
	if errors.Is(err, errGone) {
		return s.Reply(flows.T{ID: "helpdesk.gone"})
	}
	if err != nil {
		return err
	}
	if gone, err := e.erasedMeanwhile(s.Ctx(), t.Writer); err != nil || gone {
		if err == nil {
			err = s.Reply(flows.T{ID: "helpdesk.gone"})
		}
		return err
	}
	// Scheduled whether or not this press closed it: a press handled again
	// after a failure half-way schedules the same job, told once. Named
	// by the number of messages: closed again after more were written,
	// she is told again. The quiet hours hold it: it is news, not an answer.
	if t.Status == statusDone {
		err = e.Scheduler().Schedule(s.Ctx(), scheduler.Job{
			ID: "help-" + t.Pub + "-closed-" + strconv.Itoa(t.Count), Kind: jobClosed, Owner: strconv.FormatInt(t.Writer, 10),
			Due: e.Now(), Args: map[string]string{"thread": t.Pub},
		})
		if err != nil {
			return err
		}
	}
	if !changed {
		return s.Toast(flows.T{ID: "helpdesk.already_done", Data: map[string]any{"Name": p.Name}})
	}
	return s.Reply(flows.T{ID: "helpdesk.marked_done", Data: map[string]any{"Name": p.Name}})
}

// maxHistory is how many messages the whole thread shows: its latest.
const maxHistory = 10

// history shows the thread's latest messages.
func (e *capability) history(s *flows.Session, id string) error {
	t, p, ok, err := e.staffThread(s, id)
	if err != nil || !ok {
		return err
	}
	ms, err := e.store().last(s.Ctx(), t, maxHistory)
	if err != nil {
		return err
	}
	lines := []flows.T{{ID: "helpdesk.history_title", Data: map[string]any{"Name": p.Name, "Since": t.Created}}}
	if t.Count > len(ms) {
		lines = append(lines, flows.T{ID: "helpdesk.history_earlier", Count: t.Count - len(ms), Data: map[string]any{"Count": t.Count - len(ms)}})
	}
	more, err := e.historyLines(s.Ctx(), ms)
	if err != nil {
		return err
	}
	lines = append(lines, more...)
	var rows [][]flows.Button
	if t.Status != statusDone {
		rows = append(rows, threadButtons(t, p.Name)[:1], threadButtons(t, p.Name)[2:])
	} else {
		rows = append(rows, threadButtons(t, p.Name)[:1])
	}
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// historyLines are messages as a thread shows them: when, who, what.
func (e *capability) historyLines(ctx context.Context, ms []entry) ([]flows.T, error) {
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.By)
	}
	who, err := e.Present(ctx, ids)
	if err != nil {
		return nil, err
	}
	var lines []flows.T
	for _, m := range ms {
		var name any = flows.T{ID: "helpdesk.someone_left"}
		if per, ok := who[m.By]; ok && m.By != 0 {
			name = per.Name
		}
		lines = append(lines, flows.T{ID: "helpdesk.history_line", Data: map[string]any{
			"When": m.at(e.Location()), "Name": name, "Text": excerptOf([]entry{m}, 300)}})
	}
	return lines, nil
}

// erasedMeanwhile reports whether writer w began erasing her data while a
// staff member wrote to her thread; if so it erases her threads again, so
// that what was just written (and filed) does not outlive her.
func (e *capability) erasedMeanwhile(ctx context.Context, w int64) (bool, error) {
	gone, err := e.BeingErased(ctx, w)
	if err != nil || !gone {
		return false, err
	}
	return true, e.store().erase(ctx, w)
}

// writersOf lists the writers of ts.
func writersOf(ts []thread) []int64 {
	ids := make([]int64, 0, len(ts))
	for _, t := range ts {
		ids = append(ids, t.Writer)
	}
	return ids
}

// excerptOf is the text of the last of ms, cut to n characters; a voice
// message is said to be one.
func excerptOf(ms []entry, n int) any {
	if len(ms) == 0 {
		return ""
	}
	m := ms[len(ms)-1]
	if m.Text == "" && m.Voice != "" {
		return flows.T{ID: "helpdesk.voice_note"}
	}
	r := []rune(flows.CleanLine(m.Text))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
