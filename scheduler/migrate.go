package scheduler

import (
	"context"
	"fmt"
)

// Older versions kept every waiting job in one due ZSET besides its owner
// key. migrate moves what such a version queued into the owner keys, so that
// jobs waiting in Redis at an upgrade still run at their time. It runs with
// every planning pass (at start and each PlanInterval); once the old key is
// gone a pass costs one cheap script call.
//
// The two versions mark a job scheduled again while it runs in different
// places, and neither sees the other's mark: an older process acknowledging
// a run could drop a reschedule made by a newer one, and the other way
// round. So this upgrade is not rolling: every older process stops before
// the first newer one starts. (Later restarts of one version may overlap.)

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
