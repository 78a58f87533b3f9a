package broadcast

import (
	"context"
	"errors"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// The message as a recipient sees it, and the sender's report. The frame
// (who sends it, the event's day and place, the buttons) is in each
// recipient's language; the sender's own text is sent as written. The
// preview is built by the same function as every copy.

// recipientMessage is b as a recipient sees it, after she answered answer
// ("" for not yet); from is the line naming the sender's organisation.
// The answer buttons are there while the event is ahead.
func (e *capability) recipientMessage(b Broadcast, from flows.T, answer string) flows.Message {
	lines := []flows.T{from, {Plain: b.Text}}
	if b.Event.IsZero() {
		return flows.Message{Lines: lines}
	}
	lines = append(lines, flows.T{Plain: ""}, flows.T{ID: "broadcast.event_when", Data: map[string]any{"When": b.Event}})
	if b.Place != "" {
		lines = append(lines, flows.T{ID: "broadcast.event_place", Data: map[string]any{"Place": b.Place}})
	}
	switch answer {
	case answerYes:
		lines = append(lines, flows.T{ID: "broadcast.you_come"})
	case answerNo:
		lines = append(lines, flows.T{ID: "broadcast.you_dont"})
	}
	if !b.Event.After(e.Now()) {
		return flows.Message{Lines: lines}
	}
	data := verbAnswer + ":" + b.ID + ":"
	var row []flows.Button
	if answer != answerYes {
		label := "broadcast.will_come"
		if answer == answerNo {
			label = "broadcast.will_come_after_all"
		}
		row = append(row, flows.Button{Label: flows.T{ID: label}, Data: data + answerYes})
	}
	if answer != answerNo {
		label := "broadcast.cannot_come"
		if answer == answerYes {
			label = "broadcast.cannot_come_after_all"
		}
		row = append(row, flows.Button{Label: flows.T{ID: label}, Data: data + answerNo})
	}
	return flows.Message{Lines: lines, Buttons: [][]flows.Button{row}}
}

// fromLine names who sends b: the sender's organisation, or the network
// for an administrator's.
func (e *capability) fromLine(ctx context.Context, b Broadcast) (flows.T, error) {
	if b.Org == "" {
		return flows.T{ID: "broadcast.from_network"}, nil
	}
	o, err := e.People().Org(ctx, b.Org)
	if err != nil {
		return flows.T{}, err
	}
	return flows.T{ID: "broadcast.from", Data: map[string]any{"Org": o.Name}}, nil
}

// audienceText says whom b is for, in a few words.
func (e *capability) audienceText(ctx context.Context, b Broadcast) (flows.T, error) {
	who := flows.T{Plain: "—"}
	switch b.Who {
	case whoMothers, whoFamilies, whoEveryone, whoGroup:
		who = flows.T{ID: "broadcast.to_" + b.Who}
	}
	if b.Who == whoGroup {
		_, name, ok, err := e.cfg.Groups.GroupInfo(ctx, b.Group)
		if err != nil {
			return flows.T{}, err
		}
		if !ok {
			name = "—"
		}
		who.Data = map[string]any{"Group": name}
	}
	switch {
	case b.Org != "":
		return who, nil
	case len(b.Orgs) == 0:
		return flows.T{ID: "broadcast.in_network", Data: map[string]any{"Who": who}}, nil
	}
	var names []string
	for _, id := range b.Orgs {
		o, err := e.People().Org(ctx, id)
		if err != nil {
			continue // an organisation removed since
		}
		names = append(names, o.Name)
	}
	return flows.T{ID: "broadcast.in_orgs", Data: map[string]any{"Who": who, "Orgs": strings.Join(names, ", ")}}, nil
}

// reportMessage is the sender's report on b: to whom, its status, and its
// figures; a scheduled broadcast can be cancelled from it.
func (e *capability) reportMessage(ctx context.Context, b Broadcast) (flows.Message, error) {
	audience, err := e.audienceText(ctx, b)
	if err != nil {
		return flows.Message{}, err
	}
	lines := []flows.T{{ID: "broadcast.report_title", Data: map[string]any{"Audience": audience, "Text": excerpt(b.Text)}}}
	var buttons [][]flows.Button
	switch b.Status {
	case statusScheduled:
		// The time it really goes: after the quiet hours when it falls in them.
		at := e.Scheduler().AdjustForQuiet(b.SendAt, time.Time{})
		lines = append(lines, flows.T{ID: "broadcast.report_scheduled", Data: map[string]any{"When": at}})
		buttons = [][]flows.Button{{{Label: flows.T{ID: "broadcast.cancel_scheduled"}, Data: verbCancelAsk + ":" + b.ID}}}
	case statusCancelled:
		lines = append(lines, flows.T{ID: "broadcast.report_cancelled"})
	default:
		done := b.Sent + b.Skipped + b.Blocked + b.Failed
		status := flows.T{ID: "broadcast.report_sending", Data: map[string]any{"Done": done, "Total": b.Total}}
		if b.Status == statusDone {
			status = flows.T{ID: "broadcast.report_done", Count: b.Total, Data: map[string]any{"Total": b.Total}}
		}
		lines = append(lines, status, flows.T{ID: "broadcast.report_figures", Data: map[string]any{
			"Sent": b.Sent, "Skipped": b.Skipped, "Blocked": b.Blocked, "Failed": b.Failed}})
	}
	if !b.Event.IsZero() && b.Status != statusCancelled {
		lines = append(lines, flows.T{ID: "broadcast.report_answers", Data: map[string]any{
			"When": b.Event, "Yes": b.Yes, "No": b.No}})
	}
	return flows.Message{Lines: lines, Buttons: buttons}, nil
}

// excerpt is the start of a text, for a title: its first line, at most 60 characters.
func excerpt(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	if r := []rune(line); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return line
}

// The sender's report is a live message (the core's live.go): edited by
// a job, never by the flow of the person answering, which would wait on the
// sender's chat; answers arriving together make one or two edits, and the
// last edit shows the last figures.

// liveReport is b's report as a live message.
func (e *capability) liveReport(id string) flows.LiveMessage {
	return flows.LiveMessage{Version: e.k.reportVersion(id), Busy: e.k.reportBusy(id), Keep: retention,
		Job:  func(now time.Time) scheduler.Job { return reportJob(id, now) },
		Edit: func(ctx context.Context) error { return e.editReport(ctx, id) }}
}

// markReport says b's figures moved. A failure is logged: the report is
// late, nothing is lost.
func (e *capability) markReport(ctx context.Context, id string) {
	ctx = context.WithoutCancel(ctx)
	if err := e.Moved(ctx, e.liveReport(id)); err != nil {
		e.Log().Warn("broadcast report", "broadcast", id, "error", err)
	}
}

// reportJob is a job editing a broadcast's report; each has its own id, so
// that one queued while another ends is not held back by it.
func reportJob(id string, now time.Time) scheduler.Job {
	return scheduler.Job{ID: flows.LiveJobID("bcast:" + id + ":report"), Kind: jobReport, Owner: owner(id),
		Due: now, Urgent: true, Args: map[string]string{"broadcast": id}}
}

// reportJob edits the report until the figures it shows are the latest.
func (e *capability) reportJob(ctx context.Context, j scheduler.Job) error {
	return flows.Wrap("broadcast report", e.RunLive(ctx, e.liveReport(j.Args["broadcast"])))
}

// editReport edits the sender's report with b's figures as they are now.
func (e *capability) editReport(ctx context.Context, id string) error {
	b, ok, err := e.store().get(ctx, id)
	if err != nil || !ok || b.Report == 0 || b.By == 0 {
		return err
	}
	sender, ok, err := e.People().Get(ctx, b.By)
	if err != nil || !ok {
		return err
	}
	m, err := e.reportMessage(ctx, b)
	if err != nil {
		return err
	}
	m.ChatID, m.Lang, m.EditID = sender.ID, sender.Lang, b.Report
	msg, err := e.Post(ctx, m)
	if errors.Is(err, flows.ErrUnreachable) {
		return nil
	}
	if err != nil {
		return err
	}
	if msg != b.Report {
		// Too old to edit: the report is the new message now.
		return e.store().setReport(ctx, id, msg)
	}
	return nil
}

// reportEvery is how often delivery edits the report at most.
const reportEvery = 2 * time.Second
