package flows

import (
	"strings"
	"unicode/utf8"
)

// Organisations and their people. An administrator creates the network's
// organisations; staff see the people of their own organisation, and nobody
// else's.
//
//	/orgs                 admin: the organisations, with a New button
//	/org new <name>       admin: create one (or the button, then type the name)
//	/people               staff: mothers, families and colleagues of their organisation
func orgRoutes() []Route {
	admin := []string{RoleAdmin}
	return []Route{
		{Command: "/orgs", Roles: admin, Run: listOrgs},
		{Command: "/org", Roles: admin, Run: orgCommand},
		{Verb: verbOrg, Roles: admin, Run: orgButton},
		{Step: "org.name", Roles: admin, Run: orgName},
		{Command: "/people", Roles: []string{RoleStaff}, Run: listPeople},
	}
}

// verbOrg is the button verb of this flow: organisations, for administrators.
const verbOrg = "org"

func listOrgs(s *Session, _ string) error {
	orgs, err := s.e.people.Orgs(s.ctx)
	if err != nil {
		return err
	}
	lines := []T{{ID: "org.list_title", Count: len(orgs), Data: map[string]any{"Count": len(orgs)}}}
	for _, o := range orgs {
		lines = append(lines, T{ID: "org.list_item", Data: map[string]any{"Name": o.Name, "ID": o.ID}})
	}
	return s.send(Message{Lines: lines, Buttons: [][]Button{{{Label: T{ID: "org.new"}, Data: verbOrg + ":new"}}}})
}

// orgCommand answers "/org new <name>".
func orgCommand(s *Session, arg string) error {
	verb, name, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(verb, "new") {
		return listOrgs(s, "")
	}
	if name = strings.TrimSpace(name); name == "" {
		return orgAskName(s)
	}
	return orgCreate(s, name)
}

func orgButton(s *Session, arg string) error {
	if arg != "new" {
		return s.reply(T{ID: "common.button_invalid"})
	}
	return orgAskName(s)
}

func orgAskName(s *Session) error {
	if err := s.setStep("org.name", nil); err != nil {
		return err
	}
	return s.reply(T{ID: "org.ask_name"})
}

func orgName(s *Session, name string) error { return orgCreate(s, name) }

// orgCreate adds the organisation, then offers to invite its first staff.
func orgCreate(s *Session, name string) error {
	if n := utf8.RuneCountInString(name); n < 2 || n > 80 {
		return s.reply(T{ID: "org.name_invalid", Data: map[string]any{"Max": 80}})
	}
	if err := s.endConv(); err != nil {
		return err
	}
	o, err := s.e.people.CreateOrg(s.ctx, CleanLine(name), s.now)
	if err != nil {
		return err
	}
	s.e.log.Info("organisation created", "org", o.ID, "user_id", s.person.ID)
	return s.send(Message{
		Lines:   []T{{ID: "org.created", Data: map[string]any{"Name": o.Name}}},
		Buttons: [][]Button{{{Label: T{ID: "org.invite_staff"}, Data: verbInvite + ":" + RoleStaff + ":" + o.ID}}},
	})
}

// listPeople shows staff the people of their organisation, role by role.
func listPeople(s *Session, _ string) error {
	lines := []T{{ID: "people.title"}}
	for _, role := range []string{RoleMother, RoleFamily, RoleStaff} {
		ps, err := s.e.people.Members(s.ctx, s.person.OrgID, role)
		if err != nil {
			return err
		}
		lines = append(lines, T{ID: "people.role_" + role, Count: len(ps), Data: map[string]any{"Count": len(ps)}})
		for _, p := range ps {
			id := "people.item"
			if p.Unreachable {
				id = "people.item_unreachable"
			}
			lines = append(lines, T{ID: id, Data: map[string]any{"Name": p.Name, "Since": Day(p.Joined.In(s.e.cfg.Location))}})
		}
	}
	return s.reply(lines...)
}
