package telegramtest

import (
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// deleteWindow is how long a bot may delete a message in a private chat.
const deleteWindow = 48 * time.Hour

// record is one message in a chat, the bot's or the person's.
type record struct {
	msg     Message
	fromBot bool
}

// chat is one chat the bot may write to: a person who wrote to it, or a group.
type chat struct {
	info    models.Chat
	user    models.User // the person, for a private chat
	lastID  int
	records map[int]*record
	bot     []*record // the bot's messages, in order
}

// chatStore holds every chat and every message in it.
type chatStore struct {
	mu      sync.Mutex
	chats   map[int64]*chat
	blocked map[int64]bool
	changed *signal
	events  *broker
}

func newChatStore(changed *signal, events *broker) *chatStore {
	return &chatStore{chats: map[int64]*chat{}, blocked: map[int64]bool{}, changed: changed, events: events}
}

// meet makes a chat known, as when a person writes to the bot; it refreshes
// the names of a known chat.
func (cs *chatStore) meet(info models.Chat, user models.User) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c, ok := cs.chats[info.ID]; ok {
		c.info, c.user = info, user
		return
	}
	cs.chats[info.ID] = &chat{info: info, user: user, records: map[int]*record{}}
}

// reachable is what Telegram checks before a send or an edit.
func (cs *chatStore) reachable(chatID int64) (models.Chat, *apiError) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.chats[chatID]
	if !ok {
		return models.Chat{}, badRequest("chat not found")
	}
	if cs.blocked[chatID] {
		if chatID < 0 {
			return c.info, forbidden("bot was kicked from the group chat")
		}
		return c.info, forbidden("bot was blocked by the user")
	}
	return c.info, nil
}

// known returns a chat's description and, for a private chat, its person.
func (cs *chatStore) known(chatID int64) (models.Chat, models.User, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.chats[chatID]
	if !ok {
		return models.Chat{}, models.User{}, false
	}
	return c.info, c.user, true
}

// setBlocked records whether the chat blocked the bot; it reports whether
// the state changed.
func (cs *chatStore) setBlocked(chatID int64, blocked bool) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.blocked[chatID] == blocked {
		return false
	}
	cs.blocked[chatID] = blocked
	return true
}

// add appends a message to a known chat, giving it the next id.
func (cs *chatStore) add(m Message, fromBot bool) Message {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.chats[m.ChatID]
	c.lastID++
	m.ID = c.lastID
	r := &record{msg: m, fromBot: fromBot}
	c.records[m.ID] = r
	kind := EventUserText
	if fromBot {
		c.bot = append(c.bot, r)
		kind = EventSent
	}
	cs.events.publish(Event{Kind: kind, ChatID: m.ChatID, Message: m})
	cs.changed.notify()
	return m
}

// edit changes one of the bot's messages; change works on a copy and
// returns an error to leave the message as it was.
func (cs *chatStore) edit(chatID int64, id int, change func(*Message) *apiError) (Message, *apiError) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	r := cs.record(chatID, id)
	if r == nil || r.msg.Deleted {
		return Message{}, badRequest("message to edit not found")
	}
	if !r.fromBot {
		return Message{}, badRequest("message can't be edited")
	}
	m := r.msg
	if err := change(&m); err != nil {
		return Message{}, err
	}
	r.msg = m
	cs.events.publish(Event{Kind: EventEdited, ChatID: chatID, Message: m})
	cs.changed.notify()
	return m, nil
}

// remove deletes a message, the bot's or the person's, within 48 hours.
func (cs *chatStore) remove(chatID int64, id int, now time.Time) *apiError {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	r := cs.record(chatID, id)
	if r == nil || r.msg.Deleted {
		return badRequest("message to delete not found")
	}
	if chatID > 0 && now.Sub(r.msg.Date) > deleteWindow {
		return badRequest("message can't be deleted for everyone")
	}
	r.msg.Deleted = true
	cs.events.publish(Event{Kind: EventDeleted, ChatID: chatID, Message: r.msg})
	cs.changed.notify()
	return nil
}

func (cs *chatStore) record(chatID int64, id int) *record {
	c, ok := cs.chats[chatID]
	if !ok {
		return nil
	}
	return c.records[id]
}

// message returns any message of a chat, with whether the bot sent it.
func (cs *chatStore) message(chatID int64, id int) (Message, bool, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	r := cs.record(chatID, id)
	if r == nil {
		return Message{}, false, false
	}
	return r.msg, r.fromBot, true
}

// botMessages copies the bot's messages in a chat, in order.
func (cs *chatStore) botMessages(chatID int64) []Message {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, len(c.bot))
	for i, r := range c.bot {
		out[i] = r.msg
	}
	return out
}
