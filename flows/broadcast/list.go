package broadcast

import (
	"nido/flows"
)

// /broadcasts: the last broadcasts of the sender's organisation (every
// broadcast, for an administrator), with their figures; one that has not
// started can be cancelled from here or from its report.

// listed is how many broadcasts /broadcasts shows.
const listed = 10

func (e *capability) list(s *flows.Session, _ string) error {
	me := s.Person()
	index := e.k.allIndex()
	if me.Role == flows.RoleStaff {
		index = e.k.orgIndex(me.OrgID)
	}
	bs, err := e.store().list(s.Ctx(), index, listed)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		return s.Reply(flows.T{ID: "broadcast.none_yet"})
	}
	lines := []flows.T{{ID: "broadcast.list_title"}}
	var rows [][]flows.Button
	for _, b := range bs {
		audience, err := e.audienceText(s.Ctx(), b)
		if err != nil {
			return err
		}
		lines = append(lines, flows.T{Plain: ""}, flows.T{ID: "broadcast.list_item", Data: map[string]any{
			"When": b.SendAt, "Audience": audience, "Text": excerpt(b.Text)}})
		switch b.Status {
		case statusScheduled:
			lines = append(lines, flows.T{ID: "broadcast.report_scheduled", Data: map[string]any{"When": b.SendAt}})
			rows = append(rows, []flows.Button{{Label: flows.T{ID: "broadcast.cancel_of", Data: map[string]any{
				"When": b.SendAt}}, Data: verbCancelAsk + ":" + b.ID}})
		case statusCancelled:
			lines = append(lines, flows.T{ID: "broadcast.report_cancelled"})
		default:
			lines = append(lines, flows.T{ID: "broadcast.report_figures", Data: map[string]any{
				"Sent": b.Sent, "Skipped": b.Skipped, "Blocked": b.Blocked, "Failed": b.Failed}})
		}
		if !b.Event.IsZero() && b.Status != statusCancelled {
			lines = append(lines, flows.T{ID: "broadcast.report_answers", Data: map[string]any{
				"When": b.Event, "Yes": b.Yes, "No": b.No}})
		}
	}
	return s.Send(flows.Message{Lines: lines, Buttons: rows})
}

// mine loads a broadcast a button names when the one pressing may manage
// it: staff of its organisation, or an administrator.
func (e *capability) mine(s *flows.Session, id string) (Broadcast, bool, error) {
	b, ok, err := e.store().get(s.Ctx(), id)
	if err != nil || !ok {
		return Broadcast{}, false, err
	}
	me := s.Person()
	switch me.Role {
	case flows.RoleAdmin:
		return b, true, nil
	case flows.RoleStaff:
		return b, me.OrgID != "" && b.Org == me.OrgID, nil
	}
	return Broadcast{}, false, nil
}

func (e *capability) cancelAsk(s *flows.Session, id string) error {
	b, ok, err := e.mine(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if b.Status != statusScheduled {
		return s.Reply(flows.T{ID: "broadcast.too_late_to_cancel"})
	}
	return s.Send(flows.Confirm([]flows.T{{ID: "broadcast.cancel_sure", Data: map[string]any{"When": b.SendAt,
		"Text": excerpt(b.Text)}}}, "broadcast.cancel_yes", verbCancel+":"+b.ID, "broadcast.cancel_no", verbList))
}

func (e *capability) cancelScheduled(s *flows.Session, id string) error {
	b, ok, err := e.mine(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	cancelled, err := e.store().cancel(s.Ctx(), b.ID)
	if err != nil {
		return err
	}
	if !cancelled {
		if b.Status == statusCancelled {
			return s.Reply(flows.T{ID: "broadcast.cancelled"})
		}
		return s.Reply(flows.T{ID: "broadcast.too_late_to_cancel"})
	}
	// The delivery job finds it cancelled if it runs meanwhile; cancelling
	// it keeps the queue clean.
	if _, err := e.Scheduler().CancelOwner(s.Ctx(), owner(b.ID)); err != nil {
		return flows.Wrap("cancel broadcast delivery", err)
	}
	e.markReport(s.Ctx(), b.ID)
	return s.Reply(flows.T{ID: "broadcast.cancelled"})
}
