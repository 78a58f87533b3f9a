package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the scheduler's Prometheus series, all named nido_scheduler_*.
// Counters carry the job kind, a small set fixed by the code.
type metrics struct {
	scheduled   *prometheus.CounterVec
	dispatched  *prometheus.CounterVec
	succeeded   *prometheus.CounterVec
	retried     *prometheus.CounterVec
	failed      *prometheus.CounterVec
	stale       *prometheus.CounterVec
	deferred    *prometheus.CounterVec
	setAside    *prometheus.CounterVec
	expired     prometheus.Counter
	cancelled   prometheus.Counter
	redisErrors prometheus.Counter
	lateness    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer, depth func(context.Context) (queueDepth, error)) (*metrics, error) {
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "nido", Subsystem: "scheduler", Name: name, Help: help,
		}, []string{"kind"})
	}
	m := &metrics{
		scheduled:  counter("jobs_scheduled_total", "Jobs scheduled or rescheduled, rule occurrences included."),
		dispatched: counter("jobs_dispatched_total", "Runs handed to the handler."),
		succeeded:  counter("jobs_succeeded_total", "Runs the handler completed (for messages: sent)."),
		retried:    counter("jobs_retried_total", "Failed runs put back in the queue for a retry."),
		failed:     counter("jobs_failed_total", "Jobs moved to the dead set after their last attempt or a permanent error."),
		stale:      counter("jobs_stale_total", "Jobs dropped because the event they remind of had passed."),
		deferred:   counter("jobs_deferred_total", "Jobs that came due in quiet hours and were moved to their end."),
		setAside:   counter("jobs_set_aside_total", "Jobs moved to the dead set because their leases expired at every attempt (counted in failed too)."),
		expired: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "nido", Subsystem: "scheduler", Name: "leases_expired_total",
			Help: "Runs whose lease expired before an outcome was recorded; each counts as an attempt.",
		}),
		cancelled: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "nido", Subsystem: "scheduler", Name: "jobs_cancelled_total",
			Help: "Jobs removed by Cancel or CancelOwner.",
		}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "nido", Subsystem: "scheduler", Name: "redis_errors_total",
			Help: "Failed Redis calls of the dispatch loop and of recording outcomes (each is retried).",
		}),
		lateness: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "nido", Subsystem: "scheduler", Name: "lateness_seconds",
			Help:    "Time from a job's due time to its first run.",
			Buckets: []float64{0.1, 0.5, 1, 2, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86400},
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{
		m.scheduled, m.dispatched, m.succeeded, m.retried, m.failed, m.stale, m.deferred,
		m.setAside, m.expired, m.cancelled, m.redisErrors, m.lateness, depthCollector{depth: depth},
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// maxDepthOwners bounds how many owners with due jobs one scrape looks into,
// so that a large backlog does not make the count block Redis: past it,
// due_now is a lower bound.
const maxDepthOwners = 10000

// queueDepth is how many jobs are in each state.
type queueDepth struct {
	dueNow, scheduled, inflight, dead int64
}

// depthCollector reads the queue's size from Redis at each scrape, so the
// gauges are right whichever process changed the queue.
type depthCollector struct {
	depth func(context.Context) (queueDepth, error)
}

var depthDesc = prometheus.NewDesc("nido_scheduler_queue_jobs",
	"Jobs by state: due_now (waiting and due), scheduled (waiting and not running), inflight (running), dead (failed for good).",
	[]string{"state"}, nil)

// Describe sends the one descriptor of the queue gauges.
func (d depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- depthDesc }

// Collect reads the queue's size. On a Redis error it reports nothing: zeros
// would look like an empty queue, and an invalid metric would fail the whole
// scrape, hiding the other series exactly when they matter.
func (d depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	q, err := d.depth(ctx)
	if err != nil {
		return
	}
	for state, n := range map[string]int64{
		"due_now": q.dueNow, "scheduled": q.scheduled, "inflight": q.inflight, "dead": q.dead,
	} {
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(n), state)
	}
}

// depth counts the jobs in each state in one round trip.
func (s *Scheduler) depth(ctx context.Context) (queueDepth, error) {
	k := s.keys
	n, err := depthScript.Run(ctx, s.rdb, []string{k.next(), k.jobs(), k.inflight(), k.dead()},
		s.clock.Now().UnixMilli(), k.owner(""), maxDepthOwners).Int64Slice()
	if err != nil {
		return queueDepth{}, err
	}
	if len(n) != 4 {
		return queueDepth{}, fmt.Errorf("queue depth: %d counts, want 4", len(n))
	}
	return queueDepth{dueNow: n[0], scheduled: n[1], inflight: n[2], dead: n[3]}, nil
}
