// Package locales holds the interface text Loa shows users, one JSON file per
// language, and the one place that makes go-i18n work for languages CLDR
// does not know (H'Mông, Dao, Tày, Giáy have no plural rules there).
package locales

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.json
var files embed.FS

// FS returns the built-in message files.
func FS() fs.FS { return files }

// Fallback is the language every other falls back to for a missing message.
const Fallback = "vi"

// File is one language's message file.
type File struct {
	Lang       string            `json:"lang"`
	Status     string            `json:"status"`      // reviewed, draft or machine
	ReviewedBy string            `json:"reviewed_by"` // who reviewed it, when reviewed
	Messages   map[string]string `json:"messages"`
}

// Catalog looks up interface text by language and message id.
type Catalog struct {
	bundles map[string]*i18n.Bundle // one per language: go-i18n's matcher would merge private-use tags
	tags    map[string]string
	files   map[string]File
}

// Load reads every *.json message file in fsys. The Vietnamese file is
// required: it defines the message ids.
func Load(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	c := &Catalog{bundles: map[string]*i18n.Bundle{}, tags: map[string]string{}, files: map[string]File{}}
	for _, name := range names {
		f, err := readFile(fsys, name)
		if err != nil {
			return nil, err
		}
		c.files[f.Lang] = f
	}
	vi, ok := c.files[Fallback]
	if !ok {
		return nil, errors.New("message files: vi.json is missing; every other language falls back to it")
	}
	for lang, f := range c.files {
		b := i18n.NewBundle(language.Vietnamese)
		if err := b.AddMessages(language.Vietnamese, messages(vi)...); err != nil {
			return nil, fmt.Errorf("message file vi.json: %w", err)
		}
		tag := language.Vietnamese
		if lang != Fallback {
			// CLDR has no plural rules for these languages, and AddMessages
			// refuses a tag without them; a private-use carrier tag gets
			// default rules, and a bundle of its own keeps the matcher from
			// confusing two such tags.
			tag, err = language.Parse("art-x-" + lang)
			if err != nil {
				return nil, fmt.Errorf("message file %s.json: language %q: %w", lang, lang, err)
			}
			if err := b.AddMessages(tag, messages(f)...); err != nil {
				return nil, fmt.Errorf("message file %s.json: %w", lang, err)
			}
		}
		c.bundles[lang] = b
		c.tags[lang] = tag.String()
	}
	return c, nil
}

func readFile(fsys fs.FS, name string) (File, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return File{}, fmt.Errorf("read message file %s: %w", name, err)
	}
	var f File
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return File{}, fmt.Errorf("message file %s: %w", name, err)
	}
	want := strings.TrimSuffix(path.Base(name), ".json")
	if f.Lang != want {
		return File{}, fmt.Errorf("message file %s: \"lang\" is %q, want %q", name, f.Lang, want)
	}
	switch f.Status {
	case "reviewed", "draft", "machine":
	default:
		return File{}, fmt.Errorf("message file %s: status %q must be reviewed, draft or machine", name, f.Status)
	}
	return f, nil
}

func messages(f File) []*i18n.Message {
	out := make([]*i18n.Message, 0, len(f.Messages))
	for id, text := range f.Messages {
		out = append(out, &i18n.Message{ID: id, Other: text})
	}
	return out
}

// Text returns message id in lang, filled from data. A language without the
// message falls back to Vietnamese; an unknown id comes back as itself, so a
// user sees something rather than nothing.
func (c *Catalog) Text(lang, id string, data map[string]any) string {
	b, ok := c.bundles[lang]
	if !ok {
		lang, b = Fallback, c.bundles[Fallback]
	}
	loc := i18n.NewLocalizer(b, c.tags[lang], language.Vietnamese.String())
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	var notFound *i18n.MessageNotFoundErr
	if err != nil && !errors.As(err, &notFound) || s == "" {
		return id
	}
	return s
}

// Status returns the translation status and reviewer of lang's file.
func (c *Catalog) Status(lang string) (status, reviewedBy string, ok bool) {
	f, ok := c.files[lang]
	return f.Status, f.ReviewedBy, ok
}

// IDs returns the message ids Vietnamese defines, sorted.
func (c *Catalog) IDs() []string {
	var ids []string
	for id := range c.files[Fallback].Messages {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Missing returns the ids Vietnamese has and lang lacks.
func (c *Catalog) Missing(lang string) []string {
	var out []string
	f := c.files[lang]
	for _, id := range c.IDs() {
		if _, ok := f.Messages[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// SameAsVietnamese returns the ids whose text in lang is the Vietnamese text
// word for word: not yet translated, or a name that stays as it is ("Tiếng
// Việt", "VNeID"). Editors see the count, to know what is left.
func (c *Catalog) SameAsVietnamese(lang string) []string {
	if lang == Fallback {
		return nil
	}
	var out []string
	vi, f := c.files[Fallback], c.files[lang]
	for _, id := range c.IDs() {
		if text, ok := f.Messages[id]; ok && text == vi.Messages[id] {
			out = append(out, id)
		}
	}
	return out
}

// Langs returns the languages that have a message file, sorted.
func (c *Catalog) Langs() []string {
	var out []string
	for l := range c.files {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
