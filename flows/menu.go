package flows

import "context"

// The main menu: every flow a person may use, as buttons, so that nobody has
// to type a command. It also answers /help, /menu, /lang and /cancel, and
// keeps Telegram's command list in step with the person's role and language.
func menuRoutes() []Route {
	return []Route{
		{Command: "/menu", Roles: members(), Run: menu},
		{Command: "/help", Run: help},
		{Command: "/lang", Roles: members(), Run: askLang},
		{Command: "/cancel", Run: cancel},
		{Verb: verbMenu, Roles: members(), Run: menuButton},
	}
}

// verbMenu is the button verb of this flow: a main-menu button.
const verbMenu = "menu"

// menuFor lists the main menu of a role, most used first: what the
// capabilities offer the role, in their order, then the core's own
// buttons, then those everyone has.
func (e *Engine) menuFor(role string) []MenuItem {
	var own []MenuItem
	for _, c := range e.caps {
		if c.Menu != nil {
			own = append(own, c.Menu(role)...)
		}
	}
	switch role {
	case RoleAdmin:
		own = append(own, MenuItem{"menu.orgs", "/orgs"}, MenuItem{"menu.invite_staff", "/invite"})
	case RoleStaff:
		own = append(own, MenuItem{"menu.invite", "/invite"}, MenuItem{"menu.people", "/people"}, MenuItem{"menu.month", "/month"})
	}
	return append(own, MenuItem{"menu.lang", "/lang"}, MenuItem{"menu.privacy", "/privacy"}, MenuItem{"menu.help", "/help"})
}

// commandsFor is the command list Telegram shows a role, from its menu.
func (e *Engine) commandsFor(role string) []Command {
	cmds := []Command{{Name: "menu", Description: T{ID: "command.menu"}}}
	for _, it := range e.menuFor(role) {
		cmds = append(cmds, Command{Name: it.Command[1:], Description: T{ID: "command." + it.Command[1:]}})
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
func showMenu(s *Session, intro string) error {
	if !s.known {
		return s.reply(T{ID: intro}, T{ID: "signup.need_invite"})
	}
	var rows [][]Button
	var row []Button
	for _, it := range s.e.menuFor(s.person.Role) {
		row = append(row, Button{Label: T{ID: it.Label}, Data: verbMenu + ":" + it.Command[1:]})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return s.send(Message{Lines: []T{{ID: intro}}, Buttons: rows})
}

func menu(s *Session, _ string) error { return showMenu(s, "menu.title") }

// menuButton runs the command a main-menu button stands for, as if typed.
func menuButton(s *Session, name string) error {
	for _, it := range s.e.menuFor(s.person.Role) {
		if it.Command[1:] == name {
			return s.e.run(s, func(r Route) bool { return r.Command == it.Command }, "")
		}
	}
	return s.reply(T{ID: "common.button_invalid"})
}

func help(s *Session, _ string) error {
	if !s.known {
		return s.reply(T{ID: "help.guest"})
	}
	return showMenu(s, "help."+s.person.Role)
}

func askLang(s *Session, _ string) error { return s.send(langPicker("lang.choose")) }

// cancel leaves any conversation.
func cancel(s *Session, _ string) error {
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
	return wrap("set commands", e.cfg.Sender.SetCommands(ctx, per.ID, per.Lang, e.commandsFor(per.Role)))
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
