package helpdesk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"nido/flows"
	"nido/scheduler"
)

// The jobs that carry each message. A job names its thread and message;
// it reads them when it runs, so that the queue holds no words. A thread
// or a person erased meanwhile makes the job do nothing.

// forwardJob carries her messages to her social workers: those who
// follow her and those who answered the thread.
func (e *capability) forwardJob(ctx context.Context, j scheduler.Job) error {
	return e.carry(ctx, j, toStaff, func(t thread, m entry, writer flows.Person, id string) error {
		also, err := e.store().staffIn(ctx, t)
		if err != nil {
			return err
		}
		staff, err := e.StaffOf(ctx, writer, also...)
		if err != nil {
			return err
		}
		if len(staff) == 0 {
			// Nobody to read it now: it stays pending, and the sweep tries
			// again once someone of her organisation is on Nido.
			return errNobody
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
			if err := e.TellMessage(ctx, st, id, msg); err != nil {
				return err
			}
		}
		return nil
	})
}

// answerJob carries staff answers to her.
func (e *capability) answerJob(ctx context.Context, j scheduler.Job) error {
	return e.carry(ctx, j, toWriter, func(t thread, m entry, writer flows.Person, id string) error {
		from, err := e.staffName(ctx, m.By)
		if err != nil {
			return err
		}
		err = e.Deliver(ctx, writer, id, flows.Message{
			Lines: []flows.T{{ID: "helpdesk.to_writer", Data: map[string]any{"Staff": from}}, {Plain: m.Text}},
			Buttons: [][]flows.Button{{
				{Label: flows.T{ID: "helpdesk.answer"}, Data: verbAnswerBack + ":" + t.Pub},
			}},
		})
		if errors.Is(err, flows.ErrUnreachable) {
			return nil // she blocked Nido: her staff were told; nothing to try again
		}
		return err
	})
}

// errNobody stops a delivery that has nobody to go to.
var errNobody = errors.New("helpdesk: nobody to read it")

// carry delivers the messages a job names, from "m" to "to", in order,
// each still pending, with send, and marks each delivered. Each copy is
// named by its message (messageID), so that a message carried again, by
// this job retried or by another, is sent once.
func (e *capability) carry(ctx context.Context, j scheduler.Job, kind string,
	send func(t thread, m entry, writer flows.Person, id string) error) error {
	from, err1 := strconv.Atoi(j.Args["m"])
	to, err2 := strconv.Atoi(j.Args["to"])
	if err2 != nil {
		to, err2 = from, nil // a job of one message
	}
	if err1 != nil || err2 != nil || to < from {
		return scheduler.Permanent(errors.New("helpdesk: bad job arguments"))
	}
	st := e.store()
	t, err := st.byPublic(ctx, j.Args["thread"])
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	who, err := e.Present(ctx, []int64{t.Writer})
	if err != nil {
		return err
	}
	writer, ok := who[t.Writer]
	if !ok {
		return nil // erasing: gone in a moment
	}
	pend, err := st.pendingOf(ctx, t.Writer)
	if err != nil {
		return err
	}
	for i := from; i <= to; i++ {
		if !slices.Contains(pend, pendingMessage{N: t.N, M: i, Kind: kind}) {
			continue // delivered already
		}
		m, found, err := st.message(ctx, t, i)
		if err != nil {
			return err
		}
		if found {
			err = send(t, m, writer, messageID(t, i))
			if errors.Is(err, errNobody) {
				e.Log().Warn("helpdesk: no staff to read a message", "org", t.Org, "thread", t.Pub)
				return nil
			}
			if err != nil {
				return err
			}
		}
		if err := st.delivered(ctx, t, i, kind); err != nil {
			return err
		}
	}
	return nil
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
