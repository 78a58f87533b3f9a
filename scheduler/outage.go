package scheduler

import (
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// outage tracks whether Redis answers, so that an outage is logged once when
// it starts and once when it ends instead of once per failed call.
type outage struct {
	log    *slog.Logger
	errors prometheus.Counter
	mu     sync.Mutex
	down   bool
	since  time.Time
}

// failed records a failed Redis call.
func (o *outage) failed(err error) {
	o.errors.Inc()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		return
	}
	o.down = true
	o.since = time.Now()
	o.log.Error("redis unavailable; retrying with backoff", "error", err)
}

// ok records a successful Redis call.
func (o *outage) ok() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down {
		return
	}
	o.down = false
	o.log.Info("redis available again", "outage", time.Since(o.since).Round(time.Millisecond).String())
}

// redisBackoff is the real-time wait before the n-th consecutive retry of a
// failed Redis call (n from 1): 100ms doubling up to 5s. It is real time, not
// the scheduler's clock, because a manual clock would never let it end.
func redisBackoff(n int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < n && d < 5*time.Second; i++ {
		d *= 2
	}
	return min(d, 5*time.Second)
}
