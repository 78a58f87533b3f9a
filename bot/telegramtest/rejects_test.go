package telegramtest

import (
	"errors"
	"strings"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// TestRejectsWhatTelegramRejects sends, through the real client, what
// Telegram answers with 400, and checks the fake stored nothing.
func TestRejectsWhatTelegramRejects(t *testing.T) {
	mum := User{ID: 1001, FirstName: "Anna"}
	button := func(text, data string) *models.InlineKeyboardMarkup {
		return keyboard([]models.InlineKeyboardButton{{Text: text, CallbackData: data}})
	}
	tests := []struct {
		name   string
		params tg.SendMessageParams
		want   string
	}{
		{"empty text", tg.SendMessageParams{Text: ""}, "message text is empty"},
		{"too long", tg.SendMessageParams{Text: strings.Repeat("a", 4097)}, "message is too long"},
		{"too long in emoji", tg.SendMessageParams{Text: strings.Repeat("🙂", 2049)}, "message is too long"},
		{"callback data over 64 bytes", tg.SendMessageParams{Text: "x", ReplyMarkup: button("ok", strings.Repeat("è", 33))}, "BUTTON_DATA_INVALID"},
		{"button without text", tg.SendMessageParams{Text: "x", ReplyMarkup: button("", "d")}, "Text must be non-empty"},
		{"button without action", tg.SendMessageParams{Text: "x", ReplyMarkup: button("ok", "")}, "Text buttons are unallowed in the inline keyboard"},
		{"bad button URL", tg.SendMessageParams{Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "a", URL: "ftp://x"}})}, "Wrong HTTP URL"},
		{"unclosed tag", tg.SendMessageParams{Text: "<b>x", ParseMode: models.ParseModeHTML}, "can't parse entities: Can't find end tag"},
		{"unsupported tag", tg.SendMessageParams{Text: "<p>x</p>", ParseMode: models.ParseModeHTML}, `Unsupported start tag "p"`},
		{"unescaped user input", tg.SendMessageParams{Text: "Nome: Rossi & <Figli>", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"unknown chat", tg.SendMessageParams{ChatID: int64(2002), Text: "x"}, "chat not found"},
		{"username chat", tg.SendMessageParams{ChatID: "@someone", Text: "x"}, "chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := NewTestServer(t)
			b := newClient(t, fake)
			fake.SendText(mum, "ciao")
			p := tt.params
			if p.ChatID == nil {
				p.ChatID = mum.ID
			}
			_, err := b.SendMessage(testCtx(t), &p)
			wantDesc(t, err, tg.ErrorBadRequest, tt.want)
			if n := len(fake.Messages(mum.ID)); n != 0 || fake.Sent() != 0 {
				t.Errorf("a rejected message was stored (%d, Sent %d)", n, fake.Sent())
			}
		})
	}
}

func TestCallbackDataOf64BytesIsAccepted(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	_, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "x",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "ok", CallbackData: strings.Repeat("è", 32)}})})
	if err != nil {
		t.Fatalf("64 bytes of callback data: %v", err)
	}
}

func TestBlockedUserGets403(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "ciao")
	sent, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "Promemoria"})
	if err != nil {
		t.Fatal(err)
	}
	fake.Block(mum.ID)
	_, err = b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "Promemoria"})
	wantDesc(t, err, tg.ErrorForbidden, "Forbidden: bot was blocked by the user")
	_, err = b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: sent.ID, Text: "y"})
	wantDesc(t, err, tg.ErrorForbidden, "bot was blocked by the user")
	_, err = b.SendChatAction(testCtx(t), &tg.SendChatActionParams{ChatID: mum.ID, Action: models.ChatActionTyping})
	wantDesc(t, err, tg.ErrorForbidden, "bot was blocked by the user")

	fake.Unblock(mum.ID)
	if _, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "Bentornata"}); err != nil {
		t.Errorf("after Unblock: %v", err)
	}
}

func TestBlockSendsMyChatMember(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	startBot(t, fake, got.handle)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "ciao")
	fake.Block(mum.ID)
	fake.Block(mum.ID) // no change, no update
	fake.Unblock(mum.ID)
	updates := got.waitFor(t, 3)
	if len(updates) != 3 {
		t.Fatalf("got %d updates, want 3", len(updates))
	}
	for i, want := range []models.ChatMemberType{models.ChatMemberTypeBanned, models.ChatMemberTypeMember} {
		cm := updates[i+1].MyChatMember
		if cm == nil || cm.NewChatMember.Type != want || cm.Chat.ID != mum.ID || cm.From.ID != mum.ID {
			t.Errorf("update %d = %+v, want my_chat_member %s", i+1, cm, want)
		}
	}
}

func TestUnknownMethodIsRecorded(t *testing.T) {
	fake := NewServer()
	defer fake.Close()
	b := newClient(t, fake)
	_, err := b.SendPhoto(testCtx(t), &tg.SendPhotoParams{ChatID: 1, Photo: &models.InputFileString{Data: "x"}})
	if !errors.Is(err, tg.ErrorNotFound) {
		t.Errorf("SendPhoto: %v, want 404", err)
	}
	errs := fake.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "sendPhoto") {
		t.Errorf("Errors() = %v, want one about sendPhoto", errs)
	}
}

// recordingTB catches what NewTestServer reports at cleanup.
type recordingTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (r *recordingTB) Cleanup(f func())               { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Errorf(format string, a ...any) { r.errors = append(r.errors, format) }
func (r *recordingTB) Helper()                        {}

func TestNewTestServerFailsOnUnknownMethod(t *testing.T) {
	rec := &recordingTB{TB: t}
	fake := NewTestServer(rec)
	b := newClient(t, fake)
	if _, err := b.SetChatTitle(testCtx(t), &tg.SetChatTitleParams{ChatID: 1, Title: "x"}); err == nil {
		t.Error("setChatTitle succeeded")
	}
	for _, f := range rec.cleanups {
		f()
	}
	if len(rec.errors) != 1 {
		t.Errorf("the test got %d errors at cleanup, want 1", len(rec.errors))
	}
}
