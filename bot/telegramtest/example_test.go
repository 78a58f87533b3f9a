package telegramtest_test

import (
	"context"
	"fmt"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nido/bot/telegramtest"
)

// A bot that greets and asks a question, driven by a person on the fake.
func Example() {
	fake := telegramtest.NewServer()
	defer fake.Close()

	reply := func(ctx context.Context, b *tg.Bot, u *models.Update) {
		switch {
		case u.Message != nil && u.Message.Text == "/start":
			_, _ = b.SendMessage(ctx, &tg.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "<b>Ciao!</b> Vieni domani?", ParseMode: models.ParseModeHTML,
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "Sì", CallbackData: "yes"}, {Text: "No", CallbackData: "no"}},
				}},
			})
		case u.CallbackQuery != nil:
			_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			_, _ = b.EditMessageText(ctx, &tg.EditMessageTextParams{
				ChatID: u.CallbackQuery.From.ID, MessageID: u.CallbackQuery.Message.Message.ID, Text: "Grazie, a domani.",
			})
		}
	}
	b, err := tg.New("123:token", tg.WithServerURL(fake.URL), tg.WithDefaultHandler(reply))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go b.Start(ctx)

	mum := telegramtest.User{ID: 42, FirstName: "Anna", LanguageCode: "it"}
	fake.SendText(mum, "/start")
	asked, _ := fake.WaitMessage(ctx, mum.ID, func(m telegramtest.Message) bool { return len(m.Buttons) > 0 })
	fmt.Println(asked.Plain(), asked.Labels())

	if _, err := fake.Press(mum, "Sì"); err != nil {
		fmt.Println(err)
		return
	}
	edited, _ := fake.WaitMessage(ctx, mum.ID, func(m telegramtest.Message) bool { return m.Edited })
	fmt.Println(edited.Plain(), len(edited.Buttons), len(fake.CallbackAnswers()))
	// Output:
	// Ciao! Vieni domani? [Sì No]
	// Grazie, a domani. 0 1
}
