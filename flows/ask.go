package flows

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"
)

// Small pieces every capability's questions and cards use.

// MaxPlace is the longest place a person may type, in characters.
const MaxPlace = 200

// MaxText is the longest text a person may write for Nido to pass on to
// others (a broadcast, a message to staff), in UTF-16 units as Telegram
// counts them once escaped: with the frame around it in any language the
// message stays within Telegram's 4,096.
const MaxText = 3500

// TooLong reports whether text, escaped for Telegram, is over MaxText.
func TooLong(text string) bool {
	return len(utf16.Encode([]rune(html.EscapeString(text)))) > MaxText
}

// MaxCards is how many appointments a list shows as cards; the rest are counted.
const MaxCards = 5

// Grid lays buttons out n to a row.
func Grid(bs []Button, n int) [][]Button {
	var rows [][]Button
	for len(bs) > n {
		rows, bs = append(rows, bs[:n]), bs[n:]
	}
	if len(bs) > 0 {
		rows = append(rows, bs)
	}
	return rows
}

// OrInvalid answers a button whose appointment or person is not the
// presser's to touch, unless err says something else went wrong.
func OrInvalid(s *Session, err error) error {
	if err != nil {
		return err
	}
	return s.reply(T{ID: "common.button_invalid"})
}

// MaxButtons keeps a list of mothers within Telegram's 100 buttons a
// message; staff of a larger organisation type her name instead.
const MaxButtons = 90

// OffsetName writes an offset briefly: 24h, 2h, 1h30m, 45m.
func OffsetName(d time.Duration) string {
	var b strings.Builder
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m := d % time.Hour / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s := d % time.Minute / time.Second; s > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}

// ReminderDue is when the reminder off before at comes. Whole days count on
// the clock, so "24h before 09:00" is 09:00 the day before even when that
// day had 23 or 25 hours (the clocks changed); the rest is real time.
func ReminderDue(at time.Time, off time.Duration) time.Time {
	days := int(off / (24 * time.Hour))
	return at.AddDate(0, 0, -days).Add(-(off % (24 * time.Hour)))
}

// MapsURL opens the place in a maps app.
func MapsURL(place string) string {
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(place)
}

// CleanLine keeps one line of printable text.
func CleanLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' }), " ")
}

// OrMotherGone ends the conversation when its mother was erased meanwhile,
// unless err says something else went wrong.
func OrMotherGone(s *Session, gone bool, err error) error {
	if err != nil {
		return err
	}
	if gone {
		return MotherGone(s)
	}
	return nil
}

// MotherGone ends the conversation: the mother it was for is no longer
// the one acting's to write for.
func MotherGone(s *Session) error {
	if err := s.endConv(); err != nil {
		return err
	}
	return s.reply(T{ID: "appointment.mother_gone"})
}

// Confirm is the yes/no question before something that cannot be undone:
// lines, then the yes button above the no button, so that a hurried thumb
// lands on neither by mistake. Each button is a message id and its data.
func Confirm(lines []T, yesLabel, yesData, noLabel, noData string) Message {
	return Message{Lines: lines, Buttons: [][]Button{
		{{Label: T{ID: yesLabel}, Data: yesData}},
		{{Label: T{ID: noLabel}, Data: noData}},
	}}
}

// DraftOrInvalid reads a capability's draft from the conversation with of;
// a button pressed after the conversation ended or expired finds none, and
// is told it is no longer valid (ok false).
func DraftOrInvalid[D any](s *Session, of func(map[string]string) (D, bool)) (d D, ok bool, err error) {
	if d, ok = of(s.Data()); !ok {
		return d, false, s.Reply(T{ID: "common.button_invalid"})
	}
	return d, true, nil
}
