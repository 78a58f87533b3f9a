package demo

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/locales"
	"nido/scheduler/clock"
)

// Config is what main hands the demo.
type Config struct {
	// Telegram is the fake Bot API the bot talks to; the demo plays the
	// people through it and shows what the bot sent.
	Telegram *telegramtest.Server
	// Clock is the clock the flows and the scheduler read; the page moves it.
	Clock *clock.Manual
	// Location is the network's time zone, in which the page shows dates.
	Location *time.Location
	// Catalog renders the texts the seed waits for and the labels it presses.
	Catalog *locales.Catalog
	// People is Nido's store of people, read to show each one's role and language.
	People *flows.People
	// Logger gets the demo's logs; slog.Default() when nil.
	Logger *slog.Logger
	// StepTimeout bounds the seed's wait for each answer of Nido: 30 seconds when zero.
	StepTimeout time.Duration
}

// Demo serves the page and plays the people. It is safe for concurrent use.
type Demo struct {
	cfg    Config
	logger *slog.Logger
	chats  *transcript
	hub    *hub
	stop   func()
	done   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup

	mu      sync.Mutex
	seed    seedView
	persons map[int64]personView // as last published, to publish changes only
}

// New starts following the fake Telegram's events. Call it before anybody
// writes to the bot: what happened earlier is not in the transcript.
func New(cfg Config) *Demo {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StepTimeout == 0 {
		cfg.StepTimeout = 30 * time.Second
	}
	events, stop := cfg.Telegram.Subscribe()
	d := &Demo{
		cfg: cfg, logger: cfg.Logger, chats: newTranscript(), hub: newHub(), stop: stop,
		done: make(chan struct{}), persons: map[int64]personView{},
	}
	d.wg.Add(2)
	go d.follow(events)
	go d.watchClock()
	return d
}

// Close stops following events and ends every page's event stream, so that
// an http.Server's Shutdown does not wait for them.
func (d *Demo) Close() {
	d.closed.Do(func() {
		close(d.done)
		d.stop()
		d.wg.Wait()
		d.hub.close()
	})
}

// follow keeps the transcript and tells the pages what happened.
func (d *Demo) follow(events <-chan telegramtest.Event) {
	defer d.wg.Done()
	for e := range events {
		if en, ok := d.chats.apply(e); ok {
			if e.Kind == telegramtest.EventDeleted {
				d.hub.publish("deleted", map[string]any{"chat": e.ChatID, "id": en.msg.ID})
			} else {
				d.hub.publish("message", map[string]any{"chat": e.ChatID, "message": viewMessage(en)})
			}
		}
		switch e.Kind {
		case telegramtest.EventCallbackAnswer:
			if e.Answer != nil && e.Answer.Text != "" {
				d.hub.publish("answer", map[string]any{"chat": e.ChatID, "text": e.Answer.Text, "alert": e.Answer.ShowAlert})
			}
		case telegramtest.EventChatAction:
			d.hub.publish("action", map[string]any{"chat": e.ChatID, "action": e.Action})
		}
		d.personChanged(e.ChatID)
	}
}

// personChanged publishes a person whose role or language changed, as after
// signing up or /lang; what the bot says is the only sign of it.
func (d *Demo) personChanged(chatID int64) {
	p, ok := castByID(chatID)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v := d.viewPerson(ctx, p)
	d.mu.Lock()
	old, seen := d.persons[p.ID]
	d.persons[p.ID] = v
	d.mu.Unlock()
	if seen && old.Role == v.Role && old.Lang == v.Lang {
		return
	}
	v.Last = nil
	d.hub.publish("person", v)
}

// watchClock tells the pages every time the clock moves, whoever moved it.
func (d *Demo) watchClock() {
	defer d.wg.Done()
	for {
		changed := d.cfg.Clock.Changed()
		select {
		case <-changed:
			d.hub.publish("clock", d.clockView())
		case <-d.done:
			return
		}
	}
}

func (d *Demo) clockView() clockView {
	return clockView{Now: d.cfg.Clock.Now().In(d.cfg.Location), TimeZone: d.cfg.Location.String()}
}

// setSeed records and publishes the seed's progress.
func (d *Demo) setSeed(s seedView) {
	d.mu.Lock()
	d.seed = s
	d.mu.Unlock()
	d.hub.publish("seed", s)
}

func (d *Demo) seedState() seedView {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seed
}

// Handler serves the page, its files, the JSON API and the event stream.
func (d *Demo) Handler() http.Handler {
	mux := http.NewServeMux()
	d.routes(mux)
	return securityHeaders(mux)
}
