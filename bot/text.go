package bot

import (
	"fmt"
	"strings"

	"loa/knowledge"
	"loa/locales"
)

// TextRenderer renders replies as plain text, for terminals and logs of
// conversations in tests.
type TextRenderer struct {
	Catalog *locales.Catalog
	Sources bool // also list the sources of a card, for volunteers and editors
}

// Render returns the text of one reply.
func (tr TextRenderer) Render(r Reply) string {
	t := func(id string, data map[string]any) string { return tr.Catalog.Text(string(r.Lang), id, data) }
	switch r.Kind {
	case KindCard:
		return tr.card(r, t)
	case KindSection:
		return tr.section(r, t)
	case KindChoices:
		var b strings.Builder
		b.WriteString(t("choices.intro", nil))
		for i, h := range r.Choices {
			fmt.Fprintf(&b, "\n  %d. %s", i+1, h.Title)
		}
		b.WriteString("\n" + t("choices.pick", nil))
		return b.String()
	case KindNotice:
		return "⚠ " + t(r.Message, r.Data)
	case KindMenu:
		return tr.menu(r, t)
	case KindOffer:
		return t(r.Message, r.Data) + " (:lang " + string(r.Offer) + ")"
	case KindDraft:
		return r.Text + "\n— " + t("draft.basis", map[string]any{"Title": r.Procedure.Best(r.Lang).Title})
	}
	return t(r.Message, r.Data)
}

func (tr TextRenderer) card(r Reply, t func(string, map[string]any) string) string {
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

func (tr TextRenderer) sources(p *knowledge.Procedure, t func(string, map[string]any) string) string {
	var b strings.Builder
	b.WriteString("\n" + t("card.sources", nil) + ":")
	for i, s := range p.Sources {
		fmt.Fprintf(&b, "\n  [%d] %s", i+1, s)
	}
	return b.String()
}

func (tr TextRenderer) section(r Reply, t func(string, map[string]any) string) string {
	x := r.Procedure.Best(r.Lang)
	var label, body string
	switch r.Part {
	case PartWhere:
		label, body = t("section.where", nil), x.Where
	case PartFee:
		label, body = t("section.fee", nil), x.Fee
	case PartDuration:
		label, body = t("section.duration", nil), strings.TrimSpace(x.Duration+"\n"+x.Deadline)
	default:
		label, body = t("section."+string(r.Part), nil), x.Sections[knowledge.SectionKey(r.Part)].Plain
	}
	return fmt.Sprintf("%s — %s\n%s", x.Title, label, knowledge.Clean(body))
}

func (tr TextRenderer) menu(r Reply, t func(string, map[string]any) string) string {
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
