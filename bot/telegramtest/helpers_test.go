package telegramtest

import (
	"context"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// testToken starts with the bot id, like a real token.
const testToken = "5550001:TEST-token"

// newClient is the real go-telegram/bot client pointed at the fake, as
// Nido builds it, without polling.
func newClient(t testing.TB, fake *Server, opts ...tg.Option) *tg.Bot {
	t.Helper()
	base := []tg.Option{tg.WithServerURL(fake.URL), tg.WithSkipGetMe(), tg.WithErrorsHandler(func(error) {})}
	b, err := tg.New(testToken, append(base, opts...)...)
	if err != nil {
		t.Fatalf("tg.New: %v", err)
	}
	return b
}

// startBot runs a polling bot whose updates go to handle; it stops when the test ends.
func startBot(t testing.TB, fake *Server, handle tg.HandlerFunc) *tg.Bot {
	t.Helper()
	b := newClient(t, fake, tg.WithDefaultHandler(handle), tg.WithNotAsyncHandlers())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

// collector keeps the updates a polling bot received.
type collector struct {
	mu      sync.Mutex
	updates []*models.Update
	changed *signal
}

func newCollector() *collector { return &collector{changed: newSignal()} }

func (c *collector) handle(_ context.Context, _ *tg.Bot, u *models.Update) {
	c.mu.Lock()
	c.updates = append(c.updates, u)
	c.mu.Unlock()
	c.changed.notify()
}

// waitFor waits until n updates arrived and returns them.
func (c *collector) waitFor(t testing.TB, n int) []*models.Update {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ch := c.changed.changed()
		c.mu.Lock()
		got := append([]*models.Update(nil), c.updates...)
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("got %d updates, want %d", len(got), n)
		}
	}
}

// manualClock is a clock a test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}
