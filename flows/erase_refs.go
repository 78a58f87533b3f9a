package flows

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// What other people's records say about someone who erased their data.
// Staff and administrators leave their Telegram id behind as the one who
// invited a person (a person's "invited_by"), made an appointment, a group
// or a meeting (its "by") or cancelled an appointment ("cancelled_by"); their erasure turns those into 0, "someone
// who left", so that no record of the network still names them. A mother's own records go with
// her (see appointment_erase.go and group_store.go).

// forgetScript sets a field to 0 where it names the one erased, and only in
// a record that still exists (a record erased meanwhile must not come back
// as a one-field ghost).
// KEYS[1] the record. ARGV[1] field, ARGV[2] the erased person's id.
var forgetScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HSET', KEYS[1], ARGV[1], '0')
end
return 0
`)

// eraseReferences forgets p in the records of the organisations p could
// act in: their own, or every one for an administrator. It is one of
// Erase's erasers.
func (e *Engine) eraseReferences(ctx context.Context, p Person) error {
	if p.Role != RoleStaff && p.Role != RoleAdmin {
		return nil
	}
	orgs := []string{p.OrgID}
	if p.Role == RoleAdmin {
		all, err := e.people.Orgs(ctx)
		if err != nil {
			return err
		}
		orgs = orgs[:0]
		for _, o := range all {
			orgs = append(orgs, o.ID)
		}
	}
	id := id64(p.ID)
	for _, org := range orgs {
		if org == "" {
			continue
		}
		var refs []struct{ key, field string }
		for _, role := range []string{RoleStaff, RoleMother, RoleFamily} {
			ids, err := e.cfg.Redis.ZRange(ctx, e.k.members(org, role), 0, -1).Result()
			if err != nil {
				return wrap("list people to forget an inviter", err)
			}
			for _, m := range ids {
				uid, _ := strconv.ParseInt(m, 10, 64)
				refs = append(refs, struct{ key, field string }{e.k.person(uid), "invited_by"})
			}
		}
		appts, err := e.cfg.Redis.ZRange(ctx, e.k.orgAppts(org), 0, -1).Result()
		if err != nil {
			return wrap("list appointments to forget their author", err)
		}
		for _, a := range appts {
			refs = append(refs, struct{ key, field string }{e.k.appt(a), "by"},
				struct{ key, field string }{e.k.appt(a), "cancelled_by"})
		}
		groups, err := e.cfg.Redis.ZRange(ctx, e.k.orgGroups(org), 0, -1).Result()
		if err != nil {
			return wrap("list groups to forget their author", err)
		}
		for _, g := range groups {
			refs = append(refs, struct{ key, field string }{e.k.group(g), "by"})
			meetings, err := e.cfg.Redis.ZRange(ctx, e.k.groupMeetings(g), 0, -1).Result()
			if err != nil {
				return wrap("list meetings to forget their author", err)
			}
			for _, m := range meetings {
				refs = append(refs, struct{ key, field string }{e.k.meeting(m), "by"})
			}
		}
		_, err = e.cfg.Redis.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for _, r := range refs {
				forgetScript.Eval(ctx, pipe, []string{r.key}, r.field, id)
			}
			return nil
		})
		if err != nil {
			return wrap("forget an erased person in their organisation's records", err)
		}
	}
	return nil
}
