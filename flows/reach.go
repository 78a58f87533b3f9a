package flows

import (
	"context"
	"errors"
)

// send is the one way flows send: a chat Telegram will not deliver to any
// more (the person blocked Nido) comes back as an error wrapping
// ErrUnreachable, and its person is marked and their staff told, once.
func (e *Engine) send(ctx context.Context, m Message) (int, error) {
	id, err := e.cfg.Sender.Send(ctx, m)
	if errors.Is(err, ErrUnreachable) && m.ChatID != 0 {
		// The caller gets the error either way; this is logged, once.
		if rerr := e.unreachable(context.WithoutCancel(ctx), m.ChatID); rerr != nil {
			e.log.Warn("mark unreachable", "chat_id", m.ChatID, "error", rerr)
		}
	}
	return id, err
}

// unreachable marks the person of a chat Telegram refused to deliver to, and
// tells the staff of their organisation once, so that someone can call
// them; a person who writes again is reachable again.
func (e *Engine) unreachable(ctx context.Context, chatID int64) error {
	p, ok, err := e.people.Get(ctx, chatID)
	if err != nil || !ok || p.Unreachable {
		return err
	}
	// Only the first caller flips the flag and alerts: two senders failing at
	// once must not alert twice.
	// KEYS[1] person hash. Returns 1 for the caller that flipped the flag.
	const flip = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'unreachable_alerted') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'unreachable', '1', 'unreachable_alerted', '1')
return 1`
	n, err := e.cfg.Redis.Eval(ctx, flip, []string{e.k.person(p.ID)}).Int()
	if err != nil {
		return wrap("mark unreachable", err)
	}
	first := n == 1
	e.log.Info("person unreachable", "user_id", p.ID, "role", p.Role, "org", p.OrgID)
	if !first || p.OrgID == "" {
		return nil
	}
	staff, err := e.people.Members(ctx, p.OrgID, RoleStaff)
	if err != nil {
		return err
	}
	for _, st := range staff {
		if st.ID == p.ID || st.Unreachable {
			continue
		}
		if err := e.tell(ctx, st, T{ID: "reach.staff_alert", Data: map[string]any{
			"Name": p.Name, "Role": T{ID: "role." + p.Role},
		}}); err != nil {
			return err
		}
	}
	return nil
}
