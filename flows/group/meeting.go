package group

import (
	"context"
	"unicode/utf8"

	"nido/flows"
)

// Planning and cancelling a group's meeting, for staff. Planning asks, in
// this order, with the same day and time buttons as an appointment
// (the core's when_question.go), and ends with the meeting saved, its reminder
// planned and every mother of the group told, with "I'll come" and "I
// can't come"; or with /cancel, which keeps nothing.
//
//  1. grm:<group>          "Plan a meeting" on the group's page
//  2. day                  buttons for the next 14 days (gmd), or typed
//  3. time                 buttons for the usual slots (gmt), or typed
//  4. place                typed, or Skip (gms)
//  5. once or again        once, every week, every two weeks (gmr:0, gmr:1, gmr:2)
//  6. until when           for a repeating one: no end date (gmu:-), or a
//                          day, pressed (gmu:<day>) or typed and read back (series.go)
//  7. the meeting          the group's page with it; each mother gets it
//
// A repeating meeting is a recurring rule that plans each meeting a week
// ahead (series.go). Cancelling one is cancel.go, moving one move.go.

// meetDraft is a meeting being planned, kept in the conversation.
type meetDraft struct {
	Group string
	Day   string // DayCode
	Time  string // "0930"
	Place string
	// PlaceAsked is set once the place was typed or skipped.
	PlaceAsked bool
	// Every is "" until asked, then "0" (once), "1" or "2" (weeks).
	Every string
	// Until is "" until asked, then the last day (DayCode) of a repeating
	// meeting, or "-" for none.
	Until string
	// ID is the id reserved for the meeting once every answer is in, so
	// that saving it again rewrites it (see meetSave).
	ID string
}

// meetDraftOf reads the draft of the conversation; ok is false when there is none.
func meetDraftOf(d map[string]string) (meetDraft, bool) {
	if d["flow"] != "meet" || d["group"] == "" {
		return meetDraft{}, false
	}
	return meetDraft{Group: d["group"], Day: d["day"], Time: d["time"], Place: d["place"], PlaceAsked: d["place_asked"] == "1",
		Every: d["every"], Until: d["until"], ID: d["id"]}, true
}

func (d meetDraft) data() map[string]string {
	out := map[string]string{"flow": "meet", "group": d.Group}
	for k, v := range map[string]string{"day": d.Day, "time": d.Time, "place": d.Place, "every": d.Every, "until": d.Until, "id": d.ID} {
		if v != "" {
			out[k] = v
		}
	}
	if d.PlaceAsked {
		out["place_asked"] = "1"
	}
	return out
}

// 1. Start, and what to ask next.

func (e *capability) meetStart(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.meetNext(s, meetDraft{Group: g.ID})
}

// meetNext asks the first question the draft has no answer to, or saves the meeting.
func (e *capability) meetNext(s *flows.Session, d meetDraft) error {
	switch {
	case d.Day == "":
		return e.meetAskDay(s, d, "")
	case d.Time == "":
		return e.meetAskTime(s, d, "")
	}
	if t, ok := flows.At(d.Day, d.Time, e.Location()); !ok || !t.After(s.Now()) {
		d.Time = ""
		return e.meetAskTime(s, d, "appointment.time_past")
	}
	if !d.PlaceAsked {
		return e.meetAsk(s, "group.place", d, "", flows.T{ID: "group.ask_place"},
			[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbSkipPlace}}})
	}
	if d.Every == "" {
		return e.meetAsk(s, "", d, "", flows.T{ID: "group.ask_repeat"}, [][]flows.Button{
			{{Label: flows.T{ID: "group.repeat_once"}, Data: verbRepeat + ":0"}},
			{{Label: flows.T{ID: "group.repeat_weekly"}, Data: verbRepeat + ":1"}},
			{{Label: flows.T{ID: "group.repeat_fortnightly"}, Data: verbRepeat + ":2"}},
		})
	}
	if d.Every != "0" && d.Until == "" {
		return e.askUntil(s, d, "")
	}
	return e.meetSave(s, d)
}

// meetAsk waits at step with the draft and asks.
func (e *capability) meetAsk(s *flows.Session, step string, d meetDraft, intro string, q flows.T, buttons [][]flows.Button) error {
	return flows.Ask(s, step, d.data(), intro, q, buttons)
}

// 2. and 3. Day and time: the core's question.

// whenQ is the meeting's day-and-time question.
func (e *capability) whenQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbDay, TimeVerb: verbTime, DayStep: "group.day", TimeStep: "group.time",
		DayText: func(map[string]string) flows.T { return flows.T{ID: "group.ask_day"} },
		Owns: func(data map[string]string) bool {
			_, ok := meetDraftOf(data)
			return ok
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := meetDraftOf(data)
			return e.meetNext(s, d)
		},
	}
}

func (e *capability) meetAskDay(s *flows.Session, d meetDraft, intro string) error {
	return e.whenQ().AskDay(s, d.data(), intro)
}

func (e *capability) meetAskTime(s *flows.Session, d meetDraft, intro string) error {
	return e.whenQ().AskTime(s, d.data(), intro)
}

// 4. Place, typed or skipped.

func (e *capability) meetPlaceTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, meetDraftOf)
	if !ok {
		return err
	}
	if utf8.RuneCountInString(text) > flows.MaxPlace {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": flows.MaxPlace}})
	}
	if d.Place = flows.CleanLine(text); d.Place != "" {
		d.PlaceAsked = true
	}
	return e.meetNext(s, d)
}

func (e *capability) meetSkipPlace(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, meetDraftOf)
	if !ok {
		return err
	}
	d.PlaceAsked = true
	return e.meetNext(s, d)
}

// 5. Once or again; 6. until when is series.go.

func (e *capability) meetRepeat(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, meetDraftOf)
	if !ok {
		return err
	}
	if arg != "0" && arg != "1" && arg != "2" || !d.PlaceAsked || d.Time == "" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d.Every = arg
	return e.meetNext(s, d)
}

// 7. The meeting saved, planned and told.

// meetSave stores the meeting, plans its reminder and tells the group's
// mothers. Its id is reserved and kept in the conversation before anything
// is written, and the conversation ends only once all is done: a repeat
// after an error rewrites the same meeting, and each mother's message names
// the meeting, so the Telegram layer does not send it twice.
func (e *capability) meetSave(s *flows.Session, d meetDraft) error {
	g, ok, err := e.staffGroup(s, d.Group)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	st := e.groupStore()
	if d.ID == "" {
		if d.ID, err = st.newMeetingID(s.Ctx()); err != nil {
			return err
		}
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	when, _ := flows.At(d.Day, d.Time, e.Location())
	m := Meeting{ID: d.ID, Group: g.ID, Org: g.Org, At: when, Place: d.Place, Status: meetingPlanned,
		By: s.Person().ID, Created: s.Now()}
	mode := saveRewrite
	if d.Every != "0" {
		// The id reserved names the recurring meeting; the first meeting
		// is its first occurrence.
		m.ID, m.Series = occurrenceID(d.ID, d.Day), d.ID
		// Like every occurrence, only ever created: moved or cancelled
		// since, it stays so.
		mode = saveCreateOnly
	}
	saved, err := e.publishMeeting(s.Ctx(), g, m, mode)
	if err != nil {
		return err
	}
	// The recurring meeting and its rule come after its first meeting: a
	// failure before, then /cancel, leaves no rule planning meetings nobody
	// was told of. Its repeat adds them; so does one that finds the first
	// meeting cancelled by a colleague meanwhile, as the others still stand.
	if d.Every != "0" {
		if _, err := e.startSeries(s.Ctx(), d, g, s.Person().ID, when, s.Now()); err != nil {
			return err
		}
	}
	if !saved {
		// A colleague cancelled it while this save was being repeated.
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "group.meeting_cancelled"})
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.groupPage(s, g, flows.T{ID: "group.planned"})
}

// publishMeeting saves a new meeting of g, plans its reminders and tells
// every mother of the group, with "I'll come" and "I can't come". It is
// the one way a meeting comes to be (planned by hand, a poll closed, or a
// recurring meeting's rule: see storeMeeting), and safe to repeat: the
// meeting is saved again under its id as mode says (saveMeeting), and each
// mother's message names it. saved is false when the meeting was cancelled
// (or, with saveCreateOnly, moved) meanwhile; then nothing is planned or told.
func (e *capability) publishMeeting(ctx context.Context, g Group, m Meeting, mode saveMode) (saved bool, err error) {
	if saved, err = e.storeMeeting(ctx, m, mode); err != nil || !saved {
		return false, err
	}
	err = e.announceMeeting(ctx, g, m)
	return err == nil, err
}

// storeMeeting is publishMeeting without the news: the meeting saved and
// its reminders planned. A recurring rule tells the news later, outside
// quiet hours (series.go).
func (e *capability) storeMeeting(ctx context.Context, m Meeting, mode saveMode) (saved bool, err error) {
	saved, err = e.groupStore().saveMeeting(ctx, m, e.Now(), mode)
	if err != nil || !saved {
		return false, err
	}
	if err := e.planMeeting(ctx, m); err != nil {
		return false, err
	}
	e.Log().Info("meeting planned", "user_id", m.By, "group", m.Group, "meeting", m.ID, "series", m.Series)
	return true, nil
}

// announceMeeting tells every mother of g of the new meeting m, once.
func (e *capability) announceMeeting(ctx context.Context, g Group, m Meeting) error {
	return e.tellMeeting(ctx, g, m, "meet:"+m.ID+":planned", func(flows.Person) (flows.Message, bool) {
		lines := append(meetLines(g, m, "group.meeting_new"), flows.T{ID: "group.ask_come"})
		return flows.Message{Lines: lines, Buttons: meetButtons(m)}, true
	})
}
