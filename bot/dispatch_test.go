package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"nido/scheduler/redistest"
)

// journal records what dispatchers handled, and whether a chat was ever
// handled by two workers at once, across every dispatcher sharing it.
type journal struct {
	mu      sync.Mutex
	got     map[int64][]string
	busy    map[int64]bool
	overlap bool
	total   int
	changed chan struct{}
}

func newJournal() *journal {
	return &journal{got: map[int64][]string{}, busy: map[int64]bool{}, changed: make(chan struct{}, 1)}
}

func (j *journal) handle(_ context.Context, chatID int64, raw []byte) {
	j.mu.Lock()
	if j.busy[chatID] {
		j.overlap = true
	}
	j.busy[chatID] = true
	j.mu.Unlock()
	runtime.Gosched() // leave room for another worker to overlap, if one could

	j.mu.Lock()
	defer j.mu.Unlock()
	j.busy[chatID] = false
	j.got[chatID] = append(j.got[chatID], string(raw))
	j.total++
	select {
	case j.changed <- struct{}{}:
	default:
	}
}

// waitTotal waits until n updates were handled in all.
func (j *journal) waitTotal(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		j.mu.Lock()
		total := j.total
		j.mu.Unlock()
		if total >= n {
			return
		}
		select {
		case <-j.changed:
		case <-deadline:
			t.Fatalf("%d updates handled, want %d", total, n)
		}
	}
}

func testDispatcher(rdb inbox, handle func(context.Context, int64, []byte), leaseTTL time.Duration) *dispatcher {
	d := newDispatcher(rdb, slog.New(slog.NewTextHandler(io.Discard, nil)), 3, leaseTTL, 20*time.Millisecond, 2*time.Second)
	d.handle = handle
	return d
}

func runDispatcher(t *testing.T, d *dispatcher) (stop func()) {
	cancel, done := startDispatcher(t, d)
	return func() { cancel(); <-done }
}

// startDispatcher runs d until cancel; done closes once it has stopped.
func startDispatcher(t *testing.T, d *dispatcher) (cancel context.CancelFunc, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		d.run(ctx)
		close(stopped)
	}()
	t.Cleanup(func() { cancel(); <-stopped })
	return cancel, stopped
}

// Two processes share the inbox: every chat's updates are handled once,
// in order, never by both at the same time.
func TestTwoProcessesKeepEachChatInOrder(t *testing.T) {
	rs := redistest.Start(t)
	in := inbox{rdb: rs.Client(), k: testKeys}
	j := newJournal()
	runDispatcher(t, testDispatcher(in, j.handle, 5*time.Second))
	runDispatcher(t, testDispatcher(inbox{rdb: rs.Client(), k: in.k}, j.handle, 5*time.Second))

	const chats, each = 4, 30
	id := int64(0)
	for i := range each {
		for c := range int64(chats) {
			id++
			if _, err := in.store(t.Context(), id, 100+c, fmt.Appendf(nil, "%d", i), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	j.waitTotal(t, chats*each)
	j.mu.Lock()
	defer j.mu.Unlock()
	for c := range int64(chats) {
		got := j.got[100+c]
		for i, s := range got {
			if s != fmt.Sprint(i) {
				t.Fatalf("chat %d: position %d holds update %s", 100+c, i, s)
			}
		}
		if len(got) != each {
			t.Errorf("chat %d: %d updates handled, want %d", 100+c, len(got), each)
		}
	}
	if j.overlap {
		t.Error("a chat was handled by two workers at once")
	}
	// The last update is acknowledged just after its handler returns.
	deadline := time.Now().Add(5 * time.Second)
	for n := int64(1); n != 0; {
		if n = rs.Client().Exists(t.Context(), in.k.ready(), in.k.inbox(100)).Val(); n != 0 && time.Now().After(deadline) {
			t.Fatalf("%d of ready set and inbox left after everything was handled", n)
		}
		<-time.After(5 * time.Millisecond)
	}
}

// A chat whose lease is held by a process that died is handled by another
// once the lease expires, not before.
func TestDeadHolderLeaseExpires(t *testing.T) {
	rs := redistest.Start(t)
	rs.SkipIfEmbedded("the lease expires in real time")
	in := inbox{rdb: rs.Client(), k: testKeys}
	if _, err := in.store(t.Context(), 1, 42, []byte("hello"), time.Now()); err != nil {
		t.Fatal(err)
	}
	const ttl = 400 * time.Millisecond
	if ok, err := in.claim(t.Context(), 42, "dead-process:1", ttl, time.Now()); !ok || err != nil {
		t.Fatalf("claim = %v, %v", ok, err)
	}
	taken := time.Now()
	var handledAt time.Time
	j := newJournal()
	runDispatcher(t, testDispatcher(in, func(ctx context.Context, chat int64, raw []byte) {
		handledAt = time.Now()
		j.handle(ctx, chat, raw)
	}, time.Second))
	j.waitTotal(t, 1)
	if early := handledAt.Sub(taken); early < ttl-50*time.Millisecond {
		t.Errorf("handled %v after the dead process took the chat, before its %v lease ended", early, ttl)
	}
}

// Shutdown lets the update in hand finish, takes no new one, and leaves the
// rest claimable for the next process.
func TestShutdownDrains(t *testing.T) {
	rs := redistest.Start(t)
	in := inbox{rdb: rs.Client(), k: testKeys}
	for i := range int64(3) {
		if _, err := in.store(t.Context(), i+1, 42, fmt.Appendf(nil, "%d", i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var finished, cancelled bool
	cancel, stopped := startDispatcher(t, testDispatcher(in, func(ctx context.Context, _ int64, _ []byte) {
		close(entered)
		<-release
		cancelled = ctx.Err() != nil
		finished = true
	}, time.Second))
	<-entered
	// Shutdown begins while the update is in hand, and only then may it end.
	cancel()
	close(release)
	<-stopped
	if !finished || cancelled {
		t.Errorf("the update in hand finished = %v, its context cancelled = %v; want finished, not cancelled", finished, cancelled)
	}
	if n := rs.Client().LLen(t.Context(), in.k.inbox(42)).Val(); n != 2 {
		t.Errorf("%d updates left in the inbox, want 2", n)
	}
	if due, _ := in.due(t.Context(), time.Now(), 10); len(due) != 1 || due[0] != 42 {
		t.Errorf("claimable chats %v, want [42]", due)
	}
}

// A handler that ignores the shutdown is cancelled at the drain deadline.
func TestShutdownDeadline(t *testing.T) {
	rs := redistest.Start(t)
	in := inbox{rdb: rs.Client(), k: testKeys}
	if _, err := in.store(t.Context(), 1, 42, []byte("x"), time.Now()); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	d := testDispatcher(in, func(ctx context.Context, _ int64, _ []byte) {
		close(entered)
		<-ctx.Done()
	}, time.Second)
	d.drain = 100 * time.Millisecond
	stop := runDispatcher(t, d)
	<-entered
	start := time.Now()
	stop()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("shutdown took %v with a 100ms drain", took)
	}
}

// An update whose handling ended the process maxTries times (read, never
// acked) is given up, once; the chat goes on with its next update. One
// read fewer, and it is still handled.
func TestAnUpdateThatEndsItsProcessIsGivenUp(t *testing.T) {
	rs := redistest.Start(t)
	in := inbox{rdb: rs.Client(), k: testKeys}
	ctx := t.Context()
	for i, u := range []struct {
		chat int64
		raw  string
	}{{42, "deadly"}, {42, "next"}, {43, "unlucky"}} {
		if _, err := in.store(ctx, int64(i+1), u.chat, []byte(u.raw), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Processes that each read the head and died before the ack.
	for range maxTries {
		if raw, _, err := in.head(ctx, 42); err != nil || string(raw) != "deadly" {
			t.Fatalf("head = %q, %v", raw, err)
		}
	}
	for range maxTries - 1 {
		if _, _, err := in.head(ctx, 43); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var abandoned []string
	j := newJournal()
	d := testDispatcher(in, j.handle, time.Second)
	d.abandon = func(_ context.Context, chat int64, raw []byte) {
		mu.Lock()
		defer mu.Unlock()
		abandoned = append(abandoned, fmt.Sprint(chat, ":", string(raw)))
	}
	runDispatcher(t, d)
	j.waitTotal(t, 2)
	time.Sleep(100 * time.Millisecond) // room for a wrong third handling
	j.mu.Lock()
	defer j.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(j.got[42]) != "[next]" || fmt.Sprint(j.got[43]) != "[unlucky]" {
		t.Errorf("handled %v", j.got)
	}
	if fmt.Sprint(abandoned) != "[42:deadly]" {
		t.Errorf("given up %v, want [42:deadly]", abandoned)
	}
	if n := rs.Client().Exists(ctx, testKeys.tries(42), testKeys.tries(43)).Val(); n != 0 {
		t.Errorf("%d counts of reads left after the acks", n)
	}
}

// The person whose update was given up hears it, in their app's language.
func TestGivenUpUpdateIsTold(t *testing.T) {
	e := newEnv(t)
	b := e.bot(e.config())
	chat := meet(e.fake, 1)[0]
	raw := fmt.Sprintf(`{"update_id":7,"message":{"message_id":3,"date":1,"chat":{"id":%d,"type":"private"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"Awa","language_code":"fr"},"text":"bonjour"}}`, chat, chat)
	b.abandon(t.Context(), chat, []byte(raw))
	want, err := e.cat.Text("fr", "bot.error", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.fake.Messages(chat)
	if len(msgs) == 0 || msgs[len(msgs)-1].Plain() != want {
		t.Errorf("told %v, want %q", msgs, want)
	}
}
