package flows

import "context"

// The main menu: every flow a person may use, as buttons, so that nobody has
// to type a command. It also answers /help, /menu, /lang and /cancel, and
// keeps Telegram's command list in step with the person's role and language.
func menuRoutes() []route {
	return []route{
		{command: "/menu", roles: members(), run: menu},
		{command: "/help", run: help},
		{command: "/lang", roles: members(), run: askLang},
		{command: "/cancel", run: cancel},
		{button: "menu", roles: members(), run: menuButton},
	}
}

// menuItem is one button of a role's main menu and the command it stands for.
type menuItem struct {
	label   string
	command string
}

// menuFor lists the main menu of a role, most used first.
func menuFor(role string) []menuItem {
	common := []menuItem{{"menu.lang", "/lang"}, {"menu.privacy", "/privacy"}, {"menu.help", "/help"}}
	var own []menuItem
	switch role {
	case RoleAdmin:
		own = []menuItem{{"menu.orgs", "/orgs"}, {"menu.invite_staff", "/invite"}}
	case RoleStaff:
		own = []menuItem{{"appointment.menu_staff", "/appointments"}, {"group.menu_staff", "/groups"},
			{"menu.invite", "/invite"}, {"menu.people", "/people"}}
	case RoleMother:
		own = []menuItem{{"appointment.menu_mine", "/appointments"}, {"appointment.menu_new", "/appointment"},
			{"group.menu_mine", "/group"}}
	case RoleFamily:
	}
	return append(own, common...)
}

// commandsFor is the command list Telegram shows a role, from its menu.
func commandsFor(role string) []Command {
	cmds := []Command{{Name: "menu", Description: T{ID: "command.menu"}}}
	for _, it := range menuFor(role) {
		cmds = append(cmds, Command{Name: it.command[1:], Description: T{ID: "command." + it.command[1:]}})
	}
	for _, name := range []string{"mydata", "delete", "cancel"} {
		cmds = append(cmds, Command{Name: name, Description: T{ID: "command." + name}})
	}
	return cmds
}

// guestCommands is what a stranger sees before being invited.
func guestCommands() []Command {
	return []Command{
		{Name: "start", Description: T{ID: "command.start"}},
		{Name: "help", Description: T{ID: "command.help"}},
		{Name: "privacy", Description: T{ID: "command.privacy"}},
	}
}

// showMenu says intro and shows the person's main menu.
func showMenu(s *session, intro string) error {
	if !s.known {
		return s.reply(T{ID: intro}, T{ID: "signup.need_invite"})
	}
	var rows [][]Button
	var row []Button
	for _, it := range menuFor(s.person.Role) {
		row = append(row, Button{Label: T{ID: it.label}, Data: "menu:" + it.command[1:]})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return s.send(Message{Lines: []T{{ID: intro}}, Buttons: rows})
}

func menu(s *session, _ string) error { return showMenu(s, "menu.title") }

// menuButton runs the command a main-menu button stands for, as if typed.
func menuButton(s *session, name string) error {
	for _, it := range menuFor(s.person.Role) {
		if it.command[1:] == name {
			return s.e.run(s, func(r route) bool { return r.command == it.command }, "")
		}
	}
	return s.reply(T{ID: "common.button_invalid"})
}

func help(s *session, _ string) error {
	if !s.known {
		return s.reply(T{ID: "help.guest"})
	}
	return showMenu(s, "help."+s.person.Role)
}

func askLang(s *session, _ string) error { return s.send(langPicker("lang.choose")) }

// cancel leaves any conversation.
func cancel(s *session, _ string) error {
	had := s.conv.Step != "" || len(s.conv.Data) > 0
	if err := s.endConv(); err != nil {
		return err
	}
	if !s.known {
		return s.reply(T{ID: "cancel.done_guest"})
	}
	if !had {
		return showMenu(s, "cancel.nothing")
	}
	return showMenu(s, "cancel.done")
}

// setCommands keeps a person's command list in their role and language.
func (e *Engine) setCommands(ctx context.Context, per Person) error {
	return wrap("set commands", e.cfg.Sender.SetCommands(ctx, per.ID, per.Lang, commandsFor(per.Role)))
}

// SetDefaultCommands sets the command list strangers see, in every language.
func (e *Engine) SetDefaultCommands(ctx context.Context, langs []string) error {
	for _, l := range langs {
		if err := e.cfg.Sender.SetCommands(ctx, 0, l, guestCommands()); err != nil {
			return wrap("set default commands", err)
		}
	}
	return nil
}
