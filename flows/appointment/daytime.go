package appointment

import "nido/flows"

// Steps 4 and 5 of making an appointment, and the only ones of moving one:
// the day and the time. They are the core's WhenQuestion, as every
// capability asks them: buttons offer the next days and the usual slots;
// typed text is read by nido/flows/when, and what it cannot read is
// explained in a plain word before the question comes again.

// whenQ is the appointment's day-and-time question: the core's, asked as
// "which new day?" when the appointment is being moved.
func (e *capability) whenQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbDay, TimeVerb: verbTime, DayStep: "appt.day", TimeStep: "appt.time",
		DayText: func(data map[string]string) flows.T {
			if data["move"] != "" {
				return flows.T{ID: "appointment.ask_new_day"}
			}
			return flows.T{ID: "appointment.ask_day"}
		},
		Owns: func(data map[string]string) bool {
			_, ok := draftOf(data)
			return ok
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := draftOf(data)
			return e.apptNext(s, d)
		},
	}
}

// 4. Day.

func (e *capability) apptAskDay(s *flows.Session, d draft, intro string) error {
	return e.whenQ().AskDay(s, d.data(), intro)
}

// 5. Time.

func (e *capability) apptAskTime(s *flows.Session, d draft, intro string) error {
	return e.whenQ().AskTime(s, d.data(), intro)
}
