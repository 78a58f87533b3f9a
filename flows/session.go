package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/locales"
)

// session is one input being answered: who sent it, in which language, and
// the conversation they are in.
type Session struct {
	ctx    context.Context
	e      *Engine
	in     Input
	now    time.Time
	person Person
	known  bool
	lang   string
	conv   conv
	// handed is set when another capability handed this input over (Hand).
	handed bool
	// preloaded holds the hashes the route's Preload named, by key, read
	// with the person and the conversation; each is taken once.
	preloaded map[string]map[string]string
}

// conv is the conversation a chat is in, kept in Redis until it ends or expires.
type conv struct {
	// Step is the step waiting for typed text, empty when none is.
	Step string `json:"s,omitempty"`
	// Lang is the language chosen before the person exists (sign-up).
	Lang string            `json:"l,omitempty"`
	Data map[string]string `json:"d,omitempty"`
	// TTL, when set, keeps this conversation longer than Config.ConversationTTL.
	TTL time.Duration `json:"t,omitempty"`
	// Until is when, on Nido's clock (unix seconds), the conversation is
	// abandoned. Redis's own TTL counts real time and is only a cleanup.
	Until int64 `json:"u,omitempty"`
}

func (e *Engine) newSession(ctx context.Context, in Input, pre *Preloaded) (*Session, error) {
	s := &Session{ctx: ctx, e: e, in: in, now: e.now()}
	// The person and the conversation in one round trip, or none when the
	// Telegram layer read them with its claim of the chat (preload.go):
	// every update needs both. A press also reads what its route will
	// read first.
	person, saved, ahead, read := pre.loaded(in)
	if person == nil {
		ahead = e.preloads(in)
		read = make([]*redis.MapStringStringCmd, len(ahead))
		_, err := e.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
			person = p.HGetAll(ctx, e.people.k.person(in.UserID))
			saved = p.Get(ctx, e.k.conv(in.ChatID))
			for i, key := range ahead {
				read[i] = p.HGetAll(ctx, key)
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("load person and conversation: %w", err)
		}
	}
	if len(ahead) > 0 {
		s.preloaded = make(map[string]map[string]string, len(ahead))
		for i, key := range ahead {
			s.preloaded[key] = read[i].Val()
		}
	}
	per, ok := personFrom(in.UserID, person.Val())
	s.person, s.known = per, ok
	if ok && per.Role == RoleAdmin && !e.isAdmin(per.ID) {
		// Removed from NIDO_ADMIN_IDS: the record stays theirs to see and
		// erase, but it carries no rights any more.
		s.person.Role = ""
	}
	raw, err := saved.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return nil, fmt.Errorf("load conversation: %w", err)
	default:
		// A conversation we cannot read, or one abandoned by Nido's clock,
		// is one to start again.
		if err := json.Unmarshal(raw, &s.conv); err != nil || s.conv.abandoned(s.now) {
			s.conv = conv{}
		}
	}
	s.lang = s.pickLang()
	if s.known && per.Unreachable {
		// They wrote again, so Telegram delivers again.
		if err := e.cfg.Redis.HSet(ctx, e.k.person(per.ID), "unreachable", "0", "unreachable_alerted", "0").Err(); err != nil {
			return nil, wrap("mark reachable", err)
		}
		s.person.Unreachable = false
	}
	return s, nil
}

// preloads are the keys the route of a press asks read ahead (Route.Preload).
func (e *Engine) preloads(in Input) []string {
	if in.Callback == "" || in.Forged {
		return nil
	}
	verb, arg, _ := strings.Cut(in.Callback, ":")
	for _, r := range e.routes {
		if r.Verb != verb {
			continue
		}
		if r.Preload == nil {
			return nil
		}
		keys := r.Preload(arg)
		return keys[:min(len(keys), MaxPreload)]
	}
	return nil
}

func (s *Session) pickLang() string {
	switch {
	case s.known && s.person.Lang != "":
		return s.person.Lang
	case s.conv.Lang != "":
		return s.conv.Lang
	}
	return langOr(s.in.TelegramLang, s.e.cfg.DefaultLang)
}

// reply says lines to the person, in their language.
func (s *Session) reply(lines ...T) error {
	return s.send(Message{ChatID: s.in.ChatID, Lines: lines})
}

// send delivers a message to the person's own chat.
func (s *Session) send(m Message) error {
	if m.ChatID == 0 {
		m.ChatID = s.in.ChatID
	}
	if m.Lang == "" {
		m.Lang = s.lang
	}
	_, err := s.e.send(s.ctx, m)
	return wrap("send", err)
}

// edit replaces the message that carried the pressed button, or sends anew when typed.
func (s *Session) edit(m Message) error {
	m.EditID = s.in.MessageID
	return s.send(m)
}

func (s *Session) toast(t T) error {
	if s.in.Callback == "" {
		return s.reply(t)
	}
	return s.send(Message{Toast: &t})
}

// setStep waits for typed text at step, keeping data.
func (s *Session) setStep(step string, data map[string]string) error {
	s.conv.Step, s.conv.Data = step, data
	return s.saveConv()
}

// endConv forgets the conversation.
func (s *Session) endConv() error {
	s.conv = conv{}
	return s.saveConv()
}

// expecter is a Sender that can read ahead whether a named message went out.
type expecter interface {
	Expect(ctx context.Context, jobID string)
}

// WillSend says that this update will send the message named jobID
// (Message.JobID), so that the Telegram layer can look up whether it went
// out already together with the update's next step in Redis, rather than
// in a round trip of its own just before sending it.
func (s *Session) WillSend(jobID string) {
	if x, ok := s.e.cfg.Sender.(expecter); ok {
		x.Expect(s.ctx, jobID)
	}
}

func (s *Session) saveConv() error {
	key := s.e.k.conv(s.in.ChatID)
	if s.conv.Step == "" && s.conv.Lang == "" && len(s.conv.Data) == 0 {
		del := redis.NewIntCmd(s.ctx, "del", key)
		return wrap("clear conversation", s.writeConv(del))
	}
	ttl := s.e.cfg.ConversationTTL
	if s.conv.TTL > 0 {
		ttl = s.conv.TTL
	}
	s.conv.Until = s.now.Add(ttl).Unix()
	raw, err := json.Marshal(s.conv)
	if err != nil {
		return err
	}
	set := redis.NewStatusCmd(s.ctx, "set", key, raw, "px", ttl.Milliseconds())
	return wrap("save conversation", s.writeConv(set))
}

// writeConv writes the conversation's state with the update's next round
// trip when the Telegram layer takes it (Config.Later), or now.
func (s *Session) writeConv(cmd redis.Cmder) error {
	if s.e.cfg.Later != nil && s.e.cfg.Later(s.ctx, cmd) {
		return nil
	}
	_ = s.e.cfg.Redis.Process(s.ctx, cmd)
	return cmd.Err()
}

// abandoned tells whether the conversation was left past its time on Nido's clock.
func (c conv) abandoned(now time.Time) bool {
	return c.Until != 0 && now.Unix() >= c.Until
}

// tell sends a message to someone else, in their language; a person who
// blocked Nido is skipped, not an error for the one acting now.
func (e *Engine) tell(ctx context.Context, to Person, lines ...T) error {
	_, err := e.send(ctx, Message{ChatID: to.ID, Lang: to.Lang, Lines: lines})
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	return wrap("tell", err)
}

func langOr(code, def string) string {
	if i := len(code); i > 2 {
		code = code[:2]
	}
	if locales.IsSupported(code) {
		return code
	}
	return def
}

// What a capability's steps know of the input they answer, and what they
// may do with it. A step gets the session and the text after the verb,
// command or step; it answers through the session.

// Ctx is the input's context.
func (s *Session) Ctx() context.Context { return s.ctx }

// Now is when the input is answered, on Nido's clock in the network's time zone.
func (s *Session) Now() time.Time { return s.now }

// Person is the one who acted; the zero Person for a stranger.
func (s *Session) Person() Person { return s.person }

// Lang is the language to answer in.
func (s *Session) Lang() string { return s.lang }

// Input is what the person did.
func (s *Session) Input() Input { return s.in }

// Step is the step waiting for typed text, "" when none is.
func (s *Session) Step() string { return s.conv.Step }

// Data is what the conversation keeps between steps; nil when there is none.
func (s *Session) Data() map[string]string { return s.conv.Data }

// Reply says lines to the person, in their language.
func (s *Session) Reply(lines ...T) error { return s.reply(lines...) }

// Send sends m to the person's chat, in their language unless m says otherwise.
func (s *Session) Send(m Message) error { return s.send(m) }

// Edit replaces the message whose button was pressed, or sends m anew after typed text.
func (s *Session) Edit(m Message) error { return s.edit(m) }

// Toast answers the pressed button with t, a notice shown over the chat for
// a moment, and says nothing in it: the answer to a press whose action is
// already done (a second tap), where a new message would only be in the
// way. After typed text, t is said as a message.
func (s *Session) Toast(t T) error { return s.toast(t) }

// SetStep waits for typed text at step, keeping data for the next step.
func (s *Session) SetStep(step string, data map[string]string) error { return s.setStep(step, data) }

// SetStepFor is SetStep for a conversation kept ttl rather than the usual
// hour: what a person wrote and has not sent yet waits a day.
func (s *Session) SetStepFor(step string, data map[string]string, ttl time.Duration) error {
	s.conv.TTL = ttl
	return s.setStep(step, data)
}

// EndConv forgets the conversation.
func (s *Session) EndConv() error { return s.endConv() }

// ShowMenu says intro and shows the person's main menu.
func (s *Session) ShowMenu(intro string) error { return showMenu(s, intro) }

// Hand runs what a command ("/interview 25/02/2027 09:30") would, as if the
// person had typed it, and reports whether a route open to the person took
// it: a capability hands a conversation over to another without importing
// it, and goes on itself when Nido has none that takes it. What the command
// carries was asked by the capability that hands it, and a day in it was
// read back (when_check.go): the route taking it sees Handed.
func (s *Session) Hand(command string) (bool, error) {
	cmd, arg := splitCommand(command)
	for _, r := range s.e.routes {
		if r.Command == cmd && allowed(s, r.Roles) {
			s.handed = true
			return true, r.Run(s, arg)
		}
	}
	return false, nil
}

// TakePreloaded is the hash at key as the route's Preload had it read with
// the person and the conversation (empty when the hash does not exist);
// ok is false when it was not read ahead, or was taken or forgotten
// already. It is taken once: a second read of key, after whatever this
// input did, goes to Redis.
func (s *Session) TakePreloaded(key string) (h map[string]string, ok bool) {
	h, ok = s.preloaded[key]
	delete(s.preloaded, key)
	return h, ok
}

// ForgetPreloaded drops what was read ahead at key: the capability has just
// written it, and must not take back what it read before.
func (s *Session) ForgetPreloaded(key string) { delete(s.preloaded, key) }

// Handed reports whether the command being run was handed over by another
// capability (Hand) rather than typed: a day it carries was read back
// already, and is not read back again.
func (s *Session) Handed() bool { return s.handed }
