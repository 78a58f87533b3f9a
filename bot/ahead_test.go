package bot

import (
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/redis/go-redis/v9"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/scheduler/redistest"
)

// noteFlows answers each text with a note kept in Redis for its chat. Read
// ahead (preloader), the note comes with the claim of the chat; otherwise
// Handle reads it itself.
type noteFlows struct {
	s   *Sender
	rdb redis.UniversalClient

	mu      sync.Mutex
	pending map[int64]notePreload
	ahead   map[int64]bool // update id → answered from what was read ahead
}

type notePreload struct{ note *redis.StringCmd }

func noteKey(chat int64) string { return fmt.Sprintf("t:test:note:%d", chat) }

func (f *noteFlows) Preload(ctx context.Context, p redis.Pipeliner, in flows.Input) *flows.Preloaded {
	// flows.Preloaded is the engine's; the test keeps its own read aside.
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending[in.UpdateID] = notePreload{note: p.Get(ctx, noteKey(in.ChatID))}
	return &flows.Preloaded{}
}

func (f *noteFlows) HandlePreloaded(ctx context.Context, in flows.Input, _ *flows.Preloaded) error {
	f.mu.Lock()
	pre, ok := f.pending[in.UpdateID]
	f.ahead[in.UpdateID] = ok
	f.mu.Unlock()
	if !ok {
		return f.Handle(ctx, in)
	}
	return f.answer(ctx, in, pre.note.Val())
}

func (f *noteFlows) Handle(ctx context.Context, in flows.Input) error {
	return f.answer(ctx, in, f.rdb.Get(ctx, noteKey(in.ChatID)).Val())
}

func (f *noteFlows) answer(ctx context.Context, in flows.Input, note string) error {
	_, err := f.s.Send(ctx, flows.Message{ChatID: in.ChatID, Lines: []flows.T{{Plain: in.Text + " " + note}}})
	return err
}

// batchCalls counts the scripts that stored a getUpdates batch, and the
// updates they carried.
type batchCalls struct {
	mu             sync.Mutex
	calls, updates int
}

func (h *batchCalls) see(cmds ...redis.Cmder) {
	for _, c := range cmds {
		args := c.Args()
		if len(args) > 2 && args[0] == "evalsha" && args[1] == batchScript.Hash() {
			h.mu.Lock()
			h.calls++
			h.updates += (len(args) - 3 - 2 - 5) / 6 // keys and args after the fixed ones, 3 + 3 an update
			h.mu.Unlock()
		}
	}
}

func (h *batchCalls) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *batchCalls) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.see(cmd); return next(ctx, cmd) }
}
func (h *batchCalls) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.see(cmds...); return next(ctx, cmds) }
}

// Updates waiting when the bot starts come in one getUpdates and are
// stored by one script, which raises the offset past them. Each answer
// starts from what was read with the claim of its chat, and costs its
// update no round trip but the ack, which claims the next chat.
func TestABacklogIsAnsweredFromWhatItsClaimsRead(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	const n = 30
	ctx := context.Background()
	ids := map[int64]int64{} // update → chat
	var last int64
	for i := range n {
		u := user(int64(500 + i))
		e.fake.Meet(u)
		if err := e.rdb.Set(ctx, noteKey(u.ID), fmt.Sprint("note", i), time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		last = e.fake.SendText(u, "hello")
		ids[last] = u.ID
	}
	cfg := unpaced(e.config())
	b := e.bot(cfg)
	trips := &updateTrips{trips: map[int64][]int{}}
	batches := &batchCalls{}
	e.rdb.AddHook(trips)
	e.rdb.AddHook(batches)
	f := &noteFlows{s: b.Sender(), rdb: e.rdb, ahead: map[int64]bool{}, pending: map[int64]notePreload{}}
	run(t, b, f)

	for id, chat := range ids {
		i := chat - 500
		if got := e.waitCount(chat, 1)[0].Plain(); got != fmt.Sprint("hello note", i) {
			t.Errorf("update %d answered %q", id, got)
		}
	}
	waitUntil(t, func() bool { return e.rdb.ZCard(ctx, testKeys.ready()).Val() == 0 })
	batches.mu.Lock()
	if batches.calls != 1 || batches.updates != n {
		t.Errorf("%d batch scripts stored %d updates, want 1 storing %d", batches.calls, batches.updates, n)
	}
	batches.mu.Unlock()
	if got, _ := e.rdb.Get(ctx, testKeys.offset()).Int64(); got != last {
		t.Errorf("offset %d, want %d", got, last)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range ids {
		if !f.ahead[id] {
			t.Errorf("update %d was not answered from what its claim read", id)
		}
		if got := trips.of(id); len(got) != 1 {
			t.Errorf("update %d: round trips of %v commands, want one (the ack)", id, got)
		}
	}
}

// An update stored by an older version, without its count of reads, is
// read as never read before; a count is told from an update that looks
// like one.
func TestInboxElementsCarryTheirReads(t *testing.T) {
	rs := redistest.Start(t)
	in := inbox{rdb: rs.Client(), k: testKeys}
	ctx := t.Context()
	if err := in.rdb.RPush(ctx, testKeys.inbox(7), `{"update_id":1}`).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := in.store(ctx, 2, 7, []byte("12|not a count"), time.Now()); err != nil {
		t.Fatal(err)
	}
	for want := 1; want <= 2; want++ {
		raw, tries, err := in.head(ctx, 7)
		if err != nil || string(raw) != `{"update_id":1}` || tries != want {
			t.Errorf("read %d: %q, %d reads (%v); want the old update, %d", want, raw, tries, err, want)
		}
	}
	if err := in.rdb.LPop(ctx, testKeys.inbox(7)).Err(); err != nil {
		t.Fatal(err)
	}
	if raw, tries, err := in.head(ctx, 7); err != nil || string(raw) != "12|not a count" || tries != 1 {
		t.Errorf("read %q, %d reads (%v); want 12|not a count, 1", raw, tries, err)
	}
}

// The library streams a call's form through a pipe, which net/http sends
// chunked; through wholeBodies it goes whole, with its length.
func TestCallsToTelegramGoWhole(t *testing.T) {
	type seen struct {
		length  int64
		chunked bool
		text    string
	}
	got := make(chan seen, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{length: r.ContentLength, chunked: len(r.TransferEncoding) > 0}
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if form, err := multipart.NewReader(r.Body, params["boundary"]).ReadForm(1 << 20); err == nil {
			s.text = strings.Join(form.Value["text"], "")
		}
		got <- s
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"}}}`)
	}))
	defer srv.Close()
	for _, tt := range []struct {
		name   string
		client tg.HttpClient
		whole  bool
	}{
		{"library's own client", &http.Client{}, false},
		{"wholeBodies", wholeBodies{c: &http.Client{}}, true},
	} {
		api, err := tg.New("1:x", tg.WithServerURL(srv.URL), tg.WithSkipGetMe(), tg.WithHTTPClient(time.Minute, tt.client))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := api.SendMessage(t.Context(), &tg.SendMessageParams{ChatID: 1, Text: "ciao"}); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		s := <-got
		if s.text != "ciao" {
			t.Errorf("%s: Telegram read text %q", tt.name, s.text)
		}
		if whole := s.length > 0 && !s.chunked; whole != tt.whole {
			t.Errorf("%s: length %d, chunked %v; want whole: %v", tt.name, s.length, s.chunked, tt.whole)
		}
	}
}
