package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/locales"
	"nido/scheduler/redistest"
)

// testKeys are the keys of bots built by env.config.
var testKeys = keys{prefix: "t"}

// waitFor bounds every wait of these tests; nothing here should take long.
const waitFor = 10 * time.Second

// unpaced is a configuration without send limits, for a fake without them,
// so a test can send 100 messages without waiting 50 seconds.
func unpaced(cfg Config) Config {
	cfg.SendRate, cfg.ChatRate = math.Inf(1), math.Inf(1)
	return cfg
}

// env is one test's world: a fake Telegram, a real Redis and a catalog.
type env struct {
	t     testing.TB
	fake  *telegramtest.Server
	redis *redistest.Server
	rdb   redis.UniversalClient
	cat   *locales.Catalog
}

func newEnv(t testing.TB, opts ...telegramtest.Option) *env {
	t.Helper()
	cat, err := locales.New("it")
	if err != nil {
		t.Fatal(err)
	}
	rs := redistest.Start(t, redistest.Options{AOF: true})
	return &env{t: t, fake: telegramtest.NewTestServer(t, opts...), redis: rs, rdb: rs.Client(), cat: cat}
}

// config is a bot's configuration against the env, fast for tests.
func (e *env) config() Config {
	return Config{
		Token: "7000000001:test", APIURL: e.fake.URL, Prefix: testKeys.prefix, Catalog: e.cat, Redis: e.rdb,
		SendRate: 30, Workers: 4,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Registry: prometheus.NewRegistry(), LeaseTTL: 3 * time.Second, DrainTimeout: 5 * time.Second,
		IdleWait: 50 * time.Millisecond,
	}
}

func (e *env) bot(cfg Config) *Bot {
	e.t.Helper()
	b, err := New(context.Background(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// run starts b on f and returns a function that stops it and waits for Run.
func run(t *testing.T, b *Bot, f Flows) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, f) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(waitFor):
				t.Error("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitCount waits until the bot has said n messages in a chat.
func (e *env) waitCount(chatID int64, n int) []telegramtest.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var msgs []telegramtest.Message
	err := e.fake.Wait(ctx, func() bool {
		msgs = e.fake.Messages(chatID)
		return len(msgs) >= n
	})
	if err != nil {
		e.t.Fatalf("chat %d: %d messages, want %d", chatID, len(msgs), n)
	}
	return msgs
}

// echo is a small flows stand-in: it repeats what it gets, answers a
// button "toast:<text>" with that toast alone, and checks that no chat is
// ever handled twice at once.
type echo struct {
	s *Sender

	mu      sync.Mutex
	inputs  []flows.Input
	busy    map[int64]bool
	overlap bool
	// panicOn makes Handle panic on this text.
	panicOn string
}

func newEcho(s *Sender) *echo { return &echo{s: s, busy: map[int64]bool{}} }

func (f *echo) Handle(ctx context.Context, in flows.Input) error {
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	if f.busy[in.ChatID] {
		f.overlap = true
	}
	f.busy[in.ChatID] = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.busy[in.ChatID] = false
		f.mu.Unlock()
	}()
	if f.panicOn != "" && in.Text == f.panicOn {
		panic("flows bug")
	}
	if toast, ok := strings.CutPrefix(in.Callback, "toast:"); ok {
		_, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, Lang: in.TelegramLang, Toast: &flows.T{Plain: toast}})
		return err
	}
	reply := in.Text
	switch {
	case in.Forged:
		reply = "forged"
	case in.Callback != "":
		reply = "pressed " + in.Callback
	}
	_, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, Lines: []flows.T{{Plain: reply}}})
	return err
}

func (f *echo) seen() []flows.Input {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]flows.Input(nil), f.inputs...)
}

// counter reads the value of a counter.
func counter(t *testing.T, c prometheus.Counter) int {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return int(m.GetCounter().GetValue())
}

// reach records the chats reported unreachable.
// text is a message of one localized line to a chat.
func text(chatID int64, lang, id string, data map[string]any) flows.Message {
	return flows.Message{ChatID: chatID, Lang: lang, Lines: []flows.T{{ID: id, Data: data}}}
}

func user(id int64) telegramtest.User {
	return telegramtest.User{ID: id, FirstName: fmt.Sprintf("User%d", id), LanguageCode: "en"}
}
