package appointment

import (
	"context"
	"time"

	"nido/flows"
)

// digest is the appointments' part of the staff's morning digest (the
// core's digest.go): each appointment of the day, who confirmed, who asked
// to change, who did not answer, counting only those still on; those
// cancelled come apart, after them. Nothing on a day without appointments.
func (e *capability) digest(ctx context.Context, org string, day time.Time) ([]flows.T, error) {
	lines, _, err := e.dayLines(ctx, org, day, "digest.title")
	if err != nil || len(lines) == 1 {
		return nil, err
	}
	return lines, nil
}
