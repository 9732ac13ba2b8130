package telegram

import (
	"context"
	"fmt"
	"slices"
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
	pending   map[int64]pendingItem // the item each reviewer is looking at
}

// pendingItem is the item a reviewer was last shown, and the message that
// showed it: only a reply to that message is a correction.
type pendingItem struct {
	item      review.Item
	messageID int
}

func (d *reviewDesk) langsOf(user int64) []knowledge.Lang {
	if d == nil {
		return nil
	}
	return d.reviewers[user]
}

func (d *reviewDesk) current(user int64) (pendingItem, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.pending[user]
	return p, ok
}

func (d *reviewDesk) setCurrent(user int64, p pendingItem, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		d.pending[user] = p
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
	a.reviews.setCurrent(c.userID, pendingItem{item: item}, ok)
	if !ok {
		return c.sendText(ctx, "review.done", nil)
	}
	p := a.knowledge.Content().Procedure(item.Procedure)
	ui := c.lang()
	head := a.catalog.Text(string(ui), "review.item", map[string]any{
		"Title": p.Text(knowledge.Vietnamese).Title, "Field": a.fieldLabel(ui, item.Field), "Progress": progress.String(),
	})
	current, help := item.Current, "review.help"
	// The buttons name the item whole, so a press is checked against the
	// item shown, never taken for another language or procedure.
	ref := string(item.Lang) + ":" + item.Procedure + ":" + item.Field
	buttons := []models.InlineKeyboardButton{
		{Text: "✅", CallbackData: "ra:" + ref},
		{Text: "⏭", CallbackData: "rs:" + ref},
	}
	if strings.TrimSpace(current) == "" { // nothing to approve: write it
		current, help, buttons = "—", "review.write", buttons[1:]
	}
	m := message{
		HTML: fmt.Sprintf("<b>%s</b>\n\n🇻🇳 %s\n\n✏️ %s: %s\n\n<i>%s</i>",
			esc(head), esc(item.VI), esc(item.Lang.Name()), esc(current), esc(a.catalog.Text(string(ui), help, nil))),
		Keyboard: [][]models.InlineKeyboardButton{buttons},
	}
	id, err := c.send(ctx, m)
	if err != nil {
		return err
	}
	a.reviews.setCurrent(c.userID, pendingItem{item: item, messageID: id}, true)
	return nil
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

// decide records a reviewer's verdict on the item they are looking at, then
// shows the next. A press or reply that names anything else (an older
// message, a message from before a restart, another language) records
// nothing: the reviewer is shown their current item again.
func (a *Adapter) decide(ctx context.Context, c *conversation, from *models.User, action review.Action, lang knowledge.Lang, id, field, text string) error {
	langs := a.reviews.langsOf(c.userID)
	if len(langs) == 0 {
		return c.sendText(ctx, "review.not_reviewer", nil)
	}
	p, ok := a.reviews.current(c.userID)
	if !ok || p.item.Lang != lang || p.item.Procedure != id || p.item.Field != field || !slices.Contains(langs, lang) {
		show := langs[0]
		if ok && slices.Contains(langs, p.item.Lang) {
			show = p.item.Lang
		}
		return a.nextReview(ctx, c, show)
	}
	item := p.item
	err := a.reviews.store.AddDecision(ctx, review.Decision{
		At: time.Now(), Reviewer: c.userID, ReviewerName: displayName(from),
		Procedure: item.Procedure, Lang: item.Lang, Field: item.Field,
		Action: action, Text: strings.TrimSpace(text), SourceDigest: item.Digest,
	})
	if err != nil {
		return err
	}
	if action == review.Correct {
		// At once, like the item that follows it, so the two keep their order.
		if _, err := c.send(ctx, message{HTML: esc(a.catalog.Text(string(c.lang()), "review.saved", nil))}); err != nil {
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
