package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Schedule puts a job in the queue, or replaces the job with the same ID
// (which moves it to its new due time). A non-urgent job due in quiet hours
// is moved as AdjustForQuiet says. Scheduling an ID whose job already ran
// schedules it again: the scheduler keeps no memory of finished jobs.
func (s *Scheduler) Schedule(ctx context.Context, j Job) error {
	if err := j.validate(); err != nil {
		return err
	}
	now := s.clock.Now()
	if !j.Urgent {
		j.Due = s.quiet.adjust(j.Due, j.Event, now, s.loc)
	}
	j.Attempt = 0
	due := waitScore(j.Due)
	err := scheduleScript.Run(ctx, s.rdb,
		[]string{s.keys.jobs(), s.keys.owner(j.Owner), s.keys.next(), s.keys.legacyDue()},
		j.ID, encodeJob(j), due, j.Owner).Err()
	if err != nil {
		if isOwnerError(err) {
			return fmt.Errorf("schedule %s: %w", j.ID, ErrOwnerChanged)
		}
		return fmt.Errorf("schedule %s: %w", j.ID, err)
	}
	s.metrics.scheduled.WithLabelValues(j.Kind).Inc()
	if due <= now.UnixMilli() {
		s.signal()
	}
	return nil
}

func isOwnerError(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), "OWNER")
}

// AdjustForQuiet returns when a non-urgent job due at due, reminding of event
// (zero if none), would really run: outside quiet hours at due; inside, at
// their end, unless event comes at or before that end, in which case just
// before quiet hours began (the evening before a morning event) if that is
// still ahead, else at due. Flows use it to tell a person the real time.
func (s *Scheduler) AdjustForQuiet(due, event time.Time) time.Time {
	return s.quiet.adjust(due, event, s.clock.Now(), s.loc).In(s.loc)
}

// Cancel removes a job whether it is waiting or running; a running handler
// is not interrupted, but its result is ignored. Cancelling an unknown id is
// not an error.
func (s *Scheduler) Cancel(ctx context.Context, id string) error {
	for range 5 {
		body, err := s.rdb.HGet(ctx, s.keys.jobs(), id).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("cancel %s: %w", id, err)
		}
		owner := ownerOf(body)
		n, err := cancelScript.Run(ctx, s.rdb,
			[]string{s.keys.jobs(), s.keys.inflight(), s.keys.leases(), s.keys.owner(owner), s.keys.next()},
			id, owner).Int()
		if err != nil {
			return fmt.Errorf("cancel %s: %w", id, err)
		}
		if n >= 0 {
			s.metrics.cancelled.Add(float64(n))
			return nil
		}
	}
	return fmt.Errorf("cancel %s: its owner keeps changing", id)
}

// CancelOwner erases everything the scheduler holds about one owner: waiting
// and running jobs, failed jobs and recurring rules. It returns how many jobs
// and rules it removed.
func (s *Scheduler) CancelOwner(ctx context.Context, owner string) (int, error) {
	if owner == "" {
		return 0, errors.New("scheduler: CancelOwner needs an owner")
	}
	k := s.keys
	n, err := cancelOwnerScript.Run(ctx, s.rdb, []string{
		k.jobs(), k.inflight(), k.leases(), k.owner(owner), k.next(),
		k.dead(), k.deadJobs(), k.rules(), k.ruleNext(), k.ownerRules(owner),
	}, owner).Int()
	if err != nil {
		return 0, fmt.Errorf("cancel jobs of an owner: %w", err)
	}
	s.metrics.cancelled.Add(float64(n))
	return n, nil
}

// Get returns the job with this id while it is waiting or running.
func (s *Scheduler) Get(ctx context.Context, id string) (Job, bool, error) {
	body, err := s.rdb.HGet(ctx, s.keys.jobs(), id).Result()
	if errors.Is(err, redis.Nil) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("get job %s: %w", id, err)
	}
	j, err := s.decode(id, body)
	if err != nil {
		return Job{}, false, err
	}
	return j, true, nil
}

// ListOwner returns the waiting and running jobs of one owner, soonest first,
// for "show my data".
func (s *Scheduler) ListOwner(ctx context.Context, owner string) ([]Job, error) {
	ids, err := s.rdb.ZRange(ctx, s.keys.owner(owner), 0, -1).Result()
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	bodies, err := s.rdb.HMGet(ctx, s.keys.jobs(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("list jobs of an owner: %w", err)
	}
	jobs := make([]Job, 0, len(ids))
	for i, b := range bodies {
		body, ok := b.(string)
		if !ok {
			continue // finished between the two reads
		}
		j, err := s.decode(ids[i], body)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	slices.SortFunc(jobs, func(a, b Job) int { return a.Due.Compare(b.Due) })
	return jobs, nil
}

// DeadJob is a job that failed for good, kept for staff and operations.
type DeadJob struct {
	Job
	// Failed is when the last attempt failed.
	Failed time.Time
	// Error is the last error, cut to 300 bytes.
	Error string
}

// maxErrorLen bounds the error text kept with a dead job.
const maxErrorLen = 300

// Dead returns up to limit failed jobs, the most recent first.
func (s *Scheduler) Dead(ctx context.Context, limit int) ([]DeadJob, error) {
	zs, err := s.rdb.ZRevRangeWithScores(ctx, s.keys.dead(), 0, int64(limit)-1).Result()
	if err != nil || len(zs) == 0 {
		return nil, err
	}
	ids := make([]string, len(zs))
	for i, z := range zs {
		ids[i] = z.Member.(string)
	}
	bodies, err := s.rdb.HMGet(ctx, s.keys.deadJobs(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead jobs: %w", err)
	}
	out := make([]DeadJob, 0, len(ids))
	for i, b := range bodies {
		body, ok := b.(string)
		if !ok {
			continue
		}
		d, err := s.decodeDead(ids[i], body)
		if err != nil {
			return nil, err
		}
		d.Failed = time.UnixMilli(int64(zs[i].Score)).In(s.loc)
		out = append(out, d)
	}
	return out, nil
}

// encodeDead appends the error to the job's encoding after an ASCII record
// separator (0x1E), keeping the owner where the erasure script looks for it.
// Control characters in the error become spaces.
func encodeDead(j Job, cause error) string {
	msg := cause.Error()
	if len(msg) > maxErrorLen {
		msg = msg[:maxErrorLen]
	}
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	return encodeJob(j) + "\x1e" + msg
}

func (s *Scheduler) decodeDead(id, body string) (DeadJob, error) {
	job, msg, _ := strings.Cut(body, "\x1e")
	j, err := s.decode(id, job)
	return DeadJob{Job: j, Error: msg}, err
}

// decode reads a stored job and shows its times in the configured location.
func (s *Scheduler) decode(id, body string) (Job, error) {
	j, err := decodeJob(id, body)
	if err != nil {
		return Job{}, err
	}
	j.Due = j.Due.In(s.loc)
	if !j.Event.IsZero() {
		j.Event = j.Event.In(s.loc)
	}
	return j, nil
}

// signal wakes Run without blocking; one pending wake-up is enough.
func (s *Scheduler) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
