package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/content"
)

// datedExample is a procedure whose notes change on 1 January 2027, for
// these tests only (an invented fee).
const datedExample = `---
title: Thủ tục thử có lệ phí đổi ngày
summary: Một thủ tục chỉ để thử.
keywords: [thu tuc thu, thủ tục thử, le phi doi ngay]
category: civil-status
where: UBND xã [1].
fee: Xem phần lưu ý [1].
duration: 1 ngày [1].
legal_basis: [Luật thử]
sources: ["https://example.gov.vn/le-phi"]
updated: 2026-12-01
---

## Giấy tờ cần mang

- Tờ khai [1]

## Các bước

1. Nộp ở xã [1].

## Lưu ý
<!-- valid_until: 2026-12-31 -->

- Đến hết 31/12/2026 lệ phí giảm 50%, còn 10.000 đồng [1].

## Lưu ý
<!-- valid_from: 2027-01-01 -->

- Từ 1/1/2027 lệ phí 20.000 đồng [1].
`

// contentWith copies the built-in content into a folder and adds files.
func contentWith(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, content.FS()); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The check judges dated content by --date: an expired version is a
// warning from the day after its valid_until, which --strict fails on;
// broken dates are errors whatever the day.
func TestContentCheckDates(t *testing.T) {
	good := contentWith(t, map[string]string{"procedures/dated-example/vi.md": datedExample})
	broken := contentWith(t, map[string]string{"procedures/dated-example/vi.md": strings.Replace(datedExample, "valid_from: 2027-01-01", "valid_from: 2026-12-31", 1)})
	const expired = `procedures/dated-example/vi.md:23: warning: expired: section "Lưu ý" (until 2026-12-31) has not been served since 2027-01-01`
	tests := []struct {
		name    string
		args    []string
		code    int
		want    string // in stdout, or stderr for a usage error
		notWant string
	}{
		{"its last day, strict", []string{"--content", good, "--strict", "--date", "2026-12-31"}, exitOK, "0 error(s), 0 warning(s)", "expired"},
		{"the day after, strict", []string{"--content", good, "--strict", "--date", "2027-01-01"}, exitFailure, expired, ""},
		{"the day after, not strict", []string{"--content", good, "--date", "2027-01-01"}, exitOK, "0 error(s), 1 warning(s)", ""},
		{"overlapping versions", []string{"--content", broken, "--date", "2026-12-01"}, exitFailure, `procedures/dated-example/vi.md:27: error: section "Lưu ý" (from 2026-12-31) overlaps its version on line 22 (until 2026-12-31)`, ""},
		{"a date not written as the content writes dates", []string{"--content", good, "--date", "1/1/2027"}, exitUsage, "--date \"1/1/2027\": write it as YYYY-MM-DD", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runLoa(t, "", append([]string{"content", "check"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d:\n%s%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, out, errOut)
			}
			if tt.notWant != "" && strings.Contains(out, tt.notWant) {
				t.Errorf("output has %q:\n%s", tt.notWant, out)
			}
		})
	}
}
