package scheduler

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"
)

const (
	// maxClaim bounds one claim so that a script never blocks Redis for long.
	maxClaim = 100
	// maxReap bounds how many expired leases one claim puts back.
	maxReap = 100
	// claimTTL is how long a claim's list of jobs is kept for a replayed script.
	claimTTL = time.Minute
)

// claimed is one leased job: the job, or the reason its body could not be
// read, and the token that proves the lease.
type claimed struct {
	job   Job
	err   error
	token string
}

// claim leases up to n due jobs, putting expired leases back in the queue first.
func (s *Scheduler) claim(ctx context.Context, n int) ([]claimed, error) {
	return s.claimWith(ctx, n, rand.Text())
}

// claimWith is claim with a given token; a second call with the same token
// returns the same jobs, as when the client replays the script.
func (s *Scheduler) claimWith(ctx context.Context, n int, token string) ([]claimed, error) {
	now := s.clock.Now()
	res, err := claimScript.Run(ctx, s.rdb,
		[]string{s.keys.next(), s.keys.inflight(), s.keys.leases(), s.keys.jobs(), s.keys.claim(token)},
		now.UnixMilli(), now.Add(s.cfg.Lease).UnixMilli(), min(n, maxClaim), token, maxReap, claimTTL.Milliseconds(),
		s.keys.owner(""),
	).Slice()
	if err != nil {
		return nil, fmt.Errorf("claim due jobs: %w", err)
	}
	if reaped, _ := res[0].(int64); reaped > 0 {
		s.metrics.expired.Add(float64(reaped))
		s.log.Warn("leases expired; jobs are due again", "jobs", reaped)
	}
	out := make([]claimed, 0, (len(res)-1)/2)
	for i := 1; i+1 < len(res); i += 2 {
		id, _ := res[i].(string)
		body, _ := res[i+1].(string)
		j, err := s.decode(id, body)
		if err != nil {
			// Its owner still names the key its outcome must update.
			j = Job{ID: id, Owner: ownerOf(body)}
		}
		out = append(out, claimed{job: j, err: err, token: token})
	}
	return out, nil
}
