package demo

import (
	"context"
	"fmt"
	"time"

	"nido/bot/telegramtest"
	"nido/locales"
)

// The JSON the page reads. Texts are sent as Telegram stores them, the
// visible text and its entities, so the page builds the DOM from text nodes
// and a fixed list of elements and never parses a message as HTML.

// personView is one person in the list on the left.
type personView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	About     string `json:"about"`
	Role      string `json:"role"`
	RoleLabel string `json:"roleLabel"`
	Lang      string `json:"lang"`
	LangName  string `json:"langName"`
	Flag      string `json:"flag"`
	RTL       bool   `json:"rtl"`
	SignedUp  bool   `json:"signedUp"`
	// Last is the chat's latest message, for the preview under the name.
	Last *messageView `json:"last,omitempty"`
}

// messageView is one message in a chat.
type messageView struct {
	ID int `json:"id"`
	// From is "bot" or "person".
	From     string         `json:"from"`
	Text     string         `json:"text"`
	Entities []entityView   `json:"entities,omitempty"`
	Buttons  [][]buttonView `json:"buttons,omitempty"`
	Keyboard [][]string     `json:"keyboard,omitempty"`
	Document *documentView  `json:"document,omitempty"`
	Edited   bool           `json:"edited,omitempty"`
	Date     time.Time      `json:"date"`
}

// entityView is one piece of formatting: offset and length count UTF-16
// code units, as Telegram's do and as JavaScript strings are indexed.
type entityView struct {
	Type     string `json:"type"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
	URL      string `json:"url,omitempty"`
	Language string `json:"language,omitempty"`
}

// buttonView is an inline button: Data to press it, or URL to open.
type buttonView struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
}

// documentView is a file to download.
type documentView struct {
	Name string `json:"name"`
	Mime string `json:"mime"`
	Size int    `json:"size"`
	URL  string `json:"url"`
}

// commandView is one entry of a person's command menu.
type commandView struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// chatView is a person's whole chat with Nido.
type chatView struct {
	Person   personView    `json:"person"`
	Messages []messageView `json:"messages"`
	Commands []commandView `json:"commands"`
}

// clockView is the demo's time.
type clockView struct {
	Now      time.Time `json:"now"`
	TimeZone string    `json:"timeZone"`
}

// stateView is what the page loads first.
type stateView struct {
	Clock  clockView    `json:"clock"`
	Seed   seedView     `json:"seed"`
	People []personView `json:"people"`
}

// seedView says how far the seed is.
type seedView struct {
	Done bool `json:"done"`
	// Failed counts the steps that did not work; the demo runs without them.
	Failed int `json:"failed"`
}

func viewMessage(en entry) messageView {
	m := en.msg
	v := messageView{ID: m.ID, From: "person", Text: m.Plain(), Edited: m.Edited, Date: m.Date, Keyboard: m.Keyboard}
	if en.fromBot {
		v.From = "bot"
	}
	for _, e := range m.Entities {
		v.Entities = append(v.Entities, entityView{Type: string(e.Type), Offset: e.Offset, Length: e.Length,
			URL: e.URL, Language: e.Language})
	}
	for _, row := range m.Buttons {
		out := make([]buttonView, 0, len(row))
		for _, b := range row {
			out = append(out, buttonView{Text: b.Text, Data: b.CallbackData, URL: b.URL})
		}
		v.Buttons = append(v.Buttons, out)
	}
	if doc := m.Document; doc != nil {
		v.Document = &documentView{Name: doc.FileName, Mime: doc.MimeType, Size: len(doc.Content),
			URL: fmt.Sprintf("/api/files/%d/%d", m.ChatID, m.ID)}
	}
	return v
}

// viewPerson shows p as Nido knows them now: their role and language once
// they signed up, their app's language before.
func (d *Demo) viewPerson(ctx context.Context, p Person) personView {
	v := personView{ID: p.ID, Name: p.Name(), About: p.About, Lang: p.Lang}
	if per, ok, err := d.cfg.People.Get(ctx, p.ID); err != nil {
		d.logger.Warn("demo: load person", "user_id", p.ID, "error", err)
	} else if ok {
		v.Role, v.Lang, v.SignedUp = per.Role, per.Lang, true
	}
	v.RoleLabel = roleLabel(v.Role)
	v.Flag = flagOf(v.Lang)
	if l, ok := locales.Find(v.Lang); ok {
		v.LangName, v.RTL = l.Native, l.RTL
	}
	if en, ok := d.chats.last(p.ID); ok {
		last := viewMessage(en)
		v.Last = &last
	}
	return v
}

// commandsFor is the command menu Telegram shows person p, from the most
// specific list the bot set: their chat's, then private chats', then the
// default, each in their app's language before the one for every language.
func commandsFor(sets []telegramtest.CommandSet, p Person) []commandView {
	type key struct {
		scope  string
		chatID int64
		lang   string
	}
	for _, k := range []key{
		{"chat", p.ID, p.Lang}, {"chat", p.ID, ""},
		{"all_private_chats", 0, p.Lang}, {"all_private_chats", 0, ""},
		{"default", 0, p.Lang}, {"default", 0, ""},
	} {
		for _, s := range sets {
			if s.Scope.Type != k.scope || s.Scope.ChatID != k.chatID || s.LanguageCode != k.lang {
				continue
			}
			out := make([]commandView, 0, len(s.Commands))
			for _, c := range s.Commands {
				out = append(out, commandView{Command: c.Command, Description: c.Description})
			}
			return out
		}
	}
	return []commandView{}
}
