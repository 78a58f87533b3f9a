package appointment

import (
	"context"
	"strings"
	"time"

	"nido/flows"
)

// Making an appointment: a mother for herself, or staff for a mother of their
// organisation. It ends with the appointment saved, its reminders planned
// and a calendar file sent to the mother; or with /cancel, which keeps nothing.
//
//  1. /appointment [shortcut]  or the menu's "New appointment" button
//  2. mother                   staff only: buttons with the organisation's mothers
//  3. kind                     buttons (social services, paediatrician...) or typed;
//     for "other", what it is in a few words ("Questura")
//  4. day                      buttons for the next 14 days, or typed ("lunedì", "25/02")
//  5. time                     buttons for the usual slots, or typed ("9:30"); when
//     something else is planned then, or it is a holiday, a warning (warn.go)
//  6. place                    typed, or Skip
//  7. note                     typed, or Skip
//  8. the appointment          its card, when the reminders will come, the .ics file
//
// The shortcut "/appointment 25/02/2027 09:30 Pediatra" (staff: the mother's
// name first, as in their list) answers 2 to 7 at once; its day and time are
// read back with the weekday ("mercoledì 25 febbraio 2027, ore 9:30: è
// giusto?") before anything else, then what it lacks is asked. Each step
// asks the first question the draft has no answer to, so a typed date with a
// time skips the time buttons.
func (e *capability) routes() []flows.Route {
	ms := []string{flows.RoleMother, flows.RoleStaff}
	staff := []string{flows.RoleStaff}
	// daytime.go: the day and the time, the core's question.
	return append(e.whenQ().Routes(ms), []flows.Route{
		// This file: starting, and the end of the conversation.
		{Command: "/appointment", Roles: ms, Run: e.apptStart},
		{Verb: verbNew, Roles: ms, Run: e.apptStartButton},
		// steps.go: one question each, button or typed.
		{Verb: verbMother, Roles: staff, Run: e.apptMotherButton},
		{Step: "appt.mother", Roles: staff, Run: e.apptMotherTyped},
		{Verb: verbKind, Roles: ms, Run: e.apptKindButton},
		{Step: "appt.kind", Roles: ms, Run: e.apptKindTyped},
		{Step: "appt.title", Roles: ms, Run: e.apptTitleTyped},
		// warn.go: something else at that time, or a holiday.
		{Verb: verbWarn, Roles: ms, Run: e.apptWarnButton},
		{Step: "appt.warn", Roles: ms, Run: e.apptWarnTyped},
		{Step: "appt.place", Roles: ms, Run: e.apptPlaceTyped},
		{Step: "appt.note", Roles: ms, Run: e.apptNoteTyped},
		{Verb: verbSkip, Roles: ms, Run: e.apptSkip},
		// answer.go: the buttons on a reminder or a card.
		{Verb: verbAct, Roles: ms, Run: e.apptAction, Preload: e.k.apptPreload},
		// list.go.
		{Command: "/appointments", Roles: ms, Run: e.apptList},
		{Verb: verbMine, Roles: ms, Run: e.apptList},
		{Verb: verbList, Roles: staff, Run: e.apptListButton},
	}...)
}

// The appointment's button verbs: each starts a button's data, before its
// arguments, and names the route that answers it. They are short because
// Telegram gives a button 64 bytes and the signature takes its share.
const (
	verbNew    = "apn" // "New appointment" on a list
	verbMother = "apm" // a mother, for staff
	verbKind   = "apk" // a kind of appointment
	verbDay    = "apd" // a day
	verbTime   = "apt" // a time
	verbSkip   = "aps" // skip the place or the note
	verbAct    = "ap"  // an answer on a reminder or a card
	verbList   = "apl" // a staff list: a day, or all
	verbWarn   = "apw" // the answer to a warning before saving
	verbMine   = "apv" // "My appointments" under an answer
)

// apptStart answers /appointment, with or without a shortcut.
func (e *capability) apptStart(s *flows.Session, arg string) error {
	d := draft{}
	if s.Person().Role == flows.RoleMother {
		d.Mother = s.Person().ID
	}
	if arg == "" {
		return e.apptNext(s, d)
	}
	return e.apptShortcut(s, d, arg)
}

// apptStartButton is "New appointment"; staff's may name the mother (under
// the answer to a cancellation), who is then not asked.
func (e *capability) apptStartButton(s *flows.Session, mother string) error {
	if mother == "" || s.Person().Role != flows.RoleStaff {
		return e.apptStart(s, "")
	}
	m, ok, err := e.apptMother(s, mother)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.apptNext(s, draft{Mother: m.ID})
}

// apptShortcut fills the draft from "[mother name] <date> <time> <what>".
// The day is read back with its weekday before anything takes it (the
// core's when_check.go); Yes goes on with apptNext, which warns of a clash
// or a holiday before saving. A job interview goes to /interview once the
// day is read back, and is not read back there again.
func (e *capability) apptShortcut(s *flows.Session, d draft, arg string) error {
	if s.Person().Role == flows.RoleStaff {
		mothers, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleMother)
		if err != nil {
			return err
		}
		m, rest, ok := matchMother(mothers, arg)
		if !ok {
			return e.apptAskMother(s, d, "appointment.mother_unknown")
		}
		d.Mother, arg = m.ID, rest
	}
	sc, err := parseShortcut(arg, s.Lang(), s.Now())
	if err != nil {
		return e.apptAskDay(s, d, flows.WhenError(err))
	}
	d.Day = flows.DayCode(time.Date(sc.Date.Year, sc.Date.Month, sc.Date.Day, 0, 0, 0, 0, e.Location()))
	if sc.Date.HasTime {
		d.Time = flows.ClockOf(sc.Date.Hour, sc.Date.Minute)
	}
	if sc.Kind != "" {
		// Written in one line: the place and the note are not asked.
		d.Kind, d.Title, d.Note, d.PlaceAsked, d.NoteAsked = sc.Kind, sc.Title, sc.Note, true, true
	}
	if s.Person().Role != flows.RoleMother {
		// Staff's /interview is handed no day (interviewCommand): nothing to read back.
		if handed, err := e.handInterview(s, d); handed || err != nil {
			return err
		}
	}
	return e.whenQ().Typed(s, d.data())
}

// apptNext asks the first question the draft has no answer to, or ends the conversation.
func (e *capability) apptNext(s *flows.Session, d draft) error {
	if handed, err := e.handInterview(s, d); handed || err != nil {
		return err
	}
	switch {
	case d.Mother == 0:
		return e.apptAskMother(s, d, "")
	case d.Move == "" && d.Kind == "":
		return e.apptAskKind(s, d, "")
	case d.Move == "" && d.Kind == "other" && d.Title == "":
		return e.apptAskTitle(s, d, "")
	case d.Day == "":
		return e.apptAskDay(s, d, "")
	case d.Time == "":
		return e.apptAskTime(s, d, "")
	}
	t, ok := flows.At(d.Day, d.Time, e.Location())
	if !ok || !t.After(s.Now()) {
		d.Time = ""
		return e.apptAskTime(s, d, "appointment.time_past")
	}
	if d.Accepted != d.Day+d.Time {
		if warned, err := e.apptWarn(s, d, t); warned || err != nil {
			return err
		}
	}
	switch {
	case d.Move != "":
		return e.apptMoveDone(s, d)
	case !d.PlaceAsked:
		return e.apptAskPlace(s, d)
	case !d.NoteAsked:
		return e.apptAskNote(s, d)
	}
	return e.apptCreate(s, d)
}

// handInterview hands a job interview being made over to /interview, when
// Nido has it: it brings her tips before it and asks how it went. Its day,
// when the draft has one, was pressed or read back already.
func (e *capability) handInterview(s *flows.Session, d draft) (bool, error) {
	if d.Move != "" || d.Kind != "interview" || d.Mother == 0 {
		return false, nil
	}
	return s.Hand(interviewCommand(s, d, e.Location()))
}

// interviewCommand is the /interview line that goes on with what d has:
// for a mother the day, the time and the place or note she gave; staff
// choose the mother again.
func interviewCommand(s *flows.Session, d draft, loc *time.Location) string {
	if s.Person().Role != flows.RoleMother {
		return "/interview"
	}
	line := []string{"/interview"}
	if day, ok := flows.ParseDay(d.Day, loc); ok {
		line = append(line, day.Format("02/01/2006"))
		if d.Time != "" {
			line = append(line, flows.ClockText(d.Time))
		}
		for _, w := range []string{d.Place, withoutKindWords(d.Note, "interview")} {
			if w != "" {
				line = append(line, w)
			}
		}
	}
	return strings.Join(line, " ")
}

// apptCreate saves the appointment, plans its reminders and shows it. Its
// id is reserved and kept in the conversation before anything is written,
// and the conversation ends only once everything is done: a repeat after an
// error (the person presses again, or Telegram delivers the update again)
// rewrites the same appointment and plans it again, and never makes a second.
func (e *capability) apptCreate(s *flows.Session, d draft) error {
	mother, ok, err := e.apptMother(s, id64(d.Mother))
	if err != nil {
		return err
	}
	if !ok {
		// She left, or changed organisation, while the questions were asked.
		// If she was erased while an earlier try was being saved, and taking
		// it back failed, it is taken back now.
		if d.ID != "" {
			if _, err := e.undoIfErased(s.Ctx(), Appointment{ID: d.ID, Mother: d.Mother, Org: s.Person().OrgID}); err != nil {
				return err
			}
		}
		return flows.MotherGone(s)
	}
	if d.ID == "" {
		if d.ID, err = e.appts().newID(s.Ctx()); err != nil {
			return err
		}
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	when, _ := flows.At(d.Day, d.Time, e.Location())
	a, reminders, gone, err := e.saveAppointment(s.Ctx(), Appointment{ID: d.ID,
		Mother: mother.ID, Org: mother.OrgID, By: s.Person().ID, Kind: d.Kind, Title: d.Title, At: when,
		Place: d.Place, Note: d.Note, Created: s.Now(),
	})
	if err != nil {
		return err
	}
	if gone {
		return flows.MotherGone(s)
	}
	e.Log().Info("appointment created", "user_id", s.Person().ID, "appointment", a.ID, "org", a.Org)
	if mother.ID == s.Person().ID {
		err = s.Send(e.apptNews(a, mother, "appointment.created", reminders))
	} else {
		err = e.apptCreatedByStaff(s, a, mother, reminders)
	}
	if err != nil {
		return err
	}
	return s.EndConv()
}

// apptCreatedByStaff tells the mother, with her calendar file, and the staff member a copy.
func (e *capability) apptCreatedByStaff(s *flows.Session, a Appointment, mother flows.Person, reminders []time.Time) error {
	if err := e.TellMessage(s.Ctx(), mother, "", e.apptNews(a, mother, "appointment.created_for_you", reminders)); err != nil {
		return err
	}
	return s.Reply(append([]flows.T{{ID: "appointment.created_staff", Data: map[string]any{"Name": mother.Name}}},
		apptLines(a)...)...)
}

// saveAppointment stores a, plans its reminders and returns when they will
// come. gone is true, and nothing is kept, when its mother was erased meanwhile.
func (e *capability) saveAppointment(ctx context.Context, a Appointment) (Appointment, []time.Time, bool, error) {
	a, err := e.appts().create(ctx, a)
	if err != nil {
		return a, nil, false, err
	}
	reminders, planErr := e.planAppointment(ctx, a)
	// Checked even when planning failed: part of the jobs may be written.
	if gone, err := e.undoIfErased(ctx, a); gone || err != nil {
		return a, nil, gone, err
	}
	return a, reminders, false, planErr
}

// apptMother loads the mother a draft is for and checks the one acting may
// make appointments for her: herself, or a mother of the staff's organisation.
func (e *capability) apptMother(s *flows.Session, id string) (flows.Person, bool, error) {
	if id == id64(s.Person().ID) && s.Person().Role == flows.RoleMother {
		return s.Person(), true, nil
	}
	return s.OrgMember(id, flows.RoleMother)
}
