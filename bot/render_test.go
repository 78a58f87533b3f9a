package bot

import (
	"strings"
	"testing"
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
