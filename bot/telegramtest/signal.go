package telegramtest

import (
	"context"
	"sync"
)

// signal wakes every waiter when the server's state changes: each change
// closes the current channel and makes a new one, so waiting is a select
// and nobody polls.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

// changed returns a channel closed at the next change.
func (sg *signal) changed() <-chan struct{} {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return sg.ch
}

func (sg *signal) notify() {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	close(sg.ch)
	sg.ch = make(chan struct{})
}

// Wait blocks until cond returns true or ctx ends. cond is checked now and
// after every change of the server's state (a call received, a message
// sent, edited or deleted, a callback answered, an update confirmed); it
// may call the Server.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		ch := s.changed.changed()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
