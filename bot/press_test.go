package bot

import (
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A flow's toast answers the press, in the person's language, and leaves
// nothing in the chat; the spinner of every other press stops before the
// reply comes.
func TestAToastAnswersThePressAndSaysNothing(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	run(t, b, newEcho(b.Sender()))
	amina := telegramtest.User{ID: 103, FirstName: "Amina", LanguageCode: "ar"}
	e.fake.SendText(amina, "hi")
	e.waitCount(amina.ID, 1)
	_, err := b.Sender().Send(t.Context(), flows.Message{ChatID: amina.ID, Lang: "ar", Lines: []flows.T{{Plain: "?"}},
		Buttons: [][]flows.Button{{{Label: flows.T{Plain: "again"}, Data: "toast:تم"}}, {{Label: flows.T{Plain: "reply"}, Data: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	events, stop := e.fake.Subscribe()
	defer stop()

	e.fake.MustPress(t, amina, "again")
	answer := nextEvent(t, events, telegramtest.EventCallbackAnswer)
	if want := rlm + "تم"; answer.Answer.Text != want {
		t.Errorf("toast %q, want %q", answer.Answer.Text, want)
	}
	e.fake.MustPress(t, amina, "reply")
	answer = nextEvent(t, events, telegramtest.EventCallbackAnswer)
	if answer.Answer.Text != "" {
		t.Errorf("a press with a reply got the toast %q", answer.Answer.Text)
	}
	sent := nextEvent(t, events, telegramtest.EventSent)
	if sent.Message.Plain() != "pressed x" {
		t.Errorf("after the answer came %q, want the reply", sent.Message.Plain())
	}
	// The toast said nothing in the chat: the reply is the only new message.
	if msgs := e.fake.Messages(amina.ID); len(msgs) != 3 {
		t.Errorf("%d messages in the chat, want the echo, the question and the reply", len(msgs))
	}
	if n := e.fake.UnansweredCallbacks(); n != 0 {
		t.Errorf("%d presses left unanswered", n)
	}
}

// nextEvent skips events until one of kind, and fails after a while.
func nextEvent(t *testing.T, events <-chan telegramtest.Event, kind telegramtest.EventKind) telegramtest.Event {
	t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case e := <-events:
			if e.Kind == kind {
				return e
			}
			if e.Kind == telegramtest.EventSent || e.Kind == telegramtest.EventCallbackAnswer {
				t.Fatalf("%s came before the %s awaited: %q", e.Kind, kind, strings.TrimSpace(e.Message.Plain()))
			}
		case <-timeout:
			t.Fatalf("no %s", kind)
		}
	}
}
