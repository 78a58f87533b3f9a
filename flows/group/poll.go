package group

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nido/flows"
)

// A date poll, for staff: finding a day and time that suits mothers with
// small children. From the group's page the facilitator offers two to six
// days and times, with the same day and time buttons as a meeting (the
// core's when_question.go), and a place or none. Each mother of the group
// gets one message on which she marks each date she can (✓) or cannot (✗)
// come to, and can change until the poll closes; the facilitator's own
// message shows the counts as they move (poll_answer.go). She closes it by
// choosing a date, which becomes a meeting, or cancels it (poll_close.go).
//
//  1. gpn:<group>              "Find a date" on the group's page
//  2. place                    typed, or Skip (gpk)
//  3. day, time                buttons for the next days (gpd) and the usual slots (gpt), or typed
//  4. gpa, gps                 another date (up to six), or send the poll (from two dates)
//  5. the poll sent            each mother gets it; the message pressed becomes the counts
//  6. gpo:<poll>               on the group's page, an open poll: its counts sent anew, to
//                              whoever pressed, for a colleague to follow or close it too
//
// /cancel on the way keeps nothing.

// The poll's button verbs.
const (
	verbPoll        = "gpn" // a new poll for a group
	verbPollDay     = "gpd" // the core's day question
	verbPollTime    = "gpt" // the core's time question
	verbPollNoWhere = "gpk" // no place
	verbPollAdd     = "gpa" // add another date
	verbPollSend    = "gps" // send the poll
	verbPollMark    = "gpv" // a mother's mark: gpv:<poll>:<option>:y|n
	verbPollClose   = "gpc" // close and choose the date: gpc:<poll>
	verbPollChoose  = "gpx" // the date chosen: gpx:<poll>:<option>
	verbPollCancel  = "gpz" // cancel the poll without choosing: gpz:<poll>
	verbPollOpen    = "gpo" // an open poll's counts, from the group's page: gpo:<poll>
)

// pollRoutes are the poll's ways in, for staff and for mothers.
func (e *capability) pollRoutes(staff, mother []string) []flows.Route {
	return append(e.pollQ().Routes(staff), []flows.Route{
		{Verb: verbPoll, Roles: staff, Run: e.pollStart},
		{Step: "group.poll_place", Roles: staff, Run: e.pollPlaceTyped},
		{Verb: verbPollNoWhere, Roles: staff, Run: e.pollSkipPlace},
		{Verb: verbPollAdd, Roles: staff, Run: e.pollAdd},
		{Verb: verbPollSend, Roles: staff, Run: e.pollSend},
		{Verb: verbPollClose, Roles: staff, Run: e.pollAskClose},
		{Verb: verbPollChoose, Roles: staff, Run: e.pollChoose},
		{Verb: verbPollCancel, Roles: staff, Run: e.pollCancel},
		{Verb: verbPollOpen, Roles: staff, Run: e.pollOpenCounts},
		{Verb: verbPollMark, Roles: mother, Run: e.pollMark},
	}...)
}

// pollDraft is a poll being made, kept in the conversation.
type pollDraft struct {
	Group string
	// Day and Time are the date being asked ("20261214", "1000").
	Day, Time string
	Place     string
	// PlaceAsked is set once the place was typed or skipped.
	PlaceAsked bool
	// Options are the dates taken, as "20261214T1000".
	Options []string
	// ID is the id reserved for the poll when it is sent (see pollSend).
	ID string
}

// pollDraftOf reads the draft of the conversation; ok is false when there is none.
func pollDraftOf(d map[string]string) (pollDraft, bool) {
	if d["flow"] != "poll" || d["group"] == "" {
		return pollDraft{}, false
	}
	return pollDraft{Group: d["group"], Day: d["day"], Time: d["time"], Place: d["place"],
		PlaceAsked: d["place_asked"] == "1", Options: strings.Fields(d["opts"]), ID: d["id"]}, true
}

func (d pollDraft) data() map[string]string {
	out := map[string]string{"flow": "poll", "group": d.Group}
	for k, v := range map[string]string{"day": d.Day, "time": d.Time, "place": d.Place, "id": d.ID,
		"opts": strings.Join(d.Options, " ")} {
		if v != "" {
			out[k] = v
		}
	}
	if d.PlaceAsked {
		out["place_asked"] = "1"
	}
	return out
}

// 1. Start.

func (e *capability) pollStart(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return flows.Ask(s, "group.poll_place", pollDraft{Group: g.ID}.data(), "", flows.T{ID: "group.ask_place"},
		[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbPollNoWhere}}})
}

// 2. Place, typed or skipped; then the first date.

func (e *capability) pollPlaceTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, pollDraftOf)
	if !ok {
		return err
	}
	if utf8.RuneCountInString(text) > flows.MaxPlace {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": flows.MaxPlace}})
	}
	if d.Place = flows.CleanLine(text); d.Place == "" {
		return s.Reply(flows.T{ID: "group.ask_place"})
	}
	d.PlaceAsked = true
	return e.pollAfterPlace(s, d)
}

func (e *capability) pollSkipPlace(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, pollDraftOf)
	if !ok {
		return err
	}
	d.Place, d.PlaceAsked = "", true
	return e.pollAfterPlace(s, d)
}

// pollAfterPlace asks the first date, or shows those taken (a repeat).
func (e *capability) pollAfterPlace(s *flows.Session, d pollDraft) error {
	if len(d.Options) == 0 {
		return e.pollQ().AskDay(s, d.data(), "")
	}
	return e.pollShow(s, d, "")
}

// 3. Day and time: the core's question.

// pollQ is the poll's day-and-time question, asked once for each date.
func (e *capability) pollQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbPollDay, TimeVerb: verbPollTime, DayStep: "group.poll_day", TimeStep: "group.poll_time",
		DayText: func(data map[string]string) flows.T {
			d, _ := pollDraftOf(data)
			return flows.T{ID: "group.poll_ask_day", Data: map[string]any{"N": len(d.Options) + 1, "Max": maxOptions}}
		},
		Owns: func(data map[string]string) bool {
			_, ok := pollDraftOf(data)
			return ok
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := pollDraftOf(data)
			return e.pollTake(s, d)
		},
	}
}

// pollTake adds the date asked to the options: one still ahead, and not
// offered already.
func (e *capability) pollTake(s *flows.Session, d pollDraft) error {
	if t, ok := flows.At(d.Day, d.Time, e.Location()); !ok || !t.After(s.Now()) {
		d.Time = ""
		return e.pollQ().AskTime(s, d.data(), "appointment.time_past")
	}
	opt := d.Day + "T" + d.Time
	d.Day, d.Time = "", ""
	if slices.Contains(d.Options, opt) {
		return e.pollQ().AskDay(s, d.data(), "group.poll_same")
	}
	if len(d.Options) < maxOptions {
		d.Options = append(d.Options, opt)
	}
	return e.pollShow(s, d, "")
}

// 4. The dates so far: another, or send.

// pollShow lists the dates taken, with "Add another date" while fewer
// than six and "Send the poll" from two. No typed text is awaited.
func (e *capability) pollShow(s *flows.Session, d pollDraft, intro string) error {
	var lines []flows.T
	if intro != "" {
		lines = append(lines, flows.T{ID: intro})
	}
	lines = append(lines, flows.T{ID: "group.poll_options"})
	for _, t := range e.draftTimes(d) {
		lines = append(lines, flows.T{ID: "group.poll_option_item", Data: map[string]any{"When": t}})
	}
	var row []flows.Button
	if len(d.Options) < maxOptions {
		row = append(row, flows.Button{Label: flows.T{ID: "group.poll_add"}, Data: verbPollAdd})
	}
	if len(d.Options) >= minOptions {
		row = append(row, flows.Button{Label: flows.T{ID: "group.poll_send"}, Data: verbPollSend})
	}
	if err := s.SetStep("", d.data()); err != nil {
		return err
	}
	return s.Send(flows.Message{Lines: lines, Buttons: flows.Grid(row, 1)})
}

func (e *capability) pollAdd(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, pollDraftOf)
	if !ok {
		return err
	}
	if len(d.Options) >= maxOptions {
		return e.pollShow(s, d, "")
	}
	return e.pollQ().AskDay(s, d.data(), "")
}

// draftTimes are the draft's dates, soonest first.
func (e *capability) draftTimes(d pollDraft) []time.Time {
	var out []time.Time
	for _, o := range d.Options {
		day, clock, _ := strings.Cut(o, "T")
		if t, ok := flows.At(day, clock, e.Location()); ok {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// 5. The poll sent.

// pollSend saves the poll, plans its reminder, sends each mother of the
// group her message, and turns the message pressed into the facilitator's
// counts. Its id is reserved and kept in the conversation before anything
// is written, and the conversation ends only once all is done: a repeat
// after an error rewrites the same poll, and each mother's message names
// it, so that none is sent twice.
func (e *capability) pollSend(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, pollDraftOf)
	if !ok {
		return err
	}
	g, ok, err := e.staffGroup(s, d.Group)
	if err != nil || !ok || len(d.Options) < minOptions {
		return flows.OrInvalid(s, err)
	}
	st := e.groupStore()
	if d.ID == "" {
		if d.ID, err = st.newPollID(s.Ctx()); err != nil {
			return err
		}
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	p := Poll{ID: d.ID, Group: g.ID, Org: g.Org, By: s.Person().ID, Created: s.Now(), Place: d.Place,
		Status: pollOpen, Options: e.draftTimes(d), Msg: s.Input().MessageID, MsgTo: s.Person().ID}
	saved, err := st.savePoll(s.Ctx(), p, s.Now())
	if err != nil {
		return err
	}
	if !saved {
		// Closed from another message while this send was being repeated.
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Toast(flows.T{ID: "group.poll_closed"})
	}
	if err := e.planPoll(s.Ctx(), p); err != nil {
		return err
	}
	if err := e.eachMother(s.Ctx(), g, func(m flows.Person) error {
		id, err := e.TellPost(s.Ctx(), m, "poll:"+p.ID+":sent", memberPollMessage(g, p, nil, s.Now()))
		if err != nil {
			return err
		}
		_, err = e.keepMemberPoll(s.Ctx(), g, p, m, id)
		return err
	}); err != nil {
		return err
	}
	e.Log().Info("poll sent", "user_id", s.Person().ID, "group", g.ID, "poll", p.ID)
	if err := s.EndConv(); err != nil {
		return err
	}
	// The message pressed turns into the counts by the live message's job,
	// like every later edit of them, so that it never lands after a newer one.
	e.pollMoved(s.Ctx(), p)
	return nil
}

// 6. The open polls, on the group's page.

// openPollsOnPage lists g's open polls for its page: a line each, with how
// many dates it offers and how many of the mothers in the group now have
// answered, and a button each to its counts (pollOpenCounts).
func (e *capability) openPollsOnPage(ctx context.Context, g Group, mothers []flows.Person) ([]flows.T, [][]flows.Button, error) {
	ps, err := e.groupStore().polls(ctx, g.ID)
	if err != nil {
		return nil, nil, err
	}
	var lines []flows.T
	var rows [][]flows.Button
	for _, p := range ps {
		if p.Status != pollOpen || len(rows) == flows.MaxCards {
			continue
		}
		answered := 0
		for _, m := range mothers {
			if len(p.Marks[m.ID]) > 0 {
				answered++
			}
		}
		n := len(rows) + 1
		lines = append(lines, flows.T{ID: "group.poll_item", Data: map[string]any{
			"N": n, "Dates": len(p.Options), "Answered": answered, "Mothers": len(mothers)}})
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "group.poll_see", Data: map[string]any{"N": n}},
			Data: verbPollOpen + ":" + p.ID}})
	}
	return lines, rows, nil
}

// pollOpenCounts is verbPollOpen + ":<poll>": the counts of an open poll
// sent anew to the staff member who pressed, with "Close and choose the
// date", and kept as the message the live job edits from now on. So a
// colleague of the same organisation can follow and close a poll whose
// sender is away, has left, or was erased. The message shown before stays
// as it was, its close button still working. Pressed twice, each press
// sends one; the last is followed.
func (e *capability) pollOpenCounts(s *flows.Session, id string) error {
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
	me := s.Person()
	m := staffPollMessage(g, p, mothers)
	m.ChatID, m.Lang = me.ID, s.Lang()
	msg, err := e.Post(s.Ctx(), m)
	if err != nil {
		return err
	}
	if err := e.groupStore().keepCounts(s.Ctx(), p, me.ID, msg, 0); err != nil {
		return err
	}
	e.Log().Info("poll opened", "user_id", me.ID, "poll", p.ID)
	// A mark counted between the reading above and now shows on the next edit.
	e.pollMoved(s.Ctx(), p)
	return nil
}
