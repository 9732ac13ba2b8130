package telegram

import (
	"context"
	"loa/bot"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"loa/bot/telegramtest"
	"loa/knowledge"
	"loa/review"
)

const reviewVI = `---
title: Khai sinh
summary: Đăng ký cho trẻ trong 60 ngày.
keywords: [khai sinh, lam khai sinh, giay khai sinh]
category: civil-status
where: UBND xã [1].
fee: 30.000 đồng [1].
duration: 1 ngày [1].
legal_basis: [Luật]
sources: ["https://example.gov.vn/a"]
updated: 2026-11-22
---

## Giấy tờ cần mang

- Tờ khai [1]

## Các bước

1. Nộp ở xã [1]

## Lưu ý

- Hỏi cán bộ xã.
`

func reviewContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	hmn := "---\ntitle: Sau npe menyuam\nsummary: Sau npe hauv 60 hnub.\nwhere: UBND xã [1].\nfee: 30.000 nyiaj [1].\nduration: 1 hnub [1].\nupdated: 2026-11-22\nstatus: machine\nsource_digest: " +
		knowledge.Digest([]byte(reviewVI)) + "\n---\n\n## Giấy tờ cần mang\n\n- Ntawv [1]\n\n## Các bước\n\n1. Mus rau xã [1]\n\n## Lưu ý\n\n- Nug.\n"
	for name, data := range map[string]string{
		"categories.yaml":         "- id: civil-status\n  title: {vi: Hộ tịch}\n",
		"glossary.yaml":           "[]\n",
		"synonyms.yaml":           "[]\n",
		"intents.yaml":            "emergency:\n  vi: [cháy nhà]\n",
		"procedures/birth/vi.md":  reviewVI,
		"procedures/birth/hmn.md": hmn,
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The review loop end to end: a volunteer approves, corrects and skips over
// Telegram, and applying the decisions rewrites the content file.
func TestReviewLoop(t *testing.T) {
	dir := reviewContent(t)
	decisions := &review.MemoryStore{}
	const reviewer, stranger = 300, 301
	h := run(t, newHarnessWith(t, nil, os.DirFS(dir), Config{Talk: bot.ConversationConfig{Reviewers: review.Reviewers{"telegram:300": {knowledge.Hmong}}, Reviews: decisions}}))

	h.fake.Push(telegramtest.Text(stranger, "/review"))
	if !strings.Contains(lastText(h.expect(t, 1)), "chưa có trong danh sách") {
		t.Error("a non-reviewer got review items")
	}
	h.fake.Push(telegramtest.Text(reviewer, "/review"))
	item := lastText(h.expect(t, 2))
	if !strings.Contains(item, "Khai sinh") || !strings.Contains(item, "Sau npe menyuam") || !strings.Contains(item, "0/8") {
		t.Fatalf("first item should show the Vietnamese beside the H'Mông, with progress:\n%s", item)
	}
	h.fake.Push(telegramtest.Callback(reviewer, "ra:hmn:birth:title"))
	if !strings.Contains(lastText(h.expect(t, 3)), "1/8") {
		t.Error("approval did not advance the progress")
	}
	h.fake.Push(telegramtest.Callback(reviewer, "rs:hmn:birth:summary"))
	where := h.expect(t, 4)[3]
	if !strings.Contains(where.Params["text"], "UBND xã") {
		t.Error("skip did not move to the next item (where)")
	}
	// A reply carries the message replied to, its buttons included, as
	// Telegram sends it.
	correction := telegramtest.Text(reviewer, "Mus rau UBND xã [1].")
	correction.Message.ReplyToMessage = botMessage(t, h, where)
	h.fake.Push(correction)
	calls := h.expect(t, 6)
	if !strings.Contains(calls[4].Params["text"], "Đã lưu") {
		t.Errorf("correction not acknowledged: %q", calls[4].Params["text"])
	}
	h.stop()

	ds, _ := decisions.Decisions(context.Background())
	if len(ds) != 3 || ds[0].Action != review.Approve || ds[1].Action != review.Skip || ds[2].Action != review.Correct || ds[2].Field != "where" {
		t.Fatalf("decisions %+v", ds)
	}
	rep, err := review.Apply(dir, ds)
	if err != nil || rep.Applied != 1 {
		t.Fatalf("apply: %+v %v", rep, err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "procedures/birth/hmn.md"))
	if !strings.Contains(string(data), "where: Mus rau UBND xã [1].") || !strings.Contains(string(data), "status: machine") {
		t.Errorf("file after apply:\n%s", data)
	}
}

// A reviewer of a language with no translation yet is asked to write it.
func TestReviewWritesMissingTranslation(t *testing.T) {
	dir := reviewContent(t)
	h := run(t, newHarnessWith(t, nil, os.DirFS(dir), Config{Talk: bot.ConversationConfig{Reviewers: review.Reviewers{"telegram:400": {knowledge.Tay}}, Reviews: &review.MemoryStore{}}}))
	h.fake.Push(telegramtest.Text(400, "/review"))
	call := h.expect(t, 1)[0]
	var kb models.InlineKeyboardMarkup
	if err := call.Decode("reply_markup", &kb); err != nil || len(kb.InlineKeyboard[0]) != 1 || kb.InlineKeyboard[0][0].Text != "⏭" {
		t.Errorf("nothing to approve, so only skip: %v %+v", err, kb)
	}
	if !strings.Contains(call.Params["text"], "bản dịch của bạn") {
		t.Errorf("no invitation to write the translation: %q", call.Params["text"])
	}
}

// Only a reply to the item's own message is a correction, and only a
// button naming the item shown records a decision: a reviewer's question in
// reply to another message is answered as a question, and a button of an
// older item, another language or an unknown field records nothing.
func TestReviewDecisionsBindToTheItemShown(t *testing.T) {
	dir := reviewContent(t)
	decisions := &review.MemoryStore{}
	const reviewer = 500
	h := run(t, newHarnessWith(t, nil, os.DirFS(dir), Config{Talk: bot.ConversationConfig{Reviewers: review.Reviewers{"telegram:500": {knowledge.Hmong, knowledge.Tay}}, Reviews: decisions}}))
	h.fake.Push(telegramtest.Text(reviewer, "/review hmn")) // message 1: the title item
	h.expect(t, 1)
	h.fake.Push(telegramtest.Text(reviewer, "lam giay khai sinh")) // message 2: a card
	h.expect(t, 2)

	question := telegramtest.Text(reviewer, "cái này mất bao lâu?")
	question.Message.ReplyToMessage = botMessage(t, h, h.fake.Calls("sendMessage")[1])
	h.fake.Push(question)
	if got := lastText(h.expect(t, 3)); strings.Contains(got, "Đã lưu") {
		t.Errorf("a reply to the card was saved as a correction: %q", got)
	}
	for _, data := range []string{
		"ra:tay:birth:title",    // another of their languages, not the item shown
		"ra:hmn:birth:summary",  // not the item shown
		"ra:hmn:birth:nonsense", // no such field
		"ra:dao:birth:title",    // not their language
		"ra:birth:title",        // a button of an older Loa
		"ra:hmn:missing:title",  // no such procedure
	} {
		h.fake.Push(telegramtest.Callback(reviewer, data))
	}
	h.expect(t, 9)
	if ds, _ := decisions.Decisions(context.Background()); len(ds) != 0 {
		t.Fatalf("decisions recorded from buttons that were not the item shown: %+v", ds)
	}
	h.fake.Push(telegramtest.Callback(reviewer, "ra:hmn:birth:title"))
	h.expect(t, 10)
	h.stop()
	ds, _ := decisions.Decisions(context.Background())
	if len(ds) != 1 || ds[0].Lang != knowledge.Hmong || ds[0].Field != "title" || ds[0].Action != review.Approve {
		t.Fatalf("decisions %+v", ds)
	}
}

// botMessage is the bot's message that a call sent, as a reply quotes it.
func botMessage(t *testing.T, h *harness, call telegramtest.Call) *models.Message {
	t.Helper()
	m := &models.Message{ID: 1, From: &models.User{ID: h.fake.Bot.ID}, Text: call.Params["text"]}
	if call.Params["reply_markup"] != "" {
		m.ReplyMarkup = &models.InlineKeyboardMarkup{}
		if err := call.Decode("reply_markup", m.ReplyMarkup); err != nil {
			t.Fatal(err)
		}
	}
	return m
}
