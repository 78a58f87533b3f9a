package telegramtest

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Telegram's length limits, in UTF-16 code units of the visible text.
const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
	maxAnswerLen  = 200
)

// formatted is a text as Telegram stores it: what the bot sent, and the
// visible text with its entities after parsing and trimming.
type formatted struct {
	source   string
	mode     string // "HTML" or ""
	plain    string
	entities []models.MessageEntity
}

// parseFormatted parses a text or caption the way Telegram does for the
// given parse_mode (or explicit entities when there is no parse_mode).
func parseFormatted(source, parseMode, entitiesJSON string) (formatted, *apiError) {
	f := formatted{source: source}
	if !utf8.ValidString(source) {
		return f, badRequest("strings must be encoded in UTF-8")
	}
	switch strings.ToLower(parseMode) {
	case "":
		f.plain = source
		if entitiesJSON != "" {
			if err := json.Unmarshal([]byte(entitiesJSON), &f.entities); err != nil {
				return f, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		plain, entities, err := parseHTML(source)
		if err != nil {
			return f, badRequest("can't parse entities: " + err.Error())
		}
		f.mode, f.plain, f.entities = "HTML", plain, entities
	case "markdown", "markdownv2":
		return f, unsupported("parse_mode %s is not checked by telegramtest; send HTML", parseMode)
	default:
		return f, badRequest("unsupported parse_mode")
	}
	f.plain, f.entities = trimFormatted(f.plain, f.entities)
	return f, nil
}

// check applies Telegram's length limits; an empty emptyErr allows an empty text.
func (f formatted) check(limit int, emptyErr, longErr string) *apiError {
	if f.plain == "" && emptyErr != "" {
		return badRequest(emptyErr)
	}
	if utf16Len(f.plain) > limit {
		return badRequest(longErr)
	}
	return nil
}

// trimFormatted removes leading and trailing white space, as Telegram does
// before storing a message, and moves the entities to match.
func trimFormatted(plain string, entities []models.MessageEntity) (string, []models.MessageEntity) {
	trimmedLeft := strings.TrimLeftFunc(plain, unicode.IsSpace)
	lead := utf16Len(plain[:len(plain)-len(trimmedLeft)])
	trimmed := strings.TrimRightFunc(trimmedLeft, unicode.IsSpace)
	size := utf16Len(trimmed)
	var out []models.MessageEntity
	for _, e := range entities {
		start := max(e.Offset-lead, 0)
		end := min(e.Offset+e.Length-lead, size)
		if end > start {
			e.Offset, e.Length = start, end-start
			out = append(out, e)
		}
	}
	return trimmed, out
}

// utf16Len counts UTF-16 code units, Telegram's unit for lengths and offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen16(r)
	}
	return n
}

func runeLen16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// commandEntities marks /commands (and /command@bot) in a text a person
// typed, as Telegram does before handing the message to the bot.
func commandEntities(text string) []models.MessageEntity {
	var entities []models.MessageEntity
	runes := []rune(text)
	offset := 0
	for i := 0; i < len(runes); i++ {
		if runes[i] == '/' && (i == 0 || unicode.IsSpace(runes[i-1])) {
			if n := commandLength(runes[i:]); n > 0 {
				length := utf16Len(string(runes[i : i+n]))
				entities = append(entities, models.MessageEntity{
					Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: length,
				})
				offset += length
				i += n - 1
				continue
			}
		}
		offset += runeLen16(runes[i])
	}
	return entities
}

// commandLength is the length in runes of "/name" or "/name@bot" at the
// start of rs, or 0 when rs does not start with a command.
func commandLength(rs []rune) int {
	isWord := func(r rune) bool { return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') }
	n := 1
	for n < len(rs) && n <= 64 && isWord(rs[n]) {
		n++
	}
	if n == 1 {
		return 0
	}
	if n < len(rs) && rs[n] == '@' {
		m := n + 1
		for m < len(rs) && isWord(rs[m]) {
			m++
		}
		if m-n-1 >= 3 {
			n = m
		}
	}
	if n < len(rs) && (unicode.IsLetter(rs[n]) || unicode.IsDigit(rs[n]) || rs[n] == '_' || rs[n] == '/') {
		return 0
	}
	return n
}

// Visible is s without the invisible marks that set the direction of
// right-to-left text (U+200E, U+200F, U+061C and the isolates U+2066 to
// U+2069): what a person reads of a text a bot sent in Arabic, to compare
// with the same text written without them. Text and Plain keep the marks,
// as Telegram does.
func Visible(s string) string {
	if !strings.ContainsAny(s, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u061c', '\u2066', '\u2067', '\u2068', '\u2069':
			return -1
		}
		return r
	}, s)
}
