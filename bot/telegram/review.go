package telegram

import (
	"fmt"
	"strings"

	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/knowledge"
)

// review renders a piece of a translation for a reviewer: the Vietnamese
// beside it, the progress, and buttons that name the item whole.
func (r renderer) review(rep bot.Reply) message {
	item, ui := rep.Review, rep.Lang
	head := r.t(ui, "review.item", map[string]any{"Title": item.Title, "Field": r.fieldLabel(ui, item.Field), "Progress": item.Progress.String()})
	current, help := item.Current, "review.help"
	buttons := []models.InlineKeyboardButton{
		{Text: "✅", CallbackData: bot.ButtonApprove(item.Item)},
		{Text: "⏭", CallbackData: bot.ButtonSkip(item.Item)},
	}
	if strings.TrimSpace(current) == "" { // nothing to approve: write it
		current, help, buttons = "—", "review.write", buttons[1:]
	}
	return message{
		HTML: fmt.Sprintf("<b>%s</b>\n\n🇻🇳 %s\n\n✏️ %s: %s\n\n<i>%s</i>",
			esc(head), esc(item.VI), esc(item.Lang.Name()), esc(current), esc(r.t(ui, help, nil))),
		Keyboard: [][]models.InlineKeyboardButton{buttons},
	}
}

func (r renderer) fieldLabel(lang knowledge.Lang, field string) string {
	id := map[string]string{
		"title": "review.field.title", "summary": "review.field.summary",
		"where": "card.where", "fee": "card.fee", "duration": "card.duration", "deadline": "card.deadline",
	}[field]
	if id == "" {
		id = "section." + field
	}
	return r.t(lang, id, nil)
}

// quoted returns the data of the first button of the bot's own message that
// m replies to: which review item a correction is for.
func (a *Adapter) quoted(m *models.Message) string {
	q := m.ReplyToMessage
	if q == nil || q.From == nil || q.From.ID != a.botID || q.ReplyMarkup == nil {
		return ""
	}
	for _, row := range q.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			return b.CallbackData
		}
	}
	return ""
}

func displayName(u *models.User) string {
	if u == nil {
		return ""
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.Username
	}
	return name
}
