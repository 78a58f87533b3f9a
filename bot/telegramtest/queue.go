package telegramtest

import (
	"encoding/json"
	"slices"
	"sync"
)

// queued is one update waiting for the bot.
type queued struct {
	seq  uint64 // position in the queue, unique even when update ids repeat
	id   int64
	kind string // "message", "callback_query", …: what allowed_updates filters
	raw  json.RawMessage
}

// updateQueue holds the updates Telegram keeps for the bot until it
// confirms them, whether the bot polls or has a webhook.
type updateQueue struct {
	mu      sync.Mutex
	items   []queued
	lastID  int64
	seq     uint64
	wake    chan struct{} // closed and renewed on every change
	poll    uint64        // the newest getUpdates; older ones are terminated
	allowed []string
	hook    webhook
	changed *signal
}

func newUpdateQueue(changed *signal) *updateQueue {
	return &updateQueue{wake: make(chan struct{}), changed: changed}
}

// wakeAll must be called with the lock held.
func (q *updateQueue) wakeAll() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// push queues one update. Its id is fixed when fixed > 0 (to repeat or skip
// ids), else the next one; build renders the update with that id.
func (q *updateQueue) push(kind string, fixed int64, build func(id int64) any) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := fixed
	if id <= 0 {
		id = q.lastID + 1
	}
	raw, err := json.Marshal(build(id))
	if err != nil {
		return 0, err
	}
	q.lastID = max(q.lastID, id)
	if len(q.allowed) > 0 && !slices.Contains(q.allowed, kind) {
		return id, nil // Telegram does not even keep what the bot did not ask for
	}
	q.seq++
	q.items = append(q.items, queued{seq: q.seq, id: id, kind: kind, raw: raw})
	q.wakeAll()
	return id, nil
}

// startPoll makes this getUpdates the only one; older ones end with 409.
func (q *updateQueue) startPoll(allowed []string) uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if allowed != nil {
		q.allowed = allowed
	}
	q.poll++
	q.wakeAll()
	q.changed.notify()
	return q.poll
}

// take confirms what is below offset and returns up to limit updates, and
// a channel closed at the next change.
func (q *updateQueue) take(poll uint64, offset int64, limit int) ([]json.RawMessage, <-chan struct{}, *apiError) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hook.url != "" {
		return nil, nil, conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
	}
	if poll != q.poll {
		return nil, nil, conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
	}
	q.confirm(offset)
	out := []json.RawMessage{}
	for _, it := range q.items[:min(limit, len(q.items))] {
		out = append(out, it.raw)
	}
	return out, q.wake, nil
}

// confirm forgets updates below a positive offset; a negative offset keeps
// only the last -offset updates, as Telegram does.
func (q *updateQueue) confirm(offset int64) {
	before := len(q.items)
	switch {
	case offset > 0:
		q.items = slices.DeleteFunc(q.items, func(it queued) bool { return it.id < offset })
	case offset < 0 && int64(len(q.items)) > -offset:
		q.items = slices.Delete(q.items, 0, len(q.items)-int(-offset))
	}
	if len(q.items) != before {
		q.changed.notify()
	}
}

// removeSeq forgets one update after a webhook accepted it.
func (q *updateQueue) removeSeq(seq uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = slices.DeleteFunc(q.items, func(it queued) bool { return it.seq == seq })
	q.changed.notify()
}

// PendingUpdates counts the updates the bot has not confirmed yet.
func (s *Server) PendingUpdates() int {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	return len(s.updates.items)
}
