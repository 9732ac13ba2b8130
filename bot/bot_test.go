package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"loa/content"
	"loa/knowledge"
	"loa/locales"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// shippedBase is the built-in content, indexed once for the package's
// tests: a search leaves the base as it was.
var shippedBase = sync.OnceValues(func() (*knowledge.Base, error) {
	kb, _, err := knowledge.Open(context.Background(), content.FS())
	return kb, err
})

func newCore(t *testing.T) (*Core, *clock, wordsOf) {
	t.Helper()
	kb, err := shippedBase()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	return New(kb, WithClock(clk.now), WithContextTTL(10*time.Minute)), clk, wordsOf{Catalog: cat}
}

// turn runs one message and returns the replies' kinds and rendered text.
func turn(t *testing.T, c *Core, r wordsOf, s *Session, text string) ([]Kind, string) {
	t.Helper()
	replies, err := c.Turn(context.Background(), s, Input{Text: text})
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	var kinds []Kind
	var out []string
	for _, rep := range replies {
		kinds = append(kinds, rep.Kind)
		out = append(out, r.Render(rep))
	}
	return kinds, strings.Join(out, "\n")
}

func TestConversation(t *testing.T) {
	c, clk, r := newCore(t)
	s := &Session{}
	steps := []struct {
		say      string
		advance  time.Duration
		wantKind Kind
		contains string
	}{
		{say: "lam giay khai sinh cho con", wantKind: KindCard, contains: "Đăng ký khai sinh"},
		{say: "bao nhiêu tiền?", wantKind: KindSection, contains: "Lệ phí"},
		{say: "can giay to gi", wantKind: KindSection, contains: "Giấy chứng sinh"},
		{say: "ở đâu?", wantKind: KindSection, contains: "UBND xã"},
		{say: "mất bao lâu", wantKind: KindSection, contains: "ngày làm việc"},
		{say: "đăng ký kết hôn cần gì", wantKind: KindCard, contains: "kết hôn"},                       // a new topic wins over the follow-up
		{say: "bao nhieu tien", advance: time.Hour, wantKind: KindText, contains: "chưa có thông tin"}, // context expired
	}
	for _, st := range steps {
		clk.t = clk.t.Add(st.advance)
		kinds, text := turn(t, c, r, s, st.say)
		if len(kinds) == 0 || kinds[len(kinds)-1] != st.wantKind {
			t.Errorf("%q: kinds %v, want last %v\n%s", st.say, kinds, st.wantKind, text)
		}
		if !strings.Contains(text, st.contains) {
			t.Errorf("%q: reply lacks %q:\n%s", st.say, st.contains, text)
		}
		if strings.Contains(text, "[1]") {
			t.Errorf("%q: source markers shown to a citizen:\n%s", st.say, text)
		}
	}
}

func TestChoicesByNumber(t *testing.T) {
	c, _, r := newCore(t)
	s := &Session{}
	kinds, text := turn(t, c, r, s, "bao hiem")
	if kinds[0] != KindChoices || len(s.Choices) < 2 {
		t.Fatalf("want choices, got %v:\n%s", kinds, text)
	}
	second := s.Choices[1]
	kinds, text = turn(t, c, r, s, "2")
	if kinds[len(kinds)-1] != KindCard || s.Last != second {
		t.Fatalf("typing 2 should open %s, got %v:\n%s", second, kinds, text)
	}
	if _, text = turn(t, c, r, s, "9"); strings.Contains(text, "==") {
		t.Errorf("a number with no choice opened a card:\n%s", text)
	}
}

func TestPoliteAnswersToOddInput(t *testing.T) {
	c, _, r := newCore(t)
	for _, in := range []string{"", "   ", strings.Repeat("a", MaxInputRunes+1), "\xff\xfe", "giá lúa hôm nay", "xin chào"} {
		kinds, text := turn(t, c, r, &Session{}, in)
		if len(kinds) == 0 || strings.TrimSpace(text) == "" {
			t.Errorf("%.20q: no answer", in)
		}
		if kinds[0] == KindCard {
			t.Errorf("%.20q: answered with a card:\n%s", in, text)
		}
	}
}

func TestLanguageFallbackNotice(t *testing.T) {
	c, _, r := newCore(t)
	s := &Session{}
	c.SetLang(s, knowledge.Tay)
	kinds, text := turn(t, c, r, s, "lam giay khai sinh cho con")
	if len(kinds) < 2 || kinds[0] != KindNotice || kinds[1] != KindCard {
		t.Fatalf("want a notice then the card, got %v:\n%s", kinds, text)
	}
	if !strings.Contains(text, "Tày") || !strings.Contains(text, "Đăng ký khai sinh") {
		t.Errorf("notice should name the language and the Vietnamese card follow:\n%s", text)
	}
}

func TestFollowUpPhrases(t *testing.T) {
	c, _, _ := newCore(t)
	tests := map[string]Part{
		"pes tsawg nyiaj?": PartFee,
		"mus qhov twg":     PartWhere,
		"bao nhiêu tiền?":  PartFee,
		"có mất phí không": PartFee,
		"cần giấy tờ gì?":  PartDocuments,
		"nop o dau":        PartWhere,
		"mất mấy ngày":     PartDuration,
		"các bước":         PartSteps,
		"lưu ý gì":         PartNotes,
	}
	s := &Session{Last: "birth-registration", LastAt: time.Now()}
	for in, want := range tests {
		if got, ok, err := c.followUp(t.Context(), s, in, knowledge.Result{}); !ok || got != want || err != nil {
			t.Errorf("followUp(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok, _ := c.followUp(t.Context(), s, "lam can cuoc cho con", knowledge.Result{}); ok {
		t.Error("a new question taken as a follow-up")
	}
}

// A citizen who cannot type reaches every procedure by menu alone.
func TestMenuReachesEveryProcedure(t *testing.T) {
	c, _, r := newCore(t)
	s := &Session{}
	menu := c.Menu(s)[0]
	reached := map[string]bool{}
	for _, cat := range menu.Categories {
		listing := c.Category(s, cat.ID)[0]
		if !strings.Contains(r.Render(listing), cat.TitleIn(s.Lang)) {
			t.Errorf("category %s listing lacks its title", cat.ID)
		}
		for i, p := range listing.Procedures {
			reached[p.ID] = true
			if i == 0 {
				kinds, _ := turn(t, c, r, s, "1")
				if kinds[len(kinds)-1] != KindCard || s.Last != p.ID {
					t.Errorf("category %s: typing 1 did not open %s", cat.ID, p.ID)
				}
				c.Category(s, cat.ID)
			}
		}
	}
	for _, p := range c.kb.Content().Procedures {
		if !reached[p.ID] {
			t.Errorf("procedure %s is in no menu category", p.ID)
		}
	}
}

// A machine translation is shown with a notice saying it is unchecked, and a
// stale one with a notice that it may be out of date.
func TestTranslationStatusNotices(t *testing.T) {
	vi := "---\ntitle: Khai sinh\nsummary: Tóm tắt.\nkeywords: [khai sinh, lam khai sinh, giay khai sinh]\ncategory: civil-status\nwhere: Xã [1].\nfee: Miễn phí [1].\nduration: 1 ngày [1].\nlegal_basis: [Luật]\nsources: [\"https://example.gov.vn/a\"]\nupdated: 2026-11-22\n---\n\n## Giấy tờ cần mang\n\n- Tờ khai [1]\n\n## Các bước\n\n1. Nộp [1]\n\n## Lưu ý\n\n- Hỏi xã\n"
	tr := func(digest string) string {
		return "---\ntitle: Sau npe\nsummary: Ib kab.\nstatus: machine\nsource_digest: " + digest + "\nupdated: 2026-11-22\n---\n\n## Giấy tờ cần mang\n\n- Ntawv\n\n## Các bước\n\n1. Mus\n\n## Lưu ý\n\n- Nug\n"
	}
	fsys := fstest.MapFS{
		"categories.yaml":         {Data: []byte("- id: civil-status\n  title: {vi: Hộ tịch}\n")},
		"glossary.yaml":           {Data: []byte("[]")},
		"synonyms.yaml":           {Data: []byte("[]")},
		"intents.yaml":            {Data: []byte("emergency:\n  vi: [cháy nhà]\n")},
		"procedures/birth/vi.md":  {Data: []byte(vi)},
		"procedures/birth/hmn.md": {Data: []byte(tr(knowledge.Digest([]byte(vi))))},
		"procedures/birth/tay.md": {Data: []byte(tr("0000000000000000"))},
	}
	kb, _, err := knowledge.Open(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	c := New(kb)
	for lang, want := range map[knowledge.Lang]string{knowledge.Hmong: "notice.machine", knowledge.Tay: "notice.stale"} {
		replies := c.Card(&Session{Lang: lang}, "birth")
		if len(replies) != 2 || replies[0].Kind != KindNotice || replies[0].Message != want || replies[1].Lang != lang {
			t.Errorf("%s: replies %+v, want %s then the card in %s", lang, replies, want, lang)
		}
	}
}

// A button pressed before any language was chosen answers in Vietnamese,
// with no notice about a missing translation into "no language".
func TestButtonsWithoutLanguage(t *testing.T) {
	c, _, r := newCore(t)
	for name, replies := range map[string][]Reply{
		"card":     c.Card(&Session{}, "birth-registration"),
		"section":  c.Section(&Session{}, "birth-registration", PartFee),
		"menu":     c.Menu(&Session{}),
		"category": c.Category(&Session{}, "civil-status"),
	} {
		for _, rep := range replies {
			if rep.Kind == KindNotice || rep.Lang != knowledge.Vietnamese {
				t.Errorf("%s: %v %q: %s", name, rep.Kind, rep.Lang, r.Render(rep))
			}
		}
	}
}

func TestMemoryStoreOneVotePerVoter(t *testing.T) {
	m := NewMemoryStore()
	for i := range 5 {
		m.AddFeedback(t.Context(), Feedback{Procedure: "id-card", Helpful: i == 4, Voter: VoterKey(Address{Channel: "telegram", User: "1"})})
	}
	if len(m.Feedback) != 1 || !m.Feedback[0].Helpful {
		t.Errorf("feedback %+v", m.Feedback)
	}
	if VoterKey(Address{Channel: "telegram", User: "1"}) == VoterKey(Address{Channel: "telegram", User: "2"}) || strings.Contains(VoterKey(Address{Channel: "telegram", User: "123456"}), "123456") {
		t.Error("voter keys collide or show the id")
	}
}
