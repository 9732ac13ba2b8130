package telegram

import (
	"context"
	"strconv"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// previewEvery is the least time between two previews of one draft:
// Telegram penalises bots that update faster than about once a second.
const previewEvery = 1500 * time.Millisecond

// previewer shows a draft as the model writes it, in a private chat, with
// sendMessageDraft (a temporary preview that the final message, sent by
// the outbox, replaces). Groups get the final message only. A failed
// preview costs nothing but the preview.
func (c *conversation) previewer(ctx context.Context, messageID int) func(string) {
	if c.group {
		return nil
	}
	var last time.Time
	draftID := strconv.Itoa(messageID)
	return func(text string) {
		if time.Since(last) < previewEvery {
			return
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := c.a.api.SendMessageDraft(ctx, &tgbot.SendMessageDraftParams{ChatID: c.chatID, DraftID: draftID, Text: text}); err != nil {
			c.a.log.Debug("telegram: draft preview not shown", "err", err)
		}
	}
}
