package broadcast

import "strconv"

// keys names every Redis key of the broadcasts, all under Nido's prefix;
// nothing else writes them. A broadcast's keys share its id in a hash tag,
// so that its scripts run on Redis Cluster too.
type keys struct{ prefix string }

// seq is a STRING counter giving broadcast ids; it is kept for ever.
func (k keys) seq() string { return k.prefix + ":bcast:seq" }

// base is the common start of one broadcast's keys.
func (k keys) base(id string) string { return k.prefix + ":bcast:{" + id + "}" }

// record is a HASH of one broadcast: who sent it to whom, its text and
// event, its status and its figures (see store.go). It expires retention
// after it was sent or cancelled.
func (k keys) record(id string) string { return k.base(id) }

// recipients is a LIST of the user ids a broadcast goes to, fixed when its
// delivery starts, so that a delivery resumed after a crash goes on with
// the same people. It expires with the record.
func (k keys) recipients(id string) string { return k.base(id) + ":to" }

// outcome is a HASH of user id to what became of their copy: sent,
// skipped, blocked or failed (outcome* in store.go). A user with an
// outcome is never sent to again. It expires with the record.
func (k keys) outcome(id string) string { return k.base(id) + ":out" }

// answers is a HASH of user id to their answer to the broadcast's event
// (answerYes or answerNo). It expires with the record.
func (k keys) answers(id string) string { return k.base(id) + ":ans" }

// tries is a HASH of a place in the list of recipients to how many runs
// failed to send its copy for a reason that may pass; it expires with the
// record.
func (k keys) tries(id string) string { return k.base(id) + ":tries" }

// lock is a STRING held by the one run delivering a broadcast, with a
// short expiry renewed as it goes, so that two runs (a run retried after a
// crash and its continuation) never send at once.
func (k keys) lock(id string) string { return k.base(id) + ":lock" }

// reportBusy is a STRING set while a job is editing a broadcast's report,
// so that answers arriving together make one job, not one each; it
// expires after a minute should that job die.
func (k keys) reportBusy(id string) string { return k.base(id) + ":rbusy" }

// reportVersion is a STRING counter raised each time the figures move;
// the job editing the report stops only once the version it showed is
// still the latest.
func (k keys) reportVersion(id string) string { return k.base(id) + ":rver" }

// orgIndex is a ZSET of the ids of the broadcasts sent by staff of one
// organisation, by creation unix seconds; ids whose record expired are
// pruned when listed.
func (k keys) orgIndex(org string) string { return k.prefix + ":bcast:org:" + org }

// allIndex is a ZSET of every broadcast id by creation unix seconds, for
// administrators; pruned as orgIndex.
func (k keys) allIndex() string { return k.prefix + ":bcast:all" }

// personAnswers is a SET of the broadcast ids a person answered, so that
// /mydata and erasure find them; it goes with her data.
func (k keys) personAnswers(user int64) string {
	return k.prefix + ":bcast:answered:" + strconv.FormatInt(user, 10)
}
