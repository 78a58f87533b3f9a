package bot

import (
	"encoding/json"
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"

	"nido/flows"
)

// allowedUpdates are the only update kinds Nido asks Telegram for.
var allowedUpdates = []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery}

// readUpdate decodes from an update what Nido reads of it, into the
// library's type. A press carries the pressed message whole (its text, its
// entities, its keyboard: most of the update's bytes), of which Nido reads
// the chat and the id; and the library decodes that message twice, once to
// tell whether it is still accessible. Decoding only the fields read takes
// half the CPU for a press (go test -bench ReadUpdate ./bot/). An update is
// no less readable for a field Nido does not read.
func readUpdate(raw []byte) (models.Update, error) {
	var w wireUpdate
	if err := json.Unmarshal(raw, &w); err != nil {
		return models.Update{}, err
	}
	u := models.Update{ID: w.ID}
	if m := w.Message; m != nil {
		u.Message = m.message()
	}
	if q := w.CallbackQuery; q != nil {
		u.CallbackQuery = &models.CallbackQuery{ID: q.ID, From: q.From, Data: q.Data, InlineMessageID: q.InlineMessageID}
		switch m := q.Message; {
		case m == nil:
		case m.Date == 0:
			// What models.MaybeInaccessibleMessage tells apart by the date.
			u.CallbackQuery.Message = models.MaybeInaccessibleMessage{
				Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
				InaccessibleMessage: &models.InaccessibleMessage{Chat: m.Chat, MessageID: m.ID},
			}
		default:
			u.CallbackQuery.Message = models.MaybeInaccessibleMessage{
				Type: models.MaybeInaccessibleMessageTypeMessage, Message: m.message(),
			}
		}
	}
	// The kinds Nido does not handle are only named in the log (kindOf).
	if w.EditedMessage != nil {
		u.EditedMessage = &models.Message{}
	}
	if w.MyChatMember != nil {
		u.MyChatMember = &models.ChatMemberUpdated{}
	}
	return u, nil
}

// wireUpdate is the part of a Telegram update that readUpdate decodes.
type wireUpdate struct {
	ID            int64        `json:"update_id"`
	Message       *wireMessage `json:"message"`
	CallbackQuery *struct {
		ID              string       `json:"id"`
		From            models.User  `json:"from"`
		Message         *wireMessage `json:"message"`
		InlineMessageID string       `json:"inline_message_id"`
		Data            string       `json:"data"`
	} `json:"callback_query"`
	EditedMessage *struct{} `json:"edited_message"`
	MyChatMember  *struct{} `json:"my_chat_member"`
}

type wireMessage struct {
	ID      int          `json:"message_id"`
	Date    int          `json:"date"`
	Chat    models.Chat  `json:"chat"`
	From    *models.User `json:"from"`
	Text    string       `json:"text"`
	Caption string       `json:"caption"`
	Voice   *struct {
		FileID string `json:"file_id"`
	} `json:"voice"`
}

func (m *wireMessage) message() *models.Message {
	out := &models.Message{ID: m.ID, Date: m.Date, Chat: m.Chat, From: m.From, Text: m.Text, Caption: m.Caption}
	if m.Voice != nil {
		out.Voice = &models.Voice{FileID: m.Voice.FileID}
	}
	return out
}

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
