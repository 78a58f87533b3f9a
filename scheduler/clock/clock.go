// Package clock gives Nido one source of "now" that production reads from the
// system and that tests and the demo move by hand, so that the same code can
// be driven a day forward in a second.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock.
type System struct{}

// Now returns the system time.
func (System) Now() time.Time { return time.Now() }

// Manual is a clock that moves only when told to; it is safe for concurrent use.
// Waiters learn that it moved through Changed, so a dispatcher reacts to a
// move at once instead of polling.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	changed chan struct{}
}

// NewManual returns a manual clock reading t.
func NewManual(t time.Time) *Manual {
	return &Manual{now: t, changed: make(chan struct{})}
}

// Now returns the time the clock was last set to.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t (forward or back) and wakes every waiter.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t
	m.notify()
}

// Advance moves the clock forward by d, wakes every waiter and returns the new time.
func (m *Manual) Advance(d time.Duration) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
	m.notify()
	return m.now
}

// Changed returns a channel that is closed the next time the clock moves.
// Call it again after each wake-up to wait for the following move.
func (m *Manual) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

// notify closes the current channel, which wakes all waiters at once, and
// arms a new one for the next move. The caller holds mu.
func (m *Manual) notify() {
	close(m.changed)
	m.changed = make(chan struct{})
}
