package demo

import (
	"encoding/json"
	"fmt"
	"sync"
)

// subscriberBuffer is how many events a page may fall behind before it is
// cut off; its EventSource then reconnects and reloads what it shows.
const subscriberBuffer = 1024

// hub fans the demo's events out to every open page, as server-sent events.
type hub struct {
	mu     sync.Mutex
	subs   map[chan []byte]struct{}
	closed bool
}

func newHub() *hub { return &hub{subs: map[chan []byte]struct{}{}} }

// subscribe returns a feed of encoded events and a function that ends it.
// The feed closes when the hub does or when the page falls too far behind.
func (h *hub) subscribe() (<-chan []byte, func()) {
	ch := make(chan []byte, subscriberBuffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	h.subs[ch] = struct{}{}
	return ch, func() { h.drop(ch) }
}

func (h *hub) drop(ch chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// publish sends one event named kind with v as its JSON data. It never
// blocks: a page that cannot keep up is dropped rather than slowing the demo.
func (h *hub) publish(kind string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		// Only our own view types are published; they always encode.
		panic(fmt.Sprintf("demo: encode %s event: %v", kind, err))
	}
	frame := []byte("event: " + kind + "\ndata: " + string(data) + "\n\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- frame:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
}

// close ends every feed.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}
