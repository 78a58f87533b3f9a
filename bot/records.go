package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The record that a job's message went out is what keeps a retry of the job
// from sending it again. Telegram has accepted the message by the time the
// record is written, so a record that cannot be written (Redis away for a
// few seconds, or failing over) is not dropped: it is kept here, consulted
// before any send of the same job, and written by a background loop as soon
// as Redis answers again. The job meanwhile fails on its next step and is
// tried again; that retry finds the record, sends nothing, and finishes the
// step. Only a crash of this process while Redis is away loses it.

// recordRetry is how often kept records are tried again.
const recordRetry = 250 * time.Millisecond

// records are sent parts not yet written to Redis, by job id.
type records struct {
	rdb redis.UniversalClient
	k   keys
	log *slog.Logger
	rep *replicas

	mu      sync.Mutex
	kept    map[string]keptJob
	writing bool
}

// keptJob is a job's sent parts awaiting their record: index → message id,
// and the kind of record.
type keptJob struct {
	chatID int64
	parts  map[int]int
	kind   recordKind
}

// recordKind is how long a record is kept and whether it is listed under
// its chat, for erasure to find.
type recordKind struct {
	ttl    time.Duration
	listed bool
}

var (
	// jobRecord is a job's: its id may name the person, so it is listed.
	jobRecord = recordKind{ttl: sentJobTTL, listed: true}
	// replyRecord is a reply's (replies.go): named by an update id, it
	// names no one, and goes when its update can no longer be handled again.
	replyRecord = recordKind{ttl: replyRecordTTL}
)

// write records part i of job, sent to chatID as messageID; when Redis
// refuses, the record is kept and written later.
func (r *records) write(ctx context.Context, chatID int64, jobID string, i, messageID int, kind recordKind) {
	r.writeParts(ctx, chatID, jobID, map[int]int{i: messageID}, kind)
}

// writeParts is write for several parts of one job.
func (r *records) writeParts(ctx context.Context, chatID int64, jobID string, parts map[int]int, kind recordKind) {
	ctx = context.WithoutCancel(ctx)
	err := r.store(ctx, chatID, jobID, parts, kind)
	if err == nil {
		return
	}
	r.keep(ctx, chatID, jobID, parts, kind, err)
}

// keep holds records Redis refused and starts writing them in the background.
func (r *records) keep(ctx context.Context, chatID int64, jobID string, parts map[int]int, kind recordKind, err error) {
	r.log.Warn("record sent job: kept until Redis answers", "job", jobID, "error", err)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kept == nil {
		r.kept = map[string]keptJob{}
	}
	j, ok := r.kept[jobID]
	if !ok {
		j = keptJob{chatID: chatID, parts: map[int]int{}, kind: kind}
		r.kept[jobID] = j
	}
	for i, id := range parts {
		j.parts[i] = id
	}
	if !r.writing {
		r.writing = true
		go r.flush(ctx)
	}
}

// sent is the parts of jobID kept here, not yet in Redis.
func (r *records) sent(jobID string) map[int]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int]int{}
	for i, id := range r.kept[jobID].parts {
		out[i] = id
	}
	return out
}

// flush writes the kept records until none is left.
func (r *records) flush(ctx context.Context) {
	for {
		time.Sleep(recordRetry)
		r.mu.Lock()
		todo := make(map[string]keptJob, len(r.kept))
		for id, j := range r.kept {
			parts := make(map[int]int, len(j.parts))
			for i, m := range j.parts {
				parts[i] = m
			}
			todo[id] = keptJob{chatID: j.chatID, parts: parts, kind: j.kind}
		}
		r.mu.Unlock()
		for id, j := range todo {
			if err := r.store(ctx, j.chatID, id, j.parts, j.kind); err != nil {
				break // Redis is still away: all wait for the next round.
			}
			r.mu.Lock()
			for i := range j.parts {
				delete(r.kept[id].parts, i)
			}
			if len(r.kept[id].parts) == 0 {
				delete(r.kept, id)
			}
			r.mu.Unlock()
			r.log.Info("record sent job: written", "job", id)
		}
		r.mu.Lock()
		if len(r.kept) == 0 {
			r.writing = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
	}
}

// recordScript writes the parts of a sent job or reply and, when ARGV[2] is
// '1', lists it under its chat, so that Forget finds it.
// KEYS[1] sent job (hash), KEYS[2] sent jobs of the chat (set).
// ARGV[1] TTL ms, ARGV[2] '1' to list it, then part index and message id,
// pair after pair.
var recordScript = redis.NewScript(`
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[2], KEYS[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return 1`)

// store writes parts of job in Redis, listed under the chat when kind says
// so, and behind Sentinel waits until a replica has them (replica.go).
func (r *records) store(ctx context.Context, chatID int64, jobID string, parts map[int]int, kind recordKind) error {
	keys, args := r.scriptArgs(chatID, jobID, parts, kind)
	return r.rep.run(ctx, r.rdb, recordScript, keys, args...).Err()
}

// scriptArgs are recordScript's keys and arguments for parts of job.
func (r *records) scriptArgs(chatID int64, jobID string, parts map[int]int, kind recordKind) ([]string, []any) {
	listed := "0"
	if kind.listed {
		listed = "1"
	}
	args := []any{kind.ttl.Milliseconds(), listed}
	for i, id := range parts {
		args = append(args, i, id)
	}
	return []string{r.k.sentJob(jobID), r.k.sentJobsOf(chatID)}, args
}
