// Package e2e tests Nido the way people use it: a fake Telegram Bot API over
// real HTTP, a real redis-server, and the real bot, flows and scheduler wired
// as main wires them, with a clock the test moves.
package e2e

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"nido/bot"
	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/flows/group"
	"nido/locales"
	"nido/scheduler"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// world is one Nido with its Telegram, its Redis and its clock.
type world struct {
	t       *testing.T
	tg      *telegramtest.Server
	redis   *redistest.Server
	rdb     redis.UniversalClient
	clock   *clock.Manual
	loc     *time.Location
	cat     *locales.Catalog
	engine  *flows.Engine
	sched   *scheduler.Scheduler
	handled *tracker
	admin   telegramtest.User
	// prefix is Nido's key prefix in this world's Redis.
	prefix string
	// years is how far this world's calendar stands from the one the
	// tests are written in (see eras).
	years int
}

// options change the world a test gets.
type options struct {
	start     time.Time
	years     int
	tgOptions []telegramtest.Option
	cluster   bool
	// capabilities are more capabilities than Nido's own, for a test of one.
	capabilities []flows.Maker
}

// capabilities are Nido's, as main.go gives them.
func capabilities() []flows.Maker {
	return []flows.Maker{appointment.New([]time.Duration{24 * time.Hour, 2 * time.Hour}), group.New()}
}

// onCluster makes a world on a Redis Cluster of three primaries, with the
// key prefix in a hash tag as a Cluster needs it. Tests in such a world
// reach Redis only through Nido: w.redis is nil.
func onCluster(o *options) { o.cluster = true }

const prefix = "nido"

func newWorld(t *testing.T, opts ...func(*options)) *world {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	o := options{start: time.Date(2026, 11, 23, 9, 0, 0, 0, loc)}
	for _, f := range opts {
		f(&o)
	}
	w := &world{t: t, loc: loc, prefix: prefix, years: o.years}
	w.clock = clock.NewManual(w.at(o.start))
	if o.cluster {
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: redistest.StartCluster(t, 3)})
		t.Cleanup(func() { _ = rdb.Close() })
		w.rdb, w.prefix = rdb, "{"+prefix+"}"
	} else {
		w.redis = redistest.Start(t)
		w.rdb = w.redis.Client()
		// Runs after Nido has stopped, before Redis does.
		t.Cleanup(w.noExpiryYearsAway)
	}
	// Pacing is the bot package's to test; here it would only slow conversations down.
	w.tg = telegramtest.NewTestServer(t, append([]telegramtest.Option{telegramtest.Unlimited()}, o.tgOptions...)...)
	w.admin = telegramtest.User{ID: 1000, FirstName: "Giulia", LanguageCode: "it"}
	if w.cat, err = newCatalog(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.New(ctx, bot.Config{
		Token: "123:TEST", APIURL: w.tg.URL, Prefix: w.prefix, SendRate: math.Inf(1), ChatRate: 1000,
		Logger: log, Catalog: w.cat, Redis: w.rdb, PollTimeout: 2 * time.Second,
		IdleWait: 20 * time.Millisecond, DrainTimeout: 5 * time.Second,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w.sched, err = scheduler.New(w.rdb, scheduler.Config{
		Prefix: w.prefix, Location: loc, Clock: w.clock, Logger: log, PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	engine, err := flows.New(flows.Config{
		Redis: w.rdb, Prefix: w.prefix, Sender: b.Sender(), Scheduler: w.sched, Clock: w.clock, Location: loc,
		DefaultLang: "it", AdminIDs: []int64{w.admin.ID}, BotUsername: b.Username(), Logger: log,
	}, append(capabilities(), o.capabilities...)...)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w.engine = engine
	w.handled = newTracker(engine)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(ctx, w.handled) }()
	go func() { defer wg.Done(); _ = w.sched.Run(ctx, engine.Jobs()) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return w
}

// maxKeep is the longest any key of Nido may live in Redis: an appointment
// planned a year ahead and kept half a year after. A longer TTL is an
// absolute time taken from a clock that stands years away from Redis's.
const maxKeep = 2 * 365 * 24 * time.Hour

// noExpiryYearsAway fails the test if a key was given a TTL longer than
// maxKeep, as happens when an expiry is computed from the world's clock in
// an era after the machine's date (one before it drops the key at once).
func (w *world) noExpiryYearsAway() {
	ctx := context.Background()
	keys, err := w.rdb.Keys(ctx, "*").Result()
	if err != nil {
		w.t.Error(err)
		return
	}
	for _, k := range keys {
		if ttl := w.rdb.PTTL(ctx, k).Val(); ttl > maxKeep {
			w.t.Errorf("%s expires in %v, more than %v from now", k, ttl.Round(time.Hour), maxKeep)
		}
	}
}

func newCatalog() (*locales.Catalog, error) { return locales.New("it") }

// testWriter sends logs to the test's output, shown with -v.
type testWriter struct{ t *testing.T }

func (tw testWriter) Write(p []byte) (int, error) {
	tw.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// tracker passes inputs to the flows and remembers which updates are done,
// so a test can wait for the answer to what it just did.
type tracker struct {
	next bot.Flows
	mu   sync.Mutex
	done map[int64]bool
	wake chan struct{}
}

func newTracker(next bot.Flows) *tracker {
	return &tracker{next: next, done: map[int64]bool{}, wake: make(chan struct{})}
}

func (tr *tracker) Handle(ctx context.Context, in flows.Input) error {
	err := tr.next.Handle(ctx, in)
	tr.mu.Lock()
	tr.done[in.UpdateID] = true
	close(tr.wake)
	tr.wake = make(chan struct{})
	tr.mu.Unlock()
	return err
}

// wait blocks until update id was handled.
func (tr *tracker) wait(t *testing.T, id int64) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		tr.mu.Lock()
		ok, wake := tr.done[id], tr.wake
		tr.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-wake:
		case <-deadline:
			t.Fatalf("update %d was not handled within 10s", id)
		}
	}
}

// person is someone talking to Nido in the test.
func person(id int64, name, lang string) telegramtest.User {
	return telegramtest.User{ID: id, FirstName: name, LanguageCode: lang}
}

// say sends text as u and returns what Nido answered to it (the messages
// that appeared in u's chat meanwhile; edits are not counted). The years
// in text are moved into the world's era, as a person in it would type them.
func (w *world) say(u telegramtest.User, text string) []telegramtest.Message {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	w.handled.wait(w.t, w.tg.SendText(u, w.era(text)))
	return w.tg.Messages(u.ID)[before:]
}

// press presses the button labelled with message id's text in lang.
func (w *world) press(u telegramtest.User, label string) []telegramtest.Message {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	id, err := w.tg.Press(u, label)
	if err != nil {
		w.t.Fatalf("press %q: %v", label, err)
	}
	w.handled.wait(w.t, id)
	return w.tg.Messages(u.ID)[before:]
}

// pressData sends a button press carrying data, as a forged client would.
func (w *world) pressData(u telegramtest.User, data string) []telegramtest.Message {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	last, _ := w.tg.Last(u.ID)
	w.handled.wait(w.t, w.tg.PressData(u, last.ID, data))
	return w.tg.Messages(u.ID)[before:]
}

// text renders message id in lang as a person reads it.
func (w *world) text(lang, id string, data map[string]any) string {
	w.t.Helper()
	s, err := w.cat.Text(lang, id, data, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return plain(s)
}

// label is a button's label in lang.
func (w *world) label(lang, id string) string { return w.text(lang, id, nil) }

// last is the last message in u's chat, as it reads now.
func (w *world) last(u telegramtest.User) telegramtest.Message {
	w.t.Helper()
	m, ok := w.tg.Last(u.ID)
	if !ok {
		w.t.Fatalf("no message to %d", u.ID)
	}
	return m
}

// wantSaid fails unless one of msgs contains the text of message id in lang.
func (w *world) wantSaid(msgs []telegramtest.Message, lang, id string, data map[string]any) {
	w.t.Helper()
	want := w.text(lang, id, data)
	if strings.Contains(want, "<no value>") {
		want = strings.SplitN(want, "<no value>", 2)[0]
	}
	if strings.TrimSpace(want) == "" {
		w.t.Fatalf("%s %s renders empty: the test would match anything", lang, id)
	}
	for _, m := range msgs {
		if strings.Contains(m.Plain(), want) {
			return
		}
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Plain())
	}
	w.t.Fatalf("want a message with %q (%s %s), got %q", want, lang, id, got)
}

var tag = regexp.MustCompile(`<[^>]*>`)

// plain is what a person reads of an HTML text.
func plain(s string) string { return html.UnescapeString(tag.ReplaceAllString(s, "")) }

// codeIn finds the invite code in the message that shows an invite.
func codeIn(t *testing.T, msgs []telegramtest.Message) string {
	t.Helper()
	re := regexp.MustCompile(`start=([A-Z0-9]{8})`)
	for _, m := range msgs {
		if c := re.FindStringSubmatch(m.Plain()); c != nil {
			return c[1]
		}
	}
	t.Fatalf("no invite code in %v", msgs)
	return ""
}

// keys lists the Redis keys that match pattern.
func (w *world) keys(pattern string) []string {
	w.t.Helper()
	ks, err := w.rdb.Keys(context.Background(), pattern).Result()
	if err != nil {
		w.t.Fatal(err)
	}
	return ks
}

// snapshot is every key and its value in Redis, to check that something
// changed nothing. The Telegram layer's bookkeeping (offsets, seen updates,
// leases) is left out.
func (w *world) snapshot() map[string]string {
	w.t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, k := range w.keys("*") {
		if strings.Contains(k, ":bot:") {
			continue
		}
		var v any
		var err error
		switch typ := w.rdb.Type(ctx, k).Val(); typ {
		case "string":
			v, err = w.rdb.Get(ctx, k).Result()
		case "hash":
			v, err = w.rdb.HGetAll(ctx, k).Result()
		case "zset":
			v, err = w.rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		case "set":
			var m []string
			m, err = w.rdb.SMembers(ctx, k).Result()
			slices.Sort(m)
			v = m
		case "list":
			v, err = w.rdb.LRange(ctx, k, 0, -1).Result()
		default:
			v = typ
		}
		if err != nil && err != redis.Nil {
			w.t.Fatal(err)
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}

// sameRedis fails when Redis changed since before, outside the Telegram layer.
func (w *world) sameRedis(before map[string]string) {
	w.t.Helper()
	after := w.snapshot()
	for k, v := range after {
		if before[k] != v {
			w.t.Errorf("key %s changed", k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			w.t.Errorf("key %s vanished", k)
		}
	}
}

// signUp brings a new person in through an invite by inviter: /invite role,
// name, /start code, language, consent.
func (w *world) signUp(inviter telegramtest.User, role string, u telegramtest.User, lang string) {
	w.t.Helper()
	code := w.invite(inviter, role, u.FirstName)
	w.join(u, code, lang)
}

// invite makes inviter create an invite for role and returns its code.
func (w *world) invite(inviter telegramtest.User, role, name string) string {
	w.t.Helper()
	return codeIn(w.t, w.say(inviter, "/invite "+role+" "+name))
}

// join signs u up with code in lang.
func (w *world) join(u telegramtest.User, code, lang string) {
	w.t.Helper()
	w.say(u, "/start "+code)
	l, _ := locales.Find(lang)
	w.press(u, l.Native)
	w.press(u, w.label(lang, "signup.accept"))
	// The consent message itself turns into the thank-you.
	w.wantSaid(w.tg.Messages(u.ID), lang, "signup.accepted", nil)
}
