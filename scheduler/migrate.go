package scheduler

import (
	"context"
	"fmt"
)

// Older versions kept every waiting job in one due ZSET besides its owner
// key. migrate moves what such a version queued into the owner keys, so that
// jobs waiting in Redis at an upgrade still run at their time. It runs with
// every planning pass (at start and each PlanInterval), which also covers a
// rolling upgrade where an older process still queues jobs for a while; once
// the old key is gone a pass costs one cheap script call.

// migrateBatch bounds the jobs one migration script moves, so that a large
// queue never blocks Redis for long.
const migrateBatch = 1000

// migrate moves every job of the legacy due ZSET into its owner key.
func (s *Scheduler) migrate(ctx context.Context) error {
	k, moved := s.keys, 0
	for {
		n, err := migrateScript.Run(ctx, s.rdb, []string{k.legacyDue(), k.jobs(), k.next()},
			k.owner(""), migrateBatch).Int()
		if err != nil {
			return fmt.Errorf("move jobs queued by an older version: %w", err)
		}
		moved += n
		if n < migrateBatch {
			if moved > 0 {
				s.log.Info("moved jobs queued by an older version", "jobs", moved)
			}
			return nil
		}
	}
}
