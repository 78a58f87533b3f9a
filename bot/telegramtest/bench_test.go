package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// BenchmarkSendMessage pushes HTML messages with a keyboard through the real
// client into an Unlimited fake, from parallel goroutines over 100 chats.
func BenchmarkSendMessage(b *testing.B) {
	fake := NewServer(Unlimited())
	defer fake.Close()
	bot := newClient(b, fake)
	for i := range 100 {
		fake.SendText(User{ID: int64(10000 + i)}, "ciao")
	}
	kb := keyboard([]models.InlineKeyboardButton{{Text: "Sì", CallbackData: "yes"}, {Text: "No", CallbackData: "no"}})
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			chat := 10000 + next.Add(1)%100
			_, err := bot.SendMessage(context.Background(), &tg.SendMessageParams{
				ChatID: chat, Text: "<b>Promemoria</b>: visita domani alle 15:00", ParseMode: models.ParseModeHTML, ReplyMarkup: kb,
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkParseHTML(b *testing.B) {
	src := `<b>Promemoria</b>: visita con <i>Anna</i> domani alle 15:00 &amp; <a href="https://example.org">dettagli</a>`
	for b.Loop() {
		if _, _, err := parseHTML(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeSendMessage measures the fake alone: a multipart
// sendMessage like go-telegram/bot's, served in-process without a network.
func BenchmarkServeSendMessage(b *testing.B) {
	fake := NewServer(Unlimited())
	defer fake.Close()
	for i := range 100 {
		fake.SendText(User{ID: int64(10000 + i)}, "ciao")
	}
	bodies := make([][]byte, 100)
	types := make([]string, 100)
	for i := range bodies {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("chat_id", fmt.Sprint(10000+i))
		_ = w.WriteField("text", "<b>Promemoria</b>: visita domani alle 15:00")
		_ = w.WriteField("parse_mode", "HTML")
		_ = w.WriteField("reply_markup", `{"inline_keyboard":[[{"text":"Sì","callback_data":"yes","copy_text":{"text":""}}]]}`)
		_ = w.Close()
		bodies[i], types[i] = buf.Bytes(), w.FormDataContentType()
	}
	var n int
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/bot1:x/sendMessage", bytes.NewReader(bodies[n%100]))
		req.Header.Set("Content-Type", types[n%100])
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
