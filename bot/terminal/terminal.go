// Package terminal is Loa's plain-text channel: the renderer `loa chat`
// and `loa ask` print with, and the conversation they drive through the
// same core as Telegram.
package terminal

import (
	"fmt"
	"strings"

	"loa/bot"
	"loa/knowledge"
	"loa/locales"
)

// Renderer renders replies as plain text.
type Renderer struct {
	Catalog *locales.Catalog
	Sources bool // also list the sources of a card, for volunteers and editors
}

// Render returns the text of one reply.
func (tr Renderer) Render(r bot.Reply) string {
	t := func(id string, data map[string]any) string { return tr.Catalog.Text(string(r.Lang), id, data) }
	switch r.Kind {
	case bot.KindCard:
		return tr.card(r, t)
	case bot.KindSection:
		return tr.section(r, t)
	case bot.KindChoices:
		var b strings.Builder
		b.WriteString(t("choices.intro", nil))
		for i, h := range r.Choices {
			fmt.Fprintf(&b, "\n  %d. %s", i+1, h.Title)
		}
		b.WriteString("\n" + t("choices.pick", nil))
		return b.String()
	case bot.KindNotice:
		return "⚠ " + t(r.Message, r.Data)
	case bot.KindMenu:
		return tr.menu(r, t)
	case bot.KindOffer:
		return t(r.Message, r.Data) + " (:lang " + string(r.Offer) + ")"
	case bot.KindLangPicker:
		var b strings.Builder
		if r.Message != "" {
			b.WriteString(t(r.Message, r.Data) + "\n\n")
		}
		b.WriteString(t("lang.pick", nil))
		for _, l := range knowledge.Langs() {
			fmt.Fprintf(&b, "\n  :lang %s  %s", l, l.Name())
		}
		return b.String()
	case bot.KindTranscript:
		return t("voice.heard", map[string]any{"Text": r.Text})
	case bot.KindReview:
		it := r.Review
		return fmt.Sprintf("%s · %s · %s\nvi: %s\n%s: %s", it.Title, it.Field, it.Progress, it.VI, it.Lang, it.Current)
	case bot.KindReport:
		return t(r.Message, r.Data) + "\n\n" + r.Text
	case bot.KindDraft:
		return r.Text + "\n— " + t("draft.basis", map[string]any{"Title": r.Procedure.Best(r.Lang).Title})
	}
	return t(r.Message, r.Data)
}

func (tr Renderer) card(r bot.Reply, t func(string, map[string]any) string) string {
	p := r.Procedure
	x := p.Best(r.Lang)
	var b strings.Builder
	fmt.Fprintf(&b, "== %s ==\n%s\n", x.Title, knowledge.Clean(x.Summary))
	field := func(label, v string) {
		if v = knowledge.Clean(v); v != "" {
			fmt.Fprintf(&b, "\n%s: %s", label, v)
		}
	}
	field(t("card.where", nil), x.Where)
	field(t("card.fee", nil), x.Fee)
	field(t("card.duration", nil), x.Duration)
	field(t("card.deadline", nil), x.Deadline)
	field(t("card.online", nil), p.Online)
	if !x.Updated.IsZero() {
		b.WriteString("\n" + t("card.updated", map[string]any{"Date": x.Updated.Format("02/01/2006")}))
	}
	if tr.Sources {
		b.WriteString(tr.sources(p, t))
	}
	b.WriteString("\n" + t("card.more", nil))
	return b.String()
}

func (tr Renderer) sources(p *knowledge.Procedure, t func(string, map[string]any) string) string {
	var b strings.Builder
	b.WriteString("\n" + t("card.sources", nil) + ":")
	for i, s := range p.Sources {
		fmt.Fprintf(&b, "\n  [%d] %s", i+1, s)
	}
	return b.String()
}

func (tr Renderer) section(r bot.Reply, t func(string, map[string]any) string) string {
	x := r.Procedure.Best(r.Lang)
	var label, body string
	switch r.Part {
	case bot.PartWhere:
		label, body = t("section.where", nil), x.Where
	case bot.PartFee:
		label, body = t("section.fee", nil), x.Fee
	case bot.PartDuration:
		label, body = t("section.duration", nil), strings.TrimSpace(x.Duration+"\n"+x.Deadline)
	default:
		label, body = t("section."+string(r.Part), nil), x.Sections[knowledge.SectionKey(r.Part)].Plain
	}
	return fmt.Sprintf("%s — %s\n%s", x.Title, label, knowledge.Clean(body))
}

func (tr Renderer) menu(r bot.Reply, t func(string, map[string]any) string) string {
	var b strings.Builder
	if r.Category == nil {
		b.WriteString(t("menu.intro", nil))
		for i, c := range r.Categories {
			fmt.Fprintf(&b, "\n  %d. %s", i+1, c.TitleIn(r.Lang))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s — %s", r.Category.TitleIn(r.Lang), t("menu.category", nil))
	for i, p := range r.Procedures {
		fmt.Fprintf(&b, "\n  %d. %s", i+1, p.Best(r.Lang).Title)
	}
	return b.String()
}
