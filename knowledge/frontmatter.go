package knowledge

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// splitFrontMatter separates the YAML block between the leading "---" lines
// from the Markdown body. bodyLine is the 1-based line where the body starts.
func splitFrontMatter(src []byte) (front []byte, body []byte, bodyLine int, err error) {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return nil, nil, 0, fmt.Errorf("the file must start with a front matter block: a line \"---\", the fields, and another \"---\"")
	}
	rest := src[4:]
	end := -1
	if bytes.HasPrefix(rest, []byte("---\n")) || bytes.Equal(rest, []byte("---")) {
		end = 0
	} else if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
		end = i + 1
	} else if bytes.HasSuffix(rest, []byte("\n---")) {
		end = len(rest) - 3
	}
	if end < 0 {
		return nil, nil, 0, fmt.Errorf("the front matter block is not closed: add a line \"---\" after the fields")
	}
	front = rest[:end]
	body = rest[end:]
	body = bytes.TrimPrefix(body, []byte("---"))
	body = bytes.TrimPrefix(body, []byte("\n"))
	bodyLine = 2 + bytes.Count(front, []byte("\n")) + 1
	return front, body, bodyLine, nil
}

// field describes one front-matter field.
type field struct {
	name        string
	list        bool
	required    bool // required in vi.md
	translation bool // allowed in a translation file
	trRequired  bool // required in a translation file
}

var fields = []field{
	{name: "title", required: true, translation: true, trRequired: true},
	{name: "summary", required: true, translation: true, trRequired: true},
	{name: "keywords", list: true, required: true, translation: true},
	{name: "category", required: true},
	{name: "where", required: true, translation: true},
	{name: "online"},
	{name: "fee", required: true, translation: true},
	{name: "duration", required: true, translation: true},
	{name: "deadline", translation: true},
	{name: "codes", list: true},
	{name: "legal_basis", list: true, required: true},
	{name: "sources", list: true, required: true},
	{name: "updated", required: true, translation: true},
	{name: validFrom}, // the procedure's own span; translations follow vi.md
	{name: validUntil},
	{name: "status", translation: true, trRequired: true},
	{name: "reviewed_by", translation: true},
	{name: "source_digest", translation: true, trRequired: true},
}

func lookupField(name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// frontMatter is the decoded front matter with the line of every field.
type frontMatter struct {
	values map[string]string
	lists  map[string][]string
	lines  map[string]int
	broken bool // not YAML at all: nothing else about the file can be judged
}

func (fm frontMatter) line(name string) int { return fm.lines[name] }

// parseFrontMatter decodes the YAML block strictly, reporting every unknown,
// duplicate, misplaced or mistyped field.
func parseFrontMatter(front []byte, translation bool, pl problemList) frontMatter {
	fm := frontMatter{values: map[string]string{}, lists: map[string][]string{}, lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		pl.errorf(yamlErrorLine(err)+1, "front matter is not valid YAML: %s (a value containing \": \" needs quotes)", strings.TrimSpace(strings.TrimPrefix(yamlErrorText(err), ":")))
		fm.broken = true
		return fm
	}
	if len(doc.Content) == 0 {
		pl.errorf(2, "front matter is empty")
		return fm
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		pl.errorf(root.Line+1, "front matter must be a list of \"field: value\" lines")
		fm.broken = true
		return fm
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		line := key.Line + 1 // +1 for the opening "---"
		f, ok := lookupField(key.Value)
		switch {
		case !ok:
			pl.errorf(line, "unknown field %q (known fields: %s)", key.Value, knownFields(translation))
			continue
		case translation && !f.translation:
			pl.errorf(line, "field %q belongs in vi.md only; translations take it from there", key.Value)
			continue
		case !translation && (f.name == "status" || f.name == "source_digest"):
			pl.errorf(line, "field %q is for translations; vi.md is the source text", key.Value)
			continue
		}
		if _, dup := fm.lines[f.name]; dup {
			pl.errorf(line, "field %q appears twice (first on line %d)", f.name, fm.lines[f.name])
			continue
		}
		fm.lines[f.name] = line
		if f.list {
			fm.lists[f.name] = decodeList(f.name, val, pl)
		} else {
			fm.values[f.name] = decodeScalar(f.name, val, pl)
		}
	}
	for _, f := range fields {
		need := f.required
		if translation {
			need = f.trRequired
		}
		if !need {
			continue
		}
		if _, ok := fm.lines[f.name]; !ok {
			pl.errorf(2, "missing required field %q", f.name)
		} else if fm.values[f.name] == "" && len(fm.lists[f.name]) == 0 {
			pl.errorf(fm.lines[f.name], "field %q is empty", f.name)
		}
	}
	return fm
}

func knownFields(translation bool) string {
	var names []string
	for _, f := range fields {
		if translation && !f.translation || !translation && (f.name == "status" || f.name == "source_digest") {
			continue
		}
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

func decodeScalar(name string, n *yaml.Node, pl problemList) string {
	if n.Kind != yaml.ScalarNode {
		pl.errorf(n.Line+1, "field %q must be a single text value, not a list or block", name)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func decodeList(name string, n *yaml.Node, pl problemList) []string {
	if n.Kind == yaml.ScalarNode && n.Value == "" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		pl.errorf(n.Line+1, "field %q must be a list: one \"- item\" per line", name)
		return nil
	}
	var out []string
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			pl.errorf(item.Line+1, "each item of %q must be plain text", name)
			continue
		}
		v := strings.TrimSpace(item.Value)
		if v == "" {
			pl.errorf(item.Line+1, "empty item in %q", name)
			continue
		}
		out = append(out, v)
	}
	return out
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine extracts the line yaml.v3 names in its message, or 1.
func yamlErrorLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return n
		}
	}
	return 1
}

func yamlErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRE.ReplaceAllString(s, "")
}

// checkURL reports whether s is an absolute http(s) address.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a web address", s)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || strings.ContainsAny(s, " \t") {
		return fmt.Errorf("%q is not a full web address (it must start with https://)", s)
	}
	return nil
}

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", s)
	}
	return t, nil
}
