package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// flakyReceiver answers 500 to its first failures requests, then 200.
type flakyReceiver struct {
	mu       sync.Mutex
	failures int
	ids      []int64 // every update id received, retries included
	secrets  []string
}

func (f *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var u models.Update
	_ = json.Unmarshal(body, &u)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, u.ID)
	f.secrets = append(f.secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	if f.failures > 0 {
		f.failures--
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func TestWebhookDeliversInOrderAndRetries(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	recv := &flakyReceiver{failures: 2}
	hook := httptest.NewServer(recv)
	defer hook.Close()
	if _, err := b.SetWebhook(testCtx(t), &tg.SetWebhookParams{URL: hook.URL, SecretToken: "s3cret_-"}); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	mum := User{ID: 1001}
	first := fake.SendText(mum, "uno")
	second := fake.SendText(mum, "due")
	if err := fake.Wait(testCtx(t), func() bool { return fake.PendingUpdates() == 0 }); err != nil {
		t.Fatalf("updates never delivered: %d pending", fake.PendingUpdates())
	}
	recv.mu.Lock()
	ids, secrets := recv.ids, recv.secrets
	recv.mu.Unlock()
	want := []int64{first, first, first, second}
	if !slices.Equal(ids, want) {
		t.Errorf("receiver got ids %v, want %v", ids, want)
	}
	for _, s := range secrets {
		if s != "s3cret_-" {
			t.Errorf("secret header %q", s)
		}
	}
	info, err := b.GetWebhookInfo(testCtx(t))
	if err != nil || info.URL != hook.URL || !strings.Contains(info.LastErrorMessage, "500") || info.PendingUpdateCount != 0 {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
	p := getUpdatesJSON(testCtx(t), fake, map[string]any{})
	if p.status != http.StatusConflict || !strings.Contains(p.resp.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %d %q", p.status, p.resp.Description)
	}
	if _, err := b.DeleteWebhook(testCtx(t), &tg.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	fake.SendText(mum, "tre")
	if got := mustPoll(t, fake, map[string]any{}); len(got) != 1 || got[0].Message.Text != "tre" {
		t.Errorf("after deleteWebhook getUpdates got %d updates", len(got))
	}
}

func TestWebhookRejectsBadSecret(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	_, err := b.SetWebhook(testCtx(t), &tg.SetWebhookParams{URL: "http://127.0.0.1:1/x", SecretToken: "no spaces"})
	wantDesc(t, err, tg.ErrorBadRequest, "secret token contains unallowed characters")
	_, err = b.SetWebhook(testCtx(t), &tg.SetWebhookParams{URL: "ftp://example.org"})
	wantDesc(t, err, tg.ErrorBadRequest, "bad webhook")
}

// TestWebhookWithTheLibraryHandler runs go-telegram/bot's own webhook
// handler behind the fake, as Nido does in production.
func TestWebhookWithTheLibraryHandler(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	b := newClient(t, fake, tg.WithDefaultHandler(got.handle), tg.WithWebhookSecretToken("tok"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.StartWebhook(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	hook := httptest.NewServer(b.WebhookHandler())
	defer hook.Close()
	if _, err := b.SetWebhook(testCtx(t), &tg.SetWebhookParams{URL: hook.URL, SecretToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	fake.SendText(User{ID: 1001}, "/start")
	if u := got.waitFor(t, 1); u[0].Message == nil || u[0].Message.Text != "/start" {
		t.Errorf("handler got %+v", u[0])
	}
}
