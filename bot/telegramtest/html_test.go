package telegramtest

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestParseHTMLAccepts(t *testing.T) {
	ent := func(typ models.MessageEntityType, off, n int) models.MessageEntity {
		return models.MessageEntity{Type: typ, Offset: off, Length: n}
	}
	tests := []struct {
		name  string
		in    string
		plain string
		want  []models.MessageEntity
	}{
		{"plain", "Ciao Anna", "Ciao Anna", nil},
		{"bold", "<b>Ciao</b> Anna", "Ciao Anna", []models.MessageEntity{ent("bold", 0, 4)}},
		{"upper-case tag", "<B>Ciao</B>", "Ciao", []models.MessageEntity{ent("bold", 0, 4)}},
		{"synonyms", "<strong>a</strong><em>b</em><ins>c</ins><del>d</del><strike>e</strike>", "abcde", []models.MessageEntity{
			ent("bold", 0, 1), ent("italic", 1, 1), ent("underline", 2, 1), ent("strikethrough", 3, 1), ent("strikethrough", 4, 1)}},
		{"nested, longer first", "<b>a<i>b</i></b>", "ab", []models.MessageEntity{ent("bold", 0, 2), ent("italic", 1, 1)}},
		{"entities decode", "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot;", `1 < 2 && 3 > 2 "ok"`, nil},
		{"numeric entities", "&#65;&#x42;&#X43;&#128512;", "ABC😀", nil},
		{"bare > is text", "3 > 2", "3 > 2", nil},
		{"offsets in UTF-16", "😀 <b>sì</b>", "😀 sì", []models.MessageEntity{ent("bold", 3, 2)}},
		{"link", `<a href="https://example.org/?a=1&amp;b=2">qui</a>`, "qui", []models.MessageEntity{
			{Type: "text_link", Offset: 0, Length: 3, URL: "https://example.org/?a=1&b=2"}}},
		{"link with bare & in href", `<a href='https://x.it/?a=1&b=2'>x</a>`, "x", []models.MessageEntity{
			{Type: "text_link", Offset: 0, Length: 1, URL: "https://x.it/?a=1&b=2"}}},
		{"spoiler span", `<span class="tg-spoiler">x</span>`, "x", []models.MessageEntity{ent("spoiler", 0, 1)}},
		{"tg-spoiler", `<tg-spoiler>x</tg-spoiler>`, "x", []models.MessageEntity{ent("spoiler", 0, 1)}},
		{"pre with language", `<pre><code class="language-go">x := 1</code></pre>`, "x := 1", []models.MessageEntity{
			{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{"code", "<code>x</code>", "x", []models.MessageEntity{ent("code", 0, 1)}},
		{"expandable blockquote", "<blockquote expandable>x</blockquote>", "x", []models.MessageEntity{ent("expandable_blockquote", 0, 1)}},
		{"blockquote", "<blockquote>x</blockquote>", "x", []models.MessageEntity{ent("blockquote", 0, 1)}},
		{"custom emoji", `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍", []models.MessageEntity{
			{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		{"empty tag makes no entity", "a<b></b>b", "ab", nil},
		{"short end tag", "<b>x</>", "x", []models.MessageEntity{ent("bold", 0, 1)}},
		{"unknown attribute ignored", `<b class="x">y</b>`, "y", []models.MessageEntity{ent("bold", 0, 1)}},
		{"new lines kept", "a\n<b>b</b>\nc", "a\nb\nc", []models.MessageEntity{ent("bold", 2, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, entities, err := parseHTML(tt.in)
			if err != nil {
				t.Fatalf("parseHTML(%q): %v", tt.in, err)
			}
			if plain != tt.plain {
				t.Errorf("plain = %q, want %q", plain, tt.plain)
			}
			if !sameEntities(entities, tt.want) {
				t.Errorf("entities = %+v, want %+v", entities, tt.want)
			}
		})
	}
}

func TestParseHTMLRejects(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unclosed", "<b>Ciao", `Can't find end tag corresponding to start tag "b"`},
		{"mismatched", "<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"end without start", "x</b>", "Unexpected end tag at byte offset 1"},
		{"unsupported tag", "<div>x</div>", `Unsupported start tag "div" at byte offset 0`},
		{"br is not supported", "a<br>b", `Unsupported start tag "br" at byte offset 1`},
		{"bare <", "1 < 2", `Unsupported start tag "" at byte offset 2`},
		{"< at the end", "1 <", "Unclosed start tag at byte offset 2"},
		{"< without >", "a <b", "Unclosed start tag at byte offset 2"},
		{"bare &", "Tom & Jerry", "Character '&' at byte offset 4 must be escaped as &amp;"},
		{"named entity", "a&nbsp;b", `Unsupported HTML entity "&nbsp;" at byte offset 1`},
		{"apos is not supported", "l&apos;ora", `Unsupported HTML entity "&apos;" at byte offset 1`},
		{"numeric zero", "&#0;", `Unsupported HTML entity "&#0;" at byte offset 0`},
		{"bad numeric", "&#xZZ;", `Unsupported HTML entity "&#xZZ;" at byte offset 0`},
		{"span without class", "<span>x</span>", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"attribute without value", "<a href>x</a>", `Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0`},
		{"unclosed attribute", `<a href="x>y</a>`, "Unclosed start tag at byte offset 0"},
		{"bad name token", "<a href=x\"y>z</a>", "Unexpected end of name token at byte offset 8"},
		{"unclosed end tag", "<b>x</b", "Unclosed end tag at byte offset 4"},
		{"emoji without id", "<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseHTML(tt.in)
			if err == nil {
				t.Fatalf("parseHTML(%q) accepted", tt.in)
			}
			if err.Error() != tt.want {
				t.Errorf("parseHTML(%q) = %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}
