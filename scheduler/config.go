package scheduler

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"

	"nido/scheduler/clock"
)

// Config tunes a Scheduler; the zero value of every field means its default.
type Config struct {
	// Prefix starts every Redis key ("nido" by default).
	Prefix string
	// Location is where rules and quiet hours are read (Europe/Rome by default).
	Location *time.Location
	// QuietHours is the daily window in which nudges wait, as read by
	// ParseQuietHours: "21:00-08:00" by default, "off" for none.
	QuietHours string
	// Lease is how long a claimed job may run before another process may take
	// it over (1 minute by default); a handler gets nine tenths of it.
	Lease time.Duration
	// Workers is how many jobs one process runs at once (8 by default).
	Workers int
	// MaxAttempts is how many runs a failing job gets before it is dead (5 by default).
	MaxAttempts int
	// RetryBackoff is the wait before the first retry (30 seconds by
	// default); it doubles with each attempt, up to an hour, plus up to a
	// quarter more at random so that jobs failed together do not retry together.
	RetryBackoff time.Duration
	// MaxDead is how many failed jobs are kept for staff (10,000 by default).
	MaxDead int
	// PollInterval is how often Run looks for due jobs when nothing woke it (1 second by default).
	PollInterval time.Duration
	// PlanAhead is how far ahead occurrences of rules are put in the queue
	// (48 hours by default), so a stopped planner loses nothing for that long.
	PlanAhead time.Duration
	// PlanInterval is how often Run plans rules (1 minute by default).
	PlanInterval time.Duration
	// DrainTimeout is how long a stopped Run waits for the jobs it is
	// running (10 seconds by default); then their handlers are cancelled and
	// the jobs given back, due at once, for another process to run.
	DrainTimeout time.Duration
	// Clock tells the time (the system clock by default).
	Clock clock.Clock
	// Logger receives ids only, never message text (slog.Default() by default).
	Logger *slog.Logger
	// Registerer receives the metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
}

// Scheduler runs jobs at their time; see the package documentation.
type Scheduler struct {
	rdb            redis.UniversalClient
	cfg            Config
	loc            *time.Location
	quiet          QuietHours
	keys           keys
	clock          clock.Clock
	log            *slog.Logger
	metrics        *metrics
	outage         *outage
	parser         cron.Parser
	handlerTimeout time.Duration
	// wake nudges Run: a job became due here or a worker became free.
	wake chan struct{}
}

// New checks cfg, fills in the defaults and registers the metrics.
// The handler comes with Run, so that what schedules jobs can be built with
// the scheduler before the handler exists.
func New(rdb redis.UniversalClient, cfg Config) (*Scheduler, error) {
	if rdb == nil {
		return nil, errors.New("scheduler: a Redis client is required")
	}
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	quiet, err := ParseQuietHours(cfg.QuietHours)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s := &Scheduler{
		rdb:            rdb,
		cfg:            cfg,
		loc:            cfg.Location,
		quiet:          quiet,
		keys:           newKeys(cfg.Prefix),
		clock:          cfg.Clock,
		log:            cfg.Logger.With("component", "scheduler"),
		parser:         cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow),
		handlerTimeout: cfg.Lease - cfg.Lease/10,
		wake:           make(chan struct{}, 1),
	}
	if s.metrics, err = newMetrics(cfg.Registerer, s.depth); err != nil {
		return nil, fmt.Errorf("scheduler: register metrics: %w", err)
	}
	s.outage = &outage{log: s.log, errors: s.metrics.redisErrors}
	return s, nil
}

func (c *Config) fill() error {
	if c.Prefix == "" {
		c.Prefix = "nido"
	}
	if c.Location == nil {
		loc, err := time.LoadLocation("Europe/Rome")
		if err != nil {
			return fmt.Errorf("scheduler: load Europe/Rome: %w", err)
		}
		c.Location = loc
	}
	setDefault(&c.Lease, time.Minute)
	setDefault(&c.Workers, 8)
	setDefault(&c.MaxAttempts, 5)
	setDefault(&c.RetryBackoff, 30*time.Second)
	setDefault(&c.MaxDead, 10000)
	setDefault(&c.PollInterval, time.Second)
	setDefault(&c.PlanAhead, 48*time.Hour)
	setDefault(&c.PlanInterval, time.Minute)
	setDefault(&c.DrainTimeout, 10*time.Second)
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Lease < time.Second || c.Workers < 1 || c.MaxAttempts < 1 || c.MaxDead < 1 {
		return errors.New("scheduler: Lease must be at least 1s and Workers, MaxAttempts, MaxDead at least 1")
	}
	return nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
