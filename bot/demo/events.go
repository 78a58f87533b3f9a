package demo

import (
	"net/http"
	"time"
)

// keepAlive is how often an idle event stream gets a comment, so proxies
// and browsers keep it open.
const keepAlive = 20 * time.Second

// serveEvents streams what happens in every chat, the clock and the seed as
// server-sent events. A page that reconnects reloads what it shows, since
// events that happened meanwhile are not replayed.
func (d *Demo) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming is not supported")
		return
	}
	feed, stop := d.hub.subscribe()
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// The first frame tells the page the stream is open; retry is in milliseconds.
	if _, err := w.Write([]byte("retry: 1000\nevent: hello\ndata: {}\n\n")); err != nil {
		return
	}
	flusher.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case frame, open := <-feed:
			if !open {
				return
			}
			if _, err := w.Write(frame); err != nil {
				return
			}
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return
			}
		}
		flusher.Flush()
	}
}
