// Package flows holds Nido's conversations and their rules: who may do what,
// what Nido answers, what it remembers. It speaks in ids, message ids from
// locales/ and plain data; bot/ turns that into Telegram messages, and the
// scheduler calls back into it when something is due.
//
// Each flow lives in one file that reads top to bottom: the routes it answers
// (commands, buttons, typed steps), then one function per step, in order.
package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"nido/locales"
	"nido/scheduler"
	"nido/scheduler/clock"
)

// Config is everything the flows need, wired by main.
type Config struct {
	Redis  redis.UniversalClient
	Prefix string
	Sender Sender
	Clock  clock.Clock
	// Location is the network's time zone: every date a person reads or types is in it.
	Location    *time.Location
	DefaultLang string
	// AdminIDs are the Telegram user ids of the network's administrators.
	AdminIDs []int64
	// BotUsername makes invite links (https://t.me/<BotUsername>?start=<code>).
	BotUsername string
	// InviteTTL is how long an invite can be used; 7 days when zero.
	InviteTTL time.Duration
	// ConversationTTL is how long an abandoned conversation is kept; 1 hour when zero.
	ConversationTTL time.Duration
	Logger          *slog.Logger
	// Scheduler keeps the jobs of every capability; it runs them through
	// Jobs. Required.
	Scheduler *scheduler.Scheduler
	// Texts renders the texts that go into files (the .ics), which bot/ does
	// not render; the embedded catalog when nil.
	Texts *locales.Catalog
	// Later, when set, may take the write of a conversation's state to go
	// with the next round trip of the update being handled in ctx (at the
	// latest its acknowledgement, which makes it final); it reports false
	// when it does not, and the write goes at once. The state is only read
	// when the chat's next update begins, so it needs no round trip of its
	// own.
	Later func(ctx context.Context, cmd redis.Cmder) bool
}

// Engine answers every input and due job. It is safe for concurrent use; bot/
// guarantees that inputs of one chat arrive one at a time.
type Engine struct {
	cfg    Config
	k      keys
	people *People
	log    *slog.Logger
	routes []Route
	// caps are the capabilities main gave New, in erasure order.
	caps []Capability
}

// MaxInput is the longest text a person may type; Telegram itself allows 4096.
const MaxInput = 4096

// New builds the engine with its capabilities, given in the order their
// Erase runs when a person erases their data.
func New(cfg Config, capabilities ...Maker) (*Engine, error) {
	if cfg.Redis == nil || cfg.Sender == nil || cfg.Clock == nil || cfg.Location == nil || cfg.Scheduler == nil {
		return nil, errors.New("flows: Redis, Sender, Clock, Location and Scheduler are required")
	}
	if cfg.InviteTTL == 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	if cfg.ConversationTTL == 0 {
		cfg.ConversationTTL = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Texts == nil {
		// Only an unsupported default language fails, and main checks it.
		cfg.Texts, _ = locales.New(langOr(cfg.DefaultLang, "it"))
	}
	k := keys{prefix: cfg.Prefix}
	e := &Engine{cfg: cfg, k: k, people: &People{rdb: cfg.Redis, k: k}, log: cfg.Logger}
	e.routes = coreRoutes()
	if err := e.addCapabilities(capabilities); err != nil {
		return nil, fmt.Errorf("flows: %w", err)
	}
	return e, nil
}

// People gives access to the people store, for the demo's seed and for tests.
func (e *Engine) People() *People { return e.people }

// Route is one way in: a command, a button verb, or a typed answer to a step.
type Route struct {
	Command string // "/invite"
	Verb    string // a button's verb: its data before the first ':'
	Step    string // the conversation step waiting for typed text, "org.name"
	// Roles may use it; empty means anyone, even a stranger.
	Roles []string
	Run   func(s *Session, arg string) error
	// Preload, for a button's route, names the Redis hashes that Run will
	// read first for arg (the data after the verb): the appointment a
	// reminder's button answers. The session reads them in the same round
	// trip as the person and the conversation, so that a press costs one
	// trip less, and Run takes them with Session.TakePreloaded. Keys are the
	// capability's own; at most MaxPreload are read, and an arg that names
	// nothing valid should give none. Typed steps have none: their step is
	// in the conversation that same trip reads. nil for none.
	Preload func(arg string) []string
}

// MaxPreload is how many hashes a press may read ahead: a press is about
// one thing, and a forged or odd arg must not make a big read.
const MaxPreload = 4

// members is every signed-up role.
func members() []string { return []string{RoleAdmin, RoleStaff, RoleMother, RoleFamily} }

// coreRoutes lists every way into the core's own flows, flow by flow.
func coreRoutes() []Route {
	var rs []Route
	rs = append(rs, signupRoutes()...)
	rs = append(rs, menuRoutes()...)
	rs = append(rs, inviteRoutes()...)
	rs = append(rs, orgRoutes()...)
	rs = append(rs, privacyRoutes()...)
	rs = append(rs, monthRoutes()...)
	return rs
}

// Handle answers one input. Errors are already told to the person kindly; the
// returned error is for logs.
func (e *Engine) Handle(ctx context.Context, in Input) error {
	return e.handle(ctx, in, nil)
}

// handle is Handle, from what pre read when it is given (preload.go).
func (e *Engine) handle(ctx context.Context, in Input, pre *Preloaded) error {
	s, err := e.newSession(ctx, in, pre)
	if err != nil {
		return err
	}
	err = e.dispatch(s)
	if err != nil {
		// One kind message; the details go to the log once, at the edge.
		_ = s.reply(T{ID: "common.error"})
	}
	return err
}

func (e *Engine) dispatch(s *Session) error {
	in := s.in
	switch {
	case in.Forged:
		return s.reply(T{ID: "common.button_invalid"})
	case utf8.RuneCountInString(in.Text) > MaxInput:
		return s.reply(T{ID: "common.too_long", Data: map[string]any{"Max": MaxInput}})
	case in.Callback != "":
		verb, arg, _ := strings.Cut(in.Callback, ":")
		return e.run(s, func(r Route) bool { return r.Verb == verb }, arg)
	case strings.HasPrefix(in.Text, "/"):
		cmd, arg := splitCommand(in.Text)
		if cmd == "/cancel" || s.conv.Step == "" {
			return e.run(s, func(r Route) bool { return r.Command == cmd }, arg)
		}
		// A command ends whatever conversation a member had open: people lose
		// their way. A sign-up stays, so that reading /privacy does not undo it.
		if s.known {
			s.conv = conv{}
			if err := s.saveConv(); err != nil {
				return err
			}
		}
		return e.run(s, func(r Route) bool { return r.Command == cmd }, arg)
	case s.conv.Step != "":
		return e.run(s, func(r Route) bool { return r.Step == s.conv.Step }, strings.TrimSpace(in.Text))
	default:
		if !s.known {
			// The invite says "or dictate the code": a code typed alone,
			// in any case, with spaces or dashes, is /start with it.
			if looksLikeCode(in.Text) {
				return start(s, in.Text)
			}
			return s.reply(T{ID: "signup.need_invite"})
		}
		// Words that answer nothing may still be meant for someone: a
		// mother's "ciao" is the start of a question to her social worker.
		for _, c := range e.caps {
			if c.Words == nil {
				continue
			}
			if took, err := c.Words(s, strings.TrimSpace(in.Text)); took || err != nil {
				return err
			}
		}
		return showMenu(s, "common.not_understood")
	}
}

// run finds the route, checks the role and runs it.
func (e *Engine) run(s *Session, match func(Route) bool, arg string) error {
	for _, r := range e.routes {
		if !match(r) {
			continue
		}
		if !allowed(s, r.Roles) {
			if !s.known {
				return s.reply(T{ID: "signup.need_invite"})
			}
			return s.reply(T{ID: "common.not_allowed"})
		}
		return r.Run(s, arg)
	}
	if s.in.Callback != "" {
		return s.reply(T{ID: "common.button_invalid"})
	}
	if !s.known {
		return s.reply(T{ID: "signup.need_invite"})
	}
	return showMenu(s, "common.unknown_command")
}

func allowed(s *Session, roles []string) bool {
	if len(roles) == 0 {
		return true
	}
	if !s.known {
		return false
	}
	for _, r := range roles {
		if r == s.person.Role {
			return true
		}
	}
	return false
}

// splitCommand turns "/Invite@nido_bot mother Anna" into "/invite", "mother Anna".
func splitCommand(text string) (cmd, arg string) {
	cmd, arg = cutWord(strings.TrimSpace(text))
	if at := strings.IndexByte(cmd, '@'); at > 0 {
		cmd = cmd[:at]
	}
	return strings.ToLower(cmd), arg
}

func (e *Engine) isAdmin(id int64) bool {
	for _, a := range e.cfg.AdminIDs {
		if a == id {
			return true
		}
	}
	return false
}

func (e *Engine) now() time.Time { return e.cfg.Clock.Now().In(e.cfg.Location) }

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
