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
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"nido/locales"
	"nido/scheduler"
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
}

// configError names the variable that is wrong and what is expected.
type configError struct{ name, want string }

func (e configError) Error() string { return e.name + ": " + e.want }

var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

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
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, configError{"TELEGRAM_API_URL", "an http(s) URL such as https://api.telegram.org"}
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`).MatchString(c.Prefix) {
		return c, configError{"NIDO_REDIS_PREFIX", "1 to 64 letters, digits, '_' or '-'"}
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
