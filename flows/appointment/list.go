package appointment

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"
)

// Lists of appointments. A mother sees only her own; staff see only those of
// their organisation's mothers.
//
//	/appointments (mother)  her next appointments, one card each, with change, cancel, calendar
//	/appointments (staff)   buttons: today, tomorrow, each mother, a new appointment
//	apl:m:<id>              staff: one mother's next appointments, and how the recent ones went
//	apl:d:<day>, apl:n:<day> staff: the organisation's appointments of one day (n: from the day arrows)

// recentDays is how far back staff see how a mother's appointments went.
const recentDays = 30

func (e *capability) apptList(s *flows.Session, _ string) error {
	if s.Person().Role == flows.RoleStaff {
		return e.apptStaffMenu(s)
	}
	return e.apptCards(s, s.Person())
}

// apptCards shows a mother's next appointments, with what the other
// capabilities planned for her (a job interview): to her, or to her staff
// with how the last month's went.
func (e *capability) apptCards(s *flows.Session, mother flows.Person) error {
	st := e.appts()
	from, to := s.Now().Add(time.Second), s.Now().Add(flows.MaxAhead)
	next, err := st.ofMother(s.Ctx(), mother.ID, from, to)
	if err != nil {
		return err
	}
	cards, err := e.Agenda(s.Ctx(), mother, s.Person(), from, to, "appointment")
	if err != nil {
		return err
	}
	for _, a := range active(next) {
		cards = append(cards, flows.AgendaItem{At: a.At, Card: flows.Message{Lines: apptLines(a), Buttons: cardButtons(a, s.Person().Role)}})
	}
	slices.SortStableFunc(cards, func(a, b flows.AgendaItem) int { return a.At.Compare(b.At) })
	var head []flows.T
	if mother.ID == s.Person().ID {
		if len(cards) == 0 {
			return s.Send(flows.Message{Lines: []flows.T{{ID: "appointment.list_none"}},
				Buttons: [][]flows.Button{{{Label: flows.T{ID: "appointment.new"}, Data: verbNew}}}})
		}
		head = []flows.T{{ID: "appointment.list_title", Count: len(cards), Data: map[string]any{"Count": len(cards)}}}
	} else {
		head = []flows.T{{ID: "appointment.list_of", Count: len(cards), Data: map[string]any{"Name": mother.Name, "Count": len(cards)}}}
		past, err := st.ofMother(s.Ctx(), mother.ID, s.Now().AddDate(0, 0, -recentDays), s.Now())
		if err != nil {
			return err
		}
		for _, a := range past {
			head = append(head, flows.T{ID: "appointment.recent_item", Data: map[string]any{
				"When": a.At, "What": apptWhat(a), "Status": apptStatus(a)}})
		}
	}
	if len(cards) > flows.MaxCards {
		head = append(head, flows.T{ID: "appointment.list_more", Count: len(cards) - flows.MaxCards,
			Data: map[string]any{"Count": len(cards) - flows.MaxCards}})
		cards = cards[:flows.MaxCards]
	}
	if err := s.Reply(head...); err != nil {
		return err
	}
	for _, c := range cards {
		if err := s.Send(c.Card); err != nil {
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
func (e *capability) apptStaffMenu(s *flows.Session) error {
	mothers, err := e.People().Members(s.Ctx(), s.Person().OrgID, flows.RoleMother)
	if err != nil {
		return err
	}
	today := midnight(s.Now())
	rows := [][]flows.Button{{
		{Label: flows.T{ID: "appointment.list_today"}, Data: verbList + ":d:" + flows.DayCode(today)},
		{Label: flows.T{ID: "appointment.list_tomorrow"}, Data: verbList + ":d:" + flows.DayCode(today.AddDate(0, 0, 1))},
	}}
	var bs []flows.Button
	for _, m := range mothers[:min(len(mothers), flows.MaxButtons)] {
		bs = append(bs, flows.Button{Label: flows.T{Plain: m.Name}, Data: verbList + ":m:" + id64(m.ID)})
	}
	rows = append(rows, flows.Grid(bs, 2)...)
	rows = append(rows, []flows.Button{{Label: flows.T{ID: "appointment.new"}, Data: verbNew}})
	return s.Send(flows.Message{Lines: []flows.T{{ID: "appointment.staff_menu"}}, Buttons: rows})
}

func (e *capability) apptListButton(s *flows.Session, arg string) error {
	what, v, _ := strings.Cut(arg, ":")
	switch what {
	case "m":
		id, _ := strconv.ParseInt(v, 10, 64)
		m, ok, err := e.People().Get(s.Ctx(), id)
		if err != nil || !ok || m.Role != flows.RoleMother || m.OrgID != s.Person().OrgID {
			return flows.OrInvalid(s, err)
		}
		return e.apptCards(s, m)
	case "d", "n":
		day, ok := flows.ParseDay(v, e.Location())
		if !ok {
			return s.Reply(flows.T{ID: "common.button_invalid"})
		}
		return e.apptDayView(s, day, what == "n")
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// apptDayView shows staff every appointment of their organisation on day,
// with who confirmed, with arrows to the day before and after.
func (e *capability) apptDayView(s *flows.Session, day time.Time, edit bool) error {
	lines, on, err := e.dayLines(s.Ctx(), s.Person().OrgID, day, "appointment.day_title")
	if err != nil {
		return err
	}
	if on == 0 {
		lines = slices.Insert(lines, 1, flows.T{ID: "appointment.day_none"})
	}
	m := flows.Message{Lines: lines, Buttons: [][]flows.Button{{
		{Label: flows.T{ID: "appointment.day_prev"}, Data: verbList + ":n:" + flows.DayCode(day.AddDate(0, 0, -1))},
		{Label: flows.T{ID: "appointment.day_next"}, Data: verbList + ":n:" + flows.DayCode(day.AddDate(0, 0, 1))},
	}}}
	if edit {
		return s.Edit(m)
	}
	return s.Send(m)
}

// dayLines are a title counting the appointments of org's mothers on day
// that are still on, one line each ("09:30 Anna, Paediatrician:
// confirmed"), then those cancelled, apart: for the day view and the
// digest, whose count is of what will happen. on is how many are still on;
// lines has only the title when there is none at all.
func (e *capability) dayLines(ctx context.Context, org string, day time.Time, title string) (lines []flows.T, on int, err error) {
	list, err := e.appts().ofOrg(ctx, org, day, day.AddDate(0, 0, 1).Add(-time.Second))
	if err != nil {
		return nil, 0, err
	}
	kept := active(list)
	lines = []flows.T{{ID: title, Count: len(kept), Data: map[string]any{"Day": flows.Day(day), "Count": len(kept)}}}
	if len(list) == 0 {
		return lines, 0, nil
	}
	names, err := e.motherNames(ctx, org, list)
	if err != nil {
		return nil, 0, err
	}
	for _, a := range kept {
		lines = append(lines, flows.T{ID: "appointment.day_item", Data: map[string]any{
			"Time": a.At.Format("15:04"), "Name": names[a.Mother], "What": apptWhat(a), "Status": apptStatus(a)}})
	}
	if n := len(list) - len(kept); n > 0 {
		lines = append(lines, flows.T{ID: "appointment.day_cancelled", Count: n, Data: map[string]any{"Count": n}})
		for _, a := range list {
			if a.Cancelled {
				lines = append(lines, flows.T{ID: "appointment.day_cancelled_item", Data: map[string]any{
					"Time": a.At.Format("15:04"), "Name": names[a.Mother], "What": apptWhat(a)}})
			}
		}
	}
	return lines, len(kept), nil
}

// motherNames names the mothers of list: the organisation's mothers in one
// go, then one by one only those who have left it since.
func (e *capability) motherNames(ctx context.Context, org string, list []Appointment) (map[int64]string, error) {
	mothers, err := e.People().Members(ctx, org, flows.RoleMother)
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
		m, _, err := e.People().Get(ctx, a.Mother)
		if err != nil {
			return nil, err
		}
		names[a.Mother] = m.Name
	}
	return names, nil
}

// apptStatus is what staff need to know of an appointment, most telling first.
func apptStatus(a Appointment) flows.T {
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
	return flows.T{ID: "appointment.status_" + id}
}

// apptData is what /mydata shows of a person's appointments and reminders.
func (e *capability) apptData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	if p.Role != flows.RoleMother {
		return nil, nil
	}
	list, err := e.appts().ofMother(ctx, p.ID, time.Unix(0, 0), e.Now().Add(flows.MaxAhead))
	if err != nil {
		return nil, err
	}
	lines := []flows.T{{ID: "appointment.mydata_title", Count: len(list), Data: map[string]any{"Count": len(list)}}}
	for _, a := range list {
		lines = append(lines, flows.T{ID: "appointment.mydata_item", Data: map[string]any{
			"When": a.At, "What": apptWhat(a), "Status": apptStatus(a)}})
		if a.Place != "" {
			lines = append(lines, flows.T{ID: "appointment.card_where", Data: map[string]any{"Place": a.Place}})
		}
	}
	jobs, err := e.Scheduler().ListOwner(ctx, id64(p.ID))
	if err != nil {
		return nil, err
	}
	lines = append(lines, flows.T{ID: "appointment.mydata_jobs", Count: len(jobs), Data: map[string]any{"Count": len(jobs)}})
	return lines, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
