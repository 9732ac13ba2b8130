package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"loa/knowledge"
	"loa/llm"
	"loa/llm/llmtest"
)

// drafterFunc adapts a function to Drafter.
type drafterFunc func(question string, p *knowledge.Procedure) (string, error)

func (f drafterFunc) Draft(_ context.Context, q string, p *knowledge.Procedure, _ knowledge.Lang, _ func(string)) (string, error) {
	return f(q, p)
}

func TestDrafts(t *testing.T) {
	base, clk, r := newCore(t)
	kb := base.kb
	const followUp = "con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?"
	tests := []struct {
		name     string
		reply    string
		err      error
		first    string // a question before, to have a card as context
		ask      string
		want     []Kind // the kinds, the notice-free tail
		contains string
		never    string
	}{
		{"follow-up drafted", "Bạn vẫn đăng ký được. Hãy hỏi cán bộ tư pháp ở UBND xã.", nil, "lam giay khai sinh cho con", followUp, []Kind{KindDraft}, "vẫn đăng ký được", ""},
		{"invented fee cut, card follows", "Bạn vẫn đăng ký được. Lệ phí là 75.000 đồng. Gọi 0912345678.", nil, "lam giay khai sinh cho con", followUp, []Kind{KindDraft, KindCard}, "vẫn đăng ký được", "75.000"},
		{"failure falls back to the card", "", errors.New("model server error 500"), "lam giay khai sinh cho con", followUp, []Kind{KindCard}, "Đăng ký khai sinh", ""},
		{"standard follow-up stays instant", "SHOULD NOT BE ASKED", nil, "lam giay khai sinh cho con", "bao nhiêu tiền?", []Kind{KindSection}, "Lệ phí", "SHOULD NOT"},
		{"plain question gets the card only", "SHOULD NOT BE ASKED", nil, "", "lam giay khai sinh cho con", []Kind{KindCard}, "Đăng ký khai sinh", "SHOULD NOT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := 0
			c := New(kb, WithClock(clk.now), WithDrafter(drafterFunc(func(string, *knowledge.Procedure) (string, error) {
				asked++
				return tt.reply, tt.err
			})))
			s := &Session{}
			if tt.first != "" {
				turn(t, c, r, s, tt.first)
				asked = 0
			}
			kinds, text := turn(t, c, r, s, tt.ask)
			var tail []Kind
			for _, k := range kinds {
				if k != KindNotice && k != KindOffer {
					tail = append(tail, k)
				}
			}
			if len(tail) != len(tt.want) || strings.Contains(text, tt.never) && tt.never != "" || !strings.Contains(text, tt.contains) {
				t.Errorf("got %v, want %v:\n%s", tail, tt.want, text)
			}
			for i := range min(len(tail), len(tt.want)) {
				if tail[i] != tt.want[i] {
					t.Errorf("reply %d: %v, want %v", i, tail[i], tt.want[i])
				}
			}
			if strings.Contains(tt.reply, "SHOULD NOT") && asked > 0 {
				t.Error("the model was asked a question the card answers")
			}
		})
	}
}

// The same through the real client and a fake model server: an outage is
// answered by the card within the first-token limit.
func TestDraftsOverTheClient(t *testing.T) {
	base, clk, r := newCore(t)
	fake := llmtest.New(t, func(llmtest.Request) string { return "Bạn vẫn đăng ký được ở UBND xã." })
	client := llm.New(llm.Config{BaseURL: fake.URL, Model: "fake-model", FirstToken: 300 * time.Millisecond, MaxTokens: 200}, nil)
	c := New(base.kb, WithClock(clk.now), WithDrafter(client))
	s := &Session{}
	turn(t, c, r, s, "lam giay khai sinh cho con")
	if kinds, text := turn(t, c, r, s, "con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?"); kinds[len(kinds)-1] != KindDraft || !strings.Contains(text, "vẫn đăng ký được") || !strings.Contains(text, "máy soạn") {
		t.Errorf("drafted answer: %v\n%s", kinds, text)
	}
	fake.Fail(llmtest.Fault{FirstToken: 5 * time.Second})
	start := time.Now()
	kinds, _ := turn(t, c, r, s, "vợ tôi đẻ ở nhà trên bản, không có giấy chứng sinh, giờ phải làm gì?")
	if kinds[len(kinds)-1] != KindCard {
		t.Errorf("outage: %v, want the card", kinds)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("outage answered after %v", d) // a hang guard; the limit is 300 ms
	}
}

func TestDraftReplyForAVolunteer(t *testing.T) {
	base, clk, _ := newCore(t)
	if _, _, err := base.DraftReply(t.Context(), "hỏi", "birth-registration", knowledge.Vietnamese); !errors.Is(err, ErrNoDrafter) {
		t.Errorf("without a drafter: %v", err)
	}
	c := New(base.kb, WithClock(clk.now), WithDrafter(drafterFunc(func(string, *knowledge.Procedure) (string, error) {
		return "Anh chị vẫn đăng ký được ở UBND xã. Lệ phí 45.000 đồng.", nil
	})))
	text, cut, err := c.DraftReply(t.Context(), "sinh ở nhà thì sao", "birth-registration", knowledge.Hmong)
	if err != nil || !cut || strings.Contains(text, "45.000") || !strings.Contains(text, "UBND xã") {
		t.Errorf("%q cut=%v %v", text, cut, err)
	}
	if _, _, err := c.DraftReply(t.Context(), "x", "no-such", knowledge.Vietnamese); err == nil {
		t.Error("an unknown procedure drafted")
	}
}

// An unsure search is tried again with the model's rewrite of the
// question; the answer is the content's card, never the model's words.
func TestRewriteForAWeakSearch(t *testing.T) {
	base, clk, r := newCore(t)
	const vague = "thằng cu nhà em mới ra đời tuần trước, giờ phải lo cái gì cho nó"
	if kinds, _ := turn(t, base, r, &Session{}, vague); kinds[len(kinds)-1] == KindCard {
		t.Skip("the search is already sure of this question; the test needs an unsure one")
	}
	fake := llmtest.New(t, func(req llmtest.Request) string {
		if strings.Contains(req.Messages[0].Content, "Rewrite") {
			return "đăng ký khai sinh cho con mới sinh"
		}
		return "Không liên quan."
	})
	c := New(base.kb, WithClock(clk.now), WithDrafter(llm.New(llm.Config{BaseURL: fake.URL, Model: "fake-model", FirstToken: time.Second, MaxTokens: 50}, nil)))
	kinds, text := turn(t, c, r, &Session{}, vague)
	if kinds[len(kinds)-1] != KindCard || !strings.Contains(text, "Đăng ký khai sinh") || strings.Contains(text, "đăng ký khai sinh cho con mới sinh") {
		t.Errorf("after the rewrite: %v\n%s", kinds, text)
	}
}

// streamer is a drafter that writes its answer a few words at a time.
type streamer string

func (s streamer) Draft(_ context.Context, _ string, _ *knowledge.Procedure, _ knowledge.Lang, onText func(string)) (string, error) {
	words := strings.Fields(string(s))
	for i := range words {
		if onText != nil {
			onText(strings.Join(words[:i+1], " "))
		}
	}
	return string(s), nil
}

// The preview shows whole sentences the guard let through, as they come,
// and nothing from the first invented fact on.
func TestPreviewShowsOnlyCheckedSentences(t *testing.T) {
	base, clk, r := newCore(t)
	c := New(base.kb, WithClock(clk.now), WithDrafter(streamer("Bạn vẫn đăng ký được ở UBND xã. Lệ phí là 30.000 đồng. Mang theo người làm chứng.")))
	s := &Session{}
	turn(t, c, r, s, "lam giay khai sinh cho con")
	var previews []string
	replies, err := c.Turn(t.Context(), s, Input{Text: "con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?", Preview: func(p string) { previews = append(previews, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(previews) != 1 || previews[0] != "Bạn vẫn đăng ký được ở UBND xã." {
		t.Errorf("previews %q", previews)
	}
	for _, p := range previews {
		if strings.Contains(p, "30.000") || strings.Contains(p, "Lệ phí là 3") {
			t.Errorf("a preview showed an unchecked fact: %q", p)
		}
	}
	if last := replies[len(replies)-1]; last.Kind != KindCard {
		t.Errorf("after a cut the card follows: %v", last.Kind)
	}
}
