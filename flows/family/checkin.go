package family

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"nido/flows"
	"nido/scheduler"
)

// After a visit: the family says how it went, and may add a note or a
// voice message for staff. The mother is never shown a check-in.
//
//  1. family.checkin job          "How did the visit go?" with four answers (fk:<visit>:<version>:<answer>)
//  2. the answer                  kept; a worry reaches the mother's staff, an urgent one every
//                                 staff member of the organisation, quiet hours or not
//  3. a note                      typed, or a voice message kept as its Telegram file id and sent
//                                 on to the same staff, never downloaded; or Skip (fks)
//
// Staff mark a concern handled (fh:<visit>), which records who did; the
// open ones are listed by /concerns and in the morning digest.

// The answers' codes in a button's data.
var checkinCodes = map[string]string{"g": checkinGood, "w": checkinWorry, "u": checkinUrgent, "x": checkinNotDone}

// maxNote is the longest note a family may type, in characters.
const maxNote = 1000

// 1. The question.

func (e *capability) askCheckin(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, false)
	if err != nil || !ok || a.v.Status != visitPlanned && a.v.Status != visitConfirmed || a.v.Checkin != "" {
		return err
	}
	button := func(label, code string) []flows.Button {
		return []flows.Button{{Label: flows.T{ID: label}, Data: verbCheckin + ":" + a.v.ID + ":" + strconv.Itoa(a.v.Seq) + ":" + code}}
	}
	return e.Deliver(ctx, a.fam, j.ID, flows.Message{
		Lines: append([]flows.T{{ID: "family.checkin_ask", Data: map[string]any{"Mother": firstName(a.mother.Name)}}},
			e.visitLines(a.v, a.fam)...),
		Buttons: [][]flows.Button{
			button("family.checkin_good", "g"), button("family.checkin_worry", "w"),
			button("family.checkin_urgent", "u"), button("family.checkin_notdone", "x"),
		},
	})
}

// 2. The answer.

// checkin keeps the family's answer and has staff told. Pressed again
// after a failure half-way, the same answer finishes what was left; another
// answer, once one is kept, changes nothing.
func (e *capability) checkin(s *flows.Session, arg string) error {
	parts := strings.Split(arg, ":")
	if len(parts) != 3 || checkinCodes[parts[2]] == "" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	v, p, ok, err := e.visitorVisit(s, parts[0])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	answer := checkinCodes[parts[2]]
	switch {
	case parts[1] != strconv.Itoa(v.Seq) || v.Status == visitCancelled:
		return s.Reply(flows.T{ID: "family.visit_not_ahead"})
	case v.At.After(s.Now()):
		return s.Reply(flows.T{ID: "family.checkin_too_early"})
	case v.Checkin != "" && v.Checkin != answer:
		return s.Reply(flows.T{ID: "family.checkin_already"})
	}
	status, concern := visitDone, ""
	if answer == checkinNotDone {
		status = visitMissed
	}
	if answer == checkinWorry || answer == checkinUrgent {
		concern = concernOpen
	}
	if v.Checkin == "" {
		ok, err := e.store().update(s.Ctx(), v, ahead, "status", status, "checkin", answer,
			"checkin_at", s.Now().Unix(), "concern", concern)
		if err != nil {
			return err
		}
		if !ok {
			return s.Reply(flows.T{ID: "family.visit_not_ahead"})
		}
		v.Status, v.Checkin, v.Concern = status, answer, concern
	}
	if concern != "" && v.Concern == concernOpen {
		if err := e.store().openConcern(s.Ctx(), v, s.Now()); err != nil {
			return err
		}
	}
	if answer != checkinGood {
		if err := e.alertStaff(s.Ctx(), v, answer, answer == checkinUrgent); err != nil {
			return err
		}
	}
	// What the family said is for staff, not for the log.
	e.Log().Info("visit checked in", "user_id", s.Person().ID, "visit", v.ID, "pair", p.ID)
	thanks := "family.checkin_thanks"
	if concern != "" {
		thanks = "family.checkin_thanks_concern"
	}
	if err := s.SetStep(stepNote, map[string]string{"flow": "note", "visit": v.ID}); err != nil {
		return err
	}
	return s.Edit(flows.Message{
		Lines:   []flows.T{{ID: thanks}, {ID: "family.note_ask", Data: map[string]any{"Max": maxNote}}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "family.note_skip"}, Data: verbNoteSkip}}},
	})
}

// 3. The note.

// noteTyped keeps a typed note or a voice message, and sends it on to staff.
func (e *capability) noteTyped(s *flows.Session, text string) error {
	d := s.Data()
	if d["flow"] != "note" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	v, _, ok, err := e.visitorVisit(s, d["visit"])
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	field, value := "voice", s.Input().Voice
	if value == "" {
		field, value = "note", cleanNote(text)
		if value == "" {
			return s.Reply(flows.T{ID: "family.note_ask", Data: map[string]any{"Max": maxNote}})
		}
		if utf8.RuneCountInString(value) > maxNote {
			return s.Reply(flows.T{ID: "family.note_too_long", Data: map[string]any{"Max": maxNote}})
		}
	}
	// One note a visit, sent on once: the same note again is a repeat after
	// an error, which finishes sending it; another is not kept.
	if kept := v.Note + v.Voice; kept == "" || kept == value {
		ok, err = e.store().update(s.Ctx(), v, []string{visitDone, visitMissed}, field, value)
		if err != nil {
			return err
		}
		if ok {
			if err := e.alertStaff(s.Ctx(), v, "note", v.Checkin == checkinUrgent); err != nil {
				return err
			}
		}
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Reply(flows.T{ID: "family.note_thanks"})
}

func (e *capability) noteSkip(s *flows.Session, _ string) error {
	if s.Data()["flow"] != "note" {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "family.note_thanks"}}})
}

// cleanNote keeps a note's words and line breaks, and nothing else that
// could disturb a message: other control characters go.
func cleanNote(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || !unicode.IsControl(r) {
			return r
		}
		return ' '
	}, s)
	return strings.TrimSpace(s)
}

// Concerns, for staff.

// handled marks a concern handled by the staff member pressing.
func (e *capability) handled(s *flows.Session, id string) error {
	v, _, ok, err := e.visitorVisit(s, id)
	if err != nil || !ok || s.Person().Role != flows.RoleStaff {
		return flows.OrInvalid(s, err)
	}
	if v.Concern != concernOpen {
		return s.Reply(e.handledBy(s, v))
	}
	ok, err = e.store().update(s.Ctx(), v, []string{visitDone, visitMissed}, "concern", concernHandled,
		"handled_by", s.Person().ID, "handled_at", s.Now().Unix())
	if err != nil {
		return err
	}
	if err := e.store().closeConcern(s.Ctx(), v); err != nil {
		return err
	}
	if !ok {
		return s.Reply(flows.T{ID: "family.visit_not_ahead"})
	}
	e.Log().Info("concern handled", "user_id", s.Person().ID, "visit", v.ID)
	return s.Reply(flows.T{ID: "family.handled_by_you"})
}

// handledBy says who handled v's concern: a colleague by name, or one who left.
func (e *capability) handledBy(s *flows.Session, v Visit) flows.T {
	if v.HandledBy == s.Person().ID {
		return flows.T{ID: "family.handled_by_you"}
	}
	if who, ok, err := e.People().Get(s.Ctx(), v.HandledBy); err == nil && ok {
		return flows.T{ID: "family.handled_by", Data: map[string]any{"Name": who.Name}}
	}
	return flows.T{ID: "family.handled_by_gone"}
}

// concerns lists the organisation's open concerns, each with "Handled".
func (e *capability) concerns(s *flows.Session, _ string) error {
	org := s.Person().OrgID
	open, err := e.store().openConcerns(s.Ctx(), org)
	if err != nil || len(open) == 0 {
		if err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "family.concerns_none"})
	}
	names, err := e.orgNames(s.Ctx(), org)
	if err != nil {
		return err
	}
	lines := []flows.T{{ID: "family.concerns_title", Count: len(open), Data: map[string]any{"Count": len(open)}}}
	var rows [][]flows.Button
	for _, v := range open {
		lines = append(lines, concernItem(v, names)...)
		if len(rows) < flows.MaxCards {
			rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.handled_item", Data: map[string]any{"When": flows.Day(v.At)}},
				Data: verbHandled + ":" + v.ID}})
		}
	}
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// concernItem is a concern as staff read it in a list; names are the
// organisation's (orgNames).
func concernItem(v Visit, names map[int64]string) []flows.T {
	lines := []flows.T{{ID: "family.concern_item", Data: map[string]any{"Family": names[v.Family], "Mother": names[v.Mother],
		"When": v.At, "Answer": flows.T{ID: "family.answer_" + v.Checkin}}}}
	if v.Note != "" {
		lines = append(lines, flows.T{ID: "family.note_line", Data: map[string]any{"Note": v.Note}})
	}
	if v.Voice != "" {
		lines = append(lines, flows.T{ID: "family.voice_kept"})
	}
	return lines
}

// orgNames are the names of an organisation's families and mothers, by id.
func (e *capability) orgNames(ctx context.Context, org string) (map[int64]string, error) {
	names := map[int64]string{}
	for _, role := range []string{flows.RoleFamily, flows.RoleMother} {
		people, err := e.People().Members(ctx, org, role)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			names[p.ID] = p.Name
		}
	}
	return names, nil
}
