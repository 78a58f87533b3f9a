package telegramtest

import (
	"context"

	"github.com/go-telegram/bot/models"
)

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// admit is what every call acting on a chat goes through: the chat must
// be known and must not have blocked the bot, then an injected 429 may hit.
func (s *Server) admit(chatID int64) (models.Chat, *apiError) {
	c, err := s.chats.reachable(chatID)
	if err != nil {
		return c, err
	}
	return c, s.limiter.takeInjected()
}

// sendMessage: a text, HTML or plain, with an optional keyboard.
func (s *Server) sendMessage(_ context.Context, r *request) (any, *apiError) {
	chatID, err := r.chatID()
	if err != nil {
		return nil, err
	}
	chat, err := s.admit(chatID)
	if err != nil {
		return nil, err
	}
	text, kb, err := r.textAndMarkup()
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.limiter.admitSend(chatID, now); err != nil {
		return nil, err
	}
	m := s.chats.add(Message{
		ChatID: chatID, Text: text.source, ParseMode: text.mode, Entities: text.entities, plain: text.plain,
		Buttons: kb.inline, Keyboard: kb.keyboard, Date: now,
	}, true)
	s.stats.addSent()
	return s.wireMessage(m, chat), nil
}

// editMessageText: a new text; the keyboard is replaced too, and removed
// when reply_markup is absent, as Telegram does.
func (s *Server) editMessageText(_ context.Context, r *request) (any, *apiError) {
	chatID, id, err := r.target()
	if err != nil {
		return nil, err
	}
	chat, err := s.admit(chatID)
	if err != nil {
		return nil, err
	}
	text, kb, err := r.textAndMarkup()
	if err != nil {
		return nil, err
	}
	now := s.now()
	m, err := s.chats.edit(chatID, id, func(m *Message) *apiError {
		if m.Document != nil || m.Voice != nil {
			return badRequest("there is no text in the message to edit")
		}
		if m.plain == text.plain && sameEntities(m.Entities, text.entities) && sameButtons(m.Buttons, kb.inline) {
			return badRequest(notModified)
		}
		m.Text, m.ParseMode, m.Entities, m.plain = text.source, text.mode, text.entities, text.plain
		m.Buttons, m.Edited, m.EditDate = kb.inline, true, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.wireMessage(m, chat), nil
}

// editMessageReplyMarkup: a new inline keyboard, or none.
func (s *Server) editMessageReplyMarkup(_ context.Context, r *request) (any, *apiError) {
	chatID, id, err := r.target()
	if err != nil {
		return nil, err
	}
	chat, err := s.admit(chatID)
	if err != nil {
		return nil, err
	}
	kb, err := parseReplyMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	now := s.now()
	m, err := s.chats.edit(chatID, id, func(m *Message) *apiError {
		if sameButtons(m.Buttons, kb.inline) {
			return badRequest(notModified)
		}
		m.Buttons, m.Edited, m.EditDate = kb.inline, true, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.wireMessage(m, chat), nil
}

// deleteMessage: the bot's or the person's message, within 48 hours in a
// private chat. It works even when the person blocked the bot.
func (s *Server) deleteMessage(_ context.Context, r *request) (any, *apiError) {
	chatID, id, err := r.target()
	if err != nil {
		return nil, err
	}
	if _, _, ok := s.chats.known(chatID); !ok {
		return nil, badRequest("chat not found")
	}
	if err := s.limiter.takeInjected(); err != nil {
		return nil, err
	}
	if err := s.chats.remove(chatID, id, s.now()); err != nil {
		return nil, err
	}
	return true, nil
}

// sendChatAction: "typing…" and the like, shown by the demo.
func (s *Server) sendChatAction(_ context.Context, r *request) (any, *apiError) {
	chatID, err := r.chatID()
	if err != nil {
		return nil, err
	}
	if _, err := s.admit(chatID); err != nil {
		return nil, err
	}
	action := r.str("action")
	switch models.ChatAction(action) {
	case models.ChatActionTyping, models.ChatActionUploadPhoto, models.ChatActionRecordVideo,
		models.ChatActionUploadVideo, models.ChatActionRecordVoice, models.ChatActionUploadVoice,
		models.ChatActionUploadDocument, models.ChatActionChooseSticker, models.ChatActionFindLocation,
		models.ChatActionRecordVideoNote, models.ChatActionUploadVideoNote:
	default:
		return nil, badRequest("wrong parameter action in request")
	}
	s.events.publish(Event{Kind: EventChatAction, ChatID: chatID, Action: action})
	return true, nil
}

// textAndMarkup reads a message's text and keyboard, as sendMessage and
// editMessageText take them, and rejects what Telegram rejects.
func (r *request) textAndMarkup() (formatted, markup, *apiError) {
	text, err := parseFormatted(r.str("text"), r.str("parse_mode"), r.str("entities"))
	if err != nil {
		return formatted{}, markup{}, err
	}
	if err := text.check(maxTextLen, "message text is empty", "message is too long"); err != nil {
		return formatted{}, markup{}, err
	}
	kb, err := parseReplyMarkup(r.str("reply_markup"))
	return text, kb, err
}
