package telegramtest

import (
	"fmt"
	"strings"
)

// attributes reads the attributes of a start tag up to (not past) its '>'
// and returns the one argument the tag uses: href for a, the language of
// code, "spoiler" for span class="tg-spoiler", emoji-id for tg-emoji, "1"
// for blockquote expandable. Other attributes are read and ignored, as
// Telegram does.
func (p *htmlParser) attributes(tag string, begin int) (string, error) {
	var arg string
	for {
		p.skipSpaces()
		if p.i >= len(p.src) {
			return "", fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		if p.src[p.i] == '>' {
			return arg, nil
		}
		nameStart := p.i
		for p.i < len(p.src) && !isHTMLSpace(p.src[p.i]) && p.src[p.i] != '=' && p.src[p.i] != '>' {
			p.i++
		}
		name := strings.ToLower(p.src[nameStart:p.i])
		p.skipSpaces()
		if p.i >= len(p.src) || p.src[p.i] != '=' {
			if tag == "blockquote" && name == "expandable" {
				arg = "1"
				continue
			}
			return "", fmt.Errorf("Expected equal sign in declaration of an attribute of the tag %q at byte offset %d", tag, begin)
		}
		p.i++ // '='
		p.skipSpaces()
		if p.i >= len(p.src) {
			return "", fmt.Errorf("Unclosed start tag %q at byte offset %d", tag, begin)
		}
		value, err := p.attributeValue()
		if err != nil {
			return "", err
		}
		if p.i >= len(p.src) {
			return "", fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		if a, ok := tagArgument(tag, name, value); ok {
			arg = a
		}
	}
}

// attributeValue reads a quoted string (entities decoded, an unknown one
// kept as text like Telegram does) or a name token (lower-cased).
func (p *htmlParser) attributeValue() (string, error) {
	quote := p.src[p.i]
	if quote != '"' && quote != '\'' {
		start := p.i
		for p.i < len(p.src) && isNameTokenChar(p.src[p.i]) {
			p.i++
		}
		if p.i < len(p.src) && !isHTMLSpace(p.src[p.i]) && p.src[p.i] != '>' {
			return "", fmt.Errorf("Unexpected end of name token at byte offset %d", start)
		}
		return strings.ToLower(p.src[start:p.i]), nil
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.src) && p.src[p.i] != quote {
		if p.src[p.i] == '&' {
			if end := strings.IndexByte(p.src[p.i:], ';'); end > 0 && end <= 12 {
				if r, ok := decodeEntity(p.src[p.i+1 : p.i+end]); ok {
					b.WriteRune(r)
					p.i += end + 1
					continue
				}
			}
		}
		b.WriteByte(p.src[p.i])
		p.i++
	}
	if p.i < len(p.src) {
		p.i++ // closing quote
	}
	return b.String(), nil
}

// tagArgument picks out the attributes Telegram gives a meaning to.
func tagArgument(tag, name, value string) (string, bool) {
	switch {
	case tag == "a" && name == "href":
		return value, true
	case tag == "code" && name == "class" && strings.HasPrefix(value, "language-"):
		return strings.TrimPrefix(value, "language-"), true
	case tag == "span" && name == "class" && strings.HasPrefix(value, "tg-"):
		return strings.TrimPrefix(value, "tg-"), true
	case tag == "tg-emoji" && name == "emoji-id":
		return value, true
	}
	return "", false
}

func isNameTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}
