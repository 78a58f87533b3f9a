package bot

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestNormalizeCommand(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "ciao", "ciao"},
		{"command", "/start", "/start"},
		{"with payload", "/start ABC_123", "/start ABC_123"},
		{"addressed to us", "/start@nido_bot ABC", "/start ABC"},
		{"addressed to us, other case", "/Start@Nido_Bot", "/start"},
		{"addressed to another bot", "/start@other_bot x", "/start@other_bot x"},
		{"upper case", "/MENU", "/menu"},
		{"newline after command", "/start\nhello", "/start\nhello"},
		{"after an emoji", "👋 /start", "👋 /start"},
		{"payload keeps its case", "/start AbC", "/start AbC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeCommand(tt.in, "nido_bot"); got != tt.want {
				t.Errorf("normalizeCommand(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestToInput(t *testing.T) {
	sg := signer{key: []byte("0123456789abcdef0123456789abcdef")}
	signed, err := sg.sign(42, "appt:confirm:7")
	if err != nil {
		t.Fatal(err)
	}
	private := models.Chat{ID: 42, Type: models.ChatTypePrivate}
	from := models.User{ID: 42, FirstName: "Amina", LanguageCode: "ar"}
	press := func(chat models.Chat, data string) *models.Update {
		return &models.Update{ID: 9, CallbackQuery: &models.CallbackQuery{
			ID: "q1", From: from, Data: data,
			Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 5, Chat: chat, Date: 1}},
		}}
	}
	tests := []struct {
		name   string
		u      *models.Update
		ok     bool
		text   string
		data   string
		forged bool
	}{
		{"text", &models.Update{ID: 1, Message: &models.Message{Chat: private, From: &from, Text: "/start@nido_bot X"}}, true, "/start X", "", false},
		{"photo with caption", &models.Update{ID: 2, Message: &models.Message{Chat: private, From: &from, Caption: "look"}}, true, "look", "", false},
		{"sticker", &models.Update{ID: 3, Message: &models.Message{Chat: private, From: &from}}, true, "", "", false},
		{"long text passes as is", &models.Update{ID: 4, Message: &models.Message{Chat: private, From: &from, Text: strings.Repeat("a", 5000)}}, true, strings.Repeat("a", 5000), "", false},
		{"group message", &models.Update{ID: 5, Message: &models.Message{Chat: models.Chat{ID: -7, Type: models.ChatTypeGroup}, From: &from, Text: "hi"}}, false, "", "", false},
		{"edited message", &models.Update{ID: 6, EditedMessage: &models.Message{Chat: private, From: &from, Text: "x"}}, false, "", "", false},
		{"signed press", press(private, signed), true, "", "appt:confirm:7", false},
		{"unsigned press", press(private, "appt:confirm:7"), true, "", "", true},
		{"press signed for another chat", press(models.Chat{ID: 43, Type: models.ChatTypePrivate}, signed), true, "", "", true},
		{"tampered press", press(private, "appt:confirm:8"+signed[len(signed)-sigLen:]), true, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, routed := chatOf(tt.u)
			in, ok := toInput(tt.u, "nido_bot", sg)
			if routed != tt.ok || (tt.ok && !ok) {
				t.Fatalf("chatOf ok = %v, toInput ok = %v, want %v", routed, ok, tt.ok)
			}
			if !tt.ok {
				return
			}
			if in.Text != tt.text || in.Callback != tt.data || in.Forged != tt.forged {
				t.Errorf("got text %.20q callback %q forged %v, want %.20q %q %v", in.Text, in.Callback, in.Forged, tt.text, tt.data, tt.forged)
			}
			if in.UserID != 42 || in.FirstName != "Amina" || in.TelegramLang != "ar" || in.UpdateID != tt.u.ID {
				t.Errorf("person fields = %+v", in)
			}
		})
	}
}

func TestSignFitsTelegram(t *testing.T) {
	sg := signer{key: []byte("0123456789abcdef0123456789abcdef")}
	data := strings.Repeat("x", 52)
	signed, err := sg.sign(-100123456789, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(signed) > 64 {
		t.Errorf("signed data is %d bytes, Telegram allows 64", len(signed))
	}
	if got, ok := sg.verify(-100123456789, signed); !ok || got != data {
		t.Errorf("verify = %q, %v", got, ok)
	}
	if _, err := sg.sign(1, data+"y"); err == nil {
		t.Error("53 bytes of data were signed, want an error")
	}
}
