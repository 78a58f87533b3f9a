package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Roles a person can have. Admins come from NIDO_ADMIN_IDS; everyone else joins
// through an invite and belongs to exactly one organisation.
const (
	RoleAdmin  = "admin"
	RoleStaff  = "staff"
	RoleMother = "mother"
	RoleFamily = "family"
)

// Person is what Nido keeps about someone who signed up.
type Person struct {
	ID        int64
	Role      string
	OrgID     string
	Lang      string
	Name      string
	InvitedBy int64
	// Invite is the code the person joined with, erased with them.
	Invite  string
	Consent time.Time
	Joined  time.Time
	// Unreachable is set when Telegram said the person blocked Nido.
	Unreachable bool
}

// Org is one organisation of the network: a shelter, an association, a cooperative.
type Org struct {
	ID      string
	Name    string
	Created time.Time
}

// errNotFound means there is no such record.
var errNotFound = errors.New("not found")

// People stores persons and organisations in Redis.
type People struct {
	rdb redis.UniversalClient
	k   keys
}

// Get loads a person; found is false for someone who never signed up or erased their data.
func (p *People) Get(ctx context.Context, id int64) (Person, bool, error) {
	h, err := p.rdb.HGetAll(ctx, p.k.person(id)).Result()
	if err != nil {
		return Person{}, false, fmt.Errorf("load person: %w", err)
	}
	per, ok := personFrom(id, h)
	return per, ok, nil
}

func personFrom(id int64, h map[string]string) (Person, bool) {
	if len(h) == 0 {
		return Person{}, false
	}
	per := Person{
		ID: id, Role: h["role"], OrgID: h["org"], Lang: h["lang"], Name: h["name"],
		Unreachable: h["unreachable"] == "1",
	}
	per.InvitedBy, _ = strconv.ParseInt(h["invited_by"], 10, 64)
	per.Invite = h["invite"]
	per.Consent = unixTime(h["consent"])
	per.Joined = unixTime(h["joined"])
	return per, true
}

// Save writes a person and their membership of their organisation.
func (p *People) Save(ctx context.Context, per Person) error {
	unreachable := "0"
	if per.Unreachable {
		unreachable = "1"
	}
	_, err := p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, p.k.person(per.ID), map[string]any{
			"role": per.Role, "org": per.OrgID, "lang": per.Lang, "name": per.Name,
			"invited_by": per.InvitedBy, "invite": per.Invite, "consent": per.Consent.Unix(), "joined": per.Joined.Unix(),
			"unreachable": unreachable,
		})
		if per.OrgID != "" {
			pipe.ZAdd(ctx, p.k.members(per.OrgID, per.Role), redis.Z{Score: float64(per.Joined.Unix()), Member: per.ID})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save person: %w", err)
	}
	return nil
}

// SetField changes one field of a person who exists.
func (p *People) SetField(ctx context.Context, id int64, field, value string) error {
	// HSETXX does not exist; a person erased meanwhile must not come back as a
	// one-field ghost, hence the check in Lua.
	const script = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return -1`
	if err := p.rdb.Eval(ctx, script, []string{p.k.person(id)}, field, value).Err(); err != nil {
		return fmt.Errorf("set %s: %w", field, err)
	}
	return nil
}

// Erase removes a person and their memberships.
func (p *People) Erase(ctx context.Context, per Person) error {
	_, err := p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Del(ctx, p.k.person(per.ID), p.k.conv(per.ID), p.k.inviteFails(per.ID))
		if per.OrgID != "" {
			pipe.ZRem(ctx, p.k.members(per.OrgID, per.Role), per.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("erase person: %w", err)
	}
	return nil
}

// Members lists the people of one role in an organisation, oldest first.
func (p *People) Members(ctx context.Context, orgID, role string) ([]Person, error) {
	ids, err := p.rdb.ZRange(ctx, p.k.members(orgID, role), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, s := range ids {
			id, _ := strconv.ParseInt(s, 10, 64)
			cmds[i] = pipe.HGetAll(ctx, p.k.person(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	out := make([]Person, 0, len(ids))
	for i, s := range ids {
		id, _ := strconv.ParseInt(s, 10, 64)
		if per, ok := personFrom(id, cmds[i].Val()); ok {
			out = append(out, per)
		}
	}
	return out, nil
}

// CreateOrg adds an organisation and returns it.
func (p *People) CreateOrg(ctx context.Context, name string, now time.Time) (Org, error) {
	n, err := p.rdb.Incr(ctx, p.k.orgSeq()).Result()
	if err != nil {
		return Org{}, fmt.Errorf("org id: %w", err)
	}
	o := Org{ID: strconv.FormatInt(n, 10), Name: name, Created: now}
	_, err = p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, p.k.org(o.ID), "name", name, "created", now.Unix())
		pipe.ZAdd(ctx, p.k.orgs(), redis.Z{Score: float64(now.Unix()), Member: o.ID})
		return nil
	})
	if err != nil {
		return Org{}, fmt.Errorf("create org: %w", err)
	}
	return o, nil
}

// Org loads one organisation.
func (p *People) Org(ctx context.Context, id string) (Org, error) {
	h, err := p.rdb.HGetAll(ctx, p.k.org(id)).Result()
	if err != nil {
		return Org{}, fmt.Errorf("load org: %w", err)
	}
	if len(h) == 0 {
		return Org{}, errNotFound
	}
	return Org{ID: id, Name: h["name"], Created: unixTime(h["created"])}, nil
}

// Orgs lists every organisation, oldest first.
func (p *People) Orgs(ctx context.Context) ([]Org, error) {
	ids, err := p.rdb.ZRange(ctx, p.k.orgs(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	out := make([]Org, 0, len(ids))
	for _, id := range ids {
		o, err := p.Org(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}
