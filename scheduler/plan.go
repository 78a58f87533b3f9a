package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"
)

// Planning turns rules into one-off jobs. It never relies on a tick landing
// at an exact moment: each pass queues every occurrence up to PlanAhead from
// now, and the rule's record says how far it has been planned, so a pass
// that comes late, twice, or in two processes at once queues each occurrence
// once (planScript is a compare-and-set on that record).
//
// After a downtime longer than PlanAhead the occurrences that went by
// unplanned collapse into one: the latest of them is queued, due at once,
// and the others are skipped, as a person would want one "how did this week
// go?" rather than five.

// maxPlanBatch bounds the occurrences queued by one script call.
const maxPlanBatch = 100

// occurrence is one planned run of a rule: its local wall time (read as UTC)
// and the instant it maps to.
type occurrence struct {
	wall, at time.Time
}

// plan queues the occurrences of every rule that needs it, after moving any
// job queued by an older version (see migrate).
func (s *Scheduler) plan(ctx context.Context) error {
	if err := s.migrate(ctx); err != nil {
		return err
	}
	now := s.clock.Now()
	horizon := itoa(now.Add(s.cfg.PlanAhead).UnixMilli())
	ids, err := s.rdb.ZRangeByScore(ctx, s.keys.ruleNext(), &redis.ZRangeBy{Min: "-inf", Max: horizon}).Result()
	if err != nil {
		return fmt.Errorf("list rules to plan: %w", err)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxPlanBatch)]
		ids = ids[len(chunk):]
		recs, err := s.rdb.HMGet(ctx, s.keys.rules(), chunk...).Result()
		if err != nil {
			return fmt.Errorf("read rules to plan: %w", err)
		}
		for i, v := range recs {
			rec, ok := v.(string)
			if !ok {
				continue // removed meanwhile
			}
			if err := s.planRule(ctx, chunk[i], rec, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// planRule queues the occurrences of one rule up to the horizon, in batches.
// When another process changed the rule meanwhile it stops: that process planned it.
func (s *Scheduler) planRule(ctx context.Context, id, cur string, now time.Time) error {
	for {
		r, err := decodeRule(id, cur)
		if err != nil {
			s.log.Error("skipping a rule that cannot be read", "rule", id, "error", err)
			return nil
		}
		sched, err := s.parser.Parse(r.Spec)
		if err != nil {
			s.log.Error("skipping a rule whose spec does not parse", "rule", id, "error", err)
			return nil
		}
		occ, next, ended := planOccurrences(&r, sched, now, now.Add(s.cfg.PlanAhead), s.loc)
		rec := ""
		if !ended {
			rec = r.encode()
		}
		k := s.keys
		argv := []any{id, cur, rec, next.UnixMilli(), r.Owner}
		for _, o := range occ {
			j := s.occurrenceJob(id, r, o, now)
			argv = append(argv, j.ID, encodeJob(j), waitScore(j.Due))
		}
		added, err := planScript.Run(ctx, s.rdb, []string{
			k.rules(), k.ruleNext(), k.ownerRules(r.Owner), k.jobs(), k.owner(r.Owner), k.next(),
		}, argv...).Int()
		if err != nil {
			return fmt.Errorf("plan rule %s: %w", id, err)
		}
		if added < 0 {
			return nil // another process planned it
		}
		s.metrics.scheduled.WithLabelValues(r.Kind).Add(float64(added))
		if ended || len(occ) < maxPlanBatch {
			return nil
		}
		cur = rec
	}
}

// planOccurrences advances r past the occurrences to queue now and returns
// them, the instant of the next one still to plan, and whether the rule has
// no occurrence left. Occurrences before now collapse into the latest one;
// then come those up to horizon, at most maxPlanBatch in all. An occurrence
// mapping to the same instant as the previous one (two wall times folded by
// the DST gap) is skipped.
func planOccurrences(r *ruleRecord, sched cron.Schedule, now, horizon time.Time, loc *time.Location) ([]occurrence, time.Time, bool) {
	wall := time.UnixMilli(r.Wall).UTC()
	last := time.UnixMilli(r.Last)
	peek := func() (occurrence, bool) {
		w := sched.Next(wall)
		if w.IsZero() { // no match within five years, such as "0 0 30 2 *"
			return occurrence{}, false
		}
		at := fromWall(w, loc)
		return occurrence{w, at}, r.End == 0 || !at.After(time.UnixMilli(r.End))
	}
	// Occurrences already past: keep only the latest.
	var occ []occurrence
	for {
		o, ok := peek()
		if !ok {
			return occ, time.Time{}, true
		}
		if !o.at.Before(now) {
			break
		}
		wall = o.wall
		if o.at.After(last) {
			occ, last = []occurrence{o}, o.at
		}
	}
	// Then those up to the horizon.
	for len(occ) < maxPlanBatch {
		o, ok := peek()
		if !ok {
			return occ, time.Time{}, true
		}
		if o.at.After(horizon) {
			break
		}
		wall = o.wall
		if o.at.After(last) {
			occ, last = append(occ, o), o.at
		}
	}
	r.Wall, r.Last = wall.UnixMilli(), last.UnixMilli()
	o, ok := peek()
	return occ, o.at, !ok
}

// occurrenceJob is the one-off job for one occurrence of a rule.
func (s *Scheduler) occurrenceJob(id string, r ruleRecord, o occurrence, now time.Time) Job {
	j := Job{
		ID:     id + "@" + o.wall.Format("20060102T1504"),
		Kind:   r.Kind,
		Owner:  r.Owner,
		Args:   r.Args,
		Urgent: r.Urgent,
		Due:    o.at,
	}
	if r.EventAfter > 0 {
		j.Event = o.at.Add(r.EventAfter)
	}
	if !j.Urgent {
		j.Due = s.quiet.adjust(j.Due, j.Event, now, s.loc)
	}
	return j
}
