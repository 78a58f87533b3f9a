package bot

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// RedisMetrics is a go-redis hook counting what Nido asks of Redis: round
// trips (one command, or one pipeline or transaction) and the commands they
// carry, as nido_redis_round_trips_total and nido_redis_commands_total. A
// script counts as one command here; the commands it runs inside Redis are
// in Redis's own INFO commandstats. main adds it to the one client every
// package shares.
type RedisMetrics struct {
	trips, cmds prometheus.Counter
}

// NewRedisMetrics registers the counters on reg.
func NewRedisMetrics(reg prometheus.Registerer) (*RedisMetrics, error) {
	m := &RedisMetrics{
		trips: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_redis_round_trips_total", Help: "Round trips to Redis: single commands, pipelines and transactions.",
		}),
		cmds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nido_redis_commands_total", Help: "Commands sent to Redis (a script is one).",
		}),
	}
	for _, c := range []prometheus.Collector{m.trips, m.cmds} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register redis metrics: %w", err)
		}
	}
	return m, nil
}

func (m *RedisMetrics) DialHook(next redis.DialHook) redis.DialHook { return next }

func (m *RedisMetrics) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		m.trips.Inc()
		m.cmds.Inc()
		return next(ctx, cmd)
	}
}

func (m *RedisMetrics) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		m.trips.Inc()
		m.cmds.Add(float64(len(cmds)))
		return next(ctx, cmds)
	}
}
