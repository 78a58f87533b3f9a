package telegramtest

import (
	"fmt"

	"github.com/go-telegram/bot/models"
)

// User is a person talking to the bot. In a private chat the chat id is the user id.
type User struct {
	// ID is the Telegram user id, positive.
	ID int64
	// FirstName and LastName are the names the person set in Telegram.
	FirstName string
	LastName  string
	// Username is the @name without the @, often empty.
	Username string
	// LanguageCode is the language of the person's app, such as "it".
	LanguageCode string
}

// Group is a group chat the bot is in; its ID is negative, as on Telegram.
type Group struct {
	// ID is the chat id, negative.
	ID int64
	// Title is the group's name.
	Title string
}

func (u User) wire() models.User {
	return models.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (u User) chat() models.Chat {
	return models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// SendText is u writing text to the bot in their private chat, which makes
// the chat known. /commands get bot_command entities, as Telegram adds them.
// It returns the update id.
func (s *Server) SendText(u User, text string) int64 {
	if u.ID <= 0 {
		panic("telegramtest: SendText: a user id must be positive")
	}
	return s.sendText(u.chat(), u, text)
}

// SendGroupText is u writing text in group g, which makes the group known.
func (s *Server) SendGroupText(g Group, u User, text string) int64 {
	if g.ID >= 0 {
		panic("telegramtest: SendGroupText: a group id must be negative")
	}
	return s.sendText(models.Chat{ID: g.ID, Type: models.ChatTypeGroup, Title: g.Title}, u, text)
}

func (s *Server) sendText(chat models.Chat, u User, text string) int64 {
	s.act.Lock()
	defer s.act.Unlock()
	s.chats.meet(chat, u.wire())
	now := s.now()
	m := s.chats.add(Message{ChatID: chat.ID, Text: text, plain: text, Date: now}, false)
	from := u.wire()
	msg := &models.Message{
		ID: m.ID, From: &from, Chat: chat, Date: int(now.Unix()), Text: text, Entities: commandEntities(text),
	}
	id, err := s.updates.push("message", 0, func(id int64) any { return &models.Update{ID: id, Message: msg} })
	if err != nil {
		panic(fmt.Sprintf("telegramtest: SendText: %v", err))
	}
	return id
}

// Press is u pressing the inline button labelled exactly label, in the most
// recent message of u's private chat that has such a button. It sends a
// callback_query update and returns its id.
func (s *Server) Press(u User, label string) (int64, error) {
	msgs := s.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		b, ok := m.button(label)
		if !ok || m.Deleted {
			continue
		}
		if b.CallbackData == "" {
			return 0, fmt.Errorf("telegramtest: button %q of message %d opens a link, it cannot be pressed", label, m.ID)
		}
		return s.PressData(u, m.ID, b.CallbackData), nil
	}
	return 0, fmt.Errorf("telegramtest: no button %q in chat %d; buttons of the last message with any: %s",
		label, u.ID, lastLabels(msgs))
}

func lastLabels(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if labels := msgs[i].Labels(); len(labels) > 0 && !msgs[i].Deleted {
			return fmt.Sprintf("%q", labels)
		}
	}
	return "none"
}

// PressData is u pressing a button with any data on message messageID of
// their private chat, as a forged or stale press would. When the message
// does not exist the update carries an inaccessible message, like Telegram's.
func (s *Server) PressData(u User, messageID int, data string) int64 {
	s.act.Lock()
	defer s.act.Unlock()
	chat := u.chat()
	if info, _, ok := s.chats.known(u.ID); ok {
		chat = info
	} else {
		s.chats.meet(chat, u.wire())
	}
	cq := &models.CallbackQuery{From: u.wire(), ChatInstance: fmt.Sprint(u.ID), Data: data}
	if m, fromBot, ok := s.chats.message(u.ID, messageID); ok && fromBot && !m.Deleted {
		cq.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: s.wireMessage(m, chat)}
	} else {
		cq.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: chat, MessageID: messageID},
		}
	}
	now := s.now()
	id, err := s.updates.push("callback_query", 0, func(id int64) any {
		cq.ID = s.callbacks.open(pendingQuery{updateID: id, chatID: u.ID, messageID: messageID, data: data, at: now})
		return &models.Update{ID: id, CallbackQuery: cq}
	})
	if err != nil {
		panic(fmt.Sprintf("telegramtest: PressData: %v", err))
	}
	return id
}

// Block is the person (or group) of chatID blocking the bot: from now on
// every send and edit there answers 403. For a known private chat the bot
// also gets a my_chat_member update with status "kicked", as on Telegram.
func (s *Server) Block(chatID int64) { s.setBlocked(chatID, true) }

// Unblock undoes Block (the person restarted the bot); the bot gets a
// my_chat_member update with status "member".
func (s *Server) Unblock(chatID int64) { s.setBlocked(chatID, false) }

func (s *Server) setBlocked(chatID int64, blocked bool) {
	s.act.Lock()
	defer s.act.Unlock()
	if !s.chats.setBlocked(chatID, blocked) {
		return
	}
	chat, user, ok := s.chats.known(chatID)
	if !ok || chat.Type != models.ChatTypePrivate {
		return
	}
	old, status := "member", "kicked"
	if !blocked {
		old, status = status, old
	}
	bot, date := s.botUser(), s.now().Unix()
	_, _ = s.updates.push("my_chat_member", 0, func(id int64) any {
		return map[string]any{"update_id": id, "my_chat_member": map[string]any{
			"chat": chat, "from": user, "date": date,
			"old_chat_member": map[string]any{"status": old, "user": bot, "until_date": 0},
			"new_chat_member": map[string]any{"status": status, "user": bot, "until_date": 0},
		}}
	})
}

// Meet makes the private chats of users known, as if each had started the
// bot some time ago, without queuing an update: a test can then have the bot
// write to thousands of people who did not just speak.
func (s *Server) Meet(users ...User) {
	for _, u := range users {
		s.chats.meet(u.chat(), u.wire())
	}
}
