package knowledge

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// PlainText turns Markdown (an announcement) into the plain text Loa
// sends: its paragraphs and list items, without markup.
func PlainText(markdown string) string {
	src := []byte(markdown)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var nodes []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		nodes = append(nodes, n)
	}
	return renderSection(nodes, src).Plain
}
