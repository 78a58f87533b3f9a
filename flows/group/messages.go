package group

import (
	"context"
	"errors"

	"nido/flows"
)

// The messages a mother has about a meeting with its answer buttons ("I'll
// come", "I can't come"): the news of it, its reminder, the cards /group
// shows. Their ids are kept on the meeting, so that cancelling it (or
// ending its group) edits each one into the meeting and "This meeting was
// cancelled", with no buttons left to press; the news of the cancellation
// comes besides, as a new message. An old button pressed anyway changes
// nothing and says the same (mine.go).

// maxMessagesKept is how many of a mother's messages about one meeting are
// kept, the last ones: /group typed again and again must not grow the list.
const maxMessagesKept = 6

// eachMother runs f for each mother of g who can be told: not one who
// blocked Nido, nor one being erased.
func (e *capability) eachMother(ctx context.Context, g Group, f func(flows.Person) error) error {
	mothers, err := e.groupMothers(ctx, g)
	if err != nil {
		return err
	}
	for _, p := range mothers {
		if p.Unreachable {
			continue
		}
		if gone, err := e.BeingErased(ctx, p.ID); err != nil || gone {
			if err != nil {
				return err
			}
			continue
		}
		if err := f(p); err != nil {
			return err
		}
	}
	return nil
}

// tellMeeting is tellGroup for messages with m's answer buttons: each one
// sent is kept. A repeat under the same jobID sends nothing again and keeps
// the same ids.
func (e *capability) tellMeeting(ctx context.Context, g Group, m Meeting, jobID string, build func(flows.Person) (flows.Message, bool)) error {
	return e.eachMother(ctx, g, func(p flows.Person) error {
		msg, ok := build(p)
		if !ok {
			return nil
		}
		id, err := e.TellPost(ctx, p, jobID, msg)
		if err != nil || id == 0 {
			return err
		}
		return e.groupStore().keepMessage(ctx, m, p.ID, id)
	})
}

// cancelledLines are a cancelled meeting as its mothers' earlier messages
// about it then read.
func cancelledLines(g Group, m Meeting) []flows.T {
	return append(meetLines(g, m, ""), flows.T{ID: "group.meeting_cancelled"})
}

// stripMeeting edits every kept message about m, which is no longer planned,
// into cancelledLines with no buttons. Doing it again changes nothing.
func (e *capability) stripMeeting(ctx context.Context, g Group, m Meeting) error {
	return e.eachMother(ctx, g, func(p flows.Person) error {
		for _, id := range m.Messages[p.ID] {
			_, err := e.Post(ctx, flows.Message{ChatID: p.ID, Lang: p.Lang, EditID: id, Lines: cancelledLines(g, m)})
			if errors.Is(err, flows.ErrUnreachable) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
