package bot

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	tg "github.com/go-telegram/bot"
)

// Nido serves the webhook itself because the library's handler answers 200
// before the update is processed, and 200 with nothing done on a wrong
// secret. Here Telegram gets 200 only once the update is stored in Redis, and
// 500 when it could not be, so that Telegram sends it again.

// webhookTimeout bounds storing one update before answering 500.
const webhookTimeout = 10 * time.Second

// maxUpdateBytes bounds one webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// webhookPath is the path of WebhookURL that Handler serves.
func webhookPath(webhookURL string) string {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// setWebhook tells Telegram where to post updates, with the secret it must send back.
func (b *Bot) setWebhook(ctx context.Context) error {
	_, err := b.api.SetWebhook(ctx, &tg.SetWebhookParams{
		URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("set webhook: %w", err)
	}
	return nil
}

// webhook receives one update from Telegram.
func (b *Bot) webhook(w http.ResponseWriter, r *http.Request) {
	if !b.secretOK(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")) {
		b.log.Warn("webhook call with a wrong secret", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	// Telegram waits for the answer; a Redis that does not answer soon is down.
	ctx, cancel := context.WithTimeout(r.Context(), webhookTimeout)
	defer cancel()
	_, err = b.ingest(ctx, body)
	switch {
	case errors.Is(err, errBadUpdate):
		http.Error(w, "not an update", http.StatusBadRequest)
	case err != nil:
		b.log.Error("store webhook update", "error", err)
		http.Error(w, "try again", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// secretOK compares in constant time; hashing first hides the length too.
func (b *Bot) secretOK(got string) bool {
	want := sha256.Sum256([]byte(b.cfg.WebhookSecret))
	have := sha256.Sum256([]byte(got))
	return got != "" && subtle.ConstantTimeCompare(want[:], have[:]) == 1
}
