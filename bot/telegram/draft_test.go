package telegram

import (
	"github.com/go-telegram/bot/models"

	"fmt"
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
	"loa/llm"
	"loa/llm/llmtest"
)

// End to end: a follow-up drafted by the model, previewed in the private
// chat while written and sent whole after; an invented fee and phone
// number never reach the user; an outage is answered by the card.
func TestDraftedFollowUpOverTelegram(t *testing.T) {
	model := llmtest.New(t, func(llmtest.Request) string {
		return "Bạn vẫn đăng ký khai sinh được ở UBND xã. Cán bộ tư pháp sẽ hướng dẫn. Lệ phí là 45.000 đồng, gọi 0912 345 678."
	})
	client := llm.New(llm.Config{BaseURL: model.URL, Model: "fake-model", FirstToken: 500 * time.Millisecond, MaxTokens: 200}, nil)
	h := run(t, newHarnessWith(t, nil, content.FS(), Config{}, bot.WithDrafter(client)))
	h.fake.Push(telegramtest.Text(88, "lam giay khai sinh cho con"))
	h.expect(t, 1)
	h.fake.Push(telegramtest.Text(88, "con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?"))
	calls := h.expect(t, 3) // the draft, then the card (the guard cut a sentence)
	drafted := calls[1].Params["text"]
	if !strings.Contains(drafted, "vẫn đăng ký khai sinh được") || !strings.Contains(drafted, "máy soạn") {
		t.Errorf("drafted reply: %q", drafted)
	}
	previews, err := h.fake.WaitCalls("sendMessageDraft", 1, 5*time.Second)
	if err != nil {
		t.Fatal("no preview while the draft was written")
	}
	for _, c := range append(previews, calls...) {
		if strings.Contains(c.Params["text"], "45.000") || strings.Contains(c.Params["text"], "0912") {
			t.Errorf("an invented fact reached the user: %q", c.Params["text"])
		}
	}
	model.Fail(llmtest.Fault{FirstToken: 10 * time.Second})
	h.fake.Push(telegramtest.Text(88, "vợ tôi đẻ ở nhà trên bản, không có giấy chứng sinh, giờ phải làm gì?"))
	if !strings.Contains(lastText(h.expect(t, 4)), "Đăng ký khai sinh") {
		t.Error("the outage was not answered by the card")
	}
}

// In a group the draft streams into a message that is edited, and the
// final text replaces it rather than coming as another message.
func TestDraftStreamsByEditingInGroups(t *testing.T) {
	model := llmtest.New(t, func(llmtest.Request) string {
		return "Bạn vẫn đăng ký khai sinh được ở UBND xã. Cán bộ tư pháp sẽ hướng dẫn thêm cho bạn."
	})
	client := llm.New(llm.Config{BaseURL: model.URL, Model: "fake-model", FirstToken: 500 * time.Millisecond, MaxTokens: 200}, nil)
	h := run(t, newHarnessWith(t, nil, content.FS(), Config{}, bot.WithDrafter(client)))
	ask := func(text string) {
		h.fake.Push(telegramtest.GroupText(-900, 77, "/ask "+text, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 4}))
	}
	ask("lam giay khai sinh cho con")
	h.expect(t, 1)
	ask("con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?")
	calls := h.expect(t, 2) // the preview, sent as a message
	if !strings.Contains(calls[1].Params["text"], "vẫn đăng ký khai sinh được") {
		t.Errorf("preview: %q", calls[1].Params["text"])
	}
	edits, err := h.fake.WaitCalls("editMessageText", 1, 5*time.Second)
	if err != nil {
		t.Fatal("the streamed message was never edited")
	}
	final := edits[len(edits)-1].Params
	if final["message_id"] != "2" || !strings.Contains(final["text"], "máy soạn") {
		t.Errorf("final edit %v", final)
	}
	if _, err := h.fake.WaitCalls("sendMessageDraft", 1, 100*time.Millisecond); err == nil {
		t.Error("a draft preview was sent to a group")
	}
	if n := len(h.fake.Calls("sendMessage")); n != 2 {
		t.Errorf("%d messages sent, want the card and the streamed one", n)
	}
}

// Over Telegram too: a second user's same question costs no call, no
// personal number reaches the model, and after 5 failures the model is
// not asked (the card answers at once).
func TestDraftCacheRedactionAndBreakerOverTelegram(t *testing.T) {
	model := llmtest.New(t, func(llmtest.Request) string { return "Bạn vẫn đăng ký khai sinh được ở UBND xã." })
	client := llm.New(llm.Config{BaseURL: model.URL, Model: "fake-model", FirstToken: 500 * time.Millisecond, MaxTokens: 200}, nil)
	h := run(t, newHarnessWith(t, nil, content.FS(), Config{}, bot.WithDrafter(client)))
	const q = "con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao? sdt 0912 345 678"
	for _, user := range []int64{101, 102} {
		h.fake.Push(telegramtest.Text(user, "lam giay khai sinh cho con"))
		h.fake.Push(telegramtest.Text(user, q))
	}
	h.expect(t, 4) // per user: the card, then the warning with the draft
	if got := len(model.Requests()); got != 1 {
		t.Errorf("two users asking the same thing cost %d calls, want 1", got)
	}
	for _, r := range model.Requests() {
		for _, m := range r.Messages {
			if strings.Contains(m.Content, "0912") || strings.Contains(m.Content, "345 678") {
				t.Errorf("the model received a phone number: %q", m.Content)
			}
		}
	}
	for range 5 {
		model.Fail(llmtest.Fault{Status: 503})
	}
	for i := range 6 {
		h.fake.Push(telegramtest.Text(200, "lam giay khai sinh cho con"))
		h.fake.Push(telegramtest.Text(200, fmt.Sprintf("lần %d: con tôi sinh ở nhà trên bản, không có giấy chứng sinh của trạm y tế thì sao?", i)))
	}
	h.expect(t, 4+12)
	if got := len(model.Requests()); got != 1+5 {
		t.Errorf("the model was asked %d times after 5 failures, want no sixth", got-1)
	}
}
