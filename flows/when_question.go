package flows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"nido/flows/when"
)

// The question every capability asks: which day, and what time. Buttons
// offer the next days and the usual slots; typed text is read by
// nido/flows/when, and what it cannot read is explained in a plain word
// before the question comes again; a typed day is read back before it is
// taken (when_check.go). A capability gives its two button verbs and two
// typed steps to a WhenQuestion, whose Routes answer them.

// DayRows are the day buttons, the next bookDays days then "another
// date", pressing verb: shared by appointments and group meetings.
func DayRows(now time.Time, verb string) [][]Button {
	var bs []Button
	for i, day := range when.Days(now, bookDays) {
		bs = append(bs, Button{Label: dayLabel(day, i), Data: verb + ":" + DayCode(day)})
	}
	return append(Grid(bs, 2), []Button{{Label: T{ID: "appointment.other_day"}, Data: verb + ":x"}})
}

// dayLabel is a day button: "Today 20/02", "Tomorrow 21/02", "Monday 22/02".
func dayLabel(day time.Time, i int) T {
	date := day.Format("02/01")
	switch i {
	case 0:
		return T{ID: "appointment.today", Data: map[string]any{"Date": date}}
	case 1:
		return T{ID: "appointment.tomorrow", Data: map[string]any{"Date": date}}
	}
	weekday := T{ID: fmt.Sprintf("date.weekday.%d", int(day.Weekday()))}
	return T{ID: "appointment.day_button", Data: map[string]any{"Weekday": weekday, "Date": date}}
}

// TimeRows are the time buttons of day, the usual slots still ahead then
// "another time" and "another day", pressing verb: shared by appointments
// and group meetings.
func TimeRows(day, now time.Time, verb string) [][]Button {
	var bs []Button
	for _, c := range slotsFor(day, now) {
		bs = append(bs, Button{Label: T{Plain: ClockText(c)}, Data: verb + ":" + c})
	}
	return append(Grid(bs, 4),
		[]Button{{Label: T{ID: "appointment.other_time"}, Data: verb + ":x"}},
		[]Button{{Label: T{ID: "appointment.other_day_back"}, Data: verb + ":day"}})
}

// WhenNext is what an answer about the day or the time calls for.
type WhenNext int

const (
	GoOn          WhenNext = iota // the draft's next question
	AskDay                        // the day question again, with intro
	AskTime                       // the time question again, with intro
	TypeDay                       // "type the day"
	TypeTime                      // "type the time"
	ChooseReading                 // the readings of an ambiguous text, as rows
	InvalidButton                 // a button that cannot be
)

// WhenAnswer is the day and time after an answer, and what comes next.
type WhenAnswer struct {
	// Day and Time are the draft's day ("20270225") and time ("0930"), "" while unknown.
	Day, Time string
	// Next is what to ask.
	Next WhenNext
	// Intro, when set, is a message id said before the question (what was wrong).
	Intro string
	// Rows are the readings to choose from, with ChooseReading.
	Rows [][]Button
	// Typed is true when the day was typed: it is read back before it is
	// taken. Picked is true when it was pressed on a day button: a day
	// typed before no longer needs reading back.
	Typed, Picked bool
}

// DayButtonAnswer reads a day button: a day ("20270225"), a day and time
// from an ambiguous reading ("20270225T1500"), or "x" to type one.
func DayButtonAnswer(arg, day, clock string, now time.Time) WhenAnswer {
	if arg == "x" {
		return WhenAnswer{Day: day, Time: clock, Next: TypeDay}
	}
	d, c, problem := dayAnswer(arg, now)
	if problem != "" {
		return WhenAnswer{Day: day, Time: clock, Next: AskDay, Intro: problem}
	}
	if c == "" {
		c = clock
	}
	return WhenAnswer{Day: d, Time: c, Picked: true}
}

// dayAnswer reads a day button's argument, "20270225" or "20270225T1500":
// the day, the time when it carries a valid one, and what is wrong with the
// day ("" if nothing).
func dayAnswer(arg string, now time.Time) (day, clock, problem string) {
	day, clock, _ = strings.Cut(arg, "T")
	if _, _, ok := ParseClock(clock); !ok {
		clock = ""
	}
	return day, clock, DayProblem(day, now)
}

// TimeButtonAnswer reads a time button: a slot ("0930"), "x" to type one,
// or "day" to choose the day again.
func TimeButtonAnswer(arg, day, clock string) WhenAnswer {
	switch arg {
	case "x":
		return WhenAnswer{Day: day, Time: clock, Next: TypeTime}
	case "day":
		return WhenAnswer{Next: AskDay}
	}
	if _, _, ok := ParseClock(arg); !ok {
		return WhenAnswer{Day: day, Time: clock, Next: InvalidButton}
	}
	return WhenAnswer{Day: day, Time: arg}
}

// TypedAnswer reads a typed answer to the day question (forDay) or the time
// question. Either may carry both; what is missing is asked, and the
// readings of an ambiguous text are offered as buttons pressing dayVerb
// and timeVerb.
func TypedAnswer(s *Session, text, day, clock string, forDay bool, dayVerb, timeVerb string) WhenAnswer {
	again := AskTime
	if forDay {
		again = AskDay
	}
	r, err := when.Parse(text, s.lang, s.now)
	if err != nil {
		rows, past := choiceRows(err, s.now, dayVerb, timeVerb)
		switch {
		case rows != nil:
			return WhenAnswer{Day: day, Time: clock, Next: ChooseReading, Rows: rows}
		case past:
			return WhenAnswer{Next: AskDay, Intro: "when.past"}
		}
		return WhenAnswer{Day: day, Time: clock, Next: again, Intro: WhenError(err)}
	}
	if r.HasTime {
		clock = ClockOf(r.Hour, r.Minute)
	}
	switch {
	case r.HasDate:
		d := DayCode(time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, s.e.cfg.Location))
		if problem := DayProblem(d, s.now); problem != "" {
			if problem == "appointment.day_past" && r.HasTime {
				// "ieri alle 10": understood, and gone.
				problem = "when.past"
			}
			return WhenAnswer{Next: AskDay, Intro: problem}
		}
		return WhenAnswer{Day: d, Time: clock, Typed: true}
	case forDay:
		return WhenAnswer{Day: day, Time: clock, Next: AskDay}
	case !r.HasTime:
		return WhenAnswer{Day: day, Time: clock, Next: AskTime, Intro: "appointment.when_not_understood"}
	}
	return WhenAnswer{Day: day, Time: clock}
}

// TypeWhen waits for a typed day or time at the flow's step for it.
func TypeWhen(s *Session, next WhenNext, dayStep, timeStep string, data map[string]string) error {
	step, q := dayStep, "appointment.type_day"
	if next == TypeTime {
		step, q = timeStep, "appointment.type_time"
	}
	if err := s.setStep(step, data); err != nil {
		return err
	}
	return s.reply(T{ID: q})
}

// choiceRows offer the readings of an ambiguous date or time that have not
// passed at now as buttons pressing dayVerb or timeVerb; nil when err is
// not about an ambiguity, or when every reading has passed ("ieri alle 3":
// past is then true).
func choiceRows(err error, now time.Time, dayVerb, timeVerb string) (rows [][]Button, past bool) {
	var amb *when.AmbiguousError
	if !errors.As(err, &amb) || len(amb.Choices) == 0 {
		return nil, false
	}
	var bs []Button
	for _, c := range amb.Choices {
		// A time alone is for a day still to choose: only a dated reading can have passed.
		if c.HasDate && !c.Future(now) {
			continue
		}
		bs = append(bs, choiceButton(c, now.Location(), dayVerb, timeVerb))
	}
	return Grid(bs, 1), len(bs) == 0
}

// choiceButton offers one reading of an ambiguous date or time.
func choiceButton(r when.Result, loc *time.Location, dayVerb, timeVerb string) Button {
	clock := ClockOf(r.Hour, r.Minute)
	if !r.HasDate {
		return Button{Label: T{Plain: ClockText(clock)}, Data: timeVerb + ":" + clock}
	}
	day := time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, loc)
	if !r.HasTime {
		return Button{Label: T{ID: "appointment.choice_day", Data: map[string]any{"Day": Day(day)}}, Data: dayVerb + ":" + DayCode(day)}
	}
	return Button{Label: T{ID: "appointment.choice_when", Data: map[string]any{"When": r.Time(loc)}},
		Data: dayVerb + ":" + DayCode(day) + "T" + clock}
}

// WhenError is the message for what when.Parse refused.
func WhenError(err error) string {
	switch {
	case errors.Is(err, when.ErrInvalidDate):
		return "appointment.day_impossible"
	case errors.Is(err, when.ErrInvalidTime):
		return "appointment.time_impossible"
	case errors.Is(err, when.ErrAmbiguous):
		return "appointment.when_ambiguous"
	}
	return "appointment.when_not_understood"
}

// bookDays is how many days the day buttons offer, today included.
const bookDays = 14

// MaxAhead is how far ahead an appointment may be.
const MaxAhead = 2 * 366 * 24 * time.Hour

// DayCode writes a day as the buttons carry it.
func DayCode(t time.Time) string { return t.Format("20060102") }

// ParseDay reads a day code as midnight in loc.
func ParseDay(code string, loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("20060102", code, loc)
	return t, err == nil && len(code) == 8
}

// timeSlots are the usual times of offices and clinics, offered as buttons.
func timeSlots() []string {
	return []string{"0830", "0900", "0930", "1000", "1030", "1100", "1130", "1200",
		"1430", "1500", "1530", "1600", "1630", "1700"}
}

// slotsFor lists the slots still ahead on day: all of them on a later day,
// those at least half an hour away today.
func slotsFor(day, now time.Time) []string {
	var out []string
	for _, s := range timeSlots() {
		h, m, _ := ParseClock(s)
		at := when.Result{HasDate: true, HasTime: true, Year: day.Year(), Month: day.Month(), Day: day.Day(),
			Hour: h, Minute: m}.Time(now.Location())
		if at.Sub(now) >= 30*time.Minute {
			out = append(out, s)
		}
	}
	return out
}

// ParseClock reads "0930" as 9, 30.
func ParseClock(s string) (h, m int, ok bool) {
	if len(s) != 4 {
		return 0, 0, false
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, false
		}
	}
	h, m = int(s[0]-'0')*10+int(s[1]-'0'), int(s[2]-'0')*10+int(s[3]-'0')
	if h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// ClockText shows "0930" as "09:30".
func ClockText(s string) string {
	if len(s) != 4 {
		return s
	}
	return s[:2] + ":" + s[2:]
}

// at is the instant of a day code and a clock code in loc.
func At(day, clock string, loc *time.Location) (time.Time, bool) {
	d, ok := ParseDay(day, loc)
	h, m, ok2 := ParseClock(clock)
	if !ok || !ok2 {
		return time.Time{}, false
	}
	return when.Result{HasDate: true, HasTime: true, Year: d.Year(), Month: d.Month(), Day: d.Day(),
		Hour: h, Minute: m}.Time(loc), true
}

// DayProblem says what is wrong with a day code at now, "" if nothing.
func DayProblem(day string, now time.Time) string {
	d, ok := ParseDay(day, now.Location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch {
	case !ok:
		return "appointment.day_not_understood"
	case d.Before(today):
		return "appointment.day_past"
	case d.Sub(today) > MaxAhead:
		return "appointment.day_far"
	}
	return ""
}

func ClockOf(h, m int) string { return fmt.Sprintf("%02d%02d", h, m) }

// WhenSteps are the two steps at which a capability waits for a typed day
// or time, and how it asks the day and the time questions again, with an
// intro when one is due.
type WhenSteps struct {
	DayStep, TimeStep string
	AskDay, AskTime   func(intro string) error
}

// Follow asks what the answer calls for, with data as the conversation's
// draft (already holding a's day and time): the day or the time question
// again, a typed day or time, a choice between the readings of an ambiguous
// text, or a word that the button is no longer valid. When the answer was
// taken, next goes on with the draft.
func (a WhenAnswer) Follow(s *Session, data map[string]string, q WhenSteps, next func() error) error {
	switch a.Next {
	case AskDay:
		return q.AskDay(a.Intro)
	case AskTime:
		return q.AskTime(a.Intro)
	case TypeDay, TypeTime:
		return TypeWhen(s, a.Next, q.DayStep, q.TimeStep, data)
	case ChooseReading:
		return Ask(s, s.Step(), data, "", T{ID: "appointment.which_one"}, a.Rows)
	case InvalidButton:
		return s.Reply(T{ID: "common.button_invalid"})
	}
	return next()
}

// Ask waits at step, keeping data, and asks q with buttons, after intro
// (a message id) when there is one.
func Ask(s *Session, step string, data map[string]string, intro string, q T, buttons [][]Button) error {
	if err := s.SetStep(step, data); err != nil {
		return err
	}
	var lines []T
	if intro != "" {
		lines = append(lines, T{ID: intro})
	}
	return s.Send(Message{Lines: append(lines, q), Buttons: buttons})
}

// maxDateWords is how many words at the start of a one-line command may be
// the date and time ("martedì 25 febbraio 2027 alle 9:30" has six).
const maxDateWords = 7

// DateAtStart reads a date (and usually a time) at the start of text, as
// one-line commands carry it ("/appointment 25/02/2027 09:30 Pediatra"), and
// returns what follows it. The error is when's, for the longest start that
// looked like a date, so "31/02/2027 10:00 x" says "impossible date" rather
// than "not understood".
func DateAtStart(text, lang string, now time.Time) (when.Result, string, error) {
	words := strings.Fields(text)
	var firstErr error
	for n := min(len(words), maxDateWords); n >= 1; n-- {
		r, err := when.Parse(strings.Join(words[:n], " "), lang, now)
		if err != nil {
			if firstErr == nil && !errors.Is(err, when.ErrNotUnderstood) {
				firstErr = err
			}
			continue
		}
		if r.HasDate {
			return r, strings.Join(words[n:], " "), nil
		}
	}
	if firstErr == nil {
		firstErr = when.ErrNotUnderstood
	}
	return when.Result{}, "", firstErr
}

// WhenQuestion is the day-and-time question as one capability asks it:
// its two button verbs and two typed steps, the day question, how to find
// its draft in the conversation and how to go on. The draft keeps the day
// and the time in its data under "day" and "time"; Routes answers the
// buttons and the typed text, and reads a typed day back before Next
// (when_check.go), so that a capability writes only what comes before and
// after.
type WhenQuestion struct {
	DayVerb, TimeVerb string
	DayStep, TimeStep string
	// DayText is the day question for the draft in data ("Which day is the visit?").
	DayText func(data map[string]string) T
	// Owns reports whether the conversation's data hold the capability's
	// draft: a button pressed after the conversation ended or expired finds
	// none, and is no longer valid.
	Owns func(data map[string]string) bool
	// Next goes on once the answer was taken into data["day"] and
	// data["time"]: both known, still to come, and a typed day confirmed.
	Next func(s *Session, data map[string]string) error
}

// Routes are the question's ways in, for roles: the day and time buttons,
// the typed day and time, and the read-back of a typed day (its buttons
// press the day verb, and text typed at it is read as a new answer).
func (q WhenQuestion) Routes(roles []string) []Route {
	return []Route{
		{Verb: q.DayVerb, Roles: roles, Run: func(s *Session, arg string) error {
			if what, code, ok := strings.Cut(arg, ":"); ok && (what == checkYes || what == checkNo) {
				return q.checked(s, what == checkYes, code)
			}
			return q.answer(s, func(day, clock string) WhenAnswer { return DayButtonAnswer(arg, day, clock, s.now) })
		}},
		{Step: q.DayStep, Roles: roles, Run: func(s *Session, text string) error {
			return q.answer(s, func(day, clock string) WhenAnswer {
				return TypedAnswer(s, text, day, clock, true, q.DayVerb, q.TimeVerb)
			})
		}},
		{Verb: q.TimeVerb, Roles: roles, Run: func(s *Session, arg string) error {
			return q.answer(s, func(day, clock string) WhenAnswer { return TimeButtonAnswer(arg, day, clock) })
		}},
		{Step: q.TimeStep, Roles: roles, Run: func(s *Session, text string) error {
			return q.answer(s, func(day, clock string) WhenAnswer {
				return TypedAnswer(s, text, day, clock, false, q.DayVerb, q.TimeVerb)
			})
		}},
		{Step: q.checkStep(), Roles: roles, Run: q.checkTyped},
	}
}

// AskDay waits for the day of the draft in data, after intro (a message id) when set.
func (q WhenQuestion) AskDay(s *Session, data map[string]string, intro string) error {
	return Ask(s, q.DayStep, data, intro, q.DayText(data), DayRows(s.now, q.DayVerb))
}

// AskTime waits for the time of the draft in data, whose day is known.
func (q WhenQuestion) AskTime(s *Session, data map[string]string, intro string) error {
	day, _ := ParseDay(data["day"], s.e.cfg.Location)
	return Ask(s, q.TimeStep, data, intro, T{ID: "appointment.ask_time", Data: map[string]any{"Day": Day(day)}},
		TimeRows(day, s.now, q.TimeVerb))
}

// answer reads an answer against the draft's day and time and asks what
// it calls for; once the day and the time are known, settle goes on.
func (q WhenQuestion) answer(s *Session, read func(day, clock string) WhenAnswer) error {
	if !q.Owns(s.Data()) {
		return s.reply(T{ID: "common.button_invalid"})
	}
	// Another answer: the read-back on screen, and what it held, no longer stand.
	data := withoutCheck(s.Data())
	return q.take(s, data, read(data["day"], data["time"]))
}

// take puts answer a into data, the draft, and asks what it calls for.
func (q WhenQuestion) take(s *Session, data map[string]string, a WhenAnswer) error {
	data["day"], data["time"] = a.Day, a.Time
	switch {
	case a.Typed:
		data[dataTyped] = "1"
	case a.Picked || a.Day == "":
		delete(data, dataTyped)
	}
	return a.Follow(s, data, WhenSteps{
		DayStep: q.DayStep, TimeStep: q.TimeStep,
		AskDay:  func(intro string) error { return q.AskDay(s, data, intro) },
		AskTime: func(intro string) error { return q.AskTime(s, data, intro) },
	}, func() error { return q.settle(s, data) })
}
