package e2e

import (
	"testing"

	"nido/bot/telegramtest"
	"nido/locales"
)

// A second tap on a button whose action is done is answered with a toast
// over the chat, and no new message: the welcome stays the last thing she
// reads.
func TestASecondTapOnIAgreeIsAnsweredWithAToast(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	for _, u := range []telegramtest.User{person(3001, "Fatima", "it"), person(3002, "Amina", "ar")} {
		lang := u.LanguageCode
		code := w.invite(anna, "mother", u.FirstName)
		w.say(u, "/start "+code)
		l, _ := locales.Find(lang)
		w.press(u, l.Native)
		msgs, toast := w.tapAgain(u, w.label(lang, "signup.accept"))
		w.wantToast(msgs, toast, lang, "signup.already_joined")
		w.wantSaid([]telegramtest.Message{w.last(u)}, lang, "signup.welcome_mother", nil)
	}
}

// A language chosen twice, and "Yes, delete everything" pressed twice: the
// second press says it is done in a toast.
func TestOtherSecondTapsAreAnsweredWithAToast(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	fatima, amina := person(3001, "Fatima", "it"), person(3002, "Amina", "ar")
	w.signUp(anna, "mother", fatima, "it")
	w.signUp(anna, "mother", amina, "ar")

	w.say(fatima, "/lang")
	msgs, toast := w.tapAgain(fatima, "العربية")
	w.wantToast(msgs, toast, "ar", "lang.changed")
	w.say(amina, "/lang")
	msgs, toast = w.tapAgain(amina, "Italiano")
	w.wantToast(msgs, toast, "it", "lang.changed")

	// Erased, she is a stranger, answered in her phone's language.
	w.say(amina, "/delete")
	msgs, toast = w.tapAgain(amina, w.label("it", "delete.yes"))
	w.wantToast(msgs, toast, "ar", "privacy.no_data")
	w.wantSaid([]telegramtest.Message{w.last(amina)}, "it", "delete.done", nil)
}

// wantToast fails unless Nido said nothing new (msgs) and answered the
// press with message id in lang as its toast, marked right to left in Arabic.
func (w *world) wantToast(msgs []telegramtest.Message, toast, lang, id string) {
	w.t.Helper()
	if len(msgs) != 0 {
		w.t.Errorf("a second tap got %d new messages: %q", len(msgs), msgs[0].Plain())
	}
	want := w.text(lang, id, nil)
	if lang == "ar" {
		want = "\u200f" + want
	}
	if toast != want {
		w.t.Errorf("toast %q, want %q (%s %s)", toast, want, lang, id)
	}
}
