// Package scheduler runs Nido's reminders, tips, check-ins and broadcasts at
// their time, from a durable queue in Redis shared by every Nido process.
//
// It speaks in ids: a Job names its kind, its owner and the ids its Handler
// needs, never message text. The Handler is given to Run: main gives the
// flows engine's, which turns a job into a message for the Telegram layer.
//
// # Guarantee
//
// A scheduled job runs at least once, at or after its due time, unless it is
// cancelled, its Event passes first (it is then dropped as stale), or its
// runs fail or end without an outcome (its lease expired: the process died or
// hung) MaxAttempts times in all, or its Handler returns a Permanent error
// (it then moves to the dead set, listed by Dead). Precisely:
//
//   - Schedule returns nil only once Redis has stored the job; with Redis
//     persistence on (AOF, fsync every write) it survives a crash of Redis.
//   - A job is handed to at most one Handler at a time across all processes
//     sharing one Redis, as long as no Handler runs longer than its context
//     allows (nine tenths of Config.Lease) and the processes' clocks agree
//     within the rest. (A replica promoted after a Redis failover may miss
//     the latest leases, and so may let a job run twice.)
//   - A run is acknowledged only after its Handler returned nil. If the process
//     dies, or Redis is unreachable, between the Handler's return and that
//     acknowledgment, the lease expires and the job runs again: a Handler can
//     see the same job twice and must make its effect idempotent: the flows
//     give each message the id of the job that sends it, and the Telegram
//     layer records that id once Telegram accepted the message and skips it
//     after. A job whose time changes gets a new id from the flows (its
//     version), so that it is sent again.
//   - Scheduling an id that exists replaces the job (a reschedule); the queue
//     holds at most one job per id. If that job is running, the new schedule
//     runs after the running one ends: at its time, or, when that time has
//     come while the job ran, once the running one's lease would have ended.
//   - Recurring rules are planned ahead into the queue (Config.PlanAhead) and
//     each occurrence is queued once, however many processes plan. See Rule
//     for daylight saving time.
//
// Quiet hours (Config.QuietHours) hold back non-urgent jobs, at scheduling
// and again at dispatch, as AdjustForQuiet describes.
//
// # Redis
//
// Keys are listed in keys.go. Every script's keys share the {sched} hash
// tag, so the scheduler works on Redis Cluster, within one slot. Scripts may
// be replayed by the client after a lost reply without harm. The queue is
// kept per owner (see keys.go), which keeps it small: about 280 bytes of
// Redis memory per waiting job (BenchmarkMemoryPerJob). Jobs queued by an
// older version, which kept one ZSET of every waiting job, are moved over by
// the first planning pass and run at their time; that upgrade needs every
// older process stopped first (see migrate.go). Redis 6.2 or newer is needed
// (ZADD LT, ZMSCORE).
package scheduler
