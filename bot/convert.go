package bot

import (
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"

	"nido/flows"
)

// allowedUpdates are the only update kinds Nido asks Telegram for.
var allowedUpdates = []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery}

// chatOf returns the private chat an update belongs to; false for group chats
// and for every kind of update the flows do not handle.
func chatOf(u *models.Update) (int64, bool) {
	switch {
	case u.Message != nil:
		m := u.Message
		return m.Chat.ID, m.Chat.Type == models.ChatTypePrivate && m.From != nil
	case u.CallbackQuery != nil:
		chat, _, ok := callbackChat(u.CallbackQuery)
		return chat.ID, ok && chat.Type == models.ChatTypePrivate
	}
	return 0, false
}

// kindOf names an update's kind for logs, which never carry its content.
func kindOf(u *models.Update) string {
	switch {
	case u.Message != nil:
		return "message/" + string(u.Message.Chat.Type)
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.MyChatMember != nil:
		return "my_chat_member"
	}
	return "other"
}

// callbackChat finds the chat and message of a pressed button; false for
// buttons under inline messages, which Nido never sends.
func callbackChat(cq *models.CallbackQuery) (models.Chat, int, bool) {
	switch {
	case cq.Message.Message != nil:
		return cq.Message.Message.Chat, cq.Message.Message.ID, true
	case cq.Message.InaccessibleMessage != nil:
		return cq.Message.InaccessibleMessage.Chat, cq.Message.InaccessibleMessage.MessageID, true
	}
	return models.Chat{}, 0, false
}

// toInput turns a private-chat update into what the flows read. A message
// without text (a photo, a voice note) arrives with its caption or an empty
// Text, so the flows can answer it kindly. Text is passed whatever its length.
func toInput(u *models.Update, username string, sg signer) (flows.Input, bool) {
	switch {
	case u.Message != nil && u.Message.From != nil:
		m := u.Message
		text := m.Text
		if text == "" {
			text = m.Caption
		}
		in := flows.Input{
			UpdateID: u.ID, ChatID: m.Chat.ID, UserID: m.From.ID,
			FirstName: m.From.FirstName, TelegramLang: m.From.LanguageCode,
			Text: normalizeCommand(text, username),
		}
		if m.Voice != nil {
			in.Voice = m.Voice.FileID
		}
		return in, true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		chat, msgID, ok := callbackChat(cq)
		if !ok {
			return flows.Input{}, false
		}
		data, valid := sg.verify(chat.ID, cq.Data)
		return flows.Input{
			UpdateID: u.ID, ChatID: chat.ID, UserID: cq.From.ID,
			FirstName: cq.From.FirstName, TelegramLang: cq.From.LanguageCode,
			Callback: data, Forged: !valid, MessageID: msgID,
		}, true
	}
	return flows.Input{}, false
}

// normalizeCommand turns "/Start@nido_bot payload" into "/start payload". It
// parses the text itself because the library matches commands by byte
// offsets while Telegram counts UTF-16 units. A command addressed to another
// bot is left as typed, so the flows see it as unknown.
func normalizeCommand(text, username string) string {
	if !strings.HasPrefix(text, "/") {
		return text
	}
	end := strings.IndexFunc(text, unicode.IsSpace)
	if end < 0 {
		end = len(text)
	}
	cmd, rest := text[:end], text[end:]
	name, at, addressed := strings.Cut(cmd, "@")
	if addressed && username != "" && !strings.EqualFold(at, username) {
		return text
	}
	return strings.ToLower(name) + rest
}
