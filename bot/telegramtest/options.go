package telegramtest

import (
	"net/http"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	username        string
	token           string
	now             func() time.Time
	limits          Limits
	callbackTimeout time.Duration
	webhookClient   *http.Client
}

func defaultConfig() config {
	return config{username: "nido_test_bot", now: time.Now, limits: DefaultLimits()}
}

// WithUsername sets the bot's username that getMe returns (default "nido_test_bot").
func WithUsername(username string) Option {
	return func(c *config) { c.username = username }
}

// WithToken makes the server accept only this token and answer 401
// Unauthorized to any other, like Telegram for a revoked token. By default
// any token is accepted.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithClock sets the clock used for message dates, rate limits, callback
// expiry and the 48-hour delete window, so a test can move time instead of
// sleeping. Long-polling timeouts stay in real time: they are network waits.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithLimits replaces Telegram's rate limits (DefaultLimits).
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l }
}

// Unlimited turns off every rate limit, for benchmarks and load tests.
func Unlimited() Option {
	return func(c *config) { c.limits = Limits{} }
}

// WithCallbackTimeout makes a callback query expire when it is not answered
// within d of the press, as Telegram does after some seconds. Zero (the
// default) never expires a query, so that a slow CI machine cannot fail a
// test for a reason the test is not about.
func WithCallbackTimeout(d time.Duration) Option {
	return func(c *config) { c.callbackTimeout = d }
}

// WithWebhookClient sets the client that POSTs updates to a webhook, such as
// an httptest TLS server's Client(), so that the webhook can be an https URL
// with a test certificate, as Nido requires. By default a plain client with
// a 10-second timeout is used.
func WithWebhookClient(c *http.Client) Option {
	return func(cfg *config) { cfg.webhookClient = c }
}
