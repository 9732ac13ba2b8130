// Package review runs the loop in which native-speaker volunteers check
// translations one small piece at a time, and writes their approvals and
// corrections back into the content files for editors to commit.
package review

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"loa/knowledge"
)

// Fields are the pieces of a translation reviewed one at a time, small
// enough to read on a phone.
func Fields() []string {
	return []string{"title", "summary", "where", "fee", "duration", "deadline", "documents", "steps", "notes"}
}

// Action is what a reviewer did with an item.
type Action string

// Actions.
const (
	Approve Action = "approve"
	Correct Action = "correct"
	Skip    Action = "skip"
)

// Decision is one reviewer's verdict on one item. Decisions are kept, never
// overwritten: the latest for an item wins.
type Decision struct {
	At           time.Time
	Reviewer     string // who, as the core names users ("telegram:123")
	ReviewerName string
	Procedure    string
	Lang         knowledge.Lang
	Field        string
	Action       Action
	Text         string // the corrected text, for Correct
	SourceDigest string // the vi.md the reviewer saw
}

// Key names the item a decision is about.
func (d Decision) Key() string { return itemKey(d.Procedure, d.Lang, d.Field) }

func itemKey(id string, lang knowledge.Lang, field string) string {
	return id + "/" + string(lang) + "/" + field
}

// Store keeps decisions.
type Store interface {
	AddDecision(ctx context.Context, d Decision) error
	Decisions(ctx context.Context) ([]Decision, error)
}

// Item is one piece to review: the Vietnamese beside the translation.
type Item struct {
	Procedure string
	Lang      knowledge.Lang
	Field     string
	VI        string
	Current   string
	Digest    string // of vi.md now
}

// Key names the item.
func (it Item) Key() string { return itemKey(it.Procedure, it.Lang, it.Field) }

// Items lists every piece of every translation in lang that is not yet
// reviewed, in procedure and field order. A procedure with no translation
// in lang is listed too, with nothing beside the Vietnamese: a volunteer
// can write it, piece by piece.
func Items(c *knowledge.Content, lang knowledge.Lang) []Item {
	var out []Item
	for _, p := range c.Procedures {
		t, vi := p.Text(lang), p.Text(knowledge.Vietnamese)
		if vi == nil || p.StatusOf(lang) == knowledge.Reviewed {
			continue
		}
		for _, f := range Fields() {
			v := fieldText(vi, f)
			if v == "" {
				continue
			}
			it := Item{Procedure: p.ID, Lang: lang, Field: f, VI: v, Digest: p.Digest}
			if t != nil {
				it.Current = fieldText(t, f)
			}
			out = append(out, it)
		}
	}
	return out
}

// fieldText returns a field or section of a text, as an editor wrote it.
func fieldText(t *knowledge.Text, field string) string { return t.Field(field) }

// Progress is how far a language's review has come.
type Progress struct {
	Checked, Total int
}

func (p Progress) String() string { return strconv.Itoa(p.Checked) + "/" + strconv.Itoa(p.Total) }

// latest returns the latest decision per item key, ignoring decisions made
// on an older vi.md.
func latest(ds []Decision, digests map[string]string) map[string]Decision {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	out := map[string]Decision{}
	for _, d := range ds {
		if digests[d.Procedure] != "" && d.SourceDigest != digests[d.Procedure] {
			continue
		}
		out[d.Key()] = d
	}
	return out
}

// Next returns the next item for a reviewer of lang: the first not yet
// approved or corrected, after those the reviewer skipped (skips go to the
// back of the queue). ok is false when nothing is left.
func Next(c *knowledge.Content, lang knowledge.Lang, ds []Decision) (item Item, progress Progress, ok bool) {
	items := Items(c, lang)
	digests := map[string]string{}
	for _, p := range c.Procedures {
		digests[p.ID] = p.Digest
	}
	done := latest(ds, digests)
	var skipped []Item
	progress.Total = len(items)
	for _, it := range items {
		d, decided := done[it.Key()]
		switch {
		case decided && (d.Action == Approve || d.Action == Correct):
			progress.Checked++
		case decided && d.Action == Skip:
			skipped = append(skipped, it)
		case !ok:
			item, ok = it, true
		}
	}
	if !ok && len(skipped) > 0 {
		item, ok = skipped[0], true
	}
	return item, progress, ok
}

// Reviewers maps users, as the core names them ("telegram:123"), to the
// languages they review.
type Reviewers map[string][]knowledge.Lang

// ParseReviewers reads "123:hmn,456:tay dao" (or one per line): a Telegram
// user id, a colon, and languages.
func ParseReviewers(s string) (Reviewers, error) {
	r := Reviewers{}
	for _, entry := range strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '\n' || c == ';' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" || strings.HasPrefix(entry, "#") {
			continue
		}
		idText, langs, ok := strings.Cut(entry, ":")
		n, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("reviewer %q: write a Telegram user id, a colon and languages (123456:hmn)", entry)
		}
		id := "telegram:" + strconv.FormatInt(n, 10)
		for _, code := range strings.Fields(langs) {
			lang, err := knowledge.ParseLang(code)
			if err != nil || lang == knowledge.Vietnamese {
				return nil, fmt.Errorf("reviewer %d: %q is not a translation language (hmn, dao, tay, giay)", n, code)
			}
			r[id] = append(r[id], lang)
		}
		if len(r[id]) == 0 {
			return nil, fmt.Errorf("reviewer %d has no language", n)
		}
	}
	return r, nil
}

// MemoryStore keeps decisions in memory, for tests and `loa chat`.
type MemoryStore struct {
	mu sync.Mutex
	ds []Decision
}

// AddDecision implements Store.
func (m *MemoryStore) AddDecision(_ context.Context, d Decision) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ds = append(m.ds, d)
	return nil
}

// Decisions implements Store.
func (m *MemoryStore) Decisions(context.Context) ([]Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Decision(nil), m.ds...), nil
}
