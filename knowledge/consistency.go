package knowledge

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Figures a translation must carry exactly as vi.md has them: a fee that
// says 50.000 where Vietnamese says 30.000 sends people with the wrong money.
var (
	numberPattern = regexp.MustCompile(`\d+(?:[.,/:\-]\d+)*`)
	urlPattern    = regexp.MustCompile(`https?://[^\s)\]]+`)
)

// figures returns the numbers, dates and web addresses in s, with thousands
// separators dropped ("50.000" and "50,000" are one figure) and source
// markers ignored.
func figures(s string) map[string]bool {
	s = citationPattern.ReplaceAllString(s, " ")
	out := map[string]bool{}
	for _, u := range urlPattern.FindAllString(s, -1) {
		out[strings.TrimRight(u, ".,;")] = true
	}
	s = urlPattern.ReplaceAllString(s, " ")
	for _, n := range numberPattern.FindAllString(s, -1) {
		out[strings.Map(dropSeparator, n)] = true
	}
	return out
}

func dropSeparator(r rune) rune {
	if r == '.' || r == ',' {
		return -1
	}
	return r
}

// CompareFigures returns the figures (numbers, dates, web addresses) that
// got has and want lacks, and those want has and got lacks.
func CompareFigures(got, want string) (added, dropped []string) {
	g, w := figures(got), figures(want)
	for f := range g {
		if !w[f] {
			added = append(added, f)
		}
	}
	for f := range w {
		if !g[f] {
			dropped = append(dropped, f)
		}
	}
	sort.Strings(added)
	sort.Strings(dropped)
	return added, dropped
}

// sectionText is a section's text without the numbers of its list markers.
func sectionText(s Section) string {
	if len(s.Items) > 0 {
		return strings.Join(s.Items, "\n")
	}
	return s.Plain
}

// checkFigures reports, field by field and section by section, figures a
// translation adds or drops against its Vietnamese source.
func checkFigures(t, vi *Text, pl problemList) {
	compare := func(line int, what, got, want string) {
		added, dropped := CompareFigures(got, want)
		if len(added) > 0 {
			pl.errorf(line, "%s has %s, which vi.md does not: figures must equal the Vietnamese", what, strings.Join(added, ", "))
		}
		if len(dropped) > 0 && strings.TrimSpace(got) != "" {
			pl.errorf(line, "%s lacks %s, which vi.md has: figures must equal the Vietnamese", what, strings.Join(dropped, ", "))
		}
	}
	for _, name := range []string{"where", "fee", "duration", "deadline"} {
		compare(t.fieldLine(name), name, t.field(name), vi.field(name))
	}
	for _, k := range SectionKeys() {
		tv, vv := byDate(t.versionsOf(k)), byDate(vi.versionsOf(k))
		if len(tv) == 0 {
			continue
		}
		if !sameDates(tv, vv) {
			pl.errorf(tv[0].line, "section %q has versions %s, vi.md %s: a translation has the versions vi.md has, with the same dates", tv[0].Heading, describeDates(tv), describeDates(vv))
			continue
		}
		for i, ts := range tv {
			line := ts.line
			if line == 0 {
				line = t.fieldLine("sources")
			}
			compare(line, fmt.Sprintf("section %q", ts.Heading), sectionText(ts), sectionText(vv[i]))
		}
	}
}

// allText is every word of a text an editor wrote: fields and sections.
func allText(t *Text) string {
	parts := []string{t.Title, t.Summary, t.Where, t.Fee, t.Duration, t.Deadline}
	for _, s := range t.allSections() {
		parts = append(parts, s.Plain)
	}
	return strings.Join(parts, "\n")
}

// checkGlossary warns where a translation's Vietnamese source uses a
// glossary term and the translation does not use the glossary's word for it.
// source returns the Vietnamese words, made once for all of a procedure's
// translations.
func checkGlossary(t *Text, source func() wordSeq, glossary []Term, pl problemList) {
	var target wordSeq
	for _, term := range glossary {
		tr := term.Translations[t.Lang]
		if tr.Text == "" {
			continue
		}
		if target.exact == nil {
			target = glossaryWords(t)
		}
		if source().contains(term.viWords) && !target.contains(tr.words) {
			pl.warnf(t.fieldLine("title"), "glossary: vi.md says %q; use the glossary's %q for it", term.VI, tr.Text)
		}
	}
}

// glossaryWords returns a text's words; source markers are not words: "một
// mức [2]" is not "mức 2".
func glossaryWords(t *Text) wordSeq {
	return newWordSeq(citationPattern.ReplaceAllString(allText(t), " "))
}
