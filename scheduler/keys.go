package scheduler

// Every key of the scheduler lives under "<prefix>:{sched}:". The hash tag
// {sched} puts them all in one Redis Cluster slot, which is what lets one Lua
// script touch the queue, the job bodies and an owner's index atomically.
// The price is that the scheduler's data sits on one shard; Nido's volumes
// (thousands of jobs, not millions per second) fit comfortably.

// keys names the scheduler's Redis keys for one prefix.
type keys struct {
	base string // "<prefix>:{sched}:"
}

func newKeys(prefix string) keys {
	return keys{base: prefix + ":{sched}:"}
}

// The queue has two levels of ZSETs: owner holds one person's jobs by the
// time each may next run, and next holds every person by the time of their
// earliest waiting job. A claim walks next from its earliest member and
// takes each person's due jobs. One ZSET of every waiting job would cost
// about 120 bytes per job on top of the owner index, which erasure needs
// anyway; next costs one entry per person, and a person's own ZSET is small
// enough for Redis to store compactly (a listpack).

// next is a ZSET of owner by the unix ms of that owner's earliest waiting
// job (the lowest positive score in their owner key). Members live while the
// owner has a waiting job.
func (k keys) next() string { return k.base + "next" }

// legacyDue is the ZSET of job id by the unix ms at which it may next run
// that older versions kept for every waiting job. The migration moves its
// jobs into owner keys (see migrate) and Schedule takes out a job it
// replaces; nothing adds to it, and it disappears once empty.
func (k keys) legacyDue() string { return k.base + "due" }

// inflight is a ZSET of job id by lease deadline in unix ms: jobs a process
// has claimed and not yet acknowledged. When a lease expires the job waits
// again in its owner key, due at once.
func (k keys) inflight() string { return k.base + "inflight" }

// leases is a HASH of job id to the token of the claim holding it, so that a
// process whose lease expired cannot acknowledge a run that is no longer its
// own. Fields live as long as the matching inflight member.
func (k keys) leases() string { return k.base + "leases" }

// jobs is a HASH of job id to the encoded job (ids only, see encodeJob).
// Fields live from Schedule until the job is acknowledged, cancelled or moved
// to dead.
func (k keys) jobs() string { return k.base + "jobs" }

// owner is a ZSET of every job id of one owner, waiting or running: a
// waiting job is scored by the unix ms at which it may next run (its time,
// a retry or the end of quiet hours; always positive), a running one by 0.
// It is the queue's lower level and the index for "show my data" and
// erasure. Members are removed with their job; the key disappears with its
// last member. owner("") is the prefix of every owner key, from which
// scripts build the keys of the owners they find in next.
func (k keys) owner(owner string) string { return k.base + "owner:" + owner }

// dead is a ZSET of job id by the unix ms at which the job failed for good.
// Trimmed to Config.MaxDead members, oldest first; erased with the owner.
func (k keys) dead() string { return k.base + "dead" }

// deadJobs is a HASH of job id to the encoded failed job and its last error,
// for staff and operations. Fields live as long as the matching dead member.
func (k keys) deadJobs() string { return k.base + "deadjobs" }

// claim is a LIST of the job ids one claim took, so that a claim script
// replayed by the client after a lost reply returns the same jobs instead of
// leaving them stranded until their lease expires. Expires after claimTTL.
func (k keys) claim(token string) string { return k.base + "claim:" + token }

// rules is a HASH of rule id to the encoded recurring rule and how far it has
// been planned. Fields live from AddRule until RemoveRule, erasure or the
// rule's end.
func (k keys) rules() string { return k.base + "rules" }

// ruleNext is a ZSET of rule id by the unix ms of its next occurrence not yet
// queued, so a planning pass reads only the rules that need it. Members
// live as long as the rule.
func (k keys) ruleNext() string { return k.base + "rulenext" }

// ownerRules is a SET of the rule ids of one owner, for erasure and "show my
// data". The key disappears with its last member.
func (k keys) ownerRules(owner string) string { return k.base + "ownerrules:" + owner }
