package telegramtest

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"città", 5}, {"😀", 2}, {"👩‍👧", 5}, {"日本", 2},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := utf16Len(tt.in); got != tt.want {
				t.Errorf("utf16Len(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestTextLength pins where the 4096 limit falls: on the visible text,
// after tags and entities are parsed and spaces trimmed, in UTF-16 units.
func TestTextLength(t *testing.T) {
	tests := []struct {
		name, text, mode string
		wantErr          string
	}{
		{"4096 letters", strings.Repeat("a", 4096), "", ""},
		{"4097 letters", strings.Repeat("a", 4097), "", "Bad Request: message is too long"},
		{"2048 emoji are 4096 units", strings.Repeat("😀", 2048), "", ""},
		{"2049 emoji are too many", strings.Repeat("😀", 2049), "", "Bad Request: message is too long"},
		{"4096 accented letters", strings.Repeat("è", 4096), "", ""},
		{"tags do not count", "<b>" + strings.Repeat("a", 4096) + "</b>", "HTML", ""},
		{"an entity counts once", strings.Repeat("&amp;", 4096), "HTML", ""},
		{"4097 entities", strings.Repeat("&amp;", 4097), "HTML", "Bad Request: message is too long"},
		{"without HTML tags count", "<b>" + strings.Repeat("a", 4090) + "</b>", "", "Bad Request: message is too long"},
		{"trimmed spaces do not count", "  \n" + strings.Repeat("a", 4096) + "\n ", "", ""},
		{"empty", "", "", "Bad Request: message text is empty"},
		{"only spaces", " \n\t ", "", "Bad Request: message text is empty"},
		{"only empty tags", "<b> </b>", "HTML", "Bad Request: message text is empty"},
		{"bad HTML", "<b>x", "HTML", `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"unknown parse mode", "x", "Klingon", "Bad Request: unsupported parse_mode"},
		{"parse mode in lower case", "<i>x</i>", "html", ""},
		{"invalid UTF-8", "a\xffb", "", "Bad Request: strings must be encoded in UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseFormatted(tt.text, tt.mode, "")
			if err == nil {
				err = f.check(maxTextLen, "message text is empty", "message is too long")
			}
			got := ""
			if err != nil {
				got = err.description
			}
			if got != tt.wantErr {
				t.Errorf("got error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestTrimMovesEntities(t *testing.T) {
	f, err := parseFormatted("  <b> Ciao</b> <i>Anna</i>  ", "HTML", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []models.MessageEntity{{Type: "bold", Offset: 0, Length: 4}, {Type: "italic", Offset: 5, Length: 4}}
	if f.plain != "Ciao Anna" || !sameEntities(f.entities, want) {
		t.Errorf("got %q %+v, want %q %+v", f.plain, f.entities, "Ciao Anna", want)
	}
}

func TestMarkdownIsReportedAsUnchecked(t *testing.T) {
	_, err := parseFormatted("*x*", "MarkdownV2", "")
	if err == nil || !err.fake {
		t.Fatalf("MarkdownV2 must be refused and recorded, got %v", err)
	}
}

func TestCommandEntities(t *testing.T) {
	cmd := func(off, n int) models.MessageEntity {
		return models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: off, Length: n}
	}
	tests := []struct {
		in   string
		want []models.MessageEntity
	}{
		{"/start", []models.MessageEntity{cmd(0, 6)}},
		{"/start abc123", []models.MessageEntity{cmd(0, 6)}},
		{"/start@nido_test_bot", []models.MessageEntity{cmd(0, 20)}},
		{"😀 /help", []models.MessageEntity{cmd(3, 5)}},
		{"ciao /a e /b", []models.MessageEntity{cmd(5, 2), cmd(10, 2)}},
		{"and/or", nil},
		{"/", nil},
		{"a/b/c", nil},
		{"/città", nil},
		{"ciao", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := commandEntities(tt.in); !sameEntities(got, tt.want) {
				t.Errorf("commandEntities(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
