package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// The questions of a new appointment, answered the way people really do:
// a time before the day, a photo instead of an address.

func TestTimeOfferedAtTheDayQuestionIsTaken(t *testing.T) {
	w := newWorld(t) // Monday 23 November 2026, 09:00
	_, fatima := aurora(w)
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_social"))

	// "alle 3" at the day question: night or afternoon? Both are offered.
	msgs := w.say(fatima, "alle 3")
	w.wantSaid(msgs, "it", "appointment.which_one", nil)
	if labels := msgs[len(msgs)-1].Labels(); !slices.Equal(labels, []string{"03:00", "15:00"}) {
		t.Fatalf("choices %q", labels)
	}
	// The one she presses is taken, and the day asked next.
	w.wantSaid(w.press(fatima, "15:00"), "it", "appointment.ask_day", nil)
	w.wantSaid(w.press(fatima, "giovedì 26/11"), "it", "appointment.ask_place", nil)
	w.press(fatima, w.label("it", "appointment.skip"))
	msgs = w.press(fatima, w.label("it", "appointment.skip"))
	w.wantSaid(msgs, "it", "appointment.card_when", map[string]any{"When": w.cat.DateTime("it", w.rome(2026, 11, 26, 15, 0))})
}

func TestPhotoOrVoiceNoteGetsTheQuestionAgain(t *testing.T) {
	w := newWorld(t)
	_, fatima := aurora(w)
	w.say(fatima, "/appointment")
	w.press(fatima, w.label("it", "appointment.kind_paediatrician"))
	w.press(fatima, "mercoledì 25/11")
	w.wantSaid(w.press(fatima, "09:30"), "it", "appointment.ask_place", nil)

	photo := &models.Message{Photo: []models.PhotoSize{{FileID: "p1", FileUniqueID: "p1", Width: 640, Height: 480}}}
	voice := &models.Message{Voice: &models.Voice{FileID: "v1", FileUniqueID: "v1", Duration: 4}}
	tooLong := strings.SplitN(w.text("it", "appointment.too_long", map[string]any{"Max": 200}), "200", 2)[0]
	for _, step := range []struct {
		what     *models.Message
		question string
		answer   string
		next     string
	}{
		{photo, "appointment.ask_place", "Via Roma 1", "appointment.ask_note"},
		{voice, "appointment.ask_note", "Portare il libretto", "appointment.created"},
	} {
		msgs := w.send(fatima, step.what)
		w.wantSaid(msgs, "it", step.question, nil)
		for _, m := range msgs {
			if strings.Contains(m.Plain(), tooLong) {
				t.Errorf("told %q", m.Plain())
			}
		}
		w.wantSaid(w.say(fatima, step.answer), "it", step.next, nil)
	}
}
