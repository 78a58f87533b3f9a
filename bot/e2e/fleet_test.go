package e2e

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// The helpers of the tests that run the nido command itself, several at a
// time, stopped and killed.

// fleet is several nido processes in webhook mode behind a round-robin
// front, as in production behind a load balancer: Telegram posts every
// update to the front, which passes it to the next process that is up.
// Several processes cannot all long-poll (Telegram answers 409 to all
// but one); with a webhook each of them takes a share of the updates.
type fleet struct {
	t     testing.TB
	bin   string
	env   []string
	front *front
	// ports are where each process listens; a restarted process keeps its own.
	ports []int
	mu    sync.Mutex
	cmds  []*exec.Cmd
}

// webhookSecret is the secret Telegram sends back with each update.
const webhookSecret = "fleet_secret"

// newFleet prepares n processes with env (Telegram, Redis, and the rest)
// behind a front at an https URL; the fake Telegram must be given
// front.Client() to trust its certificate (telegramtest.WithWebhookClient).
func newFleet(t testing.TB, bin string, n int) *fleet {
	t.Helper()
	f := &fleet{t: t, bin: bin, cmds: make([]*exec.Cmd, n)}
	for range n {
		f.ports = append(f.ports, freePort(t))
	}
	f.front = newFront(t, f.ports)
	return f
}

// start runs process i (again), and waits until it answers on its port.
func (f *fleet) start(i int) {
	f.t.Helper()
	env := append([]string{
		"NIDO_LISTEN=127.0.0.1:" + strconv.Itoa(f.ports[i]),
		"NIDO_WEBHOOK_URL=" + f.front.URL + "/telegram", "NIDO_WEBHOOK_SECRET=" + webhookSecret,
	}, f.env...)
	cmd := startNido(f.t, f.bin, env, nil, nil)
	f.mu.Lock()
	f.cmds[i] = cmd
	f.mu.Unlock()
	health := "http://127.0.0.1:" + strconv.Itoa(f.ports[i]) + "/healthz"
	waitFor(f.t, 30*time.Second, func() bool {
		resp, err := http.Get(health)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// startAll starts every process.
func (f *fleet) startAll() {
	f.t.Helper()
	for i := range f.ports {
		f.start(i)
	}
}

// term stops process i with SIGTERM and returns its exit code and how long
// it took to exit.
func (f *fleet) term(i int) (int, time.Duration) {
	f.t.Helper()
	f.mu.Lock()
	cmd := f.cmds[i]
	f.mu.Unlock()
	return stop(f.t, cmd)
}

// kill ends process i with SIGKILL, as a crash or the OOM killer would.
func (f *fleet) kill(i int) {
	f.t.Helper()
	f.mu.Lock()
	cmd := f.cmds[i]
	f.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		f.t.Fatal(err)
	}
	_ = cmd.Wait()
}

// stopAll stops every process still running with SIGTERM and fails the
// test unless each exits with code 0.
func (f *fleet) stopAll() {
	f.t.Helper()
	for i, cmd := range f.cmds {
		if cmd == nil || cmd.ProcessState != nil {
			continue
		}
		if code, took := f.term(i); code != 0 {
			f.t.Errorf("process %d: exit code %d after %s, want 0", i, code, took.Round(time.Millisecond))
		}
	}
}

// front is the load balancer: an https server that passes each request to
// the next process in turn, and to the one after when a process does not
// answer (down, or stopping and no longer accepting).
type front struct {
	*httptest.Server
	forwarded atomic.Int64
}

func newFront(t testing.TB, ports []int) *front {
	t.Helper()
	rr := &roundRobin{transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, p := range ports {
		rr.backends = append(rr.backends, "127.0.0.1:"+strconv.Itoa(p))
	}
	f := &front{}
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.Out.URL.Scheme = "http" },
		Transport: rr,
		// Every process down: Telegram gets a 502 and tries again, as it would.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.forwarded.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	t.Cleanup(rr.transport.CloseIdleConnections)
	return f
}

// roundRobin sends each request to the next backend, skipping those that
// refuse the connection or drop it.
type roundRobin struct {
	backends  []string
	next      atomic.Uint64
	transport *http.Transport
}

func (rr *roundRobin) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
	}
	first := rr.next.Add(1)
	var last error
	for k := range uint64(len(rr.backends)) {
		out := r.Clone(r.Context())
		out.URL.Host = rr.backends[(first+k)%uint64(len(rr.backends))]
		out.Host = out.URL.Host
		out.Body = io.NopCloser(bytes.NewReader(body))
		resp, err := rr.transport.RoundTrip(out)
		if err == nil {
			return resp, nil
		}
		last = err
	}
	return nil, last
}

// stop sends SIGTERM to cmd and returns its exit code and how long it took
// to exit; -1 when it was still running after a minute (then killed).
func stop(t testing.TB, cmd *exec.Cmd) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		took := time.Since(start)
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), took
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, took
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		return -1, time.Since(start)
	}
}

// hangingTelegram stands before the fake Telegram and, from hang until
// release, holds every call of the named methods without answering, as a
// Telegram that stopped responding does; other calls pass.
type hangingTelegram struct {
	URL     string
	mu      sync.Mutex
	methods []string
	holding int
	free    chan struct{}
	once    sync.Once
}

func newHangingTelegram(t testing.TB, target string) *hangingTelegram {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	h := &hangingTelegram{free: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // the calls it drops, cancelled by nido
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.hangs(r.URL.Path) {
			// Read first: only then does the server notice a caller that
			// gave up (r's context ends), and the call is never passed on.
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			h.mu.Lock()
			h.holding++
			h.mu.Unlock()
			select {
			case <-h.free:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.release(); srv.Close() })
	h.URL = srv.URL
	return h
}

// hang starts holding the calls of methods.
func (h *hangingTelegram) hang(methods ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.methods = methods
}

func (h *hangingTelegram) hangs(path string) bool {
	select {
	case <-h.free:
		return false
	default:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.methods {
		if strings.HasSuffix(strings.ToLower(path), "/"+strings.ToLower(m)) {
			return true
		}
	}
	return false
}

// held is how many calls have been held so far.
func (h *hangingTelegram) held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.holding
}

// release lets the held calls and every later one through.
func (h *hangingTelegram) release() { h.once.Do(func() { close(h.free) }) }

// freePort is a TCP port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// clusterURL is REDIS_URL for a Cluster of these nodes.
func clusterURL(addrs []string) string {
	u := "redis://" + addrs[0]
	for i, a := range addrs[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + a
	}
	return u
}

// chatNudges wakes whoever waits on a chat when the bot sends or edits
// there, so that hundreds of people can wait on their chats without polling.
// It also keeps each message as it was first sent, before any edit.
type chatNudges struct {
	mu    sync.Mutex
	chats map[int64]chan struct{}
	sent  map[[2]int64]telegramtest.Message
}

func watchChats(t testing.TB, tg *telegramtest.Server) *chatNudges {
	n := &chatNudges{chats: map[int64]chan struct{}{}, sent: map[[2]int64]telegramtest.Message{}}
	events, stop := tg.Subscribe()
	t.Cleanup(stop)
	go func() {
		for e := range events {
			if e.Kind == telegramtest.EventSent {
				n.mu.Lock()
				n.sent[[2]int64{e.ChatID, int64(e.Message.ID)}] = e.Message
				n.mu.Unlock()
			}
			if e.Kind == telegramtest.EventSent || e.Kind == telegramtest.EventEdited {
				select {
				case n.of(e.ChatID) <- struct{}{}:
				default:
				}
			}
		}
	}()
	return n
}

// original is message id of chatID as it was sent, before any edit.
func (n *chatNudges) original(chatID int64, id int) (telegramtest.Message, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	m, ok := n.sent[[2]int64{chatID, int64(id)}]
	return m, ok
}

// of is the channel nudged when the bot writes in chatID.
func (n *chatNudges) of(chatID int64) chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch, ok := n.chats[chatID]
	if !ok {
		ch = make(chan struct{}, 1)
		n.chats[chatID] = ch
	}
	return ch
}

// wait checks cond now and after each nudge of chatID, up to limit.
func (n *chatNudges) wait(chatID int64, limit time.Duration, cond func() bool) bool {
	deadline := time.After(limit)
	ch := n.of(chatID)
	for !cond() {
		select {
		case <-ch:
		case <-time.After(200 * time.Millisecond): // an edit may land between cond and the wait
		case <-deadline:
			return cond()
		}
	}
	return true
}
