package knowledge

import (
	"strings"
	"sync"
	"testing"

	"loa/content"
)

var shippedContent = sync.OnceValue(func() *Content {
	c, _ := Load(content.FS())
	return c
})

func TestGuard(t *testing.T) {
	p := shippedContent().Procedure("birth-registration")
	if p == nil {
		t.Fatal("no birth-registration")
	}
	vi := p.Texts[Vietnamese]
	fee := digitRuns(vi.Deadline) // the 60 of "60 ngày"
	if len(fee) == 0 {
		t.Fatalf("the deadline has no number: %q", vi.Deadline)
	}
	tests := []struct {
		name, draft string
		cut         bool
		reason      string
	}{
		{"faithful", "Bạn mang tờ khai đến UBND xã. Hạn là trong " + fee[0] + " ngày.", false, ""},
		{"faithful, spelt without accents", "Han la " + fee[0] + " ngay.", false, ""},
		{"invented fee", "Bạn nộp hồ sơ ở xã. Lệ phí là 75.000 đồng. Sau đó chờ.", true, "75000 dong"},
		{"free as zero", "Lệ phí là 0 đồng cho mọi trường hợp. Sau đó chờ.", true, "0 dong"},
		{"a known number with another unit", "Hạn là " + fee[0] + " năm. Sau đó chờ.", true, fee[0] + " nam"},
		{"invented phone", "Gọi 0912 345 678 để hỏi thêm.", true, "0912345678"},
		{"invented form code", "Điền mẫu TK-2231 rồi nộp.", true, "2231"},
		{"invented decree", "Theo Nghị định 999/2024/NĐ-CP thì được.", true, "999"},
		{"invented office", "Bạn lên Tòa án nhân dân để làm.", true, "tòa án"},
		{"invented site", "Vào trang khaisinh-nhanh.com mà làm.", true, "khaisinh-nhanh.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := p.Guard(tt.draft)
			if r.Cut != tt.cut || tt.reason != "" && r.Reason != tt.reason {
				t.Fatalf("Guard(%q) = %+v, want cut %v (%s)", tt.draft, r, tt.cut, tt.reason)
			}
			if r.Cut && strings.Contains(r.Kept, "Sau đó") {
				t.Errorf("the text after a cut sentence was kept: %q", r.Kept)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	got := Sentences("Lệ phí 30.000 đồng. Nộp ở dichvucong.gov.vn nhé!\nXong? Hết")
	want := []string{"Lệ phí 30.000 đồng.", "Nộp ở dichvucong.gov.vn nhé!", "Xong?", "Hết"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Sentences = %q", got)
	}
}

// BenchmarkGuard: the guard on a 500-token draft, the cost it adds to an
// LLM answer.
func BenchmarkGuard(b *testing.B) {
	p := shippedContent().Procedure("birth-registration")
	draft := strings.Repeat("Bạn mang tờ khai và giấy chứng sinh đến UBND xã, hoặc làm trên VNeID. ", 25)
	b.ResetTimer()
	for b.Loop() {
		p.Guard(draft)
	}
}
