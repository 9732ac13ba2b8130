package privacy

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
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
		{"đất giá 500.000.000 đồng", "đất giá 500.000.000 đồng"},
		{"20,000,000 đồng", "20,000,000 đồng"},
		{"sinh ngày 22-11-2026", "sinh ngày 22-11-2026"},
		{"cmnd 123 456 789", "cmnd [số]"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if HasPersonalNumber(tt.in) != (tt.in != tt.want) {
			t.Errorf("HasPersonalNumber(%q) disagrees with Redact", tt.in)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("cccd 001203004567 sdt 0912 345 678")
	f.Add("+84-9-1-2-3-4-5-6-7-8")
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if Contains(out) {
			t.Fatalf("Redact(%q) = %q still holds a personal number", s, out)
		}
		if !HasPersonalNumber(s) && out != s {
			t.Fatalf("Redact changed %q with no personal number: %q", s, out)
		}
		if strings.Count(out, Mask) > len(s) {
			t.Fatal("more masks than input")
		}
	})
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
}
