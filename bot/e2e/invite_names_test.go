package e2e

import (
	"context"
	"strings"
	"testing"

	"nido/bot/telegramtest"
)

// An invite made without a name says, once, whom it is for: "Invite for a
// mother", not "Invite for mother (mother)".
func TestAnInviteWithoutANameSaysWhomItIsFor(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	nadia := person(2002, "Nadia", "ar")
	w.signUp(anna, "staff", nadia, "ar")

	for _, c := range []struct {
		staff telegramtest.User
		lang  string
		role  string
	}{{anna, "it", "mother"}, {anna, "it", "family"}, {nadia, "ar", "mother"}, {nadia, "ar", "staff"}} {
		w.say(c.staff, "/invite "+c.role)
		msgs := w.press(c.staff, w.label(c.lang, "invite.skip_name"))
		w.wantSaid(msgs, c.lang, "invite.created_"+c.role, nil)
		codeIn(t, msgs)
		if role := w.text(c.lang, "role."+c.role, nil); strings.Contains(msgs[0].Plain(), "("+role+")") {
			t.Errorf("%s %s: the role is said twice: %q", c.lang, c.role, msgs[0].Plain())
		}
	}
	// With a name, the name and the role.
	msgs := w.say(anna, "/invite mother Amina")
	w.wantSaid(msgs, "it", "invite.created", map[string]any{"Who": "Amina", "Role": w.text("it", "role.mother", nil)})
}

// A name typed after /invite is cleaned and bounded as the answer to the
// name question is: line breaks and runs of spaces become one space, and a
// name too long is asked again, with nothing kept.
func TestANameIsCleanedAndBoundedTypedOrOnTheCommandLine(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	nadia := person(2002, "Nadia", "ar")
	w.signUp(anna, "staff", nadia, "ar")
	long := strings.Repeat("Maria ", 51) // 306 characters

	for _, c := range []struct {
		staff telegramtest.User
		lang  string
	}{{anna, "it"}, {nadia, "ar"}} {
		// Too long after the command: asked again, no invite made.
		invites := len(w.keys("nido:invite:*"))
		msgs := w.say(c.staff, "/invite mother "+long)
		w.wantSaid(msgs, c.lang, "invite.name_invalid", map[string]any{"Max": 40})
		if n := len(w.keys("nido:invite:*")); n != invites {
			t.Fatalf("%s: a name of 306 characters made an invite (%d invites, were %d)", c.lang, n, invites)
		}
		// The question waits: a shorter name, typed on two lines, makes the invite.
		w.wantInviteFor(w.say(c.staff, "Anna\nRossi"), "Anna Rossi")

		// The same at the question: too long, asked again; then cleaned.
		w.say(c.staff, "/invite mother")
		invites = len(w.keys("nido:invite:*"))
		w.wantSaid(w.say(c.staff, long), c.lang, "invite.name_invalid", map[string]any{"Max": 40})
		if n := len(w.keys("nido:invite:*")); n != invites {
			t.Fatalf("%s: a name of 306 characters made an invite at the question", c.lang)
		}
		w.wantInviteFor(w.say(c.staff, "  Anna \t\n  Rossi  "), "Anna Rossi")

		// On the command line, a line break inside the name is a space too.
		w.wantInviteFor(w.say(c.staff, "/invite mother Anna\nRossi"), "Anna Rossi")
		// Forty characters are a name; forty-one are not.
		w.wantInviteFor(w.say(c.staff, "/invite mother "+strings.Repeat("b", 40)), strings.Repeat("b", 40))
		w.wantSaid(w.say(c.staff, "/invite mother "+strings.Repeat("b", 41)), c.lang, "invite.name_invalid", map[string]any{"Max": 40})
	}
}

// wantInviteFor fails unless msgs show a new invite, and Redis keeps it,
// for the person named name.
func (w *world) wantInviteFor(msgs []telegramtest.Message, name string) {
	w.t.Helper()
	code := codeIn(w.t, msgs)
	if !strings.Contains(msgs[0].Plain(), name) {
		w.t.Errorf("the invite does not read %q: %q", name, msgs[0].Plain())
	}
	if got := w.rdb.HGet(context.Background(), "nido:invite:"+code, "label").Val(); got != name {
		w.t.Errorf("the invite keeps the name %q, want %q", got, name)
	}
}
