package flows_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nido/flows"
	"nido/flows/flowstest"
)

// visits is a capability that asks only the core's day-and-time question,
// from its buttons or from a one-line "/visit 15/12/2026 15:30", and says
// what it took.
func visits() flows.Maker {
	return func(e *flows.Engine) flows.Capability {
		q := flows.WhenQuestion{DayVerb: "vd", TimeVerb: "vt", DayStep: "visit.day", TimeStep: "visit.time",
			DayText: func(map[string]string) flows.T { return flows.T{Plain: "Which day?"} },
			Owns:    func(data map[string]string) bool { return data["flow"] == "visit" },
			Next: func(s *flows.Session, data map[string]string) error {
				// Kept where it is before it is done, as a capability
				// reserves an id before saving.
				if err := s.SetStep(s.Step(), data); err != nil {
					return err
				}
				if err := s.EndConv(); err != nil {
					return err
				}
				return s.Reply(flows.T{Plain: "taken " + data["day"] + " " + data["time"]})
			},
		}
		start := func(s *flows.Session, arg string) error {
			data := map[string]string{"flow": "visit"}
			if arg == "" {
				return q.AskDay(s, data, "")
			}
			r, _, err := flows.DateAtStart(arg, s.Lang(), s.Now())
			if err != nil {
				return s.Reply(flows.T{ID: flows.WhenError(err)})
			}
			data["day"] = flows.DayCode(time.Date(r.Year, r.Month, r.Day, 0, 0, 0, 0, e.Location()))
			if r.HasTime {
				data["time"] = flows.ClockOf(r.Hour, r.Minute)
			}
			return q.Typed(s, data)
		}
		roles := []string{flows.RoleMother}
		return flows.Capability{Name: "visit",
			Routes: append(q.Routes(roles), flows.Route{Command: "/visit", Roles: roles, Run: start})}
	}
}

// said is the last message sent to p, and its first line's id or plain text.
func said(w *flowstest.World, p flows.Person) (flows.Message, string) {
	w.T.Helper()
	sent := w.Out.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if m := sent[i]; m.ChatID == p.ID && len(m.Lines) > 0 {
			last := m.Lines[len(m.Lines)-1]
			if last.ID != "" {
				return m, last.ID
			}
			return m, last.Plain
		}
	}
	w.T.Fatalf("nothing said to %d", p.ID)
	return flows.Message{}, ""
}

// readBack fails unless the last message to p reads back at, and returns
// the data of its Yes and No.
func readBack(w *flowstest.World, p flows.Person, at time.Time) (yes, no string) {
	w.T.Helper()
	m, what := said(w, p)
	if what != "when.check" {
		w.T.Fatalf("said %q, want the read-back", what)
	}
	when, _ := m.Lines[len(m.Lines)-1].Data["When"].(time.Time)
	if !when.Equal(at) || when.Location() != w.Loc {
		w.T.Errorf("read back %v, want %v in Rome", when, at)
	}
	if len(m.Buttons) != 2 || m.Buttons[0][0].Label.ID != "when.yes" || m.Buttons[1][0].Label.ID != "when.no" {
		w.T.Fatalf("read-back buttons %+v", m.Buttons)
	}
	return m.Buttons[0][0].Data, m.Buttons[1][0].Data
}

// A day and time written in a one-line command go through the same
// read-back as those typed at the question: the capability hands them to
// WhenQuestion.Typed, which asks what is missing and reads the day back.
func TestOneLineDateIsReadBack(t *testing.T) {
	w := flowstest.New(t, visits()) // Monday 23 November 2026, 09:00
	at := time.Date(2026, 12, 15, 15, 30, 0, 0, w.Loc)

	w.Do(w.Mother, "/visit 15/12/2026 15:30")
	yes, no := readBack(w, w.Mother, at)
	if !strings.HasPrefix(yes, "vd:ok:") || !strings.HasPrefix(no, "vd:no:") || len(yes) > flows.MaxCallbackData {
		t.Fatalf("read-back buttons press %q and %q", yes, no)
	}
	w.Do(w.Mother, "!"+yes)
	if _, what := said(w, w.Mother); what != "taken 20261215 1530" {
		t.Fatalf("after Yes: %q", what)
	}
	w.Want(w.Do(w.Mother, "!"+yes), "common.button_invalid") // pressed again

	// Without a time: the time is asked, and the typed day read back after it.
	w.Want(w.Do(w.Mother, "/visit 15/12/2026"), "appointment.ask_time")
	w.Do(w.Mother, "!vt:1000")
	_, no = readBack(w, w.Mother, time.Date(2026, 12, 15, 10, 0, 0, 0, w.Loc))
	w.Do(w.Mother, "!"+no)
	if _, what := said(w, w.Mother); what != "Which day?" {
		t.Fatalf("after No: %q", what)
	}

	// A past day in the line is said to have passed, and the day asked.
	w.Want(w.Do(w.Mother, "/visit 20/11/2026 10:00"), "appointment.day_past")
	w.Want(w.Do(w.Mother, "/visit ieri alle 10"), "appointment.day_past")
	if _, what := said(w, w.Mother); what != "Which day?" {
		t.Fatalf("after a past day: %q", what)
	}
}

// A day pressed on a button is taken without reading back, also when a
// typed one was being read back.
func TestPressedDayReplacesTheReadBack(t *testing.T) {
	w := flowstest.New(t, visits())
	w.Do(w.Mother, "/visit")
	w.Do(w.Mother, "15/12 15:30")
	yes, _ := readBack(w, w.Mother, time.Date(2026, 12, 15, 15, 30, 0, 0, w.Loc))
	w.Want(w.Do(w.Mother, "!vd:20261125"), "appointment.ask_time")
	w.Do(w.Mother, "!vt:1000")
	if _, what := said(w, w.Mother); what != "taken 20261125 1000" {
		t.Fatalf("after the buttons: %q", what)
	}
	w.Want(w.Do(w.Mother, "!"+yes), "common.button_invalid")
	if w.InConversation(w.Mother) {
		t.Error("an old Yes opened the conversation again")
	}
}

// A Yes whose going on stopped half-way (the capability kept its draft,
// then failed) goes on again when pressed again, or delivered again, with
// the day and time it confirmed; text typed then is not taken for a day.
func TestYesAgainAfterAFailureGoesOn(t *testing.T) {
	w := flowstest.New(t, visits())
	w.Do(w.Mother, "/visit 15/12/2026 15:30")
	yes, no := w.ReadBack(w.Mother)
	w.Hook.Arm(flowstest.Command("del", "t:conv:"), func() error { return errors.New("connection lost") })
	w.Want(w.Do(w.Mother, "!"+yes), "common.error")
	w.Want(w.Do(w.Mother, "!"+no), "common.button_invalid")
	w.Want(w.Do(w.Mother, "16/12 10:00"), "common.button_invalid")
	w.Do(w.Mother, "!"+yes)
	if _, what := said(w, w.Mother); what != "taken 20261215 1530" {
		t.Fatalf("Yes again: %q", what)
	}
	w.Want(w.Do(w.Mother, "!"+yes), "common.button_invalid")
}
