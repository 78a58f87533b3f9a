package demo

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// The demo's network, made through the front door: the seed plays each
// person on the fake Telegram and waits for Nido's answer before the next
// step, so that the real flows create everything, as they would for people.
//
//  1. Giulia, the administrator, starts Nido and creates Casa Aurora
//  2. she invites Chiara and Marco, its social workers, who sign up
//  3. Chiara invites Amina, Olena and the Bianchi family; Marco invites Maria
//     and the Martin family; each signs up in their own language
//  4. appointments: Chiara makes Amina's and Olena's, Maria makes her own
//  5. Chiara makes a mutual-aid group of Amina and Olena and plans its first
//     meeting
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

// seedAppointments makes three appointments in the coming days with the
// /appointment shortcut: two by the social worker, one by a mother herself.
func (d *Demo) seedAppointments(ctx context.Context, staff Person) error {
	now := d.cfg.Clock.Now().In(d.cfg.Location)
	day := func(n int) string { return now.AddDate(0, 0, n).Format("02/01/2006") }
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
		{d.cast(mariaID), day(4) + " 15:00 Colloquio di lavoro", d.phrase("it", "appointment.created")},
	} {
		if !d.signedUp(ctx, a.by) {
			errs = append(errs, errors.New("an appointment's author is not signed up"))
			continue
		}
		if _, err := d.say(ctx, a.by, "/appointment "+a.line, hasText(a.want)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// seedGroup makes the mutual-aid group of members through staff's buttons
// and plans its first meeting, five days ahead at 17:00, by typing the date.
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
	if _, err := d.say(ctx, staff, day+" 17:00", hasText(d.phrase(l, "group.ask_place"))); err != nil {
		return err
	}
	_, err := d.say(ctx, staff, OrgName+", sala comune", hasText(d.phrase(l, "group.planned")))
	return err
}
