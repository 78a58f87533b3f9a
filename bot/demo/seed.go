package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"nido/flows"
)

// The demo's network, made through the front door: the seed plays each
// person on the fake Telegram and waits for Nido's answer before the next
// step, so that the real flows create everything, as they would for people.
//
//  1. Giulia, the administrator, starts Nido and creates Casa Aurora
//  2. she invites Chiara and Marco, its social workers, who sign up
//  3. Chiara invites Amina, Olena and the Bianchi family; Marco invites Maria
//     and the Martin family; each signs up in their own language
//  4. appointments: Chiara makes Amina's and Olena's; Maria saves her job
//     interview, four days ahead
//  5. Chiara makes a mutual-aid group of Amina and Olena and plans its first
//     meeting
//  6. Chiara announces a CV workshop to every mother (/broadcast), and Amina
//     says she comes (in the quiet hours it waits for the morning)
//  7. Chiara pairs the Bianchi family with Amina, with a visit in a few
//     hours (see soonVisit: its confirmation is asked at once, its check-in
//     comes three hours after it); Marco pairs the Martin family with Maria,
//     with a weekly visit from the day after tomorrow
//
// Ioana stays out: the visitor invites her. A step that fails is logged and
// skips what depends on it; the demo runs with the rest.

// OrgName is the organisation of the demo's network.
const OrgName = "Casa Aurora"

// GroupName is the demo's mutual-aid group, of Amina and Olena.
const GroupName = "Mamme in cerchio"

// Seed builds the network. It returns the steps that failed, joined; the
// page says how many did.
func (d *Demo) Seed(ctx context.Context) error {
	d.setSeed(seedView{})
	var mu sync.Mutex
	var errs []error
	fail := func(step string, err error) {
		if err == nil || ctx.Err() != nil {
			return // stopping is not failing
		}
		d.logger.Warn("demo: seed step failed; the demo goes on without it", "step", step, "error", err)
		mu.Lock()
		errs = append(errs, fmt.Errorf("%s: %w", step, err))
		mu.Unlock()
	}
	admin, chiara, marco := d.cast(AdminID), d.cast(chiaraID), d.cast(marcoID)
	fail("admin", d.seedAdmin(ctx, admin, chiara, marco))
	// The two social workers' chats are independent: they go at once.
	var wg sync.WaitGroup
	for _, branch := range []struct {
		staff  Person
		people []Person
	}{
		{chiara, []Person{d.cast(aminaID), d.cast(olenaID), d.cast(bianchiID)}},
		{marco, []Person{d.cast(mariaID), d.cast(martinID)}},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !d.signedUp(ctx, branch.staff) {
				fail("staff", errors.New("not signed up: nobody to invite the people"))
				return
			}
			for _, p := range branch.people {
				fail("invite "+p.Role, d.bringIn(ctx, branch.staff, p))
			}
		}()
	}
	wg.Wait()
	fail("appointments", d.seedAppointments(ctx, chiara))
	fail("group", d.seedGroup(ctx, chiara, d.cast(aminaID), d.cast(olenaID)))
	fail("broadcast", d.seedBroadcast(ctx, chiara, d.cast(aminaID)))
	fail("helpdesk", d.seedHelpdesk(ctx, d.cast(olenaID), chiara))
	now := d.cfg.Clock.Now().In(d.cfg.Location)
	fail("pairing", d.seedPairing(ctx, chiara, d.cast(bianchiID), d.cast(aminaID), "La spesa insieme",
		soonVisit(now).Format("02/01/2006 15:04"), "family.repeat_once"))
	weekly := time.Date(now.Year(), now.Month(), now.Day()+2, 16, 0, 0, 0, d.cfg.Location)
	fail("pairing", d.seedPairing(ctx, marco, d.cast(martinID), d.cast(mariaID), "Afternoons with the children",
		weekly.Format("02/01/2006 15:04"), "family.repeat_weekly"))
	if err := ctx.Err(); err != nil {
		return err
	}
	err := errors.Join(errs...)
	d.setSeed(seedView{Done: true, Failed: len(errs)})
	return err
}

// seedAdmin makes the administrator, the organisation and its two social
// workers: the first through the button offered with the new organisation,
// the second through /invite.
func (d *Demo) seedAdmin(ctx context.Context, admin, first, second Person) error {
	if _, err := d.say(ctx, admin, "/start", hasText(d.phrase(admin.Lang, "signup.welcome_admin"))); err != nil {
		return err
	}
	if _, err := d.say(ctx, admin, "/org new "+OrgName, hasButton(d.label(admin.Lang, "org.invite_staff"))); err != nil {
		return err
	}
	if _, err := d.press(ctx, admin, d.label(admin.Lang, "org.invite_staff"),
		hasButton(d.label(admin.Lang, "invite.skip_name"))); err != nil {
		return err
	}
	if err := d.inviteByName(ctx, admin, first); err != nil {
		return fmt.Errorf("first staff: %w", err)
	}
	if _, err := d.say(ctx, admin, "/invite", hasButton(OrgName)); err != nil {
		return err
	}
	if _, err := d.press(ctx, admin, OrgName, hasButton(d.label(admin.Lang, "invite.skip_name"))); err != nil {
		return err
	}
	return d.inviteByName(ctx, admin, second)
}

// inviteByName answers "what is the person's name?" with p's, and signs p up.
func (d *Demo) inviteByName(ctx context.Context, inviter, p Person) error {
	m, err := d.say(ctx, inviter, p.Name(), hasCode())
	if err != nil {
		return err
	}
	return d.join(ctx, p, codeIn(m))
}

// bringIn is staff inviting p in one line, "/invite mother Amina", and p signing up.
func (d *Demo) bringIn(ctx context.Context, staff, p Person) error {
	m, err := d.say(ctx, staff, "/invite "+p.Role+" "+p.Name(), hasCode())
	if err != nil {
		return err
	}
	return d.join(ctx, p, codeIn(m))
}

// seedAppointments makes two appointments in the coming days with the
// /appointment shortcut, by the social worker, and Maria's job interview,
// which she saves herself in one line.
func (d *Demo) seedAppointments(ctx context.Context, staff Person) error {
	now := d.cfg.Clock.Now().In(d.cfg.Location)
	day := func(n int) string {
		// Not on a holiday, which Nido would ask about before saving.
		for flows.Holiday(now.AddDate(0, 0, n)) != "" {
			n++
		}
		return now.AddDate(0, 0, n).Format("02/01/2006")
	}
	var errs []error
	for _, a := range []struct {
		by   Person
		line string
		want string
	}{
		{staff, "Amina " + day(2) + " 10:00 Pediatra",
			d.phraseWith(staff.Lang, "appointment.created_staff", map[string]any{"Name": "Amina"})},
		{staff, "Olena " + day(3) + " 09:30 Consultorio",
			d.phraseWith(staff.Lang, "appointment.created_staff", map[string]any{"Name": "Olena"})},
	} {
		if !d.signedUp(ctx, a.by) {
			errs = append(errs, errors.New("an appointment's author is not signed up"))
			continue
		}
		if err := d.sayLine(ctx, a.by, "/appointment "+a.line, hasText(a.want)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, d.seedInterview(ctx, d.cast(mariaID), day(4)+" 15:00 Hotel Roma, Via Nazionale 7"))...)
}

// seedInterview is p saving a job interview in one line, in a hotel's
// kitchen, without needing childcare.
func (d *Demo) seedInterview(ctx context.Context, p Person, line string) error {
	if !d.signedUp(ctx, p) {
		return errors.New("the interview's mother is not signed up")
	}
	catering, no := d.label(p.Lang, "interview.job_catering"), d.label(p.Lang, "interview.childcare_no")
	if err := d.sayLine(ctx, p, "/interview "+line, hasButton(catering)); err != nil {
		return err
	}
	if _, err := d.press(ctx, p, catering, hasButton(no)); err != nil {
		return err
	}
	_, err := d.press(ctx, p, no, hasText(d.phrase(p.Lang, "interview.created")))
	return err
}

// sayLine is p writing a one-line command that carries a day ("/interview
// 27/11/2026 15:00 Hotel Roma") and pressing Yes when Nido reads the day
// back, then waiting for want.
func (d *Demo) sayLine(ctx context.Context, p Person, line string, want match) error {
	yes := d.label(p.Lang, "when.yes")
	_, err := d.play(ctx, p, []step{{say: line, want: hasButton(yes)}, {press: yes, want: want}})
	return err
}

// seedGroup makes the mutual-aid group of members through staff's buttons,
// plans its meetings, every week from five days ahead at 17:00, by typing
// the first date, and opens a poll on the date of another one (seedPoll).
func (d *Demo) seedGroup(ctx context.Context, staff Person, members ...Person) error {
	if !d.signedUp(ctx, staff) {
		return errors.New("the group's social worker is not signed up")
	}
	l := staff.Lang
	if _, err := d.say(ctx, staff, "/groups", hasButton(d.label(l, "group.new"))); err != nil {
		return err
	}
	if _, err := d.press(ctx, staff, d.label(l, "group.new"), anyAnswer()); err != nil {
		return err
	}
	if _, err := d.say(ctx, staff, GroupName, hasText(d.phrase(l, "group.created"))); err != nil {
		return err
	}
	for _, m := range members {
		if !d.signedUp(ctx, m) {
			continue
		}
		if _, err := d.press(ctx, staff, d.label(l, "group.add"), hasButton(m.Name())); err != nil {
			return err
		}
		if _, err := d.press(ctx, staff, m.Name(),
			hasText(d.phraseWith(l, "group.added", map[string]any{"Name": m.Name()}))); err != nil {
			return err
		}
	}
	if _, err := d.press(ctx, staff, d.label(l, "group.plan"), anyAnswer()); err != nil {
		return err
	}
	day := d.cfg.Clock.Now().In(d.cfg.Location).AddDate(0, 0, 5).Format("02/01/2006")
	_, err := d.play(ctx, staff, []step{
		// A typed day is read back before it is taken.
		{say: day + " 17:00", want: hasButton(d.label(l, "when.yes"))},
		{press: d.label(l, "when.yes"), want: hasText(d.phrase(l, "group.ask_place"))},
		{say: OrgName + ", sala comune", want: hasButton(d.label(l, "group.repeat_weekly"))},
		// It meets every week, with no end date.
		{press: d.label(l, "group.repeat_weekly"), want: hasButton(d.label(l, "group.until_none"))},
		{press: d.label(l, "group.until_none"), want: hasText(d.phrase(l, "group.planned"))},
	})
	if err != nil {
		return err
	}
	return d.seedPoll(ctx, staff)
}

// seedPoll is staff, on the group's page, asking its mothers which of two
// dates suits them, the next week at 10:00 and at 15:00: the poll stays
// open, for them to mark and for staff to close.
func (d *Demo) seedPoll(ctx context.Context, staff Person) error {
	l := staff.Lang
	now := d.cfg.Clock.Now().In(d.cfg.Location)
	first, second := now.AddDate(0, 0, 7).Format("02/01/2006"), now.AddDate(0, 0, 8).Format("02/01/2006")
	_, err := d.play(ctx, staff, []step{
		{press: d.label(l, "group.poll"), want: hasButton(d.label(l, "appointment.skip"))},
		{press: d.label(l, "appointment.skip"), want: hasButton(d.label(l, "appointment.other_day"))},
		{say: first + " 10:00", want: hasButton(d.label(l, "when.yes"))},
		{press: d.label(l, "when.yes"), want: hasButton(d.label(l, "group.poll_add"))},
		{press: d.label(l, "group.poll_add"), want: hasButton(d.label(l, "appointment.other_day"))},
		{say: second + " 15:00", want: hasButton(d.label(l, "when.yes"))},
		{press: d.label(l, "when.yes"), want: hasButton(d.label(l, "group.poll_send"))},
		{press: d.label(l, "group.poll_send"), want: hasButton(d.label(l, "group.poll_close"))},
	})
	return err
}

// Workshop is the text of the seeded broadcast, as Chiara types it.
const Workshop = "Laboratorio: scrivere il curriculum 📝\nPortate un documento. Se venite con i bambini, c'è chi li guarda."

// seedBroadcast is staff announcing a workshop three days ahead at 10:00
// to every mother of the organisation, and coming answering that she comes:
// the report in staff's chat shows the answers as the others give theirs.
// Sent in the quiet hours, it goes in the morning, and nobody has answered.
func (d *Demo) seedBroadcast(ctx context.Context, staff, coming Person) error {
	if !d.signedUp(ctx, staff) {
		return errors.New("the social worker is not signed up")
	}
	l := staff.Lang
	day := d.cfg.Clock.Now().In(d.cfg.Location).AddDate(0, 0, 3).Format("02/01/2006")
	steps := []step{
		{say: "/broadcast", want: hasButton(d.label(l, "broadcast.who_m"))},
		{press: d.label(l, "broadcast.who_m"), want: hasText(d.phraseWith(l, "broadcast.ask_text", map[string]any{"Max": 3500}))},
		{say: Workshop, want: hasButton(d.label(l, "broadcast.event_yes"))},
		{press: d.label(l, "broadcast.event_yes"), want: hasText(d.phrase(l, "broadcast.ask_event_day"))},
		{say: day + " 10:00", want: hasButton(d.label(l, "when.yes"))},
		{press: d.label(l, "when.yes"), want: hasText(d.phrase(l, "broadcast.ask_place"))},
		{say: OrgName + ", sala comune", want: hasButton(d.label(l, "broadcast.when_now"))},
		{press: d.label(l, "broadcast.when_now"), want: hasButton(d.label(l, "broadcast.send"))},
	}
	summary, err := d.play(ctx, staff, steps)
	if err != nil {
		return err
	}
	if _, err := d.press(ctx, staff, d.label(l, "broadcast.send"), anyAnswer()); err != nil {
		return err
	}
	// In the quiet hours it waits for the morning, as it would for real:
	// the demo's clock moved past them shows it arrive.
	quiet, _, _ := strings.Cut(d.phraseWith(l, "broadcast.preview_quiet", map[string]any{"When": "\x00"}), "\x00")
	if strings.Contains(plain(summary.Text), quiet) {
		return nil
	}
	if !d.signedUp(ctx, coming) {
		return nil
	}
	first, _, _ := strings.Cut(Workshop, "\n")
	wait, cancel := context.WithTimeout(ctx, d.cfg.StepTimeout)
	defer cancel()
	if _, err := d.cfg.Telegram.WaitMessage(wait, coming.ID, hasText(first)); err != nil {
		return fmt.Errorf("person %d did not get the broadcast: %w", coming.ID, context.Cause(wait))
	}
	_, err = d.press(ctx, coming, d.label(coming.Lang, "broadcast.will_come"),
		hasText(d.phrase(coming.Lang, "broadcast.thanks_coming")))
	return err
}

// Question is what the seeded mother writes to her social worker, as she
// types it: "Good afternoon! I want to enrol my son in a nursery. What do
// I need?"
const Question = "Добрий день! Я хочу записати сина до дитячого садка. Що мені потрібно?"

// seedHelpdesk is mother writing to her social worker in her own words,
// as anyone would in a chat, and sending it when Nido asks: staff find it
// in their chat, waiting for an answer, at any hour.
func (d *Demo) seedHelpdesk(ctx context.Context, mother, staff Person) error {
	if !d.signedUp(ctx, mother) || !d.signedUp(ctx, staff) {
		return errors.New("the mother or her social worker is not signed up")
	}
	l := mother.Lang
	if _, err := d.play(ctx, mother, []step{
		{say: Question, want: hasButton(d.label(l, "helpdesk.send"))},
		{press: d.label(l, "helpdesk.send"), want: hasText(d.phrase(l, "helpdesk.emergency"))},
	}); err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, d.cfg.StepTimeout)
	defer cancel()
	if _, err := d.cfg.Telegram.WaitMessage(wait, staff.ID, hasText(Question)); err != nil {
		return fmt.Errorf("the social worker did not get the message: %w", context.Cause(wait))
	}
	return nil
}

// seedPairing pairs family with mother through staff's buttons, then plans
// a visit at her home at "dd/mm/yyyy hh:mm" when, typed, repeating as
// repeat (a button's message id: family.repeat_once, family.repeat_weekly).
func (d *Demo) seedPairing(ctx context.Context, staff, family, mother Person, offer, when, repeat string) error {
	for _, p := range []Person{staff, family, mother} {
		if !d.signedUp(ctx, p) {
			return errors.New("a person of the pairing is not signed up")
		}
	}
	l := staff.Lang
	steps := []step{
		{say: "/pair", want: hasButton(family.Name())},
		{press: family.Name(), want: hasButton(mother.Name())},
		{press: mother.Name(), want: hasButton(d.label(l, "appointment.skip"))},
		{say: offer, want: hasButton(d.label(l, "family.pair_yes"))},
		{press: d.label(l, "family.pair_yes"), want: hasButton(d.label(l, "family.plan"))},
		{press: d.label(l, "family.plan"), want: hasText(d.phrase(l, "family.ask_day"))},
		{say: when, want: hasButton(d.label(l, "when.yes"))},
		{press: d.label(l, "when.yes"), want: hasButton(d.label(l, "family.at_home"))},
		{press: d.label(l, "family.at_home"), want: hasText(d.phrase(l, "family.ask_repeat"))},
	}
	if _, err := d.play(ctx, staff, steps); err != nil {
		return err
	}
	at, err := time.ParseInLocation("02/01/2006 15:04", when, d.cfg.Location)
	if err != nil {
		return err
	}
	day := d.phrase(l, "family.weekday_"+strconv.Itoa(int(at.Weekday())))
	label := d.phraseWith(l, repeat, map[string]any{"Day": day})
	_, err = d.press(ctx, staff, label, hasButton(d.label(l, "family.plan")))
	return err
}

// soonVisit is when the Bianchi family's visit is: three hours from now in
// the working day, so that its confirmation comes at once and its check-in
// a few hours of the demo's clock later; 11:00 in the morning when the demo
// starts in the evening or at night, whose quiet hours would hold both.
func soonVisit(now time.Time) time.Time {
	if now.Hour() >= 8 && now.Hour() < 17 {
		return now.Add(3 * time.Hour).Truncate(time.Hour)
	}
	morning := time.Date(now.Year(), now.Month(), now.Day(), 11, 0, 0, 0, now.Location())
	if !morning.After(now) {
		morning = morning.AddDate(0, 0, 1)
	}
	return morning
}
