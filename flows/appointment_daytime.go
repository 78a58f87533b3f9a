package flows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"nido/flows/when"
)

// Steps 4 and 5 of making an appointment, and the only ones of moving one:
// the day and the time. Buttons offer the next days and the usual slots;
// typed text is read by nido/flows/when, and what it cannot read is
// explained in a plain word before the question comes again. The buttons
// and the reading of every answer (dayRows, timeRows, whenAnswer) also ask
// when a group meeting is (group_meeting.go).

// 4. Day.

func apptAskDay(s *Session, d draft, intro string) error {
	q := T{ID: "appointment.ask_day"}
	if d.Move != "" {
		q = T{ID: "appointment.ask_new_day"}
	}
	return apptAsk(s, "appt.day", d, intro, q, dayRows(s.now, "apd"))
}

// dayRows are the day buttons, the next bookDays days then "another
// date", pressing verb: shared by appointments and group meetings.
func dayRows(now time.Time, verb string) [][]Button {
	var bs []Button
	for i, day := range when.Days(now, bookDays) {
		bs = append(bs, Button{Label: dayLabel(day, i), Data: verb + ":" + dayCode(day)})
	}
	return append(grid(bs, 2), []Button{{Label: T{ID: "appointment.other_day"}, Data: verb + ":x"}})
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

// apptDayButton is a day ("20270225"), a day and time from an ambiguous
// reading ("20270225T1500"), or "x" to type one.
func apptDayButton(s *Session, arg string) error {
	d, ok := draftOf(s.conv)
	if !ok {
		return s.reply(T{ID: "common.button_invalid"})
	}
	return apptWhen(s, d, dayButtonAnswer(arg, d.Day, d.Time, s.now))
}

func apptDayTyped(s *Session, text string) error {
	d := apptDraft(s)
	return apptWhen(s, d, typedAnswer(s, text, d.Day, d.Time, true, "apd", "apt"))
}

// 5. Time.

func apptAskTime(s *Session, d draft, intro string) error {
	day, _ := parseDay(d.Day, s.e.cfg.Location)
	q := T{ID: "appointment.ask_time", Data: map[string]any{"Day": Day(day)}}
	return apptAsk(s, "appt.time", d, intro, q, timeRows(day, s.now, "apt"))
}

// timeRows are the time buttons of day, the usual slots still ahead then
// "another time" and "another day", pressing verb: shared by appointments
// and group meetings.
func timeRows(day, now time.Time, verb string) [][]Button {
	var bs []Button
	for _, c := range slotsFor(day, now) {
		bs = append(bs, Button{Label: T{Plain: clockText(c)}, Data: verb + ":" + c})
	}
	return append(grid(bs, 4),
		[]Button{{Label: T{ID: "appointment.other_time"}, Data: verb + ":x"}},
		[]Button{{Label: T{ID: "appointment.other_day_back"}, Data: verb + ":day"}})
}

// apptTimeButton is a slot ("0930"), "x" to type one, or "day" to choose the
// day again. A time may come before the day: one reading of an ambiguous
// "alle 3" typed at the day question; the day is asked next.
func apptTimeButton(s *Session, arg string) error {
	d, ok := draftOf(s.conv)
	if !ok {
		return s.reply(T{ID: "common.button_invalid"})
	}
	return apptWhen(s, d, timeButtonAnswer(arg, d.Day, d.Time))
}

func apptTimeTyped(s *Session, text string) error {
	d := apptDraft(s)
	return apptWhen(s, d, typedAnswer(s, text, d.Day, d.Time, false, "apd", "apt"))
}

// apptWhen takes an answer about the day or the time into the draft and
// asks what it calls for.
func apptWhen(s *Session, d draft, a whenAnswer) error {
	d.Day, d.Time = a.day, a.time
	switch a.next {
	case askDay:
		return apptAskDay(s, d, a.intro)
	case askTime:
		return apptAskTime(s, d, a.intro)
	case typeDay, typeTime:
		return typeWhen(s, a.next, "appt.day", "appt.time", d.data())
	case chooseReading:
		return apptAsk(s, s.conv.Step, d, "", T{ID: "appointment.which_one"}, a.rows)
	case invalidButton:
		return s.reply(T{ID: "common.button_invalid"})
	}
	return apptNext(s, d)
}

// Answers to "which day?" and "what time?", shared by appointments and group
// meetings: each reads a button or a typed text against the day and time
// the draft has so far, and says what to ask next.

// whenNext is what an answer about the day or the time calls for.
type whenNext int

const (
	goOn          whenNext = iota // the draft's next question
	askDay                        // the day question again, with intro
	askTime                       // the time question again, with intro
	typeDay                       // "type the day"
	typeTime                      // "type the time"
	chooseReading                 // the readings of an ambiguous text, as rows
	invalidButton                 // a button that cannot be
)

// whenAnswer is the day and time after an answer, and what comes next.
type whenAnswer struct {
	day, time string
	next      whenNext
	intro     string
	rows      [][]Button
}

// dayButtonAnswer reads a day button: a day ("20270225"), a day and time
// from an ambiguous reading ("20270225T1500"), or "x" to type one.
func dayButtonAnswer(arg, day, clock string, now time.Time) whenAnswer {
	if arg == "x" {
		return whenAnswer{day: day, time: clock, next: typeDay}
	}
	d, c, problem := dayAnswer(arg, now)
	if problem != "" {
		return whenAnswer{day: day, time: clock, next: askDay, intro: problem}
	}
	if c == "" {
		c = clock
	}
	return whenAnswer{day: d, time: c}
}

// dayAnswer reads a day button's argument, "20270225" or "20270225T1500":
// the day, the time when it carries a valid one, and what is wrong with the
// day ("" if nothing).
func dayAnswer(arg string, now time.Time) (day, clock, problem string) {
	day, clock, _ = strings.Cut(arg, "T")
	if _, _, ok := parseClock(clock); !ok {
		clock = ""
	}
	return day, clock, dayProblem(day, now)
}

// timeButtonAnswer reads a time button: a slot ("0930"), "x" to type one,
// or "day" to choose the day again.
func timeButtonAnswer(arg, day, clock string) whenAnswer {
	switch arg {
	case "x":
		return whenAnswer{day: day, time: clock, next: typeTime}
	case "day":
		return whenAnswer{next: askDay}
	}
	if _, _, ok := parseClock(arg); !ok {
		return whenAnswer{day: day, time: clock, next: invalidButton}
	}
	return whenAnswer{day: day, time: arg}
}

// typedAnswer reads a typed answer to the day question (forDay) or the time
// question. Either may carry both; what is missing is asked, and the
// readings of an ambiguous text are offered as buttons pressing dayVerb
// and timeVerb.
func typedAnswer(s *Session, text, day, clock string, forDay bool, dayVerb, timeVerb string) whenAnswer {
	again := askTime
	if forDay {
		again = askDay
	}
	r, err := when.Parse(text, s.lang, s.now)
	if err != nil {
		if rows := choiceRows(err, s.e.cfg.Location, dayVerb, timeVerb); rows != nil {
			return whenAnswer{day: day, time: clock, next: chooseReading, rows: rows}
		}
		return whenAnswer{day: day, time: clock, next: again, intro: whenError(err)}
	}
	if r.HasTime {
		clock = clockOf(r.Hour, r.Minute)
	}
	switch {
	case r.HasDate:
		d := dayCode(time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, s.e.cfg.Location))
		if problem := dayProblem(d, s.now); problem != "" {
			return whenAnswer{next: askDay, intro: problem}
		}
		return whenAnswer{day: d, time: clock}
	case forDay:
		return whenAnswer{day: day, time: clock, next: askDay}
	case !r.HasTime:
		return whenAnswer{day: day, time: clock, next: askTime, intro: "appointment.when_not_understood"}
	}
	return whenAnswer{day: day, time: clock}
}

// typeWhen waits for a typed day or time at the flow's step for it.
func typeWhen(s *Session, next whenNext, dayStep, timeStep string, data map[string]string) error {
	step, q := dayStep, "appointment.type_day"
	if next == typeTime {
		step, q = timeStep, "appointment.type_time"
	}
	if err := s.setStep(step, data); err != nil {
		return err
	}
	return s.reply(T{ID: q})
}

// choiceRows offer the readings of an ambiguous date or time as buttons
// pressing dayVerb or timeVerb; nil when err is not about an ambiguity.
func choiceRows(err error, loc *time.Location, dayVerb, timeVerb string) [][]Button {
	var amb *when.AmbiguousError
	if !errors.As(err, &amb) || len(amb.Choices) == 0 {
		return nil
	}
	var bs []Button
	for _, c := range amb.Choices {
		bs = append(bs, choiceButton(c, loc, dayVerb, timeVerb))
	}
	return grid(bs, 1)
}

// choiceButton offers one reading of an ambiguous date or time.
func choiceButton(r when.Result, loc *time.Location, dayVerb, timeVerb string) Button {
	clock := clockOf(r.Hour, r.Minute)
	if !r.HasDate {
		return Button{Label: T{Plain: clockText(clock)}, Data: timeVerb + ":" + clock}
	}
	day := time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, loc)
	if !r.HasTime {
		return Button{Label: T{ID: "appointment.choice_day", Data: map[string]any{"Day": Day(day)}}, Data: dayVerb + ":" + dayCode(day)}
	}
	return Button{Label: T{ID: "appointment.choice_when", Data: map[string]any{"When": r.Time(loc)}},
		Data: dayVerb + ":" + dayCode(day) + "T" + clock}
}

// whenError is the message for what when.Parse refused.
func whenError(err error) string {
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
