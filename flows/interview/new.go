package interview

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"nido/flows"
)

// Making an interview, by the mother or by staff for one of their
// organisation's mothers. It asks, in this order, with the same day and
// time buttons as an appointment (the core's when_question.go):
//
//  1. /interview, or staff's in:<mother>   or in one line: /interview 25/02/2027 09:30 Hotel Roma
//  2. day, then time                       buttons (ivd, ivt), or typed; a typed day, in
//                                          the line too, is read back before it is taken
//  3. the kind of job                      buttons (ivj:<job>)
//  4. the company and the place            typed, or Skip (ivw)
//  5. childcare                            will she need someone for her child? (ivc:y, ivc:n)
//  6. the interview                        saved, its tips and follow-up planned, with a calendar
//                                          file; told to her when staff made it
//
// Moving one (card.go) asks 2 again for that interview only.

// draft is an interview being made or moved, kept in the conversation.
type draft struct {
	Mother     string
	Day, Time  string
	Job        string
	Where      string
	WhereAsked bool
	Care       string // "" until asked, then "y" or "n"
	ID         string
	// Move is the interview being moved, Seq its version when the move began.
	Move, Seq string
}

func draftOf(d map[string]string) (draft, bool) {
	if d["flow"] != "interview" || d["mother"] == "" {
		return draft{}, false
	}
	return draft{Mother: d["mother"], Day: d["day"], Time: d["time"], Job: d["job"], Where: d["where"],
		WhereAsked: d["asked"] == "1", Care: d["care"], ID: d["id"], Move: d["move"], Seq: d["seq"]}, true
}

func (d draft) data() map[string]string {
	out := map[string]string{"flow": "interview", "mother": d.Mother}
	for k, v := range map[string]string{"day": d.Day, "time": d.Time, "job": d.Job, "where": d.Where, "care": d.Care,
		"id": d.ID, "move": d.Move, "seq": d.Seq} {
		if v != "" {
			out[k] = v
		}
	}
	if d.WhereAsked {
		out["asked"] = "1"
	}
	return out
}

// 1. Start.

func (e *capability) start(s *flows.Session, arg string) error {
	me := s.Person()
	if me.Role == flows.RoleStaff {
		return e.staffHome(s)
	}
	d := draft{Mother: strconv.FormatInt(me.ID, 10)}
	if arg == "" {
		return e.next(s, d)
	}
	r, rest, err := flows.DateAtStart(arg, s.Lang(), s.Now())
	if err != nil {
		return s.Reply(flows.T{ID: flows.WhenError(err)}, flows.T{ID: "interview.shortcut_help"})
	}
	d.Day = flows.DayCode(r.Time(e.Location()))
	if problem := flows.DayProblem(d.Day, s.Now()); problem != "" {
		return s.Reply(flows.T{ID: problem}, flows.T{ID: "interview.shortcut_help"})
	}
	if r.HasTime {
		d.Time = flows.ClockOf(r.Hour, r.Minute)
	}
	if rest = flows.CleanLine(rest); rest != "" && utf8.RuneCountInString(rest) <= maxWhere {
		d.Where, d.WhereAsked = rest, true
	}
	if s.Handed() {
		// From /appointment, which read the day back already.
		return e.next(s, d)
	}
	// The day is read back with its weekday before it is taken.
	return e.whenQ().Typed(s, d.data())
}

// newButton is in (a mother's "new interview") or staff's in:<mother>.
func (e *capability) newButton(s *flows.Session, arg string) error {
	if s.Person().Role != flows.RoleStaff {
		return e.next(s, draft{Mother: strconv.FormatInt(s.Person().ID, 10)})
	}
	m, ok, err := s.OrgMember(arg, flows.RoleMother)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.next(s, draft{Mother: strconv.FormatInt(m.ID, 10)})
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
	switch {
	case d.Job == "":
		var bs []flows.Button
		for _, j := range jobs {
			bs = append(bs, flows.Button{Label: flows.T{ID: "interview.job_" + j}, Data: verbJob + ":" + j})
		}
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "interview.ask_job"}, flows.Grid(bs, 2))
	case !d.WhereAsked:
		return flows.Ask(s, stepWhere, d.data(), "", flows.T{ID: "interview.ask_where", Data: map[string]any{"Max": maxWhere}},
			[][]flows.Button{{{Label: flows.T{ID: "appointment.skip"}, Data: verbWhereSkip}}})
	case d.Care == "":
		return flows.Ask(s, "", d.data(), "", flows.T{ID: "interview.ask_childcare"}, [][]flows.Button{
			{{Label: flows.T{ID: "interview.childcare_yes"}, Data: verbChildcare + ":y"}},
			{{Label: flows.T{ID: "interview.childcare_no"}, Data: verbChildcare + ":n"}},
		})
	}
	return e.save(s, d)
}

// 2. Day and time: the core's question.

// whenQ is the interview's day-and-time question.
func (e *capability) whenQ() flows.WhenQuestion {
	return flows.WhenQuestion{DayVerb: verbDay, TimeVerb: verbTime, DayStep: stepDay, TimeStep: stepTime,
		DayText: func(map[string]string) flows.T { return flows.T{ID: "interview.ask_day"} },
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

// 3., 4. and 5. The job, where, childcare.

func (e *capability) jobChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if !isJob(arg) {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d.Job = arg
	return e.next(s, d)
}

func (e *capability) whereTyped(s *flows.Session, text string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if utf8.RuneCountInString(text) > maxWhere {
		return s.Reply(flows.T{ID: "appointment.too_long", Data: map[string]any{"Max": maxWhere}})
	}
	if d.Where = flows.CleanLine(text); d.Where == "" {
		return s.Reply(flows.T{ID: "interview.ask_where", Data: map[string]any{"Max": maxWhere}})
	}
	d.WhereAsked = true
	return e.next(s, d)
}

func (e *capability) whereSkip(s *flows.Session, _ string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	d.Where, d.WhereAsked = "", true
	return e.next(s, d)
}

func (e *capability) childcareChosen(s *flows.Session, arg string) error {
	d, ok, err := flows.DraftOrInvalid(s, draftOf)
	if !ok {
		return err
	}
	if arg != "y" && arg != "n" || d.Job == "" || !d.WhereAsked {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	d.Care = arg
	return e.next(s, d)
}

// 6. Saved, planned, told.

// draftMother is the mother the draft is for, when the one acting may
// still make her interviews: herself, or staff of her organisation.
func (e *capability) draftMother(s *flows.Session, d draft) (flows.Person, bool, error) {
	if s.Person().Role == flows.RoleStaff {
		return s.OrgMember(d.Mother, flows.RoleMother)
	}
	return s.Person(), d.Mother == strconv.FormatInt(s.Person().ID, 10), nil
}

// save stores the interview, plans its tips and follow-up and tells her.
// Its id is reserved and kept in the conversation before anything is
// written, and the conversation ends only once all is done: a repeat after
// an error rewrites the same interview, and each message names it.
func (e *capability) save(s *flows.Session, d draft) error {
	mother, ok, err := e.draftMother(s, d)
	if err != nil || !ok {
		return flows.OrMotherGone(s, err == nil, err)
	}
	st := e.store()
	if d.ID == "" {
		if d.ID, err = st.newID(s.Ctx()); err != nil {
			return err
		}
		if err := s.SetStep(s.Step(), d.data()); err != nil {
			return err
		}
	}
	at, _ := flows.At(d.Day, d.Time, e.Location())
	iv := Interview{ID: d.ID, Mother: mother.ID, Org: mother.OrgID, At: at, Job: d.Job, Where: d.Where, Childcare: d.Care == "y",
		Status: statusPlanned, Seq: 1, By: s.Person().ID, Created: s.Now()}
	saved, err := st.save(s.Ctx(), iv, s.Now())
	if err != nil {
		return err
	}
	if !saved {
		if err := s.EndConv(); err != nil {
			return err
		}
		return s.Reply(flows.T{ID: "interview.cancelled_already"})
	}
	tips, err := e.plan(s.Ctx(), iv)
	if err != nil {
		return err
	}
	if gone, err := e.undoIfErased(s.Ctx(), iv); err != nil || gone {
		return flows.OrMotherGone(s, gone, err)
	}
	e.Log().Info("interview created", "user_id", s.Person().ID, "interview", iv.ID)
	news := flows.Message{Lines: append(append([]flows.T{{ID: "interview.created"}}, cardLines(iv)...), tipsLine(tips)),
		Buttons: e.cardButtons(iv), Document: e.document(iv, mother.Lang, false)}
	if s.Person().ID != mother.ID {
		news.Lines[0] = flows.T{ID: "interview.created_for_you"}
		if err := e.TellMessage(s.Ctx(), mother, jobPrefix(iv)+"created", news); err != nil {
			return err
		}
		news = flows.Message{Lines: append([]flows.T{{ID: "interview.created_staff", Data: map[string]any{"Name": mother.Name}}}, cardLines(iv)...)}
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	return s.Send(news)
}

// undoIfErased takes back iv and its jobs, just written, when its mother
// is erasing her data (the core cancelled her jobs before this write), and
// reports whether it did. Call it after every write about an interview.
func (e *capability) undoIfErased(ctx context.Context, iv Interview) (bool, error) {
	gone, err := e.BeingErased(ctx, iv.Mother)
	if err != nil || !gone {
		return false, err
	}
	if err := e.dropJobs(ctx, iv, nil); err != nil {
		return true, err
	}
	e.Log().Info("interview taken back: its mother was erased", "interview", iv.ID)
	return true, e.store().eraseMother(ctx, iv.Mother, iv.Org)
}

// tipsLine says how many tips will come and when the first does, or that none will.
func tipsLine(tips []time.Time) flows.T {
	if len(tips) == 0 {
		return flows.T{ID: "interview.tips_none"}
	}
	return flows.T{ID: "interview.tips_when", Count: len(tips), Data: map[string]any{"Count": len(tips), "When": tips[0]}}
}
