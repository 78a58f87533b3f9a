package group

import (
	"unicode/utf8"

	"nido/flows"
)

// Renaming a group, for staff, from the group's page. It ends with the new
// name on the page; the mothers are not told, and their next messages
// (reminders, news of a meeting) carry the new name. /cancel keeps the old.
//
//  1. grw:<group>   "Rename": what is the new name?
//  2. the name      typed, by groupNameTyped's rules; then the group's page

func (e *capability) groupAskRename(s *flows.Session, id string) error {
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := s.SetStep("group.rename", map[string]string{"flow": "rename", "group": g.ID}); err != nil {
		return err
	}
	return s.Reply(flows.T{ID: "group.ask_rename", Data: map[string]any{"Name": g.Name, "Max": maxGroupName}})
}

// groupRenameTyped writes the new name. Writing it again is the same
// rename, so a repeat after an error is harmless; a group that ended
// meanwhile is not brought back.
func (e *capability) groupRenameTyped(s *flows.Session, text string) error {
	name := flows.CleanLine(text)
	if name == "" || utf8.RuneCountInString(name) > maxGroupName {
		return s.Reply(flows.T{ID: "group.name_invalid", Data: map[string]any{"Max": maxGroupName}})
	}
	g, ok, err := e.staffGroup(s, s.Data()["group"])
	if err == nil && ok {
		ok, err = e.groupStore().setGroupField(s.Ctx(), g, "name", name)
	}
	if err != nil {
		return err
	}
	if err := s.EndConv(); err != nil {
		return err
	}
	if !ok {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	e.Log().Info("group renamed", "user_id", s.Person().ID, "group", g.ID)
	g.Name = name
	return e.groupPage(s, g, flows.T{ID: "group.renamed"})
}
