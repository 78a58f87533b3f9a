package group

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Directory is what other capabilities may read of the mutual-aid groups:
// their names and who is in them, never what the mothers answered. A
// broadcast to "one group" reaches its mothers through it. It speaks in
// plain values, so that its readers need not import this package.
type Directory struct{ st groups }

// NewDirectory reads the groups kept under prefix in rdb.
func NewDirectory(rdb redis.UniversalClient, prefix string) Directory {
	return Directory{st: groups{rdb: rdb, k: keys{prefix: prefix}}}
}

// GroupsOf lists an organisation's groups, oldest first: their ids and names.
func (d Directory) GroupsOf(ctx context.Context, org string) (ids, names []string, err error) {
	gs, err := d.st.ofOrg(ctx, org)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range gs {
		ids, names = append(ids, g.ID), append(names, g.Name)
	}
	return ids, names, nil
}

// GroupInfo is a group's organisation and name; ok is false when there is none.
func (d Directory) GroupInfo(ctx context.Context, id string) (org, name string, ok bool, err error) {
	if !isID(id) {
		return "", "", false, nil
	}
	g, ok, err := d.st.group(ctx, id)
	if err != nil || !ok {
		return "", "", false, err
	}
	return g.Org, g.Name, true, nil
}

// GroupMothers lists the ids of the mothers in a group, in the order they
// were added. The caller still checks that each is a mother of the group's
// organisation.
func (d Directory) GroupMothers(ctx context.Context, id string) ([]int64, error) {
	g, ok, err := d.st.group(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return d.st.members(ctx, g)
}
