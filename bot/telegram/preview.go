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

// previewer shows a draft as the model writes it. In a private chat it
// uses sendMessageDraft (a temporary preview the final message, sent by
// the outbox, replaces); in a group, or where drafts are refused (an older
// Bot API), it sends the first sentences as a message and edits it, at
// most every previewEvery (groupPreviewEvery in groups), and the final
// text replaces that message. A failed preview costs only the preview.
func (c *conversation) previewer(ctx context.Context, messageID int) func(string) {
	var last time.Time
	every, useDraft := previewEvery, !c.group
	if c.group {
		every = groupPreviewEvery
	}
	draftID := strconv.Itoa(messageID)
	return func(text string) {
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if useDraft {
			if _, err := c.a.api.SendMessageDraft(ctx, &tgbot.SendMessageDraftParams{ChatID: c.chatID, DraftID: draftID, Text: text}); err == nil {
				return
			}
			useDraft = false // not offered here: edit a message instead
		}
		if c.preview == 0 {
			id, err := c.send(ctx, message{HTML: esc(text)})
			if err == nil {
				c.preview = id
			}
			return
		}
		_, err := c.a.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: c.chatID, MessageID: c.preview, Text: esc(text)})
		if err != nil {
			c.a.log.Debug("telegram: draft preview not updated", "err", err)
		}
	}
}

// groupPreviewEvery is slower: a group may get 20 messages a minute.
const groupPreviewEvery = 3 * time.Second
