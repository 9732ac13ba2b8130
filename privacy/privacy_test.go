package privacy

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"số căn cước của tôi là 001203004567", "số căn cước của tôi là [số]"},
		{"cmnd 123456789 hết hạn", "cmnd [số] hết hạn"},
		{"gọi 0912 345 678 nhé", "gọi [số] nhé"},
		{"sdt 0912.345.678", "sdt [số]"},
		{"+84 912-345-678", "[số]"},
		{"stk 19036543210011 vietcombank", "stk [số] vietcombank"},
		{"lệ phí 50.000 đồng", "lệ phí 50.000 đồng"},
		{"ngày 22/11/2026", "ngày 22/11/2026"},
		{"năm 2026, 14 tuổi, 1900 0368", "năm 2026, 14 tuổi, [số]"},
		{"không có số", "không có số"},
		{"sdt 0912  345  678", "sdt [số]"},
		{"cccd 001,203,004,567", "cccd [số]"},
		{"gọi (091) 234-5678", "gọi [số]"},
		{"0912_345_678", "[số]"},
		{"0912\t345678", "[số]"},
		{"sdt ０９１２３４５６７８", "sdt [số]"},
		// From 9 digits on nothing survives: a sum that large looks like an
		// old ID card (141.234.567), and is rare in a question.
		{"đất giá 500.000.000 đồng", "đất giá [số] đồng"},
		{"đất giá 12.000.000 đồng", "đất giá 12.000.000 đồng"},
		{"cmnd 141.234.567", "cmnd [số]"},
		{"cmnd 141,234,567", "cmnd [số]"},
		{"sdt 912.345.678", "sdt [số]"},
		{"stk 190.367.890.123", "stk [số]"},
		{"sdt 0912\u00a0345\u00a0678", "sdt [số]"},
		{"sdt 0912\u2009345\u2009678", "sdt [số]"},
		{"sdt 0912\u200b345\u200b678", "sdt [số]"},
		{"sdt 0912/345/678", "sdt [số]"},
		{"sdt 0\u200b9\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8", "sdt [số]"},
		{"20,000,000 đồng", "20,000,000 đồng"},
		{"sinh ngày 22-11-2026", "sinh ngày 22-11-2026"},
		{"cmnd 123 456 789", "cmnd [số]"},
		{"mail nguyen.van.a@gmail.com nhé", "mail [email] nhé"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if HasPersonalNumber(tt.in) != (tt.in != tt.want) && !strings.Contains(tt.in, "@") {
			t.Errorf("HasPersonalNumber(%q) disagrees with Redact", tt.in)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("cccd 001203004567 sdt 0912 345 678")
	f.Add("+84-9-1-2-3-4-5-6-7-8")
	f.Add("cmnd 141.234.567, stk 190.367.890.123")
	f.Add("0\u200b9\u200b1\u200b2\u00a0345\u2009678")
	f.Add("a@b.vn 12/11/2026")
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		// The property, judged apart from the redactor's own patterns: no run
		// of 9 digits or more survives, whatever stands between them short
		// of a letter.
		if n := longestDigitRun(out); n >= 9 {
			t.Fatalf("Redact(%q) = %q keeps a run of %d digits", s, out, n)
		}
		if strings.Contains(out, "@") && email.MatchString(out) {
			t.Fatalf("Redact(%q) = %q keeps an e-mail address", s, out)
		}
		if strings.Count(out, Mask) > len(s) {
			t.Fatal("more masks than input")
		}
	})
}

// longestDigitRun counts the most digits in s that follow one another with
// at most three non-letters between each two.
func longestDigitRun(s string) int {
	best, run, gap := 0, 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			if gap > 3 {
				run = 0
			}
			run, gap = run+1, 0
			best = max(best, run)
		case unicode.IsLetter(r):
			run, gap = 0, 0
		default:
			gap++
		}
	}
	return best
}

func TestLongestDigitRun(t *testing.T) {
	for in, want := range map[string]int{"": 0, "0912 345 678": 10, "12 a 34": 2, "1    2": 1, "1\u200b2": 2, "ab12cd345": 3} {
		if got := longestDigitRun(in); got != want {
			t.Errorf("longestDigitRun(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestScrubberHandler(t *testing.T) {
	const token = "123456:ABC-secret_token"
	var buf bytes.Buffer
	s := NewScrubber(token, "")
	log := slog.New(s.Handler(slog.NewJSONHandler(&buf, nil))).With("bot", "/bot"+token+"/getMe")
	err := fmt.Errorf("getUpdates: %w", errors.New("Cannot POST /bot123456%3AABC-secret_token/getUpdates; body held 0912 345 678"))
	log.Error("telegram: update failed "+token, "err", err, "body", []byte("call me 0912345678"), slog.Group("g", "url", "https://api/bot"+token))
	out := buf.String()
	for _, leak := range []string{"ABC-secret", "0912", "345 678"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line holds %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, SecretMask) || !strings.Contains(out, Mask) {
		t.Errorf("nothing masked: %s", out)
	}
	if got := s.Scrub("loa: connect to Telegram: Cannot POST /bot" + token + "/getMe"); strings.Contains(got, "secret") {
		t.Errorf("Scrub: %s", got)
	}
	if got := s.Scrub("admin 127.0.0.1:9090, caller 0912.345.678, stk 190.567.890.123"); got != "admin 127.0.0.1:9090, caller [số], stk [số]" {
		t.Errorf("Scrub keeps addresses and hides numbers: %s", got)
	}
}
