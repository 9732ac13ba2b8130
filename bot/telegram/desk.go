package telegram

import (
	"fmt"

	"github.com/go-telegram/bot/models"

	"loa/bot"
)

// desk renders the volunteer desk's messages. The first button of each
// names the item, so a reply to the message says which item it is about.
func (r renderer) desk(rep bot.Reply) message {
	it, lang := rep.Desk, rep.Lang
	switch rep.Kind {
	case bot.KindConsent:
		return message{HTML: esc(r.t(lang, rep.Message, rep.Data)), Keyboard: [][]models.InlineKeyboardButton{{
			{Text: r.t(lang, "button.consent", nil), CallbackData: bot.ButtonConsent()},
		}}}
	case bot.KindDeskCard:
		head := r.t(lang, "desk.card", map[string]any{"ID": it.ID, "Lang": it.Lang.Name(), "State": r.t(lang, "desk.state."+string(it.State), map[string]any{"Name": it.Volunteer})})
		body := fmt.Sprintf("<b>%s</b>\n\n%s", esc(head), esc(it.Question))
		if rep.Message == "desk.reminder" {
			body = "⏰ " + esc(r.t(lang, "desk.reminder", nil)) + "\n" + body
		}
		if it.Commune != "" {
			body += "\n\n" + esc(r.t(lang, "desk.commune", map[string]any{"Commune": it.Commune}))
		}
		if it.Card != "" {
			body += "\n\n" + esc(r.t(lang, "desk.card_shown", map[string]any{"ID": it.Card}))
		}
		if it.VoiceRef != "" {
			body += "\n\n🎙 " + esc(r.t(lang, "desk.voice", nil))
		}
		keyboard := [][]models.InlineKeyboardButton{{
			{Text: r.t(lang, "button.take", nil), CallbackData: bot.ButtonTake(it.ID)},
			{Text: r.t(lang, "button.not_ours", nil), CallbackData: bot.ButtonNotOurs(it.ID)},
		}}
		if it.Suggested != "" {
			body += "\n\n💡 <b>" + esc(r.t(lang, "desk.suggested", nil)) + "</b>\n" + esc(it.Suggested)
			keyboard = append(keyboard, []models.InlineKeyboardButton{{Text: r.t(lang, "button.send_suggested", nil), CallbackData: bot.ButtonSendSuggested(it.ID)}})
		}
		body += "\n\n<i>" + esc(r.t(lang, "desk.how", nil)) + "</i>"
		return message{HTML: body, Keyboard: keyboard}
	case bot.KindVolunteer:
		head := r.t(lang, "desk.answer", rep.Data)
		keyboard := [][]models.InlineKeyboardButton{
			{{Text: r.t(lang, "button.reply", nil), CallbackData: bot.ButtonReplyToDesk(it.ID)}},
			{{Text: "👍", CallbackData: bot.ButtonDeskVote(it.ID, true)}, {Text: "👎", CallbackData: bot.ButtonDeskVote(it.ID, false)}},
		}
		if rep.VoiceRef != "" {
			return message{HTML: "<b>🙋 " + esc(head) + "</b>\n<i>" + esc(r.t(lang, "desk.reply_here", nil)) + "</i>", Keyboard: keyboard, Voice: &voiceNote{FileID: rep.VoiceRef, Lang: lang}}
		}
		return message{HTML: "<b>🙋 " + esc(head) + "</b>\n\n" + esc(rep.Text) + "\n\n<i>" + esc(r.t(lang, "desk.reply_here", nil)) + "</i>", Keyboard: keyboard}
	}
	head := r.t(lang, "desk.follow_up", map[string]any{"ID": it.ID})
	return message{HTML: "<b>" + esc(head) + "</b>\n\n" + esc(rep.Text), Keyboard: [][]models.InlineKeyboardButton{{
		{Text: r.t(lang, "button.take", nil), CallbackData: bot.ButtonTake(it.ID)},
	}}}
}
