package helpdesk

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"nido/flows"
	"nido/scheduler"
)

// The jobs that carry each message. A job names its thread and message;
// it reads them when it runs, so that the queue holds no words. A thread
// or a person erased meanwhile makes the job do nothing.

// forwardJob carries her message to her social workers: those who follow
// her and those who answered the thread.
func (e *capability) forwardJob(ctx context.Context, j scheduler.Job) error {
	t, m, writer, ok, err := e.jobMessage(ctx, j)
	if err != nil || !ok {
		return err
	}
	also, err := e.store().staffIn(ctx, t)
	if err != nil {
		return err
	}
	staff, err := e.StaffOf(ctx, writer, also...)
	if err != nil {
		return err
	}
	if len(staff) == 0 {
		e.Log().Warn("helpdesk: no staff to read a message", "org", t.Org, "thread", t.Pub)
		return nil
	}
	msg := flows.Message{
		Lines:   []flows.T{{ID: "helpdesk.to_staff", Data: map[string]any{"Name": writer.Name, "Role": flows.T{ID: "role." + writer.Role}}}},
		Buttons: [][]flows.Button{threadButtons(t, writer.Name)},
	}
	if m.Text != "" {
		msg.Lines = append(msg.Lines, flows.T{Plain: m.Text})
	}
	if m.Voice != "" {
		msg.Voice = &flows.Voice{FileID: m.Voice, Caption: flows.T{ID: "helpdesk.voice_caption", Data: map[string]any{"Name": writer.Name}}}
	}
	for _, st := range staff {
		if st.Unreachable {
			continue
		}
		if err := e.TellMessage(ctx, st, j.ID, msg); err != nil {
			return err
		}
	}
	return nil
}

// answerJob carries a staff answer to her.
func (e *capability) answerJob(ctx context.Context, j scheduler.Job) error {
	t, m, writer, ok, err := e.jobMessage(ctx, j)
	if err != nil || !ok {
		return err
	}
	from, err := e.staffName(ctx, m.By)
	if err != nil {
		return err
	}
	return e.Deliver(ctx, writer, j.ID, flows.Message{
		Lines: []flows.T{{ID: "helpdesk.to_writer", Data: map[string]any{"Staff": from}}, {Plain: m.Text}},
		Buttons: [][]flows.Button{{
			{Label: flows.T{ID: "helpdesk.answer"}, Data: verbAnswerBack + ":" + t.Pub},
		}},
	})
}

// closedJob tells her that her thread was marked done, and that she may
// write again whenever she needs.
func (e *capability) closedJob(ctx context.Context, j scheduler.Job) error {
	t, err := e.store().byPublic(ctx, j.Args["thread"])
	w := t.Writer
	if errors.Is(err, errGone) || (err == nil && t.Status != statusDone) {
		return nil // erased, or written to again since
	}
	if err != nil {
		return err
	}
	who, err := e.Present(ctx, []int64{w})
	if err != nil {
		return err
	}
	writer, ok := who[w]
	if !ok {
		return nil
	}
	from, err := e.staffName(ctx, t.DoneBy)
	if err != nil {
		return err
	}
	return e.Deliver(ctx, writer, j.ID, flows.Message{Lines: []flows.T{{ID: "helpdesk.closed", Data: map[string]any{"Staff": from}}}})
}

// jobMessage loads what a job carries: its thread, its message and the
// writer; ok is false when any of them is no more.
func (e *capability) jobMessage(ctx context.Context, j scheduler.Job) (thread, entry, flows.Person, bool, error) {
	m, err := strconv.Atoi(j.Args["m"])
	if err != nil {
		return thread{}, entry{}, flows.Person{}, false, scheduler.Permanent(errors.New("helpdesk: bad job arguments"))
	}
	st := e.store()
	t, err := st.byPublic(ctx, j.Args["thread"])
	w := t.Writer
	if errors.Is(err, errGone) {
		return thread{}, entry{}, flows.Person{}, false, nil
	}
	if err != nil {
		return thread{}, entry{}, flows.Person{}, false, err
	}
	msg, found, err := st.message(ctx, t, m)
	if err != nil || !found {
		return thread{}, entry{}, flows.Person{}, false, err
	}
	who, err := e.Present(ctx, []int64{w})
	if err != nil {
		return thread{}, entry{}, flows.Person{}, false, err
	}
	writer, found := who[w]
	return t, msg, writer, found, nil
}

// staffName is how she reads who answered: the staff member's name, or
// "your social service" once they left.
func (e *capability) staffName(ctx context.Context, id int64) (any, error) {
	if id == 0 {
		return flows.T{ID: "helpdesk.service"}, nil
	}
	who, err := e.Present(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if p, ok := who[id]; ok {
		return p.Name, nil
	}
	return flows.T{ID: "helpdesk.service"}, nil
}

// names joins the names of the staff she writes to: "Chiara Rossi",
// "Chiara Rossi, Marco Neri"; more than three are the first three and "…".
func names(staff []flows.Person) string {
	var ns []string
	for i, p := range staff {
		if i == 3 {
			ns = append(ns, "…")
			break
		}
		ns = append(ns, p.Name)
	}
	return strings.Join(ns, ", ")
}
