// Command echobot is the floor Nido's update path is measured against: a
// bare go-telegram/bot bot that answers every message with one message,
// and every button press with its answer and one message, keeping nothing.
// With ECHO_SEND_RATE it keeps an overall rate of messages a second, as a
// bot must to stay within Telegram's limits, with the x/time/rate limiter a
// bare bot would use.
package main

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	limit := rate.Inf
	if r, err := strconv.ParseFloat(os.Getenv("ECHO_SEND_RATE"), 64); err == nil {
		limit = rate.Limit(r)
	}
	// A burst of two, as Nido's own limiter.
	paced := rate.NewLimiter(limit, 2)
	b, err := tg.New(os.Getenv("TELEGRAM_BOT_TOKEN"), tg.WithServerURL(os.Getenv("TELEGRAM_API_URL")),
		tg.WithDefaultHandler(func(ctx context.Context, b *tg.Bot, u *models.Update) {
			switch {
			case u.Message != nil:
				_ = paced.Wait(ctx)
				_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Ciao! " + u.Message.Text})
			case u.CallbackQuery != nil:
				_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
				_ = paced.Wait(ctx)
				_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.CallbackQuery.From.ID, Text: "Ok"})
			}
		}))
	if err != nil {
		os.Exit(1)
	}
	b.Start(ctx)
}
