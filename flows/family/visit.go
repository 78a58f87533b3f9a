package family

import (
	"context"
	"strconv"
	"unicode/utf8"

	"nido/flows"
)

// Planning a visit, by staff of the pairing's organisation or by the family
// itself, and moving one. Planning asks, in this order, with the same day
// and time buttons as an appointment (the core's when_question.go):
//
//  1. fv:<pair>          "Plan a visit" on a pairing's page
//  2. day                buttons for the next 14 days (fvd), or typed
//  3. time               buttons for the usual slots (fvt), or typed
//  4. place              "At her home" (fvh), or typed
//  5. once or again      once, every week, every two weeks (fvr:0, fvr:1, fvr:2)
//  6. the visit          saved, its nudges planned, the mother told with a
//                        calendar file, and the family too when staff planned it
//
// Moving a visit (answer.go's "Change the time") asks 2 and 3 again for that
// visit only, then moves it: a new version, with its own nudges and a new
// calendar file.

// draft is a visit being planned or moved, kept in the conversation.
type draft struct {
	Pair  string
	Day   string // DayCode
	Time  string // "0930"
	Place string
	Home  bool
	// PlaceAsked is set once the place was typed or chosen.
	PlaceAsked bool
	// Every is "" until asked, then "0" (once), "1" or "2" (weeks).
	Every string
	// Move is the visit being moved, Seq its version and From its time
	// (unix seconds) when the move began.
	Move string
	Seq  string
	From string
	// ID is reserved once every answer is in (a visit's, or a recurring
	// visit's), so that saving again rewrites it.
	ID string
}

func draftOf(d map[string]string) (draft, bool) {
	if d["flow"] != "visit" || d["pair"] == "" {
		return draft{}, false
	}
	return draft{Pair: d["pair"], Day: d["day"], Time: d["time"], Place: d["place"], Home: d["home"] == "1",
		PlaceAsked: d["asked"] == "1", Every: d["every"], Move: d["move"], Seq: d["seq"], From: d["from"], ID: d["id"]}, true
}

func (d draft) data() map[string]string {
	out := map[string]string{"flow": "visit", "pair": d.Pair}
	for k, v := range map[string]string{"day": d.Day, "time": d.Time, "place": d.Place, "every": d.Every,
		"move": d.Move, "seq": d.Seq, "from": d.From, "id": d.ID} {
		if v != "" {
			out[k] = v
		}
	}
	if d.Home {
		out["home"] = "1"
	}
	if d.PlaceAsked {
		out["asked"] = "1"
	}
	return out
}

// visitorPair loads the pairing a button names when the one pressing may
// plan its visits: staff of its organisation, or its family. A mother, an
// unpaired family or another organisation's staff may not.
func (e *capability) visitorPair(s *flows.Session, id string) (Pairing, bool, error) {
	p, ok, err := e.store().pair(s.Ctx(), id)
	if err != nil || !ok {
		return Pairing{}, false, err
	}
	me := s.Person()
	switch me.Role {
	case flows.RoleStaff:
		return p, me.OrgID != "" && p.Org == me.OrgID, nil
	case flows.RoleFamily:
		return p, p.Family == me.ID, nil
	}
	return Pairing{}, false, nil
}

// 1. Start, and what to ask next.

func (e *capability) planStart(s *flows.Session, id string) error {
	p, ok, err := e.visitorPair(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if p.Status != pairActive {
		return s.Reply(flows.T{ID: "family.pair_ended_already"})
	}
	return e.next(s, draft{Pair: p.ID})
}

// next asks the first question the draft has no answer to, or saves.
func (e *capability) next(s *flows.Session, d draft) error {
	switch {
	case d.Day == "":
		return e.askDay(s, d, "")
	case d.Time == "":
		return e.askTime(s, d, "")
	}
	if t, ok := flows.At(d.Day, d.Time, e.Location()); !ok || !t.After(s.Now()) {
		d.Time = ""
		return e.askTime(s, d, "appointment.time_past")
	}
	if d.Move != "" {
		return e.saveMove(s, d)
	}
	if !d.PlaceAsked {
		return flows.Ask(s, stepPlace, d.data(), "", flows.T{ID: "family.ask_place"},
			[][]flows.Button{{{Label: flows.T{ID: "family.at_home"}, Data: verbHome}}})
	}
	if d.Every == "" {
		at, _ := flows.At(d.Day, d.Time, e.Location())
		wd := flows.T{ID: "family.weekday_" + strconv.Itoa(int(at.Weekday()))}
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "family.ask_repeat"}, [][]flows.Button{
			{{Label: flows.T{ID: "family.repeat_once"}, Data: verbRepeat + ":0"}},
			{{Label: flows.T{ID: "family.repeat_weekly", Data: map[string]any{"Day": wd}}, Data: verbRepeat + ":1"}},
			{{Label: flows.T{ID: "family.repeat_fortnightly", Data: map[string]any{"Day": wd}}, Data: verbRepeat + ":2"}},
		})
	}
	return e.saveNew(s, d)
}

// 2. and 3. Day and time: the core's question.

// whenQ is the visit's day-and-time question.
func (e *capability) whenQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbDay, TimeVerb: verbTime, DayStep: stepDay, TimeStep: stepTime,
		DayText: func(map[string]string) flows.T { return flows.T{ID: "family.ask_day"} },
		Owns: func(data map[string]string) bool {
			_, ok := draftOf(data)
			return ok
		},
		Next: func(s *flows.Session, data map[string]string) error {
			d, _ := draftOf(data)
			return e.next(s, d)
		},
	}
}

func (e *capability) askDay(s *flows.Session, d draft, intro string) error {
	return e.whenQ().AskDay(s, d.data(), intro)
}

func (e *capability) askTime(s *flows.Session, d draft, intro string) error {
	return e.whenQ().AskTime(s, d.data(), intro)
}

// 4. Place.

func (e *capability) placeHome(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	d.Home, d.Place, d.PlaceAsked = true, "", true
	return e.next(s, d)
}

func (e *capability) placeTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if utf8.RuneCountInString(text) > flows.MaxPlace {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": flows.MaxPlace}})
	}
	if d.Place = flows.CleanLine(text); d.Place == "" {
		return s.Reply(flows.T{ID: "family.ask_place"})
	}
	d.Home, d.PlaceAsked = false, true
	return e.next(s, d)
}

// 5. Once or again.

func (e *capability) repeatChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if arg != "0" && arg != "1" && arg != "2" || !d.PlaceAsked {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d.Every = arg
	return e.next(s, d)
}

// 6. The visit saved, planned and told.

// saveNew stores the visit (and its recurring rule), plans its nudges and
// tells the mother, and the family when staff planned it. Its id is reserved
// and kept in the conversation before anything is written, and the
// conversation ends only once all is done: a repeat after an error rewrites
// the same visit, and each message names it, so nobody is told twice.
func (e *capability) saveNew(s *flows.Session, d draft) error {
	p, ok, err := e.visitorPair(s, d.Pair)
	if err != nil {
		return err
	}
	if !ok || p.Status != pairActive {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "family.pair_ended_already"})
	}
	st := e.store()
	seq := e.k.visitSeq()
	if d.Every != "0" {
		seq = e.k.seriesSeq()
	}
	if d.ID == "" {
		if d.ID, err = st.next(s.Ctx(), seq); err != nil {
			return err
		}
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	at, _ := flows.At(d.Day, d.Time, e.Location())
	v := Visit{ID: d.ID, Pair: p.ID, Org: p.Org, Family: p.Family, Mother: p.Mother, At: at, Place: d.Place, Home: d.Home,
		Status: visitPlanned, Seq: 1, By: s.Person().ID, Created: s.Now()}
	if d.Every != "0" {
		every, _ := strconv.Atoi(d.Every)
		sr := Series{ID: d.ID, Pair: p.ID, Org: p.Org, Clock: d.Time, Weekday: at.Weekday(), Every: every, Anchor: d.Day,
			Place: d.Place, Home: d.Home, By: s.Person().ID, Created: s.Now()}
		if err := st.saveSeries(s.Ctx(), sr); err != nil {
			return err
		}
		v.ID, v.Series = occurrenceID(sr.ID, d.Day), sr.ID
	}
	saved, err := st.saveVisit(s.Ctx(), v, false, s.Now())
	if err != nil {
		return err
	}
	if !saved {
		// Cancelled by someone else while this save was being repeated.
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "family.visit_cancelled"})
	}
	if v.Series != "" {
		sr, _, err := st.series(s.Ctx(), v.Series)
		if err != nil {
			return err
		}
		if err := e.Scheduler().AddRule(s.Ctx(), e.seriesRule(sr)); err != nil {
			return err
		}
	}
	if err := e.planVisit(s.Ctx(), v); err != nil {
		return err
	}
	if gone, err := e.eitherErased(s.Ctx(), p); err != nil || gone {
		return flows.OrMotherGone(s, gone, err)
	}
	e.Log().Info("visit planned", "user_id", s.Person().ID, "pair", p.ID, "visit", v.ID, "series", v.Series)
	if err := e.tellPlanned(s.Ctx(), p, v, s.Person()); err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	intro := flows.T{ID: "family.planned"}
	if v.Series != "" {
		intro = flows.T{ID: "family.planned_series"}
	}
	return e.pairPage(s, p, intro)
}

// eitherErased reports whether the family or the mother of p is erasing
// their data, and then takes back all of p that was just written (the
// erasure may have removed the pairing before this write): call it after
// every write about a pairing's visits.
func (e *capability) eitherErased(ctx context.Context, p Pairing) (bool, error) {
	for _, who := range []int64{p.Family, p.Mother} {
		gone, err := e.BeingErased(ctx, who)
		if err != nil || !gone {
			if err != nil {
				return false, err
			}
			continue
		}
		if _, err := e.Scheduler().CancelOwner(ctx, pairOwner(p.ID)); err != nil {
			return true, err
		}
		e.Log().Info("visit taken back: a person of its pairing was erased", "pair", p.ID)
		return true, e.store().removePair(ctx, p)
	}
	return false, nil
}

// tellPlanned tells the mother of a new visit, with its calendar file, and
// the family too when someone else planned it.
func (e *capability) tellPlanned(ctx context.Context, p Pairing, v Visit, by flows.Person) error {
	fam, mother, ok, err := e.pairPeople(ctx, p)
	if err != nil || !ok {
		return err
	}
	jobID := visitJobPrefix(v) + "planned"
	err = e.TellMessage(ctx, mother, jobID, flows.Message{
		Lines:    append([]flows.T{{ID: "family.visit_new_mother", Data: map[string]any{"Family": firstName(fam.Name)}}}, e.visitLines(v, mother)...),
		Document: e.visitDocument(v, fam, mother.Lang, false),
	})
	if err != nil || by.ID == fam.ID {
		return err
	}
	return e.TellMessage(ctx, fam, jobID, flows.Message{
		Lines: append([]flows.T{{ID: "family.visit_new_family", Data: map[string]any{"Mother": firstName(mother.Name)}}}, e.visitLines(v, fam)...),
	})
}

// pairPeople loads a pairing's family and mother; ok is false when either is gone.
func (e *capability) pairPeople(ctx context.Context, p Pairing) (fam, mother flows.Person, ok bool, err error) {
	fam, ok1, err := e.People().Get(ctx, p.Family)
	if err != nil {
		return fam, mother, false, err
	}
	mother, ok2, err := e.People().Get(ctx, p.Mother)
	return fam, mother, ok1 && ok2 && err == nil, err
}

// Moving a visit: the day and time asked again, then saveMove.

// startMove asks a new day for v; who pressed is checked by the caller.
func (e *capability) startMove(s *flows.Session, v Visit) error {
	return e.askDay(s, draft{Pair: v.Pair, Move: v.ID, Seq: strconv.Itoa(v.Seq), From: strconv.FormatInt(v.At.Unix(), 10)}, "")
}

// saveMove moves the visit to the draft's time as its next version: the
// family's own new time needs no confirmation, one chosen by staff does.
// The mother is told with a new calendar file, and the other side (staff or
// the family) learns of it.
func (e *capability) saveMove(s *flows.Session, d draft) error {
	v, p, ok, err := e.visitorVisit(s, d.Move)
	if err != nil {
		return err
	}
	if !ok || p.Status != pairActive {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	at, _ := flows.At(d.Day, d.Time, e.Location())
	status := visitPlanned
	if s.Person().Role == flows.RoleFamily {
		status = visitConfirmed
	}
	from := flows.UnixTime(d.From).In(e.Location())
	seq, _ := strconv.Atoi(d.Seq)
	switch {
	case v.Seq == seq:
		moved, err := e.store().move(s.Ctx(), v, at, status, s.Now())
		if err != nil {
			return err
		}
		if !moved {
			if err := s.EndConv(); err != nil {
				return err
			}
			return s.Reply(flows.T{ID: "family.visit_cancelled"})
		}
		v.Seq++
	case v.Seq == seq+1 && v.At.Equal(at):
		// This move, repeated after an error: finish it.
	default:
		// Someone else moved it meanwhile.
		if err := s.EndConv(); err != nil {
			return err
		}
		return e.card(s, p, v, flows.T{ID: "family.visit_was_moved"})
	}
	v.At, v.Status = at, status
	if err := e.planVisit(s.Ctx(), v); err != nil {
		return err
	}
	if gone, err := e.eitherErased(s.Ctx(), p); err != nil || gone {
		return flows.OrMotherGone(s, gone, err)
	}
	e.Log().Info("visit moved", "user_id", s.Person().ID, "visit", v.ID, "seq", v.Seq)
	fam, mother, ok, err := e.pairPeople(s.Ctx(), p)
	if err != nil {
		return err
	}
	if ok {
		jobID := visitJobPrefix(v) + "moved"
		err = e.TellMessage(s.Ctx(), mother, jobID, flows.Message{
			Lines: append([]flows.T{{ID: "family.visit_moved_mother", Data: map[string]any{
				"Family": firstName(fam.Name), "From": from}}}, e.visitLines(v, mother)...),
			Document: e.visitDocument(v, fam, mother.Lang, false),
		})
		if err != nil {
			return err
		}
		if s.Person().Role == flows.RoleFamily {
			err = e.alertStaff(s.Ctx(), v, "moved", false)
		} else {
			err = e.TellMessage(s.Ctx(), fam, jobID, flows.Message{
				Lines: append([]flows.T{{ID: "family.visit_moved_family", Data: map[string]any{
					"Mother": firstName(mother.Name), "From": from}}}, e.visitLines(v, fam)...),
			})
		}
		if err != nil {
			return err
		}
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.pairPage(s, p, flows.T{ID: "family.moved"})
}
