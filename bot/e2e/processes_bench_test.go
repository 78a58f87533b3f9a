package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/sync/errgroup"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// BenchmarkProcesses measures the updates per second that one, two and
// three nido processes handle together on this machine: the real binary in
// webhook mode behind the round-robin front, one real redis-server (not a
// Cluster), and the fake Telegram, which receives the answers. Mothers who
// have joined each write /menu (at most twice each, within Telegram's burst
// for one chat) and get their menu; an update counts once its answer reached
// Telegram. The updates are posted to the webhook here, over 40 connections
// at once as Telegram does by default (the fake Telegram posts one at a
// time, which would measure itself). It reports updates/s and the ratio to
// one process:
//
//	go test -run '^$' -bench BenchmarkProcesses -benchtime 3000x ./bot/e2e/
func BenchmarkProcesses(b *testing.B) {
	bin := buildNido(b)
	var one float64
	for _, n := range []int{1, 2, 3} {
		b.Run("processes="+strconv.Itoa(n), func(b *testing.B) {
			rate := benchmarkFleet(b, bin, n)
			b.ReportMetric(rate, "updates/s")
			if n == 1 {
				one = rate
			}
			if one > 0 {
				b.ReportMetric(rate/one, "vs_1_process")
			}
		})
	}
}

// benchmarkFleet runs b.N updates through n processes and returns how many
// were handled per second.
func benchmarkFleet(b *testing.B, bin string, n int) float64 {
	b.StopTimer()
	rs := redistest.Start(b)
	rdb := rs.Client()
	fl := newFleet(b, bin, n)
	tg := telegramtest.NewTestServer(b, telegramtest.Unlimited(), telegramtest.WithWebhookClient(fl.front.Client()))
	loc, _ := time.LoadLocation("Europe/Rome")
	ctx := context.Background()
	seedClock := clock.NewManual(time.Now().In(loc).Add(-time.Minute))
	engine, _ := seedEngineUnder(b, prefix, rdb, tg, seedClock, loc, capabilities(rdb, prefix, 1000)...)
	org, err := engine.People().CreateOrg(ctx, "Casa Aurora", seedClock.Now())
	if err != nil {
		b.Fatal(err)
	}
	mothers := make([]telegramtest.User, max(b.N/2, 1))
	for i := range mothers {
		mothers[i] = person(int64(100_000+i), "Mamma"+strconv.Itoa(i), "it")
		tg.Meet(mothers[i])
		if err := engine.People().Save(ctx, flows.Person{ID: mothers[i].ID, Role: flows.RoleMother, OrgID: org.ID,
			Lang: "it", Name: mothers[i].FirstName, Consent: seedClock.Now(), Joined: seedClock.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	fl.env = []string{
		"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + tg.URL, "REDIS_URL=" + rs.URL(),
		"NIDO_SEND_RATE=1000", "NIDO_QUIET_HOURS=off",
	}
	fl.startAll()

	updates := make(chan []byte, b.N)
	for i := range b.N {
		updates <- menuUpdate(b, int64(i+1), mothers[i%len(mothers)])
	}
	close(updates)
	// Telegram keeps its connections open: no TLS handshake per update.
	client := fl.front.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = telegramConnections
	before := tg.Sent()
	b.StartTimer()
	start := time.Now()
	var posting errgroup.Group
	for range telegramConnections {
		posting.Go(func() error {
			for u := range updates {
				if err := postUpdate(client, fl.front.URL+"/telegram", u); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := posting.Wait(); err != nil {
		b.Fatal(err)
	}
	waitFor(b, 10*time.Minute, func() bool { return tg.Sent()-before >= b.N })
	took := time.Since(start)
	b.StopTimer()
	fl.stopAll()
	if sent := tg.Sent() - before; sent != b.N {
		b.Fatalf("%d answers to %d updates", sent, b.N)
	}
	return float64(b.N) / took.Seconds()
}

// telegramConnections is how many webhook requests Telegram makes at once
// by default (setWebhook's max_connections).
const telegramConnections = 40

// menuUpdate is u writing /menu, as Telegram posts it to a webhook.
func menuUpdate(b *testing.B, id int64, u telegramtest.User) []byte {
	raw, err := json.Marshal(models.Update{ID: id, Message: &models.Message{
		ID: int(id), Date: int(time.Now().Unix()), Text: "/menu",
		From:     &models.User{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode},
		Chat:     models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName},
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 5}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// postUpdate posts one update until the webhook takes it, as Telegram does.
func postUpdate(client *http.Client, url string, update []byte) error {
	for range 100 {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(update))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", webhookSecret)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		<-time.After(50 * time.Millisecond)
	}
	return errors.New("the webhook did not take an update in 100 tries")
}
