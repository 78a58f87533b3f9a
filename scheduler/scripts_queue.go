package scheduler

import "github.com/redis/go-redis/v9"

// The queue's Lua scripts. Each one declares every key it touches (all under
// the {sched} hash tag, so they work on Redis Cluster) and is safe to run
// twice with the same arguments, because the client retries a command whose
// reply it lost even when the command had already run. luaOwnerOf reads the
// owner, the second field of an encoded job (see encodeJob).

const luaOwnerOf = `local function ownerOf(body)
  return string.match(body, '^[^\31]*\31([^\31]*)')
end
`

// scheduleScript adds or replaces a job.
// KEYS[1] jobs, KEYS[2] due, KEYS[3] owner index.
// ARGV[1] job id, ARGV[2] encoded job, ARGV[3] due unix ms, ARGV[4] owner.
// Returns 1 for a new job, 0 for a replaced one; an error starting with
// OWNER when the id belongs to another owner.
var scheduleScript = redis.NewScript(luaOwnerOf + `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and ownerOf(old) ~= ARGV[4] then
  return redis.error_reply('OWNER job id belongs to another owner')
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
if old then return 0 end
return 1
`)

// cancelScript removes one job wherever it is (waiting or running).
// KEYS[1] jobs, KEYS[2] due, KEYS[3] inflight, KEYS[4] leases, KEYS[5] owner index.
// ARGV[1] job id, ARGV[2] the owner read before the call ("" if none).
// Returns 1 if a job was removed, 0 if there was none, -1 if the job now has
// another owner than the one read (the caller reads again).
var cancelScript = redis.NewScript(luaOwnerOf + `
local body = redis.call('HGET', KEYS[1], ARGV[1])
if body and ownerOf(body) ~= ARGV[2] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if body then return 1 end
return 0
`)

// cancelOwnerScript erases everything of one owner: waiting and running
// jobs, failed jobs in the dead set, and recurring rules.
// KEYS[1] jobs, KEYS[2] due, KEYS[3] inflight, KEYS[4] leases, KEYS[5] owner
// index, KEYS[6] dead, KEYS[7] deadJobs, KEYS[8] rules, KEYS[9] ruleNext,
// KEYS[10] ownerRules.
// ARGV[1] owner.
// Returns the number of jobs and rules removed. The dead set is scanned
// because it is trimmed (Config.MaxDead) and erasure is rare.
var cancelOwnerScript = redis.NewScript(luaOwnerOf + `
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  n = n + redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
end
redis.call('DEL', KEYS[5])
for _, id in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
  local body = redis.call('HGET', KEYS[7], id)
  if body and ownerOf(body) == ARGV[1] then
    redis.call('ZREM', KEYS[6], id)
    redis.call('HDEL', KEYS[7], id)
    n = n + 1
  end
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[10])) do
  n = n + redis.call('HDEL', KEYS[8], id)
  redis.call('ZREM', KEYS[9], id)
end
redis.call('DEL', KEYS[10])
return n
`)
