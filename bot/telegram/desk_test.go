package telegram

import (
	"strconv"
	"strings"
	"testing"
	"time"

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

// A volunteer may answer with a voice note: the citizen gets that voice
// note, labelled, with the reply and vote buttons.
func TestDeskVoiceAnswer(t *testing.T) {
	const group, citizen, volunteer = -1002, 4101, 4102
	store := newSettled()
	desk, _ := bot.ParseDesk("*:" + strconv.Itoa(group))
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Desk: desk}}))
	store.wait(t, h.fake.Push(telegramtest.Text(citizen, "xin giay phep nuoi ca sau")))
	store.wait(t, h.fake.Push(telegramtest.Callback(citizen, bot.ButtonConsent())))
	var card telegramtest.Call
	for _, c := range h.fake.Calls("sendMessage") {
		if c.Params["chat_id"] == strconv.Itoa(group) {
			card = c
		}
	}
	if card.Params == nil {
		t.Fatal("no desk card")
	}
	answer := telegramtest.Voice(volunteer, "VOICE-OF-MAI", 6, 9000)
	answer.Message.Chat = models.Chat{ID: group, Type: models.ChatTypeSupergroup}
	answer.Message.From.FirstName = "Mai"
	answer.Message.ReplyToMessage = botMessage(t, h, card)
	store.wait(t, h.fake.Push(answer))
	voices := h.fake.Calls("sendVoice")
	if len(voices) != 1 || voices[0].Params["chat_id"] != strconv.Itoa(citizen) || voices[0].Params["voice"] != "VOICE-OF-MAI" ||
		!strings.Contains(voices[0].Params["caption"], "Người giúp Mai trả lời") || !strings.Contains(voices[0].Params["reply_markup"], "fd:") {
		t.Fatalf("relayed voice: %+v", voices)
	}
	if it, _, _ := store.DeskItem(t.Context(), 1); it.State != bot.DeskAnswered || !strings.Contains(it.Answer, "voice") {
		t.Errorf("item: %+v", it)
	}
}

// An item nobody takes is posted again and the citizen told it waits; one
// nobody answers expires, and the citizen is told where to ask.
func TestDeskReminderAndExpiry(t *testing.T) {
	const group, citizen = -1003, 4201
	store := newSettled()
	desk, _ := bot.ParseDesk("*:" + strconv.Itoa(group))
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Desk: desk}}))
	store.wait(t, h.fake.Push(telegramtest.Text(citizen, "xin giay phep nuoi ca sau")))
	store.wait(t, h.fake.Push(telegramtest.Callback(citizen, bot.ButtonConsent())))
	talk := h.adapter.Conversations()
	before := len(h.fake.Calls("sendMessage"))
	if err := talk.RemindDesk(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	if err := talk.ExpireDesk(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	calls, err := h.fake.WaitCalls("sendMessage", before+4, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var toGroup, toCitizen []string
	for _, c := range calls[before:] {
		if c.Params["chat_id"] == strconv.Itoa(group) {
			toGroup = append(toGroup, c.Params["text"])
		} else {
			toCitizen = append(toCitizen, c.Params["text"])
		}
	}
	if len(toGroup) != 2 || !strings.Contains(toGroup[0], "ca sau") || !strings.Contains(toGroup[1], "quá hạn") {
		t.Errorf("to the group: %q", toGroup)
	}
	if len(toCitizen) != 2 || !strings.Contains(toCitizen[0], "vẫn đang chờ") || !strings.Contains(toCitizen[1], "Trung tâm Phục vụ hành chính công") {
		t.Errorf("to the citizen: %q", toCitizen)
	}
	if it, _, _ := store.DeskItem(t.Context(), 1); it.State != bot.DeskExpired {
		t.Errorf("item %+v", it)
	}
}
