// Command echobot is the floor Nido's update path is measured against: a
// bare go-telegram/bot bot that answers every message with one message,
// and every button press with its answer and one message, keeping nothing.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := tg.New(os.Getenv("TELEGRAM_BOT_TOKEN"), tg.WithServerURL(os.Getenv("TELEGRAM_API_URL")),
		tg.WithDefaultHandler(func(ctx context.Context, b *tg.Bot, u *models.Update) {
			switch {
			case u.Message != nil:
				_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Ciao! " + u.Message.Text})
			case u.CallbackQuery != nil:
				_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
				_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.CallbackQuery.From.ID, Text: "Ok"})
			}
		}))
	if err != nil {
		os.Exit(1)
	}
	b.Start(ctx)
}
