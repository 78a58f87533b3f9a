package bot

import (
	"strings"
	"testing"

	"nido/flows"
	"nido/locales"
)

func TestSplit(t *testing.T) {
	line := strings.Repeat("a", 48) + "é" // 49 characters
	var lines []string
	for range 100 {
		lines = append(lines, line)
	}
	fiveThousand := strings.Join(lines, "\n") // 100*49 + 99 = 4999
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"short", "ciao", 1},
		{"exactly the limit", strings.Repeat("a", maxText), 1},
		{"5,000 characters of lines", fiveThousand + "!", 2},
		{"one long line", strings.Repeat("parola ", 1000), 2},
		{"long line of entities", strings.Repeat("&amp;", 1000), 2},
		{"emoji count twice", strings.Repeat("😀", 2049), 2},
		{"blank lines between", strings.Repeat("x\n\n", 2000), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := split(tt.text, maxText)
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			for i, p := range parts {
				if n := utf16Len(p); n > maxText || strings.TrimSpace(p) == "" {
					t.Errorf("part %d has %d UTF-16 units", i, n)
				}
				if strings.Count(p, "&") != strings.Count(p, ";") && strings.Contains(tt.text, "&amp;") {
					t.Errorf("part %d cuts an entity: ...%q", i, p[len(p)-10:])
				}
			}
			joined := strings.Join(parts, "\n")
			if strings.ReplaceAll(joined, "\n", "") != strings.ReplaceAll(tt.text, "\n", "") {
				t.Error("parts do not add up to the text")
			}
		})
	}
}

func TestSplitKeepsLinesWhole(t *testing.T) {
	var lines []string
	for i := range 100 {
		lines = append(lines, strings.Repeat(string(rune('a'+i%26)), 49))
	}
	parts := split(strings.Join(lines, "\n"), maxText)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	if got := strings.Join(parts, "\n"); got != strings.Join(lines, "\n") {
		t.Error("joining the parts with a newline does not give the text back")
	}
	for _, p := range parts {
		for _, l := range strings.Split(p, "\n") {
			if len(l) != 49 {
				t.Errorf("a line was cut: %q", l)
			}
		}
	}
}

// Every line of a text in Arabic opens with the right-to-left mark, so
// that Telegram lays it out right to left even when it starts with a Latin
// name; a line break inside a tag gets none, and Italian is left alone.
func TestRightToLeftLinesOpenWithTheMark(t *testing.T) {
	r := newRenderer(t)
	text := "👥 <b>Mamme in cerchio</b>\nالموعد: الاثنين\n<a href=\"https://x/\n\">Via Roma 1</a>"
	got := r.direct("ar", text, true)
	want := rlm + "👥 <b>Mamme in cerchio</b>\n" + rlm + "الموعد: الاثنين\n" + rlm + "<a href=\"https://x/\n\">Via Roma 1</a>"
	if got != want {
		t.Errorf("Arabic reads %q, want %q", got, want)
	}
	for _, lang := range []string{"it", "en", "uk", ""} {
		if got := r.direct(lang, text, true); got != text {
			t.Errorf("%q was changed: %q", lang, got)
		}
	}
	if got := r.direct("ar", "<3 Anna\nRossi", false); got != rlm+"<3 Anna\n"+rlm+"Rossi" {
		t.Errorf("a plain text with '<' reads %q", got)
	}
	if got, err := r.caption("ar", flows.T{}); got != "" || err != nil {
		t.Errorf("no caption became %q, %v", got, err)
	}
}

// The marks count toward Telegram's 4096: every part of a long Arabic
// text fits, and opens with the mark, also where a line was cut.
func TestRightToLeftPartsFit(t *testing.T) {
	r := newRenderer(t)
	line := strings.Repeat("م", 48) + "é"
	var lines []string
	for range 100 {
		lines = append(lines, line)
	}
	for name, text := range map[string]string{
		"lines":         strings.Join(lines, "\n"),
		"one long line": strings.Repeat("كلمة ", 1500),
		"just fits":     strings.Repeat("م", maxText-1),
	} {
		t.Run(name, func(t *testing.T) {
			parts := r.messages("ar", text)
			for i, p := range parts {
				if n := utf16Len(p); n > maxText {
					t.Errorf("part %d has %d UTF-16 units", i, n)
				}
				if !strings.HasPrefix(p, rlm) {
					t.Errorf("part %d does not open with the mark: %.20q", i, p)
				}
			}
			if got := strings.ReplaceAll(strings.Join(parts, ""), rlm, ""); strings.ReplaceAll(got, "\n", "") != strings.ReplaceAll(text, "\n", "") {
				t.Error("parts do not add up to the text")
			}
		})
	}
	if parts := r.messages("it", strings.Repeat("a", maxText)); len(parts) != 1 || parts[0] != strings.Repeat("a", maxText) {
		t.Error("an Italian text of 4096 characters was changed")
	}
}

// A toast longer than Telegram's 200 is cut rather than refused.
func TestToastIsCutToTheLimit(t *testing.T) {
	r := newRenderer(t)
	for _, lang := range []string{"ar", "it"} {
		got, err := r.toast(lang, flows.T{Plain: strings.Repeat("مرحبا ", 60)})
		if err != nil {
			t.Fatal(err)
		}
		if n := utf16Len(got); n > maxToast || !strings.HasSuffix(got, "…") {
			t.Errorf("%s toast of %d units: %q", lang, n, got)
		}
		if strings.HasPrefix(got, rlm) != (lang == "ar") {
			t.Errorf("%s toast %.10q", lang, got)
		}
	}
}

func newRenderer(t *testing.T) renderer {
	t.Helper()
	cat, err := locales.New("it")
	if err != nil {
		t.Fatal(err)
	}
	return renderer{cat: cat}
}
