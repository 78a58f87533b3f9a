package broadcast

import (
	"crypto/rand"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"
	"nido/scheduler"
)

// Composing a broadcast, by staff or an administrator. It asks, in order:
//
//  1. where        administrators only: the whole network, or chosen organisations (bs)
//  2. who          mothers, families, everyone, or one mutual-aid group (bw)
//  3. the text     typed, sent as written: emoji and line breaks kept
//  4. an event?    a day and a time (the core's question), then a place, or none (be)
//  5. when         now, or a chosen day and time (bn; the core's question again)
//  6. the preview  the message exactly as a recipient sees it, the number of
//                  recipients and the time to deliver; Send, Change or Cancel (bx)
//
// Sending saves the broadcast and queues its delivery (deliver.go); the
// sender gets a report, edited as delivery goes on (message.go).

// maxText is the longest text staff may send (flows.MaxText).
const maxText = flows.MaxText

// draft is a broadcast being composed, kept in the conversation.
type draft struct {
	// Scope is what an administrator chose: "n" (the network) or "o"
	// (Orgs, the chosen organisations); "" until then.
	Scope string
	Orgs  []string
	Who   string
	Group string
	Text  string
	// Ev is "" until asked, "n" for no event, "y" for one at EvDay EvTime.
	Ev, EvDay, EvTime string
	Place             string
	PlaceAsked        bool
	// When is "" until asked, "now", or "later" for SendDay SendTime.
	When, SendDay, SendTime string
	// Asking is which time the core's question is asking: "ev" or "send".
	Asking string
	// ID is reserved at the preview, so that Send pressed twice saves once.
	ID string
	// Shown names the preview on screen: its buttons carry it, and any
	// change of the draft clears it, so that the Send of a preview that no
	// longer shows the draft sends nothing.
	Shown string
}

func draftOf(d map[string]string) (draft, bool) {
	if d["flow"] != "broadcast" {
		return draft{}, false
	}
	out := draft{Scope: d["scope"], Who: d["who"], Group: d["group"], Text: d["text"], Ev: d["ev"],
		EvDay: d["evday"], EvTime: d["evtime"], Place: d["place"], PlaceAsked: d["placed"] == "1",
		When: d["when"], SendDay: d["sendday"], SendTime: d["sendtime"], Asking: d["asking"], ID: d["id"],
		Shown: d["shown"]}
	if d["orgs"] != "" {
		out.Orgs = strings.Split(d["orgs"], ",")
	}
	return out, true
}

func (d draft) data() map[string]string {
	out := map[string]string{"flow": "broadcast"}
	for k, v := range map[string]string{"scope": d.Scope, "orgs": strings.Join(d.Orgs, ","), "who": d.Who,
		"group": d.Group, "text": d.Text, "ev": d.Ev, "evday": d.EvDay, "evtime": d.EvTime, "place": d.Place,
		"when": d.When, "sendday": d.SendDay, "sendtime": d.SendTime, "asking": d.Asking, "id": d.ID,
		"shown": d.Shown} {
		if v != "" {
			out[k] = v
		}
	}
	if d.PlaceAsked {
		out["placed"] = "1"
	}
	return out
}

func (e *capability) start(s *flows.Session, _ string) error {
	return e.next(s, draft{})
}

// next asks the first question the draft has no answer to, or shows the preview.
func (e *capability) next(s *flows.Session, d draft) error {
	admin := s.Person().Role == flows.RoleAdmin
	d.Shown = ""
	if ev, ok := flows.At(d.EvDay, d.EvTime, e.Location()); d.Ev == "y" && ok {
		if at, ok := flows.At(d.SendDay, d.SendTime, e.Location()); d.When == "later" && ok && !at.Before(ev) {
			// The event was moved before the time to send: ask that again.
			d.SendDay, d.SendTime, d.Asking = "", "", "send"
			return e.whenQ().AskDay(s, d.data(), "broadcast.send_after_event")
		}
	}
	switch {
	case admin && d.Scope == "":
		return e.askScope(s, d)
	case d.Who == "":
		return e.askWho(s, d, "")
	case d.Who == whoGroup && d.Group == "":
		return e.askGroup(s, d)
	case d.Text == "":
		return flows.Ask(s, stepText, d.data(), "", flows.T{ID: "broadcast.ask_text", Data: map[string]any{"Max": maxText}}, nil)
	case d.Ev == "":
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "broadcast.ask_event"}, [][]flows.Button{
			{{Label: flows.T{ID: "broadcast.event_yes"}, Data: verbEvent + ":y"}},
			{{Label: flows.T{ID: "broadcast.event_no"}, Data: verbEvent + ":n"}},
		})
	case d.Ev == "y" && (d.EvDay == "" || d.EvTime == ""):
		d.Asking = "ev"
		return e.whenQ().AskDay(s, d.data(), "")
	case d.Ev == "y" && !d.PlaceAsked:
		return flows.Ask(s, stepPlace, d.data(), "", flows.T{ID: "broadcast.ask_place"},
			[][]flows.Button{{{Label: flows.T{ID: "broadcast.no_place"}, Data: verbNoPlace}}})
	case d.When == "":
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "broadcast.ask_when"}, [][]flows.Button{
			{{Label: flows.T{ID: "broadcast.when_now"}, Data: verbWhen + ":now"}},
			{{Label: flows.T{ID: "broadcast.when_later"}, Data: verbWhen + ":later"}},
		})
	case d.When == "later" && (d.SendDay == "" || d.SendTime == ""):
		d.Asking = "send"
		return e.whenQ().AskDay(s, d.data(), "")
	}
	return e.preview(s, d)
}

// 1. Where: administrators choose the whole network or organisations.

func (e *capability) askScope(s *flows.Session, d draft) error {
	d.Shown = "" // a change: the preview above no longer shows the draft
	orgs, err := e.People().Orgs(s.Ctx())
	if err != nil {
		return err
	}
	rows := [][]flows.Button{{{Label: flows.T{ID: "broadcast.scope_network"}, Data: verbScope + ":n"}}}
	var bs []flows.Button
	for _, o := range orgs {
		mark := "▫️ "
		if slices.Contains(d.Orgs, o.ID) {
			mark = "✅ "
		}
		bs = append(bs, flows.Button{Label: flows.T{Plain: mark + o.Name}, Data: verbScope + ":o:" + o.ID})
	}
	rows = append(rows, flows.Grid(bs, 2)...)
	if len(d.Orgs) > 0 {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "broadcast.scope_done", Count: len(d.Orgs),
			Data: map[string]any{"Count": len(d.Orgs)}}, Data: verbScope + ":d"}})
	}
	if err := s.SetStep("", d.data()); err != nil {
		return err
	}
	m := flows.Message{Lines: []flows.T{{ID: "broadcast.ask_scope"}}, Buttons: rows}
	if strings.HasPrefix(s.Input().Callback, verbScope+":o:") {
		// Ticking an organisation edits the list in place.
		m.EditID = s.Input().MessageID
	}
	return s.Send(m)
}

func (e *capability) scopeChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	what, org, _ := strings.Cut(arg, ":")
	switch what {
	case "n":
		d.Scope, d.Orgs = "n", nil
	case "o":
		if _, err := e.People().Org(s.Ctx(), org); err != nil {
			return flows.OrInvalid(s, nil)
		}
		if i := slices.Index(d.Orgs, org); i >= 0 {
			d.Orgs = slices.Delete(d.Orgs, i, i+1)
		} else {
			d.Orgs = append(d.Orgs, org)
		}
		return e.askScope(s, d)
	case "d":
		if len(d.Orgs) == 0 {
			return e.askScope(s, d)
		}
		d.Scope = "o"
	default:
		return flows.OrInvalid(s, nil)
	}
	return e.next(s, d)
}

// 2. Who.

func (e *capability) askWho(s *flows.Session, d draft, intro string) error {
	rows := [][]flows.Button{
		{{Label: flows.T{ID: "broadcast.who_m"}, Data: verbWho + ":m"}},
		{{Label: flows.T{ID: "broadcast.who_f"}, Data: verbWho + ":f"}},
		{{Label: flows.T{ID: "broadcast.who_e"}, Data: verbWho + ":e"}},
	}
	if s.Person().Role == flows.RoleStaff {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "broadcast.who_g"}, Data: verbWho + ":g"}})
	}
	return flows.Ask(s, "", d.data(), intro, flows.T{ID: "broadcast.ask_who"}, rows)
}

func (e *capability) askGroup(s *flows.Session, d draft) error {
	ids, names, err := e.cfg.Groups.GroupsOf(s.Ctx(), s.Person().OrgID)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		d.Who = ""
		return e.askWho(s, d, "broadcast.no_groups")
	}
	var bs []flows.Button
	for i, id := range ids {
		bs = append(bs, flows.Button{Label: flows.T{Plain: names[i]}, Data: verbWho + ":g:" + id})
	}
	return flows.Ask(s, "", d.data(), "", flows.T{ID: "broadcast.ask_group"}, flows.Grid(bs, 1))
}

func (e *capability) whoChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	who, grp, _ := strings.Cut(arg, ":")
	switch who {
	case whoMothers, whoFamilies, whoEveryone:
		d.Who, d.Group = who, ""
	case whoGroup:
		if s.Person().Role != flows.RoleStaff {
			return flows.OrInvalid(s, nil)
		}
		d.Who, d.Group = whoGroup, ""
		if grp != "" {
			org, _, ok, err := e.cfg.Groups.GroupInfo(s.Ctx(), grp)
			if err != nil || !ok || org != s.Person().OrgID {
				// Another organisation's group, or a forged one.
				return flows.OrInvalid(s, err)
			}
			d.Group = grp
		}
	default:
		return flows.OrInvalid(s, nil)
	}
	return e.next(s, d)
}

// 3. The text.

func (e *capability) textTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	// Counted as sent, escaped: "&" takes five characters of Telegram's limit.
	if flows.TooLong(text) {
		return s.Reply(flows.T{ID: "common.too_long", Data: map[string]any{"Max": maxText}})
	}
	if text == "" {
		return e.next(s, d)
	}
	d.Text = text
	return e.next(s, d)
}

// 4. An event: its day and time, then its place.

func (e *capability) eventChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	switch arg {
	case "y", "n":
		d.Ev = arg
	default:
		return flows.OrInvalid(s, nil)
	}
	if arg == "n" {
		d.EvDay, d.EvTime, d.Place, d.PlaceAsked = "", "", "", false
	}
	return e.next(s, d)
}

// whenQ is the core's day-and-time question, asked for the event and for
// the time to send; the draft's Asking says which.
func (e *capability) whenQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbDay, TimeVerb: verbTime, DayStep: stepDay, TimeStep: stepTime,
		DayText: func(data map[string]string) flows.T {
			if data["asking"] == "send" {
				return flows.T{ID: "broadcast.ask_send_day"}
			}
			return flows.T{ID: "broadcast.ask_event_day"}
		},
		Owns: func(data map[string]string) bool {
			d, ok := draftOf(data)
			return ok && d.Asking != ""
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := draftOf(data)
			at, ok := flows.At(data["day"], data["time"], e.Location())
			if !ok || !at.After(s.Now()) {
				delete(data, "time")
				return e.whenQ().AskTime(s, data, "appointment.time_past")
			}
			if d.Asking == "send" {
				if ev, ok := flows.At(d.EvDay, d.EvTime, e.Location()); d.Ev == "y" && ok && !at.Before(ev) {
					delete(data, "time")
					return e.whenQ().AskTime(s, data, "broadcast.send_after_event")
				}
				d.SendDay, d.SendTime = data["day"], data["time"]
			} else {
				d.EvDay, d.EvTime = data["day"], data["time"]
			}
			d.Asking = ""
			return e.next(s, d)
		},
	}
}

func (e *capability) placeTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if len([]rune(text)) > flows.MaxPlace {
		return s.Reply(flows.T{ID: "common.too_long", Data: map[string]any{"Max": flows.MaxPlace}})
	}
	if d.Place = flows.CleanLine(text); d.Place == "" {
		return s.Reply(flows.T{ID: "broadcast.ask_place"})
	}
	d.PlaceAsked = true
	return e.next(s, d)
}

func (e *capability) placeSkipped(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	d.Place, d.PlaceAsked = "", true
	return e.next(s, d)
}

// 5. When to send.

func (e *capability) whenChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	switch arg {
	case "now":
		d.When, d.SendDay, d.SendTime = "now", "", ""
	case "later":
		d.When = "later"
	default:
		return flows.OrInvalid(s, nil)
	}
	return e.next(s, d)
}

// 6. The preview, and what follows it.

// broadcastOf is the broadcast the draft describes, sent by me at now.
func (e *capability) broadcastOf(d draft, me flows.Person, now time.Time) Broadcast {
	b := Broadcast{ID: d.ID, By: me.ID, Lang: me.Lang, Text: d.Text, Place: d.Place, Created: now, SendAt: now,
		Audience: Audience{Who: d.Who, Group: d.Group}, Status: statusScheduled}
	if me.Role == flows.RoleStaff {
		b.Org, b.Orgs = me.OrgID, []string{me.OrgID}
	} else if d.Scope == "o" {
		b.Orgs = d.Orgs
	}
	if d.Ev == "y" {
		b.Event, _ = flows.At(d.EvDay, d.EvTime, e.Location())
	}
	if d.When == "later" {
		b.SendAt, _ = flows.At(d.SendDay, d.SendTime, e.Location())
	}
	return b
}

func (e *capability) preview(s *flows.Session, d draft) error {
	if d.ID == "" {
		id, err := e.store().newID(s.Ctx())
		if err != nil {
			return err
		}
		d.ID = id
	}
	d.Shown = rand.Text()[:6]
	if err := s.SetStep("", d.data()); err != nil {
		return err
	}
	b := e.broadcastOf(d, s.Person(), s.Now())
	to, err := e.recipients(s.Ctx(), b)
	if err != nil {
		return err
	}
	from, err := e.fromLine(s.Ctx(), b)
	if err != nil {
		return err
	}
	copyOf := e.recipientMessage(b, from, "")
	for _, row := range copyOf.Buttons {
		for i := range row {
			row[i].Data = verbTry
		}
	}
	if err := s.Send(copyOf); err != nil {
		return err
	}
	audience, err := e.audienceText(s.Ctx(), b)
	if err != nil {
		return err
	}
	lines := []flows.T{
		{ID: "broadcast.preview_above"},
		{ID: "broadcast.preview_to", Count: len(to), Data: map[string]any{"Audience": audience, "Count": len(to)}},
		e.estimate(len(to)),
	}
	if d.When == "later" {
		lines = append(lines, flows.T{ID: "broadcast.preview_later", Data: map[string]any{"When": b.SendAt}})
	}
	if at := e.Scheduler().AdjustForQuiet(b.SendAt, time.Time{}); at.After(b.SendAt) {
		lines = append(lines, flows.T{ID: "broadcast.preview_quiet", Data: map[string]any{"When": at}})
	}
	if len(to) == 0 {
		lines = append(lines, flows.T{ID: "broadcast.preview_nobody"})
	}
	act := func(what string) string { return verbPreview + ":" + what + ":" + d.Shown }
	return s.Send(flows.Message{Lines: lines, Buttons: [][]flows.Button{
		{{Label: flows.T{ID: "broadcast.send"}, Data: act("send")}},
		{{Label: flows.T{ID: "broadcast.change"}, Data: act("change")}},
		{{Label: flows.T{ID: "broadcast.cancel"}, Data: act("cancel")}},
	}})
}

// estimate is how long delivering to n people takes at the send rate.
func (e *capability) estimate(n int) flows.T {
	d := time.Duration(float64(n) / e.cfg.SendRate * float64(time.Second))
	switch {
	case d < time.Minute:
		return flows.T{ID: "broadcast.estimate_under_minute"}
	case d < 90*time.Minute:
		m := int((d + time.Minute - 1) / time.Minute)
		return flows.T{ID: "broadcast.estimate_minutes", Count: m, Data: map[string]any{"Count": m}}
	}
	h := int((d + time.Hour - 1) / time.Hour)
	return flows.T{ID: "broadcast.estimate_hours", Count: h, Data: map[string]any{"Count": h}}
}

// previewButton answers an answer button pressed on the preview.
func (e *capability) previewButton(s *flows.Session, _ string) error {
	return s.Reply(flows.T{ID: "broadcast.preview_button"})
}

// previewAction is verbPreview + ":send|change|cancel:<preview>": a
// button of a preview that no longer shows the draft (it was changed
// since) is no longer valid.
func (e *capability) previewAction(s *flows.Session, arg string) error {
	what, shown, _ := strings.Cut(arg, ":")
	d, ok := draftOf(s.Data())
	if !ok || d.ID == "" || d.Shown == "" || shown != d.Shown {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	switch what {
	case "send":
		return e.send(s, d)
	case "change":
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "broadcast.ask_change"}, [][]flows.Button{
			{{Label: flows.T{ID: "broadcast.change_who"}, Data: verbChange + ":who"}},
			{{Label: flows.T{ID: "broadcast.change_text"}, Data: verbChange + ":text"}},
			{{Label: flows.T{ID: "broadcast.change_event"}, Data: verbChange + ":event"}},
			{{Label: flows.T{ID: "broadcast.change_when"}, Data: verbChange + ":when"}},
		})
	case "cancel":
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.ShowMenu("broadcast.dropped")
	}
	return flows.OrInvalid(s, nil)
}

func (e *capability) changeChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	switch arg {
	case "who":
		d.Scope, d.Orgs, d.Who, d.Group = "", nil, "", ""
	case "text":
		d.Text = ""
	case "event":
		d.Ev, d.EvDay, d.EvTime, d.Place, d.PlaceAsked = "", "", "", "", false
	case "when":
		d.When, d.SendDay, d.SendTime = "", "", ""
	default:
		return flows.OrInvalid(s, nil)
	}
	return e.next(s, d)
}

// send saves the broadcast and queues its delivery, ends the
// conversation, then gives the sender the report. A time to send that
// passed while the preview was read means now; an event that passed, or
// a draft missing an answer, means the preview is out of date. Send
// pressed again after a failure half-way queues the delivery of what was
// saved, if it is what the preview shows.
func (e *capability) send(s *flows.Session, d draft) error {
	ctx := s.Ctx()
	b := e.broadcastOf(d, s.Person(), s.Now())
	switch {
	case b.Who == "" || (b.Who == whoGroup && b.Group == "") || b.Text == "" || d.When == "" ||
		(d.Ev == "y" && b.Event.IsZero()) || (d.When == "later" && (d.SendDay == "" || d.SendTime == "")):
		return e.next(s, d)
	case !b.Event.IsZero() && !b.Event.After(s.Now()):
		d.EvDay, d.EvTime = "", ""
		return e.next(s, d)
	}
	if b.SendAt.Before(s.Now()) {
		b.SendAt = s.Now()
	}
	if b.Who == whoGroup {
		org, _, ok, err := e.cfg.Groups.GroupInfo(ctx, b.Group)
		if err != nil || !ok || org != s.Person().OrgID {
			return flows.OrInvalid(s, err)
		}
	}
	saved, err := e.store().save(ctx, b, e.keepFor(b))
	if err != nil {
		return err
	}
	if !saved {
		was, ok, err := e.store().get(ctx, b.ID)
		if err != nil {
			return err
		}
		switch {
		case ok && was.Status == statusScheduled && sameDraft(was, b):
			b = was // pressed again after a failure: what was saved goes on
		case ok && was.Status == statusScheduled:
			// Changed since a save that failed half-way: that one is dropped,
			// and this one saved anew.
			if _, err := e.store().cancel(ctx, was.ID); err != nil {
				return err
			}
			if b.ID, err = e.store().newID(ctx); err != nil {
				return err
			}
			if _, err := e.store().save(ctx, b, e.keepFor(b)); err != nil {
				return err
			}
		default:
			if err := s.EndConv(); err != nil {
				return err
			}
			return s.Reply(flows.T{ID: "broadcast.already_sent"})
		}
	}
	job := deliveryJob(b.ID, 0, b.SendAt)
	// An event that comes before the end of the quiet hours is announced
	// now: in the morning it would be over.
	if !b.Event.IsZero() && !e.Scheduler().AdjustForQuiet(b.SendAt, time.Time{}).Before(b.Event) {
		job.Urgent = true
	}
	if err := e.Scheduler().Schedule(ctx, job); err != nil {
		return flows.Wrap("queue broadcast", err)
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	// The report, in the sender's chat, edited as delivery goes on. Its
	// failure is only logged: the broadcast goes, and /broadcasts shows it.
	msg, err := e.reportMessage(ctx, b)
	if err == nil {
		msg.ChatID, msg.Lang = s.Person().ID, s.Lang()
		var id int
		if id, err = e.Post(ctx, msg); err == nil {
			err = e.store().setReport(ctx, b.ID, id)
		}
	}
	if err != nil {
		e.Log().Warn("broadcast report", "broadcast", b.ID, "error", err)
	}
	// Delivery may have begun meanwhile: the report catches up.
	e.markReport(ctx, b.ID)
	return nil
}

// sameDraft reports whether a saved broadcast is the one b describes.
func sameDraft(saved, b Broadcast) bool {
	return saved.Text == b.Text && saved.Who == b.Who && saved.Group == b.Group && saved.Place == b.Place &&
		saved.Event.Equal(b.Event) && strings.Join(saved.Orgs, ",") == strings.Join(b.Orgs, ",")
}

// Once a delivery has started, its next parts ignore the quiet hours: half
// the recipients must not wait for the morning.
func deliveryJob(id string, part int, due time.Time) scheduler.Job {
	return scheduler.Job{ID: "bcast:" + id + ":deliver:" + strconv.Itoa(part), Kind: jobDeliver, Owner: owner(id),
		Due: due, Urgent: part > 0, Args: map[string]string{"broadcast": id, "part": strconv.Itoa(part)}}
}

// owner is the scheduler owner of a broadcast's delivery.
func owner(id string) string { return "bcast:" + id }
