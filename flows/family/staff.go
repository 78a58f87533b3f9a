package family

import (
	"context"

	"nido/flows"
	"nido/scheduler"
)

// What staff hear about visits. Whatever a family did (cannot come, a new
// time, a worry after the visit) becomes a family.staff job due at once, so
// that it is never lost when Telegram or Redis fails half-way, and so that
// quiet hours hold it until the morning, unless it is urgent.
//
// The mother's staff are those who follow her (the core's StaffOf): the
// one who invited her and the one who paired her with the family. An
// urgent check-in reaches every staff member of the organisation.

// alertStaff has the mother's staff told what about v, durably.
func (e *capability) alertStaff(ctx context.Context, v Visit, what string, urgent bool) error {
	args := visitArgs(v)
	args["what"] = what
	return e.Scheduler().Schedule(ctx, scheduler.Job{ID: visitJobPrefix(v) + "staff-" + what, Kind: jobStaff,
		Owner: pairOwner(v.Pair), Due: e.Now(), Urgent: urgent, Args: args})
}

// tellStaffJob runs a family.staff job.
func (e *capability) tellStaffJob(ctx context.Context, j scheduler.Job) error {
	a, ok, err := e.jobVisit(ctx, j, true)
	if err != nil || !ok {
		return err
	}
	return e.notifyStaff(ctx, a, j.Args["what"], j.Urgent, j.ID)
}

// notifyStaff tells the mother's staff (every staff member of the
// organisation when all) what about a visit. jobID names the message, one
// per recipient, so a repeat does not tell anyone twice.
func (e *capability) notifyStaff(ctx context.Context, a aboutVisit, what string, all bool, jobID string) error {
	staff, err := e.staffFor(ctx, a, all)
	if err != nil {
		return err
	}
	names := map[string]any{"Family": a.fam.Name, "Mother": a.mother.Name, "When": a.v.At}
	lines := []flows.T{{ID: "family.staff_" + what, Data: names}}
	var voice *flows.Voice
	if what == "note" {
		if a.v.Note != "" {
			lines = append(lines, flows.T{ID: "family.note_line", Data: map[string]any{"Note": a.v.Note}})
		}
		if a.v.Voice != "" {
			voice = &flows.Voice{FileID: a.v.Voice, Caption: flows.T{ID: "family.voice_caption", Data: names}}
		}
	} else {
		lines = append(lines, e.visitLines(a.v, flows.Person{})...)
	}
	var rows [][]flows.Button
	if a.v.Concern == concernOpen {
		rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.handled"}, Data: verbHandled + ":" + a.v.ID}})
	}
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "family.open_pair"}, Data: verbPage + ":" + a.p.ID}})
	for _, st := range staff {
		if err := e.TellMessage(ctx, st, jobID, flows.Message{Lines: lines, Buttons: rows, Voice: voice}); err != nil {
			return err
		}
	}
	return nil
}

// staffFor lists the staff who hear about a visit: the mother's, or every
// staff member of the organisation when all.
func (e *capability) staffFor(ctx context.Context, a aboutVisit, all bool) ([]flows.Person, error) {
	if all {
		return e.People().Members(ctx, a.p.Org, flows.RoleStaff)
	}
	return e.StaffOf(ctx, a.mother, a.p.By)
}
