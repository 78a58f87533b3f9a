package demo

import (
	"testing"

	"nido/bot/telegramtest"
)

func TestTranscriptKeepsChatsAsTheyReadNow(t *testing.T) {
	msg := func(id int, text string) telegramtest.Message {
		return telegramtest.Message{ID: id, ChatID: 7, Text: text}
	}
	deleted := msg(2, "menu")
	deleted.Deleted = true
	edited := msg(3, "consent")
	edited.Edited = true
	tr := newTranscript()
	for _, e := range []telegramtest.Event{
		{Kind: telegramtest.EventUserText, ChatID: 7, Message: msg(1, "/start")},
		{Kind: telegramtest.EventSent, ChatID: 7, Message: msg(3, "languages")},
		{Kind: telegramtest.EventSent, ChatID: 7, Message: msg(2, "menu")}, // out of order
		{Kind: telegramtest.EventChatAction, ChatID: 7, Action: "typing"},
		{Kind: telegramtest.EventEdited, ChatID: 7, Message: edited},
		{Kind: telegramtest.EventDeleted, ChatID: 7, Message: deleted},
		{Kind: telegramtest.EventSent, ChatID: 8, Message: telegramtest.Message{ID: 1, ChatID: 8}},
	} {
		tr.apply(e)
	}
	got := tr.chat(7)
	want := []struct {
		id      int
		fromBot bool
		edited  bool
	}{{1, false, false}, {3, true, true}}
	if len(got) != len(want) {
		t.Fatalf("chat %+v", got)
	}
	for i, w := range want {
		if got[i].msg.ID != w.id || got[i].fromBot != w.fromBot || got[i].msg.Edited != w.edited {
			t.Errorf("message %d: %+v, want %+v", i, got[i], w)
		}
	}
	if _, ok := tr.message(7, 2); !ok {
		t.Error("a deleted message is still known, so that a press on it is refused as such")
	}
	if last, ok := tr.last(7); !ok || last.msg.ID != 3 {
		t.Errorf("last %+v", last)
	}
	if _, ok := tr.last(9); ok {
		t.Error("a chat nobody wrote in has a last message")
	}
}

func TestCommandsForFollowTelegramsOrder(t *testing.T) {
	set := func(scope string, chat int64, lang, name string) telegramtest.CommandSet {
		return telegramtest.CommandSet{Scope: telegramtest.CommandScope{Type: scope, ChatID: chat}, LanguageCode: lang,
			Commands: []telegramtest.Command{{Command: name, Description: name}}}
	}
	amina := Person{ID: 3001, Lang: "ar"}
	for _, tt := range []struct {
		name string
		sets []telegramtest.CommandSet
		want string
	}{
		{"her chat's list first", []telegramtest.CommandSet{set("default", 0, "ar", "guest"), set("chat", 3001, "", "mine")}, "mine"},
		{"not someone else's chat", []telegramtest.CommandSet{set("chat", 3002, "", "olena"), set("default", 0, "", "guest")}, "guest"},
		{"her language before every language", []telegramtest.CommandSet{set("default", 0, "", "it"), set("default", 0, "ar", "ar")}, "ar"},
		{"private chats before the default", []telegramtest.CommandSet{set("default", 0, "ar", "d"), set("all_private_chats", 0, "", "p")}, "p"},
		{"nothing set", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := commandsFor(tt.sets, amina)
			name := ""
			if len(got) > 0 {
				name = got[0].Command
			}
			if name != tt.want {
				t.Errorf("got %q, want %q", name, tt.want)
			}
		})
	}
}
