package demo

import (
	"sort"
	"sync"

	"nido/bot/telegramtest"
)

// entry is one message of a chat as the page shows it: the bot's, or one
// the person typed.
type entry struct {
	msg     telegramtest.Message
	fromBot bool
}

// transcript is every chat as it reads now, built from the fake's event
// feed, because the fake keeps the person's own messages only as events.
type transcript struct {
	mu    sync.Mutex
	chats map[int64][]entry // by message id, ascending
}

func newTranscript() *transcript { return &transcript{chats: map[int64][]entry{}} }

// apply records one event and returns the entry it changed; ok is false for
// events that change no message (presses answered, chat actions).
func (t *transcript) apply(e telegramtest.Event) (entry, bool) {
	var en entry
	switch e.Kind {
	case telegramtest.EventSent, telegramtest.EventEdited, telegramtest.EventDeleted:
		en = entry{msg: e.Message, fromBot: true}
	case telegramtest.EventUserText:
		en = entry{msg: e.Message}
	default:
		return entry{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.chats[e.ChatID]
	i := sort.Search(len(list), func(i int) bool { return list[i].msg.ID >= en.msg.ID })
	switch {
	case i < len(list) && list[i].msg.ID == en.msg.ID:
		// The fake also deletes people's messages; whose a message is never changes.
		en.fromBot = list[i].fromBot
		list[i] = en
	default:
		list = append(list, entry{})
		copy(list[i+1:], list[i:])
		list[i] = en
	}
	t.chats[e.ChatID] = list
	return en, true
}

// chat copies a chat's messages that are not deleted, oldest first.
func (t *transcript) chat(chatID int64) []entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]entry, 0, len(t.chats[chatID]))
	for _, en := range t.chats[chatID] {
		if !en.msg.Deleted {
			out = append(out, en)
		}
	}
	return out
}

// message finds one message of a chat.
func (t *transcript) message(chatID int64, id int) (entry, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.chats[chatID]
	i := sort.Search(len(list), func(i int) bool { return list[i].msg.ID >= id })
	if i < len(list) && list[i].msg.ID == id {
		return list[i], true
	}
	return entry{}, false
}

// last is a chat's latest message that is not deleted.
func (t *transcript) last(chatID int64) (entry, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.chats[chatID]
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].msg.Deleted {
			return list[i], true
		}
	}
	return entry{}, false
}
