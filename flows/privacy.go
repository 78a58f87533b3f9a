package flows

import (
	"context"
	"errors"
	"fmt"

	"nido/locales"
)

// Privacy: what Nido keeps, seeing it, and erasing it. These are vulnerable
// people; erasure is complete and immediate, and their staff learn only that
// the person left.
//
//	/privacy        what is stored, who sees it, how to erase it
//	/mydata         everything stored about the person, readable
//	/delete         asks to confirm, then erases everything and cancels every reminder
func privacyRoutes() []Route {
	return []Route{
		{Command: "/privacy", Run: privacy},
		{Command: "/mydata", Run: myData},
		{Command: "/delete", Run: askDelete},
		{Verb: verbDelete, Run: confirmDelete},
	}
}

// verbDelete is the button verb of this flow: erase my data: yes or no.
const verbDelete = "del"

func privacy(s *Session, _ string) error {
	return s.reply(T{ID: "privacy.text"})
}

// myData shows the person their own record.
func myData(s *Session, _ string) error {
	if !s.known {
		return s.reply(T{ID: "privacy.no_data"})
	}
	p := s.person
	lines := []T{
		{ID: "mydata.title"},
		{ID: "mydata.name", Data: map[string]any{"Name": p.Name}},
	}
	if p.Role != "" {
		lines = append(lines, T{ID: "mydata.role", Data: map[string]any{"Role": T{ID: "role." + p.Role}}})
	}
	if p.OrgID != "" {
		if o, err := s.e.people.Org(s.ctx, p.OrgID); err == nil {
			lines = append(lines, T{ID: "mydata.org", Data: map[string]any{"Org": o.Name}})
		}
	}
	if l, ok := locales.Find(p.Lang); ok {
		lines = append(lines, T{ID: "mydata.lang", Data: map[string]any{"Lang": l.Native}})
	}
	lines = append(lines,
		T{ID: "mydata.joined", Data: map[string]any{"When": p.Joined.In(s.e.cfg.Location)}},
		T{ID: "mydata.telegram_id", Data: map[string]any{"ID": p.ID}},
	)
	if inviter, ok, err := s.e.people.Get(s.ctx, p.InvitedBy); err == nil && ok {
		lines = append(lines, T{ID: "mydata.invited_by", Data: map[string]any{"Name": inviter.Name}})
	}
	for _, c := range s.e.caps {
		if c.MyData == nil {
			continue
		}
		more, err := c.MyData(s.ctx, p)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		lines = append(lines, more...)
	}
	lines = append(lines, T{ID: "mydata.footer"})
	return s.reply(lines...)
}

func askDelete(s *Session, _ string) error {
	if !s.known {
		return s.reply(T{ID: "privacy.no_data"})
	}
	return s.send(Confirm([]T{{ID: "delete.confirm"}}, "delete.yes", verbDelete+":yes", "delete.no", verbDelete+":no"))
}

// confirmDelete erases the person after they pressed yes.
func confirmDelete(s *Session, answer string) error {
	if !s.known {
		// Pressed again once everything is erased.
		return s.toast(T{ID: "privacy.no_data"})
	}
	switch answer {
	case "no":
		return s.edit(Message{Lines: []T{{ID: "delete.kept"}}})
	case "yes":
	default:
		return s.reply(T{ID: "common.button_invalid"})
	}
	if err := s.e.Erase(s.ctx, s.person); err != nil {
		return err
	}
	s.known = false
	return s.edit(Message{Lines: []T{{ID: "delete.done"}}})
}

// Erase removes everything Nido keeps about a person and tells their
// organisation's staff that the person left, nothing more. Once the data is
// gone, the notices are best effort: a failure is logged, not undone.
func (e *Engine) Erase(ctx context.Context, p Person) error {
	if err := e.markErasing(ctx, p); err != nil {
		return err
	}
	if _, err := e.cfg.Scheduler.CancelOwner(ctx, id64(p.ID)); err != nil {
		return wrap("cancel jobs", err)
	}
	for _, c := range e.caps {
		if c.Erase == nil {
			continue
		}
		if err := c.Erase(ctx, p); err != nil {
			return fmt.Errorf("%s: erase: %w", c.Name, err)
		}
	}
	if err := e.eraseReferences(ctx, p); err != nil {
		return err
	}
	// Last, once nothing is left that would message them.
	if err := e.eraseSent(ctx, p); err != nil {
		return err
	}
	if err := e.eraseInvites(ctx, p); err != nil {
		return err
	}
	if err := e.people.Erase(ctx, p); err != nil {
		return err
	}
	e.log.Info("person erased", "user_id", p.ID, "role", p.Role, "org", p.OrgID)
	// Back to a stranger's command list.
	if err := e.cfg.Sender.SetCommands(ctx, p.ID, p.Lang, nil); err != nil && !errors.Is(err, ErrUnreachable) {
		e.log.Warn("reset commands", "user_id", p.ID, "error", err)
	}
	if p.OrgID == "" {
		return nil
	}
	staff, err := e.people.Members(ctx, p.OrgID, RoleStaff)
	if err != nil {
		e.log.Warn("list staff to tell of erasure", "user_id", p.ID, "error", err)
		return nil
	}
	for _, st := range staff {
		if st.ID == p.ID {
			continue
		}
		if err := e.tell(ctx, st, T{ID: "delete.staff_notice", Data: map[string]any{
			"Name": p.Name, "Role": T{ID: "role." + p.Role},
		}}); err != nil {
			e.log.Warn("tell staff of erasure", "user_id", st.ID, "error", err)
		}
	}
	return nil
}

// eraseSent has the Telegram layer forget which jobs sent the person
// messages: those records are named by job ids that end in the person's id
// and name their group or appointment. A person's private chat has their id.
func (e *Engine) eraseSent(ctx context.Context, p Person) error {
	return wrap("forget messages sent", e.cfg.Sender.Forget(ctx, p.ID))
}
