package flows

import (
	"fmt"
	"strconv"
	"time"
)

// The month's counts, for staff to pass on to their organisation's
// funders: what each capability did in a month (meetings held and who
// came, job interviews), with buttons to the month before and after, never
// past this one. The counts come from the capabilities' Month; a month in
// which none did anything says so.
//
//	/month or the menu's "This month"   this month's counts
//	mon:<2026-11>                       another month's, on the same message
func monthRoutes() []Route {
	staff := []string{RoleStaff}
	return []Route{
		{Command: "/month", Roles: staff, Run: monthCommand},
		{Verb: verbMonth, Roles: staff, Run: monthButton},
	}
}

// verbMonth is the button verb of this flow: another month's counts.
const verbMonth = "mon"

func monthCommand(s *Session, _ string) error {
	m, err := s.e.monthCounts(s, firstOfMonth(s.now))
	if err != nil {
		return err
	}
	return s.send(m)
}

// monthButton is verbMonth + ":<2026-11>": that month, on the message pressed.
func monthButton(s *Session, arg string) error {
	t, err := time.ParseInLocation("2006-01", arg, s.e.cfg.Location)
	if err != nil || t.After(firstOfMonth(s.now)) {
		return s.reply(T{ID: "common.button_invalid"})
	}
	m, err := s.e.monthCounts(s, t)
	if err != nil {
		return err
	}
	return s.edit(m)
}

// monthCounts is the message of month's counts for the staff member's organisation.
func (e *Engine) monthCounts(s *Session, month time.Time) (Message, error) {
	lines := []T{{ID: "month.title", Data: map[string]any{"Month": T{ID: "month.name", Data: map[string]any{
		"Month": T{ID: "date.month." + strconv.Itoa(int(month.Month()))}, "Year": month.Year()}}}}}
	var said bool
	for _, c := range e.caps {
		if c.Month == nil {
			continue
		}
		more, err := c.Month(s.ctx, s.person.OrgID, month)
		if err != nil {
			return Message{}, fmt.Errorf("%s: month: %w", c.Name, err)
		}
		lines = append(lines, more...)
		said = said || len(more) > 0
	}
	if !said {
		lines = append(lines, T{ID: "month.none"})
	}
	nav := []Button{{Label: T{ID: "month.prev"}, Data: verbMonth + ":" + month.AddDate(0, -1, 0).Format("2006-01")}}
	if month.Before(firstOfMonth(s.now)) {
		nav = append(nav, Button{Label: T{ID: "month.next"}, Data: verbMonth + ":" + month.AddDate(0, 1, 0).Format("2006-01")})
	}
	return Message{Lines: lines, Buttons: [][]Button{nav}}, nil
}

// firstOfMonth is the first instant of t's month, in t's time zone.
func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}
