package telegram

import (
	"fmt"
	"html"
	"strings"

	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/knowledge"
	"loa/locales"
)

// message is one Telegram message to send: HTML text and an optional
// inline keyboard.
type message struct {
	HTML     string
	Keyboard [][]models.InlineKeyboardButton
	Edit     int        // the id of a message to replace instead (a streamed preview)
	Voice    *voiceNote // a voice note to send instead of text (HTML is its caption)
}

// renderer turns the core's replies into Telegram messages.
type renderer struct {
	catalog *locales.Catalog
	short   bool // groups: card without the long fields
}

func (r renderer) t(lang knowledge.Lang, id string, data map[string]any) string {
	return r.catalog.Text(string(lang), id, data)
}

// render returns the messages for a reply; notices and texts are merged
// into the message that follows by the caller.
func (r renderer) render(rep bot.Reply) message {
	switch rep.Kind {
	case bot.KindCard:
		return r.card(rep)
	case bot.KindSection:
		return r.section(rep)
	case bot.KindChoices:
		m := message{HTML: esc(r.t(rep.Lang, "choices.intro", nil))}
		for _, h := range rep.Choices {
			m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: buttonText(h.Title), CallbackData: bot.ButtonCard(h.ID)}})
		}
		return m
	case bot.KindMenu:
		return r.menu(rep)
	case bot.KindNotice:
		return message{HTML: "⚠️ " + esc(r.t(rep.Lang, rep.Message, rep.Data))}
	case bot.KindDraft:
		m := message{HTML: esc(rep.Text) + "\n\n<i>" + esc(r.t(rep.Lang, "draft.basis", map[string]any{"Title": rep.Procedure.Best(rep.Lang).Title})) + "</i>"}
		if rep.Listen {
			m.Keyboard = [][]models.InlineKeyboardButton{{{Text: r.t(rep.Lang, "button.listen", nil), CallbackData: bot.ButtonListen(rep.Procedure.ID)}}}
		}
		return m
	case bot.KindSpeech:
		caption := "🔊 " + rep.Procedure.Best(rep.Lang).Title + " · " + r.t(rep.Lang, rep.Message, nil)
		v := &voiceNote{Key: rep.Speech.Key, Text: rep.Speech.Text, Lang: rep.Lang}
		if rec := rep.Speech.Recording; rec != nil {
			v.Recording, v.Text = rec.File, ""
		}
		return message{HTML: esc(caption), Voice: v}
	case bot.KindReview:
		return r.review(rep)
	case bot.KindReport:
		// Each block preformatted on its own, so that a long report is
		// split between blocks, never inside a <pre>.
		var blocks []string
		for _, b := range strings.Split(strings.TrimSpace(rep.Text), "\n\n") {
			blocks = append(blocks, "<pre>"+esc(b)+"</pre>")
		}
		return message{HTML: "<b>" + esc(r.t(rep.Lang, rep.Message, rep.Data)) + "</b>\n\n" + strings.Join(blocks, "\n\n")}
	case bot.KindConsent, bot.KindDeskCard, bot.KindVolunteer, bot.KindDeskFollowUp:
		return r.desk(rep)
	case bot.KindTranscript:
		return message{
			HTML:     "<i>" + esc(r.t(rep.Lang, "voice.heard", map[string]any{"Text": rep.Text})) + "</i>",
			Keyboard: [][]models.InlineKeyboardButton{{{Text: r.t(rep.Lang, "button.retype", nil), CallbackData: bot.ButtonRetype()}}},
		}
	case bot.KindLangPicker:
		text := r.t(rep.Lang, "lang.pick", nil)
		if rep.Message != "" {
			text = r.t(rep.Lang, rep.Message, rep.Data) + "\n\n" + text
		}
		return languagePicker(text)
	case bot.KindOffer:
		return message{
			HTML:     esc(r.t(rep.Lang, rep.Message, rep.Data)),
			Keyboard: [][]models.InlineKeyboardButton{{{Text: rep.Offer.Name(), CallbackData: bot.ButtonLang(rep.Offer)}}},
		}
	}
	m := message{HTML: esc(r.t(rep.Lang, rep.Message, rep.Data))}
	if rep.AskPerson {
		m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: r.t(rep.Lang, "button.ask_person", nil), CallbackData: bot.ButtonAskPerson()}})
	}
	if rep.Message == "none" || rep.Message == "gap.ask" || rep.Message == "help" || rep.Message == "greeting" || strings.HasPrefix(rep.Message, "voice.") {
		// Someone who cannot find the words can still browse.
		m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: r.t(rep.Lang, "button.menu", nil), CallbackData: bot.ButtonMenu()}})
	}
	return m
}

func (r renderer) card(rep bot.Reply) message {
	p, lang := rep.Procedure, rep.Lang
	x := p.Best(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "<b>%s</b>\n%s\n", esc(x.Title), esc(knowledge.Clean(x.Summary)))
	field := func(icon, label, v string) {
		if v = knowledge.Clean(v); v != "" {
			fmt.Fprintf(&b, "\n%s <b>%s:</b> %s", icon, esc(r.t(lang, label, nil)), esc(v))
		}
	}
	field("📍", "card.where", x.Where)
	if !r.short {
		field("💰", "card.fee", x.Fee)
		field("⏱", "card.duration", x.Duration)
		field("⏳", "card.deadline", x.Deadline)
	}
	m := message{HTML: b.String()}
	m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{
		{Text: r.t(lang, "button.documents", nil), CallbackData: bot.ButtonSection(p.ID, bot.PartDocuments)},
		{Text: r.t(lang, "button.steps", nil), CallbackData: bot.ButtonSection(p.ID, bot.PartSteps)},
	})
	var row []models.InlineKeyboardButton
	if lang != knowledge.Vietnamese {
		row = append(row, models.InlineKeyboardButton{Text: r.t(lang, "button.vietnamese", nil), CallbackData: bot.ButtonVietnamese(p.ID)})
	}
	if p.Online != "" {
		row = append(row, models.InlineKeyboardButton{Text: r.t(lang, "button.online", nil), URL: p.Online})
	}
	if rep.Listen {
		row = append(row, models.InlineKeyboardButton{Text: r.t(lang, "button.listen", nil), CallbackData: bot.ButtonListen(p.ID)})
	}
	if len(row) > 0 {
		m.Keyboard = append(m.Keyboard, row)
	}
	m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{
		{Text: "👍", CallbackData: bot.ButtonVote(p.ID, true)},
		{Text: "👎", CallbackData: bot.ButtonVote(p.ID, false)},
	})
	return m
}

func (r renderer) section(rep bot.Reply) message {
	x := rep.Procedure.Best(rep.Lang)
	var label, body string
	switch rep.Part {
	case bot.PartWhere:
		label, body = "section.where", x.Where
	case bot.PartFee:
		label, body = "section.fee", x.Fee
	case bot.PartDuration:
		label, body = "section.duration", strings.TrimSpace(x.Duration+"\n"+x.Deadline)
	default:
		label, body = "section."+string(rep.Part), x.Sections[knowledge.SectionKey(rep.Part)].Plain
	}
	return message{HTML: fmt.Sprintf("<b>%s — %s</b>\n%s", esc(x.Title), esc(r.t(rep.Lang, label, nil)), esc(knowledge.Clean(body)))}
}

func (r renderer) menu(rep bot.Reply) message {
	if rep.Category == nil {
		m := message{HTML: esc(r.t(rep.Lang, "menu.intro", nil))}
		for _, c := range rep.Categories {
			m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: buttonText(c.TitleIn(rep.Lang)), CallbackData: bot.ButtonCategory(c.ID)}})
		}
		return m
	}
	m := message{HTML: "<b>" + esc(rep.Category.TitleIn(rep.Lang)) + "</b>\n" + esc(r.t(rep.Lang, "menu.category", nil))}
	for _, p := range rep.Procedures {
		m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: buttonText(p.Best(rep.Lang).Title), CallbackData: bot.ButtonCard(p.ID)}})
	}
	m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: "⬅ " + r.t(rep.Lang, "button.menu", nil), CallbackData: bot.ButtonMenu()}})
	return m
}

// languagePicker offers every language in its own name.
func languagePicker(text string) message {
	m := message{HTML: esc(text)}
	for _, l := range knowledge.Langs() {
		m.Keyboard = append(m.Keyboard, []models.InlineKeyboardButton{{Text: l.Name(), CallbackData: bot.ButtonLang(l)}})
	}
	return m
}

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// buttonText keeps a button label short enough to read on a small screen.
func buttonText(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
