package scheduler

import "github.com/redis/go-redis/v9"

// The dispatch side's Lua scripts: claim with a lease, then exactly one of
// ack, release (retry later) or bury (dead). The last three act only if the
// lease is still the caller's (same token in leases), so a process that was
// too slow cannot undo the run of the process that took the job over.

// claimScript puts expired leases back in due, then leases due jobs.
// KEYS[1] due, KEYS[2] inflight, KEYS[3] leases, KEYS[4] jobs,
// KEYS[5] the claim list for this token.
// ARGV[1] now unix ms, ARGV[2] lease deadline unix ms, ARGV[3] max jobs,
// ARGV[4] token, ARGV[5] max expired leases to reap, ARGV[6] claim list TTL ms.
// Returns {reaped, id1, body1, id2, body2, ...}. When the claim list already
// exists the script is a replay: it returns the same jobs again.
// A due job that is still running (it was scheduled again while in flight)
// is not claimed: it waits until that run's lease ends.
var claimScript = redis.NewScript(`
local out = {0}
local replay = redis.call('LRANGE', KEYS[5], 0, -1)
if #replay > 0 then
  for _, id in ipairs(replay) do
    if redis.call('HGET', KEYS[3], id) == ARGV[4] then
      local body = redis.call('HGET', KEYS[4], id)
      if body then
        table.insert(out, id)
        table.insert(out, body)
      end
    end
  end
  return out
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[5])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  if redis.call('HEXISTS', KEYS[4], id) == 1 and not redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], ARGV[1], id)
  end
end
out[1] = #expired
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  local body = redis.call('HGET', KEYS[4], id)
  local held = redis.call('ZSCORE', KEYS[2], id)
  if not body then
    redis.call('ZREM', KEYS[1], id)
  elseif held then
    redis.call('ZADD', KEYS[1], held, id)
  else
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    redis.call('RPUSH', KEYS[5], id)
    table.insert(out, id)
    table.insert(out, body)
  end
end
if #out > 1 then redis.call('PEXPIRE', KEYS[5], ARGV[6]) end
return out
`)

// ackScript ends a successful run: the job is done and forgotten, unless it
// was scheduled again while running, in which case the new schedule stays.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] due, KEYS[5] owner index.
// ARGV[1] job id, ARGV[2] token.
// Returns 1, or 0 when the lease was no longer the caller's.
var ackScript = redis.NewScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if not redis.call('ZSCORE', KEYS[4], ARGV[1]) then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[5], ARGV[1])
end
return 1
`)

// releaseScript ends a run that must happen again later (a retry, or the
// end of quiet hours), storing the job's new body.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] due.
// ARGV[1] job id, ARGV[2] token, ARGV[3] encoded job, ARGV[4] next run unix ms.
// Returns 1; 2 when the job was scheduled again while running (that schedule
// wins); 0 when the lease was no longer the caller's.
var releaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 2 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return 1
`)

// buryScript ends a run that failed for good: the job moves to the dead set,
// which keeps the newest ARGV[5] entries.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] due, KEYS[5] owner
// index, KEYS[6] dead, KEYS[7] deadJobs.
// ARGV[1] job id, ARGV[2] token, ARGV[3] encoded dead job, ARGV[4] now unix
// ms, ARGV[5] max dead jobs.
// Returns as releaseScript.
var buryScript = redis.NewScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 2 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[7], ARGV[1], ARGV[3])
local extra = redis.call('ZCARD', KEYS[6]) - tonumber(ARGV[5])
if extra > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[6], 0, extra - 1)) do
    redis.call('ZREM', KEYS[6], id)
    redis.call('HDEL', KEYS[7], id)
  end
end
return 1
`)
