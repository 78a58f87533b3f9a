package bot

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns Nido's HTTP endpoints, which main serves:
//
//	GET  /healthz       200 "ok" when Redis answers, 503 otherwise
//	GET  /metrics       Prometheus metrics of the registry in Config
//	POST <webhook path> Telegram's updates, in webhook mode only
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.cfg.Registry, promhttp.HandlerOpts{}))
	if b.cfg.WebhookURL != "" {
		mux.HandleFunc("POST "+webhookPath(b.cfg.WebhookURL), b.webhook)
	}
	return mux
}

// healthz reports whether Redis, where every update waits, answers.
func (b *Bot) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := b.cfg.Redis.Ping(ctx).Err(); err != nil {
		b.log.Warn("health check: redis", "error", err)
		http.Error(w, "redis unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok"))
}
