package telegramtest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// askDay sends a question with two buttons to mum.
func askDay(t *testing.T, b *tg.Bot, chatID int64) *models.Message {
	t.Helper()
	m, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: chatID, Text: "Quando?",
		ReplyMarkup: keyboard(
			[]models.InlineKeyboardButton{{Text: "Oggi", CallbackData: "day:0"}, {Text: "Domani", CallbackData: "day:1"}},
			[]models.InlineKeyboardButton{{Text: "Aiuto", URL: "https://example.org/aiuto"}},
		)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPressAndAnswer(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	b := startBot(t, fake, got.handle)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "/start")
	asked := askDay(t, b, mum.ID)

	id := fake.MustPress(t, mum, "Domani")
	updates := got.waitFor(t, 2)
	cq := updates[1].CallbackQuery
	if updates[1].ID != id || cq == nil || cq.Data != "day:1" || cq.From.ID != mum.ID {
		t.Fatalf("callback update = %+v", updates[1])
	}
	if m := cq.Message.Message; m == nil || m.ID != asked.ID || m.Text != "Quando?" || m.ReplyMarkup == nil {
		t.Fatalf("callback message = %+v", cq.Message)
	}
	if fake.UnansweredCallbacks() != 1 {
		t.Errorf("UnansweredCallbacks = %d, want 1", fake.UnansweredCallbacks())
	}
	ok, err := b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "Fatto"})
	if err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery: %v", err)
	}
	answers := fake.CallbackAnswers()
	if len(answers) != 1 || answers[0].Text != "Fatto" || answers[0].Data != "day:1" || answers[0].UpdateID != id ||
		answers[0].ChatID != mum.ID || answers[0].MessageID != asked.ID {
		t.Errorf("CallbackAnswers = %+v", answers)
	}
	_, err = b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: cq.ID})
	wantDesc(t, err, tg.ErrorBadRequest, "query is too old and response timeout expired or query ID is invalid")
	_, err = b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: "42"})
	wantDesc(t, err, tg.ErrorBadRequest, "query ID is invalid")
}

func TestAnswerTextLimit(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	askDay(t, b, mum.ID)
	fake.MustPress(t, mum, "Oggi")
	fake.MustPress(t, mum, "Oggi")
	ids := pendingIDs(fake)
	_, err := b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: ids[0], Text: strings.Repeat("a", 201)})
	wantDesc(t, err, tg.ErrorBadRequest, "MESSAGE_TOO_LONG")
	if _, err := b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: ids[1], Text: strings.Repeat("a", 200)}); err != nil {
		t.Errorf("200 characters: %v", err)
	}
}

func TestCallbackTimeout(t *testing.T) {
	clock := newManualClock()
	fake := NewTestServer(t, WithClock(clock.Now), WithCallbackTimeout(15*time.Second))
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	askDay(t, b, mum.ID)
	fake.MustPress(t, mum, "Oggi")
	clock.Advance(16 * time.Second)
	_, err := b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: pendingIDs(fake)[0]})
	wantDesc(t, err, tg.ErrorBadRequest, "query is too old")
}

func TestPressErrors(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	askDay(t, b, mum.ID)
	if _, err := fake.Press(mum, "Dopodomani"); err == nil || !strings.Contains(err.Error(), `["Oggi" "Domani" "Aiuto"]`) {
		t.Errorf("Press of a missing label: %v", err)
	}
	if _, err := fake.Press(mum, "Aiuto"); err == nil || !strings.Contains(err.Error(), "link") {
		t.Errorf("Press of a URL button: %v", err)
	}
}

func TestPressDataOnAMissingMessage(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	startBot(t, fake, got.handle)
	mum := User{ID: 1001}
	fake.PressData(mum, 77, "forged")
	cq := got.waitFor(t, 1)[0].CallbackQuery
	if cq == nil || cq.Data != "forged" || cq.Message.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage ||
		cq.Message.InaccessibleMessage.MessageID != 77 {
		t.Errorf("callback = %+v", cq)
	}
}

func TestWaitMessageReportsWhatTheBotSaid(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	askDay(t, b, mum.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := fake.WaitMessage(ctx, mum.ID, func(m Message) bool { return m.Plain() == "Arrivederci" })
	if err == nil || !strings.Contains(err.Error(), `[2] "Quando?" buttons: Oggi | Domani | Aiuto`) {
		t.Errorf("WaitMessage error = %v", err)
	}
}

func pendingIDs(s *Server) []string {
	s.callbacks.mu.Lock()
	defer s.callbacks.mu.Unlock()
	var ids []string
	for id := range s.callbacks.pending {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// A person presses what they read: a label that opens with an invisible
// right-to-left mark is pressed by its visible text, and the text is found
// by what it shows, while Text and Plain keep the marks, as Telegram does.
func TestRightToLeftMarksAreInvisible(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	b := startBot(t, fake, got.handle)
	amina := User{ID: 1002, FirstName: "Amina"}
	fake.SendText(amina, "/start")
	const rlm = "\u200f"
	_, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: amina.ID, Text: rlm + "👥 <b>Mamme in cerchio</b>\n" + rlm + "متى؟",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: rlm + "اليوم", CallbackData: "day:0"}})})
	if err != nil {
		t.Fatal(err)
	}
	m := fake.WaitText(t, amina.ID, "👥 Mamme in cerchio\nمتى؟")
	if !strings.HasPrefix(m.Text, rlm) || !strings.HasPrefix(m.Plain(), rlm) {
		t.Errorf("the marks were dropped: %q, %q", m.Text, m.Plain())
	}
	if Visible(m.Plain()) != "👥 Mamme in cerchio\nمتى؟" {
		t.Errorf("Visible = %q", Visible(m.Plain()))
	}
	if _, err := fake.Press(amina, "اليوم"); err != nil {
		t.Error(err)
	}
}
