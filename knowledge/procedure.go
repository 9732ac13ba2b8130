package knowledge

import "time"

// Status says how far a translation can be trusted. Users always see it.
type Status string

// Translation statuses, from most to least trusted. Stale and Missing are
// never written in a file: they are derived by comparing with vi.md.
const (
	Reviewed Status = "reviewed" // a native speaker checked it
	Draft    Status = "draft"    // a person wrote it; unchecked
	Machine  Status = "machine"  // machine or non-native draft
	Stale    Status = "stale"    // translated from an older vi.md
	Missing  Status = "missing"  // no file for this language
	Source   Status = "source"   // the canonical Vietnamese text
)

// SectionKey names one of the fixed body sections of a procedure file.
type SectionKey string

// The body sections, in the order a file must have them.
const (
	Documents SectionKey = "documents"
	Steps     SectionKey = "steps"
	Notes     SectionKey = "notes"
)

// SectionKeys lists the body sections in file order.
func SectionKeys() []SectionKey { return []SectionKey{Documents, Steps, Notes} }

// Procedure is one administrative procedure with its Vietnamese text and any
// translations.
type Procedure struct {
	ID         string
	Category   string
	Online     string   // URL of the online channel, if any
	Codes      []string // procedure codes on the National Public Service Portal
	LegalBasis []string
	Sources    []string // URLs; the text cites them as [1], [2]…
	Digest     string   // digest of vi.md, which translations record as source_digest
	Texts      map[Lang]*Text
	Recordings []Recording // people reading it aloud, shipped in audio/
	// Valid is when the procedure is served, from vi.md's valid_from and
	// valid_until; zero: always.
	Valid Validity

	words map[string]bool // folded words of every text, for Mentions
	facts *factSource     // what the texts state, for Guard
	views []view          // the procedure between each two of its dates; nil when undated
	root  *Procedure      // in a view: the procedure as loaded
}

// Mentions reports whether every word (folded, as TopicWords gives them)
// occurs in one of the procedure's texts, in any language.
func (p *Procedure) Mentions(words []string) bool {
	for _, w := range words {
		if !p.words[w] {
			return false
		}
	}
	return true
}

// procedureWords collects the folded words of all of p's texts.
func procedureWords(p *Procedure) map[string]bool {
	words := map[string]bool{}
	for _, t := range p.Texts {
		parts := append([]string{t.Title, t.Summary, t.Where, t.Fee, t.Duration, t.Deadline}, t.Keywords...)
		for _, s := range t.allSections() {
			parts = append(parts, s.Plain)
		}
		for _, part := range parts {
			for _, w := range tokenize(Normalize(part)) {
				words[Fold(w)] = true
			}
		}
	}
	return words
}

// Text returns the procedure's text in lang, or nil when there is none.
func (p *Procedure) Text(lang Lang) *Text { return p.Texts[lang] }

// Best returns the text to show a user of lang: the translation when there is
// one, otherwise Vietnamese.
func (p *Procedure) Best(lang Lang) *Text {
	if t := p.Texts[lang]; t != nil {
		return t
	}
	return p.Texts[Vietnamese]
}

// StatusOf reports how the procedure stands in lang.
func (p *Procedure) StatusOf(lang Lang) Status {
	t := p.Texts[lang]
	switch {
	case t == nil:
		return Missing
	case lang == Vietnamese:
		return Source
	case t.SourceDigest != p.Digest:
		return Stale
	}
	return t.Status
}

// Text is a procedure in one language: one Markdown file.
type Text struct {
	Lang         Lang
	File         string // path relative to the content root, for messages
	Title        string
	Summary      string
	Keywords     []string
	Where        string
	Fee          string
	Duration     string
	Deadline     string
	Updated      time.Time
	Status       Status // empty for Vietnamese
	ReviewedBy   string
	SourceDigest string
	// Sections holds one version of each section: in a text as loaded,
	// the first in the file; in a text from At, the one in force.
	Sections map[SectionKey]Section
	// Versions lists every version of each section, in file order, in a
	// text as loaded (nil in one from At or built by hand).
	Versions map[SectionKey][]Section

	lines map[string]int // front-matter field lines, for messages
	dated bool           // some version of a section has dates
	root  *Text          // in a text from At: the text as loaded
}

// Section is one body section: its Markdown source and a plain-text
// rendering for channels without formatting.
type Section struct {
	Heading  string
	Markdown string
	Plain    string
	Items    []string // list items, plain text, when the section is a list
	// Valid is when this version is in force, from a
	// "<!-- valid_from: …, valid_until: … -->" line under its heading;
	// zero: always.
	Valid Validity

	line      int // of the heading, for messages
	validLine int // of the validity line, 0 when there is none
}

// Category groups procedures for browsing.
type Category struct {
	ID    string
	Title map[Lang]string
}

// TitleIn returns the category title in lang, falling back to Vietnamese.
func (c Category) TitleIn(lang Lang) string {
	if t := c.Title[lang]; t != "" {
		return t
	}
	return c.Title[Vietnamese]
}

// Term is a glossary entry: a key Vietnamese term and the words translations
// must use for it.
type Term struct {
	VI           string
	Meaning      string
	Translations map[Lang]TermTranslation
	viWords      wordSeq // split once, for the glossary check
}

// TermTranslation is a glossary term in one language.
type TermTranslation struct {
	Text   string
	Status Status
	words  wordSeq
}

// Field returns a front-matter text field ("fee") or a body section
// ("documents", as Markdown) by name, as an editor wrote it.
func (t *Text) Field(name string) string {
	if s, ok := t.Sections[SectionKey(name)]; ok {
		return s.Markdown
	}
	return t.field(name)
}

// field returns a front-matter text field by name.
func (t *Text) field(name string) string {
	switch name {
	case "title":
		return t.Title
	case "summary":
		return t.Summary
	case "where":
		return t.Where
	case "fee":
		return t.Fee
	case "duration":
		return t.Duration
	case "deadline":
		return t.Deadline
	}
	return ""
}

// fieldLine returns the line of a front-matter field, or 2 (the first line
// of the block) when the field is absent.
func (t *Text) fieldLine(name string) int {
	if l := t.lines[name]; l > 0 {
		return l
	}
	return 2
}
