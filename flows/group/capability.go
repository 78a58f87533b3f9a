// Package group is the mutual-aid group capability: staff make groups of
// their organisation's mothers and plan their meetings (group.go,
// meeting.go, cancel.go, move.go, end.go, rename.go), recurring ones too
// (series.go, series_stop.go), or find a date with a poll (poll.go,
// poll_answer.go, poll_close.go); they offer childcare (childcare.go) and
// mark who came (attendance.go, attendance_mark.go); mothers see and answer them (mine.go) and
// get reminders the day before and two hours before (jobs.go); month.go
// counts a month for funders. store.go, attendance_store.go, poll_store.go
// and keys.go keep them.
package group

import (
	"context"

	"nido/flows"
)

// capability is the mutual-aid groups, on the engine they serve.
type capability struct {
	*flows.Engine
	k keys
}

// New is the mutual-aid group capability: staff make groups of their
// organisation's mothers and plan their meetings; mothers answer, get a
// reminder the day before, and never learn who else is in a group.
func New() flows.Maker {
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}}
		return flows.Capability{
			Name:   "group",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{jobMeetingReminder: e.remindMeeting, jobSeries: e.planOccurrence,
				jobNews: e.tellNews, jobAttendance: e.askAttendance, jobPollLive: e.pollLiveJob, jobPollReminder: e.remindPoll},
			Menu:         menu,
			MyData:       e.groupData,
			Erase:        e.eraseGroups,
			ForgetAuthor: e.forgetGroupAuthor,
			Agenda:       e.agenda,
			Month:        e.month,
		}
	}
}

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleStaff:
		return []flows.MenuItem{{Label: "group.menu_staff", Command: "/groups"}}
	case flows.RoleMother:
		return []flows.MenuItem{{Label: "group.menu_mine", Command: "/group"}}
	}
	return nil
}

// forgetGroupAuthor forgets an erased staff member or administrator as the
// one who made org's groups and meetings.
func (e *capability) forgetGroupAuthor(ctx context.Context, org string, author int64) error {
	groups, err := e.Redis().ZRange(ctx, e.k.orgGroups(org), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list groups to forget their author", err)
	}
	var refs []flows.Ref
	for _, g := range groups {
		refs = append(refs, flows.Ref{Key: e.k.group(g), Field: "by"})
		meetings, err := e.Redis().ZRange(ctx, e.k.groupMeetings(g), 0, -1).Result()
		if err != nil {
			return flows.Wrap("list meetings to forget their author", err)
		}
		for _, m := range meetings {
			refs = append(refs, flows.Ref{Key: e.k.meeting(m), Field: "by"})
		}
		series, err := e.Redis().SMembers(ctx, e.k.groupSeries(g)).Result()
		if err != nil {
			return flows.Wrap("list recurring meetings to forget their author", err)
		}
		for _, sr := range series {
			refs = append(refs, flows.Ref{Key: e.k.series(sr), Field: "by"})
		}
		polls, err := e.groupStore().pollIDs(ctx, g)
		if err != nil {
			return err
		}
		for _, p := range polls {
			refs = append(refs, flows.Ref{Key: e.k.poll(p), Field: "by"}, flows.Ref{Key: e.k.poll(p), Field: "msgto"})
		}
	}
	return e.ForgetAuthor(ctx, author, refs)
}
