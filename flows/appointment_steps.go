package flows

import (
	"strconv"
	"unicode/utf8"
)

// The questions of making or moving an appointment, in the order apptNext
// asks them (the day and the time are in appointment_daytime.go). Each
// question takes a button or typed text; a wrong answer gets a plain word
// about what was wrong and the same question again.

// maxMotherButtons keeps a list of mothers within Telegram's 100 buttons a
// message; staff of a larger organisation type her name instead.
const maxMotherButtons = 90

// Longest place and note, in characters.
const (
	maxPlace = 200
	maxNote  = 300
)

// apptDraft is the conversation's draft; a person who pressed a first-step
// button after the conversation expired starts a new one.
func apptDraft(s *Session) draft {
	d, ok := draftOf(s.conv)
	if !ok && s.person.Role == RoleMother {
		d.Mother = s.person.ID
	}
	return d
}

// apptAsk waits at step with the draft and asks.
func apptAsk(s *Session, step string, d draft, intro string, q T, buttons [][]Button) error {
	if err := s.setStep(step, d.data()); err != nil {
		return err
	}
	var lines []T
	if intro != "" {
		lines = append(lines, T{ID: intro})
	}
	return s.send(Message{Lines: append(lines, q), Buttons: buttons})
}

// 2. Mother (staff only).

func apptAskMother(s *Session, d draft, intro string) error {
	mothers, err := s.e.people.Members(s.ctx, s.person.OrgID, RoleMother)
	if err != nil {
		return err
	}
	if len(mothers) == 0 {
		if err := s.endConv(); err != nil {
			return err
		}
		return s.reply(T{ID: "appointment.no_mothers"})
	}
	var bs []Button
	for _, m := range mothers[:min(len(mothers), maxMotherButtons)] {
		bs = append(bs, Button{Label: T{Plain: m.Name}, Data: "apm:" + id64(m.ID)})
	}
	return apptAsk(s, "appt.mother", d, intro, T{ID: "appointment.ask_mother"}, grid(bs, 2))
}

func apptMotherButton(s *Session, arg string) error {
	id, _ := strconv.ParseInt(arg, 10, 64)
	m, ok, err := s.e.apptMother(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	d := apptDraft(s)
	d.Mother, d.ID = m.ID, "" // an id reserved for another mother is not hers
	return apptNext(s, d)
}

func apptMotherTyped(s *Session, text string) error {
	mothers, err := s.e.people.Members(s.ctx, s.person.OrgID, RoleMother)
	if err != nil {
		return err
	}
	d := apptDraft(s)
	m, rest, ok := matchMother(mothers, text)
	if !ok || rest != "" {
		return apptAskMother(s, d, "appointment.mother_unknown")
	}
	d.Mother, d.ID = m.ID, ""
	return apptNext(s, d)
}

// 3. Kind.

func apptAskKind(s *Session, d draft, intro string) error {
	var bs []Button
	for _, k := range apptKinds() {
		bs = append(bs, Button{Label: T{ID: "appointment.kind_" + k}, Data: "apk:" + k})
	}
	return apptAsk(s, "appt.kind", d, intro, T{ID: "appointment.ask_kind"}, grid(bs, 2))
}

func apptKindButton(s *Session, kind string) error {
	if !isApptKind(kind) {
		return s.reply(T{ID: "common.button_invalid"})
	}
	d := apptDraft(s)
	d.Kind = kind
	return apptNext(s, d)
}

// apptKindTyped takes what she wrote as the kind, or as "other" with it as the note.
func apptKindTyped(s *Session, text string) error {
	d := apptDraft(s)
	if text == "" || utf8.RuneCountInString(text) > maxNote {
		return apptAskKind(s, d, "appointment.kind_not_understood")
	}
	d.Kind, d.Note = kindAndNote(text)
	return apptNext(s, d)
}

// 6 and 7. Place and note, typed or skipped.

func apptAskPlace(s *Session, d draft) error {
	return apptAsk(s, "appt.place", d, "", T{ID: "appointment.ask_place"},
		[][]Button{{{Label: T{ID: "appointment.skip"}, Data: "aps:place"}}})
}

// apptPlaceTyped takes the place; a photo or a voice note (no text) gets the question again.
func apptPlaceTyped(s *Session, text string) error {
	d := apptDraft(s)
	if text == "" {
		return apptAskPlace(s, d)
	}
	if utf8.RuneCountInString(text) > maxPlace {
		return s.reply(T{ID: "appointment.too_long", Data: map[string]any{"Max": maxPlace}})
	}
	d.Place, d.PlaceAsked = cleanLine(text), true
	return apptNext(s, d)
}

func apptAskNote(s *Session, d draft) error {
	return apptAsk(s, "appt.note", d, "", T{ID: "appointment.ask_note"},
		[][]Button{{{Label: T{ID: "appointment.skip"}, Data: "aps:note"}}})
}

// apptNoteTyped takes the note; a photo or a voice note gets the question
// again. Once the note is in, the appointment is being saved: text typed
// then (or the note delivered again) saves it again, as it is.
func apptNoteTyped(s *Session, text string) error {
	d := apptDraft(s)
	switch {
	case d.NoteAsked:
		return apptNext(s, d)
	case text == "":
		return apptAskNote(s, d)
	}
	if utf8.RuneCountInString(text) > maxNote {
		return s.reply(T{ID: "appointment.too_long", Data: map[string]any{"Max": maxNote}})
	}
	if d.Note != "" {
		text = d.Note + " — " + text
	}
	d.Note, d.NoteAsked = cleanLine(text), true
	return apptNext(s, d)
}

// apptSkip is the Skip button of the place or the note.
func apptSkip(s *Session, what string) error {
	d, ok := draftOf(s.conv)
	switch {
	case !ok:
		return s.reply(T{ID: "common.button_invalid"})
	case what == "place":
		d.PlaceAsked = true
	case what == "note":
		d.NoteAsked = true
	default:
		return s.reply(T{ID: "common.button_invalid"})
	}
	return apptNext(s, d)
}

// grid lays buttons out n to a row.
func grid(bs []Button, n int) [][]Button {
	var rows [][]Button
	for len(bs) > n {
		rows, bs = append(rows, bs[:n]), bs[n:]
	}
	if len(bs) > 0 {
		rows = append(rows, bs)
	}
	return rows
}

// orInvalid answers a button whose appointment or person is not the
// presser's to touch, unless err says something else went wrong.
func orInvalid(s *Session, err error) error {
	if err != nil {
		return err
	}
	return s.reply(T{ID: "common.button_invalid"})
}
