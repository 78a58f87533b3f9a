package flows

import (
	"time"

	"nido/locales"
)

// Sign-up: a person invited by their social worker (or an admin, for staff)
// joins the network. It ends with a welcome and the main menu, or with a
// refusal that stores nothing.
//
//  1. /start <code>        the code is checked (unknown, used, expired: a kind word)
//  2. language buttons     native names; the choice is kept only in the conversation
//  3. consent              what is stored, who sees it, how to erase it: accept or decline
//  4. accept               the invite is used, the person is saved, the inviter is told
//     decline             the conversation is forgotten; the code still works
//
// An administrator (NIDO_ADMIN_IDS) needs no invite: /start makes their record.
func signupRoutes() []Route {
	return []Route{
		{Command: "/start", Run: start},
		{Verb: verbLang, Run: chooseLang},
		{Verb: verbConsent, Run: consent},
		{Step: "signup", Run: signupText},
	}
}

// The button verbs of this flow; each starts a button's data.
const (
	verbLang    = "lang"    // a language
	verbConsent = "consent" // consent: yes or no
)

// signupTTL is how long a started sign-up waits for its consent.
const signupTTL = 24 * time.Hour

// start answers /start, with or without an invite code.
func start(s *Session, arg string) error {
	e := s.e
	if s.known {
		return showMenu(s, "signup.welcome_back")
	}
	if e.isAdmin(s.in.UserID) {
		return startAdmin(s)
	}
	code := normalizeCode(arg)
	if arg == "" {
		return s.reply(T{ID: "signup.need_invite"})
	}
	over, err := e.tooManyTries(s.ctx, s.in.UserID)
	if err != nil || over {
		if err == nil {
			err = s.reply(T{ID: "signup.too_many_tries"})
		}
		return err
	}
	_, state, err := e.checkInvite(s.ctx, code, s.now)
	if err != nil {
		return err
	}
	if state != inviteOK {
		if state == inviteUnknown {
			if _, err := e.countCodeTry(s.ctx, s.in.UserID); err != nil {
				return err
			}
		}
		return s.reply(T{ID: "signup.code_" + state})
	}
	// A day to read the consent text, perhaps with someone who translates it.
	s.conv = conv{Step: "signup", Lang: s.lang, Data: map[string]string{"code": code}, TTL: signupTTL}
	if err := s.saveConv(); err != nil {
		return err
	}
	return s.send(langPicker("signup.choose_language"))
}

func startAdmin(s *Session) error {
	per := Person{ID: s.in.UserID, Role: RoleAdmin, Lang: s.lang, Name: s.in.FirstName, Consent: s.now, Joined: s.now}
	if err := s.e.people.Save(s.ctx, per); err != nil {
		return err
	}
	s.person, s.known = per, true
	if err := s.e.setCommands(s.ctx, per); err != nil {
		return err
	}
	return showMenu(s, "signup.welcome_admin")
}

// langPicker is the row of language buttons, each in its own language.
func langPicker(question string) Message {
	var rows [][]Button
	for _, l := range locales.Supported() {
		rows = append(rows, []Button{{Label: T{Plain: l.Native}, Data: verbLang + ":" + l.Code}})
	}
	return Message{Lines: []T{{ID: question}}, Buttons: rows}
}

// chooseLang sets the language: during sign-up it leads to consent; for a
// member it is /lang's answer.
func chooseLang(s *Session, code string) error {
	if !locales.IsSupported(code) {
		return s.reply(T{ID: "common.button_invalid"})
	}
	if s.known && code == s.person.Lang {
		// Chosen twice: it is done already.
		return s.toast(T{ID: "lang.changed"})
	}
	s.lang = code
	if s.known {
		if err := s.e.people.SetField(s.ctx, s.person.ID, "lang", code); err != nil {
			return err
		}
		s.person.Lang = code
		if err := s.e.setCommands(s.ctx, s.person); err != nil {
			return err
		}
		return showMenu(s, "lang.changed")
	}
	if s.conv.Data["code"] == "" {
		return s.reply(T{ID: "signup.need_invite"})
	}
	s.conv.Lang = code
	if err := s.saveConv(); err != nil {
		return err
	}
	return s.edit(Message{
		Lines: []T{{ID: "signup.consent"}},
		Buttons: [][]Button{
			{{Label: T{ID: "signup.accept"}, Data: verbConsent + ":yes"}},
			{{Label: T{ID: "signup.decline"}, Data: verbConsent + ":no"}},
		},
	})
}

// consent is the answer to the consent text.
func consent(s *Session, answer string) error {
	code := s.conv.Data["code"]
	switch {
	case s.known && s.conv.Step == "signup" && code != "" && s.person.Invite == code:
		// Her joining was cut short after she was saved (the process
		// stopped): this press is handled again, and finishes her welcome.
		// The Telegram layer does not send again what went out before.
		return welcome(s, s.person)
	case s.known:
		// A second tap on "I agree": she joined with the first.
		return s.toast(T{ID: "signup.already_joined"})
	case answer != "yes" && answer != "no":
		return s.reply(T{ID: "common.button_invalid"})
	case code == "":
		// The sign-up was left for more than a day.
		return s.reply(T{ID: "signup.start_again"})
	case answer == "no":
		if err := s.endConv(); err != nil {
			return err
		}
		return s.edit(Message{Lines: []T{{ID: "signup.declined"}}})
	}
	e := s.e
	inv, state, err := e.redeemInvite(s.ctx, code, s.in.UserID, s.now)
	if err != nil {
		return err
	}
	if state != inviteOK {
		if err := s.endConv(); err != nil {
			return err
		}
		return s.reply(T{ID: "signup.code_" + state})
	}
	name := inv.Label
	if name == "" {
		name = cleanName(s.in.FirstName)
	}
	per := Person{
		ID: s.in.UserID, Role: inv.Role, OrgID: inv.OrgID, Lang: s.lang, Name: name,
		InvitedBy: inv.By, Invite: code, Consent: s.now, Joined: s.now,
	}
	// Saved before the invite is spent: a crash in between leaves an invite
	// this person can still redeem, never a spent invite and no person.
	if err := e.people.Save(s.ctx, per); err != nil {
		return err
	}
	s.person, s.known = per, true
	return welcome(s, per)
}

// welcome ends the sign-up of per, saved: her invite is spent, she is
// thanked, her inviter told and her menu shown. The conversation ends last,
// so that a welcome cut short is finished when her press is handled again.
func welcome(s *Session, per Person) error {
	e := s.e
	if err := e.spendInvite(s.ctx, per.Invite); err != nil {
		return err
	}
	e.log.Info("person joined", "user_id", per.ID, "role", per.Role, "org", per.OrgID)
	if err := s.edit(Message{Lines: []T{{ID: "signup.accepted"}}}); err != nil {
		return err
	}
	// She has joined: what follows is a courtesy, and its failure must not
	// tell her that joining failed.
	if err := e.setCommands(s.ctx, per); err != nil {
		e.log.Warn("set commands after joining", "user_id", per.ID, "error", err)
	}
	if inviter, ok, err := e.people.Get(s.ctx, per.InvitedBy); err == nil && ok {
		if err := e.tell(s.ctx, inviter, T{ID: "invite.joined", Data: map[string]any{
			"Name": per.Name, "Role": T{ID: "role." + per.Role},
		}}); err != nil {
			e.log.Warn("tell inviter", "user_id", inviter.ID, "error", err)
		}
	}
	if err := showMenu(s, "signup.welcome_"+per.Role); err != nil {
		return err
	}
	return s.endConv()
}

// signupText answers what a person types while signing up: the buttons are the way.
func signupText(s *Session, _ string) error {
	return s.reply(T{ID: "signup.use_buttons"})
}
