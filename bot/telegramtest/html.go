package telegramtest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// The parser follows Telegram's own (tdlib's parse_html): it walks the bytes,
// keeps a stack of open tags, and fails with the same wording Telegram uses,
// byte offsets included, so a test failure reads like a production log line.

// tagEntity gives the entity a supported tag makes; a, code, pre, span and
// blockquote are refined by their attributes when the tag closes.
func tagEntity(tag string) (models.MessageEntityType, bool) {
	switch tag {
	case "b", "strong":
		return models.MessageEntityTypeBold, true
	case "i", "em":
		return models.MessageEntityTypeItalic, true
	case "u", "ins":
		return models.MessageEntityTypeUnderline, true
	case "s", "strike", "del":
		return models.MessageEntityTypeStrikethrough, true
	case "tg-spoiler", "span":
		return models.MessageEntityTypeSpoiler, true
	case "a":
		return models.MessageEntityTypeTextLink, true
	case "tg-emoji":
		return models.MessageEntityTypeCustomEmoji, true
	case "code":
		return models.MessageEntityTypeCode, true
	case "pre":
		return models.MessageEntityTypePre, true
	case "blockquote":
		return models.MessageEntityTypeBlockquote, true
	}
	return "", false
}

// openTag is a start tag waiting for its end tag.
type openTag struct {
	name   string
	arg    string // href, language, emoji id, or "1" for an expandable blockquote
	offset int    // UTF-16 offset of the tag's content in the visible text
	pos    int    // byte offset of the tag in the source
}

// htmlParser holds the state of one parse.
type htmlParser struct {
	src      string
	i        int
	out      strings.Builder
	u16      int
	open     []openTag
	entities []models.MessageEntity
}

// parseHTML turns a text in Telegram's HTML into its visible text and
// entities, or returns Telegram's reason for rejecting it (the part after
// "can't parse entities: ").
func parseHTML(src string) (string, []models.MessageEntity, error) {
	p := &htmlParser{src: src}
	for p.i < len(src) {
		var err error
		switch src[p.i] {
		case '&':
			err = p.charEntity()
		case '<':
			if p.i+1 < len(src) && src[p.i+1] == '/' {
				err = p.endTag()
			} else {
				err = p.startTag()
			}
		default:
			r, size := utf8.DecodeRuneInString(src[p.i:])
			p.write(r)
			p.i += size
		}
		if err != nil {
			return "", nil, err
		}
	}
	if n := len(p.open); n > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag %q", p.open[n-1].name)
	}
	// Telegram lists entities by offset, the longer first when they start together.
	slices.SortStableFunc(p.entities, func(a, b models.MessageEntity) int {
		return cmp.Or(cmp.Compare(a.Offset, b.Offset), cmp.Compare(b.Length, a.Length))
	})
	return p.out.String(), p.entities, nil
}

func (p *htmlParser) write(r rune) {
	p.out.WriteRune(r)
	p.u16 += runeLen16(r)
}

// charEntity decodes &lt; &gt; &amp; &quot; or a numeric entity. Anything
// else is an error here (Telegram would keep the '&' as text).
func (p *htmlParser) charEntity() error {
	end := strings.IndexByte(p.src[p.i:], ';')
	if end < 0 || end > 12 {
		return fmt.Errorf("Character '&' at byte offset %d must be escaped as &amp;", p.i)
	}
	name := p.src[p.i+1 : p.i+end]
	r, ok := decodeEntity(name)
	if !ok {
		return fmt.Errorf("Unsupported HTML entity \"&%s;\" at byte offset %d", name, p.i)
	}
	p.write(r)
	p.i += end + 1
	return nil
}

// decodeEntity decodes the name between '&' and ';'.
func decodeEntity(name string) (rune, bool) {
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	}
	digits, base := strings.CutPrefix(name, "#")
	if !base || digits == "" {
		return 0, false
	}
	b := 10
	if hex, ok := strings.CutPrefix(strings.ToLower(digits), "x"); ok {
		digits, b = hex, 16
	}
	n, err := strconv.ParseUint(digits, b, 32)
	if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// startTag reads "<name attr=value ...>" and pushes it on the stack.
func (p *htmlParser) startTag() error {
	begin := p.i
	p.i++
	for p.i < len(p.src) && !isHTMLSpace(p.src[p.i]) && p.src[p.i] != '>' {
		p.i++
	}
	if p.i >= len(p.src) {
		return fmt.Errorf("Unclosed start tag at byte offset %d", begin)
	}
	name := strings.ToLower(p.src[begin+1 : p.i])
	if _, ok := tagEntity(name); !ok {
		return fmt.Errorf("Unsupported start tag %q at byte offset %d", name, begin)
	}
	arg, err := p.attributes(name, begin)
	if err != nil {
		return err
	}
	p.i++ // '>'
	if name == "span" && arg != "spoiler" {
		return fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
	}
	p.open = append(p.open, openTag{name: name, arg: arg, offset: p.u16, pos: begin})
	return nil
}

// endTag reads "</name>" and turns the matching start tag into an entity.
func (p *htmlParser) endTag() error {
	begin := p.i
	if len(p.open) == 0 {
		return fmt.Errorf("Unexpected end tag at byte offset %d", begin)
	}
	p.i += 2
	for p.i < len(p.src) && !isHTMLSpace(p.src[p.i]) && p.src[p.i] != '>' {
		p.i++
	}
	name := strings.ToLower(p.src[begin+2 : p.i])
	p.skipSpaces()
	if p.i >= len(p.src) || p.src[p.i] != '>' {
		return fmt.Errorf("Unclosed end tag at byte offset %d", begin)
	}
	p.i++
	tag := p.open[len(p.open)-1]
	if name != "" && name != tag.name {
		return fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, tag.name, name)
	}
	p.open = p.open[:len(p.open)-1]
	return p.closeEntity(tag)
}

// closeEntity records the entity of a closed tag, unless it is empty.
func (p *htmlParser) closeEntity(tag openTag) error {
	length := p.u16 - tag.offset
	typ, _ := tagEntity(tag.name)
	e := models.MessageEntity{Type: typ, Offset: tag.offset, Length: length}
	switch tag.name {
	case "a":
		e.URL = tag.arg
		if e.URL == "" {
			e.URL = lastUTF16(p.out.String(), length)
		}
	case "tg-emoji":
		if _, err := strconv.ParseInt(tag.arg, 10, 64); err != nil {
			return fmt.Errorf("Invalid custom emoji identifier specified")
		}
		e.CustomEmojiID = tag.arg
	case "blockquote":
		if tag.arg == "1" {
			e.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "pre":
		e.Language = tag.arg
	case "code":
		// <pre><code class="language-go"> gives the language to the pre.
		if n := len(p.open); n > 0 && p.open[n-1].name == "pre" && p.open[n-1].offset == tag.offset && tag.arg != "" {
			p.open[n-1].arg = tag.arg
			return nil
		}
	}
	if length > 0 {
		p.entities = append(p.entities, e)
	}
	return nil
}

func (p *htmlParser) skipSpaces() {
	for p.i < len(p.src) && isHTMLSpace(p.src[p.i]) {
		p.i++
	}
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// lastUTF16 returns the last n UTF-16 code units of s, as a string.
func lastUTF16(s string, n int) string {
	i := len(s)
	for n > 0 && i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		n -= runeLen16(r)
	}
	return s[i:]
}
