package telegramtest

import (
	"strings"
	"sync"
)

// stats counts what the bot did, for assertions and for the demo's panel.
type stats struct {
	mu      sync.Mutex
	changed *signal
	token   string
	calls   map[string]int
	sent    int
	errors  []error
}

func (st *stats) call(token, method string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.token = token
	st.calls[strings.ToLower(method)]++
	st.changed.notify()
}

func (st *stats) fail(err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.errors = append(st.errors, err)
}

func (st *stats) addSent() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sent++
}

// Token returns the bot token of the latest call, empty before the first.
func (s *Server) Token() string {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.token
}

// Calls counts the calls of a Bot API method (any letter case), failed ones included.
func (s *Server) Calls(method string) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.calls[strings.ToLower(method)]
}

// Sent counts the messages accepted (sendMessage, sendDocument and sendVoice).
func (s *Server) Sent() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.sent
}

// Errors lists what the bot did that the fake cannot vouch for: calls of
// methods it does not serve, or of features it does not check. A test built
// with NewTestServer fails with these when it ends.
func (s *Server) Errors() []error {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return append([]error(nil), s.stats.errors...)
}
