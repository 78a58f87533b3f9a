package telegramtest

import (
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// Message is one message the bot sent, as the chat shows it now: edits are
// applied and a deleted message stays in the list, marked Deleted.
type Message struct {
	// ID is the message id, increasing within the chat.
	ID int
	// ChatID is the chat the message is in.
	ChatID int64
	// Text is the text as the bot sent it, with its HTML tags when ParseMode
	// is HTML. It is empty for a document, whose caption is in Document.
	Text string
	// ParseMode is "HTML" or empty.
	ParseMode string
	// Entities are the formatting entities Telegram derived from the text or caption.
	Entities []models.MessageEntity
	// Buttons is the inline keyboard, row by row.
	Buttons [][]Button
	// Keyboard is a reply keyboard (the buttons that replace the phone's
	// keyboard), row by row; pressing one sends its text.
	Keyboard [][]string
	// Document is set when the message is a file.
	Document *Document
	// Voice is set when the message is a voice message; its caption is in Voice.
	Voice *Voice
	// Edited is true once the text or the keyboard was edited.
	Edited bool
	// Deleted is true once the bot deleted the message.
	Deleted bool
	// Date is when the message was sent, by the server's clock.
	Date time.Time
	// EditDate is when the message was last edited.
	EditDate time.Time

	plain string
}

// Button is one inline keyboard button.
type Button struct {
	// Text is the label the person sees.
	Text string
	// CallbackData is sent back to the bot when the button is pressed.
	CallbackData string
	// URL is opened instead when the button is a link.
	URL string
}

// Document is a file the bot sent with sendDocument.
type Document struct {
	// FileID is the id Telegram gave the file; sending it again reuses the file.
	FileID string
	// FileName is the name the bot gave the file.
	FileName string
	// MimeType is guessed from the file name, as Telegram does.
	MimeType string
	// Content is the bytes of the file.
	Content []byte
	// Caption is the caption as the bot sent it (HTML when ParseMode is HTML).
	Caption string
}

// Plain is the visible text of the message, or of the caption of a
// document: tags removed, entities decoded, surrounding spaces trimmed.
func (m Message) Plain() string { return m.plain }

// Labels lists the labels of the inline buttons, row after row, as a
// person reads them: direction marks aside.
func (m Message) Labels() []string {
	var labels []string
	for _, row := range m.Buttons {
		for _, b := range row {
			labels = append(labels, Visible(b.Text))
		}
	}
	return labels
}

// button finds the inline button with exactly this label, as a person
// reads it: direction marks aside.
func (m Message) button(label string) (Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if Visible(b.Text) == Visible(label) {
				return b, true
			}
		}
	}
	return Button{}, false
}

// sameButtons reports whether two inline keyboards look the same, treating
// no keyboard and an empty one alike, as Telegram does.
func sameButtons(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

// sameEntities reports whether two entity lists format a text the same way.
func sameEntities(a, b []models.MessageEntity) bool {
	return slices.EqualFunc(a, b, func(x, y models.MessageEntity) bool {
		return x.Type == y.Type && x.Offset == y.Offset && x.Length == y.Length &&
			x.URL == y.URL && x.Language == y.Language && x.CustomEmojiID == y.CustomEmojiID
	})
}
