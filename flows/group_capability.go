package flows

import "context"

// Groups is the mutual-aid group capability: staff make groups of their
// organisation's mothers and plan their meetings; mothers answer and get a
// reminder the day before.
func Groups() Maker {
	return func(e *Engine) Capability {
		return Capability{
			Name:         "group",
			Routes:       groupRoutes(),
			Jobs:         map[string]JobFunc{jobMeetingReminder: e.remindMeeting},
			Menu:         groupMenu,
			MyData:       e.groupData,
			Erase:        e.eraseGroups,
			ForgetAuthor: e.forgetGroupAuthor,
		}
	}
}

// groupMenu is what the main menu offers each role.
func groupMenu(role string) []MenuItem {
	switch role {
	case RoleStaff:
		return []MenuItem{{"group.menu_staff", "/groups"}}
	case RoleMother:
		return []MenuItem{{"group.menu_mine", "/group"}}
	}
	return nil
}

// forgetGroupAuthor forgets an erased staff member or administrator as the
// one who made org's groups and meetings.
func (e *Engine) forgetGroupAuthor(ctx context.Context, org string, author int64) error {
	groups, err := e.cfg.Redis.ZRange(ctx, e.k.orgGroups(org), 0, -1).Result()
	if err != nil {
		return wrap("list groups to forget their author", err)
	}
	var refs []Ref
	for _, g := range groups {
		refs = append(refs, Ref{e.k.group(g), "by"})
		meetings, err := e.cfg.Redis.ZRange(ctx, e.k.groupMeetings(g), 0, -1).Result()
		if err != nil {
			return wrap("list meetings to forget their author", err)
		}
		for _, m := range meetings {
			refs = append(refs, Ref{e.k.meeting(m), "by"})
		}
	}
	return e.ForgetAuthor(ctx, author, refs)
}
