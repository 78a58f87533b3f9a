package flows

import (
	"crypto/rand"
	"errors"
	"maps"
	"time"

	"nido/flows/when"
)

// The read-back of a typed day and time, for every capability that asks
// the core's question. A typed date may be read otherwise than it was
// meant ("10/12" for 12 October), so before the draft takes it Nido says it
// back with its weekday, in the person's language and on Nido's clock:
// "Tuesday 15 December 2026, 15:30: is that right?", Yes or No. Yes goes
// on; No asks the day and the time again. A day pressed on a button, or a
// reading chosen among buttons that showed it in full, is not read back.
//
// While the question is asked, the conversation keeps, beside the draft's
// "day" and "time":
//
//	dataTyped             "1" while the day is one that was typed
//	dataDay, dataTime     the day and time being read back: the draft's
//	                      own are empty meanwhile, so that no other button
//	                      of the capability (an old Skip) saves them unread
//	dataCheck             the code of the read-back on screen: its buttons
//	                      carry it, and any other answer removes it, so that
//	                      an old or forged Yes changes nothing
const (
	dataTyped = "when_typed"
	dataDay   = "when_day"
	dataTime  = "when_time"
	dataCheck = "when_check"
)

// What the read-back's buttons press after the day verb, with the code:
// "apd:ok:K2JX7QAB".
const (
	checkYes = "ok"
	checkNo  = "no"
)

// checkStep waits at the read-back: text typed there is a new answer.
func (q WhenQuestion) checkStep() string { return q.DayStep + ".check" }

// Typed goes on with a day and a time that the capability read itself from
// typed text, such as a one-line command ("/appointment 25/02/2027 09:30
// Pediatra"), kept in data as "day" and "time": as after a typed answer, a
// day that cannot be is asked again, a missing time is asked, and the day
// is read back before Next takes the draft.
func (q WhenQuestion) Typed(s *Session, data map[string]string) error {
	data = withoutCheck(data)
	delete(data, dataTyped)
	if data["day"] == "" {
		return q.settle(s, data)
	}
	if problem := DayProblem(data["day"], s.now); problem != "" {
		delete(data, "day")
		delete(data, "time")
		return q.AskDay(s, data, problem)
	}
	data[dataTyped] = "1"
	return q.settle(s, data)
}

// settle goes on once an answer was taken into data: what is missing is
// asked, a time that has passed is asked again, a typed day is read back,
// and otherwise Next takes the draft.
func (q WhenQuestion) settle(s *Session, data map[string]string) error {
	switch {
	case data["day"] == "":
		return q.AskDay(s, data, "")
	case data["time"] == "":
		return q.AskTime(s, data, "")
	}
	at, ok := At(data["day"], data["time"], s.e.cfg.Location)
	switch {
	case ok && !at.After(s.now):
		delete(data, "time")
		return q.AskTime(s, data, "appointment.time_past")
	case ok && data[dataTyped] == "1":
		return q.readBack(s, data, at, "")
	}
	delete(data, dataTyped)
	return q.Next(s, data)
}

// readBack says the day and time in data, at, after intro (a message id)
// when set, and waits for Yes or No with the draft's day and time set
// aside. A read-back said again keeps its code, so that the Yes of either
// message holds.
func (q WhenQuestion) readBack(s *Session, data map[string]string, at time.Time, intro string) error {
	if data[dataCheck] == "" {
		data[dataCheck] = rand.Text()[:8]
	}
	data[dataDay], data[dataTime] = data["day"], data["time"]
	delete(data, "day")
	delete(data, "time")
	if err := s.setStep(q.checkStep(), data); err != nil {
		return err
	}
	var lines []T
	if intro != "" {
		lines = append(lines, T{ID: intro})
	}
	lines = append(lines, T{ID: "when.check", Data: map[string]any{"When": at}})
	code := data[dataCheck]
	return s.send(Confirm(lines, "when.yes", q.DayVerb+":"+checkYes+":"+code, "when.no", q.DayVerb+":"+checkNo+":"+code))
}

// checked answers the read-back's Yes or No, which carries code. A button
// of a read-back no longer on screen (answered, or the draft changed since,
// or the conversation over) is no longer valid and changes nothing; but a
// Yes pressed again, or delivered again, after what its first press led to
// stopped half-way goes on again (yesStopped).
func (q WhenQuestion) checked(s *Session, yes bool, code string) error {
	data := s.Data()
	if yes && q.yesStopped(s, data) {
		return q.settle(s, maps.Clone(data))
	}
	if !q.Owns(data) || data[dataCheck] == "" || code != data[dataCheck] {
		return s.reply(T{ID: "common.button_invalid"})
	}
	day, clock := data[dataDay], data[dataTime]
	data = withoutCheck(data)
	delete(data, dataTyped)
	if !yes {
		return q.AskDay(s, data, "")
	}
	data["day"], data["time"] = day, clock
	// settle again: the time may have passed while the read-back waited.
	return q.settle(s, data)
}

// yesStopped reports whether a Yes was taken and what it went on to
// stopped half-way, before asking anything else: an error while the
// capability saved, which keeps its draft where the read-back was
// (appointments reserve an id there) so that doing it again rewrites the
// same thing. The conversation then still waits at the read-back, with no
// read-back on screen, and its draft holds the day and time that Yes
// confirmed: any Yes goes on again with them, and with nothing else.
func (q WhenQuestion) yesStopped(s *Session, data map[string]string) bool {
	return s.Step() == q.checkStep() && q.Owns(data) && data[dataCheck] == "" && data[dataTyped] == "" &&
		data["day"] != "" && data["time"] != ""
}

// checkTyped reads text typed at the read-back: a day or a time is a new
// answer ("no, 16:00"), taken with what was read back and read back in
// turn. Anything else ("sì", "alle 3", "25:00") gets the read-back again,
// after a word on what was wrong: the day and time being read back never
// go into the draft unconfirmed.
func (q WhenQuestion) checkTyped(s *Session, text string) error {
	data := s.Data()
	if !q.Owns(data) || data[dataCheck] == "" {
		return s.reply(T{ID: "common.button_invalid"})
	}
	day, clock := data[dataDay], data[dataTime]
	at, ok := At(day, clock, s.e.cfg.Location)
	again := func(intro string) error {
		data = maps.Clone(data)
		data["day"], data["time"] = day, clock
		return q.readBack(s, data, at, intro)
	}
	if _, err := when.Parse(text, s.lang, s.now); ok && errors.Is(err, when.ErrNotUnderstood) {
		return again("common.not_understood")
	}
	// Both are known here: a time alone changes the time, a day alone the day.
	a := TypedAnswer(s, text, day, clock, false, q.DayVerb, q.TimeVerb)
	switch {
	case ok && a.Next == ChooseReading:
		return again("appointment.when_ambiguous")
	case ok && a.Next != GoOn && a.Day == day && a.Time == clock:
		return again(a.Intro)
	}
	data = withoutCheck(data)
	return q.take(s, data, a)
}

// withoutCheck is a copy of data without a read-back and what it held.
func withoutCheck(data map[string]string) map[string]string {
	data = maps.Clone(data)
	if data == nil {
		data = map[string]string{}
	}
	delete(data, dataCheck)
	delete(data, dataDay)
	delete(data, dataTime)
	return data
}
