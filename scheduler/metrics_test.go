package scheduler

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, Config{Registerer: reg, MaxAttempts: 2})
	e.rec.fail = func(j Job) error {
		if j.ID == "bad" {
			return errors.New("boom")
		}
		return nil
	}
	for _, id := range []string{"ok", "bad", "later", "cancelled"} {
		due := at(t, "2026-05-12 10:00")
		if id == "later" {
			due = at(t, "2026-05-13 10:00")
		}
		e.schedule(t, Job{ID: id, Kind: "tip", Owner: "m:1", Due: due})
	}
	if err := e.s.Cancel(context.Background(), "cancelled"); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(90e9) // 90 seconds late
	e.runDue(t)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() == "state" {
					name += "{" + l.GetValue() + "}"
				}
			}
			switch {
			case m.Counter != nil:
				got[name] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				got[name] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				got[name+"_count"] = float64(m.GetHistogram().GetSampleCount())
				got[name+"_sum"] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	want := map[string]float64{
		"nido_scheduler_jobs_scheduled_total":   4,
		"nido_scheduler_jobs_dispatched_total":  2,
		"nido_scheduler_jobs_succeeded_total":   1,
		"nido_scheduler_jobs_retried_total":     1,
		"nido_scheduler_jobs_cancelled_total":   1,
		"nido_scheduler_lateness_seconds_count": 2,
		"nido_scheduler_lateness_seconds_sum":   180,
		"nido_scheduler_queue_jobs{scheduled}":  2, // "later" and the retry of "bad"
		"nido_scheduler_queue_jobs{due_now}":    0,
		"nido_scheduler_queue_jobs{inflight}":   0,
		"nido_scheduler_queue_jobs{dead}":       0,
		"nido_scheduler_jobs_failed_total":      0,
		"nido_scheduler_jobs_stale_total":       0,
		"nido_scheduler_jobs_deferred_total":    0,
	}
	for name, w := range want {
		if g, ok := got[name]; (!ok && w != 0) || g != w {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
	}
}

func TestDepthCountsJobsByState(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	for id, due := range map[string]string{
		"a": "2026-05-12 09:00", "b": "2026-05-12 09:30", // m:1
		"c": "2026-05-12 09:45", "d": "2026-05-12 12:00", // m:2
		"e": "2026-05-12 11:00", // m:3
	} {
		owner := map[string]string{"a": "m:1", "b": "m:1", "c": "m:2", "d": "m:2", "e": "m:3"}[id]
		e.schedule(t, Job{ID: id, Kind: "tip", Owner: owner, Due: at(t, due)})
	}
	if got, err := e.s.claim(ctx, 1); err != nil || len(got) != 1 || got[0].job.ID != "a" {
		t.Fatalf("claim = %v, %v; want the earliest job, a", got, err)
	}
	got, err := e.s.depth(ctx)
	if want := (queueDepth{dueNow: 2, scheduled: 4, inflight: 1}); err != nil || got != want {
		t.Errorf("depth = %+v, %v; want %+v", got, err, want)
	}
}
