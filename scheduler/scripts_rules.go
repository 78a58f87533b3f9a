package scheduler

import "github.com/redis/go-redis/v9"

// The recurring rules' Lua scripts. Both compare the rule's stored record
// with the one the caller read (compare-and-set), so that when several
// processes plan or change the same rule at once exactly one of them wins and
// an occurrence is put in the queue once.

// setRuleScript adds, replaces or (with an empty new record) removes a rule.
// Replacing or removing drops the occurrences already planned from the old
// rule (job ids "<rule id>@..."), wherever they are.
// KEYS[1] rules, KEYS[2] ruleNext, KEYS[3] ownerRules, KEYS[4] owner key,
// KEYS[5] jobs, KEYS[6] next, KEYS[7] inflight, KEYS[8] leases.
// ARGV[1] rule id, ARGV[2] the record read before ("" if none), ARGV[3] new
// record ("" to remove), ARGV[4] unix ms of the first occurrence to plan,
// ARGV[5] owner.
// Returns 1, or 0 when the record changed since it was read.
var setRuleScript = redis.NewScript(luaQueue + `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (cur or '') ~= ARGV[2] then return 0 end
if cur then
  local prefix = ARGV[1] .. '@'
  for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
    if string.sub(id, 1, #prefix) == prefix then
      redis.call('HDEL', KEYS[5], id)
      redis.call('ZREM', KEYS[7], id)
      redis.call('HDEL', KEYS[8], id)
      redis.call('ZREM', KEYS[4], id)
    end
  end
  setNext(KEYS[6], KEYS[4], ARGV[5])
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[1])
end
return 1
`)

// planScript records how far a rule is planned and queues its occurrences.
// An occurrence whose job id already exists is left alone.
// KEYS[1] rules, KEYS[2] ruleNext, KEYS[3] ownerRules, KEYS[4] jobs,
// KEYS[5] owner key, KEYS[6] next.
// ARGV[1] rule id, ARGV[2] the record read before, ARGV[3] new record (""
// when the rule has ended and is deleted), ARGV[4] unix ms of the next
// occurrence still to plan, ARGV[5] owner, then for each occurrence: job
// id, encoded job, due unix ms (positive).
// Returns how many occurrences it added, or -1 when the record changed
// since it was read.
var planScript = redis.NewScript(luaQueue + `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
local added = 0
for i = 6, #ARGV, 3 do
  if redis.call('HEXISTS', KEYS[4], ARGV[i]) == 0 then
    redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
    redis.call('ZADD', KEYS[5], ARGV[i + 2], ARGV[i])
    added = added + 1
  end
end
if added > 0 then setNext(KEYS[6], KEYS[5], ARGV[5]) end
return added
`)
