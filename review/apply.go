package review

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"loa/knowledge"
)

// Report says what Apply did.
type Report struct {
	Applied  int      // corrections written
	Approved int      // approvals counted
	Reviewed []string // files now marked reviewed
	Created  []string // new translations written by volunteers (status draft)
	Held     []string // corrections kept for an editor, with the reason
}

// Apply writes the latest decisions into the content folder dir: corrected
// text replaces the field or section, and a file whose every piece is
// approved or corrected becomes status reviewed, with its reviewers named.
// A correction to a stale translation, or one whose figures differ from the
// Vietnamese, is held for an editor instead.
func Apply(dir string, ds []Decision) (Report, error) {
	c, problems := knowledge.Load(os.DirFS(dir))
	if err := problems.Err(); err != nil {
		return Report{}, fmt.Errorf("content must be valid before reviews are applied: %w", err)
	}
	var rep Report
	byFile := map[string][]Decision{}
	digests := map[string]string{}
	for _, p := range c.Procedures {
		digests[p.ID] = p.Digest
	}
	for _, d := range ds {
		if d.Action == Skip {
			continue
		}
		byFile[d.Procedure+"/"+string(d.Lang)] = append(byFile[d.Procedure+"/"+string(d.Lang)], d)
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		id, lang, _ := strings.Cut(f, "/")
		if err := applyFile(dir, c, id, knowledge.Lang(lang), byFile[f], &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func applyFile(dir string, c *knowledge.Content, id string, lang knowledge.Lang, ds []Decision, rep *Report) error {
	p := c.Procedure(id)
	if p == nil {
		rep.Held = append(rep.Held, fmt.Sprintf("%s/%s: the procedure no longer exists", id, lang))
		return nil
	}
	if p.Text(lang) == nil {
		return createFile(dir, p, lang, ds, rep)
	}
	stale := p.StatusOf(lang) == knowledge.Stale
	vi, t := p.Text(knowledge.Vietnamese), p.Text(lang)
	path := filepath.Join(dir, filepath.FromSlash(t.File))
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("apply reviews: %w", err)
	}
	text := string(src)
	current := latest(ds, map[string]string{id: p.Digest})
	names := map[string]bool{}
	for _, d := range current {
		where := fmt.Sprintf("%s %s", t.File, d.Field)
		switch {
		case d.Action == Approve:
			rep.Approved++
		case stale:
			rep.Held = append(rep.Held, where+": the Vietnamese changed since this translation; an editor must update it first")
			continue
		default:
			got, want := d.Text, fieldText(vi, d.Field)
			if isSection(d.Field) {
				got, want = knowledge.SectionText(got), knowledge.SectionText(want)
			}
			if added, dropped := knowledge.CompareFigures(got, want); len(added)+len(dropped) > 0 {
				rep.Held = append(rep.Held, fmt.Sprintf("%s: figures differ from the Vietnamese (added %v, missing %v)", where, added, dropped))
				continue
			}
			if text, err = replaceField(text, d.Field, d.Text); err != nil {
				rep.Held = append(rep.Held, where+": "+err.Error())
				continue
			}
			rep.Applied++
		}
		names[d.ReviewerName] = true
	}
	done := !stale && everyItemDone(vi, current)
	if done && hasVersions(vi) {
		rep.Held = append(rep.Held, t.File+": vi.md has dated versions of a section and /review shows only the first of each; an editor checks the others, then sets status: reviewed")
		done = false
	}
	if done {
		var who []string
		for n := range names {
			who = append(who, n)
		}
		sort.Strings(who)
		text = setFrontMatter(text, "status", "reviewed")
		text = setFrontMatter(text, "reviewed_by", strings.Join(who, ", "))
		rep.Reviewed = append(rep.Reviewed, t.File)
	}
	if text == string(src) {
		return nil
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("apply reviews: %w", err)
	}
	// A correction must leave valid content; if not, put the file back.
	if _, problems := knowledge.Load(os.DirFS(dir)); problems.Err() != nil {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return fmt.Errorf("apply reviews: restore %s: %w", t.File, err)
		}
		rep.Held = append(rep.Held, fmt.Sprintf("%s: the corrections would make the file invalid: %v", t.File, problems.Err()))
		rep.Reviewed = removeLast(rep.Reviewed, t.File)
	}
	return nil
}

// hasVersions reports whether a text has a section in several dated versions.
func hasVersions(t *knowledge.Text) bool {
	for _, vs := range t.Versions {
		if len(vs) > 1 {
			return true
		}
	}
	return false
}

func removeLast(ss []string, s string) []string {
	if n := len(ss); n > 0 && ss[n-1] == s {
		return ss[:n-1]
	}
	return ss
}

// everyItemDone reports whether each piece the Vietnamese has was approved
// or corrected.
func everyItemDone(vi *knowledge.Text, current map[string]Decision) bool {
	for _, f := range Fields() {
		if fieldText(vi, f) == "" {
			continue
		}
		found := false
		for _, d := range current {
			if d.Field == f && (d.Action == Approve || d.Action == Correct) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// replaceField puts value in place of a front-matter field or a body
// section, keeping the rest of the file as it is.
func replaceField(text, field, value string) (string, error) {
	if isSection(field) {
		return replaceSection(text, knowledge.SectionKey(field), value)
	}
	return setFrontMatter(text, field, value), nil
}

func isSection(field string) bool {
	for _, k := range knowledge.SectionKeys() {
		if string(k) == field {
			return true
		}
	}
	return false
}

// setFrontMatter sets a single-line front-matter field, adding it before
// the closing "---" if absent.
func setFrontMatter(text, field, value string) string {
	line := strings.TrimRight(yamlLine(field, value), "\n")
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" {
			return strings.Join(append(lines[:i], append([]string{line}, lines[i:]...)...), "\n")
		}
		if strings.HasPrefix(lines[i], field+":") {
			lines[i] = line
			return strings.Join(lines, "\n")
		}
	}
	return text
}

func yamlLine(field, value string) string {
	out, err := yaml.Marshal(map[string]string{field: value})
	if err != nil { // a string always marshals
		return field + ": " + value
	}
	return string(out)
}

// replaceSection replaces the body of the section whose "## " heading maps
// to key.
func replaceSection(text string, key knowledge.SectionKey, value string) (string, error) {
	lines := strings.Split(text, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		if !strings.HasPrefix(l, "## ") {
			continue
		}
		if start >= 0 {
			end = i
			break
		}
		if k, ok := knowledge.SectionOf(strings.TrimPrefix(l, "## ")); ok && k == key {
			start = i
		}
	}
	if start < 0 {
		return text, fmt.Errorf("no section for %s in the file", key)
	}
	head := start + 1
	// A validity line under the heading dates this version: keep it.
	for i := start + 1; i < end; i++ {
		if l := strings.TrimSpace(lines[i]); l != "" {
			if strings.HasPrefix(l, "<!-- valid") && strings.HasSuffix(l, "-->") {
				head = i + 1
			}
			break
		}
	}
	body := []string{"", strings.TrimSpace(value), ""}
	out := append(append(append([]string{}, lines[:head]...), body...), lines[end:]...)
	return strings.Join(out, "\n"), nil
}

// createFile writes a new translation from a volunteer's pieces, once every
// piece the Vietnamese has is written. It is a draft: a person wrote it and
// nobody has checked it yet.
func createFile(dir string, p *knowledge.Procedure, lang knowledge.Lang, ds []Decision, rep *Report) error {
	vi := p.Text(knowledge.Vietnamese)
	rel := path.Join("procedures", p.ID, string(lang)+".md")
	current := latest(ds, map[string]string{p.ID: p.Digest})
	written := map[string]string{}
	for _, d := range current {
		if d.Action != Correct {
			continue
		}
		got, want := d.Text, fieldText(vi, d.Field)
		if isSection(d.Field) {
			got, want = knowledge.SectionText(got), knowledge.SectionText(want)
		}
		if added, dropped := knowledge.CompareFigures(got, want); len(added)+len(dropped) > 0 {
			rep.Held = append(rep.Held, fmt.Sprintf("%s %s: figures differ from the Vietnamese (added %v, missing %v)", rel, d.Field, added, dropped))
			continue
		}
		written[d.Field] = d.Text
	}
	var missing []string
	for _, f := range Fields() {
		if fieldText(vi, f) != "" && strings.TrimSpace(written[f]) == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		if len(written) > 0 {
			rep.Held = append(rep.Held, fmt.Sprintf("%s: not written yet, still missing %s", rel, strings.Join(missing, ", ")))
		}
		return nil
	}
	var b strings.Builder
	b.WriteString("---\n")
	for _, f := range []string{"title", "summary", "where", "fee", "duration", "deadline"} {
		if written[f] != "" {
			b.WriteString(yamlLine(f, written[f]))
		}
	}
	b.WriteString(yamlLine("updated", time.Now().Format("2006-01-02")))
	b.WriteString("status: draft\n")
	b.WriteString(yamlLine("source_digest", p.Digest))
	b.WriteString("---\n")
	for _, k := range knowledge.SectionKeys() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", knowledge.VietnameseHeading(k), strings.TrimSpace(written[string(k)]))
	}
	file := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("apply reviews: %w", err)
	}
	if _, problems := knowledge.Load(os.DirFS(dir)); problems.Err() != nil {
		os.Remove(file)
		rep.Held = append(rep.Held, fmt.Sprintf("%s: the written pieces would make an invalid file: %v", rel, problems.Err()))
		return nil
	}
	rep.Applied += len(written)
	rep.Created = append(rep.Created, rel)
	return nil
}
