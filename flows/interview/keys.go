package interview

import "strconv"

// keys names every Redis key of the job interviews, all under Nido's
// prefix; nothing else writes them.
type keys struct{ prefix string }

// seq is a STRING counter giving interview ids; it is kept for ever.
func (k keys) seq() string { return k.prefix + ":interview:seq" }

// interview is a HASH of one interview (mother, org, at, job, company,
// childcare, status, seq, by, created, outcome, outcome_at, childcare_alerted);
// it expires retention after the interview.
func (k keys) interview(id string) string { return k.prefix + ":interview:" + id }

// motherInterviews is a ZSET of a mother's interview ids by unix seconds of
// their time; it goes with her data.
func (k keys) motherInterviews(user int64) string {
	return k.prefix + ":interviews:mother:" + strconv.FormatInt(user, 10)
}

// orgInterviews is a ZSET of an organisation's interview ids by unix seconds
// of their time, for staff's list, the digest and the month's counts;
// members older than retention are pruned on each write.
func (k keys) orgInterviews(org string) string { return k.prefix + ":interviews:org:" + org }
