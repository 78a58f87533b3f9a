package e2e

import (
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// circle is Casa Aurora with Fatima (Italian) and Amina (Arabic) in the
// group "Mamme in cerchio", which meets on Wednesday 25 November at 17:00
// in Via Roma 1: a Latin name and a Latin place in Amina's Arabic.
func circle(w *world) (anna, fatima, amina telegramtest.User) {
	w.t.Helper()
	anna, fatima = aurora(w)
	amina = person(3002, "Amina", "ar")
	w.signUp(anna, "mother", amina, "ar")
	w.say(anna, "/groups")
	w.press(anna, w.label("it", "group.new"))
	w.say(anna, "Mamme in cerchio")
	for _, m := range []telegramtest.User{fatima, amina} {
		w.press(anna, w.label("it", "group.add"))
		w.press(anna, m.FirstName)
	}
	w.press(anna, w.label("it", "group.plan"))
	w.press(anna, "mercoledì 25/11")
	w.press(anna, "17:00")
	w.say(anna, "Via Roma 1")
	w.wantSaid(w.press(anna, w.label("it", "group.repeat_once")), "it", "group.planned", nil)
	for _, m := range []telegramtest.User{fatima, amina} {
		w.waitCount(m, w.text(m.LanguageCode, "group.meeting_new", map[string]any{"Group": "Mamme in cerchio"}), 1)
	}
	return anna, fatima, amina
}

// An Arabic message opens every line with the right-to-left mark, so that
// a line starting with "Mamme in cerchio" or "Via Roma 1" is still laid
// out right to left, and so does each button; Italian is sent as written.
func TestArabicMessagesAreLaidOutRightToLeft(t *testing.T) {
	w := newWorld(t)
	_, fatima, amina := circle(w)
	const rlm = "\u200f"
	when := w.rome(2026, 11, 25, 17, 0)

	ar := w.last(amina)
	lines := strings.Split(ar.Text, "\n")
	if len(lines) != 4 || !strings.HasPrefix(ar.Text, rlm+"👥 <b>Mamme in cerchio</b>") {
		t.Errorf("Amina's meeting reads %q", ar.Text)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, rlm) {
			t.Errorf("line %d of Amina's meeting does not open with the mark: %q", i, l)
		}
	}
	if !strings.Contains(ar.Text, "\n"+rlm+"📍 Via Roma 1") {
		t.Errorf("the place's line is not marked: %q", ar.Text)
	}
	for _, row := range ar.Buttons {
		for _, b := range row {
			if !strings.HasPrefix(b.Text, rlm) {
				t.Errorf("button %q does not open with the mark", b.Text)
			}
		}
	}
	// The bold name is still an entity, right where the name is: after the
	// mark, the emoji (two UTF-16 units) and a space.
	if len(ar.Entities) == 0 || ar.Entities[0].Type != "bold" || ar.Entities[0].Offset != 4 ||
		ar.Entities[0].Length != len("Mamme in cerchio") {
		t.Errorf("entities of Amina's meeting: %+v", ar.Entities)
	}

	// Italian: exactly the texts of the catalog, not a mark anywhere.
	it := w.last(fatima)
	want := strings.Join([]string{
		w.raw("it", "group.meeting_new", map[string]any{"Group": "Mamme in cerchio"}),
		w.raw("it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", when)}),
		w.raw("it", "appointment.card_where", map[string]any{"Place": "Via Roma 1"}),
		w.raw("it", "group.ask_come", nil),
	}, "\n")
	if it.Text != want {
		t.Errorf("Fatima's meeting reads %q, want %q", it.Text, want)
	}
	raw := it.Text
	for _, row := range it.Buttons {
		for _, b := range row {
			raw += b.Text
		}
	}
	if strings.Contains(raw, rlm) {
		t.Errorf("an Italian message carries a direction mark: %q", raw)
	}

	// An edit in Arabic is marked too: her answer, on the same message.
	w.press(amina, w.label("ar", "group.come"))
	edited := w.last(amina)
	if !edited.Edited || !strings.HasPrefix(edited.Text, rlm) || strings.Count(edited.Text, "\n"+rlm) != strings.Count(edited.Text, "\n") {
		t.Errorf("Amina's answered meeting reads %q", edited.Text)
	}
}

// Staff cancel a meeting: every message a mother has about it (the news,
// the card /group showed, the reminder) loses "I'll come" and "I can't
// come", and says it is cancelled; a button pressed anyway changes nothing
// and says so in a toast, not in a new message.
func TestCancellingAMeetingTakesItsButtonsAway(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna, fatima, amina := circle(w)
		w.say(amina, "/group")
		w.advance(w.rome(2026, 11, 24, 17, 0), "group:1")
		for _, m := range []telegramtest.User{fatima, amina} {
			w.waitCount(m, w.text(m.LanguageCode, "group.reminder_title", map[string]any{"Group": "Mamme in cerchio"}), 1)
		}
		kept := map[int64][]telegramtest.Message{}
		for _, m := range []telegramtest.User{fatima, amina} {
			for _, msg := range w.tg.Messages(m.ID) {
				if len(msg.Buttons) > 0 && strings.Contains(strings.Join(msg.Labels(), "|"), w.label(m.LanguageCode, "group.come")) {
					kept[m.ID] = append(kept[m.ID], msg)
				}
			}
		}
		if len(kept[fatima.ID]) != 2 || len(kept[amina.ID]) != 3 {
			t.Fatalf("messages with the answer buttons: Fatima %d, Amina %d; want 2 and 3", len(kept[fatima.ID]), len(kept[amina.ID]))
		}

		w.say(anna, "/groups")
		w.press(anna, "Mamme in cerchio")
		w.press(anna, w.label("it", "group.cancel"))
		w.press(anna, w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0)))
		w.press(anna, w.label("it", "group.cancel_yes"))
		w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "group.cancelled", nil)

		for _, m := range []telegramtest.User{fatima, amina} {
			l := m.LanguageCode
			// Told once, as before; and each old message now says it too.
			notice := w.text(l, "group.meeting_cancelled_for_you", map[string]any{"Group": "Mamme in cerchio"})
			w.waitCount(m, notice, 1)
			if n := w.count(m, notice); n != 1 {
				t.Errorf("%s was told %d times", m.FirstName, n)
			}
			cancelled := w.text(l, "group.meeting_cancelled", nil)
			now := map[int]telegramtest.Message{}
			for _, msg := range w.tg.Messages(m.ID) {
				now[msg.ID] = msg
			}
			for _, old := range kept[m.ID] {
				got := now[old.ID]
				if len(got.Buttons) != 0 || !strings.Contains(telegramtest.Visible(got.Plain()), cancelled) {
					t.Errorf("%s's message %d after the cancellation: %q %q", m.FirstName, old.ID, got.Plain(), got.Labels())
				}
			}

			// An old button, pressed on a phone that had not caught up.
			before := w.snapshot()
			msgs, toast := w.pressKept(m, kept[m.ID][0], w.label(l, "group.not_come"))
			want := w.text(l, "group.meeting_cancelled", nil)
			if len(msgs) != 0 || telegramtest.Visible(toast) != want {
				t.Errorf("%s pressed an old button: %d messages, toast %q; want none and %q", m.FirstName, len(msgs), toast, want)
			}
			if strings.HasPrefix(toast, "\u200f") != (l == "ar") {
				t.Errorf("%s's toast %q", l, toast)
			}
			w.sameRedis(before)
		}
	})
}

// raw renders message id in lang as Nido sends it: HTML, not a mark added.
func (w *world) raw(lang, id string, data map[string]any) string {
	w.t.Helper()
	s, err := w.cat.Text(lang, id, data, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}
