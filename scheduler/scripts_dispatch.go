package scheduler

import "github.com/redis/go-redis/v9"

// The dispatch side's Lua scripts: claim with a lease, then exactly one of
// ack, release (retry later) or bury (dead). The last three act only if the
// lease is still the caller's (same token in leases), so a process that was
// too slow cannot undo the run of the process that took the job over. A job
// scheduled again while it runs has a positive score in its owner key when
// its run ends: that schedule wins over the run's outcome.

// claimScript puts expired leases back in the queue, one more attempt
// counted, then leases due jobs:
// it takes the owners whose next job is earliest, in that order, and leases
// the due jobs of each, earliest first.
// KEYS[1] next, KEYS[2] inflight, KEYS[3] leases, KEYS[4] jobs,
// KEYS[5] the claim list for this token.
// ARGV[1] now unix ms, ARGV[2] lease deadline unix ms, ARGV[3] max jobs,
// ARGV[4] token, ARGV[5] max expired leases to reap, ARGV[6] claim list TTL
// ms, ARGV[7] owner key prefix.
// Returns {reaped, id1, body1, id2, body2, ...}. When the claim list already
// exists the script is a replay: it returns the same jobs again.
// A due job that is still running (it was scheduled again while in flight)
// is not claimed: it waits until that run's lease ends.
var claimScript = redis.NewScript(luaQueue + `
-- bumpAttempt adds one to the attempt count in the flags, the fifth field
-- of an encoded job ("u" for urgent, then the count; see encodeJob).
local function bumpAttempt(body)
  local seps, from = {}, 1
  for i = 1, 5 do
    local p = string.find(body, '\31', from, true)
    if not p then break end
    seps[i], from = p, p + 1
  end
  if not seps[4] then return body end
  local first, last = seps[4] + 1, (seps[5] or (#body + 1)) - 1
  local urgent, n = string.match(string.sub(body, first, last), '^(u?)(%d*)$')
  if not urgent then return body end
  return string.sub(body, 1, first - 1) .. urgent .. ((tonumber(n) or 0) + 1) .. string.sub(body, last + 1)
end
local out = {0}
local replay = redis.call('LRANGE', KEYS[5], '0', '-1')
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
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', '0', ARGV[5])
for _, id in ipairs(expired) do
  -- The owner key is read before anything is written: on a Cluster whose
  -- slot is moving, a failed access to it then leaves this job as it was.
  local body = redis.call('HGET', KEYS[4], id)
  local owner, okey, score
  if body then
    owner = ownerOf(body)
    okey = ARGV[7] .. owner
    score = redis.call('ZSCORE', okey, id)
  end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  if body and not waiting(score) then
    -- A run whose lease expired counts as an attempt, so that a job that
    -- kills or hangs every process taking it is set aside in the end.
    redis.call('HSET', KEYS[4], id, bumpAttempt(body))
    redis.call('ZADD', okey, ARGV[1], id)
    redis.call('ZADD', KEYS[1], 'LT', ARGV[1], owner)
  end
end
out[1] = #expired
local max, n, inflight, leases, claimed = tonumber(ARGV[3]), 0, {}, {}, {}
-- First every read, owner by owner, until enough jobs are found: on a
-- Cluster whose slot is moving, a failed access to an owner key then stops
-- the script before it wrote anything. A few owners more than jobs wanted
-- are looked at: an owner whose due jobs are all still running yields
-- none, and must not hide the next owner's.
local found, seen = {}, 0
for _, owner in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', '0', tostring(max + 16))) do
  local f = {owner = owner, okey = ARGV[7] .. owner, bodies = {}, held = {}}
  f.due = redis.call('ZRANGEBYSCORE', f.okey, '(0', ARGV[1], 'LIMIT', '0', ARGV[3])
  if #f.due > 0 then
    f.bodies = redis.call('HMGET', KEYS[4], unpack(f.due))
    f.held = redis.call('ZMSCORE', KEYS[2], unpack(f.due))
  end
  found[#found + 1] = f
  for i = 1, #f.due do
    if f.bodies[i] and not f.held[i] then seen = seen + 1 end
  end
  if seen >= max then break end
end
for _, f in ipairs(found) do
  local running = {}
  for i, id in ipairs(f.due) do
    if n == max then break end
    if not f.bodies[i] then
      redis.call('ZREM', f.okey, id)
    elseif f.held[i] then
      -- later than now, so that a lease expired but not yet reaped is not claimed twice
      redis.call('ZADD', f.okey, math.max(tonumber(f.held[i]), tonumber(ARGV[1]) + 1), id)
    else
      n = n + 1
      running[#running + 1] = '0'
      running[#running + 1] = id
      inflight[2 * n - 1], inflight[2 * n] = ARGV[2], id
      leases[2 * n - 1], leases[2 * n] = id, ARGV[4]
      claimed[n] = id
      out[2 * n], out[2 * n + 1] = id, f.bodies[i]
    end
  end
  if #running > 0 then redis.call('ZADD', f.okey, unpack(running)) end
  setNext(KEYS[1], f.okey, f.owner)
  if n == max then break end
end
if n > 0 then
  redis.call('ZADD', KEYS[2], unpack(inflight))
  redis.call('HSET', KEYS[3], unpack(leases))
  redis.call('RPUSH', KEYS[5], unpack(claimed))
  redis.call('PEXPIRE', KEYS[5], ARGV[6])
end
return out
`)

// ackScript ends a successful run: the job is done and forgotten, unless it
// was scheduled again while running, in which case the new schedule stays.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] owner key.
// ARGV[1] job id, ARGV[2] token.
// Returns 1, or 0 when the lease was no longer the caller's.
var ackScript = redis.NewScript(luaQueue + `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if not waiting(redis.call('ZSCORE', KEYS[4], ARGV[1])) then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
end
return 1
`)

// releaseScript ends a run that must happen again later (a retry, or the
// end of quiet hours), storing the job's new body.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] owner key, KEYS[5] next.
// ARGV[1] job id, ARGV[2] token, ARGV[3] encoded job, ARGV[4] next run unix
// ms (positive), ARGV[5] owner.
// Returns 1; 2 when the job was scheduled again while running (that schedule
// wins); 0 when the lease was no longer the caller's.
var releaseScript = redis.NewScript(luaQueue + `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if waiting(redis.call('ZSCORE', KEYS[4], ARGV[1])) then return 2 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[5], 'LT', ARGV[4], ARGV[5])
return 1
`)

// buryScript ends a run that failed for good: the job moves to the dead set,
// which keeps the newest ARGV[5] entries.
// KEYS[1] inflight, KEYS[2] leases, KEYS[3] jobs, KEYS[4] owner key,
// KEYS[5] dead, KEYS[6] deadJobs.
// ARGV[1] job id, ARGV[2] token, ARGV[3] encoded dead job, ARGV[4] now unix
// ms, ARGV[5] max dead jobs.
// Returns as releaseScript.
var buryScript = redis.NewScript(luaQueue + `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if waiting(redis.call('ZSCORE', KEYS[4], ARGV[1])) then return 2 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[6], ARGV[1], ARGV[3])
local extra = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[5])
if extra > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, extra - 1)) do
    redis.call('ZREM', KEYS[5], id)
    redis.call('HDEL', KEYS[6], id)
  end
end
return 1
`)
