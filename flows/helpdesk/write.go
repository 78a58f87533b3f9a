package helpdesk

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

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

// maxText is the longest message (flows.MaxText).
const maxText = flows.MaxText

// draft is what she wrote and has not sent yet, kept in the conversation
// a day.
type draft struct {
	// Key names the question on screen: its buttons carry it, and the
	// messages it becomes are remembered by it.
	Key  string
	Text string
	// Voices are the Telegram file ids of the voice messages in it.
	Voices []string
	// Pieces is how many messages it gathers.
	Pieces int
	// Update is the last update added to it: handled again, it adds nothing.
	Update string
}

// draftTTL is how long a draft waits for Send.
const draftTTL = 24 * time.Hour

// maxVoices is how many voice messages a draft gathers; more are sent
// one question at a time.
const maxVoices = 5

func draftOf(d map[string]string) (draft, bool) {
	if d["k"] == "" {
		return draft{}, false
	}
	n, _ := strconv.Atoi(d["c"])
	return draft{Key: d["k"], Text: d["t"], Voices: strings.Fields(d["v"]), Pieces: n, Update: d["u"]}, true
}

func (d draft) data() map[string]string {
	return map[string]string{"k": d.Key, "t": d.Text, "v": strings.Join(d.Voices, " "), "c": strconv.Itoa(d.Pieces), "u": d.Update}
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
	// The same update handled again (after a crash) asks again, and adds
	// nothing.
	if u := strconv.FormatInt(s.Input().UpdateID, 10); s.Input().UpdateID == 0 || u != d.Update {
		if text != "" {
			joined := text
			if d.Text != "" {
				joined = d.Text + "\n" + text
			}
			if flows.TooLong(joined) {
				return s.Reply(flows.T{ID: "helpdesk.too_long", Data: map[string]any{"Max": maxText}})
			}
			d.Text = joined
		}
		if v := s.Input().Voice; v != "" {
			if len(d.Voices) == maxVoices {
				return s.Reply(flows.T{ID: "helpdesk.too_many_voices", Data: map[string]any{"Max": maxVoices}})
			}
			d.Voices = append(d.Voices, v)
		}
		d.Pieces++
		d.Update = u
	}
	if err := s.SetStepFor(stepMore, d.data(), draftTTL); err != nil {
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
// one on screen. Pressed again once sent, it says so over the chat.
func (e *capability) sendDraft(s *flows.Session, key string) error {
	d, ok := draftOf(s.Data())
	if !ok || d.Key != key {
		return e.staleDraft(s, key)
	}
	// Remembered by the draft's key: pressed again after a failure half-way,
	// the same draft is stored once.
	w, err := e.post(s, "", "d"+d.Key, d.Text, d.Voices...)
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.sayPosted(s, w.Thread, true)
}

// staleDraft answers Send on a question no longer on screen: a second tap
// once it went is told so quietly; a draft that waited too long was never
// sent, and she is asked to write again.
func (e *capability) staleDraft(s *flows.Session, key string) error {
	sent, err := e.store().posted(s.Ctx(), s.Person().ID, "d"+key)
	if err != nil {
		return err
	}
	if !sent {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	staff, err := e.staffFor(s.Ctx(), s.Person())
	if err != nil {
		return err
	}
	return s.Toast(flows.T{ID: "helpdesk.sent", Data: map[string]any{"Staff": names(staff)}})
}

// dropDraft sends nothing.
func (e *capability) dropDraft(s *flows.Session, key string) error {
	d, ok := draftOf(s.Data())
	if !ok || d.Key != key {
		return s.Toast(flows.T{ID: "helpdesk.not_sent"})
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	// Her words were perhaps meant for Nido itself ("ciao"): what it can
	// do comes with the answer.
	if err := s.Edit(flows.Message{Lines: []flows.T{{ID: "helpdesk.not_sent"}}}); err != nil {
		return err
	}
	return s.ShowMenu("menu.title")
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
	if flows.TooLong(text) {
		return s.Reply(flows.T{ID: "helpdesk.too_long", Data: map[string]any{"Max": maxText}})
	}
	from := "u" + strconv.FormatInt(s.Input().UpdateID, 10)
	if s.Input().UpdateID == 0 {
		from = ""
	}
	var voices []string
	if voice != "" {
		voices = []string{voice}
	}
	w, err := e.post(s, s.Data()["n"], from, text, voices...)
	if errors.Is(err, errGone) {
		w, err = e.post(s, "", from, text, voices...) // that thread is no more: her current one
	}
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.sayPosted(s, w.Thread, false)
}

// post adds her words and voice messages to thread n ("" for her current
// one), as one message each, and has them delivered to her social
// workers. from names what they came from, so that the same one posted
// again adds nothing. Once stored they will be delivered: should the
// scheduler be out of reach now, the next message or the sweep schedules
// them.
func (e *capability) post(s *flows.Session, n, from, text string, voices ...string) (written, error) {
	p := s.Person()
	var parts []entry
	if text != "" {
		parts = append(parts, entry{By: p.ID, Text: text, At: s.Now().Unix()})
	}
	for _, v := range voices {
		parts = append(parts, entry{By: p.ID, Voice: v, At: s.Now().Unix()})
	}
	var w written
	for i, m := range parts {
		key := from
		if key != "" {
			key += ":" + strconv.Itoa(i)
		}
		var err error
		if w, err = e.store().add(s.Ctx(), p.ID, n, p.OrgID, p.Role, key, m); err != nil {
			return written{}, err
		}
		n = w.Thread.N // the rest go where the first went
	}
	e.schedulePending(s.Ctx(), p.ID)
	return w, nil
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

// schedulePending has every message of writer w stored and not yet
// scheduled delivered by a job due now, urgent: what she or her social
// worker wrote is not held by the quiet hours. A failure is logged, not
// returned: the messages are stored, and the sweep schedules them.
func (e *capability) schedulePending(ctx context.Context, w int64) {
	if err := e.scheduleErr(ctx, w); err != nil {
		e.Log().Warn("helpdesk: messages stored, not yet scheduled", "user_id", w, "error", err)
	}
}

func (e *capability) scheduleErr(ctx context.Context, w int64) error {
	st := e.store()
	// Taken by this caller only: two callers at once (a new message and
	// the sweep) never schedule the same message twice.
	pend, err := st.claim(ctx, w, e.Now())
	if err != nil {
		return err
	}
	// One job for each run of messages of a thread going the same way, so
	// that they arrive in the order they were written.
	slices.SortFunc(pend, func(a, b pendingMessage) int {
		return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.M, b.M))
	})
	for i := 0; i < len(pend); {
		j := i + 1
		for j < len(pend) && pend[j].N == pend[i].N && pend[j].Kind == pend[i].Kind && pend[j].M == pend[j-1].M+1 {
			j++
		}
		first, last := pend[i], pend[j-1]
		i = j
		t, err := st.thread(ctx, w, first.N)
		if errors.Is(err, errGone) {
			continue
		}
		if err != nil {
			return err
		}
		kind := jobForward
		if first.Kind == toWriter {
			kind = jobAnswer
		}
		// A job id of its own: a job never replaces another, which may be
		// running; the copies are named by their messages, so a message
		// carried by two jobs is sent once.
		err = e.Scheduler().Schedule(ctx, scheduler.Job{
			ID: messageID(t, first.M) + "-" + rand.Text()[:6], Kind: kind, Owner: strconv.FormatInt(w, 10), Due: e.Now(), Urgent: true,
			Args: map[string]string{"thread": t.Pub, "m": strconv.Itoa(first.M), "to": strconv.Itoa(last.M)},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// messageID names message m of t wherever it goes: the job that carries
// it (and those after it), and each copy the Telegram layer records, so
// that a message carried again by another job is not sent twice.
func messageID(t thread, m int) string { return "help-" + t.Pub + "-" + strconv.Itoa(m) }

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

// emergency is the line that says where help is at once: Nido is read by
// people, in working hours.
func emergency() flows.T { return flows.T{ID: "helpdesk.emergency"} }
