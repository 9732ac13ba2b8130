package knowledge

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// Validity is a span of calendar days in Vietnam, both ends included; a
// zero end is open. Laws change on known days, and editors write the new
// text ahead of time: Loa serves what is in force on the day.
type Validity struct {
	From  time.Time // first day in force (midnight UTC of that date); zero: since ever
	Until time.Time // last day in force; zero: for good
}

// vietnamOffset is Vietnam's time, UTC+7 all year (no summer time), so
// no time zone database is needed.
const vietnamOffset = 7 * time.Hour

// vietnamDay returns the date t falls on in Vietnam, at midnight UTC: the
// form parseDate gives dates written in the content.
func vietnamDay(t time.Time) time.Time {
	y, m, d := t.UTC().Add(vietnamOffset).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Dated reports whether v has a start or an end.
func (v Validity) Dated() bool { return !v.From.IsZero() || !v.Until.IsZero() }

// InForce reports whether the day t falls on in Vietnam is within v.
func (v Validity) InForce(t time.Time) bool {
	day := vietnamDay(t)
	return (v.From.IsZero() || !day.Before(v.From)) && (v.Until.IsZero() || !day.After(v.Until))
}

// overlaps reports whether v and w share a day.
func (v Validity) overlaps(w Validity) bool {
	return (v.Until.IsZero() || w.From.IsZero() || !w.From.After(v.Until)) &&
		(w.Until.IsZero() || v.From.IsZero() || !v.From.After(w.Until))
}

func (v Validity) String() string {
	const day = "2006-01-02"
	switch {
	case !v.From.IsZero() && !v.Until.IsZero():
		return v.From.Format(day) + " to " + v.Until.Format(day)
	case !v.From.IsZero():
		return "from " + v.From.Format(day)
	case !v.Until.IsZero():
		return "until " + v.Until.Format(day)
	}
	return "undated"
}

// The keys a validity line or vi.md's front matter dates with.
const (
	validFrom  = "valid_from"
	validUntil = "valid_until"
)

// parseValidity reads the two dates as written, reporting bad ones at their
// lines; on an error it returns no dates, so no further errors follow from it.
func parseValidity(from, until string, fromLine, untilLine int, pl problemList) Validity {
	var v Validity
	var err error
	bad := false
	if from != "" {
		if v.From, err = parseDate(from); err != nil {
			pl.errorf(fromLine, "%s: %v", validFrom, err)
			bad = true
		}
	}
	if until != "" {
		if v.Until, err = parseDate(until); err != nil {
			pl.errorf(untilLine, "%s: %v", validUntil, err)
			bad = true
		}
	}
	if !v.From.IsZero() && !v.Until.IsZero() && v.Until.Before(v.From) {
		pl.errorf(untilLine, "%s %s is before %s %s", validUntil, until, validFrom, from)
		bad = true
	}
	if bad {
		return Validity{}
	}
	return v
}

var validityPairPattern = regexp.MustCompile(`([A-Za-z_](?:[A-Za-z_ ]*[A-Za-z_])?)\s*:\s*([^\s,;]+)`)

// validityComment reads "<!-- valid_from: 2027-01-01, valid_until: … -->".
// A comment that does not start with "valid" is an ordinary comment (ok
// false); a validity comment in any other form is an error at line.
func validityComment(comment string, line int, pl problemList) (v Validity, ok bool) {
	inner := strings.TrimSpace(comment)
	inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(inner, "<!--"), "-->"))
	if !strings.HasPrefix(strings.ToLower(inner), "valid") {
		return Validity{}, false
	}
	const form = "write it as <!-- valid_from: YYYY-MM-DD, valid_until: YYYY-MM-DD --> (either or both)"
	dates := map[string]string{}
	var rest strings.Builder // what no "key: date" pair explains
	last := 0
	for _, m := range validityPairPattern.FindAllStringSubmatchIndex(inner, -1) {
		rest.WriteString(inner[last:m[0]])
		last = m[1]
		key, val := inner[m[2]:m[3]], inner[m[4]:m[5]]
		if key != validFrom && key != validUntil {
			pl.errorf(line, "unknown key %q in the validity line: %s", key, form)
			return Validity{}, true
		}
		if _, dup := dates[key]; dup {
			pl.errorf(line, "%s appears twice in the validity line", key)
			return Validity{}, true
		}
		dates[key] = val
	}
	rest.WriteString(inner[last:])
	if strings.Trim(rest.String(), " \t\n,;") != "" || len(dates) == 0 {
		pl.errorf(line, "cannot read the validity line %q: %s", inner, form)
		return Validity{}, true
	}
	return parseValidity(dates[validFrom], dates[validUntil], line, line, pl), true
}

// InForce reports whether the procedure is served on the day of t.
func (p *Procedure) InForce(t time.Time) bool { return p.Valid.InForce(t) }

// At returns the procedure as it stands on the day of t in Vietnam: each
// text with the versions of its sections in force that day. It is nil
// when the procedure is not in force (or p is nil), and p itself when
// nothing in it is dated.
func (p *Procedure) At(t time.Time) *Procedure {
	switch {
	case p == nil:
		return nil
	case p.root != nil:
		return p.root.At(t)
	case !p.Valid.InForce(t):
		return nil
	}
	for _, v := range p.views {
		if v.valid.InForce(t) {
			return v.p
		}
	}
	return p
}

// TextAt returns the procedure's text in lang as it stands on the day of
// t, or nil when there is none or the procedure is not in force.
func (p *Procedure) TextAt(lang Lang, t time.Time) *Text {
	if v := p.At(t); v != nil {
		return v.Text(lang)
	}
	return nil
}

// ProcedureAt returns the procedure with the given id as it stands on the
// day of t, or nil when there is none in force.
func (c *Content) ProcedureAt(id string, t time.Time) *Procedure { return c.Procedure(id).At(t) }

// At returns the text with, for each section, the version in force on the
// day of t; t itself when no section is dated.
func (t *Text) At(when time.Time) *Text {
	switch {
	case t == nil:
		return nil
	case t.root != nil:
		return t.root.At(when)
	case !t.dated:
		return t
	}
	c := *t
	c.root, c.Versions, c.dated = t, nil, false
	c.Sections = make(map[SectionKey]Section, len(t.Versions))
	for k, vs := range t.Versions {
		for _, s := range vs {
			if s.Valid.InForce(when) {
				c.Sections[k] = s
				break
			}
		}
	}
	return &c
}

// view is a procedure over a span of days in which none of its sections
// changes, built once at load so that serving a card costs a lookup.
type view struct {
	valid Validity
	p     *Procedure
}

// buildViews splits time at every date p's sections change on and makes
// the procedure of each span.
func buildViews(p *Procedure) []view {
	seen := map[time.Time]bool{}
	var cuts []time.Time // the first day of each new span
	for _, t := range p.Texts {
		for _, s := range t.allSections() {
			var starts []time.Time
			if !s.Valid.From.IsZero() {
				starts = append(starts, s.Valid.From)
			}
			if !s.Valid.Until.IsZero() {
				starts = append(starts, s.Valid.Until.AddDate(0, 0, 1))
			}
			for _, c := range starts {
				if !seen[c] {
					seen[c] = true
					cuts = append(cuts, c)
				}
			}
		}
	}
	if len(cuts) == 0 {
		return nil
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	var views []view
	for i := 0; i <= len(cuts); i++ {
		var span Validity
		day := cuts[0].AddDate(0, 0, -1)
		if i > 0 {
			span.From, day = cuts[i-1], cuts[i-1]
		}
		if i < len(cuts) {
			span.Until = cuts[i].AddDate(0, 0, -1)
		}
		v := *p
		v.root, v.views = p, nil
		v.Texts = make(map[Lang]*Text, len(p.Texts))
		for lang, t := range p.Texts {
			v.Texts[lang] = t.At(day)
		}
		v.words, v.facts = procedureWords(&v), v.factSource()
		views = append(views, view{valid: span, p: &v})
	}
	return views
}

// allSections returns every version of every section, in section order.
func (t *Text) allSections() []Section {
	var out []Section
	for _, k := range SectionKeys() {
		out = append(out, t.versionsOf(k)...)
	}
	return out
}

// versionsOf returns the versions of section k, in file order.
func (t *Text) versionsOf(k SectionKey) []Section {
	if t.Versions != nil {
		return t.Versions[k]
	}
	if s, ok := t.Sections[k]; ok {
		return []Section{s}
	}
	return nil
}

// byDate returns the versions ordered by their first day, undated start first.
func byDate(vs []Section) []Section {
	out := append([]Section(nil), vs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Valid.From, out[j].Valid.From
		return a.IsZero() && !b.IsZero() || !a.IsZero() && !b.IsZero() && a.Before(b)
	})
	return out
}

// checkVersions reports versions of one section that share a day, leave a
// day of the procedure's span without the section, or are never in force:
// on every day the procedure is served, each section has exactly one
// version.
func checkVersions(vs []Section, procedure Validity, pl problemList) {
	const day = "2006-01-02"
	sorted := byDate(vs)
	for i, s := range sorted {
		if s.Valid.Dated() && !s.Valid.overlaps(procedure) {
			pl.errorf(s.line, "section %q (%s) is never in force: the procedure is in force %s", s.Heading, s.Valid, procedure)
		}
		if i == 0 {
			if f := s.Valid.From; !f.IsZero() && (procedure.From.IsZero() || f.After(procedure.From)) {
				pl.errorf(s.line, "section %q has no version in force before %s: add one with <!-- %s: %s -->", s.Heading, f.Format(day), validUntil, f.AddDate(0, 0, -1).Format(day))
			}
			continue
		}
		prev := sorted[i-1]
		switch {
		case !prev.Valid.Dated() && !s.Valid.Dated():
			first := min(prev.line, s.line)
			pl.errorf(max(prev.line, s.line), "section %q appears twice (first on line %d): two versions of a section need dates that do not overlap, <!-- %s: … --> and <!-- %s: … --> under their headings", s.Heading, first, validUntil, validFrom)
		case prev.Valid.overlaps(s.Valid):
			pl.errorf(s.line, "section %q (%s) overlaps its version on line %d (%s): versions must not share a day", s.Heading, s.Valid, prev.line, prev.Valid)
		case !s.Valid.From.Equal(prev.Valid.Until.AddDate(0, 0, 1)):
			pl.errorf(s.line, "section %q has no version in force from %s to %s: make one version end the day before the next begins", s.Heading, prev.Valid.Until.AddDate(0, 0, 1).Format(day), s.Valid.From.AddDate(0, 0, -1).Format(day))
		}
	}
	if len(sorted) > 0 {
		last := sorted[len(sorted)-1]
		if u := last.Valid.Until; !u.IsZero() && (procedure.Until.IsZero() || u.Before(procedure.Until)) {
			pl.errorf(last.line, "section %q has no version in force after %s: add one with <!-- %s: %s -->", last.Heading, u.Format(day), validFrom, u.AddDate(0, 0, 1).Format(day))
		}
	}
}

// sameDates reports whether two lists of versions, ordered by date, are
// dated alike.
func sameDates(a, b []Section) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Valid != b[i].Valid {
			return false
		}
	}
	return true
}

// describeDates lists the versions' spans: "[until 2026-12-31; from 2027-01-01]".
func describeDates(vs []Section) string {
	var parts []string
	for _, s := range vs {
		parts = append(parts, s.Valid.String())
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// checkExpired warns, from the day after a valid_until, about a procedure
// or a version of a section still in the content: it is no longer served,
// and editors should remove it.
func checkExpired(procs []*Procedure, today time.Time, problems *Problems) {
	const day = "2006-01-02"
	for _, p := range procs {
		vi := p.Texts[Vietnamese]
		if u := p.Valid.Until; !u.IsZero() && vietnamDay(today).After(u) {
			problemList{all: problems, file: vi.File}.warnf(vi.fieldLine(validUntil), "expired: this procedure has not been served since %s (valid_until %s); remove its folder", u.AddDate(0, 0, 1).Format(day), u.Format(day))
			continue
		}
		for _, lang := range Langs() {
			t := p.Texts[lang]
			if t == nil {
				continue
			}
			for _, s := range t.allSections() {
				if u := s.Valid.Until; !u.IsZero() && vietnamDay(today).After(u) {
					problemList{all: problems, file: t.File}.warnf(s.validLine, "expired: section %q (%s) has not been served since %s; remove it, the next version is in force", s.Heading, s.Valid, u.AddDate(0, 0, 1).Format(day))
				}
			}
		}
	}
}
