package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	para := strings.Repeat("Giấy tờ cần mang &amp; các bước. ", 40) // ~1,300 characters
	long := "<b>Tiêu đề</b>\n" + para + "\n\n" + para + "\n\n" + para + "\n\n" + para
	parts := split(long, maxMessage)
	if len(parts) < 2 {
		t.Fatalf("not split: %d part(s)", len(parts))
	}
	if strings.Join(parts, "") == long {
		t.Log("joined without separators equals input")
	}
	for i, p := range parts {
		if n := utf16Len(p); n > maxMessage {
			t.Errorf("part %d has %d characters", i, n)
		}
		if strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d cuts a tag pair: %q…", i, p[:40])
		}
		if strings.Count(p, "&") != strings.Count(p, "&amp;") {
			t.Errorf("part %d cuts an entity", i)
		}
	}
	if got := split("ngắn", maxMessage); len(got) != 1 || got[0] != "ngắn" {
		t.Errorf("short text: %q", got)
	}
}

// Emoji outside the Basic Multilingual Plane count two units to Telegram.
func TestSplitCountsUTF16(t *testing.T) {
	text := strings.Repeat("🚨 113 ", 700) // 4,200 runes, 4,900 UTF-16 units
	parts := split(text, maxMessage)
	if len(parts) != 2 {
		t.Fatalf("got %d parts, want 2", len(parts))
	}
	for i, p := range parts {
		if n := utf16Len(p); n > maxMessage {
			t.Errorf("part %d has %d UTF-16 units", i, n)
		}
	}
	if utf16Len("🚨a") != 3 || utf16Len("ắ") != 1 {
		t.Error("utf16Len miscounts")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("<b>a</b>\n\nb &amp; c", 5)
	f.Add(strings.Repeat("x", 50), 7)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 8 || limit > 5000 || !utf8.ValidString(s) {
			return
		}
		for _, p := range split(s, limit) {
			if utf16Len(p) > limit {
				t.Fatalf("part over the limit: %d > %d", utf16Len(p), limit)
			}
		}
	})
}
