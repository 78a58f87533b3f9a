package flows

import (
	"strings"
	"unicode"
)

// Inviting: staff bring mothers, families and colleagues into their own
// organisation; an administrator brings the first staff of an organisation.
// It ends with a single-use link and a code short enough to dictate.
//
//  1. /invite [role] [name]   or the menu's Invite button
//  2. role buttons            staff: mother, family, colleague; admin: the organisation
//  3. name (typed, or Skip)   so the inviter recognises the person in their lists
//  4. the invite              link + code + expiry
func inviteRoutes() []Route {
	return []Route{
		{Command: "/invite", Roles: []string{RoleStaff, RoleAdmin}, Run: inviteStart},
		{Verb: verbInvite, Roles: []string{RoleStaff, RoleAdmin}, Run: inviteRole},
		{Step: "invite.name", Roles: []string{RoleStaff, RoleAdmin}, Run: inviteName},
		{Verb: verbInviteSkip, Roles: []string{RoleStaff, RoleAdmin}, Run: inviteSkipName},
	}
}

// The button verbs of this flow; each starts a button's data.
const (
	verbInvite     = "inv"     // invite: a role, then an organisation
	verbInviteSkip = "invskip" // invite without a name
)

// roleWord maps what staff may type after /invite to a role.
func roleWord(w string) string {
	switch strings.ToLower(w) {
	case "mother", "mamma", "madre":
		return RoleMother
	case "family", "famiglia":
		return RoleFamily
	case "staff", "colleague", "collega", "operatore", "operatrice":
		return RoleStaff
	}
	return ""
}

// inviteStart answers /invite: straight to the invite when the role is typed.
func inviteStart(s *Session, arg string) error {
	word, name := cutWord(arg)
	role := roleWord(word)
	if s.person.Role == RoleAdmin {
		if role != "" && role != RoleStaff {
			return s.reply(T{ID: "invite.admin_staff_only"})
		}
		return inviteChooseOrg(s)
	}
	if role == "" {
		if word != "" {
			return s.send(rolePicker("invite.unknown_role"))
		}
		return s.send(rolePicker("invite.choose_role"))
	}
	if name != "" {
		// The same rules as the name question's: a name too long is asked
		// again, and no invite is made.
		if clean, ok := personName(name); ok {
			return inviteCreate(s, role, s.person.OrgID, clean)
		}
		return inviteAskName(s, role, s.person.OrgID, nameInvalid())
	}
	return inviteAskName(s, role, s.person.OrgID, T{ID: "invite.ask_name"})
}

// cutWord splits "mother Anna Rossi" into "mother" and "Anna Rossi", at
// the first space or line break.
func cutWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func rolePicker(question string) Message {
	return Message{Lines: []T{{ID: question}}, Buttons: [][]Button{
		{{Label: T{ID: "role.mother"}, Data: verbInvite + ":" + RoleMother}},
		{{Label: T{ID: "role.family"}, Data: verbInvite + ":" + RoleFamily}},
		{{Label: T{ID: "role.colleague"}, Data: verbInvite + ":" + RoleStaff}},
	}}
}

// inviteChooseOrg lets an administrator pick the organisation of the new staff.
func inviteChooseOrg(s *Session) error {
	orgs, err := s.e.people.Orgs(s.ctx)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return s.send(Message{Lines: []T{{ID: "org.none_yet"}},
			Buttons: [][]Button{{{Label: T{ID: "org.new"}, Data: verbOrg + ":new"}}}})
	}
	var rows [][]Button
	for _, o := range orgs {
		rows = append(rows, []Button{{Label: T{Plain: o.Name}, Data: verbInvite + ":" + RoleStaff + ":" + o.ID}})
	}
	return s.send(Message{Lines: []T{{ID: "invite.choose_org"}}, Buttons: rows})
}

// inviteRole is a role (or, for an admin, an organisation) button.
func inviteRole(s *Session, arg string) error {
	role, orgID, _ := strings.Cut(arg, ":")
	switch {
	case s.person.Role == RoleAdmin && role == RoleStaff && orgID != "":
		if _, err := s.e.people.Org(s.ctx, orgID); err != nil {
			return s.reply(T{ID: "common.button_invalid"})
		}
	case s.person.Role == RoleStaff && orgID == "" && (role == RoleMother || role == RoleFamily || role == RoleStaff):
		orgID = s.person.OrgID
	default:
		return s.reply(T{ID: "common.button_invalid"})
	}
	return inviteAskName(s, role, orgID, T{ID: "invite.ask_name"})
}

// inviteAskName waits for the name, asking q, with the Skip button.
func inviteAskName(s *Session, role, orgID string, q T) error {
	if err := s.setStep("invite.name", map[string]string{"role": role, "org": orgID}); err != nil {
		return err
	}
	return s.send(Message{Lines: []T{q},
		Buttons: [][]Button{{{Label: T{ID: "invite.skip_name"}, Data: verbInviteSkip}}}})
}

// nameInvalid asks again for a name that was empty or too long.
func nameInvalid() T { return T{ID: "invite.name_invalid", Data: map[string]any{"Max": maxName}} }

// inviteName is the typed name of the person invited.
func inviteName(s *Session, name string) error {
	role, org := s.conv.Data["role"], s.conv.Data["org"]
	clean, ok := personName(name)
	if !ok {
		return inviteAskName(s, role, org, nameInvalid())
	}
	return inviteCreate(s, role, org, clean)
}

func inviteSkipName(s *Session, _ string) error {
	if s.conv.Step != "invite.name" {
		return s.reply(T{ID: "common.button_invalid"})
	}
	return inviteCreate(s, s.conv.Data["role"], s.conv.Data["org"], "")
}

// inviteCreate makes the invite and shows it to the inviter.
func inviteCreate(s *Session, role, orgID, name string) error {
	if err := s.endConv(); err != nil {
		return err
	}
	inv, err := s.e.createInvite(s.ctx, invite{
		Role: role, OrgID: orgID, By: s.person.ID, Label: name, Expires: s.now.Add(s.e.cfg.InviteTTL),
	}, s.now)
	if err != nil {
		return err
	}
	s.e.log.Info("invite created", "user_id", s.person.ID, "role", role, "org", orgID)
	link := "https://t.me/" + s.e.cfg.BotUsername + "?start=" + inv.Code
	// Without a name the role says who it is for, once: "Invite for a mother".
	title := T{ID: "invite.created_" + role}
	if name != "" {
		title = T{ID: "invite.created", Data: map[string]any{"Who": name, "Role": T{ID: "role." + role}}}
	}
	return s.reply(
		title,
		T{ID: "invite.link", Data: map[string]any{"Link": link}},
		T{ID: "invite.code", Data: map[string]any{"Code": inv.Code}},
		T{ID: "invite.expires", Data: map[string]any{"Expires": inv.Expires}},
	)
}
