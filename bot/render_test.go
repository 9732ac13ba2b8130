package bot

import (
	"strings"

	"loa/knowledge"
	"loa/locales"
)

// wordsOf shows what a reply says, for tests to look for words in: its
// message in the reply's language and the titles, fields and texts it
// carries. The channels' renderers (bot/terminal, bot/telegram) decide the
// layout; the core's tests check only the words.
type wordsOf struct {
	Catalog *locales.Catalog
}

func (w wordsOf) Render(r Reply) string {
	var parts []string
	add := func(s ...string) { parts = append(parts, s...) }
	if r.Message != "" {
		add(w.Catalog.Text(string(r.Lang), r.Message, r.Data))
	}
	if p := r.Procedure; p != nil {
		x := p.Best(r.Lang)
		add(x.Title, x.Summary, x.Where, x.Fee, x.Duration, x.Deadline)
		if r.Part != "" {
			add(w.Catalog.Text(string(r.Lang), "section."+string(r.Part), nil), x.Sections[knowledge.SectionKey(r.Part)].Plain)
		}
	}
	for _, h := range r.Choices {
		add(h.Title)
	}
	for _, c := range r.Categories {
		add(c.TitleIn(r.Lang))
	}
	if r.Category != nil {
		add(r.Category.TitleIn(r.Lang))
	}
	for _, p := range r.Procedures {
		add(p.Best(r.Lang).Title)
	}
	if r.Kind == KindTranscript {
		add(w.Catalog.Text(string(r.Lang), "voice.heard", map[string]any{"Text": r.Text}))
	}
	if r.Kind == KindDraft {
		add(r.Text, w.Catalog.Text(string(r.Lang), "draft.basis", map[string]any{"Title": r.Procedure.Best(r.Lang).Title}))
	}
	return strings.Join(slicesCompact(parts), "\n")
}

func slicesCompact(parts []string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(knowledge.Clean(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}
