package group

import (
	"slices"
	"testing"
	"time"

	"nido/flows"
)

// lineIDs are the message ids of a card's lines.
func lineIDs(c flows.Message) []string {
	var ids []string
	for _, l := range c.Lines {
		ids = append(ids, l.ID)
	}
	return ids
}

// buttonData is a card's buttons, by data or, for a link, by label.
func buttonData(c flows.Message) []string {
	var out []string
	for _, row := range c.Buttons {
		for _, b := range row {
			if b.Data == "" {
				out = append(out, b.Label.ID)
				continue
			}
			out = append(out, b.Data)
		}
	}
	return out
}

// A planned meeting of her group is in her agenda, with her answer and its
// buttons for her, and only when and where (and the map) for staff. A
// meeting she declined, or cancelled, or outside the window, is not; nor
// is one of a group of another organisation, nor anything for a mother
// outside the group.
func TestAgendaHasHerGroupMeetings(t *testing.T) {
	w, olena, _, m := groupWorld(t)
	from, to := w.Clock.Now(), w.Clock.Now().Add(flows.MaxAhead)
	agenda := func(mother, viewer flows.Person, from, to time.Time) []flows.AgendaItem {
		t.Helper()
		items, err := w.c.agenda(w.Ctx, mother, viewer, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	same := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s %q, want %q", what, got, want)
		}
	}

	items := agenda(w.Mother, w.Mother, from, to)
	if len(items) != 1 || !items[0].At.Equal(m.At) {
		t.Fatalf("her agenda %+v, want the meeting at %v", items, m.At)
	}
	same("her card", lineIDs(items[0].Card), []string{"group.meeting_of", "appointment.card_when", "appointment.card_where", "group.answer_none"})
	same("her buttons", buttonData(items[0].Card), []string{"gm:y:1", "gm:n:1", "appointment.map"})

	items = agenda(w.Mother, w.Staff, from, to)
	if len(items) != 1 {
		t.Fatalf("her agenda for staff %+v, want the meeting", items)
	}
	same("staff's card", lineIDs(items[0].Card), []string{"group.meeting_of", "appointment.card_when", "appointment.card_where"})
	same("staff's buttons", buttonData(items[0].Card), []string{"appointment.map"})

	if items := agenda(w.Mother, w.Mother, m.At.Add(time.Second), to); len(items) != 0 {
		t.Errorf("a meeting before the window: %+v", items)
	}

	// Olena said she cannot come: not in hers; Fatima's answer is in hers.
	if _, err := w.c.groupStore().answer(w.Ctx, m, olena.ID, answerNotComing); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.groupStore().answer(w.Ctx, m, w.Mother.ID, answerComing); err != nil {
		t.Fatal(err)
	}
	if items := agenda(olena, olena, from, to); len(items) != 0 {
		t.Errorf("a meeting she declined: %+v", items)
	}
	if items := agenda(w.Mother, w.Mother, from, to); len(items) != 1 || items[0].Card.Lines[3].ID != "group.answer_yes" {
		t.Errorf("her agenda after she said she comes: %+v", items)
	}

	// A mother outside the group has none.
	sara := flows.Person{ID: 3009, Role: flows.RoleMother, OrgID: "1", Lang: "it", Name: "Sara", Joined: w.Clock.Now()}
	if items := agenda(sara, sara, from, to); len(items) != 0 {
		t.Errorf("a mother outside the group: %+v", items)
	}
	// Nor does a mother now of another organisation see it.
	moved := w.Mother
	moved.OrgID = "2"
	if items := agenda(moved, moved, from, to); len(items) != 0 {
		t.Errorf("a group of another organisation: %+v", items)
	}

	// Cancelled: in nobody's.
	if _, err := w.c.groupStore().cancelMeeting(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	if items := agenda(w.Mother, w.Mother, from, to); len(items) != 0 {
		t.Errorf("a cancelled meeting: %+v", items)
	}
}
