package group

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// Recurring meetings: a group that meets every week, or every two weeks, on
// one weekday at one time, until a day or until staff stop it. Each is a
// cron rule in the network's time zone (the scheduler plans its occurrences
// ahead into the queue, one job each), firing seriesLead days before each
// meeting at the meeting's own time of day; the job makes that one meeting
// as if it had been planned by hand (storeMeeting), and a later job tells
// the mothers outside quiet hours. So a meeting at 10:00 stays at 10:00
// across daylight-saving changes; one meeting can be moved or cancelled
// without touching the others, and the rule never brings it back (an
// occurrence is only ever created, never written over); a stopped series
// plans nothing more. The first meeting is planned when the series is made.
//
// Asked while planning (meeting.go, step 6), for a repeating meeting:
//
//	gmu:-             no end date
//	gmu:<day>         a day pressed, or a reading of a typed day
//	gmu:x             "another date": type it
//	typed day         read back: gmu:ok:<day> takes it, gmu:no asks again
//
// Stopping one, from the group's page (series_stop.go):
//
//	grs:<group>            "Stop repeating": the group's recurring meetings, or the one
//	grs:<group>:<series>   are you sure? (No goes back to the group's page)
//	grz:<series>           stopped: the meetings planned ahead cancelled, the mothers told once

// Series is a meeting that repeats every week or every two weeks.
type Series struct {
	ID    string
	Group string
	Org   string
	// Weekday and Clock ("1000") are when it meets.
	Weekday time.Weekday
	Clock   string
	// Every is 1 (weekly) or 2 (every two weeks, counted from Anchor, the
	// DayCode of the first meeting).
	Every  int
	Anchor string
	// Until is the DayCode of the last day a meeting may fall on; "" for none.
	Until   string
	Place   string
	By      int64
	Created time.Time
	Stopped bool
}

// seriesLead is how many days before each meeting its occurrence is
// planned: enough for the day-before reminder and the news to come in time.
const seriesLead = 7

// seriesRuleID names a recurring meeting's rule.
func seriesRuleID(series string) string { return "grpseries:" + series }

// occurrenceID names the meeting of a recurring meeting on a day: planning
// it twice finds the same meeting.
func occurrenceID(series, day string) string { return series + "-" + day }

// newsJobID names the job telling the mothers of a meeting a rule planned.
func newsJobID(m Meeting) string { return "meet:" + m.ID + ":news" }

// Step 6 of planning: until when.

// askUntil waits for the last day of a repeating meeting, after intro
// (a message id) when set.
func (e *capability) askUntil(s *flows.Session, d meetDraft, intro string) error {
	rows := append([][]flows.Button{{{Label: flows.T{ID: "group.until_none"}, Data: verbUntil + ":-"}}},
		flows.DayRows(s.Now(), verbUntil)...)
	return e.meetAsk(s, "group.until", d, intro, flows.T{ID: "group.ask_until"}, rows)
}

// untilPressed is verbUntil + ":-", ":<day>", ":x", ":ok:<day>" or ":no".
func (e *capability) untilPressed(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, meetDraftOf)
	if !ok {
		return err
	}
	if d.Every != "1" && d.Every != "2" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	switch {
	case arg == "-":
		d.Until = "-"
		return e.meetNext(s, d)
	case arg == "x":
		return s.Reply(flows.T{ID: "appointment.type_day"})
	case arg == "no":
		return e.askUntil(s, d, "")
	}
	arg = strings.TrimPrefix(arg, "ok:")
	day, _, _ := strings.Cut(arg, "T")
	return e.untilDay(s, d, day, false)
}

// untilTyped reads a typed last day; it is read back before it is taken.
func (e *capability) untilTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, meetDraftOf)
	if !ok {
		return err
	}
	a := flows.TypedAnswer(s, text, "", "", true, verbUntil, verbUntil)
	switch {
	case a.Next == flows.ChooseReading:
		return e.meetAsk(s, "group.until", d, "", flows.T{ID: "appointment.which_one"}, a.Rows)
	case a.Day == "" || a.Next != flows.GoOn:
		intro := a.Intro
		if intro == "" {
			intro = "appointment.day_not_understood"
		}
		return e.askUntil(s, d, intro)
	}
	return e.untilDay(s, d, a.Day, true)
}

// untilDay takes day as the last day, or reads it back first when typed.
func (e *capability) untilDay(s *flows.Session, d meetDraft, day string, readBack bool) error {
	if problem := flows.DayProblem(day, s.Now()); problem != "" {
		return e.askUntil(s, d, problem)
	}
	if day < d.Day {
		return e.askUntil(s, d, "group.until_before")
	}
	if readBack {
		last, _ := flows.ParseDay(day, e.Location())
		return e.meetAsk(s, "group.until", d, "", flows.T{ID: "group.until_check", Data: map[string]any{"Day": flows.Day(last)}},
			flows.Confirm(nil, "when.yes", verbUntil+":ok:"+day, "when.no", verbUntil+":no").Buttons)
	}
	d.Until = day
	return e.meetNext(s, d)
}

// The series made, and its rule.

// startSeries stores the recurring meeting the draft describes, under the
// draft's reserved id, and adds its rule; doing it again changes nothing.
func (e *capability) startSeries(ctx context.Context, d meetDraft, g Group, by int64, first, now time.Time) (Series, error) {
	every, _ := strconv.Atoi(d.Every)
	sr := Series{ID: d.ID, Group: g.ID, Org: g.Org, Weekday: first.Weekday(), Clock: d.Time, Every: every,
		Anchor: d.Day, Until: strings.TrimPrefix(d.Until, "-"), Place: d.Place, By: by, Created: now}
	if err := e.groupStore().saveSeries(ctx, sr, now); err != nil {
		return Series{}, err
	}
	if r, ok := e.seriesRule(sr); ok {
		if err := e.Scheduler().AddRule(ctx, r); err != nil {
			return Series{}, err
		}
	}
	return sr, nil
}

// seriesRule is the rule of a recurring meeting, and whether it has
// anything left to plan. It is urgent, as it only plans: the messages it
// leads to are jobs that quiet hours hold; its event is the meeting, so an
// occurrence that comes too late after an outage is skipped. It ends once
// the meeting of its last day is planned.
func (e *capability) seriesRule(sr Series) (scheduler.Rule, bool) {
	h, m, _ := flows.ParseClock(sr.Clock)
	r := scheduler.Rule{ID: seriesRuleID(sr.ID), Spec: fmt.Sprintf("%d %d * * %d", m, h, int(sr.Weekday)), Kind: jobSeries,
		Owner: groupOwner(sr.Group), Args: map[string]string{"series": sr.ID}, Urgent: true,
		EventAfter: seriesLead * 24 * time.Hour}
	if last, ok := flows.ParseDay(sr.Until, e.Location()); ok {
		r.End = last.AddDate(0, 0, 1-seriesLead)
		if !r.End.After(e.Now()) {
			return r, false
		}
	}
	return r, true
}

// planOccurrence makes the meeting an occurrence of a recurring meeting's
// rule stands for, unless the series stopped, its group ended, its last
// day went by, or this week is not one of an every-two-weeks series. A
// meeting already there (planned before, moved or cancelled since) is left
// as it is; a retry finishes the planning of one still untouched.
func (e *capability) planOccurrence(ctx context.Context, j scheduler.Job) error {
	st := e.groupStore()
	sr, ok, err := st.series(ctx, j.Args["series"])
	if err != nil || !ok || sr.Stopped {
		return err
	}
	if _, ok, err := st.group(ctx, sr.Group); err != nil || !ok {
		return err
	}
	fired := j.Due.In(e.Location())
	if _, wall, ok := strings.Cut(j.ID, "@"); ok {
		if t, err := time.ParseInLocation("20060102T1504", wall, e.Location()); err == nil {
			fired = t
		}
	}
	day := time.Date(fired.Year(), fired.Month(), fired.Day()+seriesLead, 0, 0, 0, 0, e.Location())
	anchor, ok := flows.ParseDay(sr.Anchor, e.Location())
	switch {
	case !ok || day.Weekday() != sr.Weekday || !day.After(anchor) || weeksBetween(anchor, day)%max(sr.Every, 1) != 0:
		return nil
	case sr.Until != "" && flows.DayCode(day) > sr.Until:
		return nil
	}
	at, ok := flows.At(flows.DayCode(day), sr.Clock, e.Location())
	if !ok || !at.After(e.Now()) {
		return nil
	}
	m := Meeting{ID: occurrenceID(sr.ID, flows.DayCode(day)), Group: sr.Group, Org: sr.Org, At: at, Place: sr.Place,
		Status: meetingPlanned, By: sr.By, Created: e.Now(), Series: sr.ID}
	if saved, err := e.storeMeeting(ctx, m, saveCreateOnly); err != nil || !saved {
		return err
	}
	// The news waits for the morning when the rule fires in the quiet hours.
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: newsJobID(m), Kind: jobNews, Owner: meetingJobOwner(m),
		Due: e.Now(), Event: m.At, Args: map[string]string{"meeting": m.ID}})
}

// tellNews tells the mothers of a meeting a recurring rule planned, unless
// it was cancelled or moved meanwhile: then its own flow told them.
func (e *capability) tellNews(ctx context.Context, j scheduler.Job) error {
	st := e.groupStore()
	m, ok, err := st.meeting(ctx, j.Args["meeting"])
	if err != nil || !ok || m.Status != meetingPlanned || m.Moves > 0 {
		return err
	}
	g, ok, err := st.group(ctx, m.Group)
	if err != nil || !ok {
		return err
	}
	return e.announceMeeting(ctx, g, m)
}

// weeksBetween counts whole weeks between two days, by the calendar.
func weeksBetween(from, to time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours()/24) / 7
}

// On the group's page.

// seriesLines say when g meets, for each recurring meeting still going.
func (e *capability) seriesLines(ctx context.Context, g Group, now time.Time) ([]flows.T, error) {
	all, err := e.groupStore().seriesOf(ctx, g.ID)
	var lines []flows.T
	for _, sr := range activeSeries(all, now) {
		lines = append(lines, seriesLine(sr, e.Location())...)
	}
	return lines, err
}

// activeSeries are those of all neither stopped nor past their last day.
func activeSeries(all []Series, now time.Time) []Series {
	var out []Series
	for _, sr := range all {
		if !sr.Stopped && (sr.Until == "" || sr.Until >= flows.DayCode(now)) {
			out = append(out, sr)
		}
	}
	return out
}

// seriesLine is "Meets every Tuesday at 10:00", and "until …" when it ends.
func seriesLine(sr Series, loc *time.Location) []flows.T {
	id := "group.series_weekly"
	if sr.Every == 2 {
		id = "group.series_fortnightly"
	}
	lines := []flows.T{{ID: id, Data: map[string]any{
		"Day": flows.T{ID: "family.weekday_" + strconv.Itoa(int(sr.Weekday))}, "Time": flows.ClockText(sr.Clock)}}}
	if last, ok := flows.ParseDay(sr.Until, loc); ok {
		lines = append(lines, flows.T{ID: "group.series_until", Data: map[string]any{"Day": flows.Day(last)}})
	}
	return lines
}
