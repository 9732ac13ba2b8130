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
	s, err := a.store.LoadSession(ctx, q.From.ID)
	if err != nil {
		return err
	}
	lang := s.Lang
	if lang == "" {
		lang = knowledge.Vietnamese
	}
	var results []models.InlineQueryResult
	if q.Query != "" {
		res, err := a.knowledge.Search(ctx, q.Query, lang)
		if err != nil {
			return err
		}
		r := a.render
		r.short = true
		for _, h := range res.Hits {
			card := r.card(bot.Reply{Kind: bot.KindCard, Procedure: h.Procedure, Lang: lang})
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
		_, err := a.api.AnswerInlineQuery(ctx, &tgbot.AnswerInlineQueryParams{InlineQueryID: q.ID, Results: results, CacheTime: 60})
		return err
	})
}
