package redistest_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"nido/scheduler/redistest"
)

// A write on the master is read on the replica it promotes, through a client
// that follows the master, as Nido's does.
func TestSentinelFailover(t *testing.T) {
	s := redistest.StartSentinel(t)
	c := s.Client()
	ctx := context.Background()
	before := s.Master()
	// WAIT on the connection of the write: the replica has it.
	var replicas *redis.Cmd
	if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "k", "v", 0)
		replicas = p.Do(ctx, "WAIT", 1, 0)
		return nil
	}); err != nil || replicas.Val() != int64(1) {
		t.Fatalf("write and wait for the replica: %v, %v", replicas.Val(), err)
	}
	took := s.Failover()
	t.Logf("failover took %s", took)
	if s.Master() == before {
		t.Fatal("the master did not change")
	}
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("after the failover: %q, %v", got, err)
	}
	if err := c.Set(ctx, "k", "w", 0).Err(); err != nil {
		t.Fatalf("write on the new master: %v", err)
	}
}
