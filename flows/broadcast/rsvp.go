package broadcast

import (
	"context"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// A recipient's answer to a broadcast with an event: "I'll come" or "I
// can't", which she may change until the event. Coming, she gets the
// calendar file and a reminder the day before; not coming any more, the
// reminder is cancelled. Her copy is edited to show her answer, and the
// sender's report to show the counts.

// remindBefore is how long before the event a recipient who comes is reminded.
const remindBefore = 24 * time.Hour

// answer is verbAnswer + ":<broadcast>:yes|no".
func (e *capability) answer(s *flows.Session, arg string) error {
	id, ans, _ := strings.Cut(arg, ":")
	if ans != answerYes && ans != answerNo {
		return flows.OrInvalid(s, nil)
	}
	ctx, me := s.Ctx(), s.Person()
	b, ok, err := e.store().get(ctx, id)
	if err != nil || !ok || b.Event.IsZero() {
		return flows.OrInvalid(s, err)
	}
	// Only someone who was sent it may answer: a forged button from
	// anyone else, of this organisation or another, changes nothing. A
	// recipient whose copy is not recorded yet may: Telegram shows it
	// before the record is written, and she can be quicker than that.
	if out, err := e.store().outcomeOf(ctx, id, me.ID); err != nil || (out != outcomeSent && out != outcomeUnderWay) {
		return flows.OrInvalid(s, err)
	}
	if !b.Event.After(s.Now()) {
		return s.Reply(flows.T{ID: "broadcast.event_past"})
	}
	before, err := e.store().answerOf(ctx, id, me.ID)
	if err != nil {
		return err
	}
	gone, err := e.store().answer(ctx, id, me.ID, ans, e.keepFor(b))
	if err != nil {
		return err
	}
	if gone {
		return flows.OrInvalid(s, nil)
	}
	from, err := e.fromLine(ctx, b)
	if err != nil {
		return err
	}
	card := e.recipientMessage(b, from, ans)
	card.EditID = s.Input().MessageID
	if err := s.Send(card); err != nil {
		return err
	}
	remind := remindJob(b, me.ID)
	if ans == answerYes {
		if before != answerYes {
			if err := s.Send(flows.Message{Lines: []flows.T{{ID: "broadcast.thanks_coming"}},
				Document: e.calendarFile(b, false)}); err != nil {
				return err
			}
		}
		if remind.Due.After(s.Now()) {
			if err := e.Scheduler().Schedule(ctx, remind); err != nil {
				return flows.Wrap("plan broadcast reminder", err)
			}
		}
	} else {
		if err := e.Scheduler().Cancel(ctx, remind.ID); err != nil {
			return flows.Wrap("cancel broadcast reminder", err)
		}
		if before == answerYes {
			if err := s.Send(flows.Message{Lines: []flows.T{{ID: "broadcast.thanks_not_coming"}},
				Document: e.calendarFile(b, true)}); err != nil {
				return err
			}
		}
	}
	e.markReport(ctx, id)
	return nil
}

// remindJob is the reminder the day before b's event for a recipient who comes.
func remindJob(b Broadcast, user int64) scheduler.Job {
	u := strconv.FormatInt(user, 10)
	return scheduler.Job{ID: "bcast:" + b.ID + ":remind:" + u, Kind: jobRemind, Owner: u,
		Due: b.Event.Add(-remindBefore), Event: b.Event,
		Args: map[string]string{"broadcast": b.ID, "user": u}}
}

// remindJob reminds a recipient who said she comes, unless she changed
// her mind, erased her data, or the broadcast is gone.
func (e *capability) remindJob(ctx context.Context, j scheduler.Job) error {
	id := j.Args["broadcast"]
	user, err := strconv.ParseInt(j.Args["user"], 10, 64)
	if err != nil {
		return scheduler.Permanent(err)
	}
	b, ok, err := e.store().get(ctx, id)
	if err != nil || !ok {
		return err
	}
	if ans, err := e.store().answerOf(ctx, id, user); err != nil || ans != answerYes {
		return err
	}
	p, ok, err := e.People().Get(ctx, user)
	if err != nil || !ok {
		return err
	}
	from, err := e.fromLine(ctx, b)
	if err != nil {
		return err
	}
	m := e.recipientMessage(b, from, answerYes)
	m.Lines = append([]flows.T{{ID: "broadcast.reminder", Data: map[string]any{"When": b.Event}}}, m.Lines...)
	return e.Deliver(ctx, p, j.ID, m)
}

// calendarFile is the calendar file of b's event, titled with the start of
// the sender's text as written; cancelled, it takes the event out of the
// calendar it was added to. Its SEQUENCE is the seconds since b was made,
// so that each answer's file supersedes the one before.
func (e *capability) calendarFile(b Broadcast, cancelled bool) *flows.Document {
	ev := flows.CalendarEvent{UID: "broadcast-" + b.ID + "." + e.Prefix() + "@nido", Start: b.Event,
		Seq: int(max(e.Now().Unix()-b.Created.Unix(), 0)), Duration: 2 * time.Hour, Summary: excerpt(b.Text),
		Stamp: e.Now(), Alarm: time.Hour, Cancelled: cancelled}
	if b.Place != "" {
		ev.Location, ev.Description = b.Place, flows.MapsURL(b.Place)
	}
	return &flows.Document{Name: "event-" + b.Event.Format("2006-01-02") + ".ics", Content: flows.CalendarFile(ev),
		Caption: flows.T{ID: "ics.caption"}}
}
