package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"loa/knowledge"
)

// draftable returns the procedure a question asks something specific
// about, when a drafter is configured: a question about the last card
// that no section answers by itself ("con tôi sinh ở nhà, không có giấy
// chứng sinh thì sao?"), or a confident search whose question says more
// than the card's title. Nil means a card, section or choices answer it.
func (c *Core) draftable(s *Session, text string, res knowledge.Result) (p *knowledge.Procedure, first bool) {
	if c.drafter == nil {
		return nil, false
	}
	switch top := res.Top(); {
	case c.hasContext(s) && (top == nil || top.ID == s.Last || !res.Confident && !res.Related):
		p = c.kb.Content().ProcedureAt(s.Last, c.now())
	case res.Confident:
		p, first = top.Procedure, true
	}
	if p == nil || !asksBeyondTitle(text, p) {
		return nil, false
	}
	return p, first
}

// asksBeyondTitle reports whether a question has words the procedure's
// title and keywords do not, beyond the words any question has: "làm giấy
// khai sinh ở đâu" is answered by the card, "khai sinh cho con sinh ở nhà,
// người làm chứng phải là ai" asks more.
func asksBeyondTitle(text string, p *knowledge.Procedure) bool {
	head := map[string]bool{}
	for _, t := range p.Texts {
		for _, w := range foldedWords(t.Title + " " + strings.Join(t.Keywords, " ")) {
			head[w] = true
		}
	}
	extra := 0
	for _, w := range foldedWords(text) {
		if !head[w] && !askingWords[w] {
			extra++
		}
	}
	return extra >= minExtraWords
}

func foldedWords(s string) []string {
	return strings.FieldsFunc(knowledge.Fold(knowledge.Normalize(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// askingWords are the words any question has, folded: they ask, they do
// not say what about.
var askingWords = wordSet("o dau gi nao the sao la vay a oi nhe nha cho cua va voi co khong ko k duoc dc thi ma lam can phai muon xin hoi bao nhieu lau toi em anh chi minh ban roi chua bay gio nay do")

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// minExtraWords is how many topic words beyond the title make a question
// specific enough to draft an answer for.
const minExtraWords = 2

// draft asks the drafter and keeps only what the guard lets through. A
// first question gets its card at once and the draft after it; a
// follow-up gets the draft alone. The card follows whenever anything was
// cut or the draft failed or timed out, so the facts a citizen acts on
// always come from the content.
func (c *Core) draft(ctx context.Context, s *Session, question string, p *knowledge.Procedure, first bool, preview func(string)) []Reply {
	lang := draftLang(p, s.Lang)
	text, err := c.drafter.Draft(ctx, question, p, lang, guardedPreview(p, preview))
	g := p.Guard(text)
	if cut, ok := c.drafter.(interface{ GuardCut() }); ok && g.Cut {
		cut.GuardCut() // counted where the drafter keeps its metrics
	}
	var card []Reply
	if first || g.Cut || err != nil {
		card = c.Card(s, p.ID)
	} else {
		s.Last, s.LastAt = p.ID, c.now()
	}
	if strings.TrimSpace(g.Kept) == "" {
		if card == nil {
			card = c.Card(s, p.ID)
		}
		return card
	}
	var out []Reply
	if first {
		out = append(out, card...)
		card = nil
	}
	if lang != s.Lang {
		out = append(out, Reply{Kind: KindNotice, Message: "draft.vietnamese", Data: map[string]any{"Lang": s.Lang.Name()}, Lang: s.Lang})
	}
	out = append(out, Reply{Kind: KindDraft, Procedure: p, Lang: lang, Text: g.Kept})
	return append(out, card...)
}

// guardedPreview passes preview the draft's whole sentences as they come,
// while the guard lets them through; after a cut it shows nothing more.
func guardedPreview(p *knowledge.Procedure, preview func(string)) func(string) {
	if preview == nil {
		return nil
	}
	shown, stopped := "", false
	return func(partial string) {
		if stopped {
			return
		}
		// Only up to the last sentence end: "Lệ phí là 3" may become 30.000.
		end := strings.LastIndexAny(partial, ".!?\n")
		if end < 0 {
			return
		}
		g := p.Guard(partial[:end+1])
		if g.Cut {
			stopped = true
		}
		if g.Kept != "" && g.Kept != shown {
			shown = g.Kept
			preview(shown)
		}
	}
}

// draftLang is the language a draft is written in: the user's when a
// person wrote or checked that translation, else plain Vietnamese.
func draftLang(p *knowledge.Procedure, lang knowledge.Lang) knowledge.Lang {
	switch p.StatusOf(lang) {
	case knowledge.Reviewed, knowledge.Draft:
		return lang
	}
	return knowledge.Vietnamese
}

// ErrNoDrafter says no LLM is configured.
var ErrNoDrafter = errors.New("no model server is configured (LOA_LLM_BASE_URL)")

// DraftReply suggests an answer to a question about procedure id, for a
// person (a volunteer at the desk) to approve or edit before anyone sees
// it: the draft after the fact guard, and whether the guard cut it.
func (c *Core) DraftReply(ctx context.Context, question, id string, lang knowledge.Lang) (text string, cut bool, err error) {
	if c.drafter == nil {
		return "", false, ErrNoDrafter
	}
	p := c.kb.Content().ProcedureAt(id, c.now())
	if p == nil {
		return "", false, fmt.Errorf("draft a reply: no procedure %q in force", id)
	}
	raw, err := c.drafter.Draft(ctx, question, p, draftLang(p, lang), nil)
	if err != nil {
		return "", false, fmt.Errorf("draft a reply: %w", err)
	}
	g := p.Guard(raw)
	return g.Kept, g.Cut, nil
}

// Rewriter turns an unsure question into a query in the content's words;
// the llm client is one. Only the search sees its output.
type Rewriter interface {
	Rewrite(ctx context.Context, question string, lang knowledge.Lang) (string, error)
}

// researched searches again with the drafter's rewrite of an unsure
// question, and returns the new result when it is confident. The answer
// is still a card from the content, never the model's text.
func (c *Core) researched(ctx context.Context, s *Session, question string, res knowledge.Result) (knowledge.Result, bool) {
	rw, ok := c.drafter.(Rewriter)
	if !ok || res.Confident {
		return res, false
	}
	query, err := rw.Rewrite(ctx, question, s.Lang)
	if err != nil || strings.TrimSpace(query) == "" {
		return res, false
	}
	again, err := c.kb.Search(ctx, query, s.Lang)
	if err != nil || !again.Confident {
		return res, false
	}
	return again, true
}
