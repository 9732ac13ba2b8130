package bot

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"loa/knowledge"
)

// What editors read: the questions Loa could not answer (gaps) and how it
// does (stats), built from the redacted question log, the votes and the
// desk. The same reports serve `loa content gaps`, `loa stats`, /gaps and
// /stats.

// ReportStore is what the reports read.
type ReportStore interface {
	LoggedQuestions(ctx context.Context, since time.Time) ([]LoggedQuestion, error)
	Votes(ctx context.Context, since time.Time) ([]Feedback, error)
	DeskItems(ctx context.Context, states ...DeskState) ([]DeskItem, error)
}

// deskVotePrefix marks votes on a volunteer's answer, not on a card.
const deskVotePrefix = "desk/"

// Gap is a group of similar questions Loa could not answer, or a card
// people said did not help, or a volunteer's answer: each a proposal an
// editor can turn into keywords or a procedure.
type Gap struct {
	Kind     string   // "unanswered", "disliked" or "answered by a volunteer"
	Wording  string   // the most frequent wording (redacted)
	Others   []string // other wordings of the group, up to maxWordings
	Count    int      // questions, 👎 votes, or desk answers
	Langs    []string
	Last     time.Time
	Nearest  string // the procedure the search finds nearest, when one does
	Answer   string // what a volunteer answered (redacted)
	Proposal string // what an editor might do, in plain words
}

const maxWordings = 4

// Nearest names the procedure a question comes closest to, or "".
type Nearest func(ctx context.Context, question string) string

// Gaps lists what people asked that the content does not answer well,
// since a time: unanswered questions grouped by similar wording, most
// frequent first; cards with 👎; and the answers volunteers gave.
func Gaps(ctx context.Context, st ReportStore, since time.Time, nearest Nearest) ([]Gap, error) {
	qs, err := st.LoggedQuestions(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("read the question log: %w", err)
	}
	votes, err := st.Votes(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("read the votes: %w", err)
	}
	items, err := st.DeskItems(ctx, DeskAnswered, DeskClosed)
	if err != nil {
		return nil, fmt.Errorf("read the desk: %w", err)
	}
	var unanswered []LoggedQuestion
	for _, q := range qs {
		if q.Outcome == "none" {
			unanswered = append(unanswered, q)
		}
	}
	var gaps []Gap
	for _, g := range groupSimilar(unanswered) {
		gap := Gap{Kind: "unanswered", Wording: g.wording(), Others: g.others(), Count: len(g.questions), Langs: g.langs(), Last: g.last()}
		if nearest != nil {
			gap.Nearest = nearest(ctx, gap.Wording)
		}
		gap.Proposal = proposeKeywords(gap.Wording, gap.Nearest)
		gaps = append(gaps, gap)
	}
	gaps = append(gaps, disliked(votes, qs)...)
	for _, it := range items {
		if it.Answer == "" || it.Answered.Before(since) {
			continue
		}
		gap := Gap{Kind: "answered by a volunteer", Wording: it.Question, Count: 1, Langs: []string{string(it.Lang)}, Last: it.Answered, Nearest: it.Card, Answer: it.Answer}
		if it.Card != "" {
			gap.Proposal = fmt.Sprintf("check the answer against %s and add what it lacks; add the keyword «%s»", it.Card, it.Question)
		} else {
			gap.Proposal = "a new procedure, or a note in gaps.yaml, from the volunteer's answer (check it against its legal basis first)"
		}
		gaps = append(gaps, gap)
	}
	return gaps, nil
}

// disliked lists the cards voted 👎, most 👎 first, with the questions
// that led to them.
func disliked(votes []Feedback, qs []LoggedQuestion) []Gap {
	down := map[string]*Gap{}
	for _, v := range votes {
		if v.Helpful || v.Procedure == "" || strings.HasPrefix(v.Procedure, deskVotePrefix) {
			continue
		}
		g, ok := down[v.Procedure]
		if !ok {
			g = &Gap{Kind: "disliked", Nearest: v.Procedure}
			down[v.Procedure] = g
		}
		g.Count++
		if !slices.Contains(g.Langs, v.Lang) {
			g.Langs = append(g.Langs, v.Lang)
		}
		g.Last = maxTime(g.Last, v.At)
	}
	var out []Gap
	for id, g := range down {
		for i := len(qs) - 1; i >= 0; i-- { // the latest wordings first
			q := qs[i]
			if q.Procedure != id || q.Outcome != "direct" || slices.Contains(g.Others, q.Text) || q.Text == g.Wording {
				continue
			}
			if g.Wording == "" {
				g.Wording = q.Text
			} else if len(g.Others) < maxWordings {
				g.Others = append(g.Others, q.Text)
			}
		}
		g.Proposal = fmt.Sprintf("read %s again with these questions: something people need is missing or unclear", id)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Gap) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Nearest, b.Nearest)) })
	return out
}

// proposeKeywords proposes the wording itself as a keyword: keywords are
// phrases as people write them, and the editor trims them.
func proposeKeywords(wording, nearest string) string {
	if len(knowledge.TopicWords(wording)) == 0 {
		return "no topic words: nothing to add"
	}
	if nearest != "" {
		return fmt.Sprintf("if %s answers it, add the keyword «%s» (and it without accents); if not, a new procedure or a note in gaps.yaml", nearest, wording)
	}
	return fmt.Sprintf("a new procedure, or a note in gaps.yaml, for «%s»", wording)
}

// questionGroup is questions with similar topic words.
type questionGroup struct {
	words     []string // of the first question
	questions []LoggedQuestion
}

// groupSimilar groups questions whose topic words overlap by half or more
// (Jaccard), largest group first: a greedy pass, enough for the hundreds
// of questions a week a province logs.
func groupSimilar(qs []LoggedQuestion) []*questionGroup {
	var groups []*questionGroup
	for _, q := range qs {
		words := knowledge.TopicWords(q.Text)
		slices.Sort(words)
		words = slices.Compact(words)
		var best *questionGroup
		bestScore := 0.0
		for _, g := range groups {
			if s := jaccard(words, g.words); s >= 0.5 && s > bestScore {
				best, bestScore = g, s
			}
		}
		if best == nil {
			best = &questionGroup{words: words}
			groups = append(groups, best)
		}
		best.questions = append(best.questions, q)
	}
	slices.SortStableFunc(groups, func(a, b *questionGroup) int { return len(b.questions) - len(a.questions) })
	return groups
}

// jaccard is |a∩b| / |a∪b| of two sorted sets; two empty sets are alike.
func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	both := 0
	for _, w := range a {
		if _, found := slices.BinarySearch(b, w); found {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// wording is the group's most frequent text (the first seen on a tie).
func (g *questionGroup) wording() string {
	count := map[string]int{}
	best := ""
	for _, q := range g.questions {
		count[q.Text]++
		if count[q.Text] > count[best] {
			best = q.Text
		}
	}
	return best
}

func (g *questionGroup) others() []string {
	main := g.wording()
	var out []string
	for i := len(g.questions) - 1; i >= 0 && len(out) < maxWordings; i-- {
		if t := g.questions[i].Text; t != main && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (g *questionGroup) langs() []string {
	var out []string
	for _, q := range g.questions {
		if !slices.Contains(out, q.Lang) {
			out = append(out, q.Lang)
		}
	}
	return out
}

func (g *questionGroup) last() time.Time {
	var t time.Time
	for _, q := range g.questions {
		t = maxTime(t, q.At)
	}
	return t
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// WriteGaps writes gaps as text an editor reads, at most limit of them
// (0: all).
func WriteGaps(w io.Writer, gaps []Gap, limit int) error {
	if len(gaps) == 0 {
		_, err := fmt.Fprintln(w, "Nothing unanswered, disliked or answered by volunteers in this period.")
		return err
	}
	if limit > 0 && len(gaps) > limit {
		defer fmt.Fprintf(w, "… and %d more (loa content gaps lists all)\n", len(gaps)-limit)
		gaps = gaps[:limit]
	}
	for i, g := range gaps {
		var b strings.Builder
		if i > 0 {
			b.WriteString("\n") // a blank line: each gap a block of its own
		}
		fmt.Fprintf(&b, "%d. [%s, %s, %s] %s\n", i+1, g.Kind, Small(g.Count), strings.Join(g.Langs, " "), g.Wording)
		for _, o := range g.Others {
			fmt.Fprintf(&b, "     also: %s\n", o)
		}
		if g.Answer != "" {
			fmt.Fprintf(&b, "     volunteer: %s\n", g.Answer)
		}
		fmt.Fprintf(&b, "     → %s\n", g.Proposal)
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// WriteGapsCSV writes gaps as CSV for reports, counts under 5 as "<5".
func WriteGapsCSV(w io.Writer, gaps []Gap) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "count", "languages", "last", "wording", "other wordings", "nearest procedure", "volunteer answer", "proposal"})
	for _, g := range gaps {
		cw.Write([]string{g.Kind, Small(g.Count), strings.Join(g.Langs, " "), g.Last.Format(time.DateOnly), g.Wording, strings.Join(g.Others, " | "), g.Nearest, g.Answer, g.Proposal})
	}
	cw.Flush()
	return cw.Error()
}

// Small shows a count an editor may share: under 5 (but not 0) it is "<5",
// since in a small village a count of 1 can name a person.
func Small(n int) string {
	if n > 0 && n < 5 {
		return "<5"
	}
	return strconv.Itoa(n)
}

// Counts is what Loa did with the questions of a period.
type Counts struct {
	Questions int // text questions logged, of every outcome
	Direct    int // answered with a card (drafted or not)
	Choices   int // offered a list to choose from
	None      int // not answered
	Escalated int // handed to the volunteers' desk
	Up, Down  int // 👍 and 👎 on cards and volunteers' answers
}

// StatsRow is the counts of one language, procedure or week.
type StatsRow struct {
	Key string
	Counts
}

// Stats counts questions, answers, escalations and votes since a time, in
// all and by language, procedure and ISO week.
type Stats struct {
	Since, Until time.Time
	Total        Counts
	ByLang       []StatsRow
	ByProcedure  []StatsRow // "volunteers" for votes on their answers
	ByWeek       []StatsRow // "2026-W49"
}

// CountStats builds Stats from the store, since a time until now.
func CountStats(ctx context.Context, st ReportStore, since, now time.Time) (Stats, error) {
	qs, err := st.LoggedQuestions(ctx, since)
	if err != nil {
		return Stats{}, fmt.Errorf("read the question log: %w", err)
	}
	votes, err := st.Votes(ctx, since)
	if err != nil {
		return Stats{}, fmt.Errorf("read the votes: %w", err)
	}
	items, err := st.DeskItems(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("read the desk: %w", err)
	}
	s := Stats{Since: since, Until: now}
	lang, proc, week := map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}
	add := func(m map[string]*Counts, key string, f func(*Counts)) {
		if key == "" {
			return
		}
		c, ok := m[key]
		if !ok {
			c = &Counts{}
			m[key] = c
		}
		f(c)
	}
	each := func(l, p string, at time.Time, f func(*Counts)) {
		f(&s.Total)
		add(lang, l, f)
		add(proc, p, f)
		add(week, isoWeek(at), f)
	}
	for _, q := range qs {
		each(q.Lang, q.Procedure, q.At, func(c *Counts) {
			c.Questions++
			switch q.Outcome {
			case "direct", "drafted":
				c.Direct++
			case "choices":
				c.Choices++
			case "none":
				c.None++
			}
		})
	}
	for _, it := range items {
		if it.Created.Before(since) {
			continue
		}
		each(string(it.Lang), it.Card, it.Created, func(c *Counts) { c.Escalated++ })
	}
	for _, v := range votes {
		p := v.Procedure
		if strings.HasPrefix(p, deskVotePrefix) {
			p = "volunteers"
		}
		each(v.Lang, p, v.At, func(c *Counts) {
			if v.Helpful {
				c.Up++
			} else {
				c.Down++
			}
		})
	}
	s.ByLang, s.ByProcedure, s.ByWeek = rows(lang), rows(proc), rows(week)
	slices.SortFunc(s.ByProcedure, func(a, b StatsRow) int {
		return cmp.Or(b.Questions-a.Questions, b.Up+b.Down-a.Up-a.Down, strings.Compare(a.Key, b.Key))
	})
	return s, nil
}

func rows(m map[string]*Counts) []StatsRow {
	out := make([]StatsRow, 0, len(m))
	for k, c := range m {
		out = append(out, StatsRow{Key: k, Counts: *c})
	}
	slices.SortFunc(out, func(a, b StatsRow) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

var statsHeader = []string{"questions", "direct", "choices", "none", "escalated", "👍", "👎"}

func (c Counts) cells() []string {
	return []string{Small(c.Questions), Small(c.Direct), Small(c.Choices), Small(c.None), Small(c.Escalated), Small(c.Up), Small(c.Down)}
}

// WriteStats writes stats as aligned text, each table at most limit rows
// (0: all); counts under 5 are "<5".
func WriteStats(w io.Writer, s Stats, limit int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "From %s to %s (counts under 5 shown as <5)\n", s.Since.Format(time.DateOnly), s.Until.Format(time.DateOnly))
	table := func(title string, rs []StatsRow) {
		fmt.Fprintf(&b, "\n%s\n", title)
		if len(rs) == 0 {
			b.WriteString("  (none)\n")
			return
		}
		width := len(title)
		for _, r := range rs {
			width = max(width, len([]rune(r.Key)))
		}
		fmt.Fprintf(&b, "  %-*s", width, "")
		for _, h := range statsHeader {
			fmt.Fprintf(&b, " %9s", h)
		}
		b.WriteString("\n")
		shown := rs
		if limit > 0 && len(rs) > limit {
			shown = rs[:limit]
		}
		for _, r := range shown {
			fmt.Fprintf(&b, "  %-*s", width, r.Key)
			for _, c := range r.cells() {
				fmt.Fprintf(&b, " %9s", c)
			}
			b.WriteString("\n")
		}
		if len(shown) < len(rs) {
			fmt.Fprintf(&b, "  … %d more\n", len(rs)-len(shown))
		}
	}
	table("all", []StatsRow{{Key: "total", Counts: s.Total}})
	table("language", s.ByLang)
	table("procedure", s.ByProcedure)
	table("week", s.ByWeek)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteStatsCSV writes every row of stats as CSV: table, key, counts.
func WriteStatsCSV(w io.Writer, s Stats) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"table", "key"}, statsHeader...))
	cw.Write(append([]string{"all", "total"}, s.Total.cells()...))
	for _, t := range []struct {
		name string
		rows []StatsRow
	}{{"language", s.ByLang}, {"procedure", s.ByProcedure}, {"week", s.ByWeek}} {
		for _, r := range t.rows {
			cw.Write(append([]string{t.name, r.Key}, r.cells()...))
		}
	}
	cw.Flush()
	return cw.Error()
}
