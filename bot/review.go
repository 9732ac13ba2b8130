package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"loa/knowledge"
	"loa/review"
)

// CommandReview starts or resumes a translation review: /review [lang].
const CommandReview = "review"

// ReviewItem is a piece of a translation shown to a reviewer (KindReview).
type ReviewItem struct {
	review.Item
	Title    string // the procedure's Vietnamese title
	Progress review.Progress
}

// reviewDesk serves translation review to the native-speaker volunteers
// listed in the configuration: one piece at a time. A decision binds to
// the item it names (the button pressed, or the item message replied to),
// and records only when that is the reviewer's current item.
type reviewDesk struct {
	reviewers review.Reviewers
	store     review.Store
	kb        Knowledge
	now       func() time.Time
	mu        sync.Mutex
	current   map[string]review.Item // by reviewer's Address.Key
}

// ButtonApprove approves the item shown; ButtonSkip skips it. The data names
// the item whole, so a press is checked against the item shown, never taken
// for another language, procedure or field.
func ButtonApprove(it review.Item) string { return "ra:" + itemRef(it) }

// ButtonSkip skips the item shown.
func ButtonSkip(it review.Item) string { return "rs:" + itemRef(it) }

func itemRef(it review.Item) string { return string(it.Lang) + ":" + it.Procedure + ":" + it.Field }

// parseRef reads what itemRef wrote; a button of an older Loa gives zero.
func parseRef(ref string) (lang knowledge.Lang, id, field string) {
	parts := strings.SplitN(ref, ":", 3)
	if len(parts) != 3 {
		return "", "", ""
	}
	return knowledge.Lang(parts[0]), parts[1], parts[2]
}

// reviewRef returns the item a button's data names, if it is a review
// button.
func reviewRef(data string) (action review.Action, ref string, ok bool) {
	kind, rest := splitButton(data)
	switch kind {
	case "ra":
		return review.Approve, rest, true
	case "rs":
		return review.Skip, rest, true
	}
	return "", "", false
}

func (d *reviewDesk) langsOf(who Address) []knowledge.Lang {
	if d == nil || who.Group { // reviews happen in private
		return nil
	}
	return d.reviewers[who.Key()]
}

// start answers /review [lang].
func (d *reviewDesk) start(ctx context.Context, who Address, arg string) ([]Reply, error) {
	langs := d.langsOf(who)
	if len(langs) == 0 {
		return []Reply{message("review.not_reviewer")}, nil
	}
	lang := langs[0]
	if l, err := knowledge.ParseLang(strings.TrimSpace(arg)); err == nil && slices.Contains(langs, l) {
		lang = l
	}
	return d.next(ctx, who, lang)
}

// next shows the reviewer the next unchecked piece in lang.
func (d *reviewDesk) next(ctx context.Context, who Address, lang knowledge.Lang) ([]Reply, error) {
	item, progress, ok, err := d.upcoming(ctx, lang)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if ok {
		d.current[who.Key()] = item
	} else {
		delete(d.current, who.Key())
	}
	d.mu.Unlock()
	if !ok {
		return []Reply{message("review.done")}, nil
	}
	title := d.kb.Content().Procedure(item.Procedure).Text(knowledge.Vietnamese).Title
	return []Reply{{Kind: KindReview, Review: &ReviewItem{Item: item, Title: title, Progress: progress}}}, nil
}

func (d *reviewDesk) upcoming(ctx context.Context, lang knowledge.Lang) (review.Item, review.Progress, bool, error) {
	ds, err := d.store.Decisions(ctx)
	if err != nil {
		return review.Item{}, review.Progress{}, false, fmt.Errorf("read review decisions: %w", err)
	}
	item, progress, ok := review.Next(d.kb.Content(), lang, ds)
	return item, progress, ok, nil
}

// decide records a verdict on the item ref names, then shows the next.
// Only the reviewer's current item is decided; after a restart, when Loa
// no longer remembers it, the item that is next in its language is. A
// press or reply naming anything else (an older item, another language)
// records nothing and shows the current item again.
func (d *reviewDesk) decide(ctx context.Context, who Address, name string, action review.Action, ref, text string) ([]Reply, error) {
	langs := d.langsOf(who)
	if len(langs) == 0 {
		return []Reply{message("review.not_reviewer")}, nil
	}
	lang, id, field := parseRef(ref)
	d.mu.Lock()
	item, known := d.current[who.Key()]
	d.mu.Unlock()
	if !known && slices.Contains(langs, lang) {
		next, _, ok, err := d.upcoming(ctx, lang)
		if err != nil {
			return nil, err
		}
		item, known = next, ok
	}
	if !known || item.Lang != lang || item.Procedure != id || item.Field != field || !slices.Contains(langs, lang) {
		show := langs[0]
		if known && slices.Contains(langs, item.Lang) {
			show = item.Lang
		}
		return d.next(ctx, who, show)
	}
	err := d.store.AddDecision(ctx, review.Decision{
		At: d.now(), Reviewer: who.Key(), ReviewerName: name,
		Procedure: item.Procedure, Lang: item.Lang, Field: item.Field,
		Action: action, Text: strings.TrimSpace(text), SourceDigest: item.Digest,
	})
	if err != nil {
		return nil, fmt.Errorf("record review decision: %w", err)
	}
	var replies []Reply
	if action == review.Correct {
		replies = append(replies, message("review.saved"))
	}
	next, err := d.next(ctx, who, item.Lang)
	return append(replies, next...), err
}
