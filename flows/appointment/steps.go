package appointment

import (
	"unicode/utf8"

	"nido/flows"
)

// The questions of making or moving an appointment, in the order apptNext
// asks them (the day and the time are in daytime.go). Each
// question takes a button or typed text; a wrong answer gets a plain word
// about what was wrong and the same question again.

// maxNote is the longest note, in characters.
const maxNote = 300

// apptDraft is the conversation's draft; a person who pressed a first-step
// button after the conversation expired starts a new one.
func (e *capability) apptDraft(s *flows.Session) draft {
	d, ok := draftOf(s.Data())
	if !ok && s.Person().Role == flows.RoleMother {
		d.Mother = s.Person().ID
	}
	return d
}

// apptAsk waits at step with the draft and asks.
func (e *capability) apptAsk(s *flows.Session, step string, d draft, intro string, q flows.T, buttons [][]flows.Button) error {
	return flows.Ask(s, step, d.data(), intro, q, buttons)
}

// 2. Mother (staff only).

func (e *capability) apptAskMother(s *flows.Session, d draft, intro string) error {
	mothers, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleMother)
	if err != nil {
		return err
	}
	if len(mothers) == 0 {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "appointment.no_mothers"})
	}
	buttons := flows.PersonButtons(mothers, func(m flows.Person) string { return verbMother + ":" + id64(m.ID) }, nil)
	return e.apptAsk(s, "appt.mother", d, intro, flows.T{ID: "appointment.ask_mother"}, buttons)
}

func (e *capability) apptMotherButton(s *flows.Session, arg string) error {
	m, ok, err := e.apptMother(s, arg)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	d := e.apptDraft(s)
	d.Mother, d.ID = m.ID, "" // an id reserved for another mother is not hers
	return e.apptNext(s, d)
}

func (e *capability) apptMotherTyped(s *flows.Session, text string) error {
	mothers, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleMother)
	if err != nil {
		return err
	}
	d := e.apptDraft(s)
	m, rest, ok := matchMother(mothers, text)
	if !ok || rest != "" {
		return e.apptAskMother(s, d, "appointment.mother_unknown")
	}
	d.Mother, d.ID = m.ID, ""
	return e.apptNext(s, d)
}

// 3. Kind.

func (e *capability) apptAskKind(s *flows.Session, d draft, intro string) error {
	var bs []flows.Button
	for _, k := range apptKinds() {
		bs = append(bs, flows.Button{Label: flows.T{ID: "appointment.kind_" + k}, Data: verbKind + ":" + k})
	}
	return e.apptAsk(s, "appt.kind", d, intro, flows.T{ID: "appointment.ask_kind"}, flows.Grid(bs, 2))
}

func (e *capability) apptKindButton(s *flows.Session, kind string) error {
	if !isApptKind(kind) {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d := e.apptDraft(s)
	d.Kind = kind
	if kind != "other" {
		d.Title = ""
	}
	return e.apptNext(s, d)
}

// apptKindTyped takes what she wrote as the kind, or as "other" with it as
// its title (too long for one, as its note, and the title is asked).
func (e *capability) apptKindTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	if oneLine(text) == "" || utf8.RuneCountInString(text) > maxNote {
		return e.apptAskKind(s, d, "appointment.kind_not_understood")
	}
	d.Kind, d.Title, d.Note = kindAndNote(text)
	return e.apptNext(s, d)
}

// 3b. Title, for "other": without it a reminder would say "Reminder: Other".

func (e *capability) apptAskTitle(s *flows.Session, d draft, intro string) error {
	return e.apptAsk(s, "appt.title", d, intro, flows.T{ID: "appointment.ask_title", Data: map[string]any{"Max": maxTitle}}, nil)
}

// apptTitleTyped takes a few words as the title, on one line; a photo or a
// voice note gets the question again, and a long text a word about it.
func (e *capability) apptTitleTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	title := oneLine(text)
	switch {
	case title == "":
		return e.apptAskTitle(s, d, "")
	case utf8.RuneCountInString(title) > maxTitle:
		return e.apptAskTitle(s, d, "appointment.title_too_long")
	}
	d.Title = title
	return e.apptNext(s, d)
}

// 6 and 7. Place and note, typed or skipped.

func (e *capability) apptAskPlace(s *flows.Session, d draft) error {
	return e.apptAsk(s, "appt.place", d, "", flows.T{ID: "appointment.ask_place"},
		[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbSkip + ":place"}}})
}

// apptPlaceTyped takes the place; a photo or a voice note (no text) gets the question again.
func (e *capability) apptPlaceTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	if text == "" {
		return e.apptAskPlace(s, d)
	}
	if utf8.RuneCountInString(text) > flows.MaxPlace {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": flows.MaxPlace}})
	}
	d.Place, d.PlaceAsked = flows.CleanLine(text), true
	return e.apptNext(s, d)
}

func (e *capability) apptAskNote(s *flows.Session, d draft) error {
	return e.apptAsk(s, "appt.note", d, "", flows.T{ID: "appointment.ask_note"},
		[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbSkip + ":note"}}})
}

// apptNoteTyped takes the note; a photo or a voice note gets the question
// again. Once the note is in, the appointment is being saved: text typed
// then (or the note delivered again) saves it again, as it is.
func (e *capability) apptNoteTyped(s *flows.Session, text string) error {
	d := e.apptDraft(s)
	switch {
	case d.NoteAsked:
		return e.apptNext(s, d)
	case text == "":
		return e.apptAskNote(s, d)
	}
	if utf8.RuneCountInString(text) > maxNote {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": maxNote}})
	}
	if d.Note != "" {
		text = d.Note + " — " + text
	}
	d.Note, d.NoteAsked = flows.CleanLine(text), true
	return e.apptNext(s, d)
}

// apptSkip is the Skip button of the place or the note.
func (e *capability) apptSkip(s *flows.Session, what string) error {
	d, ok := draftOf(s.Data())
	switch {
	case !ok:
		return s.Reply(flows.T{ID: "common.button_invalid"})
	case what == "place":
		d.PlaceAsked = true
	case what == "note":
		d.NoteAsked = true
	default:
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return e.apptNext(s, d)
}
