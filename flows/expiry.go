package flows

import "time"

// minKeep is the shortest cleanup TTL Nido gives Redis, so that a record
// whose time has already passed on Nido's clock is still there for the step
// that is writing it.
const minKeep = time.Hour

// KeepUntil is the TTL that lets Redis clean a key up once until has passed.
// Redis counts TTLs in real time while Nido's clock may be a test's or the
// demo's, so Redis only ever gets a duration, never an absolute time: an
// instant taken from a clock set in another year would drop the key at once,
// or keep it for years. Whether a record is still valid is decided from the
// times stored in it, against Nido's clock; the TTL is only a backstop.
func KeepUntil(now, until time.Time) time.Duration {
	return max(until.Sub(now), minKeep)
}
