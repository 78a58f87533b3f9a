package scheduler_test

import (
	"context"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"nido/scheduler"
)

// reminders stands for the flows engine's Handler.
type reminders struct{}

func (reminders) Handle(ctx context.Context, j scheduler.Job) error {
	// Look up j.Args["appointment"], render the message in the person's
	// language, send it, record j.ID as sent; return nil once
	// Telegram accepted it, scheduler.Permanent(err) if the person blocked
	// the bot.
	return nil
}

// How main wires the scheduler and a flow schedules a reminder.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	s, err := scheduler.New(rdb, scheduler.Config{
		QuietHours: "21:00-08:00", // NIDO_QUIET_HOURS, checked with ParseQuietHours
		Registerer: prometheus.NewRegistry(),
		Logger:     slog.Default(),
	})
	if err != nil {
		panic(err)
	}
	visit := time.Date(2026, 5, 14, 10, 0, 0, 0, time.Local)
	_ = s.Schedule(ctx, scheduler.Job{
		ID:    "appt:42:remind-24h",
		Kind:  "appointment.reminder",
		Owner: "m:7",
		Due:   visit.Add(-24 * time.Hour),
		Event: visit,
		Args:  map[string]string{"appointment": "42"},
	})
	_ = s.AddRule(ctx, scheduler.Rule{
		ID: "visit:f3:m7", Spec: "0 18 * * 3", Kind: "visit.reminder", Owner: "m:7",
		EventAfter: 16 * time.Hour, Args: map[string]string{"family": "f3"},
	})
	_ = s.Run(ctx, reminders{}) // until SIGTERM, then drains running handlers
}
