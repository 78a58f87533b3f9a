package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"nido/bot/telegramtest"
	"nido/flows"
)

func TestNetworkSignsUpInTheirLanguages(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna := person(2001, "Anna", "it")
		org := w.openOrg("Casa Aurora", anna, "it")

		// The admin hears that the staff member joined.
		w.wantSaid([]telegramtest.Message{w.last(w.admin)}, "it", "invite.joined",
			map[string]any{"Name": "Anna", "Role": w.text("it", "role.staff", nil)})

		amina := person(3001, "Amina", "ar")
		w.signUp(org.staff, "mother", amina, "ar")
		marco := person(4001, "Marco", "en")
		w.signUp(org.staff, "family", marco, "ro")
		olena := person(3002, "Olena", "uk")
		w.signUp(org.staff, "mamma", olena, "uk")

		// Each reads Nido in the language they chose, not the one of their phone.
		w.wantSaid(w.say(amina, "/menu"), "ar", "menu.title", nil)
		w.wantSaid(w.say(marco, "/help"), "ro", "help.family", nil)
		w.wantSaid(w.say(olena, "/mydata"), "uk", "mydata.title", nil)

		// Staff see the people of their organisation.
		msgs := w.say(anna, "/people")
		for _, name := range []string{"Amina", "Marco", "Olena", "Anna"} {
			if !strings.Contains(msgs[0].Plain(), name) {
				t.Errorf("people list lacks %s: %q", name, msgs[0].Plain())
			}
		}
		if want := w.era("lunedì 23 novembre 2026"); !strings.Contains(msgs[0].Plain(), want) {
			t.Errorf("people list does not say since when, %q: %q", want, msgs[0].Plain())
		}

		// Commands are set per person, in their language and for their role.
		var found bool
		for _, set := range w.tg.Commands() {
			if set.Scope.ChatID == amina.ID {
				found = true
				names := commandNames(set.Commands)
				if strings.Contains(names, "invite") || !strings.Contains(names, "mydata") {
					t.Errorf("a mother's commands: %s", names)
				}
			}
		}
		if !found {
			t.Error("no command list was set for the mother's chat")
		}

		// The record holds what the consent text says, and nothing more.
		h := w.rdb.HGetAll(context.Background(), "nido:person:3001").Val()
		if h["role"] != "mother" || h["lang"] != "ar" || h["name"] != "Amina" || h["org"] == "" {
			t.Errorf("mother's record: %v", h)
		}
	})
}

func TestInviteCodesThatDoNotWork(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna := person(2001, "Anna", "it")
		w.openOrg("Casa Aurora", anna, "it")

		t.Run("unknown", func(t *testing.T) {
			u := person(5001, "Sara", "en")
			before := w.snapshot()
			w.wantSaid(w.say(u, "/start ZZZZ2345"), "en", "signup.code_unknown", nil)
			if len(w.keys("nido:person:5001")) != 0 {
				t.Error("a stranger with a wrong code was stored")
			}
			delete(before, "nido:invite-fails:5001")
			after := w.snapshot()
			delete(after, "nido:invite-fails:5001")
			if len(after) != len(before) {
				t.Errorf("wrong code changed Redis: %d keys before, %d after", len(before), len(after))
			}
		})

		t.Run("used", func(t *testing.T) {
			code := w.invite(anna, "mother", "Fatou")
			w.join(person(5002, "Fatou", "fr"), code, "fr")
			w.wantSaid(w.say(person(5003, "Other", "fr"), "/start "+code), "fr", "signup.code_used", nil)
		})

		t.Run("expired", func(t *testing.T) {
			code := w.invite(anna, "mother", "Late")
			w.clock.Advance(8 * 24 * time.Hour)
			w.wantSaid(w.say(person(5004, "Late", "es"), "/start "+code), "es", "signup.code_expired", nil)
		})

		t.Run("expired between language and consent", func(t *testing.T) {
			code := w.invite(anna, "mother", "Slow")
			u := person(5005, "Slow", "it")
			// She opens the invite an hour before it expires and accepts two
			// hours later: within a sign-up's day, past the invite's week.
			w.clock.Advance(7*24*time.Hour - time.Hour)
			w.say(u, "/start "+code)
			w.press(u, "Italiano")
			w.clock.Advance(2 * time.Hour)
			w.wantSaid(w.press(u, w.label("it", "signup.accept")), "it", "signup.code_expired", nil)
			if len(w.keys("nido:person:5005")) != 0 {
				t.Error("joined with an expired code")
			}
		})

		t.Run("dictated in lower case with a space", func(t *testing.T) {
			code := w.invite(anna, "family", "Rossi")
			u := person(5006, "Rossi", "it")
			msgs := w.say(u, "/start "+strings.ToLower(code[:4])+" "+code[4:])
			w.wantSaid(msgs, "it", "signup.choose_language", nil)
		})

		t.Run("too many wrong codes", func(t *testing.T) {
			u := person(5007, "Guess", "en")
			for i := 0; i < 6; i++ {
				w.say(u, "/start WRONG"+strconv.Itoa(100+i))
			}
			good := w.invite(anna, "mother", "Guess")
			w.wantSaid(w.say(u, "/start "+good), "en", "signup.too_many_tries", nil)
		})

		t.Run("no code", func(t *testing.T) {
			before := w.snapshot()
			w.wantSaid(w.say(person(5008, "Nobody", "ro"), "/start"), "ro", "signup.need_invite", nil)
			w.sameRedis(before)
		})
	})
}

func TestDecliningConsentStoresNothing(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna := person(2001, "Anna", "it")
		w.openOrg("Casa Aurora", anna, "it")
		code := w.invite(anna, "mother", "Maria")
		before := w.snapshot()

		u := person(6001, "Maria", "it")
		w.say(u, "/start "+code)
		w.press(u, "Español")
		w.press(u, w.label("es", "signup.decline"))
		w.wantSaid([]telegramtest.Message{w.last(u)}, "es", "signup.declined", nil)
		w.sameRedis(before)

		// The code still works when she changes her mind.
		w.join(u, code, "es")
	})
}

func TestRolesAndOrganisationsAreKeptApart(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	bruno := person(2002, "Bruno", "it")
	w.openOrg("Cooperativa Sole", bruno, "it")
	amina := person(3001, "Amina", "en")
	w.signUp(anna, "mother", amina, "en")

	before := w.snapshot()
	// A mother cannot use staff commands.
	w.wantSaid(w.say(amina, "/invite mother"), "en", "common.not_allowed", nil)
	w.wantSaid(w.say(amina, "/people"), "en", "common.not_allowed", nil)
	w.wantSaid(w.say(amina, "/org new Mine"), "en", "common.not_allowed", nil)
	// Staff of another organisation do not see her.
	if msgs := w.say(bruno, "/people"); strings.Contains(msgs[0].Plain(), "Amina") {
		t.Errorf("staff of another organisation see Amina: %q", msgs[0].Plain())
	}
	// Nor can they invite into another organisation with a button of the admin's.
	w.wantSaid(w.pressSigned(bruno, "inv:staff:1"), "it", "common.button_invalid", nil)
	w.wantSaid(w.pressData(bruno, "inv:staff:1"), "it", "common.button_invalid", nil)
	w.sameRedis(before)
}

func TestDeleteThenMyData(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	amina := person(3001, "Amina", "en")
	w.signUp(anna, "mother", amina, "en")

	w.wantSaid(w.say(amina, "/mydata"), "en", "mydata.name", map[string]any{"Name": "Amina"})
	w.say(amina, "/delete")
	w.press(amina, w.label("en", "delete.no"))
	w.wantSaid(w.say(amina, "/mydata"), "en", "mydata.name", map[string]any{"Name": "Amina"})

	w.say(amina, "/delete")
	w.press(amina, w.label("en", "delete.yes"))
	w.wantSaid([]telegramtest.Message{w.last(amina)}, "en", "delete.done", nil)
	w.wantSaid([]telegramtest.Message{w.last(anna)}, "it", "delete.staff_notice",
		map[string]any{"Name": "Amina", "Role": w.text("it", "role.mother", nil)})

	// Nothing of hers is left: no key named after her, no value holding her name or id.
	for k, v := range w.snapshot() {
		if strings.Contains(k, "3001") || strings.Contains(v, "Amina") || strings.Contains(v, "3001") {
			t.Errorf("key %s still holds something of hers after erasure", k)
		}
	}
	if n := w.rdb.ZCard(context.Background(), "nido:org:1:members:mother").Val(); n != 0 {
		t.Errorf("%d mothers left in the organisation", n)
	}
	w.wantSaid(w.say(amina, "/mydata"), "en", "privacy.no_data", nil)
}

func TestBadInputChangesNothing(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	amina := person(3001, "Amina", "fr")
	w.signUp(anna, "mother", amina, "fr")

	before := w.snapshot()
	t.Run("a 5,000-character message", func(t *testing.T) {
		w.wantSaid(w.say(amina, strings.Repeat("a", 5000)), "fr", "common.too_long", map[string]any{"Max": 4096})
	})
	t.Run("a forged button", func(t *testing.T) {
		w.wantSaid(w.pressData(amina, "del:yes"), "fr", "common.button_invalid", nil)
		if len(w.keys("nido:person:3001")) != 1 {
			t.Fatal("a forged button erased the person")
		}
	})
	t.Run("an unknown command", func(t *testing.T) {
		w.wantSaid(w.say(amina, "/frobnicate"), "fr", "common.unknown_command", nil)
	})
	t.Run("HTML in a name is shown as typed", func(t *testing.T) {
		msgs := w.say(anna, "/invite mother <b>Zoe</b> & co")
		if !strings.Contains(msgs[0].Plain(), "<b>Zoe</b> & co") {
			t.Errorf("typed name not shown literally: %q", msgs[0].Plain())
		}
		before = w.snapshot() // the invite is a legitimate change
	})
	w.sameRedis(before)
}

func TestDuplicatedUpdateIsHandledOnce(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")

	before := len(w.tg.Messages(anna.ID))
	upd := models.Update{ID: 9_000_001, Message: &models.Message{
		ID: 777, Date: int(time.Now().Unix()), Text: "/invite family Bianchi",
		From:     &models.User{ID: anna.ID, FirstName: "Anna"},
		Chat:     models.Chat{ID: anna.ID, Type: models.ChatTypePrivate},
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 7}},
	}}
	w.tg.Deliver(upd, upd)
	w.handled.wait(t, upd.ID)
	// A later update is handled after the duplicate would have been.
	w.handled.wait(t, w.tg.SendText(anna, "/help"))
	var invites int
	for _, m := range w.tg.Messages(anna.ID)[before:] {
		if strings.Contains(m.Plain(), "start=") {
			invites++
		}
	}
	if invites != 1 {
		t.Errorf("the duplicated /invite made %d invites", invites)
	}
	if n := len(w.keys("nido:invite:*")); n != 2 {
		t.Errorf("%d invites in Redis, want 2 (the staff's own and one)", n)
	}
}

func TestStaffWhoLeaveTakeTheirInvitesWithThem(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	code := w.invite(anna, "mother", "Amina")
	w.say(anna, "/delete")
	w.press(anna, w.label("it", "delete.yes"))
	w.wantSaid(w.say(person(3001, "Amina", "en"), "/start "+code), "en", "signup.code_unknown", nil)
}

func TestAnAdminRemovedFromTheListHasNoRightsLeft(t *testing.T) {
	w := newWorld(t)
	w.openOrg("Casa Aurora", person(2001, "Anna", "it"), "it")
	// Someone who was an administrator before NIDO_ADMIN_IDS changed.
	former := person(1001, "Piero", "it")
	w.say(former, "/start")
	err := w.engine.People().Save(context.Background(), flows.Person{ID: former.ID, Role: flows.RoleAdmin, Lang: "it",
		Name: "Piero", Joined: w.clock.Now(), Consent: w.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	before := w.snapshot()
	w.wantSaid(w.say(former, "/org new Mia"), "it", "common.not_allowed", nil)
	w.wantSaid(w.say(former, "/invite staff"), "it", "common.not_allowed", nil)
	w.wantSaid(w.pressSigned(former, "inv:staff:1"), "it", "common.not_allowed", nil)
	w.sameRedis(before)
	// Their own record is still theirs to see and erase.
	w.wantSaid(w.say(former, "/mydata"), "it", "mydata.name", map[string]any{"Name": "Piero"})
}

func TestSignUpWaitsADayForConsentAndSurvivesAPrivacyQuestion(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna := person(2001, "Anna", "it")
		w.openOrg("Casa Aurora", anna, "it")
		code := w.invite(anna, "mother", "Amina")
		u := person(3001, "Amina", "ar")
		w.say(u, "/start "+code)
		w.press(u, "العربية")
		// She reads the privacy text and types a question before deciding.
		w.wantSaid(w.say(u, "/privacy"), "ar", "privacy.text", nil)
		w.wantSaid(w.say(u, "what is this?"), "ar", "signup.use_buttons", nil)
		w.clock.Advance(5 * time.Hour)
		w.press(u, w.label("ar", "signup.accept"))
		w.wantSaid(w.tg.Messages(u.ID), "ar", "signup.accepted", nil)
		if v := w.rdb.HGet(context.Background(), "nido:invite:"+code, "label").Val(); v != "" {
			t.Errorf("the used invite still holds the name %q", v)
		}
	})
}

// A sign-up left for more than a day by Nido's clock is started again, even
// though Redis, which keeps real time, still holds it.
func TestASignUpLeftForMoreThanADayStartsAgain(t *testing.T) {
	inEveryEra(t, func(t *testing.T, era func(*options)) {
		w := newWorld(t, era)
		anna := person(2001, "Anna", "it")
		w.openOrg("Casa Aurora", anna, "it")
		code := w.invite(anna, "mother", "Amina")
		u := person(3001, "Amina", "it")
		w.say(u, "/start "+code)
		w.press(u, "Italiano")
		w.clock.Advance(25 * time.Hour)
		w.wantSaid(w.press(u, w.label("it", "signup.accept")), "it", "signup.start_again", nil)
		if len(w.keys("nido:person:3001")) != 0 {
			t.Error("joined on a sign-up abandoned a day ago")
		}
		// The invite still holds: opening it again signs her up.
		w.join(u, code, "it")
		w.wantSaid(w.tg.Messages(u.ID), "it", "signup.accepted", nil)
	})
}

// The invite says "or dictate the code": a code typed alone, in small
// letters, with a space or a dash inside, starts the sign-up as /start
// with it does, and again after she first declined; a word that is not a
// code still gets the word about invites.
func TestACodeTypedAloneStartsTheSignUp(t *testing.T) {
	w := newWorld(t)
	anna := person(2001, "Anna", "it")
	w.openOrg("Casa Aurora", anna, "it")
	code := w.invite(anna, "mother", "Maria")
	u := person(6001, "Maria", "it")
	w.wantSaid(w.say(u, "famiglia"), "it", "signup.need_invite", nil)
	typed := strings.ToLower(code[:4]) + " " + code[4:]
	w.wantSaid(w.say(u, typed), "it", "signup.choose_language", nil)
	w.press(u, "Italiano")
	w.press(u, w.label("it", "signup.decline"))
	w.wantSaid(w.say(u, code[:4]+"-"+code[4:]), "it", "signup.choose_language", nil)
	w.press(u, "Italiano")
	w.press(u, w.label("it", "signup.accept"))
	w.wantSaid(w.tg.Messages(u.ID), "it", "signup.accepted", nil)
}
