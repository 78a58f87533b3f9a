package bot

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"nido/flows"
	"nido/locales"
)

// Telegram's limits on what one message may carry, in UTF-16 units.
const (
	maxText    = 4096
	maxCaption = 1024
)

// renderer turns the flows' message ids and data into Telegram text.
type renderer struct{ cat *locales.Catalog }

// Right-to-left languages. Telegram lays out each paragraph of a message
// right to left or left to right from its first strong character: an Arabic
// line that opens with a Latin name ("👥 Mamme in cerchio") is drawn left to
// right, its punctuation on the wrong side. So every line rendered in such a
// language opens with the RIGHT-TO-LEFT MARK, an invisible strong
// character: in messages and each of their parts, edits, captions, toasts
// and button labels. Other languages are sent as rendered.

// rlm is U+200F RIGHT-TO-LEFT MARK.
const rlm = "\u200f"

// rtl reports whether lang is written right to left.
func (r renderer) rtl(lang string) bool {
	l, ok := locales.Find(r.cat.Lang(lang))
	return ok && l.RTL
}

// direct opens each line of s with rlm when lang is written right to left.
// In HTML, a line break inside a tag gets no mark, so that the tag stays
// whole; nothing (a document without a caption) stays nothing.
func (r renderer) direct(lang, s string, html bool) string {
	if s == "" || !r.rtl(lang) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(rlm)*(1+strings.Count(s, "\n")))
	b.WriteString(rlm)
	inTag := false
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		switch s[i] {
		case '<':
			inTag = html
		case '>':
			inTag = false
		case '\n':
			if !inTag {
				b.WriteString(rlm)
			}
		}
	}
	return b.String()
}

// messages cuts a rendered text into the texts of Telegram messages of at
// most maxText UTF-16 units each, every line in the direction of lang.
func (r renderer) messages(lang, text string) []string {
	if !r.rtl(lang) {
		return split(text, maxText)
	}
	// One unit is kept for the mark of a part that starts inside a line too long for one message.
	parts := split(r.direct(lang, text, true), maxText-utf16Len(rlm))
	for i, p := range parts {
		if !strings.HasPrefix(p, rlm) {
			parts[i] = rlm + p
		}
	}
	return parts
}

// caption renders the caption of a document or voice message.
func (r renderer) caption(lang string, t flows.T) (string, error) {
	s, err := r.htmlText(lang, t)
	if err != nil {
		return "", fmt.Errorf("caption: %w", err)
	}
	s = r.direct(lang, s, true)
	if utf16Len(s) > maxCaption {
		return "", fmt.Errorf("caption is %d characters, more than %d", utf16Len(s), maxCaption)
	}
	return s, nil
}

// toast renders the text of a callback answer, cut to Telegram's limit:
// a notice over the chat is better short than refused.
func (r renderer) toast(lang string, t flows.T) (string, error) {
	s, err := r.plainText(lang, t)
	if err != nil {
		return "", err
	}
	s = r.direct(lang, s, false)
	if utf16Len(s) <= maxToast {
		return s, nil
	}
	head, _ := cutLine(s, maxToast-1)
	return strings.TrimRightFunc(head, unicode.IsSpace) + "…", nil
}

// htmlText renders t for a message sent with parse_mode HTML: whatever a
// person typed is escaped, the locale's own markup is kept.
func (r renderer) htmlText(lang string, t flows.T) (string, error) {
	return r.render(lang, t, html.EscapeString)
}

// plainText renders t for places Telegram shows as typed (button labels,
// command descriptions), where escaping would show "&amp;".
func (r renderer) plainText(lang string, t flows.T) (string, error) {
	return r.render(lang, t, func(s string) string { return s })
}

func (r renderer) render(lang string, t flows.T, esc func(string) string) (string, error) {
	if t.ID == "" {
		return esc(t.Plain), nil
	}
	data, err := r.data(lang, t.Data, esc)
	if err != nil {
		return "", err
	}
	return r.cat.Text(lang, t.ID, data, t.Count)
}

// data prepares placeholder values: strings escaped, times written the way
// the language writes them, nested texts rendered, numbers as they are.
func (r renderer) data(lang string, in map[string]any, esc func(string) string) (map[string]any, error) {
	if in == nil {
		return nil, nil
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		switch v := v.(type) {
		case string:
			out[k] = esc(v)
		case time.Time:
			out[k] = r.cat.DateTime(lang, v)
		case flows.Day:
			out[k] = r.cat.Date(lang, time.Time(v))
		case flows.T:
			s, err := r.render(lang, v, esc)
			if err != nil {
				return nil, fmt.Errorf("placeholder %s: %w", k, err)
			}
			out[k] = s
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, bool:
			out[k] = v
		case fmt.Stringer:
			out[k] = esc(v.String())
		default:
			out[k] = esc(fmt.Sprint(v))
		}
	}
	return out, nil
}

// lines renders each line and joins them with a newline.
func (r renderer) lines(lang string, ts []flows.T) (string, error) {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		s, err := r.htmlText(lang, t)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n"), nil
}

// inlineKeyboard is Telegram's inline keyboard with only the fields Nido
// uses. The library's button type always sends an empty copy_text, which
// Telegram has refused with BUTTON_COPY_TEXT_INVALID.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// keyboard renders the labels and signs the data of the buttons; nil when
// there are none.
func (r renderer) keyboard(lang string, chatID int64, rows [][]flows.Button, sg signer) (*inlineKeyboard, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	kb := &inlineKeyboard{InlineKeyboard: make([][]inlineButton, 0, len(rows))}
	for _, row := range rows {
		out := make([]inlineButton, 0, len(row))
		for _, b := range row {
			label, err := r.plainText(lang, b.Label)
			if err != nil {
				return nil, fmt.Errorf("button label: %w", err)
			}
			ib := inlineButton{Text: r.direct(lang, label, false), URL: b.URL}
			if b.URL == "" {
				if ib.CallbackData, err = sg.sign(chatID, b.Data); err != nil {
					return nil, err
				}
			}
			out = append(out, ib)
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb, nil
}

// split cuts text into messages of at most limit UTF-16 units, between lines
// when it can. A single line longer than limit is cut at a space, never inside
// an HTML entity or tag. Blank parts, which Telegram refuses, are dropped.
func split(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen, started := 0, false
	flush := func() {
		if !blank(cur.String()) {
			parts = append(parts, cur.String())
		}
		cur.Reset()
		curLen, started = 0, false
	}
	for _, line := range strings.Split(text, "\n") {
		for utf16Len(line) > limit {
			head, rest := cutLine(line, limit)
			flush()
			parts = append(parts, head)
			line = rest
		}
		n := utf16Len(line)
		if started && curLen+1+n > limit {
			flush()
		}
		if started {
			cur.WriteByte('\n')
			curLen++
		}
		cur.WriteString(line)
		curLen += n
		started = true
	}
	flush()
	return parts
}

// cutLine splits a too long line at the last space that fits, or where it must.
func cutLine(line string, limit int) (string, string) {
	i, n := 0, 0
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if n+utf16.RuneLen(r) > limit {
			break
		}
		n += utf16.RuneLen(r)
		i += size
	}
	if amp := strings.LastIndexByte(line[:i], '&'); amp > strings.LastIndexByte(line[:i], ';') {
		i = amp
	}
	if lt := strings.LastIndexByte(line[:i], '<'); lt > strings.LastIndexByte(line[:i], '>') {
		i = lt
	}
	if sp := strings.LastIndexByte(line[:i], ' '); sp > i/2 {
		i = sp + 1
	}
	if i == 0 {
		// An entity or tag as long as a message: cut anywhere rather than loop.
		_, i = utf8.DecodeRuneInString(line)
	}
	return line[:i], line[i:]
}

// blank reports whether s shows nothing: spaces and direction marks only.
func blank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200f' }) == ""
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
