package helpdesk

import "strconv"

// keys names every Redis key of the helpdesk, all under Nido's prefix;
// nothing else writes them. The keys of one writer's threads share her id
// in a hash tag, so that one script can append to a thread, open a new one
// and remember the update it came from, on Redis Cluster too.
type keys struct{ prefix string }

// writer is the common start of the keys of one writer (a mother or a
// family): her threads, their messages, her current thread.
func (k keys) writer(w int64) string {
	return k.prefix + ":help:{" + strconv.FormatInt(w, 10) + "}"
}

// The keys under writer(w), as the scripts build them from it:
//
//	:seq      STRING, the number of her last thread
//	:cur      STRING, the number of her thread not done, if any
//	:t:<n>    HASH, thread n: org, role, status, created, last, count, done_by
//	:t:<n>:m  HASH, thread n's messages by number (entry JSON); the oldest
//	          beyond maxMessages are dropped
//	:t:<n>:s  SET, the staff who answered in thread n: they hear what
//	          she writes next
//	:upd      HASH, what a message came from (an update, a draft) to
//	          "n.m", the message it became, so that the same one handled
//	          again adds nothing
//	:pend     SET, "n.m:f" (to staff) or "n.m:a" (to her) of the messages
//	          stored and not yet scheduled: scheduled after each new message
//	          and by the sweep, so that a message stored when the scheduler
//	          could not be reached is still delivered
//	:sched    ZSET, the same of the messages a job was scheduled for and
//	          not yet delivered, by unix seconds of the scheduling: taken
//	          again by the sweep only once reclaimAfter has passed, so that
//	          a job lost with the scheduler is replaced, and one running is
//	          left alone
//
// They all expire keep after her last message or the last answer.

func (k keys) thread(w int64, n string) string   { return k.writer(w) + ":t:" + n }
func (k keys) messages(w int64, n string) string { return k.thread(w, n) + ":m" }
func (k keys) staffIn(w int64, n string) string  { return k.thread(w, n) + ":s" }
func (k keys) seq(w int64) string                { return k.writer(w) + ":seq" }
func (k keys) cur(w int64) string                { return k.writer(w) + ":cur" }
func (k keys) updates(w int64) string            { return k.writer(w) + ":upd" }
func (k keys) pending(w int64) string            { return k.writer(w) + ":pend" }
func (k keys) scheduled(w int64) string          { return k.writer(w) + ":sched" }

// public is a STRING naming the thread ("w.n") behind the public id that
// buttons and jobs carry: a random word, so that neither the data of a
// button in a staff member's chat nor what the Telegram layer records of
// a job names the writer. It expires with the thread.
func (k keys) public(id string) string { return k.prefix + ":help:pub:" + id }

// threads is a ZSET of the threads of an organisation ("w.n"), by unix
// seconds of their last message: the staff's list and digest read the
// status of each, and a staff member who leaves is taken out of each.
// Entries whose thread expired or was erased are pruned when listed, and
// those older than keep when a thread is filed.
func (k keys) threads(org string) string { return k.prefix + ":help:org:" + org }
