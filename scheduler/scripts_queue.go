package scheduler

import "github.com/redis/go-redis/v9"

// The queue's Lua scripts. Each one declares every key it touches (all under
// the {sched} hash tag, so they work on Redis Cluster), except the owner keys
// that the claim, migration and depth scripts find through next or a job's
// body: those they build from the owner key prefix, and they share the
// declared keys' slot. Each script is safe to run twice with the same
// arguments, because the client retries a command whose reply it lost even
// when the command had already run.

// luaQueue holds the helpers the queue scripts start with. ownerOf reads
// the owner, the second field of an encoded job (see encodeJob). waiting
// tells from a job's ZSCORE in its owner key whether it waits to run (0 is
// running, nil is gone). setNext makes an owner's member of next follow the
// earliest waiting job in their owner key, after a score there went up or
// away; when a job starts waiting a script only needs "ZADD next LT <score>
// <owner>", which keeps the lower of the two. The claim and outcome scripts
// pass numbers to Redis as strings and compare scores as strings where they
// can, because Redis 7.0 converts a Lua number argument with printf and
// replies a score the same way, each costing about as much as a simple
// command.
const luaQueue = `local function ownerOf(body)
  return string.match(body, '^[^\31]*\31([^\31]*)')
end
local function waiting(score)
  return score and score ~= '0'
end
local function setNext(next, okey, owner)
  local first = redis.call('ZRANGEBYSCORE', okey, '(0', '+inf', 'LIMIT', '0', '1', 'WITHSCORES')
  if first[2] then
    redis.call('ZADD', next, first[2], owner)
  else
    redis.call('ZREM', next, owner)
  end
end
`

// scheduleScript adds or replaces a job. A job still in the legacy due ZSET
// (queued by an older version, not yet migrated) is taken out of it, so that
// the migration cannot bring back its old time.
// KEYS[1] jobs, KEYS[2] owner key, KEYS[3] next, KEYS[4] legacy due.
// ARGV[1] job id, ARGV[2] encoded job, ARGV[3] due unix ms (positive),
// ARGV[4] owner.
// Returns 1 for a new job, 0 for a replaced one; an error starting with
// OWNER when the id belongs to another owner.
var scheduleScript = redis.NewScript(luaQueue + `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and ownerOf(old) ~= ARGV[4] then
  return redis.error_reply('OWNER job id belongs to another owner')
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
if redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[3], 'LT', ARGV[3], ARGV[4])
else
  setNext(KEYS[3], KEYS[2], ARGV[4])
end
if old then return 0 end
return 1
`)

// cancelScript removes one job wherever it is (waiting or running).
// KEYS[1] jobs, KEYS[2] inflight, KEYS[3] leases, KEYS[4] owner key, KEYS[5] next.
// ARGV[1] job id, ARGV[2] the owner read before the call ("" if none).
// Returns 1 if a job was removed, 0 if there was none, -1 if the job now has
// another owner than the one read (the caller reads again).
var cancelScript = redis.NewScript(luaQueue + `
local body = redis.call('HGET', KEYS[1], ARGV[1])
if body and ownerOf(body) ~= ARGV[2] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
setNext(KEYS[5], KEYS[4], ARGV[2])
if body then return 1 end
return 0
`)

// cancelOwnerScript erases everything of one owner: waiting and running
// jobs, failed jobs in the dead set, and recurring rules.
// KEYS[1] jobs, KEYS[2] inflight, KEYS[3] leases, KEYS[4] owner key,
// KEYS[5] next, KEYS[6] dead, KEYS[7] deadJobs, KEYS[8] rules,
// KEYS[9] ruleNext, KEYS[10] ownerRules.
// ARGV[1] owner.
// Returns the number of jobs and rules removed. The dead set is scanned
// because it is trimmed (Config.MaxDead) and erasure is rare.
var cancelOwnerScript = redis.NewScript(luaQueue + `
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
  n = n + redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
end
redis.call('DEL', KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[1])
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

// migrateScript moves up to ARGV[2] jobs from the single due ZSET of older
// versions into their owner keys, keeping their time. Those versions scored
// every member of an owner key 0, which here means running, so a job they
// queued is not run before it is moved.
// KEYS[1] legacy due, KEYS[2] jobs, KEYS[3] next.
// ARGV[1] owner key prefix, ARGV[2] batch size.
// Returns how many entries it took from the legacy due ZSET.
var migrateScript = redis.NewScript(luaQueue + `
local batch = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
for i = 1, #batch, 2 do
  local id = batch[i]
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    -- Into the owner key before out of the old ZSET: a failed access to the
    -- owner key (a Cluster slot on the move) leaves the job where it was.
    local owner = ownerOf(body)
    local okey = ARGV[1] .. owner
    local score = math.max(tonumber(batch[i + 1]), 1)
    redis.call('ZADD', okey, score, id)
    redis.call('ZADD', KEYS[3], 'LT', score, owner)
  end
  redis.call('ZREM', KEYS[1], id)
end
return #batch / 2
`)

// depthScript counts the jobs in each state for the metrics.
// KEYS[1] next, KEYS[2] jobs, KEYS[3] inflight, KEYS[4] dead.
// ARGV[1] now unix ms, ARGV[2] owner key prefix, ARGV[3] most owners to
// look into for due_now.
// Returns {due now, waiting, running, dead}. A job scheduled again while it
// runs counts as running only.
var depthScript = redis.NewScript(`
local due = 0
for _, owner in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  due = due + redis.call('ZCOUNT', ARGV[2] .. owner, '(0', ARGV[1])
end
local running = redis.call('ZCARD', KEYS[3])
local waiting = math.max(redis.call('HLEN', KEYS[2]) - running, 0)
return {due, waiting, running, redis.call('ZCARD', KEYS[4])}
`)
