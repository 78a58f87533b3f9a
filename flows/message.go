package flows

import (
	"context"
	"errors"
	"time"
)

// The vocabulary between flows and the Telegram layer. Flows speak in message
// ids from locales/ and plain data; bot/ renders them in the person's language,
// escapes what people typed, signs button data and sends.

// Input is one thing a person did in a private chat with Nido: a text they
// typed (commands included) or a button they pressed.
type Input struct {
	// UpdateID is Telegram's update id, unique per update.
	UpdateID int64
	// ChatID is the private chat; in private chats it equals the user id.
	ChatID int64
	// UserID is the Telegram user who acted.
	UserID int64
	// FirstName is Telegram's first name of the user, offered as display name at sign-up.
	FirstName string
	// TelegramLang is the language Telegram reports for the user's app, a hint only.
	TelegramLang string
	// Text is what the person typed; empty for a button press.
	Text string
	// Callback is the data of the pressed button, already verified by bot/.
	Callback string
	// Forged is true when a button press carried data Nido did not sign.
	Forged bool
	// MessageID is the message that carried the pressed button (0 for text).
	MessageID int
	// Voice is the Telegram file id of a voice message the person sent; Nido
	// keeps and forwards the id, and never downloads the recording.
	Voice string
}

// T is one localizable piece of text.
type T struct {
	// ID is a message id in locales/, such as "appointment.reminder.body".
	ID string
	// Data fills the message's placeholders. String values are escaped by the
	// renderer, so a name typed by a person can never inject formatting.
	Data map[string]any
	// Count selects the plural form when the message has one.
	Count any
	// Plain is shown as it is (escaped) when ID is empty: something a person typed.
	Plain string
}

// Button is one inline button: pressing it sends Data back, or opens URL.
type Button struct {
	Label T
	// Data is the callback data: at most MaxCallbackData bytes, because bot/
	// adds a signature within Telegram's 64-byte limit.
	Data string
	URL  string
}

// MaxCallbackData is the room a flow has for a button's data.
const MaxCallbackData = 52

// Document is a file sent with a message, such as an .ics calendar entry.
type Document struct {
	Name    string
	Content []byte
	Caption T
}

// Voice is a voice message Telegram already holds, named by its file id.
type Voice struct {
	FileID  string
	Caption T
}

// Message is something Nido says to one chat.
type Message struct {
	ChatID int64
	// Lang is the language to render in; empty means the network's default.
	Lang string
	// Lines are rendered and joined with a newline.
	Lines []T
	// Buttons is the inline keyboard, row by row.
	Buttons [][]Button
	// Document, when set, is sent after the text.
	Document *Document
	// Voice, when set, is a voice message a person sent Nido, sent on by its
	// Telegram file id after the text (a family's note to staff).
	Voice *Voice
	// EditID, when set, replaces that earlier message (text and buttons) instead of sending a new one.
	EditID int
	// KeepText, on an edit, changes only the buttons of the message edited,
	// to Buttons (none takes them off), and leaves its words as they are:
	// Lines are not sent. A message that can no longer be edited keeps
	// what it had.
	KeepText bool
	// JobID, when set, names the scheduled job this message delivers, so a
	// job retried after a crash is not sent twice.
	JobID string
	// Bulk marks one recipient's copy of a broadcast: it waits while any
	// other message (a reminder, an answer) waits to go, so that a long
	// broadcast never delays what someone is waiting for.
	Bulk bool
	// Toast, when set, answers the button press being handled with a short
	// notice Telegram shows over the chat for a moment (at most 200
	// characters), leaving nothing in it. A Message may be a Toast alone.
	// The press is answered with the first thing the flows say, so a Toast
	// comes first or not at all.
	Toast *T
}

// Command is one entry of the command menu Telegram shows beside the text box.
type Command struct {
	// Name is the command without the slash: [a-z0-9_]{1,32}.
	Name        string
	Description T
}

// Sender delivers what flows say. bot/ implements it over Telegram; it keeps to
// Telegram's limits, waits out 429s and reports a person who blocked Nido.
type Sender interface {
	// Send delivers m and returns the Telegram message id. The error wraps
	// ErrUnreachable when the person blocked Nido or the chat is gone.
	Send(ctx context.Context, m Message) (messageID int, err error)
	// SetCommands sets the command menu of one chat (0: everyone's default) in a language.
	SetCommands(ctx context.Context, chatID int64, lang string, cmds []Command) error
	// Delete removes one of Nido's messages from a chat (quick exit, stale menus).
	Delete(ctx context.Context, chatID int64, messageID int) error
	// Forget drops what the Telegram layer keeps about the messages it sent
	// to a chat (which job sent which), for erasure: job ids name people.
	Forget(ctx context.Context, chatID int64) error
}

// ErrUnreachable means Telegram will not deliver to that chat any more.
var ErrUnreachable = errors.New("person unreachable on Telegram")

// ErrRefused means Telegram refused that message for good (a 400): sending
// it again would fail again. Other errors (a network failure, 429s that
// did not end) may pass.
var ErrRefused = errors.New("message refused by Telegram")

// Day in a message's Data is rendered as a date without the time of day;
// a time.Time is rendered with it.
type Day time.Time
