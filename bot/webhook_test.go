package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"nido/bot/telegramtest"
)

// webhookEnv serves a webhook-mode bot's Handler on a local URL.
func webhookEnv(t *testing.T) (*env, *Bot, string) {
	t.Helper()
	e := newEnv(t)
	var h atomic.Pointer[http.Handler]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load()).ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	cfg := e.config()
	cfg.WebhookURL, cfg.WebhookSecret = srv.URL+"/telegram/hook", "s3cret_-X"
	b := e.bot(cfg)
	handler := b.Handler()
	h.Store(&handler)
	return e, b, srv.URL
}

func post(t *testing.T, url, secret, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const webhookUpdate = `{"update_id":777,"message":{"message_id":1,"date":1,"chat":{"id":101,"type":"private"},` +
	`"from":{"id":101,"is_bot":false,"first_name":"A"},"text":"by hand"}}`

// Only Telegram, which knows the secret, can put an update in the inbox.
func TestWebhookSecret(t *testing.T) {
	e, _, base := webhookEnv(t)
	tests := []struct {
		name, secret string
		want         int
	}{
		{"no secret", "", http.StatusUnauthorized},
		{"wrong secret", "s3cret_-Y", http.StatusUnauthorized},
		{"longer secret", "s3cret_-XX", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, base+"/telegram/hook", tt.secret, webhookUpdate); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
			if n := e.rdb.Exists(t.Context(), testKeys.seen(777), testKeys.inbox(101), testKeys.ready()).Val(); n != 0 {
				t.Errorf("%d keys written for a refused call", n)
			}
		})
	}
	t.Run("right secret", func(t *testing.T) {
		if got := post(t, base+"/telegram/hook", "s3cret_-X", webhookUpdate); got != http.StatusOK {
			t.Errorf("status %d, want 200", got)
		}
		if n := e.rdb.LLen(t.Context(), testKeys.inbox(101)).Val(); n != 1 {
			t.Errorf("inbox holds %d updates, want 1", n)
		}
	})
	t.Run("not an update", func(t *testing.T) {
		if got := post(t, base+"/telegram/hook", "s3cret_-X", "hello"); got != http.StatusBadRequest {
			t.Errorf("status %d, want 400", got)
		}
	})
}

// End to end through the webhook: Telegram posts, Nido stores, answers 200,
// then handles; an update posted twice is handled once.
func TestWebhookEndToEnd(t *testing.T) {
	e, b, base := webhookEnv(t)
	f := newEcho(b.Sender())
	run(t, b, f)
	anna := user(101)
	e.fake.SendText(anna, "via webhook")
	e.fake.WaitText(t, anna.ID, "via webhook")
	for range 2 {
		if got := post(t, base+"/telegram/hook", "s3cret_-X", webhookUpdate); got != http.StatusOK {
			t.Fatalf("status %d", got)
		}
	}
	e.fake.WaitText(t, anna.ID, "by hand")
	e.fake.SendText(anna, "after")
	msgs := e.waitCount(anna.ID, 3)
	if len(msgs) != 3 || msgs[2].Plain() != "after" {
		t.Errorf("the update posted twice was answered twice: %d messages", len(msgs))
	}
}

// While Redis is down the webhook answers 500, so Telegram keeps the update
// and sends it again; /healthz says so too. Nothing is lost.
func TestWebhookWhileRedisIsDown(t *testing.T) {
	e, b, base := webhookEnv(t)
	run(t, b, newEcho(b.Sender()))
	anna := user(101)
	e.fake.SendText(anna, "before")
	e.fake.WaitText(t, anna.ID, "before")

	e.redis.Kill()
	if got := post(t, base+"/telegram/hook", "s3cret_-X", webhookUpdate); got != http.StatusInternalServerError {
		t.Errorf("webhook status %d with Redis down, want 500", got)
	}
	if got := get(t, base+"/healthz"); !strings.HasPrefix(got, "503") {
		t.Errorf("healthz = %q with Redis down, want 503", got)
	}
	e.fake.SendText(anna, "during")
	e.redis.Resume()
	e.fake.WaitText(t, anna.ID, "during")
	if got := get(t, base+"/healthz"); got != "200 ok" {
		t.Errorf("healthz = %q, want 200 ok", got)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	e, b, base := webhookEnv(t)
	stop := run(t, b, newEcho(b.Sender()))
	anna := user(101)
	e.fake.SendText(anna, "hi")
	e.fake.WaitText(t, anna.ID, "hi")
	stop() // every handler has returned: the counters are final
	body := get(t, base+"/metrics")
	for _, want := range []string{"nido_bot_updates_received_total 1", "nido_bot_messages_sent_total 1", "nido_bot_handler_seconds_count 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if got := get(t, base+"/telegram/hook"); !strings.HasPrefix(got, "405") {
		t.Errorf("GET on the webhook = %q, want 405", got)
	}
}

// get returns "<status> <body>".
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(strings.Fields(resp.Status)[0] + " " + string(body))
}

// A token Telegram does not know stops New at once.
func TestWrongToken(t *testing.T) {
	e := newEnv(t, telegramtest.WithToken("1:right"))
	cfg := e.config()
	cfg.Token = "1:wrong"
	if _, err := New(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "getMe") {
		t.Errorf("New with a wrong token: %v", err)
	}
}
