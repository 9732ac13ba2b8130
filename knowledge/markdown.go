package knowledge

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// sectionHeadings lists, per section, the headings editors may use, folded
// (no diacritics, lower case). The Vietnamese heading is always accepted, so
// a translator can keep it; translations may also use their own.
var sectionHeadings = map[SectionKey][]string{
	Documents: {"giay to can mang", "giay to", "ho so can chuan bi", "documents"},
	Steps:     {"cac buoc", "cac buoc thuc hien", "steps"},
	Notes:     {"luu y", "ghi chu", "notes"},
}

// VietnameseHeading is the heading a vi.md file uses for each section.
func VietnameseHeading(k SectionKey) string {
	switch k {
	case Documents:
		return "Giấy tờ cần mang"
	case Steps:
		return "Các bước"
	}
	return "Lưu ý"
}

// SectionOf tells which section a "## " heading starts.
func SectionOf(heading string) (SectionKey, bool) { return sectionFor(heading) }

func sectionFor(heading string) (SectionKey, bool) {
	h := strings.TrimSpace(Fold(heading))
	for _, k := range SectionKeys() {
		for _, alias := range sectionHeadings[k] {
			if h == alias {
				return k, true
			}
		}
	}
	return "", false
}

// parseBody splits the Markdown body into its fixed sections, reporting
// missing, unknown, misordered and empty ones. A section may come in
// several versions, each dated by a validity line right under its heading
// (checkVersions judges their dates); they are returned in file order.
func parseBody(body []byte, bodyLine int, pl problemList) map[SectionKey][]Section {
	versions := map[SectionKey][]Section{}
	lineOf := func(offset int) int { return bodyLine + bytes.Count(body[:offset], []byte("\n")) }
	doc := goldmark.DefaultParser().Parse(text.NewReader(body))

	type open struct {
		key       SectionKey
		head      string
		line      int
		nodes     []ast.Node
		valid     Validity
		validLine int
	}
	var cur *open
	seen := map[SectionKey]int{}
	order := 0
	flush := func() {
		if cur == nil {
			return
		}
		s := renderSection(cur.nodes, body)
		s.Heading, s.Valid, s.line, s.validLine = cur.head, cur.valid, cur.line, cur.validLine
		if strings.TrimSpace(s.Plain) == "" {
			pl.errorf(cur.line, "section %q is empty", cur.head)
		}
		versions[cur.key] = append(versions[cur.key], s)
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		off := nodeOffset(n)
		h, isHeading := n.(*ast.Heading)
		if !isHeading {
			// A validity line is Markdown's own comment block, so no
			// Markdown reader shows it; only the one right under a
			// heading dates its section.
			if c, ok := n.(*ast.HTMLBlock); ok && c.HTMLBlockType == ast.HTMLBlockType2 {
				line := lineOf(max(off, 0))
				if v, ok := validityComment(commentText(c, body), line, pl); ok {
					switch {
					case cur == nil || len(cur.nodes) > 0 || cur.validLine > 0:
						pl.errorf(line, "a validity line belongs right under a section's heading, before its text")
					default:
						cur.valid, cur.validLine = v, line
					}
					continue
				}
			}
			if cur == nil {
				if off >= 0 {
					pl.errorf(lineOf(off), "text before the first section: start the body with \"## %s\"", VietnameseHeading(Documents))
				}
				continue
			}
			cur.nodes = append(cur.nodes, n)
			continue
		}
		line := bodyLine
		if off >= 0 {
			line = lineOf(off)
		}
		title := inlineText(h, body)
		if h.Level != 2 {
			pl.errorf(line, "heading %q must be a section heading starting with \"## \" (only ## headings are allowed)", title)
			continue
		}
		key, ok := sectionFor(title)
		if !ok {
			pl.errorf(line, "unknown section %q: use %s", title, sectionList())
			flush()
			cur = nil
			continue
		}
		flush()
		if _, again := seen[key]; !again {
			seen[key] = line
		}
		if idx := sectionIndex(key); idx < order {
			pl.errorf(line, "section %q is out of order: the order is %s (the versions of a section one after another)", title, sectionList())
		} else {
			order = idx
		}
		cur = &open{key: key, head: title, line: line}
	}
	flush()
	for _, k := range SectionKeys() {
		if _, ok := seen[k]; !ok {
			pl.errorf(bodyLine, "missing section \"## %s\"", VietnameseHeading(k))
		}
	}
	return versions
}

// commentText returns an HTML comment block's source, every line of it.
func commentText(c *ast.HTMLBlock, src []byte) string {
	var b strings.Builder
	for i := 0; i < c.Lines().Len(); i++ {
		seg := c.Lines().At(i)
		b.Write(seg.Value(src))
	}
	if c.HasClosure() {
		b.Write(c.ClosureLine.Value(src))
	}
	return b.String()
}

func sectionIndex(k SectionKey) int {
	for i, key := range SectionKeys() {
		if key == k {
			return i
		}
	}
	return -1
}

func sectionList() string {
	var names []string
	for _, k := range SectionKeys() {
		names = append(names, fmt.Sprintf("\"## %s\"", VietnameseHeading(k)))
	}
	return strings.Join(names, ", ")
}

// SectionText returns the words of a section's Markdown without list
// numbering, as figures are compared.
func SectionText(markdown string) string {
	src := []byte(markdown)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var nodes []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		nodes = append(nodes, n)
	}
	return sectionText(renderSection(nodes, src))
}

// renderSection turns a section's blocks into plain text and list items.
func renderSection(nodes []ast.Node, src []byte) Section {
	var s Section
	var plain []string
	start, end := -1, -1
	for _, n := range nodes {
		if off := nodeOffset(n); off >= 0 && start < 0 {
			start = off
		}
		if e := nodeEnd(n); e > end {
			end = e
		}
		switch b := n.(type) {
		case *ast.List:
			i := b.Start
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				t := collapse(blockText(item, src))
				s.Items = append(s.Items, t)
				if b.IsOrdered() {
					plain = append(plain, fmt.Sprintf("%d. %s", i, t))
					i++
				} else {
					plain = append(plain, "• "+t)
				}
			}
		default:
			if t := collapse(blockText(n, src)); t != "" {
				plain = append(plain, t)
			}
		}
	}
	if start >= 0 && end >= start {
		s.Markdown = strings.TrimSpace(string(src[lineStart(src, start):end]))
	}
	s.Plain = strings.Join(plain, "\n")
	return s
}

func lineStart(src []byte, off int) int {
	if i := bytes.LastIndexByte(src[:off], '\n'); i >= 0 {
		return i + 1
	}
	return 0
}

// nodeOffset returns the byte offset where a block starts, or -1.
func nodeOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := nodeOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

// nodeEnd returns the byte offset where a block's last line ends, or -1.
func nodeEnd(n ast.Node) int {
	end := -1
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		end = n.Lines().At(n.Lines().Len() - 1).Stop
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if e := nodeEnd(c); e > end {
			end = e
		}
	}
	return end
}

// blockText concatenates the text of a block and its children, one line
// per paragraph.
func blockText(n ast.Node, src []byte) string {
	if n.Type() == ast.TypeInline {
		return inlineText(n, src)
	}
	if _, ok := n.(*ast.Paragraph); ok {
		return inlineText(n, src)
	}
	if _, ok := n.(*ast.TextBlock); ok {
		return inlineText(n, src)
	}
	var parts []string
	if n.FirstChild() == nil && n.Lines().Len() > 0 { // code blocks
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			parts = append(parts, string(seg.Value(src)))
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t := blockText(c, src); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// inlineText returns the visible text of inline content.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.URL(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
