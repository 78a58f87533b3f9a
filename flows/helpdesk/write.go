package helpdesk

import (
	"context"
	"crypto/rand"
	"errors"
	"html"
	"strconv"
	"unicode/utf16"

	"nido/flows"
	"nido/scheduler"
)

// Her side. What a mother types that answers no question is very often
// meant for her social worker ("Buongiorno, volevo chiedere…"): Nido asks
// whether to send it, with her social workers' names, and sends it when
// she says so. What she types meanwhile joins it. /write (and the menu's
// "Write to my social worker") and the Answer button under what her social
// worker wrote send what she types next without asking: she chose to.
// Every message goes to her thread not done, or opens one.

// maxText is the longest message, in UTF-16 units as Telegram counts them
// once escaped: with the frame around it in any language it stays one
// Telegram message.
const maxText = 3500

// draft is what she wrote and has not sent yet, kept in the conversation.
type draft struct {
	// Key names the question on screen: its buttons carry it.
	Key   string
	Text  string
	Voice string
	// Pieces is how many messages it gathers.
	Pieces int
}

func draftOf(d map[string]string) (draft, bool) {
	if d["k"] == "" {
		return draft{}, false
	}
	n, _ := strconv.Atoi(d["c"])
	return draft{Key: d["k"], Text: d["t"], Voice: d["v"], Pieces: n}, true
}

func (d draft) data() map[string]string {
	return map[string]string{"k": d.Key, "t": d.Text, "v": d.Voice, "c": strconv.Itoa(d.Pieces)}
}

// words takes a writer's words that answer no question.
func (e *capability) words(s *flows.Session, text string) (bool, error) {
	if r := s.Person().Role; r != flows.RoleMother && r != flows.RoleFamily {
		return false, nil
	}
	if text == "" && s.Input().Voice == "" {
		return false, nil // a sticker, a photo: nothing to send
	}
	return true, e.addToDraft(s, draft{Key: rand.Text()[:8]}, text)
}

// more is what she types while asked whether to send: it joins the draft.
func (e *capability) more(s *flows.Session, text string) error {
	d, ok := draftOf(s.Data())
	if !ok {
		d = draft{Key: rand.Text()[:8]}
	}
	if text == "" && s.Input().Voice == "" {
		return s.Reply(flows.T{ID: "helpdesk.empty"})
	}
	return e.addToDraft(s, d, text)
}

// addToDraft adds what she just wrote to d and asks whether to send it.
func (e *capability) addToDraft(s *flows.Session, d draft, text string) error {
	staff, err := e.staffFor(s.Ctx(), s.Person())
	if err != nil {
		return err
	}
	if len(staff) == 0 {
		return s.Reply(flows.T{ID: "helpdesk.nobody"}, emergency())
	}
	if text != "" {
		joined := text
		if d.Text != "" {
			joined = d.Text + "\n" + text
		}
		if tooLong(joined) {
			return s.Reply(flows.T{ID: "helpdesk.too_long", Data: map[string]any{"Max": maxText}})
		}
		d.Text = joined
	}
	if v := s.Input().Voice; v != "" {
		d.Voice = v // one voice message a draft: the last one
	}
	d.Pieces++
	if err := s.SetStep(stepMore, d.data()); err != nil {
		return err
	}
	return s.Send(flows.Message{
		Lines: []flows.T{{ID: "helpdesk.ask_send", Count: d.Pieces, Data: map[string]any{"Count": d.Pieces, "Staff": names(staff)}}},
		Buttons: [][]flows.Button{{
			{Label: flows.T{ID: "helpdesk.send"}, Data: verbSend + ":" + d.Key},
			{Label: flows.T{ID: "helpdesk.keep"}, Data: verbKeep + ":" + d.Key},
		}},
	})
}

// sendDraft sends what she wrote, when the question she answers is the
// one on screen.
func (e *capability) sendDraft(s *flows.Session, key string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if err != nil || !ok {
		return err
	}
	if d.Key != key {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	w, err := e.post(s, "", d.Text, d.Voice)
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.sayPosted(s, w.Thread, true)
}

// dropDraft sends nothing.
func (e *capability) dropDraft(s *flows.Session, key string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if err != nil || !ok {
		return err
	}
	if d.Key != key {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Edit(flows.Message{Lines: []flows.T{{ID: "helpdesk.not_sent"}}})
}

// startWriting is /write: what she types next goes to her social workers.
func (e *capability) startWriting(s *flows.Session, _ string) error {
	return e.askToWrite(s, "")
}

// answerBack is the Answer button under what her social worker wrote.
func (e *capability) answerBack(s *flows.Session, id string) error {
	t, err := e.store().byPublic(s.Ctx(), id)
	switch {
	case errors.Is(err, errGone):
		return s.Reply(flows.T{ID: "helpdesk.gone"})
	case err != nil:
		return err
	case t.Writer != s.Person().ID:
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return e.askToWrite(s, t.N)
}

// askToWrite waits for her message to thread n ("" for her current one).
func (e *capability) askToWrite(s *flows.Session, n string) error {
	staff, err := e.staffFor(s.Ctx(), s.Person())
	if err != nil {
		return err
	}
	if len(staff) == 0 {
		return s.Reply(flows.T{ID: "helpdesk.nobody"}, emergency())
	}
	if err := s.SetStep(stepWrite, map[string]string{"n": n}); err != nil {
		return err
	}
	return s.Reply(flows.T{ID: "helpdesk.ask_write", Data: map[string]any{"Staff": names(staff)}})
}

// written is what she typed after /write or Answer: it goes at once.
func (e *capability) written(s *flows.Session, text string) error {
	voice := s.Input().Voice
	if text == "" && voice == "" {
		return s.Reply(flows.T{ID: "helpdesk.empty"})
	}
	if tooLong(text) {
		return s.Reply(flows.T{ID: "helpdesk.too_long", Data: map[string]any{"Max": maxText}})
	}
	w, err := e.post(s, s.Data()["n"], text, voice)
	if errors.Is(err, errGone) {
		w, err = e.post(s, "", text, voice) // that thread is no more: her current one
	}
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.sayPosted(s, w.Thread, false)
}

// post adds her message to thread n ("" for her current one) and has it
// delivered to her social workers.
func (e *capability) post(s *flows.Session, n, text, voice string) (written, error) {
	p := s.Person()
	w, err := e.store().add(s.Ctx(), p.ID, n, p.OrgID, p.Role, s.Input().UpdateID,
		entry{By: p.ID, Text: text, Voice: voice, At: s.Now().Unix()})
	if err != nil {
		return written{}, err
	}
	return w, e.schedule(s.Ctx(), jobForward, w, true)
}

// sayPosted tells her it went, and to whom; edit replaces the question
// she answered.
func (e *capability) sayPosted(s *flows.Session, t thread, edit bool) error {
	staff, err := e.staffFor(s.Ctx(), s.Person())
	if err != nil {
		return err
	}
	m := flows.Message{Lines: []flows.T{{ID: "helpdesk.sent", Data: map[string]any{"Staff": names(staff)}}, emergency()}}
	if edit {
		return s.Edit(m)
	}
	return s.Send(m)
}

// schedule has message w delivered by a job of kind, due now; urgent ones
// ignore the quiet hours. The job's id names the message, so that the same
// message scheduled again (its update handled again) is delivered once.
func (e *capability) schedule(ctx context.Context, kind string, w written, urgent bool) error {
	id := w.Thread.Pub
	return e.Scheduler().Schedule(ctx, scheduler.Job{
		ID: "help-" + id + "-" + strconv.Itoa(w.M), Kind: kind, Owner: strconv.FormatInt(w.Thread.Writer, 10),
		Due: e.Now(), Urgent: urgent, Args: map[string]string{"thread": id, "m": strconv.Itoa(w.M)},
	})
}

// staffFor lists the social workers who read what p writes: those who
// follow her, and those who answered her current thread.
func (e *capability) staffFor(ctx context.Context, p flows.Person) ([]flows.Person, error) {
	var also []int64
	t, ok, err := e.store().current(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		if also, err = e.store().staffIn(ctx, t); err != nil {
			return nil, err
		}
	}
	return e.StaffOf(ctx, p, also...)
}

func tooLong(text string) bool {
	return len(utf16.Encode([]rune(html.EscapeString(text)))) > maxText
}

// emergency is the line that says where help is at once: Nido is read by
// people, in working hours.
func emergency() flows.T { return flows.T{ID: "helpdesk.emergency"} }
