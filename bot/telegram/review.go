package telegram

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"loa/knowledge"
	"loa/review"
)

// reviewDesk serves /review to the native-speaker volunteers listed in
// the configuration: one piece of a translation at a time.
type reviewDesk struct {
	reviewers review.Reviewers
	store     review.Store
	mu        sync.Mutex
	pending   map[int64]review.Item // the item each reviewer is looking at
}

func (d *reviewDesk) langsOf(user int64) []knowledge.Lang {
	if d == nil {
		return nil
	}
	return d.reviewers[user]
}

func (d *reviewDesk) current(user int64) (review.Item, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	it, ok := d.pending[user]
	return it, ok
}

func (d *reviewDesk) setCurrent(user int64, it review.Item, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		d.pending[user] = it
	} else {
		delete(d.pending, user)
	}
}

// startReview answers /review [lang].
func (a *Adapter) startReview(ctx context.Context, c *conversation, arg string) error {
	langs := a.reviews.langsOf(c.userID)
	if len(langs) == 0 {
		return c.sendText(ctx, "review.not_reviewer", nil)
	}
	lang := langs[0]
	if l, err := knowledge.ParseLang(arg); err == nil {
		for _, allowed := range langs {
			if l == allowed {
				lang = l
			}
		}
	}
	return a.nextReview(ctx, c, lang)
}

// nextReview shows the reviewer the next unchecked piece in lang.
func (a *Adapter) nextReview(ctx context.Context, c *conversation, lang knowledge.Lang) error {
	ds, err := a.reviews.store.Decisions(ctx)
	if err != nil {
		return err
	}
	item, progress, ok := review.Next(a.knowledge.Content(), lang, ds)
	a.reviews.setCurrent(c.userID, item, ok)
	if !ok {
		return c.sendText(ctx, "review.done", nil)
	}
	p := a.knowledge.Content().Procedure(item.Procedure)
	ui := c.lang()
	head := a.catalog.Text(string(ui), "review.item", map[string]any{
		"Title": p.Text(knowledge.Vietnamese).Title, "Field": a.fieldLabel(ui, item.Field), "Progress": progress.String(),
	})
	current, help := item.Current, "review.help"
	buttons := []models.InlineKeyboardButton{
		{Text: "✅", CallbackData: "ra:" + item.Procedure + ":" + item.Field},
		{Text: "⏭", CallbackData: "rs:" + item.Procedure + ":" + item.Field},
	}
	if strings.TrimSpace(current) == "" { // nothing to approve: write it
		current, help, buttons = "—", "review.write", buttons[1:]
	}
	m := message{
		HTML: fmt.Sprintf("<b>%s</b>\n\n🇻🇳 %s\n\n✏️ %s: %s\n\n<i>%s</i>",
			esc(head), esc(item.VI), esc(item.Lang.Name()), esc(current), esc(a.catalog.Text(string(ui), help, nil))),
		Keyboard: [][]models.InlineKeyboardButton{buttons},
	}
	return c.sendMessage(ctx, m)
}

func (a *Adapter) fieldLabel(lang knowledge.Lang, field string) string {
	id := map[string]string{
		"title": "review.field.title", "summary": "review.field.summary",
		"where": "card.where", "fee": "card.fee", "duration": "card.duration", "deadline": "card.deadline",
	}[field]
	if id == "" {
		id = "section." + field
	}
	return a.catalog.Text(string(lang), id, nil)
}

// decide records a reviewer's verdict on the item they were shown, then
// shows the next. A button from an older item answers for that item.
func (a *Adapter) decide(ctx context.Context, c *conversation, from *models.User, action review.Action, id, field, text string) error {
	item, ok := a.reviews.current(c.userID)
	if !ok || item.Procedure != id || item.Field != field {
		langs := a.reviews.langsOf(c.userID)
		if len(langs) == 0 {
			return c.sendText(ctx, "review.not_reviewer", nil)
		}
		p := a.knowledge.Content().Procedure(id)
		if p == nil {
			return a.nextReview(ctx, c, langs[0])
		}
		item = review.Item{Procedure: id, Lang: langs[0], Field: field, Digest: p.Digest}
	}
	err := a.reviews.store.AddDecision(ctx, review.Decision{
		At: time.Now(), Reviewer: c.userID, ReviewerName: displayName(from),
		Procedure: item.Procedure, Lang: item.Lang, Field: item.Field,
		Action: action, Text: strings.TrimSpace(text), SourceDigest: item.Digest,
	})
	if err != nil {
		return err
	}
	if action == review.Correct {
		if err := c.sendText(ctx, "review.saved", nil); err != nil {
			return err
		}
	}
	return a.nextReview(ctx, c, item.Lang)
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
