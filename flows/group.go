package flows

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"
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
//  6. grm, grc, grx                    plan and cancel a meeting (group_meeting.go, group_cancel.go)
//  7. grd, gre                         end the group (group_end.go)
//
// A mother's side is group_mine.go; the reminder group_jobs.go.
func groupRoutes() []Route {
	staff := []string{RoleStaff}
	mother := []string{RoleMother}
	return []Route{
		// This file.
		{Command: "/groups", Roles: staff, Run: groupList},
		{Verb: "grl", Roles: staff, Run: groupList},
		{Verb: "grn", Roles: staff, Run: groupAskName},
		{Step: "group.name", Roles: staff, Run: groupNameTyped},
		{Verb: "grp", Roles: staff, Run: groupPageButton},
		{Verb: "gra", Roles: staff, Run: groupAdd},
		{Verb: "grr", Roles: staff, Run: groupRemove},
		// group_end.go: ending a group.
		{Verb: "grd", Roles: staff, Run: groupAskEnd},
		{Verb: "gre", Roles: staff, Run: groupEnd},
		// group_meeting.go and group_cancel.go: planning and cancelling a meeting.
		{Verb: "grm", Roles: staff, Run: meetStart},
		{Verb: "gmd", Roles: staff, Run: meetDayButton},
		{Step: "group.day", Roles: staff, Run: meetDayTyped},
		{Verb: "gmt", Roles: staff, Run: meetTimeButton},
		{Step: "group.time", Roles: staff, Run: meetTimeTyped},
		{Step: "group.place", Roles: staff, Run: meetPlaceTyped},
		{Verb: "gms", Roles: staff, Run: meetSkipPlace},
		{Verb: "grc", Roles: staff, Run: meetAskCancel},
		{Verb: "grx", Roles: staff, Run: meetCancel},
		// group_mine.go: a mother's groups and her answers.
		{Command: "/group", Roles: mother, Run: groupMine},
		{Verb: "gm", Roles: mother, Run: meetAnswer},
	}
}

// 1. The organisation's groups.

func groupList(s *Session, _ string) error {
	gs, err := s.e.groupStore().ofOrg(s.ctx, s.person.OrgID)
	if err != nil {
		return err
	}
	title := T{ID: "group.list_title"}
	if len(gs) == 0 {
		title = T{ID: "group.list_none"}
	}
	var bs []Button
	for _, g := range gs[:min(len(gs), maxMotherButtons)] {
		bs = append(bs, Button{Label: T{Plain: g.Name}, Data: "grp:" + g.ID})
	}
	rows := append(grid(bs, 2), []Button{{Label: T{ID: "group.new"}, Data: "grn"}})
	return s.send(Message{Lines: []T{title}, Buttons: rows})
}

// 2. A new group: its name, typed.

func groupAskName(s *Session, _ string) error {
	if err := s.setStep("group.name", map[string]string{"f": "group"}); err != nil {
		return err
	}
	return s.reply(T{ID: "group.ask_name", Data: map[string]any{"Max": maxGroupName}})
}

// groupNameTyped makes the group. Its id is reserved and kept in the
// conversation before anything is written, so that a repeat after an error
// rewrites the same group and never makes a second.
func groupNameTyped(s *Session, text string) error {
	name := cleanLine(text)
	if name == "" || utf8.RuneCountInString(name) > maxGroupName {
		return s.reply(T{ID: "group.name_invalid", Data: map[string]any{"Max": maxGroupName}})
	}
	data := s.conv.Data
	if data == nil {
		data = map[string]string{"f": "group"}
	}
	st := s.e.groupStore()
	if data["id"] == "" {
		id, err := st.newGroupID(s.ctx)
		if err != nil {
			return err
		}
		data["id"] = id
		if err := s.setStep(s.conv.Step, data); err != nil {
			return err
		}
	}
	g := Group{ID: data["id"], Org: s.person.OrgID, Name: name, By: s.person.ID, Created: s.now}
	if err := st.saveGroup(s.ctx, g); err != nil {
		return err
	}
	s.e.log.Info("group created", "user_id", s.person.ID, "group", g.ID, "org", g.Org)
	if err := s.endConv(); err != nil {
		return err
	}
	return groupPage(s, g, T{ID: "group.created"})
}

// 3. A group's page.

// staffGroup loads the group a button names and checks that it is of the
// staff member's organisation; ok is false for anyone else's, or none.
func staffGroup(s *Session, id string) (Group, bool, error) {
	g, ok, err := s.e.groupStore().group(s.ctx, id)
	if err != nil || !ok {
		return Group{}, false, err
	}
	return g, g.Org != "" && g.Org == s.person.OrgID, nil
}

func groupPageButton(s *Session, id string) error {
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	return groupPage(s, g, T{})
}

// groupPage shows staff a group: an intro when set, its mothers, its next
// meetings with how many said they come, and what they can do.
func groupPage(s *Session, g Group, intro T) error {
	mothers, err := s.e.groupMothers(s.ctx, g)
	if err != nil {
		return err
	}
	meetings, err := s.e.groupStore().planned(s.ctx, g.ID, s.now)
	if err != nil {
		return err
	}
	var lines []T
	if intro.ID != "" {
		lines = append(lines, intro)
	}
	lines = append(lines, T{ID: "group.title", Data: map[string]any{"Name": g.Name}})
	if len(mothers) == 0 {
		lines = append(lines, T{ID: "group.members_none"})
	} else {
		lines = append(lines, T{ID: "group.members", Count: len(mothers), Data: map[string]any{"Count": len(mothers)}})
	}
	for _, m := range mothers {
		lines = append(lines, T{ID: "group.member_item", Data: map[string]any{"Name": m.Name}})
	}
	if len(meetings) == 0 {
		lines = append(lines, T{ID: "group.meetings_none"})
	} else {
		lines = append(lines, T{ID: "group.meetings_title"})
	}
	for _, m := range meetings[:min(len(meetings), maxCards)] {
		yes, no, none := answerCounts(m, mothers)
		lines = append(lines, T{ID: "group.meeting_item", Data: map[string]any{
			"When": m.At, "Yes": yes, "No": no, "None": none}})
	}
	return s.send(Message{Lines: lines, Buttons: [][]Button{
		{{Label: T{ID: "group.add"}, Data: "gra:" + g.ID}, {Label: T{ID: "group.remove"}, Data: "grr:" + g.ID}},
		{{Label: T{ID: "group.plan"}, Data: "grm:" + g.ID}, {Label: T{ID: "group.cancel"}, Data: "grc:" + g.ID}},
		{{Label: T{ID: "group.end"}, Data: "grd:" + g.ID}, {Label: T{ID: "group.back"}, Data: "grl"}},
	}})
}

// answerCounts counts the answers of a group's mothers to m: who comes, who
// does not, who has not said.
func answerCounts(m Meeting, mothers []Person) (yes, no, none int) {
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
func (e *Engine) groupMothers(ctx context.Context, g Group) ([]Person, error) {
	ids, err := e.groupStore().members(ctx, g)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	all, err := e.people.Members(ctx, g.Org, RoleMother)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Person, len(all))
	for _, p := range all {
		byID[p.ID] = p
	}
	out := make([]Person, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// 4. Adding a mother.

// groupAdd is "gra:<group>": the mothers who can be added; or
// "gra:<group>:<mother>": add her, and tell her.
func groupAdd(s *Session, arg string) error {
	id, who, _ := strings.Cut(arg, ":")
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	if who == "" {
		return groupAskAdd(s, g)
	}
	uid, _ := strconv.ParseInt(who, 10, 64)
	m, ok, err := s.e.people.Get(s.ctx, uid)
	if err != nil || !ok || m.Role != RoleMother || m.OrgID != g.Org {
		return orInvalid(s, err)
	}
	st := s.e.groupStore()
	already, err := st.isMember(s.ctx, g, m.ID)
	if err != nil {
		return err
	}
	// Adding her again is harmless, and finishes an add that failed half-way
	// (the press repeated after an error, or delivered twice): she still
	// gets her welcome, once, as its id names when she joined.
	since, err := st.addMember(s.ctx, g, m.ID, s.now)
	if err != nil {
		return err
	}
	// She may have erased her data while she was being added: then what was
	// just written is taken back (see appointment_erase.go).
	if gone, err := s.e.BeingErased(s.ctx, m.ID); err != nil || gone {
		if err == nil {
			err = st.removeMember(s.ctx, g.ID, m.ID)
		}
		return orMotherGone(s, gone, err)
	}
	s.e.log.Info("group member added", "user_id", s.person.ID, "group", g.ID, "member", m.ID)
	welcome := "group:" + g.ID + ":added:" + strconv.FormatInt(since, 10)
	err = s.e.tellMessage(s.ctx, m, welcome, Message{
		Lines:   []T{{ID: "group.welcome", Data: map[string]any{"Group": g.Name}}},
		Buttons: [][]Button{{{Label: T{ID: "group.menu_mine"}, Data: "menu:group"}}},
	})
	if err != nil {
		return err
	}
	if already {
		return groupPage(s, g, T{ID: "group.already_in", Data: map[string]any{"Name": m.Name}})
	}
	return groupPage(s, g, T{ID: "group.added", Data: map[string]any{"Name": m.Name}})
}

// groupAskAdd offers the organisation's mothers who are not in g yet.
func groupAskAdd(s *Session, g Group) error {
	all, err := s.e.people.Members(s.ctx, g.Org, RoleMother)
	if err != nil {
		return err
	}
	in, err := s.e.groupStore().members(s.ctx, g)
	if err != nil {
		return err
	}
	member := map[int64]bool{}
	for _, id := range in {
		member[id] = true
	}
	var bs []Button
	for _, m := range all {
		if !member[m.ID] && len(bs) < maxMotherButtons {
			bs = append(bs, Button{Label: T{Plain: m.Name}, Data: "gra:" + g.ID + ":" + id64(m.ID)})
		}
	}
	if len(bs) == 0 {
		return s.reply(T{ID: "group.none_to_add"})
	}
	return s.send(Message{Lines: []T{{ID: "group.ask_add", Data: map[string]any{"Name": g.Name}}}, Buttons: grid(bs, 2)})
}

// 5. Removing a mother.

// groupRemove is "grr:<group>": the group's mothers; or
// "grr:<group>:<mother>": take her out, with her answers.
func groupRemove(s *Session, arg string) error {
	id, who, _ := strings.Cut(arg, ":")
	g, ok, err := staffGroup(s, id)
	if err != nil || !ok {
		return orInvalid(s, err)
	}
	mothers, err := s.e.groupMothers(s.ctx, g)
	if err != nil {
		return err
	}
	if who == "" {
		if len(mothers) == 0 {
			return s.reply(T{ID: "group.none_to_remove"})
		}
		var bs []Button
		for _, m := range mothers[:min(len(mothers), maxMotherButtons)] {
			bs = append(bs, Button{Label: T{Plain: m.Name}, Data: "grr:" + g.ID + ":" + id64(m.ID)})
		}
		return s.send(Message{Lines: []T{{ID: "group.ask_remove", Data: map[string]any{"Name": g.Name}}}, Buttons: grid(bs, 2)})
	}
	for _, m := range mothers {
		if id64(m.ID) != who {
			continue
		}
		if err := s.e.groupStore().removeMember(s.ctx, g.ID, m.ID); err != nil {
			return err
		}
		s.e.log.Info("group member removed", "user_id", s.person.ID, "group", g.ID, "member", m.ID)
		return groupPage(s, g, T{ID: "group.removed", Data: map[string]any{"Name": m.Name}})
	}
	return s.reply(T{ID: "common.button_invalid"})
}
