// Package bot is Nido's thin Telegram layer: it stores updates durably,
// hands them to the flows one chat at a time, and renders and sends what the
// flows say. It never knows which step of a conversation a person is on.
//
// Wiring, in main:
//
//	b, err := bot.New(ctx, cfg)               // asks Telegram who the bot is
//	engine, err := flows.New(flows.Config{Sender: b.Sender(), BotUsername: b.Username(), ...}, capabilities...)
//	go http.ListenAndServe(addr, b.Handler()) // /healthz, /metrics, webhook
//	err = b.Run(ctx, engine)                  // until ctx ends, then drains
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"nido/locales"
)

// Config is what main hands the Telegram layer; zero durations and rates
// take the defaults named on each field.
type Config struct {
	// Token is the bot token from BotFather.
	Token string
	// APIURL is the Bot API server; https://api.telegram.org when empty.
	APIURL string
	// WebhookURL, when set, switches from long polling to a webhook at this
	// public URL; Handler serves its path.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram must send back; required with WebhookURL.
	WebhookSecret string
	// Prefix starts every Redis key (see keys.go about Redis Cluster).
	Prefix string
	// SendRate is the messages per second of this process overall: 30 when
	// zero, no limit when +Inf (benchmarks).
	SendRate float64
	// ChatRate is the messages per second to one chat, after a burst of 3:
	// 1 when zero.
	ChatRate float64
	// Workers is how many chats are handled at once: 8 when zero.
	Workers int
	// Logger gets the layer's logs; slog.Default() when nil.
	Logger *slog.Logger
	// Registry gets the layer's metrics and is served on /metrics; a private
	// one when nil.
	Registry *prometheus.Registry
	// Catalog renders every text.
	Catalog *locales.Catalog
	// Redis keeps the inbox, leases, offset, button key and sent jobs.
	Redis redis.UniversalClient
	// PollTimeout is how long one getUpdates call waits for news: 50s when zero.
	PollTimeout time.Duration
	// LeaseTTL is how long a chat stays with a worker that stopped renewing
	// (a crashed process): 30s when zero.
	LeaseTTL time.Duration
	// DrainTimeout is how long a shutdown waits for updates being handled: 10s when zero.
	DrainTimeout time.Duration
	// WaitReplica makes a stored update and the record of a sent message
	// wait until a replica of Redis has them, so that a failover behind
	// Sentinel loses neither (replica.go).
	WaitReplica bool
	// IdleWait is how often an idle process looks for chats stored by other
	// processes: 250ms when zero.
	IdleWait time.Duration
}

// Bot receives updates and runs the flows on them. Leases, the ready set and
// pacing use the wall clock, as Redis TTLs do, not the domain clock that the
// demo can move.
type Bot struct {
	cfg      Config
	log      *slog.Logger
	api      *tg.Bot
	username string
	sg       signer
	in       inbox
	m        *metrics
	sender   *Sender
	d        *dispatcher
	poller   *http.Client
	carrier  recordCarrier
}

// New connects to Telegram (getMe) and Redis (the shared button key) and
// builds the sender. It adds a hook to cfg.Redis (carry.go): hooks that
// count round trips go on after New. It does not start receiving: see Run.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	api, err := tg.New(cfg.Token, tg.WithServerURL(cfg.APIURL), tg.WithSkipGetMe(),
		tg.WithHTTPClient(telegramTimeout, wholeBodies{c: &http.Client{Timeout: telegramTimeout, Transport: telegramTransport(cfg.Workers)}}),
		tg.WithErrorsHandler(func(err error) { log.Warn("telegram client", "error", err) }))
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	me, err := api.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("ask telegram who the bot is (getMe): %w", err)
	}
	k := keys{prefix: cfg.Prefix}
	sg, err := loadSigner(ctx, cfg.Redis, k)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	rep := &replicas{on: cfg.WaitReplica, log: log}
	in := inbox{rdb: cfg.Redis, k: k, rep: rep}
	// What an update sends is recorded with its next command (replies.go).
	carrier := recordCarrier{rdb: cfg.Redis, log: log}
	cfg.Redis.AddHook(carrier)
	// Records are carried as EVALSHA, and updates are stored and acked with
	// reads in the same pipeline: the scripts are loaded now, so that the
	// first of them is not refused and sent again alone (without the reads).
	// Not fatal: a refused script is run all the same.
	for _, s := range []*redis.Script{recordScript, batchScript, ingestScript, ackNextScript, claimHeadScript} {
		_ = s.Load(ctx, cfg.Redis).Err()
	}
	b := &Bot{
		cfg: cfg, log: log, api: api, username: me.Username, sg: sg, in: in, m: m,
		sender: &Sender{
			api: api, rdb: cfg.Redis, k: k, r: renderer{cat: cfg.Catalog}, sg: sg,
			lim: newLimits(cfg.SendRate, cfg.ChatRate, cfg.Redis, k, log), m: m, log: log,
			rec: &records{rdb: cfg.Redis, k: k, log: log, rep: rep},
		},
		d:       newDispatcher(in, log, cfg.Workers, cfg.LeaseTTL, cfg.IdleWait, cfg.DrainTimeout),
		poller:  &http.Client{},
		carrier: carrier,
	}
	return b, nil
}

func withDefaults(cfg Config) (Config, error) {
	switch {
	case cfg.Token == "":
		return cfg, errors.New("bot: no Token")
	case cfg.Catalog == nil:
		return cfg, errors.New("bot: no Catalog")
	case cfg.Redis == nil:
		return cfg, errors.New("bot: no Redis")
	case cfg.WebhookURL != "" && cfg.WebhookSecret == "":
		return cfg, errors.New("bot: a webhook needs a WebhookSecret")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	if cfg.SendRate == 0 {
		cfg.SendRate = defaultSendRate
	}
	if cfg.ChatRate == 0 {
		cfg.ChatRate = defaultChatRate
	}
	if cfg.Workers == 0 {
		cfg.Workers = 8
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.LeaseTTL == 0 {
		cfg.LeaseTTL = 30 * time.Second
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	if cfg.IdleWait == 0 {
		cfg.IdleWait = 250 * time.Millisecond
	}
	return cfg, nil
}

// Username is the bot's Telegram username, for links such as
// https://t.me/<username>?start=<code>.
func (b *Bot) Username() string { return b.username }

// Sender is the one way Nido speaks on Telegram, for the flows and the scheduler alike.
func (b *Bot) Sender() *Sender { return b.sender }

// Run receives updates (webhook or long polling, as configured) and hands
// them to f until ctx ends; then it stops taking chats, lets the updates in
// hand finish within DrainTimeout (one still running then is cancelled and
// left at the head of its chat's inbox), gives every chat back at once for
// another process to take, and returns. It returns an error only when
// Telegram refuses the bot (wrong token) or the webhook cannot be set.
func (b *Bot) Run(ctx context.Context, f Flows) error {
	b.d.handle = func(ctx context.Context, chatID int64, raw []byte) { b.handle(ctx, f, chatID, raw) }
	if p, ok := f.(preloader); ok {
		b.d.preload = p.Preload
	}
	b.d.abandon = b.abandon
	if b.cfg.WebhookURL != "" {
		if err := b.setWebhook(ctx); err != nil {
			return err
		}
		b.d.run(ctx)
		return nil
	}
	if _, err := b.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("switch to long polling (deleteWebhook): %w", err)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	failed := make(chan error, 1)
	go func() {
		err := b.poll(ctx)
		stop()
		failed <- err
	}()
	b.d.run(ctx)
	return <-failed
}
