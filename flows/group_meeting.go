package flows

import "unicode/utf8"

// Planning and cancelling a group's meeting, for staff. Planning asks, in
// this order, with the same day and time buttons as an appointment
// (appointment_daytime.go), and ends with the meeting saved, its reminder
// planned and every mother of the group told, with "I'll come" and "I
// can't come"; or with /cancel, which keeps nothing.
//
//  1. grm:<group>          "Plan a meeting" on the group's page
//  2. day                  buttons for the next 14 days (gmd), or typed
//  3. time                 buttons for the usual slots (gmt), or typed
//  4. place                typed, or Skip (gms)
//  5. the meeting          the group's page with it; each mother gets it
//
// Cancelling one is group_cancel.go.

// meetDraft is a meeting being planned, kept in the conversation.
type meetDraft struct {
	Group string
	Day   string // dayCode
	Time  string // "0930"
	Place string
	// PlaceAsked is set once the place was typed or skipped.
	PlaceAsked bool
	// ID is the id reserved for the meeting once every answer is in, so
	// that saving it again rewrites it (see meetSave).
	ID string
}

// meetDraftOf reads the draft of the conversation; ok is false when there is none.
func meetDraftOf(c conv) (meetDraft, bool) {
	d := c.Data
	if d["f"] != "meet" || d["g"] == "" {
		return meetDraft{}, false
	}
	return meetDraft{Group: d["g"], Day: d["d"], Time: d["t"], Place: d["p"], PlaceAsked: d["pa"] == "1", ID: d["id"]}, true
}

func (d meetDraft) data() map[string]string {
	out := map[string]string{"f": "meet", "g": d.Group}
	for k, v := range map[string]string{"d": d.Day, "t": d.Time, "p": d.Place, "id": d.ID} {
		if v != "" {
			out[k] = v
		}
	}
	if d.PlaceAsked {
		out["pa"] = "1"
	}
	return out
}

// 1. Start, and what to ask next.

func meetStart(s *Session, id string) error {
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	return meetNext(s, meetDraft{Group: g.ID})
}

// meetNext asks the first question the draft has no answer to, or saves the meeting.
func meetNext(s *Session, d meetDraft) error {
	switch {
	case d.Day == "":
		return meetAskDay(s, d, "")
	case d.Time == "":
		return meetAskTime(s, d, "")
	}
	if t, ok := at(d.Day, d.Time, s.e.cfg.Location); !ok || !t.After(s.now) {
		d.Time = ""
		return meetAskTime(s, d, "appointment.time_past")
	}
	if !d.PlaceAsked {
		return meetAsk(s, "group.place", d, "", T{ID: "group.ask_place"},
			[][]Button{{{Label: T{ID: "appointment.skip"}, Data: "gms"}}})
	}
	return meetSave(s, d)
}

// meetAsk waits at step with the draft and asks.
func meetAsk(s *Session, step string, d meetDraft, intro string, q T, buttons [][]Button) error {
	if err := s.setStep(step, d.data()); err != nil {
		return err
	}
	var lines []T
	if intro != "" {
		lines = append(lines, T{ID: intro})
	}
	return s.send(Message{Lines: append(lines, q), Buttons: buttons})
}

// meetDraftOrInvalid is the conversation's draft; a button pressed after
// the conversation ended or expired is no longer valid.
func meetDraftOrInvalid(s *Session) (meetDraft, bool, error) {
	d, ok := meetDraftOf(s.conv)
	if !ok {
		return d, false, s.reply(T{ID: "common.button_invalid"})
	}
	return d, true, nil
}

// 2. Day.

func meetAskDay(s *Session, d meetDraft, intro string) error {
	return meetAsk(s, "group.day", d, intro, T{ID: "group.ask_day"}, dayRows(s.now, "gmd"))
}

func meetDayButton(s *Session, arg string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	return meetWhen(s, d, dayButtonAnswer(arg, d.Day, d.Time, s.now))
}

func meetDayTyped(s *Session, text string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	return meetWhen(s, d, typedAnswer(s, text, d.Day, d.Time, true, "gmd", "gmt"))
}

// meetWhen takes an answer about the day or the time into the draft and
// asks what it calls for (see whenAnswer).
func meetWhen(s *Session, d meetDraft, a whenAnswer) error {
	d.Day, d.Time = a.day, a.time
	switch a.next {
	case askDay:
		return meetAskDay(s, d, a.intro)
	case askTime:
		return meetAskTime(s, d, a.intro)
	case typeDay, typeTime:
		return typeWhen(s, a.next, "group.day", "group.time", d.data())
	case chooseReading:
		return meetAsk(s, s.conv.Step, d, "", T{ID: "appointment.which_one"}, a.rows)
	case invalidButton:
		return s.reply(T{ID: "common.button_invalid"})
	}
	return meetNext(s, d)
}

// 3. Time.

func meetAskTime(s *Session, d meetDraft, intro string) error {
	day, _ := parseDay(d.Day, s.e.cfg.Location)
	q := T{ID: "appointment.ask_time", Data: map[string]any{"Day": Day(day)}}
	return meetAsk(s, "group.time", d, intro, q, timeRows(day, s.now, "gmt"))
}

// meetTimeButton is a slot ("0930"), "x" to type one, or "day" to choose the day again.
func meetTimeButton(s *Session, arg string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	return meetWhen(s, d, timeButtonAnswer(arg, d.Day, d.Time))
}

func meetTimeTyped(s *Session, text string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	return meetWhen(s, d, typedAnswer(s, text, d.Day, d.Time, false, "gmd", "gmt"))
}

// 4. Place, typed or skipped.

func meetPlaceTyped(s *Session, text string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	if utf8.RuneCountInString(text) > maxPlace {
		return s.reply(T{ID: "appointment.too_long", Data: map[string]any{"Max": maxPlace}})
	}
	if d.Place = cleanLine(text); d.Place != "" {
		d.PlaceAsked = true
	}
	return meetNext(s, d)
}

func meetSkipPlace(s *Session, _ string) error {
	d, ok, err := meetDraftOrInvalid(s)
	if !ok {
		return err
	}
	d.PlaceAsked = true
	return meetNext(s, d)
}

// 5. The meeting saved, planned and told.

// meetSave stores the meeting, plans its reminder and tells the group's
// mothers. Its id is reserved and kept in the conversation before anything
// is written, and the conversation ends only once all is done: a repeat
// after an error rewrites the same meeting, and each mother's message names
// the meeting, so the Telegram layer does not send it twice.
func meetSave(s *Session, d meetDraft) error {
	g, ok, err := staffGroup(s, d.Group)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.endConv(); err != nil {
			return err
		}
		return s.reply(T{ID: "common.button_invalid"})
	}
	st := s.e.groupStore()
	if d.ID == "" {
		if d.ID, err = st.newMeetingID(s.ctx); err != nil {
			return err
		}
		if err := s.setStep(s.conv.Step, d.data()); err != nil {
			return err
		}
	}
	when, _ := at(d.Day, d.Time, s.e.cfg.Location)
	m := Meeting{ID: d.ID, Group: g.ID, Org: g.Org, At: when, Place: d.Place, Status: meetingPlanned,
		By: s.person.ID, Created: s.now}
	saved, err := st.saveMeeting(s.ctx, m, s.now)
	if err != nil {
		return err
	}
	if !saved {
		// A colleague cancelled it while this save was being repeated.
		if err := s.endConv(); err != nil {
			return err
		}
		return s.reply(T{ID: "group.meeting_cancelled"})
	}
	if err := s.e.planMeeting(s.ctx, m); err != nil {
		return err
	}
	s.e.log.Info("meeting planned", "user_id", s.person.ID, "group", g.ID, "meeting", m.ID)
	if err := s.e.tellGroup(s.ctx, g, "meet:"+m.ID+":planned", func(Person) (Message, bool) {
		lines := append(meetLines(g, m, "group.meeting_new"), T{ID: "group.ask_come"})
		return Message{Lines: lines, Buttons: meetButtons(m)}, true
	}); err != nil {
		return err
	}
	if err := s.endConv(); err != nil {
		return err
	}
	return groupPage(s, g, T{ID: "group.planned"})
}
