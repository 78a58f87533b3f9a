package flows

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A person's erasure and what others write about them meanwhile. Their own
// chat is answered one input at a time, but staff act in theirs: a social
// worker can be writing an appointment for a mother while she erases her
// data. So her erasure first marks her as being erased, then each
// capability removes what it keeps; and whoever writes something about her
// looks at her afterwards (BeingErased) and takes back what it wrote if she
// is gone or marked. Either the writer sees the mark, or the mark came later
// and the erasure that follows removes what was written: nothing is left
// behind in either order.

// erasingField is the field of the person's hash holding when their erasure
// began, in unix seconds. It goes with the hash at the end of the erasure.
const erasingField = "erasing"

// erasureWindow is how long the mark counts: an erasure that failed half-way
// must not keep a person's records away once they use Nido again.
const erasureWindow = 10 * time.Minute

// markErasing marks p as being erased, before anything of theirs goes.
func (e *Engine) markErasing(ctx context.Context, p Person) error {
	return e.people.SetField(ctx, p.ID, erasingField, strconv.FormatInt(e.now().Unix(), 10))
}

// BeingErased reports whether a person is gone or being erased. A capability
// that wrote something about them, in a step that could have begun before
// their erasure, calls it afterwards and takes back what it wrote if so.
func (e *Engine) BeingErased(ctx context.Context, id int64) (bool, error) {
	v, err := e.cfg.Redis.HMGet(ctx, e.k.person(id), "role", erasingField).Result()
	if err != nil {
		return false, wrap("check person", err)
	}
	if v[0] == nil {
		return true, nil
	}
	mark, _ := v[1].(string)
	return e.erasing(mark), nil
}

// erasing reports whether a person's erasure mark (their hash's
// erasingField) still counts.
func (e *Engine) erasing(mark string) bool {
	began := unixTime(mark)
	return !began.IsZero() && e.now().Sub(began) < erasureWindow
}

// Present loads the people of ids who are there and not being erased, in
// one round trip: what a capability sending to many (a broadcast) reads
// before each batch, rather than Get and BeingErased for each.
func (e *Engine) Present(ctx context.Context, ids []int64) (map[int64]Person, error) {
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := e.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, e.k.person(id))
		}
		return nil
	})
	if err != nil {
		return nil, wrap("load people", err)
	}
	out := make(map[int64]Person, len(ids))
	for i, id := range ids {
		h := cmds[i].Val()
		if per, ok := personFrom(id, h); ok && h["role"] != "" && !e.erasing(h[erasingField]) {
			out[id] = per
		}
	}
	return out, nil
}
