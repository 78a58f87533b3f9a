package telegramtest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestGetMe(t *testing.T) {
	fake := NewTestServer(t, WithUsername("nido_demo_bot"))
	b, err := tg.New(testToken, tg.WithServerURL(fake.URL)) // calls getMe, with an empty multipart body
	if err != nil {
		t.Fatalf("tg.New: %v", err)
	}
	me, err := b.GetMe(testCtx(t))
	if err != nil || me.ID != 5550001 || !me.IsBot || me.FirstName != "Nido" || me.Username != "nido_demo_bot" {
		t.Errorf("GetMe = %+v, %v", me, err)
	}
	if fake.Calls("getMe") != 2 {
		t.Errorf("Calls(getMe) = %d, want 2", fake.Calls("getMe"))
	}
}

func TestWithTokenRefusesOthers(t *testing.T) {
	fake := NewTestServer(t, WithToken(testToken))
	_, err := tg.New("999:other", tg.WithServerURL(fake.URL))
	if !errors.Is(err, tg.ErrorUnauthorized) {
		t.Errorf("tg.New with another token: %v, want 401", err)
	}
}

func TestJSONBody(t *testing.T) {
	fake := NewTestServer(t)
	fake.SendText(User{ID: 1001}, "ciao")
	body := `{"chat_id":1001,"text":"Sì?","reply_markup":{"inline_keyboard":[[{"text":"Sì","callback_data":"y"}]]}}`
	resp, err := http.Post(fake.URL+"/bot1:x/sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m, _ := fake.Last(1001)
	if resp.StatusCode != http.StatusOK || m.Plain() != "Sì?" || len(m.Buttons) != 1 || m.Buttons[0][0].CallbackData != "y" {
		t.Errorf("status %d, last %+v", resp.StatusCode, m)
	}
}

func TestURLEncodedBody(t *testing.T) {
	fake := NewTestServer(t)
	fake.SendText(User{ID: 1001}, "ciao")
	resp, err := http.PostForm(fake.URL+"/bot1:x/sendMessage", url.Values{"chat_id": {"1001"}, "text": {"<i>ok</i>"}, "parse_mode": {"HTML"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if m, _ := fake.Last(1001); resp.StatusCode != http.StatusOK || m.Plain() != "ok" {
		t.Errorf("status %d, last %q", resp.StatusCode, m.Plain())
	}
}

func TestCommands(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	it := []models.BotCommand{{Command: "start", Description: "Inizia"}, {Command: "aiuto", Description: "Chiedi aiuto"}}
	if _, err := b.SetMyCommands(testCtx(t), &tg.SetMyCommandsParams{Commands: it, LanguageCode: "it",
		Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatalf("SetMyCommands: %v", err)
	}
	if _, err := b.SetMyCommands(testCtx(t), &tg.SetMyCommandsParams{Commands: it[:1]}); err != nil {
		t.Fatal(err)
	}
	sets := fake.Commands()
	if len(sets) != 2 || sets[0].Scope.Type != "all_private_chats" || sets[0].LanguageCode != "it" ||
		len(sets[0].Commands) != 2 || sets[1].Scope.Type != "default" || sets[1].Commands[0].Command != "start" {
		t.Fatalf("Commands() = %+v", sets)
	}
	got, err := b.GetMyCommands(testCtx(t), &tg.GetMyCommandsParams{LanguageCode: "it", Scope: &models.BotCommandScopeAllPrivateChats{}})
	if err != nil || len(got) != 2 || got[1].Command != "aiuto" {
		t.Errorf("GetMyCommands = %+v, %v", got, err)
	}
	if _, err := b.DeleteMyCommands(testCtx(t), &tg.DeleteMyCommandsParams{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.GetMyCommands(testCtx(t), &tg.GetMyCommandsParams{}); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
	tooMany := make([]models.BotCommand, 101)
	for i := range tooMany {
		tooMany[i] = models.BotCommand{Command: fmt.Sprintf("c%d", i), Description: "x"}
	}
	for name, tt := range map[string]struct {
		p    tg.SetMyCommandsParams
		want string
	}{
		"upper case":       {tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}}, "BOT_COMMAND_INVALID"},
		"too long":         {tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: strings.Repeat("a", 33), Description: "x"}}}, "BOT_COMMAND_INVALID"},
		"no description":   {tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "a"}}}, "BOT_COMMAND_DESCRIPTION_INVALID"},
		"long description": {tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "a", Description: strings.Repeat("d", 257)}}}, "BOT_COMMAND_DESCRIPTION_INVALID"},
		"101 commands":     {tg.SetMyCommandsParams{Commands: tooMany}, "too many commands"},
		"bad language":     {tg.SetMyCommandsParams{Commands: it, LanguageCode: "ita"}, "invalid language code"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := b.SetMyCommands(testCtx(t), &tt.p)
			wantDesc(t, err, tg.ErrorBadRequest, tt.want)
		})
	}
}

func TestSubscribeSeesEverythingInOrder(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	events, stop := fake.Subscribe()
	defer stop()
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	if _, err := b.SendChatAction(testCtx(t), &tg.SendChatActionParams{ChatID: mum.ID, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	m := askDay(t, b, mum.ID)
	fake.MustPress(t, mum, "Oggi")
	if _, err := b.AnswerCallbackQuery(testCtx(t), &tg.AnswerCallbackQueryParams{CallbackQueryID: pendingIDs(fake)[0], Text: "ok"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: m.ID, Text: "Oggi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeleteMessage(testCtx(t), &tg.DeleteMessageParams{ChatID: mum.ID, MessageID: m.ID}); err != nil {
		t.Fatal(err)
	}
	want := []EventKind{EventUserText, EventChatAction, EventSent, EventCallbackAnswer, EventEdited, EventDeleted}
	for i, kind := range want {
		e := <-events
		if e.Kind != kind || e.ChatID != mum.ID {
			t.Fatalf("event %d = %s in %d, want %s", i, e.Kind, e.ChatID, kind)
		}
		if kind == EventEdited && e.Message.Plain() != "Oggi" {
			t.Errorf("edited event carries %q", e.Message.Plain())
		}
		if kind == EventCallbackAnswer && e.Answer.Text != "ok" {
			t.Errorf("answer event carries %+v", e.Answer)
		}
	}
	fake.Close()
	if _, open := <-events; open {
		t.Error("the feed stayed open after Close")
	}
}

func TestReplyKeyboard(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	fake.SendText(User{ID: 1001}, "ciao")
	_, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: 1001, Text: "Lingua?", ReplyMarkup: &models.ReplyKeyboardMarkup{
		Keyboard: [][]models.KeyboardButton{{{Text: "Italiano"}, {Text: "English"}}}, OneTimeKeyboard: true}})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Last(1001); len(m.Keyboard) != 1 || m.Keyboard[0][1] != "English" {
		t.Errorf("Keyboard = %v", m.Keyboard)
	}
}

// TestConcurrentUse runs many chats at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	fake := NewTestServer(t, Unlimited())
	b := newClient(t, fake)
	var wg sync.WaitGroup
	for u := range 8 {
		wg.Go(func() {
			mum := User{ID: int64(3000 + u)}
			fake.SendText(mum, "ciao")
			for i := range 20 {
				if _, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: fmt.Sprint(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for u := range 8 {
		msgs := fake.Messages(int64(3000 + u))
		for i, m := range msgs {
			if m.ID != i+2 || m.Plain() != fmt.Sprint(i) {
				t.Fatalf("chat %d message %d = id %d %q", u, i, m.ID, m.Plain())
			}
		}
	}
	if fake.Sent() != 160 {
		t.Errorf("Sent() = %d, want 160", fake.Sent())
	}
}
