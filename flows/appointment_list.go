package flows

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Lists of appointments. A mother sees only her own; staff see only those of
// their organisation's mothers.
//
//	/appointments (mother)  her next appointments, one card each, with change, cancel, calendar
//	/appointments (staff)   buttons: today, tomorrow, each mother, a new appointment
//	apl:m:<id>              staff: one mother's next appointments, and how the recent ones went
//	apl:d:<day>, apl:n:<day> staff: the organisation's appointments of one day (n: from the day arrows)

// maxCards is how many appointments a list shows as cards; the rest are counted.
const maxCards = 5

// recentDays is how far back staff see how a mother's appointments went.
const recentDays = 30

func apptList(s *Session, _ string) error {
	if s.person.Role == RoleStaff {
		return apptStaffMenu(s)
	}
	return apptCards(s, s.person)
}

// apptCards shows a mother's next appointments: to her, or to her staff
// with how the last month's went.
func apptCards(s *Session, mother Person) error {
	st := s.e.appts()
	next, err := st.ofMother(s.ctx, mother.ID, s.now.Add(time.Second), s.now.Add(maxAhead))
	if err != nil {
		return err
	}
	next = active(next)
	var head []T
	if mother.ID == s.person.ID {
		if len(next) == 0 {
			return s.send(Message{Lines: []T{{ID: "appointment.list_none"}},
				Buttons: [][]Button{{{Label: T{ID: "appointment.new"}, Data: "apn"}}}})
		}
		head = []T{{ID: "appointment.list_title", Count: len(next), Data: map[string]any{"Count": len(next)}}}
	} else {
		head = []T{{ID: "appointment.list_of", Count: len(next), Data: map[string]any{"Name": mother.Name, "Count": len(next)}}}
		past, err := st.ofMother(s.ctx, mother.ID, s.now.AddDate(0, 0, -recentDays), s.now)
		if err != nil {
			return err
		}
		for _, a := range past {
			head = append(head, T{ID: "appointment.recent_item", Data: map[string]any{
				"When": a.At, "What": apptWhat(a), "Status": apptStatus(a)}})
		}
	}
	if len(next) > maxCards {
		head = append(head, T{ID: "appointment.list_more", Count: len(next) - maxCards,
			Data: map[string]any{"Count": len(next) - maxCards}})
		next = next[:maxCards]
	}
	if err := s.reply(head...); err != nil {
		return err
	}
	for _, a := range next {
		if err := s.send(Message{Lines: apptLines(a), Buttons: cardButtons(a)}); err != nil {
			return err
		}
	}
	return nil
}

func active(as []Appointment) []Appointment {
	out := as[:0:0]
	for _, a := range as {
		if !a.Cancelled {
			out = append(out, a)
		}
	}
	return out
}

// apptStaffMenu lets staff pick a day or a mother.
func apptStaffMenu(s *Session) error {
	mothers, err := s.e.people.Members(s.ctx, s.person.OrgID, RoleMother)
	if err != nil {
		return err
	}
	today := midnight(s.now)
	rows := [][]Button{{
		{Label: T{ID: "appointment.list_today"}, Data: "apl:d:" + dayCode(today)},
		{Label: T{ID: "appointment.list_tomorrow"}, Data: "apl:d:" + dayCode(today.AddDate(0, 0, 1))},
	}}
	var bs []Button
	for _, m := range mothers[:min(len(mothers), maxMotherButtons)] {
		bs = append(bs, Button{Label: T{Plain: m.Name}, Data: "apl:m:" + id64(m.ID)})
	}
	rows = append(rows, grid(bs, 2)...)
	rows = append(rows, []Button{{Label: T{ID: "appointment.new"}, Data: "apn"}})
	return s.send(Message{Lines: []T{{ID: "appointment.staff_menu"}}, Buttons: rows})
}

func apptListButton(s *Session, arg string) error {
	what, v, _ := strings.Cut(arg, ":")
	switch what {
	case "m":
		id, _ := strconv.ParseInt(v, 10, 64)
		m, ok, err := s.e.people.Get(s.ctx, id)
		if err != nil || !ok || m.Role != RoleMother || m.OrgID != s.person.OrgID {
			return orInvalid(s, err)
		}
		return apptCards(s, m)
	case "d", "n":
		day, ok := parseDay(v, s.e.cfg.Location)
		if !ok {
			return s.reply(T{ID: "common.button_invalid"})
		}
		return apptDayView(s, day, what == "n")
	}
	return s.reply(T{ID: "common.button_invalid"})
}

// apptDayView shows staff every appointment of their organisation on day,
// with who confirmed, with arrows to the day before and after.
func apptDayView(s *Session, day time.Time, edit bool) error {
	lines, err := s.e.dayLines(s.ctx, s.person.OrgID, day, "appointment.day_title")
	if err != nil {
		return err
	}
	if len(lines) == 1 {
		lines = append(lines, T{ID: "appointment.day_none"})
	}
	m := Message{Lines: lines, Buttons: [][]Button{{
		{Label: T{ID: "appointment.day_prev"}, Data: "apl:n:" + dayCode(day.AddDate(0, 0, -1))},
		{Label: T{ID: "appointment.day_next"}, Data: "apl:n:" + dayCode(day.AddDate(0, 0, 1))},
	}}}
	if edit {
		return s.edit(m)
	}
	return s.send(m)
}

// dayLines are a title and one line per appointment of org's mothers on day
// ("09:30 Anna, Paediatrician: confirmed"), for the day view and the digest.
func (e *Engine) dayLines(ctx context.Context, org string, day time.Time, title string) ([]T, error) {
	list, err := e.appts().ofOrg(ctx, org, day, day.AddDate(0, 0, 1).Add(-time.Second))
	if err != nil {
		return nil, err
	}
	lines := []T{{ID: title, Count: len(list), Data: map[string]any{"Day": Day(day), "Count": len(list)}}}
	if len(list) == 0 {
		return lines, nil
	}
	names, err := e.motherNames(ctx, org, list)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		lines = append(lines, T{ID: "appointment.day_item", Data: map[string]any{
			"Time": a.At.Format("15:04"), "Name": names[a.Mother], "What": apptWhat(a), "Status": apptStatus(a)}})
	}
	return lines, nil
}

// motherNames names the mothers of list: the organisation's mothers in one
// go, then one by one only those who have left it since.
func (e *Engine) motherNames(ctx context.Context, org string, list []Appointment) (map[int64]string, error) {
	mothers, err := e.people.Members(ctx, org, RoleMother)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(mothers))
	for _, m := range mothers {
		names[m.ID] = m.Name
	}
	for _, a := range list {
		if _, ok := names[a.Mother]; ok {
			continue
		}
		m, _, err := e.people.Get(ctx, a.Mother)
		if err != nil {
			return nil, err
		}
		names[a.Mother] = m.Name
	}
	return names, nil
}

// apptStatus is what staff need to know of an appointment, most telling first.
func apptStatus(a Appointment) T {
	id := "not_reminded"
	switch {
	case a.Cancelled:
		id = "cancelled"
	case a.Outcome != "":
		id = a.Outcome
	case a.Answer == answerYes:
		id = "confirmed"
	case a.Answer == answerChange:
		id = "change"
	case !a.Reminded.IsZero():
		id = "no_answer"
	}
	return T{ID: "appointment.status_" + id}
}

// apptData is what /mydata shows of a person's appointments and reminders.
func (e *Engine) apptData(ctx context.Context, p Person) ([]T, error) {
	if p.Role != RoleMother {
		return nil, nil
	}
	list, err := e.appts().ofMother(ctx, p.ID, time.Unix(0, 0), e.now().Add(maxAhead))
	if err != nil {
		return nil, err
	}
	lines := []T{{ID: "appointment.mydata_title", Count: len(list), Data: map[string]any{"Count": len(list)}}}
	for _, a := range list {
		lines = append(lines, T{ID: "appointment.mydata_item", Data: map[string]any{
			"When": a.At, "What": apptWhat(a), "Status": apptStatus(a)}})
		if a.Place != "" {
			lines = append(lines, T{ID: "appointment.card_where", Data: map[string]any{"Place": a.Place}})
		}
	}
	jobs, err := e.cfg.Scheduler.ListOwner(ctx, id64(p.ID))
	if err != nil {
		return nil, err
	}
	lines = append(lines, T{ID: "appointment.mydata_jobs", Count: len(jobs), Data: map[string]any{"Count": len(jobs)}})
	return lines, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
