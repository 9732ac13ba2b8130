package telegram

import (
	"context"
	"fmt"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/knowledge"
)

// inline answers "@LoaBot khai sinh" typed in any chat with matching
// procedures, each sendable as a compact card: how volunteers relay
// answers into village groups.
func (a *Adapter) inline(ctx context.Context, q *models.InlineQuery) error {
	lang := a.talk.Lang(ctx, address(q.From.ID, q.From.ID, false))
	var results []models.InlineQueryResult
	if q.Query != "" {
		res, err := a.knowledge.Search(ctx, q.Query, lang)
		if err != nil {
			return err
		}
		r := a.render
		r.short = true
		for _, h := range res.Hits {
			shown := lang
			if h.Procedure.Text(lang) == nil {
				shown = knowledge.Vietnamese
			}
			card := r.card(bot.Reply{Kind: bot.KindCard, Procedure: h.Procedure, Lang: shown})
			if notice := a.statusNotice(h.Procedure, lang); notice != "" {
				card.HTML = "⚠️ " + esc(notice) + "\n\n" + card.HTML
			}
			results = append(results, &models.InlineQueryResultArticle{
				ID:          h.ID,
				Title:       h.Title,
				Description: knowledge.Clean(h.Procedure.Best(lang).Summary),
				InputMessageContent: &models.InputTextMessageContent{
					MessageText: card.HTML + fmt.Sprintf("\n\n👉 @%s", a.botName),
					ParseMode:   models.ParseModeHTML,
				},
			})
		}
	}
	return a.send.do(ctx, 0, false, func(ctx context.Context) error {
		// Personal: results depend on the asker's language.
		_, err := a.api.AnswerInlineQuery(ctx, &tgbot.AnswerInlineQueryParams{InlineQueryID: q.ID, Results: results, CacheTime: 60, IsPersonal: true})
		return err
	})
}

// statusNotice is the one-line notice a card in lang needs, or "".
func (a *Adapter) statusNotice(p *knowledge.Procedure, lang knowledge.Lang) string {
	if lang == knowledge.Vietnamese {
		return ""
	}
	id := map[knowledge.Status]string{
		knowledge.Missing: "notice.fallback", knowledge.Stale: "notice.stale",
		knowledge.Machine: "notice.machine", knowledge.Draft: "notice.draft",
	}[p.StatusOf(lang)]
	if id == "" {
		return ""
	}
	return a.catalog.Text(string(lang), id, map[string]any{"Lang": lang.Name()})
}
