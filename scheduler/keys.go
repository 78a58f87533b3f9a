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

// due is a ZSET of job id by the unix ms at which it may next run: jobs
// waiting for their time, for a retry or for the end of quiet hours. Members
// live until claimed or cancelled.
func (k keys) due() string { return k.base + "due" }

// inflight is a ZSET of job id by lease deadline in unix ms: jobs a process
// has claimed and not yet acknowledged. An expired member is put back in due.
func (k keys) inflight() string { return k.base + "inflight" }

// leases is a HASH of job id to the token of the claim holding it, so that a
// process whose lease expired cannot acknowledge a run that is no longer its
// own. Fields live as long as the matching inflight member.
func (k keys) leases() string { return k.base + "leases" }

// jobs is a HASH of job id to the encoded job (ids only, see encodeJob).
// Fields live from Schedule until the job is acknowledged, cancelled or moved
// to dead.
func (k keys) jobs() string { return k.base + "jobs" }

// owner is a ZSET of the job ids of one owner, all scored 0 (a small ZSET
// with small scores is stored compactly, which a SET of strings is not in
// Redis 7.0), for "show my data" and erasure. Members are removed with
// their job; the key disappears with its last member.
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
// put in due, so a planning pass reads only the rules that need it. Members
// live as long as the rule.
func (k keys) ruleNext() string { return k.base + "rulenext" }

// ownerRules is a SET of the rule ids of one owner, for erasure and "show my
// data". The key disappears with its last member.
func (k keys) ownerRules(owner string) string { return k.base + "ownerrules:" + owner }
