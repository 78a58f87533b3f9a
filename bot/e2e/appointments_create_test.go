package e2e

import (
	"net/url"
	"testing"
)

// Making an appointment: by buttons, by typing, by the one-line shortcut.
// The world starts on Monday 23 November 2026 at 09:00 in Rome.

func TestMotherMakesAnAppointmentWithButtons(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)

	// From her menu: nothing yet, then a new one.
	w.say(fatima, "/menu")
	w.wantSaid(w.press(fatima, w.label("it", "appointment.menu_mine")), "it", "appointment.list_none", nil)
	w.wantSaid(w.press(fatima, w.label("it", "appointment.new")), "it", "appointment.ask_kind", nil)
	msgs := w.press(fatima, w.label("it", "appointment.kind_paediatrician"))
	w.wantSaid(msgs, "it", "appointment.ask_day", nil)

	// Fourteen days, today first, each with its weekday and date, then "another date".
	labels := msgs[len(msgs)-1].Labels()
	wantLabels := []string{"Oggi 23/11", "Domani 24/11", "mercoledì 25/11"}
	if len(labels) != 15 || labels[0] != wantLabels[0] || labels[1] != wantLabels[1] || labels[2] != wantLabels[2] ||
		labels[13] != "domenica 06/12" || labels[14] != w.label("it", "appointment.other_day") {
		t.Fatalf("day buttons %q", labels)
	}
	w.wantSaid(w.press(fatima, "mercoledì 25/11"), "it", "appointment.ask_time",
		map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, 25, 0, 0))})
	w.wantSaid(w.press(fatima, "09:30"), "it", "appointment.ask_place", nil)
	w.wantSaid(w.say(fatima, "Via Roma 1, Roma"), "it", "appointment.ask_note", nil)
	msgs = w.say(fatima, "Portare il libretto")

	when := w.rome(2026, 11, 25, 9, 30)
	w.wantSaid(msgs, "it", "appointment.created", nil)
	w.wantSaid(msgs, "it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", when)})
	w.wantSaid(msgs, "it", "appointment.card_where", map[string]any{"Place": "Via Roma 1, Roma"})
	w.wantSaid(msgs, "it", "appointment.card_note", map[string]any{"Note": "Portare il libretto"})

	// The map opens the place; the calendar file holds the same instant.
	var mapURL string
	for _, row := range msgs[0].Buttons {
		for _, b := range row {
			if b.Text == w.label("it", "appointment.map") {
				mapURL = b.URL
			}
		}
	}
	if mapURL != "https://www.google.com/maps/search/?api=1&query="+url.QueryEscape("Via Roma 1, Roma") {
		t.Errorf("map button opens %q", mapURL)
	}
	start, ev := calendarIn(t, msgs)
	if !start.Equal(when) {
		t.Errorf("calendar starts %v, want %v", start, when)
	}
	if loc := ev.GetProperty("LOCATION"); loc == nil || loc.Value != "Via Roma 1, Roma" {
		t.Errorf("calendar location %v", loc)
	}

	// The reminders: a day before, and two hours before, which falls in
	// the quiet hours (21:00-08:00) and so comes at 08:00. She is told so.
	w.wantDue(fatima, ":remind-24h", w.rome(2026, 11, 24, 9, 30))
	w.wantDue(fatima, ":remind-2h", w.rome(2026, 11, 25, 8, 0))
	w.wantSaid(msgs, "it", "appointment.reminder_at", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 8, 0))})
}

func TestTypedDatesAreCheckedAndAskedAgain(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_social"))
	w.wantSaid(w.press(fatima, w.label("it", "appointment.other_day")), "it", "appointment.type_day", nil)

	for _, tt := range []struct{ typed, id string }{
		{"31/02/2027", "appointment.day_impossible"},
		{"20/11/2026", "appointment.day_past"},
		{"boh", "appointment.when_not_understood"},
	} {
		msgs := w.say(fatima, tt.typed)
		w.wantSaid(msgs, "it", tt.id, nil)
		w.wantSaid(msgs, "it", "appointment.ask_day", nil) // and the question again
	}

	// "alle 3" may be night or afternoon: both are offered.
	msgs := w.say(fatima, "giovedì alle 3")
	w.wantSaid(msgs, "it", "appointment.which_one", nil)
	afternoon := w.rome(2026, 11, 26, 15, 0)
	w.wantSaid(w.press(fatima, w.cat.DateTime("it", afternoon)), "it", "appointment.ask_place", nil)
	w.press(fatima, w.label("it", "appointment.skip"))
	msgs = w.press(fatima, w.label("it", "appointment.skip"))
	w.wantSaid(msgs, "it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", afternoon)})
	if start, _ := calendarIn(t, msgs); !start.Equal(afternoon) {
		t.Errorf("calendar starts %v, want %v", start, afternoon)
	}

	// A typed day and time skip the time buttons; a past time is refused.
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_lawyer"))
	w.press(fatima, w.label("it", "appointment.other_day"))
	msgs = w.say(fatima, "oggi 8:00")
	w.wantSaid(msgs, "it", "appointment.time_past", nil)
	w.wantSaid(w.typeWhen(fatima, "18:30", w.rome(2026, 11, 23, 18, 30)), "it", "appointment.ask_place", nil)
}

func TestAppointmentInOneLine(t *testing.T) {
	w := newWorld(t)
	anna, fatima := aurora(w)

	// The mother, for herself.
	msgs := w.sayLine(fatima, "/appointment 25/02/2027 09:30 Pediatra")
	w.wantSaid(msgs, "it", "appointment.created", nil)
	w.wantSaid(msgs, "it", "appointment.card_what", map[string]any{"What": w.label("it", "appointment.kind_paediatrician")})
	if start, _ := calendarIn(t, msgs); !start.Equal(w.rome(2027, 2, 25, 9, 30)) {
		t.Errorf("calendar starts %v", start)
	}

	// Staff, for a mother of their organisation, by the name in their list:
	// she gets it with her calendar file.
	before := len(w.tg.Messages(fatima.ID))
	msgs = w.sayLine(anna, "/appointment fatima 26/02/2027 10:00 Avvocato Bianchi")
	w.wantSaid(msgs, "it", "appointment.created_staff", map[string]any{"Name": "Fatima"})
	w.waitCount(fatima, w.text("it", "appointment.created_for_you", nil), 1)
	got := w.tg.Messages(fatima.ID)[before:]
	w.wantSaid(got, "it", "appointment.card_note", map[string]any{"Note": "Bianchi"}) // "Avvocato" is its kind
	if start, _ := calendarIn(t, got); !start.Equal(w.rome(2027, 2, 26, 10, 0)) {
		t.Errorf("calendar starts %v", start)
	}
	w.wantDue(fatima, ":remind-24h", w.rome(2027, 2, 25, 10, 0))

	// A name not in the list: staff choose from the list instead.
	msgs = w.say(anna, "/appointment Zoe 26/02/2027 10:00 Avvocato")
	w.wantSaid(msgs, "it", "appointment.mother_unknown", nil)
	if labels := msgs[len(msgs)-1].Labels(); len(labels) != 1 || labels[0] != "Fatima" {
		t.Errorf("mother buttons %q", labels)
	}

	// An impossible date in the line: said, and the day asked.
	msgs = w.say(fatima, "/appointment 30/02/2027 09:30 Pediatra")
	w.wantSaid(msgs, "it", "appointment.day_impossible", nil)
	w.wantSaid(msgs, "it", "appointment.ask_day", nil)
}
