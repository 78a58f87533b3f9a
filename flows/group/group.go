package group

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"nido/flows"
)

// Mutual-aid groups, for staff: they make a group of mothers of their
// organisation, add and remove mothers, and plan its meetings. A mother is
// told when she is added and when a meeting is planned or cancelled; she
// never learns who else is in the group. Every button names a group by id
// and is checked against the staff member's organisation: another
// organisation's group, or a forged id, is an invalid button and changes
// nothing.
//
//  1. /groups or the menu's "Groups"   the organisation's groups as buttons, and "New group"
//  2. grn, then the name typed         a new group, then its page
//  3. grp:<group>                      its page: members, next meetings with answer counts, actions
//  4. gra:<group>[:<mother>]           add a mother: buttons of the organisation's mothers not in it
//  5. grr:<group>[:<mother>]           remove a mother: buttons of its members
//  6. grm, grc, grx                    plan and cancel a meeting (meeting.go, cancel.go)
//  7. grd, gre                         end the group (end.go)
//  8. grv, grs, grz                    move a meeting (move.go), stop a recurring one (series_stop.go)
//  9. grw, then the name typed         rename the group (rename.go)
//
// 12. gpn and the gp… verbs            find a date with a poll (poll.go)
//
// 10. grk                              childcare offered or not (childcare.go)
// 11. grt, gat, gam, gak, gad          attendance: who came, by month (attendance.go)
//
// A mother's side is mine.go and childcare.go; the reminder jobs.go.
func (e *capability) routes() []flows.Route {
	staff := []string{flows.RoleStaff}
	mother := []string{flows.RoleMother}
	routes := append(e.whenQ().Routes(staff), e.moveQ().Routes(staff)...)
	return append(append(routes, []flows.Route{
		// This file.
		{Command: "/groups", Roles: staff, Run: e.groupList},
		{Verb: verbList, Roles: staff, Run: e.groupList},
		{Verb: verbNew, Roles: staff, Run: e.groupAskName},
		{Step: "group.name", Roles: staff, Run: e.groupNameTyped},
		{Verb: verbPage, Roles: staff, Run: e.groupPageButton},
		{Verb: verbAdd, Roles: staff, Run: e.groupAdd},
		{Verb: verbRemove, Roles: staff, Run: e.groupRemove},
		// end.go: ending a group.
		{Verb: verbAskEnd, Roles: staff, Run: e.groupAskEnd},
		{Verb: verbEnd, Roles: staff, Run: e.groupEnd},
		// rename.go, childcare.go and attendance.go.
		{Verb: verbRename, Roles: staff, Run: e.groupAskRename},
		{Step: "group.rename", Roles: staff, Run: e.groupRenameTyped},
		{Verb: verbChildcare, Roles: staff, Run: e.groupChildcare},
		{Verb: verbAttendance, Roles: staff, Run: e.attendMonthButton},
		{Verb: verbAttendMeeting, Roles: staff, Run: e.attendMeetingButton},
		{Verb: verbMark, Roles: staff, Run: e.attendMark},
		{Verb: verbMarkKid, Roles: staff, Run: e.attendMarkKid},
		{Verb: verbAttendDone, Roles: staff, Run: e.attendDone},
		// meeting.go and cancel.go: planning and cancelling a meeting.
		{Verb: verbPlan, Roles: staff, Run: e.meetStart},
		{Step: "group.place", Roles: staff, Run: e.meetPlaceTyped},
		{Verb: verbSkipPlace, Roles: staff, Run: e.meetSkipPlace},
		{Verb: verbRepeat, Roles: staff, Run: e.meetRepeat},
		// series.go and series_stop.go: until when, and stopping a recurring meeting.
		{Verb: verbUntil, Roles: staff, Run: e.untilPressed},
		{Step: "group.until", Roles: staff, Run: e.untilTyped},
		{Verb: verbAskStop, Roles: staff, Run: e.seriesAskStop},
		{Verb: verbStop, Roles: staff, Run: e.seriesStop},
		// move.go: moving a meeting.
		{Verb: verbMove, Roles: staff, Run: e.moveStart},
		{Verb: verbMoveYes, Roles: staff, Run: e.moveSave},
		{Verb: verbAskCancel, Roles: staff, Run: e.meetAskCancel},
		{Verb: verbCancel, Roles: staff, Run: e.meetCancel},
		// mine.go: a mother's groups and her answers.
		{Command: "/group", Roles: mother, Run: e.groupMine},
		{Verb: verbAnswer, Roles: mother, Run: e.meetAnswer},
		{Verb: verbKid, Roles: mother, Run: e.meetKid},
	}...), e.pollRoutes(staff, mother)...)
}

// The group's button verbs: each starts a button's data, before its
// arguments, and names the route that answers it. They are short because
// Telegram gives a button 64 bytes and the signature takes its share.
const (
	verbList      = "grl" // the organisation's groups
	verbNew       = "grn" // a new group
	verbPage      = "grp" // a group's page
	verbAdd       = "gra" // add a mother
	verbRemove    = "grr" // remove a mother
	verbAskEnd    = "grd" // end the group?
	verbEnd       = "gre" // end it, confirmed
	verbPlan      = "grm" // plan a meeting
	verbDay       = "gmd" // the meeting's day
	verbTime      = "gmt" // the meeting's time
	verbSkipPlace = "gms" // no place
	verbAskCancel = "grc" // cancel a meeting?
	verbCancel    = "grx" // cancel it, confirmed
	verbAnswer    = "gm"  // a mother's answer to a meeting
	verbRepeat    = "gmr" // once, every week, every two weeks
	verbUntil     = "gmu" // a repeating meeting's last day
	verbAskStop   = "grs" // stop repeating?
	verbStop      = "grz" // stop it, confirmed
	verbMove      = "grv" // move a meeting
	verbMoveDay   = "gvd" // its new day
	verbMoveTime  = "gvt" // its new time
	verbMoveYes   = "gvy" // move it, confirmed

	verbKid       = "gk"  // a mother's answer about her child
	verbRename    = "grw" // rename the group
	verbChildcare = "grk" // childcare offered, or not

	verbAttendance    = "grt" // a month's attendance of the group
	verbAttendMeeting = "gat" // who came to one meeting
	verbMark          = "gam" // she came, or not
	verbMarkKid       = "gak" // her children came too, or not
	verbAttendDone    = "gad" // the marks are done
)

// 1. The organisation's groups.

func (e *capability) groupList(s *flows.Session, _ string) error {
	gs, err := e.groupStore().ofOrg(s.Ctx(), s.Person().OrgID)
	if err != nil {
		return err
	}
	title := flows.T{ID: "group.list_title"}
	if len(gs) == 0 {
		title = flows.T{ID: "group.list_none"}
	}
	var bs []flows.Button
	for _, g := range gs[:min(len(gs), flows.MaxButtons)] {
		bs = append(bs, flows.Button{Label: flows.T{Plain: g.Name}, Data: verbPage + ":" + g.ID})
	}
	rows := append(flows.Grid(bs, 2), []flows.Button{{Label: flows.T{ID: "group.new"}, Data: verbNew}})
	return s.Send(flows.Message{Lines: []flows.T{title}, Buttons: rows})
}

// 2. A new group: its name, typed.

func (e *capability) groupAskName(s *flows.Session, _ string) error {
	if err := s.SetStep("group.name", map[string]string{"flow": "group"}); err != nil {
		return err
	}
	return s.Reply(flows.T{ID: "group.ask_name", Data: map[string]any{"Max": maxGroupName}})
}

// groupNameTyped makes the group. Its id is reserved and kept in the
// conversation before anything is written, so that a repeat after an error
// rewrites the same group and never makes a second.
func (e *capability) groupNameTyped(s *flows.Session, text string) error {
	name := flows.CleanLine(text)
	if name == "" || utf8.RuneCountInString(name) > maxGroupName {
		return s.Reply(flows.T{ID: "group.name_invalid", Data: map[string]any{"Max": maxGroupName}})
	}
	data := s.Data()
	if data == nil {
		data = map[string]string{"flow": "group"}
	}
	st := e.groupStore()
	if data["id"] == "" {
		id, err := st.newGroupID(s.Ctx())
		if err != nil {
			return err
		}
		data["id"] = id
		if err := s.SetStep(s.Step(), data); err != nil {
			return err
		}
	}
	g := Group{ID: data["id"], Org: s.Person().OrgID, Name: name, By: s.Person().ID, Created: s.Now()}
	if err := st.saveGroup(s.Ctx(), g); err != nil {
		return err
	}
	e.Log().Info("group created", "user_id", s.Person().ID, "group", g.ID, "org", g.Org)
	if err := s.EndConv(); err != nil {
		return err
	}
	return e.groupPage(s, g, flows.T{ID: "group.created"})
}

// 3. A group's page.

// staffGroup loads the group a button names and checks that it is of the
// staff member's organisation; ok is false for anyone else's, or none.
func (e *capability) staffGroup(s *flows.Session, id string) (Group, bool, error) {
	g, ok, err := e.groupStore().group(s.Ctx(), id)
	if err != nil || !ok {
		return Group{}, false, err
	}
	return g, g.Org != "" && g.Org == s.Person().OrgID, nil
}

func (e *capability) groupPageButton(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	return e.groupPage(s, g, flows.T{})
}

// groupPage shows staff a group: an intro when set, its mothers, its next
// meetings with how many said they come, its open polls, and what they can do.
func (e *capability) groupPage(s *flows.Session, g Group, intro flows.T) error {
	mothers, err := e.groupMothers(s.Ctx(), g)
	if err != nil {
		return err
	}
	meetings, err := e.groupStore().planned(s.Ctx(), g.ID, s.Now())
	if err != nil {
		return err
	}
	var lines []flows.T
	if intro.ID != "" {
		lines = append(lines, intro)
	}
	lines = append(lines, flows.T{ID: "group.title", Data: map[string]any{"Name": g.Name}})
	if len(mothers) == 0 {
		lines = append(lines, flows.T{ID: "group.members_none"})
	} else {
		lines = append(lines, flows.T{ID: "group.members", Count: len(mothers), Data: map[string]any{"Count": len(mothers)}})
	}
	for _, m := range mothers {
		lines = append(lines, flows.T{ID: "group.member_item", Data: map[string]any{"Name": m.Name}})
	}
	series, err := e.seriesLines(s.Ctx(), g, s.Now())
	if err != nil {
		return err
	}
	lines = append(lines, series...)
	if len(meetings) == 0 {
		lines = append(lines, flows.T{ID: "group.meetings_none"})
	} else {
		lines = append(lines, flows.T{ID: "group.meetings_title"})
	}
	for _, m := range meetings[:min(len(meetings), flows.MaxCards)] {
		yes, no, none := answerCounts(m, mothers)
		lines = append(lines, flows.T{ID: "group.meeting_item", Data: map[string]any{
			"When": m.At, "Yes": yes, "No": no, "None": none}})
		if g.Childcare {
			lines = append(lines, flows.T{ID: "group.meeting_children", Data: map[string]any{"Children": childrenExpected(m, mothers)}})
		}
	}
	polls, pollRows, err := e.openPollsOnPage(s.Ctx(), g, mothers)
	if err != nil {
		return err
	}
	lines = append(lines, polls...)
	rows := [][]flows.Button{
		{{Label: flows.T{ID: "group.add"}, Data: verbAdd + ":" + g.ID}, {Label: flows.T{ID: "group.remove"}, Data: verbRemove + ":" + g.ID}},
		{{Label: flows.T{ID: "group.plan"}, Data: verbPlan + ":" + g.ID}, {Label: flows.T{ID: "group.poll"}, Data: verbPoll + ":" + g.ID}},
		{{Label: flows.T{ID: "group.move"}, Data: verbMove + ":" + g.ID}, {Label: flows.T{ID: "group.cancel"}, Data: verbAskCancel + ":" + g.ID}},
	}
	if len(series) > 0 {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "group.stop"}, Data: verbAskStop + ":" + g.ID}})
	}
	rows = append(rows, pollRows...)
	rows = append(rows,
		[]flows.Button{{Label: flows.T{ID: "group.attendance"}, Data: verbAttendance + ":" + g.ID}, childcareButton(g)},
		[]flows.Button{{Label: flows.T{ID: "group.rename"}, Data: verbRename + ":" + g.ID}, {Label: flows.T{ID: "group.end"}, Data: verbAskEnd + ":" + g.ID}},
		[]flows.Button{{Label: flows.T{ID: "group.back"}, Data: verbList}})
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// answerCounts counts the answers of a group's mothers to m: who comes, who
// does not, who has not said.
func answerCounts(m Meeting, mothers []flows.Person) (yes, no, none int) {
	for _, p := range mothers {
		switch m.Answers[p.ID] {
		case answerComing:
			yes++
		case answerNotComing:
			no++
		default:
			none++
		}
	}
	return yes, no, none
}

// groupMothers lists the mothers in g who are still mothers of its
// organisation, in the order they were added; an erased one is not there.
func (e *capability) groupMothers(ctx context.Context, g Group) ([]flows.Person, error) {
	ids, err := e.groupStore().members(ctx, g)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	all, err := e.People().Members(ctx, g.Org, flows.RoleMother)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]flows.Person, len(all))
	for _, p := range all {
		byID[p.ID] = p
	}
	out := make([]flows.Person, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// 4. Adding a mother.

// groupAdd is verbAdd + ":<group>": the mothers who can be added; or
// verbAdd + ":<group>:<mother>": add her, and tell her.
func (e *capability) groupAdd(s *flows.Session, arg string) error {
	id, who, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if who == "" {
		return e.groupAskAdd(s, g)
	}
	m, ok, err := s.OrgMember(who, flows.RoleMother)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	st := e.groupStore()
	already, err := st.isMember(s.Ctx(), g, m.ID)
	if err != nil {
		return err
	}
	// Adding her again is harmless, and finishes an add that failed half-way
	// (the press repeated after an error, or delivered twice): she still
	// gets her welcome, once, as its id names when she joined.
	since, err := st.addMember(s.Ctx(), g, m.ID, s.Now())
	if err != nil {
		return err
	}
	// She may have erased her data while she was being added: then what was
	// just written is taken back (see the core's erasing.go).
	if gone, err := e.BeingErased(s.Ctx(), m.ID); err != nil || gone {
		if err == nil {
			err = st.removeMember(s.Ctx(), g.ID, m.ID)
		}
		return flows.OrMotherGone(s, gone, err)
	}
	e.Log().Info("group member added", "user_id", s.Person().ID, "group", g.ID, "member", m.ID)
	welcome := "group:" + g.ID + ":added:" + strconv.FormatInt(since, 10)
	err = e.TellMessage(s.Ctx(), m, welcome, flows.Message{
		Lines:   []flows.T{{ID: "group.welcome", Data: map[string]any{"Group": g.Name}}},
		Buttons: [][]flows.Button{{{Label: flows.T{ID: "group.menu_mine"}, Data: "menu:group"}}},
	})
	if err != nil {
		return err
	}
	if already {
		return e.groupPage(s, g, flows.T{ID: "group.already_in", Data: map[string]any{"Name": m.Name}})
	}
	return e.groupPage(s, g, flows.T{ID: "group.added", Data: map[string]any{"Name": m.Name}})
}

// groupAskAdd offers the organisation's mothers who are not in g yet.
func (e *capability) groupAskAdd(s *flows.Session, g Group) error {
	all, err := e.People().Members(s.Ctx(), g.Org, flows.RoleMother)
	if err != nil {
		return err
	}
	in, err := e.groupStore().members(s.Ctx(), g)
	if err != nil {
		return err
	}
	member := map[int64]bool{}
	for _, id := range in {
		member[id] = true
	}
	buttons := flows.PersonButtons(all, func(m flows.Person) string { return verbAdd + ":" + g.ID + ":" + id64(m.ID) },
		func(m flows.Person) bool { return member[m.ID] })
	if len(buttons) == 0 {
		return s.Reply(flows.T{ID: "group.none_to_add"})
	}
	return s.Send(flows.Message{Lines: []flows.T{{ID: "group.ask_add", Data: map[string]any{"Name": g.Name}}}, Buttons: buttons})
}

// 5. Removing a mother.

// groupRemove is verbRemove + ":<group>": the group's mothers; or
// verbRemove + ":<group>:<mother>": take her out, with her answers. She is
// told first, kindly, under an id naming this removal (when she had been
// added): a repeat after an error tells her nothing twice, and removes her.
func (e *capability) groupRemove(s *flows.Session, arg string) error {
	id, who, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	mothers, err := e.groupMothers(s.Ctx(), g)
	if err != nil {
		return err
	}
	if who == "" {
		if len(mothers) == 0 {
			return s.Reply(flows.T{ID: "group.none_to_remove"})
		}
		var bs []flows.Button
		for _, m := range mothers[:min(len(mothers), flows.MaxButtons)] {
			bs = append(bs, flows.Button{Label: flows.T{Plain: m.Name}, Data: verbRemove + ":" + g.ID + ":" + id64(m.ID)})
		}
		return s.Send(flows.Message{Lines: []flows.T{{ID: "group.ask_remove", Data: map[string]any{"Name": g.Name}}}, Buttons: flows.Grid(bs, 2)})
	}
	for _, m := range mothers {
		if id64(m.ID) != who {
			continue
		}
		if err := e.tellRemoved(s, g, m); err != nil {
			return err
		}
		// Her open polls' buttons go before the ids of her messages do.
		polls, err := e.openPolls(s.Ctx(), g)
		if err != nil {
			return err
		}
		if err := e.stripPolls(s.Ctx(), g, polls, m); err != nil {
			return err
		}
		if err := e.groupStore().removeMember(s.Ctx(), g.ID, m.ID); err != nil {
			return err
		}
		e.Log().Info("group member removed", "user_id", s.Person().ID, "group", g.ID, "member", m.ID)
		e.pollsMoved(s.Ctx(), g.ID)
		return e.groupPage(s, g, flows.T{ID: "group.removed", Data: map[string]any{"Name": m.Name}})
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// tellRemoved tells a mother she is no longer in g, and that her social
// worker is still there for her. Her reminders stop by themselves: they
// read the group's mothers when due.
func (e *capability) tellRemoved(s *flows.Session, g Group, m flows.Person) error {
	since, ok, err := e.groupStore().memberSince(s.Ctx(), g, m.ID)
	if err != nil || !ok {
		return err
	}
	if gone, err := e.BeingErased(s.Ctx(), m.ID); err != nil || gone {
		return err
	}
	return e.TellMessage(s.Ctx(), m, "group:"+g.ID+":removed:"+strconv.FormatInt(since, 10), flows.Message{
		Lines: []flows.T{{ID: "group.removed_for_you", Data: map[string]any{"Group": g.Name}}}})
}
