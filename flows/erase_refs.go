package flows

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// What other people's records say about someone who erased their data.
// Staff and administrators leave their Telegram id behind as the one who
// invited a person (a person's "invited_by"), and, in the capabilities'
// records, as the one who made, changed or cancelled something; their
// erasure turns those into 0, "someone who left", so that no record of the
// network still names them. A mother's own records go with her, through
// each capability's Erase.

// Ref is one field of one record (a HASH) that may name an author.
type Ref struct {
	Key, Field string
}

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

// ForgetAuthor turns author into 0 in each of refs that names them, in one
// round trip. Capabilities call it from their Capability.ForgetAuthor.
func (e *Engine) ForgetAuthor(ctx context.Context, author int64, refs []Ref) error {
	if len(refs) == 0 {
		return nil
	}
	id := id64(author)
	_, err := e.cfg.Redis.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, r := range refs {
			forgetScript.Eval(ctx, pipe, []string{r.Key}, r.Field, id)
		}
		return nil
	})
	return wrap("forget an erased author", err)
}

// eraseReferences forgets p in the records of the organisations p could
// act in: their own, or every one for an administrator.
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
	for _, org := range orgs {
		if org == "" {
			continue
		}
		var refs []Ref
		for _, role := range []string{RoleStaff, RoleMother, RoleFamily} {
			ids, err := e.cfg.Redis.ZRange(ctx, e.k.members(org, role), 0, -1).Result()
			if err != nil {
				return wrap("list people to forget an inviter", err)
			}
			for _, m := range ids {
				uid, _ := strconv.ParseInt(m, 10, 64)
				refs = append(refs, Ref{e.k.person(uid), "invited_by"})
			}
		}
		if err := e.ForgetAuthor(ctx, p.ID, refs); err != nil {
			return err
		}
		for _, c := range e.caps {
			if c.ForgetAuthor == nil {
				continue
			}
			if err := c.ForgetAuthor(ctx, org, p.ID); err != nil {
				return fmt.Errorf("%s: forget an erased author: %w", c.Name, err)
			}
		}
	}
	return nil
}
