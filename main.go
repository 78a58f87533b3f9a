// Command nido runs Nido, the Telegram assistant of a network of social
// services in Rome and Lazio for mothers with young children, solidarity
// families and their social workers.
//
//	go run .         the bot, configured from the environment (see README.md)
//	go run . demo    the whole of Nido in a browser, with no token and nothing installed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	// Europe/Rome must be known on a machine without a time zone database.
	_ "time/tzdata"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"nido/bot"
	"nido/bot/demo"
	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/flows/broadcast"
	"nido/flows/family"
	"nido/flows/group"
	"nido/flows/helpdesk"
	"nido/flows/interview"
	"nido/locales"
	"nido/scheduler"
	"nido/scheduler/clock"
)

// Config is Nido's configuration, read from the environment once, here.
type Config struct {
	Token         string
	APIURL        string
	RedisURL      string
	Prefix        string
	AdminIDs      []int64
	Location      *time.Location
	DefaultLang   string
	WebhookURL    string
	WebhookSecret string
	Listen        string
	SendRate      float64
	QuietHours    scheduler.QuietHours
	Reminders     []time.Duration
	Visits        family.Config
	Interviews    interview.Config

	// chatRate is the messages per second to one chat; 0 keeps Telegram's
	// pace. The demo's fake Telegram has no such limit.
	chatRate float64
}

// configError names the variable that is wrong and what is expected.
type configError struct{ name, want string }

func (e configError) Error() string { return e.name + ": " + e.want }

// What Telegram accepts as a webhook secret, and what Nido accepts as a key
// prefix (braces allow a Redis Cluster hash tag such as {nido}).
var (
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_{}-]{1,64}$`)
)

// loadConfig parses and validates the environment; getenv is os.Getenv in production.
func loadConfig(getenv func(string) string) (Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Token:         env("TELEGRAM_BOT_TOKEN", ""),
		APIURL:        strings.TrimRight(env("TELEGRAM_API_URL", "https://api.telegram.org"), "/"),
		RedisURL:      env("REDIS_URL", ""),
		Prefix:        env("NIDO_REDIS_PREFIX", "nido"),
		DefaultLang:   env("NIDO_DEFAULT_LANGUAGE", "it"),
		WebhookURL:    env("NIDO_WEBHOOK_URL", ""),
		WebhookSecret: env("NIDO_WEBHOOK_SECRET", ""),
		Listen:        env("NIDO_LISTEN", "127.0.0.1:8080"),
	}
	if c.RedisURL != "" {
		if _, err := redisOptions(c.RedisURL); err != nil {
			return c, configError{"REDIS_URL", "redis://[user:password@]host:port/db; add ?master_name=NAME for Sentinel or &addr=host:port for each Cluster node"}
		}
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, configError{"TELEGRAM_API_URL", "an http(s) URL such as https://api.telegram.org"}
	}
	if !prefixPattern.MatchString(c.Prefix) {
		return c, configError{"NIDO_REDIS_PREFIX", "1 to 64 letters, digits, '_', '-', '{' or '}'"}
	}
	if o, _ := redisOptions(c.RedisURL); c.RedisURL != "" && o.IsClusterMode && !hasHashTag(c.Prefix) {
		// Nido's scripts and transactions span keys of many kinds; on a
		// Cluster they work only when every key hashes to one slot.
		return c, configError{"NIDO_REDIS_PREFIX", "a hash tag such as {nido} on Redis Cluster, so that every key of Nido shares one slot"}
	}
	if !locales.IsSupported(c.DefaultLang) {
		return c, configError{"NIDO_DEFAULT_LANGUAGE", "one of " + strings.Join(locales.Codes(), ", ")}
	}
	for _, s := range strings.Split(env("NIDO_ADMIN_IDS", ""), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return c, configError{"NIDO_ADMIN_IDS", "Telegram user ids separated by commas, such as 12345,67890"}
		}
		c.AdminIDs = append(c.AdminIDs, id)
	}
	loc, err := time.LoadLocation(env("NIDO_TIMEZONE", "Europe/Rome"))
	if err != nil {
		return c, configError{"NIDO_TIMEZONE", "an IANA time zone such as Europe/Rome"}
	}
	c.Location = loc
	if (c.WebhookURL == "") != (c.WebhookSecret == "") {
		return c, configError{"NIDO_WEBHOOK_URL", "set together with NIDO_WEBHOOK_SECRET, or neither (long polling)"}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return c, configError{"NIDO_WEBHOOK_URL", "an https URL that Telegram can reach"}
		}
		if !secretPattern.MatchString(c.WebhookSecret) {
			return c, configError{"NIDO_WEBHOOK_SECRET", "1 to 256 letters, digits, '_' or '-'"}
		}
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return c, configError{"NIDO_LISTEN", "host:port, such as 127.0.0.1:8080"}
	}
	rate, err := strconv.ParseFloat(env("NIDO_SEND_RATE", "30"), 64)
	if err != nil || rate <= 0 || rate > 1000 {
		return c, configError{"NIDO_SEND_RATE", "messages per second, a number above 0 and at most 1000"}
	}
	c.SendRate = rate
	if c.QuietHours, err = scheduler.ParseQuietHours(env("NIDO_QUIET_HOURS", "21:00-08:00")); err != nil {
		return c, configError{"NIDO_QUIET_HOURS", "from-to in 24-hour time, such as 21:00-08:00, or \"off\""}
	}
	if c.Reminders, err = parseOffsets(env("NIDO_REMINDER_OFFSETS", "24h,2h")); err != nil {
		return c, configError{"NIDO_REMINDER_OFFSETS", "durations before the appointment separated by commas, such as 24h,2h"}
	}
	for _, v := range []struct {
		name, def string
		to        *time.Duration
	}{
		{"NIDO_VISIT_CONFIRM_BEFORE", "24h", &c.Visits.ConfirmBefore},
		{"NIDO_VISIT_ALERT_BEFORE", "2h", &c.Visits.AlertBefore},
		{"NIDO_CHECKIN_AFTER", "3h", &c.Visits.CheckinAfter},
	} {
		d, err := time.ParseDuration(env(v.name, v.def))
		if err != nil || d <= 0 || d > 7*24*time.Hour {
			return c, configError{v.name, "a duration above 0 and at most 168h, such as " + v.def}
		}
		*v.to = d
	}
	if c.Interviews.Tips, err = parseOffsets(env("NIDO_INTERVIEW_TIPS", "72h,24h,2h")); err != nil {
		return c, configError{"NIDO_INTERVIEW_TIPS", "durations before the interview separated by commas, such as 72h,24h,2h"}
	}
	if c.Interviews.FollowUp, err = time.ParseDuration(env("NIDO_INTERVIEW_FOLLOWUP", "3h")); err != nil ||
		c.Interviews.FollowUp <= 0 || c.Interviews.FollowUp > 7*24*time.Hour {
		return c, configError{"NIDO_INTERVIEW_FOLLOWUP", "a duration above 0 and at most 168h, such as 3h"}
	}
	if c.Visits.AlertBefore >= c.Visits.ConfirmBefore {
		return c, configError{"NIDO_VISIT_ALERT_BEFORE", "less than NIDO_VISIT_CONFIRM_BEFORE, such as 2h"}
	}
	return c, nil
}

// parseOffsets reads "24h,2h,30m": positive, at most 30 days, no repeats.
func parseOffsets(s string) ([]time.Duration, error) {
	var out []time.Duration
	seen := map[time.Duration]bool{}
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d <= 0 || d > 30*24*time.Hour || seen[d] {
			return nil, errors.New("bad offset")
		}
		seen[d] = true
		out = append(out, d)
	}
	return out, nil
}

const noTokenHelp = `Nido needs a Telegram bot token in TELEGRAM_BOT_TOKEN.

  To get one: open Telegram, talk to @BotFather, send /newbot and follow the steps;
  it answers with a token like 123456:ABC-DEF... Then:
      TELEGRAM_BOT_TOKEN=123456:ABC-DEF... go run .

  To try Nido with no token at all, in your browser:
      go run . demo
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "demo" {
		err = runDemo(ctx, os.Args[2:], os.Getenv)
	} else {
		err = runBot(ctx, os.Getenv)
	}
	var ce configError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(os.Stderr, "nido: configuration:", ce)
		os.Exit(2)
	case errors.Is(err, errNoToken):
		fmt.Fprint(os.Stderr, noTokenHelp)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "nido:", err)
		os.Exit(1)
	}
}

var errNoToken = errors.New("no token")

// checkRedisVersion stops Nido on a Redis too old for its scripts (ZADD LT
// and ZMSCORE came with 6.2). A Redis that cannot be reached now is not an
// error: Nido waits for it like for any outage.
func checkRedisVersion(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		log.Warn("could not read the Redis version at start; going on", "error", err)
		return nil
	}
	if v, ok := redisVersion(info); ok && !atLeast(v, 6, 2) {
		return configError{"REDIS_URL", fmt.Sprintf("a Redis 6.2 or newer (this one is %d.%d)", v[0], v[1])}
	}
	return nil
}

// redisVersion reads major and minor from INFO server's redis_version line.
func redisVersion(info string) ([2]int, bool) {
	for _, line := range strings.Split(info, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:")
		if !ok {
			continue
		}
		parts := strings.SplitN(v, ".", 3)
		if len(parts) < 2 {
			return [2]int{}, false
		}
		major, err1 := strconv.Atoi(parts[0])
		minor, err2 := strconv.Atoi(parts[1])
		return [2]int{major, minor}, err1 == nil && err2 == nil
	}
	return [2]int{}, false
}

func atLeast(v [2]int, major, minor int) bool {
	return v[0] > major || (v[0] == major && v[1] >= minor)
}

// hasHashTag reports whether every key under prefix hashes by the same
// Redis Cluster hash tag: the prefix's first '{' is closed by a later '}'
// with something between them.
func hasHashTag(prefix string) bool {
	open := strings.IndexByte(prefix, '{')
	if open < 0 {
		return false
	}
	return strings.IndexByte(prefix[open+1:], '}') > 0
}

// sentinel reports whether Redis is behind Sentinel, where a failover loses
// what the replica had not received yet.
func (c Config) sentinel() bool {
	o, err := redisOptions(c.RedisURL)
	return c.RedisURL != "" && err == nil && o.MasterName != ""
}

// redisOptions reads REDIS_URL: one server, Sentinel (master_name=...) or
// Cluster (several addr=...), all through go-redis's UniversalClient.
func redisOptions(raw string) (*redis.UniversalOptions, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		f, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, err
		}
		return &redis.UniversalOptions{
			Addrs: f.SentinelAddrs, MasterName: f.MasterName, DB: f.DB, Username: f.Username, Password: f.Password,
			SentinelUsername: f.SentinelUsername, SentinelPassword: f.SentinelPassword, TLSConfig: f.TLSConfig,
		}, nil
	case q.Has("addr"):
		c, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, err
		}
		return &redis.UniversalOptions{
			Addrs: c.Addrs, IsClusterMode: true, Username: c.Username, Password: c.Password, TLSConfig: c.TLSConfig,
		}, nil
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	return &redis.UniversalOptions{
		Addrs: []string{o.Addr}, DB: o.DB, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig,
	}, nil
}

// openRedis connects to REDIS_URL, or starts the embedded Redis when it is
// unset. The embedded one keeps nothing across a restart; its TTLs move with
// the wall clock through a ticker, since it has no clock of its own.
func openRedis(ctx context.Context, cfg Config, log *slog.Logger) (redis.UniversalClient, func(), error) {
	// go-redis prints every failed dial; the scheduler and the bot already log
	// an outage once, so its own lines go to debug.
	redis.SetLogger(redisLogger{log})
	if cfg.RedisURL != "" {
		opts, err := redisOptions(cfg.RedisURL)
		if err != nil {
			return nil, nil, err
		}
		rdb := redis.NewUniversalClient(opts)
		if err := checkRedisVersion(ctx, rdb, log); err != nil {
			rdb.Close()
			return nil, nil, err
		}
		return rdb, func() { rdb.Close() }, nil
	}
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, nil, fmt.Errorf("embedded redis: %w", err)
	}
	log.Warn("REDIS_URL is not set: using an embedded in-memory Redis; nothing survives a restart")
	tick := time.NewTicker(time.Second)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				m.FastForward(time.Second)
			}
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	return rdb, func() { tick.Stop(); rdb.Close(); m.Close() }, nil
}

// redisLogger sends go-redis's own messages to slog at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}

// drainTimeout is how long a stopping Nido lets the updates and jobs in hand
// finish before it cancels them and gives them back to the other processes:
// the rest of the 10 s that `docker stop` waits before SIGKILL is for giving
// back the leases and closing.
const drainTimeout = 7 * time.Second

// app is Nido wired: the Telegram layer, the flows and the scheduler.
type app struct {
	bot    *bot.Bot
	engine *flows.Engine
	sched  *scheduler.Scheduler
	reg    *prometheus.Registry
	log    *slog.Logger
}

// wire builds Nido from its configuration, a clock and a Redis client. The
// demo calls it too, with its own clock and fake Telegram.
func wire(ctx context.Context, cfg Config, clk clock.Clock, rdb redis.UniversalClient, log *slog.Logger) (*app, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	counts, err := bot.NewRedisMetrics(reg)
	if err != nil {
		return nil, err
	}
	cat, err := locales.New(cfg.DefaultLang)
	if err != nil {
		return nil, err
	}
	b, err := bot.New(ctx, bot.Config{
		Token: cfg.Token, APIURL: cfg.APIURL, WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret,
		Prefix: cfg.Prefix, SendRate: cfg.SendRate, ChatRate: cfg.chatRate, Logger: log, Registry: reg,
		Catalog: cat, Redis: rdb, WaitReplica: cfg.sentinel(), DrainTimeout: drainTimeout,
	})
	if err != nil {
		return nil, err
	}
	// After bot.New: its own hook turns a command that carries records into
	// a pipeline, and a hook added after it counts that round trip once.
	rdb.AddHook(counts)
	sched, err := scheduler.New(rdb, scheduler.Config{
		Prefix: cfg.Prefix, Location: cfg.Location, QuietHours: cfg.QuietHours.String(),
		Clock: clk, Logger: log, Registerer: reg, DrainTimeout: drainTimeout,
	})
	if err != nil {
		return nil, err
	}
	// The capabilities, in the order a person's erasure runs them.
	engine, err := flows.New(flows.Config{
		Redis: rdb, Prefix: cfg.Prefix, Sender: b.Sender(), Scheduler: sched, Clock: clk, Location: cfg.Location,
		DefaultLang: cfg.DefaultLang, AdminIDs: cfg.AdminIDs, BotUsername: b.Username(), Logger: log,
		Later: bot.Later,
	},
		appointment.New(cfg.Reminders),
		group.New(),
		family.New(cfg.Visits),
		interview.New(cfg.Interviews),
		broadcast.New(broadcast.Config{SendRate: cfg.SendRate, Groups: group.NewDirectory(rdb, cfg.Prefix)}),
		helpdesk.New(),
	)
	if err != nil {
		return nil, err
	}
	if err := engine.SetDefaultCommands(ctx, append(locales.Codes(), "")); err != nil {
		log.Warn("set default commands", "error", err)
	}
	if err := engine.EnsureRules(ctx); err != nil {
		return nil, err
	}
	return &app{bot: b, engine: engine, sched: sched, reg: reg, log: log}, nil
}

// run receives updates and runs due jobs until ctx ends, then drains both.
func (a *app) run(ctx context.Context) error {
	errs := make(chan error, 2)
	go func() { errs <- a.bot.Run(ctx, a.engine) }()
	go func() { errs <- a.sched.Run(ctx, a.engine.Jobs()) }()
	first := <-errs
	second := <-errs
	return errors.Join(first, second)
}

// runBot is `go run .`: Nido on Telegram.
func runBot(ctx context.Context, getenv func(string) string) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.Token == "" {
		return errNoToken
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	rdb, closeRedis, err := openRedis(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeRedis()
	a, err := wire(ctx, cfg, clock.System{}, rdb, log)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.Listen, Handler: a.bot.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return configError{"NIDO_LISTEN", fmt.Sprintf("an address Nido can listen on (%v)", err)}
	}
	go func() { _ = srv.Serve(ln) }()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		<-ctx.Done()
		// Stopping takes no new webhook updates: a load balancer sends them
		// to another process, and Telegram tries again.
		shutdown, cancel := context.WithTimeout(context.Background(), drainTimeout)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("nido started", "listen", cfg.Listen, "webhook", cfg.WebhookURL != "", "bot", a.bot.Username())
	err = a.run(ctx)
	<-closed
	log.Info("nido stopped")
	return err
}

// runDemo is `go run . demo`: all of Nido in a browser, on a fake Telegram,
// an embedded Redis and a clock the page moves. It never talks to the real
// Telegram, whatever TELEGRAM_API_URL, TELEGRAM_BOT_TOKEN or REDIS_URL say.
func runDemo(ctx context.Context, args []string, getenv func(string) string) error {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	listen := flags.String("listen", "", "host:port to serve the demo on (default NIDO_LISTEN, or 127.0.0.1:8080)")
	if err := flags.Parse(args); err != nil {
		return configError{"demo", "usage: go run . demo [-listen host:port]"}
	}
	cfg, err := loadConfig(demoEnv(getenv))
	if err != nil {
		return err
	}
	if *listen != "" {
		if _, _, err := net.SplitHostPort(*listen); err != nil {
			return configError{"-listen", "host:port, such as 127.0.0.1:8080"}
		}
		cfg.Listen = *listen
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var ignored []string
	for _, name := range []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "REDIS_URL", "NIDO_WEBHOOK_URL", "NIDO_ADMIN_IDS"} {
		if getenv(name) != "" {
			ignored = append(ignored, name)
		}
	}
	if len(ignored) > 0 {
		log.Warn("demo: ignoring the real Telegram, Redis and administrators", "variables", strings.Join(ignored, ","))
	}
	// The embedded Redis is the demo's point, not a warning: its notice is left out.
	rdb, closeRedis, err := openRedis(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer closeRedis()
	clk := clock.NewManual(time.Now().In(cfg.Location).Truncate(time.Minute))
	fake := telegramtest.NewServer(telegramtest.Unlimited(), telegramtest.WithClock(clk.Now),
		telegramtest.WithUsername("nido_demo_bot"))
	defer fake.Close()
	cfg.APIURL, cfg.Token, cfg.chatRate = fake.URL, "1:DEMO", 1000
	a, err := wire(ctx, cfg, clk, rdb, log)
	if err != nil {
		return err
	}
	cat, err := locales.New(cfg.DefaultLang)
	if err != nil {
		return err
	}
	d := demo.New(demo.Config{Telegram: fake, Clock: clk, Location: cfg.Location, Catalog: cat,
		People: a.engine.People(), Logger: log})
	defer d.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return configError{"NIDO_LISTEN", fmt.Sprintf("an address the demo can listen on (%v)", err)}
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	ran := make(chan error, 1)
	go func() { ran <- a.run(ctx) }()
	seeded := make(chan struct{})
	go func() {
		defer close(seeded)
		_ = d.Seed(ctx) // failed steps are logged; the demo goes on without them
	}()
	fmt.Println(demoURL(ln.Addr()))
	err = <-ran
	<-seeded // it stops with ctx; the fake Telegram must outlive it
	d.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return err
}

// demoEnv is the environment for the demo: the real Telegram, an outside
// Redis and a webhook are never used, and the demo's administrator is the
// network's.
func demoEnv(getenv func(string) string) func(string) string {
	return func(name string) string {
		switch name {
		case "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "REDIS_URL", "NIDO_WEBHOOK_URL", "NIDO_WEBHOOK_SECRET":
			return ""
		case "NIDO_ADMIN_IDS":
			return strconv.FormatInt(demo.AdminID, 10)
		}
		return getenv(name)
	}
}

// demoURL is the address to open for a listener: an unspecified host
// (":8080", "0.0.0.0:8080") is opened as localhost.
func demoURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
