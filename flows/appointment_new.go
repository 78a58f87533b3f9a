package flows

import (
	"context"
	"fmt"
	"time"
)

// Making an appointment: a mother for herself, or staff for a mother of their
// organisation. It ends with the appointment saved, its reminders planned
// and a calendar file sent to the mother; or with /cancel, which keeps nothing.
//
//  1. /appointment [shortcut]  or the menu's "New appointment" button
//  2. mother                   staff only: buttons with the organisation's mothers
//  3. kind                     buttons (social services, paediatrician...) or typed
//  4. day                      buttons for the next 14 days, or typed ("lunedì", "25/02")
//  5. time                     buttons for the usual slots, or typed ("9:30")
//  6. place                    typed, or Skip
//  7. note                     typed, or Skip
//  8. the appointment          its card, when the reminders will come, the .ics file
//
// The shortcut "/appointment 25/02/2027 09:30 Pediatra" (staff: the mother's
// name first, as in their list) answers 2 to 7 at once; what it lacks is asked.
// Each step asks the first question the draft has no answer to, so a typed
// date with a time skips the time buttons.
func appointmentRoutes() []Route {
	ms := []string{RoleMother, RoleStaff}
	staff := []string{RoleStaff}
	return []Route{
		// This file: starting, and the end of the conversation.
		{Command: "/appointment", Roles: ms, Run: apptStart},
		{Verb: "apn", Roles: ms, Run: apptStartButton},
		// appointment_steps.go and appointment_daytime.go: one question each, button or typed.
		{Verb: "apm", Roles: staff, Run: apptMotherButton},
		{Step: "appt.mother", Roles: staff, Run: apptMotherTyped},
		{Verb: "apk", Roles: ms, Run: apptKindButton},
		{Step: "appt.kind", Roles: ms, Run: apptKindTyped},
		{Verb: "apd", Roles: ms, Run: apptDayButton},
		{Step: "appt.day", Roles: ms, Run: apptDayTyped},
		{Verb: "apt", Roles: ms, Run: apptTimeButton},
		{Step: "appt.time", Roles: ms, Run: apptTimeTyped},
		{Step: "appt.place", Roles: ms, Run: apptPlaceTyped},
		{Step: "appt.note", Roles: ms, Run: apptNoteTyped},
		{Verb: "aps", Roles: ms, Run: apptSkip},
		// appointment_answer.go: the buttons on a reminder or a card.
		{Verb: "ap", Roles: ms, Run: apptAction},
		// appointment_list.go.
		{Command: "/appointments", Roles: ms, Run: apptList},
		{Verb: "apl", Roles: staff, Run: apptListButton},
	}
}

// apptStart answers /appointment, with or without a shortcut.
func apptStart(s *Session, arg string) error {
	d := draft{}
	if s.person.Role == RoleMother {
		d.Mother = s.person.ID
	}
	if arg == "" {
		return apptNext(s, d)
	}
	return apptShortcut(s, d, arg)
}

func apptStartButton(s *Session, _ string) error { return apptStart(s, "") }

// apptShortcut fills the draft from "[mother name] <date> <time> <what>".
func apptShortcut(s *Session, d draft, arg string) error {
	if s.person.Role == RoleStaff {
		mothers, err := s.e.people.Members(s.ctx, s.person.OrgID, RoleMother)
		if err != nil {
			return err
		}
		m, rest, ok := matchMother(mothers, arg)
		if !ok {
			return apptAskMother(s, d, "appointment.mother_unknown")
		}
		d.Mother, arg = m.ID, rest
	}
	sc, err := parseShortcut(arg, s.lang, s.now)
	if err != nil {
		return apptAskDay(s, d, whenError(err))
	}
	d.Day = dayCode(time.Date(sc.Date.Year, sc.Date.Month, sc.Date.Day, 0, 0, 0, 0, s.e.cfg.Location))
	if sc.Date.HasTime {
		d.Time = clockOf(sc.Date.Hour, sc.Date.Minute)
	}
	if sc.Kind != "" {
		// Written in one line: the place and the note are not asked.
		d.Kind, d.Note, d.PlaceAsked, d.NoteAsked = sc.Kind, sc.Note, true, true
	}
	if problem := dayProblem(d.Day, s.now); problem != "" {
		d.Day, d.Time = "", ""
		return apptAskDay(s, d, problem)
	}
	if old, ok := draftOf(s.conv); ok && old.ID != "" && sameAppt(old, d) {
		// The same line again after an error, or delivered again: the same appointment.
		d.ID = old.ID
	}
	return apptNext(s, d)
}

// sameAppt reports whether two drafts describe the same appointment.
func sameAppt(a, b draft) bool {
	a.ID, b.ID = "", ""
	return a == b
}

// apptNext asks the first question the draft has no answer to, or ends the conversation.
func apptNext(s *Session, d draft) error {
	loc := s.e.cfg.Location
	switch {
	case d.Mother == 0:
		return apptAskMother(s, d, "")
	case d.Move == "" && d.Kind == "":
		return apptAskKind(s, d, "")
	case d.Day == "":
		return apptAskDay(s, d, "")
	case d.Time == "":
		return apptAskTime(s, d, "")
	}
	if t, ok := at(d.Day, d.Time, loc); !ok || !t.After(s.now) {
		d.Time = ""
		return apptAskTime(s, d, "appointment.time_past")
	}
	switch {
	case d.Move != "":
		return apptMoveDone(s, d)
	case !d.PlaceAsked:
		return apptAskPlace(s, d)
	case !d.NoteAsked:
		return apptAskNote(s, d)
	}
	return apptCreate(s, d)
}

// apptCreate saves the appointment, plans its reminders and shows it. Its
// id is reserved and kept in the conversation before anything is written,
// and the conversation ends only once everything is done: a repeat after an
// error (the person presses again, or Telegram delivers the update again)
// rewrites the same appointment and plans it again, and never makes a second.
func apptCreate(s *Session, d draft) error {
	mother, ok, err := s.e.apptMother(s, d.Mother)
	if err != nil {
		return err
	}
	if !ok {
		// She left, or changed organisation, while the questions were asked.
		// If she was erased while an earlier try was being saved, and taking
		// it back failed, it is taken back now.
		if d.ID != "" {
			if _, err := s.e.undoIfErased(s.ctx, Appointment{ID: d.ID, Mother: d.Mother, Org: s.person.OrgID}); err != nil {
				return err
			}
		}
		return apptMotherGone(s)
	}
	if d.ID == "" {
		if d.ID, err = s.e.appts().newID(s.ctx); err != nil {
			return err
		}
		if err := s.setStep(s.conv.Step, d.data()); err != nil {
			return err
		}
	}
	when, _ := at(d.Day, d.Time, s.e.cfg.Location)
	a, reminders, gone, err := s.e.saveAppointment(s.ctx, Appointment{ID: d.ID,
		Mother: mother.ID, Org: mother.OrgID, By: s.person.ID, Kind: d.Kind, At: when,
		Place: d.Place, Note: d.Note, Created: s.now,
	})
	if err != nil {
		return err
	}
	if gone {
		return apptMotherGone(s)
	}
	s.e.log.Info("appointment created", "user_id", s.person.ID, "appointment", a.ID, "org", a.Org)
	if mother.ID == s.person.ID {
		err = s.send(s.e.apptNews(a, mother, "appointment.created", reminders))
	} else {
		err = apptCreatedByStaff(s, a, mother, reminders)
	}
	if err != nil {
		return err
	}
	return s.endConv()
}

// apptCreatedByStaff tells the mother, with her calendar file, and the staff member a copy.
func apptCreatedByStaff(s *Session, a Appointment, mother Person, reminders []time.Time) error {
	if err := s.e.tellMessage(s.ctx, mother, "", s.e.apptNews(a, mother, "appointment.created_for_you", reminders)); err != nil {
		return err
	}
	return s.reply(append([]T{{ID: "appointment.created_staff", Data: map[string]any{"Name": mother.Name}}},
		apptLines(a)...)...)
}

// apptMotherGone ends the conversation: the mother it was for is no longer
// the one acting's to write for.
func apptMotherGone(s *Session) error {
	if err := s.endConv(); err != nil {
		return err
	}
	return s.reply(T{ID: "appointment.mother_gone"})
}

// saveAppointment stores a, plans its reminders and returns when they will
// come. gone is true, and nothing is kept, when its mother was erased meanwhile.
func (e *Engine) saveAppointment(ctx context.Context, a Appointment) (Appointment, []time.Time, bool, error) {
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

// AddAppointment saves an appointment made outside a conversation (an
// import, the demo's network) and plans its reminders; nobody is told.
func (e *Engine) AddAppointment(ctx context.Context, a Appointment) (Appointment, error) {
	m, ok, err := e.people.Get(ctx, a.Mother)
	if err != nil {
		return a, err
	}
	if !ok || m.Role != RoleMother || !isApptKind(a.Kind) || a.At.IsZero() {
		return a, fmt.Errorf("add appointment: not a mother's appointment of a known kind")
	}
	// Reminders count whole days on the network's clock (see reminderDue).
	a.At, a.Org = a.At.In(e.cfg.Location), m.OrgID
	if a.Created.IsZero() {
		a.Created = e.now()
	}
	a, _, gone, err := e.saveAppointment(ctx, a)
	if err == nil && gone {
		err = fmt.Errorf("add appointment: the mother was erased meanwhile")
	}
	return a, err
}

// apptMother loads the mother a draft is for and checks the one acting may
// make appointments for her: herself, or a mother of the staff's organisation.
func (e *Engine) apptMother(s *Session, id int64) (Person, bool, error) {
	if id == s.person.ID && s.person.Role == RoleMother {
		return s.person, true, nil
	}
	if s.person.Role != RoleStaff {
		return Person{}, false, nil
	}
	m, ok, err := e.people.Get(s.ctx, id)
	if err != nil || !ok {
		return Person{}, false, err
	}
	return m, m.Role == RoleMother && m.OrgID != "" && m.OrgID == s.person.OrgID, nil
}

// dayProblem says what is wrong with a day code at now, "" if nothing.
func dayProblem(day string, now time.Time) string {
	d, ok := parseDay(day, now.Location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch {
	case !ok:
		return "appointment.day_not_understood"
	case d.Before(today):
		return "appointment.day_past"
	case d.Sub(today) > maxAhead:
		return "appointment.day_far"
	}
	return ""
}

func clockOf(h, m int) string { return fmt.Sprintf("%02d%02d", h, m) }
