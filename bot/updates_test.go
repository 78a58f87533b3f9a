package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"nido/bot/telegramtest"
)

// Two people type 50 messages each as fast as they can; each gets the 50
// echoes back in the order typed, and no chat is handled twice at once.
func TestPollingKeepsOrderPerChat(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	f := newEcho(b.Sender())
	run(t, b, f)

	anna, ben := user(101), user(102)
	var wg sync.WaitGroup
	for _, u := range []telegramtest.User{anna, ben} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 50; i++ {
				e.fake.SendText(u, fmt.Sprintf("%d %d", u.ID, i))
			}
		}()
	}
	wg.Wait()
	for _, u := range []telegramtest.User{anna, ben} {
		msgs := e.waitCount(u.ID, 50)
		for i, m := range msgs {
			if want := fmt.Sprintf("%d %d", u.ID, i+1); m.Plain() != want {
				t.Fatalf("chat %d message %d = %q, want %q", u.ID, i, m.Plain(), want)
			}
		}
	}
	if f.overlap {
		t.Error("one chat was handled by two workers at once")
	}
}

// The same update id delivered twice is handled once.
func TestDuplicateUpdateDropped(t *testing.T) {
	e := newEnv(t)
	b := e.bot(e.config())
	f := newEcho(b.Sender())
	anna := user(101)
	e.fake.SendText(anna, "first") // makes the chat known
	msg := func(text string) models.Update {
		return models.Update{ID: 500, Message: &models.Message{
			ID: 9, Chat: models.Chat{ID: anna.ID, Type: models.ChatTypePrivate},
			From: &models.User{ID: anna.ID, FirstName: anna.FirstName}, Text: text, Date: 1,
		}}
	}
	e.fake.Deliver(msg("once"), msg("once"))
	e.fake.SendText(anna, "last")
	run(t, b, f)

	msgs := e.waitCount(anna.ID, 3)
	var got []string
	for _, m := range msgs {
		got = append(got, m.Plain())
	}
	if fmt.Sprint(got) != "[first once last]" {
		t.Errorf("replies %q, want [first once last]", got)
	}
	if n := counter(t, b.m.duplicates); n != 1 {
		t.Errorf("duplicates metric = %d, want 1", n)
	}
}

// A process that stored updates 1 and 2 died before telling Telegram: the
// next one asks from update 3, and 1 and 2 are not handled again.
func TestRestartResumesAtStoredOffset(t *testing.T) {
	e := newEnv(t)
	anna := user(101)
	var ids []int64
	for _, text := range []string{"one", "two", "three"} {
		ids = append(ids, e.fake.SendText(anna, text))
	}
	if err := e.rdb.Set(t.Context(), testKeys.offset(), ids[1], 0).Err(); err != nil {
		t.Fatal(err)
	}
	b := e.bot(e.config())
	run(t, b, newEcho(b.Sender()))
	e.fake.SendText(anna, "four")

	msgs := e.waitCount(anna.ID, 2)
	if got := msgs[0].Plain() + "," + msgs[1].Plain(); got != "three,four" {
		t.Errorf("replies %q, want three,four", got)
	}
	if n := len(e.fake.Messages(anna.ID)); n != 2 {
		t.Errorf("%d replies, want 2", n)
	}
}

// A bot stopped and started again carries on: nothing handled twice,
// nothing lost, and the offset in Redis follows the last update.
func TestRestartCarriesOn(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	anna := user(101)
	b1 := e.bot(unpaced(e.config()))
	stop := run(t, b1, newEcho(b1.Sender()))
	for i := range 3 {
		e.fake.SendText(anna, strconv.Itoa(i))
	}
	e.waitCount(anna.ID, 3)
	stop()

	last := e.fake.SendText(anna, "3") // arrives while no bot runs
	b2 := e.bot(unpaced(e.config()))
	run(t, b2, newEcho(b2.Sender()))
	e.fake.SendText(anna, "4")
	msgs := e.waitCount(anna.ID, 5)
	for i, m := range msgs {
		if m.Plain() != strconv.Itoa(i) {
			t.Errorf("message %d = %q", i, m.Plain())
		}
	}
	got, err := e.rdb.Get(t.Context(), testKeys.offset()).Int64()
	if err != nil || got < last+1 {
		t.Errorf("stored offset = %d (%v), want at least %d", got, err, last+1)
	}
}

// Group chats and other kinds of update reach no flow and are not kept.
func TestGroupsIgnored(t *testing.T) {
	e := newEnv(t)
	b := e.bot(unpaced(e.config()))
	f := newEcho(b.Sender())
	run(t, b, f)
	anna := user(101)
	e.fake.SendGroupText(telegramtest.Group{ID: -500, Title: "Mamme"}, anna, "hello all")
	e.fake.SendText(anna, "hello bot")
	e.waitCount(anna.ID, 1)
	if in := f.seen(); len(in) != 1 || in[0].Text != "hello bot" {
		t.Errorf("flows got %+v, want only the private message", in)
	}
	if n := len(e.fake.Messages(-500)); n != 0 {
		t.Errorf("%d messages in the group", n)
	}
}

// Two processes run at once: one polls, both dispatch, nobody fights over
// getUpdates; when the poller stops, the other takes over.
func TestTwoProcessesPollInTurn(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	var logs lockedBuffer
	cfg := unpaced(e.config())
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	b1 := e.bot(cfg)
	cfg.Registry = prometheus.NewRegistry()
	b2 := e.bot(cfg)
	stop1 := run(t, b1, newEcho(b1.Sender()))
	run(t, b2, newEcho(b2.Sender()))

	anna, ben := user(101), user(102)
	for i := range 10 {
		e.fake.SendText(anna, strconv.Itoa(i))
		e.fake.SendText(ben, strconv.Itoa(i))
	}
	e.waitCount(anna.ID, 10)
	stop1()
	for i := 10; i < 20; i++ {
		e.fake.SendText(anna, strconv.Itoa(i))
	}
	for _, u := range []telegramtest.User{anna, ben} {
		want := 20
		if u == ben {
			want = 10
		}
		msgs := e.waitCount(u.ID, want)
		for i, m := range msgs {
			if m.Plain() != strconv.Itoa(i) {
				t.Fatalf("chat %d message %d = %q", u.ID, i, m.Plain())
			}
		}
	}
	if strings.Contains(logs.String(), "Conflict") {
		t.Errorf("the processes fought over getUpdates:\n%s", logs.String())
	}
}

// lockedBuffer collects logs written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A failing Redis (an outage, a failover) is tried again within seconds, so
// that updates flow soon after it is back; a failing Telegram is left longer.
func TestPollBackoff(t *testing.T) {
	redisDown := errRedis{errors.New("connection refused")}
	telegramDown := errors.New("getUpdates: 502 Bad Gateway")
	for _, tc := range []struct {
		name       string
		prev, wait time.Duration
		err        error
		want       time.Duration
	}{
		{"redis, first", 0, 0, redisDown, 100 * time.Millisecond},
		{"redis, doubling", 800 * time.Millisecond, 0, redisDown, 1600 * time.Millisecond},
		{"redis, at most 5 s", 4 * time.Second, 0, redisDown, 5 * time.Second},
		{"redis, after long Telegram waits", 30 * time.Second, 0, redisDown, 5 * time.Second},
		{"telegram, first", 0, 0, telegramDown, time.Second},
		{"telegram, at most 30 s", 20 * time.Second, 0, telegramDown, 30 * time.Second},
		{"telegram, retry_after", time.Second, 45 * time.Second, telegramDown, 45 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextBackoff(tc.prev, tc.wait, tc.err); got != tc.want {
				t.Errorf("nextBackoff(%s, %s, %v) = %s, want %s", tc.prev, tc.wait, tc.err, got, tc.want)
			}
		})
	}
}
