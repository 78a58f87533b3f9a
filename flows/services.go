package flows

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/locales"
	"nido/scheduler"
)

// The core's services, for the capabilities: each owns its Redis keys
// under Prefix, schedules its jobs with Scheduler, and reaches people
// through Tell, TellMessage and Deliver, which skip or fail on a person
// who blocked Nido as their doc says.

// Redis is the client every store of Nido uses.
func (e *Engine) Redis() redis.UniversalClient { return e.cfg.Redis }

// Prefix starts every Redis key of Nido; each capability puts its own keys under it.
func (e *Engine) Prefix() string { return e.cfg.Prefix }

// Scheduler keeps every capability's jobs.
func (e *Engine) Scheduler() *scheduler.Scheduler { return e.cfg.Scheduler }

// Location is the network's time zone.
func (e *Engine) Location() *time.Location { return e.cfg.Location }

// Now is the time on Nido's clock, in the network's time zone.
func (e *Engine) Now() time.Time { return e.now() }

// Log is Nido's logger: ids, never names or texts.
func (e *Engine) Log() *slog.Logger { return e.log }

// Texts renders the texts that go into files (an .ics), which bot/ does not render.
func (e *Engine) Texts() *locales.Catalog { return e.cfg.Texts }

// Tell sends lines to someone other than the person acting, in their
// language; a person who blocked Nido is skipped, not an error.
func (e *Engine) Tell(ctx context.Context, to Person, lines ...T) error {
	return e.tell(ctx, to, lines...)
}

// TellMessage sends m to someone other than the person acting, in their
// language; a person who blocked Nido is skipped. jobID, when set, names the
// job or the step delivering it, made unique per recipient, so that a
// repeat does not send it twice.
func (e *Engine) TellMessage(ctx context.Context, to Person, jobID string, m Message) error {
	return e.tellMessage(ctx, to, jobID, m)
}

// TellPost is TellMessage that returns the id of the message carrying m's
// buttons (0 for a person who blocked Nido), for a capability that edits
// it later; a repeat under the same jobID returns the id of the first.
func (e *Engine) TellPost(ctx context.Context, to Person, jobID string, m Message) (int, error) {
	return e.tellPost(ctx, to, jobID, m)
}

// Deliver sends a job's message to one person. jobID lets the Telegram layer
// refuse to send it twice when the job runs again after a crash; a person
// who blocked Nido fails the job for good (scheduler.Permanent).
func (e *Engine) Deliver(ctx context.Context, to Person, jobID string, m Message) error {
	return e.deliver(ctx, to, jobID, m)
}

// Wrap says what was being done when err happened; nil stays nil.
func Wrap(what string, err error) error { return wrap(what, err) }

// UnixTime reads unix seconds as Nido stores them; the zero time for "" or "0".
func UnixTime(s string) time.Time { return unixTime(s) }

// HashesInWindow loads the records an index (a ZSET of ids by unix seconds)
// lists between from and to, in two round trips whatever their number: the
// ids, then every record's HASH, named by key(id). A record gone meanwhile
// comes back as an empty map, for the caller to skip.
func HashesInWindow(ctx context.Context, rdb redis.UniversalClient, index string, from, to time.Time, key func(id string) string) ([]string, []map[string]string, error) {
	ids, err := rdb.ZRangeByScore(ctx, index, &redis.ZRangeBy{
		Min: strconv.FormatInt(from.Unix(), 10), Max: strconv.FormatInt(to.Unix(), 10),
	}).Result()
	if err != nil || len(ids) == 0 {
		return nil, nil, wrap("list "+index, err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, key(id))
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrap("load "+index, err)
	}
	hashes := make([]map[string]string, len(ids))
	for i, c := range cmds {
		hashes[i] = c.Val()
	}
	return ids, hashes, nil
}

// StaffOf lists the staff who follow a mother: the one who invited her and
// those in also (who paired her with a family, who saved her interview),
// while they are staff of her organisation; every staff member of it when
// none of them is any more.
func (e *Engine) StaffOf(ctx context.Context, mother Person, also ...int64) ([]Person, error) {
	staff, err := e.people.Members(ctx, mother.OrgID, RoleStaff)
	if err != nil {
		return nil, err
	}
	var hers []Person
	for _, st := range staff {
		if st.ID == mother.InvitedBy || slices.Contains(also, st.ID) {
			hers = append(hers, st)
		}
	}
	if len(hers) == 0 {
		return staff, nil
	}
	return hers, nil
}

// Post sends m as it stands (its ChatID and Lang set by the caller; with
// EditID, an edit) and returns the id of the message carrying its buttons,
// for a capability that edits its message later (a broadcast's report). A
// person who blocked Nido comes back as an error wrapping ErrUnreachable,
// and is marked.
func (e *Engine) Post(ctx context.Context, m Message) (int, error) {
	return e.send(ctx, m)
}
