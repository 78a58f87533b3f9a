package telegramtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Telegram Bot API listening on 127.0.0.1.
type Server struct {
	// URL is the base URL to give the bot, as in tg.WithServerURL(s.URL).
	URL string

	cfg     config
	http    *http.Server
	done    chan struct{} // closed by Close: ends long polls and webhook deliveries
	once    sync.Once
	methods map[string]method
	act     sync.Mutex // one person's action at a time, so message and update ids agree

	changed   *signal
	chats     *chatStore
	files     *fileStore
	updates   *updateQueue
	limiter   *limiter
	callbacks *callbackStore
	commands  *commandStore
	events    *broker
	stats     *stats
}

// NewServer starts a fake Bot API on a free port of 127.0.0.1. It panics when
// it cannot listen, like httptest.NewServer. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("telegramtest: listen: %v", err))
	}
	changed := newSignal()
	s := &Server{
		URL:       "http://" + ln.Addr().String(),
		cfg:       cfg,
		done:      make(chan struct{}),
		changed:   changed,
		files:     &fileStore{byID: map[string]Document{}, voices: map[string]Voice{}},
		updates:   newUpdateQueue(changed),
		limiter:   newLimiter(cfg.limits),
		callbacks: &callbackStore{pending: map[string]pendingQuery{}},
		commands:  &commandStore{sets: map[commandKey][]Command{}},
		events:    &broker{subs: map[int]*subscriber{}},
		stats:     &stats{calls: map[string]int{}, changed: changed},
	}
	s.chats = newChatStore(s.changed, s.events)
	s.methods = map[string]method{}
	for _, m := range s.routes() {
		s.methods[strings.ToLower(m.name)] = m
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }() // returns ErrServerClosed at Close
	return s
}

// NewTestServer starts a server for one test and closes it when the test
// ends; then every entry of Errors (an unknown method called, say) fails the test.
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(func() {
		s.Close()
		for _, err := range s.Errors() {
			t.Errorf("telegramtest: %v", err)
		}
	})
	return s
}

// Close ends pending long polls, stops webhook delivery and subscriptions,
// and shuts the listener down. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.updates.stopWebhook()
		s.events.close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			_ = s.http.Close()
		}
	})
}

func (s *Server) now() time.Time { return s.cfg.now() }
