package bot

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"loa/knowledge"
	"loa/locales"
)

// feeNotes tell a fee that changes on 1 January 2027 (invented, for tests only).
const feeNotes = "## Lưu ý\n<!-- valid_until: 2026-12-31 -->\n\n- Lệ phí giảm 50%, còn 10.000 đồng [1].\n\n" +
	"## Lưu ý\n<!-- valid_from: 2027-01-01 -->\n\n- Lệ phí 20.000 đồng [1].\n"

// datedProcedure returns a vi.md; front adds front-matter lines.
func datedProcedure(title, keywords, front, notes string) string {
	return "---\ntitle: " + title + "\nsummary: Tóm tắt.\nkeywords: [" + keywords + "]\ncategory: civil-status\nwhere: Xã [1].\nfee: Xem lưu ý [1].\nduration: 1 ngày [1].\nlegal_basis: [Luật]\nsources: [\"https://example.gov.vn/a\"]\nupdated: 2026-11-22\n" + front + "---\n\n" +
		"## Giấy tờ cần mang\n\n- Tờ khai [1]\n\n## Các bước\n\n1. Nộp [1]\n\n" + notes
}

// datedCore is a core over dated content, its base and itself on one clock.
func datedCore(t *testing.T) (*Core, *clock, wordsOf) {
	t.Helper()
	fsys := fstest.MapFS{
		"categories.yaml":           {Data: []byte("- id: civil-status\n  title: {vi: Hộ tịch}\n")},
		"glossary.yaml":             {Data: []byte("[]")},
		"synonyms.yaml":             {Data: []byte("[]")},
		"intents.yaml":              {Data: []byte("emergency:\n  vi: [cháy nhà]\n")},
		"procedures/birth/vi.md":    {Data: []byte(datedProcedure("Khai sinh", "khai sinh, lam khai sinh, giay khai sinh", "", feeNotes))},
		"procedures/adoption/vi.md": {Data: []byte(datedProcedure("Nhận con nuôi theo luật mới", "nhan con nuoi, nhận con nuôi, con nuoi", "valid_from: 2027-03-01\n", "## Lưu ý\n\n- Hỏi xã.\n"))},
	}
	clk := &clock{t: time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC)}
	kb, problems, err := knowledge.Open(context.Background(), fsys, knowledge.WithClock(clk.now))
	if err != nil {
		t.Fatalf("%v: %v", err, problems)
	}
	t.Cleanup(func() { kb.Close() })
	cat, err := locales.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	return New(kb, WithClock(clk.now)), clk, wordsOf{Catalog: cat}
}

// Cards and sections show what is in force on the core's day; a procedure
// not yet in force is neither found, nor opened, nor listed.
func TestDatedContentByTheClock(t *testing.T) {
	c, clk, r := datedCore(t)
	vn := func(s string) time.Time {
		at, err := time.Parse("2006-01-02 15:04 -0700", s+" +0700")
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	tests := []struct {
		name     string
		at       time.Time
		fee      string // in the notes of "birth"
		adoption bool   // the new law's procedure is served
	}{
		{"the day before the fee changes", vn("2026-12-31 23:59"), "10.000 đồng", false},
		{"the day the fee changes", vn("2027-01-01 00:00"), "20.000 đồng", false},
		{"the day before the new law", vn("2027-02-28 12:00"), "20.000 đồng", false},
		{"the day the new law takes effect", vn("2027-03-01 07:00"), "20.000 đồng", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.t = tt.at
			notes := c.Section(&Session{}, "birth", PartNotes)
			if got := r.Render(notes[len(notes)-1]); !strings.Contains(got, tt.fee) {
				t.Errorf("notes say %q, want %q", got, tt.fee)
			}
			card := c.Card(&Session{}, "adoption")
			if served := card[len(card)-1].Kind == KindCard; served != tt.adoption {
				t.Errorf("adoption card served %v, want %v: %+v", served, tt.adoption, card)
			}
			_, answer := turn(t, c, r, &Session{}, "nhận con nuôi")
			if found := strings.Contains(answer, "Nhận con nuôi theo luật mới"); found != tt.adoption {
				t.Errorf("search found adoption %v, want %v: %s", found, tt.adoption, answer)
			}
			listed := r.Render(c.Category(&Session{}, "civil-status")[0])
			if got := strings.Contains(listed, "Nhận con nuôi"); got != tt.adoption {
				t.Errorf("category lists adoption %v, want %v: %s", got, tt.adoption, listed)
			}
		})
	}
}
