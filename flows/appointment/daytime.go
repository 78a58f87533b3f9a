package appointment

import "nido/flows"

// Steps 4 and 5 of making an appointment, and the only ones of moving one:
// the day and the time. Buttons offer the next days and the usual slots;
// typed text is read by nido/flows/when, and what it cannot read is
// explained in a plain word before the question comes again. The buttons
// and the reading of every answer (DayRows, TimeRows, WhenAnswer) also ask
// when a group meeting is (meeting.go).

// 4. Day.

func (e *capability) apptAskDay(s *flows.Session, d draft, intro string) error {
	q := flows.T{ID: "appointment.ask_day"}
	if d.Move != "" {
		q = flows.T{ID: "appointment.ask_new_day"}
	}
	return e.apptAsk(s, "appt.day", d, intro, q, flows.DayRows(s.Now(), verbDay))
}

// apptDayButton is a day ("20270225"), a day and time from an ambiguous
// reading ("20270225T1500"), or "x" to type one.
func (e *capability) apptDayButton(s *flows.Session, arg string) error {
	d, ok := draftOf(s.Data())
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return e.apptWhen(s, d, flows.DayButtonAnswer(arg, d.Day, d.Time, s.Now()))
}

func (e *capability) apptDayTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	return e.apptWhen(s, d, flows.TypedAnswer(s, text, d.Day, d.Time, true, verbDay, verbTime))
}

// 5. Time.

func (e *capability) apptAskTime(s *flows.Session, d draft, intro string) error {
	day, _ := flows.ParseDay(d.Day, e.Location())
	q := flows.T{ID: "appointment.ask_time", Data: map[string]any{"Day": flows.Day(day)}}
	return e.apptAsk(s, "appt.time", d, intro, q, flows.TimeRows(day, s.Now(), verbTime))
}

// apptTimeButton is a slot ("0930"), "x" to type one, or "day" to choose the
// day again. A time may come before the day: one reading of an ambiguous
// "alle 3" typed at the day question; the day is asked next.
func (e *capability) apptTimeButton(s *flows.Session, arg string) error {
	d, ok := draftOf(s.Data())
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return e.apptWhen(s, d, flows.TimeButtonAnswer(arg, d.Day, d.Time))
}

func (e *capability) apptTimeTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	return e.apptWhen(s, d, flows.TypedAnswer(s, text, d.Day, d.Time, false, verbDay, verbTime))
}

// apptWhen takes an answer about the day or the time into the draft and
// asks what it calls for.
func (e *capability) apptWhen(s *flows.Session, d draft, a flows.WhenAnswer) error {
	d.Day, d.Time = a.Day, a.Time
	return a.Follow(s, d.data(), flows.WhenSteps{
		DayStep: "appt.day", TimeStep: "appt.time",
		AskDay:  func(intro string) error { return e.apptAskDay(s, d, intro) },
		AskTime: func(intro string) error { return e.apptAskTime(s, d, intro) },
	}, func() error { return e.apptNext(s, d) })
}

// Answers to "which day?" and "what time?", shared by appointments and group
// meetings: each reads a button or a typed text against the day and time
// the draft has so far, and says what to ask next.
