package bot

import "strconv"

// keys names every Redis key of the Telegram layer; nothing else in Nido
// writes them. All live under the configured prefix.
//
// The ingest and dispatch scripts touch several of these keys at once, so in
// Redis Cluster the prefix must carry a hash tag (such as "{nido}") that puts
// them all in one slot.
type keys struct{ prefix string }

// inbox is a LIST of one chat's pending updates, oldest first, each as
// "<reads>|<raw JSON>". Redis deletes it when the last update is handled.
func (k keys) inbox(chatID int64) string { return k.chatBase() + "inbox:" + id64(chatID) }

// ready is a ZSET of chat ids with pending updates, scored by the unix ms at
// which the chat may be claimed: now when new, the lease's end while held.
func (k keys) ready() string { return k.prefix + ":bot:ready" }

// lease is a STRING naming the worker that handles a chat's inbox; it expires
// after the lease TTL unless that worker renews it.
func (k keys) lease(chatID int64) string { return k.chatBase() + "lease:" + id64(chatID) }

// tries is a HASH in which older versions counted the reads of the update
// at the head of one chat's inbox; the count now goes with the update in the
// inbox (inbox.go), and an ack deletes a count left over.
func (k keys) tries(chatID int64) string { return k.chatBase() + "tries:" + id64(chatID) }

// chatBase is what a chat's inbox, lease and tries keys start with: a
// script that claims a chat it found in the ready set builds them from it
// as "<base>inbox:<chat id>" and so on.
func (k keys) chatBase() string { return k.prefix + ":bot:" }

// seen is a STRING marking an update id already stored; it expires after
// seenTTL, longer than Telegram keeps an undelivered update.
func (k keys) seen(updateID int64) string { return k.prefix + ":bot:seen:" + id64(updateID) }

// offset is a STRING with the highest update id stored, the getUpdates
// offset minus one. It expires after offsetTTL without updates, because
// Telegram picks a random next id after a week of silence.
func (k keys) offset() string { return k.prefix + ":bot:offset" }

// poller is a STRING naming the one process that long-polls Telegram; it
// expires pollerTTL after its holder stopped renewing it.
func (k keys) poller() string { return k.prefix + ":bot:poller" }

// callbackKey is a STRING with the base64 HMAC key signing button data,
// written once by the first process and kept forever.
func (k keys) callbackKey() string { return k.prefix + ":bot:callback-key" }

// sentJob is a HASH of message part index to Telegram message id for one
// scheduled job's message, or for one reply ("update:<update id>:<n>",
// replies.go); it expires after sentJobTTL, a reply's after replyRecordTTL.
// A reply's is not listed in sentJobsOf: its name and values name no one.
func (k keys) sentJob(jobID string) string { return k.prefix + ":bot:sent-job:" + jobID }

// sentJobsOf is a SET of the sentJob keys recorded for messages to one chat,
// so that erasing a person removes them although their names hold the
// person's id; each add refreshes its expiry to sentJobTTL, so it outlives
// every key it lists.
func (k keys) sentJobsOf(chatID int64) string { return k.prefix + ":bot:sent-jobs-of:" + id64(chatID) }

// sendBudget is a STRING with the time, in µs on Redis's clock, before
// which the next message may not go out, shared by every process so that
// NIDO_SEND_RATE holds for the whole deployment; it expires once idle.
func (k keys) sendBudget() string { return k.prefix + ":bot:send-budget" }

func id64(n int64) string { return strconv.FormatInt(n, 10) }
