package telegramtest

import (
	"errors"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
)

// send is one sendMessage through the real client; it returns the
// retry_after of a 429, 0 on success, and fails the test on other errors.
func send(t *testing.T, b *tg.Bot, chatID int64) int {
	t.Helper()
	_, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: chatID, Text: "x"})
	var tooMany *tg.TooManyRequestsError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &tooMany):
		return tooMany.RetryAfter
	}
	t.Fatalf("SendMessage(%d): %v", chatID, err)
	return 0
}

func TestPerChatLimit(t *testing.T) {
	clock := newManualClock()
	fake := NewTestServer(t, WithClock(clock.Now))
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	for i := range 3 {
		if r := send(t, b, mum.ID); r != 0 {
			t.Fatalf("message %d of the burst: 429 retry after %d", i+1, r)
		}
	}
	if r := send(t, b, mum.ID); r != 1 {
		t.Errorf("4th message at once: retry_after %d, want 1", r)
	}
	clock.Advance(time.Second)
	if r := send(t, b, mum.ID); r != 0 {
		t.Errorf("after a second: 429 retry after %d", r)
	}
	if r := send(t, b, mum.ID); r != 1 {
		t.Errorf("second message in that second: retry_after %d, want 1", r)
	}
	if got := fake.TooManyRequests(); got != 2 {
		t.Errorf("TooManyRequests() = %d, want 2", got)
	}
	if got := fake.Sent(); got != 4 {
		t.Errorf("Sent() = %d, want 4", got)
	}
}

func TestGlobalLimit(t *testing.T) {
	clock := newManualClock()
	fake := NewTestServer(t, WithClock(clock.Now))
	b := newClient(t, fake)
	for i := range 31 {
		fake.SendText(User{ID: int64(2000 + i)}, "ciao")
	}
	for i := range 30 {
		if r := send(t, b, int64(2000+i)); r != 0 {
			t.Fatalf("message %d to a new chat: 429 retry after %d", i+1, r)
		}
	}
	if r := send(t, b, 2030); r != 1 {
		t.Errorf("31st message in a second: retry_after %d, want 1", r)
	}
	clock.Advance(time.Second / 30)
	if r := send(t, b, 2030); r != 0 {
		t.Errorf("after 1/30 s: retry after %d", r)
	}
}

func TestGroupLimit(t *testing.T) {
	clock := newManualClock()
	fake := NewTestServer(t, WithClock(clock.Now),
		WithLimits(Limits{PerGroup: DefaultLimits().PerGroup})) // only the group limit
	b := newClient(t, fake)
	staff := Group{ID: -100123, Title: "Operatrici"}
	fake.SendGroupText(staff, User{ID: 7}, "ciao")
	for i := range 20 {
		if r := send(t, b, staff.ID); r != 0 {
			t.Fatalf("message %d to the group: 429 retry after %d", i+1, r)
		}
	}
	if r := send(t, b, staff.ID); r != 3 {
		t.Errorf("21st message in a minute: retry_after %d, want 3", r)
	}
}

func TestInjectedTooManyRequests(t *testing.T) {
	fake := NewTestServer(t, Unlimited())
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	fake.InjectTooManyRequests(2, 7)
	for i := range 2 {
		if r := send(t, b, mum.ID); r != 7 {
			t.Errorf("call %d: retry_after %d, want 7", i+1, r)
		}
	}
	if r := send(t, b, mum.ID); r != 0 {
		t.Errorf("third call: retry_after %d, want success", r)
	}
	if fake.TooManyRequests() != 2 || fake.Sent() != 1 {
		t.Errorf("TooManyRequests %d Sent %d, want 2 and 1", fake.TooManyRequests(), fake.Sent())
	}
}

func TestUnlimited(t *testing.T) {
	fake := NewTestServer(t, Unlimited())
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	for i := range 100 {
		if r := send(t, b, mum.ID); r != 0 {
			t.Fatalf("message %d: 429", i+1)
		}
	}
}
