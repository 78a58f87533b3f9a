package bot

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Kinds of send error, as the label of nido_bot_send_errors_total.
const (
	errKind429   = "429"
	errKind403   = "403"
	errKind400   = "400"
	errKindOther = "other"
)

// metrics are the Telegram layer's counters, registered on the registry main passes in.
type metrics struct {
	sent       prometheus.Counter
	sendErrors *prometheus.CounterVec
	waits      prometheus.Counter
	received   prometheus.Counter
	duplicates prometheus.Counter
	panics     prometheus.Counter
	abandoned  prometheus.Counter
	latency    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_messages_sent_total", Help: "Messages and documents Telegram accepted.",
		}),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nido_bot_send_errors_total", Help: "Telegram calls that failed, by kind (429, 403, 400, other).",
		}, []string{"kind"}),
		waits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_rate_limit_waits_total", Help: "Times a 429 made Nido wait retry_after and try again.",
		}),
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_updates_received_total", Help: "Updates received from Telegram, duplicates included.",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_updates_duplicate_total", Help: "Updates dropped because their id was stored before.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_handler_panics_total", Help: "Updates whose handling panicked and was recovered.",
		}),
		abandoned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_bot_updates_abandoned_total", Help: "Updates given up because handling them ended the process each time.",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nido_bot_handler_seconds", Help: "Time the flows took to handle one update.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
	}
	for _, c := range []prometheus.Collector{m.sent, m.sendErrors, m.waits, m.received, m.duplicates, m.panics, m.abandoned, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register bot metrics: %w", err)
		}
	}
	return m, nil
}
