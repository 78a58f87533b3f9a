package telegramtest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestSendMessageRecordsWhatTheBotSaid(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "/start")

	got, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{
		ChatID: mum.ID, Text: "<b>Benvenuta</b> Anna &amp; Luca", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{
			{Text: "Sì", CallbackData: "yes"}, {Text: "Sito", URL: "https://example.org"},
		}),
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if got.ID != 2 || got.Text != "Benvenuta Anna & Luca" || got.Chat.ID != mum.ID || got.From.ID != 5550001 {
		t.Errorf("result = id %d text %q chat %d from %d", got.ID, got.Text, got.Chat.ID, got.From.ID)
	}
	if len(got.Entities) != 1 || got.Entities[0].Type != models.MessageEntityTypeBold || got.ReplyMarkup == nil {
		t.Errorf("result entities %+v markup %+v", got.Entities, got.ReplyMarkup)
	}
	m, ok := fake.Last(mum.ID)
	if !ok {
		t.Fatal("no message recorded")
	}
	if m.Text != "<b>Benvenuta</b> Anna &amp; Luca" || m.Plain() != "Benvenuta Anna & Luca" || m.ParseMode != "HTML" {
		t.Errorf("recorded %q / %q / %q", m.Text, m.Plain(), m.ParseMode)
	}
	want := [][]Button{{{Text: "Sì", CallbackData: "yes"}, {Text: "Sito", URL: "https://example.org"}}}
	if !sameButtons(m.Buttons, want) {
		t.Errorf("buttons = %+v, want %+v", m.Buttons, want)
	}
	if fake.Sent() != 1 || fake.Calls("sendMessage") != 1 || fake.Token() != testToken {
		t.Errorf("Sent %d, Calls %d, Token %q", fake.Sent(), fake.Calls("sendMessage"), fake.Token())
	}
}

func TestEditAndDelete(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "ciao")
	sent, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "Quando?",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Oggi", CallbackData: "d:0"}})})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(text string, kb *models.InlineKeyboardMarkup) error {
		p := &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: sent.ID, Text: text}
		if kb != nil {
			p.ReplyMarkup = kb
		}
		_, err := b.EditMessageText(testCtx(t), p)
		return err
	}
	sameKB := keyboard([]models.InlineKeyboardButton{{Text: "Oggi", CallbackData: "d:0"}})
	if err := edit("Quando?", sameKB); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("same text and keyboard: %v, want message is not modified", err)
	}
	if err := edit("Quando?", nil); err != nil {
		t.Errorf("dropping the keyboard is a change: %v", err)
	}
	if m, _ := fake.Last(mum.ID); len(m.Buttons) != 0 || !m.Edited {
		t.Errorf("after edit without markup: buttons %v edited %v", m.Buttons, m.Edited)
	}
	if _, err := b.EditMessageReplyMarkup(testCtx(t), &tg.EditMessageReplyMarkupParams{
		ChatID: mum.ID, MessageID: sent.ID, ReplyMarkup: sameKB}); err != nil {
		t.Errorf("EditMessageReplyMarkup: %v", err)
	}
	if m, _ := fake.Last(mum.ID); len(m.Buttons) != 1 || m.Text != "Quando?" {
		t.Errorf("after markup edit: %+v", m)
	}
	if err := edit("x", nil); err != nil {
		t.Fatal(err)
	}
	_, err = b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: 99, Text: "x"})
	wantDesc(t, err, tg.ErrorBadRequest, "message to edit not found")
	_, err = b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: 1, Text: "x"})
	wantDesc(t, err, tg.ErrorBadRequest, "message can't be edited")

	if _, err := b.DeleteMessage(testCtx(t), &tg.DeleteMessageParams{ChatID: mum.ID, MessageID: sent.ID}); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	_, err = b.DeleteMessage(testCtx(t), &tg.DeleteMessageParams{ChatID: mum.ID, MessageID: sent.ID})
	wantDesc(t, err, tg.ErrorBadRequest, "message to delete not found")
	_, err = b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: sent.ID, Text: "y"})
	wantDesc(t, err, tg.ErrorBadRequest, "message to edit not found")
	msgs := fake.Messages(mum.ID)
	if len(msgs) != 1 || !msgs[0].Deleted || msgs[0].Plain() != "x" {
		t.Errorf("Messages = %+v, want the edited message marked deleted", msgs)
	}
	if _, ok := fake.Last(mum.ID); ok {
		t.Error("Last returned a deleted message")
	}
}

func TestSendDocument(t *testing.T) {
	fake := NewTestServer(t)
	b := newClient(t, fake)
	mum := User{ID: 1001, FirstName: "Anna"}
	fake.SendText(mum, "ciao")
	ics := []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	got, err := b.SendDocument(testCtx(t), &tg.SendDocumentParams{
		ChatID:   mum.ID,
		Document: &models.InputFileUpload{Filename: "visita.ics", Data: bytes.NewReader(ics)},
		Caption:  "<i>Visita</i> di lunedì", ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatalf("SendDocument: %v", err)
	}
	if got.Document == nil || got.Document.FileName != "visita.ics" || got.Document.FileSize != int64(len(ics)) || got.Caption != "Visita di lunedì" {
		t.Errorf("result = %+v caption %q", got.Document, got.Caption)
	}
	m, _ := fake.Last(mum.ID)
	d := m.Document
	if d == nil || d.FileName != "visita.ics" || !bytes.Equal(d.Content, ics) || d.MimeType != "text/calendar" ||
		d.Caption != "<i>Visita</i> di lunedì" || m.Plain() != "Visita di lunedì" {
		t.Fatalf("recorded %+v plain %q", d, m.Plain())
	}
	again, err := b.SendDocument(testCtx(t), &tg.SendDocumentParams{ChatID: mum.ID, Document: &models.InputFileString{Data: d.FileID}})
	if err != nil || again.Document.FileName != "visita.ics" {
		t.Errorf("resending by file id: %v %+v", err, again)
	}
	_, err = b.SendDocument(testCtx(t), &tg.SendDocumentParams{ChatID: mum.ID, Document: &models.InputFileString{Data: "nope"}})
	wantDesc(t, err, tg.ErrorBadRequest, "wrong file identifier/HTTP URL specified")
	_, err = b.SendDocument(testCtx(t), &tg.SendDocumentParams{ChatID: mum.ID,
		Document: &models.InputFileUpload{Filename: "a.txt", Data: strings.NewReader("x")}, Caption: strings.Repeat("c", 1025)})
	wantDesc(t, err, tg.ErrorBadRequest, "message caption is too long")
	_, err = b.EditMessageText(testCtx(t), &tg.EditMessageTextParams{ChatID: mum.ID, MessageID: m.ID, Text: "x"})
	wantDesc(t, err, tg.ErrorBadRequest, "there is no text in the message to edit")
}

// wantDesc checks a go-telegram/bot error: its sentinel and Telegram's description.
func wantDesc(t *testing.T, err, sentinel error, desc string) {
	t.Helper()
	if err == nil {
		t.Errorf("got no error, want %v %q", sentinel, desc)
		return
	}
	if !errors.Is(err, sentinel) || !strings.Contains(err.Error(), desc) {
		t.Errorf("got %v, want %v with %q", err, sentinel, desc)
	}
}

func TestDeleteWindowIs48Hours(t *testing.T) {
	clock := newManualClock()
	fake := NewTestServer(t, WithClock(clock.Now))
	b := newClient(t, fake)
	mum := User{ID: 1001}
	fake.SendText(mum, "ciao")
	old, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: mum.ID, Text: "vecchio"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(48*time.Hour + time.Second)
	_, err = b.DeleteMessage(testCtx(t), &tg.DeleteMessageParams{ChatID: mum.ID, MessageID: old.ID})
	wantDesc(t, err, tg.ErrorBadRequest, "message can't be deleted for everyone")
}
