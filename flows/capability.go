package flows

import (
	"context"
	"fmt"
	"slices"
	"time"

	"nido/scheduler"
)

// A capability is one thing Nido does for people on top of the core
// (sign-up, invites, organisations, menus, privacy): appointments, mutual-aid
// groups, and those to come. Each is a package under flows/ that gives the
// engine one Capability, and main.go hands the engine every capability
// explicitly, in the order erasure runs them. The engine asks nothing else
// of a capability: adding one edits no file of the core.
type Capability struct {
	// Name names the capability in logs and errors: "appointment".
	Name string
	// Routes are its commands, buttons and typed steps. A verb, a step or a
	// command belongs to one route of one capability.
	Routes []Route
	// Jobs runs its scheduled jobs, by job kind ("appointment.reminder").
	Jobs map[string]JobFunc
	// Rules are its recurring jobs (a morning digest), kept in the
	// scheduler by EnsureRules; each rule's kind is one of Jobs.
	Rules []scheduler.Rule
	// Menu lists its buttons on a role's main menu, most used first; nil
	// for none. Each names a command of its Routes.
	Menu func(role string) []MenuItem
	// MyData is what it keeps about p, as lines of /mydata; nil for nothing.
	MyData func(ctx context.Context, p Person) ([]T, error)
	// Erase removes everything it keeps about p, who is erasing their data.
	// The core has already cancelled p's own jobs and marked p (BeingErased).
	Erase func(ctx context.Context, p Person) error
	// Digest is what it has to say of org's day in the staff's morning
	// digest (the day's appointments, visits not yet confirmed...); nothing
	// when it has nothing. nil for none.
	Digest func(ctx context.Context, org string, day time.Time) ([]T, error)
	// Month is what it did in org in month (any instant of it), as lines
	// for the organisation's funders (/month): meetings held, interviews.
	// Nothing when it did nothing; nil for none.
	Month func(ctx context.Context, org string, month time.Time) ([]T, error)
	// Agenda lists what it has planned for mother between from and to, as
	// cards for her list of appointments (an interview is an appointment
	// too): viewer is who looks, herself or her staff. nil for nothing.
	Agenda func(ctx context.Context, mother, viewer Person, from, to time.Time) ([]AgendaItem, error)
	// ForgetAuthor turns author into 0 ("someone who left") wherever a
	// record of org that it keeps names them as the one who made, changed
	// or cancelled it: author, a staff member or an administrator, erased
	// their data.
	ForgetAuthor func(ctx context.Context, org string, author int64) error
	// Words takes what a member typed (or the voice message they sent) when
	// it answers no question and is no command: a mother writing to her
	// social worker. It reports whether it took it; the first capability
	// that does answers, and when none does the person gets the menu. nil
	// for none.
	Words func(s *Session, text string) (bool, error)
}

// AgendaItem is one thing planned for a mother, shown in her list of
// appointments: when it is, and its card (lines and buttons).
type AgendaItem struct {
	At   time.Time
	Card Message
}

// Agenda gathers what every capability but the one named except has
// planned for mother between from and to, soonest first.
func (e *Engine) Agenda(ctx context.Context, mother, viewer Person, from, to time.Time, except string) ([]AgendaItem, error) {
	var items []AgendaItem
	for _, c := range e.caps {
		if c.Agenda == nil || c.Name == except {
			continue
		}
		more, err := c.Agenda(ctx, mother, viewer, from, to)
		if err != nil {
			return nil, fmt.Errorf("%s: agenda: %w", c.Name, err)
		}
		items = append(items, more...)
	}
	slices.SortStableFunc(items, func(a, b AgendaItem) int { return a.At.Compare(b.At) })
	return items, nil
}

// JobFunc runs one due job of a capability. An error wrapped with
// scheduler.Permanent fails the job for good; any other error retries it.
type JobFunc func(ctx context.Context, j scheduler.Job) error

// MenuItem is one button of a main menu: its label's message id and the
// command it stands for ("/appointments").
type MenuItem struct {
	Label   string
	Command string
}

// A Maker builds a capability on the engine it will serve, so that the
// capability reaches the core's services (Redis, people, the scheduler,
// the sender) and the engine gets its routes, all in one call of New.
type Maker func(e *Engine) Capability

// addCapabilities takes each capability's routes and jobs, refusing a verb,
// step, command or job kind that another one already has: two capabilities
// answering the same button would be a bug found only by the person
// pressing it.
func (e *Engine) addCapabilities(makers []Maker) error {
	seen := map[string]string{}
	claim := func(what, name, owner string) error {
		if name == "" {
			return nil
		}
		if other, ok := seen[what+" "+name]; ok {
			return fmt.Errorf("%s %q of %s is %s's already", what, name, owner, other)
		}
		seen[what+" "+name] = owner
		return nil
	}
	for _, kind := range []string{jobDigest, legacyJobDigest} {
		if err := claim("job kind", kind, "core"); err != nil {
			return err
		}
	}
	for _, r := range e.routes {
		for _, err := range []error{claim("command", r.Command, "core"), claim("verb", r.Verb, "core"), claim("step", r.Step, "core")} {
			if err != nil {
				return err
			}
		}
	}
	for _, make := range makers {
		c := make(e)
		for _, r := range c.Routes {
			for _, err := range []error{claim("command", r.Command, c.Name), claim("verb", r.Verb, c.Name), claim("step", r.Step, c.Name)} {
				if err != nil {
					return err
				}
			}
		}
		for kind := range c.Jobs {
			if err := claim("job kind", kind, c.Name); err != nil {
				return err
			}
		}
		e.caps = append(e.caps, c)
		e.routes = append(e.routes, c.Routes...)
	}
	return nil
}

// EnsureRules makes sure the core's morning digest and every capability's
// recurring rules are in the scheduler; main calls it at start, and calling it again changes nothing.
func (e *Engine) EnsureRules(ctx context.Context) error {
	if err := e.ensureDigest(ctx); err != nil {
		return err
	}
	for _, c := range e.caps {
		for _, r := range c.Rules {
			if err := e.cfg.Scheduler.AddRule(ctx, r); err != nil {
				return fmt.Errorf("%s: rule %s: %w", c.Name, r.ID, err)
			}
		}
	}
	return nil
}
