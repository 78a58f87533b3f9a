package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/go-telegram/bot/models"
)

// webhook is where updates go instead of getUpdates, while one is set.
type webhook struct {
	url, secret      string
	stop             chan struct{} // closed when this webhook is replaced or deleted
	lastErrorDate    int64
	lastErrorMessage string
}

// setWebhook: from now on updates are POSTed to url, in order, one at a
// time, until it answers 2xx. Unlike Telegram, plain http is accepted, since
// the receiver runs on the test machine.
func (s *Server) setWebhook(_ context.Context, r *request) (any, *apiError) {
	target := r.str("url")
	if target == "" {
		s.updates.setWebhook(webhook{}, r.boolean("drop_pending_updates"))
		return true, nil
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	secret := r.str("secret_token")
	if !validSecret(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	h := webhook{url: target, secret: secret, stop: make(chan struct{})}
	s.updates.setWebhook(h, r.boolean("drop_pending_updates"))
	go s.deliver(h)
	return true, nil
}

// deleteWebhook: back to getUpdates, keeping pending updates unless asked.
func (s *Server) deleteWebhook(_ context.Context, r *request) (any, *apiError) {
	s.updates.setWebhook(webhook{}, r.boolean("drop_pending_updates"))
	return true, nil
}

// getWebhookInfo: the url, how many updates wait, and the last delivery error.
func (s *Server) getWebhookInfo(context.Context, *request) (any, *apiError) {
	q := s.updates
	q.mu.Lock()
	defer q.mu.Unlock()
	info := models.WebhookInfo{
		URL: q.hook.url, PendingUpdateCount: len(q.items),
		LastErrorDate: int(q.hook.lastErrorDate), LastErrorMessage: q.hook.lastErrorMessage,
		AllowedUpdates: q.allowed,
	}
	if q.hook.url != "" {
		info.MaxConnections = 40
	}
	return info, nil
}

// validSecret applies Telegram's rule: 0–256 characters of A-Z a-z 0-9 _ -.
func validSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// setWebhook replaces the webhook (an empty url deletes it) and wakes
// long polls so that they answer 409.
func (q *updateQueue) setWebhook(h webhook, drop bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hook.stop != nil {
		close(q.hook.stop)
	}
	q.hook = h
	if drop {
		q.items = nil
	}
	q.wakeAll()
}

// stopWebhook ends delivery at Close, keeping the url for getWebhookInfo.
func (q *updateQueue) stopWebhook() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hook.stop != nil {
		close(q.hook.stop)
		q.hook.stop = nil
	}
}

// next returns the first pending update for webhook h, or a channel to wait
// on; ok is false once h is no longer the webhook.
func (q *updateQueue) next(h webhook) (it queued, found bool, wake <-chan struct{}, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hook.stop != h.stop || h.stop == nil {
		return queued{}, false, nil, false
	}
	if len(q.items) == 0 {
		return queued{}, false, q.wake, true
	}
	return q.items[0], true, nil, true
}

func (q *updateQueue) failed(h webhook, message string, at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hook.stop == h.stop {
		q.hook.lastErrorDate, q.hook.lastErrorMessage = at.Unix(), message
	}
}

// deliver POSTs updates to webhook h until it is replaced or the server
// closes, retrying the head update with a growing pause.
func (s *Server) deliver(h webhook) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.stop:
		case <-s.done:
		}
		cancel()
	}()
	client := s.cfg.webhookClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	var pause time.Duration
	for {
		it, found, wake, ok := s.updates.next(h)
		if !ok {
			return
		}
		if !found {
			select {
			case <-wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		err := post(ctx, client, h, it.raw)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			s.updates.removeSeq(it.seq)
			pause = 0
			continue
		}
		s.updates.failed(h, err.Error(), s.now())
		pause = min(max(2*pause, 20*time.Millisecond), time.Second)
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return
		}
	}
}

// post sends one update the way Telegram does.
func post(ctx context.Context, client *http.Client, h webhook, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if h.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h.secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("Connection failed: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}
