package telegram

import (
	"strconv"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
)

// The desk end to end: a question Loa cannot answer goes, with consent and
// redacted, to the volunteers' group; a volunteer takes it and answers by
// replying to the card; the citizen gets the answer and replies; the reply
// reaches the group.
func TestDesk(t *testing.T) {
	const group, citizen, volunteer = -1001, 4001, 4002
	store := newSettled()
	desk, err := bot.ParseDesk("*:" + strconv.Itoa(group))
	if err != nil {
		t.Fatal(err)
	}
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Desk: desk}}))
	settle := func(u models.Update) []telegramtest.Call {
		before := len(h.fake.Calls("sendMessage"))
		store.wait(t, h.fake.Push(u))
		return h.fake.Calls("sendMessage")[before:]
	}
	to := func(calls []telegramtest.Call, chat int64) []telegramtest.Call {
		var out []telegramtest.Call
		for _, c := range calls {
			if c.Params["chat_id"] == strconv.FormatInt(chat, 10) {
				out = append(out, c)
			}
		}
		return out
	}

	got := settle(telegramtest.Text(citizen, "xin giay phep chan nuoi ca sau, so cccd 001234567890"))
	if len(got) == 0 || !strings.Contains(got[len(got)-1].Params["reply_markup"], bot.ButtonAskPerson()) {
		t.Fatalf("no 'ask a person' on the don't-know: %+v", got)
	}
	got = settle(telegramtest.Callback(citizen, bot.ButtonAskPerson()))
	if len(got) != 1 || !strings.Contains(got[0].Params["text"], "đồng ý") || strings.Contains(got[0].Params["text"], "001234567890") {
		t.Fatalf("consent: %+v", got)
	}
	got = settle(telegramtest.Callback(citizen, bot.ButtonConsent()))
	card := to(got, group)
	if len(to(got, citizen)) != 1 || len(card) != 1 || !strings.Contains(card[0].Params["text"], "ca sau") || strings.Contains(card[0].Params["text"], "001234567890") {
		t.Fatalf("escalation: citizen %+v, group %+v", to(got, citizen), card)
	}
	items, _ := store.DeskItems(t.Context(), bot.DeskOpen)
	if len(items) != 1 {
		t.Fatalf("desk items %+v", items)
	}

	press := telegramtest.Callback(volunteer, bot.ButtonTake(items[0].ID))
	press.CallbackQuery.From.FirstName = "Mai"
	press.CallbackQuery.Message.Message.Chat = models.Chat{ID: group, Type: models.ChatTypeSupergroup}
	if all := settle(press); len(to(all, group)) != 1 || !strings.Contains(to(all, group)[0].Params["text"], "Mai đã nhận") {
		got := all
		t.Errorf("take: %+v", got)
	}

	answer := telegramtest.GroupText(group, volunteer, "Bác ra Trung tâm Phục vụ hành chính công xã hỏi cán bộ nông nghiệp nhé.")
	answer.Message.From.FirstName = "Mai"
	answer.Message.ReplyToMessage = botMessage(t, h, card[0])
	got = settle(answer)
	relayed := to(got, citizen)
	if len(relayed) != 1 || !strings.Contains(relayed[0].Params["text"], "Người giúp Mai trả lời") || !strings.Contains(relayed[0].Params["text"], "cán bộ nông nghiệp") || len(to(got, group)) != 1 {
		t.Fatalf("relay: %+v", got)
	}
	if it, _, _ := store.DeskItem(t.Context(), items[0].ID); it.State != bot.DeskAnswered || it.Volunteer != "Mai" {
		t.Errorf("item after the answer: %+v", it)
	}

	more := telegramtest.Text(citizen, "cam on, the co can mang so ho khau khong")
	more.Message.ReplyToMessage = botMessage(t, h, relayed[0])
	got = settle(more)
	if back := to(got, group); len(back) != 1 || !strings.Contains(back[0].Params["text"], "so ho khau") || len(to(got, citizen)) != 1 {
		t.Errorf("citizen's reply: %+v", got)
	}
	if got := to(settle(telegramtest.GroupText(group, volunteer, "/desk", models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Length: 5})), group); len(got) != 1 || !strings.Contains(got[0].Params["text"], "Không có câu hỏi") {
		t.Errorf("/desk with nothing waiting: %+v", got)
	}
}

// An editor's /stats and /gaps arrive as preformatted blocks; a citizen's
// are refused.
func TestEditorsReports(t *testing.T) {
	h := run(t, newHarnessWith(t, nil, content.FS(), Config{Talk: bot.ConversationConfig{Editors: map[string]bool{"telegram:77": true}}}))
	h.fake.Push(telegramtest.Text(78, "thoi tiet sa pa ngay mai"))
	h.expect(t, 1)
	h.fake.Push(telegramtest.Text(78, "/stats"))
	h.fake.Push(telegramtest.Text(77, "/stats"))
	h.fake.Push(telegramtest.Text(77, "/gaps"))
	var citizen, editor []telegramtest.Call // two users answered side by side: in order for each
	for _, c := range h.expect(t, 4) {
		if c.Params["chat_id"] == "77" {
			editor = append(editor, c)
		} else {
			citizen = append(citizen, c)
		}
	}
	if len(citizen) != 2 || len(editor) != 2 {
		t.Fatalf("%d replies to the citizen, %d to the editor", len(citizen), len(editor))
	}
	if !strings.Contains(citizen[1].Params["text"], "biên tập") {
		t.Errorf("a citizen's /stats: %q", citizen[1].Params["text"])
	}
	if s := editor[0].Params["text"]; !strings.Contains(s, "<pre>") || !strings.Contains(s, "&lt;5") || editor[0].Params["parse_mode"] != "HTML" {
		t.Errorf("/stats: %q", s)
	}
	if s := editor[1].Params["text"]; !strings.Contains(s, "<pre>1. [unanswered, &lt;5, vi] thoi tiet sa pa ngay mai") {
		t.Errorf("/gaps: %q", s)
	}
}
