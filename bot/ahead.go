package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// Answering an update starts with reads of the flows' own (the person, the
// conversation). When this process knows the update as it claims its chat
// (it stored it a moment before), those reads go in the round trip of the
// claim (flows.Preload), after it, and the update is not parsed twice: the
// worker starts from an aheadUpdate.

// preloader is Flows that read ahead (flows.Engine).
type preloader interface {
	Preload(ctx context.Context, p redis.Pipeliner, in flows.Input) *flows.Preloaded
	HandlePreloaded(ctx context.Context, in flows.Input, pre *flows.Preloaded) error
}

// aheadUpdate is an update parsed as it was stored, and what its answer
// starts by reading, once read.
type aheadUpdate struct {
	chat int64
	raw  []byte
	u    *models.Update
	in   flows.Input
	pre  *flows.Preloaded
}

type aheadKey struct{}

// withAhead gives the handling of a's update what was read ahead for it.
func withAhead(ctx context.Context, a *aheadUpdate) context.Context {
	if a == nil || a.pre == nil {
		return ctx
	}
	return context.WithValue(ctx, aheadKey{}, a)
}

// aheadOf is what was read ahead for the update handled in ctx, for raw.
func aheadOf(ctx context.Context, raw []byte) *aheadUpdate {
	a, _ := ctx.Value(aheadKey{}).(*aheadUpdate)
	if a == nil || string(a.raw) != string(raw) {
		return nil
	}
	return a
}

// maxAhead bounds the updates a process remembers having stored without
// claiming their chat: a backlog of a few seconds at a thousand updates a
// second, a few megabytes. Those after it are read as they are claimed.
const maxAhead = 2048

// unclaimed remembers updates this process stored without claiming their
// chat, oldest first: an ack that releases a chat tries the oldest of them
// first, with its reads in the same round trip.
type unclaimed struct {
	mu sync.Mutex
	q  []*aheadUpdate
	// taking counts, by chat, the acks that popped an update and are
	// claiming its chat with its reads: the other looks at the ready set
	// pass those chats by, or they would claim them without.
	taking map[int64]int
}

func (s *unclaimed) push(a *aheadUpdate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.q) < maxAhead {
		s.q = append(s.q, a)
	}
}

// pop takes the oldest update not of chat except, its chat being claimed
// until claimed says it is no more; nil when none.
func (s *unclaimed) pop(except int64) *aheadUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.q {
		if a.chat != except {
			return s.takeAt(i)
		}
	}
	return nil
}

// take takes the update of chat, its chat being claimed until claimed says
// it is no more; nil when none.
func (s *unclaimed) take(chat int64) *aheadUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.q {
		if a.chat == chat {
			return s.takeAt(i)
		}
	}
	return nil
}

// takeAt removes the i-th update and counts its chat as being claimed;
// s.mu is held.
func (s *unclaimed) takeAt(i int) *aheadUpdate {
	a := s.q[i]
	s.q = append(s.q[:i], s.q[i+1:]...)
	if s.taking == nil {
		s.taking = map[int64]int{}
	}
	s.taking[a.chat]++
	return a
}

// claimed ends the claim of the chat of an update pop gave, taken or not.
func (s *unclaimed) claimed(chat int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taking[chat]--; s.taking[chat] <= 0 {
		delete(s.taking, chat)
	}
}

// beingClaimed reports whether an ack is claiming chat with its reads.
func (s *unclaimed) beingClaimed(chat int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.taking[chat] > 0
}

// passBy lists the chats being claimed with their reads, comma-separated,
// for a look at the ready set to pass by; "" when none.
func (s *unclaimed) passBy() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for chat := range s.taking {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(chat, 10))
	}
	return b.String()
}
