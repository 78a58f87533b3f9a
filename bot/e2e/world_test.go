// Package e2e tests Nido the way people use it: a fake Telegram Bot API over
// real HTTP, a real redis-server, and the real bot, flows and scheduler wired
// as main wires them, with a clock the test moves.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"nido/bot"
	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/flows/broadcast"
	"nido/flows/family"
	"nido/flows/flowstest"
	"nido/flows/group"
	"nido/flows/helpdesk"
	"nido/flows/interview"
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
	// hook sees every command Nido sends to Redis, to cut a step short.
	hook *flowstest.Hook
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
	// sendRate is NIDO_SEND_RATE; 0 for no pacing.
	sendRate float64
	// lease is the scheduler's lease; 0 for its default. A test that moves
	// the clock by minutes while a job runs needs a longer one.
	lease time.Duration
	// aof makes Redis write every command to its append-only file before
	// answering, so that a test can kill it and start it again losing
	// nothing it acknowledged.
	aof bool
}

// capabilities are Nido's, as main.go gives them, on rdb under prefix,
// sending at sendRate.
func capabilities(rdb redis.UniversalClient, prefix string, sendRate float64) []flows.Maker {
	return []flows.Maker{appointment.New([]time.Duration{24 * time.Hour, 2 * time.Hour}), group.New(), family.New(family.DefaultConfig()),
		interview.New(interview.DefaultConfig()),
		broadcast.New(broadcast.Config{SendRate: sendRate, Groups: group.NewDirectory(rdb, prefix)}), helpdesk.New()}
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
		w.redis = redistest.Start(t, redistest.Options{AOF: o.aof})
		w.rdb = w.redis.Client()
		w.hook = &flowstest.Hook{}
		w.rdb.AddHook(w.hook)
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
	sendRate := math.Inf(1)
	if o.sendRate > 0 {
		sendRate = o.sendRate
	}
	b, err := bot.New(ctx, bot.Config{
		Token: "123:TEST", APIURL: w.tg.URL, Prefix: w.prefix, SendRate: sendRate, ChatRate: 1000,
		Logger: log, Catalog: w.cat, Redis: w.rdb, PollTimeout: 2 * time.Second,
		IdleWait: 20 * time.Millisecond, DrainTimeout: 5 * time.Second,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w.sched, err = scheduler.New(w.rdb, scheduler.Config{
		Prefix: w.prefix, Location: loc, Clock: w.clock, Logger: log, PollInterval: 50 * time.Millisecond, Lease: o.lease,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	engine, err := flows.New(flows.Config{
		Redis: w.rdb, Prefix: w.prefix, Sender: b.Sender(), Scheduler: w.sched, Clock: w.clock, Location: loc,
		DefaultLang: "it", AdminIDs: []int64{w.admin.ID}, BotUsername: b.Username(), Logger: log,
	}, append(capabilities(w.rdb, w.prefix, o.sendRate), o.capabilities...)...)
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

// typeWhen is u typing a day and a time at the day-and-time question: Nido
// reads it back as at, with its weekday, in u's language; u presses Yes,
// and what Nido said to that is returned.
func (w *world) typeWhen(u telegramtest.User, text string, at time.Time) []telegramtest.Message {
	w.t.Helper()
	w.wantReadBack(w.say(u, text), u.LanguageCode, at)
	return w.press(u, w.label(u.LanguageCode, "when.yes"))
}

// lineWhen is the "dd/mm/yyyy hh:mm" a one-line command carries.
var lineWhen = regexp.MustCompile(`\b(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d)\b`)

// sayLine is u writing a one-line command that carries a day and a time,
// "/appointment 25/11/2026 09:30 Pediatra": Nido reads them back, with
// the weekday, in u's language; u presses Yes, and what Nido said to that
// is returned.
func (w *world) sayLine(u telegramtest.User, line string) []telegramtest.Message {
	w.t.Helper()
	return w.sayLineIn(u, u.LanguageCode, line)
}

// sayLineIn is sayLine for u who chose lang at sign-up, rather than the
// language of u's Telegram.
func (w *world) sayLineIn(u telegramtest.User, lang, line string) []telegramtest.Message {
	w.t.Helper()
	m := lineWhen.FindStringSubmatch(line)
	if m == nil {
		w.t.Fatalf("no dd/mm/yyyy hh:mm in %q", line)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	w.wantReadBack(w.say(u, line), lang, w.rome(n(3), time.Month(n(2)), n(1), n(4), n(5)))
	return w.press(u, w.label(lang, "when.yes"))
}

// wantReadBack fails unless msgs read at back in lang, as Nido asks before
// it takes a typed day and time.
func (w *world) wantReadBack(msgs []telegramtest.Message, lang string, at time.Time) {
	w.t.Helper()
	w.wantSaid(msgs, lang, "when.check", map[string]any{"When": w.cat.DateTime(lang, at)})
}

// wantNamesTheDay fails unless m names the weekday and the month of at in
// lang, in words: what makes a read-back catch "10/12" meant as 12 October.
func (w *world) wantNamesTheDay(m telegramtest.Message, lang string, at time.Time) {
	w.t.Helper()
	for _, id := range []string{fmt.Sprintf("date.weekday.%d", int(at.Weekday())), fmt.Sprintf("date.month.%d", int(at.Month()))} {
		if word := w.label(lang, id); !strings.Contains(m.Plain(), word) {
			w.t.Errorf("%q does not say %q", m.Plain(), word)
		}
	}
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
		if strings.Contains(telegramtest.Visible(m.Plain()), want) {
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

// failOnce makes the next Redis command that match accepts fail, as a lost
// connection would: the step Nido is taking stops half-way, as after a
// crash. (Not on a Cluster world.)
func (w *world) failOnce(match func(args []any) bool) {
	w.hook.Arm(match, func() error { return errors.New("connection lost") })
}

// tapTwice presses the button labelled label and, once Nido has answered,
// the same button on the same message again: the second tap of someone
// impatient, or a press Telegram delivers twice. It returns what Nido said
// to the second.
func (w *world) tapTwice(u telegramtest.User, label string) []telegramtest.Message {
	w.t.Helper()
	msgs, _ := w.tapAgain(u, label)
	return msgs
}

// tapAgain is tapTwice that also returns the toast Nido answered the second
// tap with ("" for none).
func (w *world) tapAgain(u telegramtest.User, label string) ([]telegramtest.Message, string) {
	w.t.Helper()
	msgs := w.tg.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if telegramtest.Visible(b.Text) != label || msgs[i].Deleted {
					continue
				}
				w.press(u, label)
				before := len(w.tg.Messages(u.ID))
				id := w.tg.PressData(u, msgs[i].ID, b.CallbackData)
				w.handled.wait(w.t, id)
				return w.tg.Messages(u.ID)[before:], w.toastOf(id)
			}
		}
	}
	w.t.Fatalf("no button %q in chat %d", label, u.ID)
	return nil, ""
}

// pressKept presses, in u's chat, the button labelled label of m as m was
// when the test kept it, though the message may have changed since: a
// button on a phone that had not yet shown the change. It returns what Nido
// said to it and its toast.
func (w *world) pressKept(u telegramtest.User, m telegramtest.Message, label string) ([]telegramtest.Message, string) {
	w.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if telegramtest.Visible(b.Text) == label {
				before := len(w.tg.Messages(u.ID))
				id := w.tg.PressData(u, m.ID, b.CallbackData)
				w.handled.wait(w.t, id)
				return w.tg.Messages(u.ID)[before:], w.toastOf(id)
			}
		}
	}
	w.t.Fatalf("no button %q in message %d: %q", label, m.ID, m.Labels())
	return nil, ""
}

// toastOf waits for Nido's answer to the press that update id carried, and
// returns its toast ("" for none).
func (w *world) toastOf(id int64) string {
	w.t.Helper()
	var toast string
	waitFor(w.t, 5*time.Second, func() bool {
		for _, a := range w.tg.CallbackAnswers() {
			if a.UpdateID == id {
				toast = a.Text
				return true
			}
		}
		return false
	})
	return toast
}

// pressOn is u pressing the button labelled label on m, a message kept
// from earlier, even when a later one has the same button.
func (w *world) pressOn(u telegramtest.User, m telegramtest.Message, label string) []telegramtest.Message {
	w.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if telegramtest.Visible(b.Text) == label {
				before := len(w.tg.Messages(u.ID))
				w.handled.wait(w.t, w.tg.PressData(u, m.ID, b.CallbackData))
				return w.tg.Messages(u.ID)[before:]
			}
		}
	}
	w.t.Fatalf("no button %q on message %d: %q", label, m.ID, m.Labels())
	return nil
}

// pressSigned is u pressing a button whose data Nido signed for u's chat,
// such as a button kept from another time: only the flows' own checks stand
// between it and the appointment it names.
func (w *world) pressSigned(u telegramtest.User, data string) []telegramtest.Message {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	in := flows.Input{ChatID: u.ID, UserID: u.ID, Callback: data}
	if err := w.engine.Handle(context.Background(), in); err != nil {
		w.t.Fatalf("press %q: %v", data, err)
	}
	return w.tg.Messages(u.ID)[before:]
}

// apptIDs lists a mother's appointment ids.
func (w *world) apptIDs(u telegramtest.User) []string {
	w.t.Helper()
	ids, err := w.rdb.ZRange(context.Background(), "nido:appts:mother:"+idOf(u), 0, -1).Result()
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

// send is u sending m (a photo, a voice note) with no text, and returns what
// Nido answered.
func (w *world) send(u telegramtest.User, m *models.Message) []telegramtest.Message {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	from := models.User{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode}
	m.From, m.Chat, m.Date = &from, models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName}, int(w.clock.Now().Unix())
	w.handled.wait(w.t, w.tg.Deliver(models.Update{Message: m})[0])
	return w.tg.Messages(u.ID)[before:]
}

// aurora is an organisation with its staff member Anna and a mother, Fatima.
func aurora(w *world) (staff, mother telegramtest.User) {
	w.t.Helper()
	org := w.openOrg("Casa Aurora", person(2001, "Anna", "it"), "it")
	fatima := person(3001, "Fatima", "it")
	w.signUp(org.staff, "mother", fatima, "it")
	return org.staff, fatima
}

// startingAt makes a world whose clock starts at t.
func startingAt(t time.Time) func(*options) { return func(o *options) { o.start = t } }

// rome is a time on the clocks of Rome.
func rome(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Europe/Rome")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// jobsOf lists the waiting jobs about u by id, with when they are due.
func (w *world) jobsOf(u telegramtest.User) map[string]time.Time {
	w.t.Helper()
	return w.jobsOfOwner(idOf(u))
}

func idOf(u telegramtest.User) string { return strconv.FormatInt(u.ID, 10) }

// wantDue fails unless u has a job whose id ends with suffix, due at due.
func (w *world) wantDue(u telegramtest.User, suffix string, due time.Time) {
	w.t.Helper()
	jobs := w.jobsOf(u)
	for id, d := range jobs {
		if strings.HasSuffix(id, suffix) && d.Equal(due) {
			return
		}
	}
	w.t.Errorf("no job ending in %q due %v; jobs: %v", suffix, due, jobs)
}

// advance moves the clock to t and waits until every job of the owners
// that was due by then has run, so that what they sent can be read and
// what they did not send is known not to come.
func (w *world) advance(t time.Time, owners ...string) {
	w.t.Helper()
	w.clock.Set(t)
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := w.sched.RunDue(ctx, w.engine.Jobs()); err != nil {
			w.t.Fatal(err)
		}
		var pending []string
		for _, o := range owners {
			jobs, err := w.sched.ListOwner(ctx, o)
			if err != nil {
				w.t.Fatal(err)
			}
			for _, j := range jobs {
				if !j.Due.After(t) {
					pending = append(pending, j.ID)
				}
			}
		}
		if len(pending) == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%d jobs due by %v still pending: %v", len(pending), t, pending)
		}
		// The scheduler's own loop is running them: look again shortly.
		<-time.After(5 * time.Millisecond)
	}
}

// count is how many of the bot's messages to u contain substr.
func (w *world) count(u telegramtest.User, substr string) int {
	n := 0
	for _, m := range w.tg.Messages(u.ID) {
		if strings.Contains(telegramtest.Visible(m.Plain()), substr) {
			n++
		}
	}
	return n
}

// waitCount waits until n of the bot's messages to u contain substr.
func (w *world) waitCount(u telegramtest.User, substr string, n int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.tg.Wait(ctx, func() bool { return w.count(u, substr) >= n }); err != nil {
		w.t.Fatalf("want %d messages to %d with %q, have %d: %v", n, u.ID, substr, w.count(u, substr), err)
	}
}

// calendarIn parses the .ics file among msgs and returns its event's start.
func calendarIn(t *testing.T, msgs []telegramtest.Message) (time.Time, *ics.VEvent) {
	t.Helper()
	for _, m := range msgs {
		if m.Document == nil || !strings.HasSuffix(m.Document.FileName, ".ics") {
			continue
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(m.Document.Content))
		if err != nil {
			t.Fatalf("the calendar file does not parse: %v", err)
		}
		if len(cal.Events()) != 1 {
			t.Fatalf("the calendar file has %d events", len(cal.Events()))
		}
		ev := cal.Events()[0]
		start, err := ev.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		return start, ev
	}
	t.Fatalf("no calendar file among %d messages", len(msgs))
	return time.Time{}, nil
}

// nidoBinary builds the nido command once per test run and returns its path.
var nidoBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "nido-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "nido")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

func buildNido(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the nido command")
	}
	bin, err := nidoBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runNido runs the command with only env as its environment and returns its
// exit code and what it wrote to stderr.
func runNido(t *testing.T, bin string, env ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// w0text renders a message id in Italian, as the mothers read it.
func w0text(t *testing.T, id string) string {
	t.Helper()
	w := &world{t: t}
	var err error
	if w.cat, err = newCatalog(); err != nil {
		t.Fatal(err)
	}
	return w.text("it", id, nil)
}

// signatureLen is how long the signature the Telegram layer appends to a
// button's data is (bot/callback.go); the flows never see it.
const signatureLen = 12

// lastButton is the data of the button labelled label on the last message
// Nido sent u, as the flows read it: for seeding many chats through
// engine.Handle, where no Telegram layer strips the signature. It is safe
// to call from any goroutine.
func lastButton(tg *telegramtest.Server, u telegramtest.User, label string) (string, error) {
	last, _ := tg.Last(u.ID)
	for _, row := range last.Buttons {
		for _, b := range row {
			if b.Text == label && len(b.CallbackData) > signatureLen {
				return b.CallbackData[:len(b.CallbackData)-signatureLen], nil
			}
		}
	}
	return "", fmt.Errorf("no button %q in chat %d, under %q", label, u.ID, last.Plain())
}

// startNido starts the command with only env as its environment, and stops
// it when the test ends; prepare may connect its output first.
func startNido(t testing.TB, bin string, env []string, args []string, prepare func(*exec.Cmd)) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if prepare != nil {
		prepare(cmd)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// waitFor waits for cond, checking it every few milliseconds, up to limit.
func waitFor(t testing.TB, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not reached within %s", limit)
		}
		<-tick.C
	}
}

// eraYears are the eras every date-sensitive test runs in, as years from
// the calendar the tests are written in: as written, 17 years before (2009
// and 2010) and 11 years after (2037 and 2038).
func eraYears() []int { return []int{0, -17, 11} }

// inEveryEra runs test once in each era; era goes to newWorld.
func inEveryEra(t *testing.T, test func(t *testing.T, era func(*options))) {
	t.Helper()
	for _, years := range eraYears() {
		t.Run("in "+strconv.Itoa(2026+years), func(t *testing.T) {
			test(t, func(o *options) { o.years = years })
		})
	}
}

// at moves a time written in the tests' calendar into this world's era.
func (w *world) at(t time.Time) time.Time {
	if w.years == 0 {
		return t
	}
	t = t.In(w.loc)
	return time.Date(t.Year()+w.years, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), w.loc)
}

// rome is a time on the clocks of Rome, written in the tests' calendar and
// moved into this world's era.
func (w *world) rome(y int, m time.Month, d, h, min int) time.Time {
	return w.at(time.Date(y, m, d, h, min, 0, 0, w.loc))
}

// yearsWritten are the years a test writes in text: what a person types, or
// reads in a long date.
var yearsWritten = regexp.MustCompile(`\b20(2[6-9])\b`)

// era moves the years 2026 to 2029 written in s into this world's era:
// "25/11/2026" typed in a world of 2037 is "25/11/2037".
func (w *world) era(s string) string {
	if w.years == 0 {
		return s
	}
	return yearsWritten.ReplaceAllStringFunc(s, func(y string) string {
		n, _ := strconv.Atoi(y)
		return strconv.Itoa(n + w.years)
	})
}

// named matches a key naming u's Telegram id as a whole number.
func named(u telegramtest.User) *regexp.Regexp {
	return regexp.MustCompile(`(^|[^0-9])` + idOf(u) + `([^0-9]|$)`)
}

// noKeysNaming fails unless, within a few seconds, no key names u: u's
// chat's lease may outlive the update that erased u by a moment, so it
// waits for that, not for records, which would stay for days.
func (w *world) noKeysNaming(u telegramtest.User) {
	w.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for left := w.keysMatching(named(u), ""); len(left) > 0; left = w.keysMatching(named(u), "") {
		if time.Now().After(deadline) {
			w.t.Fatalf("keys still name %s after erasure: %v", u.FirstName, left)
		}
		<-time.After(5 * time.Millisecond)
	}
}

// keysMatching lists the keys that re matches and that contain part, sorted.
func (w *world) keysMatching(re *regexp.Regexp, part string) []string {
	w.t.Helper()
	var out []string
	for _, k := range w.keys("*") {
		if re.MatchString(k) && strings.Contains(k, part) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// tuesdayGroup is Casa Aurora with Fatima (Italian) and Olena (Ukrainian),
// both put by Anna, with the buttons, in the group "Mamme del martedì",
// which meets on Wednesday 25 November at 17:00 in Via Roma 1.
func tuesdayGroup(w *world) (anna, fatima, olena telegramtest.User) {
	w.t.Helper()
	anna, fatima = aurora(w)
	olena = person(3002, "Olena", "uk")
	w.signUp(anna, "mother", olena, "uk")

	// From her menu: no groups yet, then a new one with its typed name.
	w.say(anna, "/menu")
	w.wantSaid(w.press(anna, w.label("it", "group.menu_staff")), "it", "group.list_none", nil)
	w.wantSaid(w.press(anna, w.label("it", "group.new")), "it", "group.ask_name", map[string]any{"Max": 60})
	w.wantSaid(w.say(anna, strings.Repeat("x", 61)), "it", "group.name_invalid", map[string]any{"Max": 60})
	msgs := w.say(anna, "Mamme del martedì")
	w.wantSaid(msgs, "it", "group.created", nil)
	w.wantSaid(msgs, "it", "group.members_none", nil)

	// Two mothers, each told what the group is.
	for _, m := range []telegramtest.User{fatima, olena} {
		w.press(anna, w.label("it", "group.add"))
		w.wantSaid(w.press(anna, m.FirstName), "it", "group.added", map[string]any{"Name": m.FirstName})
		w.waitCount(m, w.text(m.LanguageCode, "group.welcome", map[string]any{"Group": "Mamme del martedì"}), 1)
	}
	// Nobody is left to add.
	w.wantSaid(w.press(anna, w.label("it", "group.add")), "it", "group.none_to_add", nil)

	// A meeting, with the same day and time buttons as an appointment.
	w.press(anna, w.label("it", "group.plan"))
	w.wantSaid(w.press(anna, "mercoledì 25/11"), "it", "appointment.ask_time",
		map[string]any{"Day": w.cat.Date("it", w.rome(2026, 11, 25, 0, 0))})
	w.wantSaid(w.press(anna, "17:00"), "it", "group.ask_place", nil)
	w.wantSaid(w.say(anna, "Via Roma 1"), "it", "group.ask_repeat", nil)
	msgs = w.press(anna, w.label("it", "group.repeat_once"))
	w.wantSaid(msgs, "it", "group.planned", nil)
	w.wantSaid(msgs, "it", "group.meeting_item", map[string]any{
		"When": w.cat.DateTime("it", w.rome(2026, 11, 25, 17, 0)), "Yes": 0, "No": 0, "None": 2})
	return anna, fatima, olena
}

// jobsOfOwner lists the waiting jobs of owner by id, with when they are due.
func (w *world) jobsOfOwner(owner string) map[string]time.Time {
	w.t.Helper()
	jobs, err := w.sched.ListOwner(context.Background(), owner)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, j := range jobs {
		out[j.ID] = j.Due
	}
	return out
}

// wantDueFor fails unless owner has job id, due at due.
func (w *world) wantDueFor(owner, id string, due time.Time) {
	w.t.Helper()
	jobs := w.jobsOfOwner(owner)
	if d, ok := jobs[id]; !ok || !d.Equal(due) {
		w.t.Errorf("no job %s due %v; jobs: %v", id, due, jobs)
	}
}

// oldRedis serves just enough of the Redis protocol for a client to connect
// and ask INFO: it says it is version.
func oldRedis(t *testing.T, version string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveOldRedis(conn, version)
		}
	}()
	return ln.Addr().String()
}

func serveOldRedis(conn net.Conn, version string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		var reply string
		switch strings.ToUpper(args[0]) {
		case "HELLO": // RESP3 came with 6.0 but go-redis falls back on this error
			reply = "-ERR unknown command 'HELLO'\r\n"
		case "INFO":
			body := "# Server\r\nredis_version:" + version + "\r\n"
			reply = fmt.Sprintf("$%d\r\n%s\r\n", len(body), body)
		case "PING":
			reply = "+PONG\r\n"
		default:
			reply = "+OK\r\n"
		}
		if _, err := io.WriteString(conn, reply); err != nil {
			return
		}
	}
}

// readCommand reads one command as a client sends it: an array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("not a command: %q", line)
	}
	args := make([]string, n)
	for i := range args {
		if _, err := r.ReadString('\n'); err != nil { // $<length>
			return nil, err
		}
		arg, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		args[i] = strings.TrimSuffix(arg, "\r\n")
	}
	return args, nil
}

// countText renders a plural message id in lang for count, as a person reads it.
func (w *world) countText(lang, id string, count int, data map[string]any) string {
	w.t.Helper()
	s, err := w.cat.Text(lang, id, data, count)
	if err != nil {
		w.t.Fatal(err)
	}
	return plain(s)
}

// wantIn fails unless one of msgs contains want.
func (w *world) wantIn(msgs []telegramtest.Message, want string) telegramtest.Message {
	w.t.Helper()
	for _, m := range msgs {
		if strings.Contains(m.Plain(), want) {
			return m
		}
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Plain())
	}
	w.t.Fatalf("want a message with %q, got %q", want, got)
	return telegramtest.Message{}
}

// noValuesNaming fails if a key whose name contains part holds a value
// naming u: records of others (lists, indexes) that still point at
// someone who erased her data.
func (w *world) noValuesNaming(u telegramtest.User, part string) {
	w.t.Helper()
	re := named(u)
	for k, v := range w.snapshot() {
		if strings.Contains(k, part) && re.MatchString(v) {
			w.t.Errorf("%s still names %s: %s", k, u.FirstName, v)
		}
	}
}

// network is an organisation with its first staff member, signed up through
// the admin, as on the first day.
type network struct {
	staff telegramtest.User
}

// openOrg makes the admin create an organisation and invite its first staff member.
func (w *world) openOrg(name string, staff telegramtest.User, lang string) network {
	w.t.Helper()
	w.say(w.admin, "/start")
	msgs := w.say(w.admin, "/org new "+name)
	w.wantSaid(msgs, "it", "org.created", map[string]any{"Name": name})
	msgs = w.press(w.admin, w.label("it", "org.invite_staff"))
	w.wantSaid(msgs, "it", "invite.ask_name", nil)
	code := codeIn(w.t, w.say(w.admin, staff.FirstName))
	w.join(staff, code, lang)
	return network{staff: staff}
}

func commandNames(cmds []telegramtest.Command) string {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
	}
	return strings.Join(names, ",")
}

// processes is what the tests that run the nido command itself (killed,
// restarted) start from: a real Redis, a fake Telegram, the command built,
// and the network's organisation, Casa Aurora, seeded by an engine whose
// clock stands a minute before now, so that what it queued is due.
type processes struct {
	bin    string
	rs     *redistest.Server
	rdb    redis.UniversalClient
	tg     *telegramtest.Server
	loc    *time.Location
	seed   *clock.Manual
	engine *flows.Engine
	cat    *locales.Catalog
	org    flows.Org
}

func newProcesses(t *testing.T) *processes {
	t.Helper()
	p := &processes{bin: buildNido(t), rs: redistest.Start(t), tg: telegramtest.NewTestServer(t, telegramtest.Unlimited())}
	p.rdb = p.rs.Client()
	p.loc, _ = time.LoadLocation("Europe/Rome")
	p.seed = clock.NewManual(time.Now().In(p.loc).Add(-time.Minute))
	p.engine, p.cat = seedEngine(t, p.rdb, p.tg, p.seed, p.loc, capabilities(p.rdb, prefix, 1000)...)
	var err error
	if p.org, err = p.engine.People().CreateOrg(context.Background(), "Casa Aurora", p.seed.Now()); err != nil {
		t.Fatal(err)
	}
	return p
}

// env is the nido command's environment on these Telegram and Redis.
func (p *processes) env() []string {
	return []string{
		"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + p.tg.URL, "REDIS_URL=" + p.rs.URL(),
		"NIDO_SEND_RATE=1000", "NIDO_QUIET_HOURS=off", "NIDO_LISTEN=127.0.0.1:0",
	}
}

// seedEngine is an engine that only seeds, on rdb and tg, at seedClock:
// its scheduler queues and is never run, so that the nido process started
// next runs what was queued. It returns the catalog as well.
func seedEngine(t *testing.T, rdb redis.UniversalClient, tg *telegramtest.Server, seedClock *clock.Manual,
	loc *time.Location, makers ...flows.Maker) (*flows.Engine, *locales.Catalog) {
	t.Helper()
	return seedEngineUnder(t, prefix, rdb, tg, seedClock, loc, makers...)
}

// seedEngineUnder is seedEngine with keys under pfx, such as "{nido}" on a Cluster.
func seedEngineUnder(t testing.TB, pfx string, rdb redis.UniversalClient, tg *telegramtest.Server, seedClock *clock.Manual,
	loc *time.Location, makers ...flows.Maker) (*flows.Engine, *locales.Catalog) {
	t.Helper()
	sched, err := scheduler.New(rdb, scheduler.Config{Prefix: pfx, Location: loc, QuietHours: "off", Clock: seedClock})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := newCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seedBot, err := bot.New(context.Background(), bot.Config{Token: "123:TEST", APIURL: tg.URL, Prefix: pfx, Redis: rdb,
		SendRate: math.Inf(1), ChatRate: 1000, Catalog: cat, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := flows.New(flows.Config{Redis: rdb, Prefix: pfx, Sender: seedBot.Sender(), Clock: seedClock, Location: loc,
		DefaultLang: "it", Scheduler: sched, Logger: slog.New(slog.DiscardHandler)}, makers...)
	if err != nil {
		t.Fatal(err)
	}
	return engine, cat
}

// dueReminders seeds, as the mothers would have ten minutes ago, one
// organisation and n mothers (ids from 100,000), each with an appointment
// typed in her chat whose 2-hour reminder is due now: the nido process
// started next, with NIDO_REMINDER_OFFSETS=2h, sends them.
func dueReminders(t *testing.T, rdb redis.UniversalClient, tg *telegramtest.Server, n int) []telegramtest.User {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Rome")
	ctx := context.Background()
	real := time.Now().In(loc)
	seedClock := clock.NewManual(real.Add(-10 * time.Minute))
	engine, _ := seedEngine(t, rdb, tg, seedClock, loc, appointment.New([]time.Duration{2 * time.Hour}))
	org, err := engine.People().CreateOrg(ctx, "Casa Aurora", seedClock.Now())
	if err != nil {
		t.Fatal(err)
	}
	at := real.Add(2*time.Hour - time.Minute).Truncate(time.Minute)
	shortcut := "/appointment " + at.Format("02/01/2006 15:04") + " Pediatra"
	// Her answers after the line: Yes when Nido reads its day back, and
	// "save anyway" when that day is a holiday.
	answers := []string{w0text(t, "when.yes")}
	if flows.Holiday(at) != "" {
		answers = append(answers, w0text(t, "appointment.warn_save"))
	}
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = person(int64(100_000+i), fmt.Sprintf("M%d", i), "it")
	}
	tg.Meet(users...)
	// Different chats are answered in parallel, as the Telegram layer does.
	var seeding errgroup.Group
	seeding.SetLimit(8)
	for _, u := range users {
		seeding.Go(func() error {
			p := flows.Person{ID: u.ID, Role: flows.RoleMother, OrgID: org.ID, Lang: "it", Name: u.FirstName,
				Consent: seedClock.Now(), Joined: seedClock.Now()}
			if err := engine.People().Save(ctx, p); err != nil {
				return err
			}
			if err := engine.Handle(ctx, flows.Input{ChatID: u.ID, UserID: u.ID, Text: shortcut}); err != nil {
				return err
			}
			for _, label := range answers {
				data, err := lastButton(tg, u, label)
				if err != nil {
					return err
				}
				if err := engine.Handle(ctx, flows.Input{ChatID: u.ID, UserID: u.ID, Callback: data}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := seeding.Wait(); err != nil {
		t.Fatal(err)
	}
	return users
}

// countIn is how many messages to each of users contain substr, by chat.
func countIn(tg *telegramtest.Server, users []telegramtest.User, substr string) map[int64]int {
	out := make(map[int64]int, len(users))
	for _, u := range users {
		for _, m := range tg.Messages(u.ID) {
			if strings.Contains(m.Plain(), substr) {
				out[u.ID]++
			}
		}
	}
	return out
}
