package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"nido/bot"
	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/flows/broadcast"
	"nido/flows/family"
	"nido/flows/group"
	"nido/flows/helpdesk"
	"nido/flows/interview"
	"nido/locales"
	"nido/scheduler"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// stack is the demo as main wires it, with a real redis-server, the fake
// Telegram, the bot, the flows, the scheduler and the page on httptest.
type stack struct {
	t     *testing.T
	tg    *telegramtest.Server
	clock *clock.Manual
	loc   *time.Location
	cat   *locales.Catalog
	demo  *Demo
	srv   *httptest.Server
}

// monday is when the stacks start: Monday 23 November 2026, noon in Rome.
func monday(t *testing.T) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, 23, 12, 0, 0, 0, loc)
}

func newStack(t *testing.T, opts ...func(*Config)) *stack {
	t.Helper()
	start := monday(t)
	s := &stack{t: t, loc: start.Location(), clock: clock.NewManual(start)}
	rdb := redistest.Start(t).Client()
	s.tg = telegramtest.NewTestServer(t, telegramtest.Unlimited(), telegramtest.WithClock(s.clock.Now),
		telegramtest.WithUsername("nido_demo_bot"))
	var err error
	if s.cat, err = locales.New("it"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.New(ctx, bot.Config{
		Token: "1:DEMO", APIURL: s.tg.URL, Prefix: "nido", SendRate: 1000, ChatRate: 1000,
		Logger: log, Catalog: s.cat, Redis: rdb, PollTimeout: 2 * time.Second,
		IdleWait: 20 * time.Millisecond, DrainTimeout: 5 * time.Second,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	sched, err := scheduler.New(rdb, scheduler.Config{
		Prefix: "nido", Location: s.loc, Clock: s.clock, Logger: log, PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	engine, err := flows.New(flows.Config{
		Redis: rdb, Prefix: "nido", Sender: b.Sender(), Scheduler: sched, Clock: s.clock, Location: s.loc,
		DefaultLang: "it", AdminIDs: []int64{AdminID}, BotUsername: b.Username(), Logger: log,
	}, appointment.New(nil), group.New(), family.New(family.DefaultConfig()),
		interview.New(interview.DefaultConfig()),
		broadcast.New(broadcast.Config{SendRate: 1000, Groups: group.NewDirectory(rdb, "nido")}), helpdesk.New())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := engine.SetDefaultCommands(ctx, append(locales.Codes(), "")); err != nil {
		t.Fatal(err)
	}
	if err := engine.EnsureRules(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Telegram: s.tg, Clock: s.clock, Location: s.loc, Catalog: s.cat, People: engine.People(), Logger: log}
	for _, o := range opts {
		o(&cfg)
	}
	s.demo = New(cfg)
	s.srv = httptest.NewServer(s.demo.Handler())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(ctx, engine) }()
	go func() { defer wg.Done(); _ = sched.Run(ctx, engine.Jobs()) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		s.demo.Close() // ends the event streams, which srv.Close waits for
		s.srv.Close()
	})
	return s
}

// seed builds the demo's network and fails the test if a step failed.
func (s *stack) seed() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.demo.Seed(ctx); err != nil {
		s.t.Fatal(err)
	}
}

// call makes a request to the demo and decodes the JSON answer into out (when not nil).
func (s *stack) call(method, path, body string, out any) *http.Response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %v in %q", method, path, err, raw)
		}
	}
	return res
}

// sseEvent is one server-sent event.
type sseEvent struct {
	name string
	data string
}

// feed is an open event stream of the demo.
type feed struct {
	t      *testing.T
	events chan sseEvent
}

// listen opens the event stream and waits for its first frame.
func (s *stack) listen() *feed {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.srv.URL+"/api/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		s.t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		s.t.Fatalf("event stream served as %q", ct)
	}
	f := &feed{t: s.t, events: make(chan sseEvent, 1024)}
	go func() {
		defer close(f.events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					f.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	s.t.Cleanup(cancel)
	f.next("hello", func(string) bool { return true })
	return f
}

// next waits up to 10 seconds for an event named name whose data satisfies ok.
func (f *feed) next(name string, ok func(data string) bool) string {
	f.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, open := <-f.events:
			if !open {
				f.t.Fatalf("the event stream ended while waiting for %q", name)
			}
			if ev.name == name && ok(ev.data) {
				return ev.data
			}
		case <-deadline:
			f.t.Fatalf("no %q event within 10s", name)
		}
	}
}

// message waits for a message event in chat whose message satisfies ok.
func (f *feed) message(chat int64, ok func(messageView) bool) messageView {
	f.t.Helper()
	var got struct {
		Chat    int64       `json:"chat"`
		Message messageView `json:"message"`
	}
	f.next("message", func(data string) bool {
		if err := json.Unmarshal([]byte(data), &got); err != nil {
			f.t.Fatal(err)
		}
		return got.Chat == chat && ok(got.Message)
	})
	return got.Message
}
