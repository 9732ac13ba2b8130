package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Content is everything loaded from a content folder.
type Content struct {
	Procedures []*Procedure // sorted by ID
	Categories []Category
	Glossary   []Term
	Synonyms   [][]string // groups of phrases citizens use for the same thing
	Intents    Intents    // messages that are not procedure questions
	Alarms     Alarms     // the signs of an emergency nobody wrote down as a phrase
	Gaps       []Gap      // cases next to a procedure that its card does not cover

	fsys fs.FS // for the recordings, read when sent
}

// Procedure returns the procedure with the given id, or nil.
func (c *Content) Procedure(id string) *Procedure {
	i := sort.Search(len(c.Procedures), func(i int) bool { return c.Procedures[i].ID >= id })
	if i < len(c.Procedures) && c.Procedures[i].ID == id {
		return c.Procedures[i]
	}
	return nil
}

// Category returns the category with the given id.
func (c *Content) Category(id string) (Category, bool) {
	for _, cat := range c.Categories {
		if cat.ID == id {
			return cat, true
		}
	}
	return Category{}, false
}

// The names of files and folders in a content root.
const (
	proceduresDir  = "procedures"
	categoriesFile = "categories.yaml"
	glossaryFile   = "glossary.yaml"
	synonymsFile   = "synonyms.yaml"
	intentsFile    = "intents.yaml"
	gapsFile       = "gaps.yaml"
)

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	citationPattern = regexp.MustCompile(`\[(\d+)\]`)
)

// LoadOption adjusts what Load checks.
type LoadOption func(*loadConfig)

type loadConfig struct {
	today time.Time // zero: expiry is not judged
}

// AsOf makes Load warn about dated content that has expired by the day of
// t in Vietnam (a valid_until before it): content check passes its clock.
func AsOf(t time.Time) LoadOption { return func(c *loadConfig) { c.today = t } }

// Load reads and validates a content folder. It returns what could be loaded
// together with every problem found; when Problems.Err() is non-nil the
// content must not be served.
func Load(fsys fs.FS, opts ...LoadOption) (*Content, Problems) {
	var cfg loadConfig
	for _, o := range opts {
		o(&cfg)
	}
	var problems Problems
	c := &Content{fsys: fsys}
	c.Categories = loadCategories(fsys, &problems)
	c.Glossary = loadGlossary(fsys, &problems)
	c.Synonyms = loadSynonyms(fsys, &problems)
	c.Intents = loadIntents(fsys, &problems)
	c.Alarms = loadAlarms(fsys, &problems)
	c.Gaps = loadGaps(fsys, &problems)
	c.Procedures = loadProcedures(fsys, c, &problems)
	checkGapsNear(c, &problems)
	if !cfg.today.IsZero() {
		checkExpired(c.Procedures, cfg.today, &problems)
	}
	problems.sort()
	return c, problems
}

func loadProcedures(fsys fs.FS, c *Content, problems *Problems) []*Procedure {
	entries, err := fs.ReadDir(fsys, proceduresDir)
	if err != nil {
		*problems = append(*problems, Problem{File: proceduresDir, Severity: Error, Message: "no procedures folder: " + describeFSError(err)})
		return nil
	}
	seen := map[string]string{}
	var dirs []string
	for _, e := range entries {
		name := e.Name()
		dir := path.Join(proceduresDir, name)
		if strings.HasPrefix(name, ".") {
			continue
		}
		pl := problemList{all: problems, file: dir}
		if !e.IsDir() {
			pl.errorf(0, "unexpected file: each procedure is a folder with vi.md inside")
			continue
		}
		if !idPattern.MatchString(name) {
			pl.errorf(0, "folder name %q is not a valid id: use lowercase letters, digits and single dashes (birth-registration)", name)
			continue
		}
		if other, dup := seen[strings.ToLower(name)]; dup {
			pl.errorf(0, "duplicate id: %s is already used by %s", name, other)
			continue
		}
		seen[name] = dir
		dirs = append(dirs, dir)
	}
	// Procedures are independent: parse and check them side by side
	// (start-up time is a target), each with its own problem list.
	type loaded struct {
		p        *Procedure
		problems Problems
	}
	results := make([]loaded, len(dirs))
	workers := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			workers <- struct{}{}
			defer func() { <-workers }()
			results[i].p = loadProcedure(fsys, dir, path.Base(dir), c, &results[i].problems)
		})
	}
	wg.Wait()
	var procs []*Procedure
	for _, r := range results {
		*problems = append(*problems, r.problems...)
		if r.p != nil {
			procs = append(procs, r.p)
		}
	}
	if len(procs) == 0 {
		*problems = append(*problems, Problem{File: proceduresDir, Severity: Error, Message: "no procedures found"})
	}
	sort.Slice(procs, func(i, j int) bool { return procs[i].ID < procs[j].ID })
	checkDuplicateTitles(procs, problems)
	return procs
}

func loadProcedure(fsys fs.FS, dir, id string, c *Content, problems *Problems) *Procedure {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		problemList{all: problems, file: dir}.errorf(0, "cannot read folder: %s", describeFSError(err))
		return nil
	}
	viFile := path.Join(dir, string(Vietnamese)+".md")
	src, err := fs.ReadFile(fsys, viFile)
	if err != nil {
		problemList{all: problems, file: viFile}.errorf(0, "missing vi.md: every procedure needs its Vietnamese text")
		return nil
	}
	p := &Procedure{ID: id, Digest: Digest(src), Texts: map[Lang]*Text{}}
	vi := parseText(src, viFile, Vietnamese, p, problems)
	if vi == nil {
		return nil
	}
	p.Texts[Vietnamese] = vi
	pl := problemList{all: problems, file: viFile}
	if p.Category != "" {
		if _, ok := c.Category(p.Category); !ok && len(c.Categories) > 0 {
			pl.errorf(vi.fieldLine("category"), "unknown category %q: use an id from %s", p.Category, categoriesFile)
		}
	}
	checkCitations(vi, p, pl, true)

	var viWords wordSeq
	source := func() wordSeq {
		if viWords.exact == nil {
			viWords = glossaryWords(vi)
		}
		return viWords
	}
	for _, e := range entries {
		name := e.Name()
		file := path.Join(dir, name)
		if strings.HasPrefix(name, ".") || name == "vi.md" {
			continue
		}
		if e.IsDir() && name == "audio" {
			p.Recordings = loadRecordings(fsys, file, problems)
			continue
		}
		lang := Lang(strings.TrimSuffix(name, ".md"))
		if e.IsDir() || !strings.HasSuffix(name, ".md") || !lang.Valid() {
			problemList{all: problems, file: file}.errorf(0, "unknown file: a procedure folder holds only vi.md, hmn.md, dao.md, tay.md, giay.md and an audio folder")
			continue
		}
		tsrc, err := fs.ReadFile(fsys, file)
		if err != nil {
			problemList{all: problems, file: file}.errorf(0, "cannot read: %s", describeFSError(err))
			continue
		}
		if t := parseText(tsrc, file, lang, p, problems); t != nil {
			p.Texts[lang] = t
			pl := problemList{all: problems, file: file}
			checkTranslation(t, p, pl)
			checkGlossary(t, source, c.Glossary, pl)
		}
	}
	p.words, p.facts = procedureWords(p), p.factSource()
	p.views = buildViews(p)
	return p
}

// parseText parses one language file. For vi.md it also fills the
// procedure-wide fields.
func parseText(src []byte, file string, lang Lang, p *Procedure, problems *Problems) *Text {
	pl := problemList{all: problems, file: file}
	front, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		pl.errorf(1, "%v", err)
		return nil
	}
	translation := lang != Vietnamese
	fm := parseFrontMatter(front, translation, pl)
	if fm.broken {
		parseBody(body, bodyLine, pl) // still report the body's own problems
		return nil
	}
	t := &Text{
		Lang:         lang,
		File:         file,
		Title:        fm.values["title"],
		Summary:      fm.values["summary"],
		Keywords:     fm.lists["keywords"],
		Where:        fm.values["where"],
		Fee:          fm.values["fee"],
		Duration:     fm.values["duration"],
		Deadline:     fm.values["deadline"],
		Status:       Status(fm.values["status"]),
		ReviewedBy:   fm.values["reviewed_by"],
		SourceDigest: fm.values["source_digest"],
		lines:        fm.lines,
	}
	if s := fm.values["updated"]; s != "" {
		if d, err := parseDate(s); err != nil {
			pl.errorf(fm.line("updated"), "%v", err)
		} else {
			t.Updated = d
		}
	}
	if !translation {
		p.Valid = parseValidity(fm.values[validFrom], fm.values[validUntil], fm.line(validFrom), fm.line(validUntil), pl)
		p.Category = fm.values["category"]
		p.Online = fm.values["online"]
		p.Codes = fm.lists["codes"]
		p.LegalBasis = fm.lists["legal_basis"]
		p.Sources = fm.lists["sources"]
		for _, s := range p.Sources {
			if err := checkURL(s); err != nil {
				pl.errorf(fm.line("sources"), "source %v", err)
			}
		}
		if p.Online != "" {
			if err := checkURL(p.Online); err != nil {
				pl.errorf(fm.line("online"), "online: %v", err)
			}
		}
		if n := len(t.Keywords); n > 0 && n < 3 {
			pl.warnf(fm.line("keywords"), "only %d keywords: add the ways citizens really ask, with and without diacritics", n)
		}
	}
	if strings.TrimSpace(string(body)) == "" {
		pl.errorf(bodyLine, "the body is empty: add the sections %s", sectionList())
		return t
	}
	t.Versions = parseBody(body, bodyLine, pl)
	t.Sections = make(map[SectionKey]Section, len(t.Versions))
	for _, k := range SectionKeys() {
		vs := t.Versions[k]
		if len(vs) == 0 {
			continue
		}
		t.Sections[k] = vs[0]
		for _, s := range vs {
			t.dated = t.dated || s.Valid.Dated()
		}
		checkVersions(vs, p.Valid, pl)
	}
	return t
}

func checkTranslation(t *Text, p *Procedure, pl problemList) {
	switch t.Status {
	case Reviewed:
		if t.ReviewedBy == "" {
			pl.errorf(t.fieldLine("status"), "status is reviewed but reviewed_by is empty: say who reviewed it")
		}
	case Draft, Machine, "":
	default:
		pl.errorf(t.fieldLine("status"), "unknown status %q: use reviewed, draft or machine", t.Status)
	}
	if t.SourceDigest != "" && t.SourceDigest != p.Digest {
		pl.warnf(t.fieldLine("source_digest"), "stale: vi.md changed since this was translated (source_digest %s, vi.md is now %s); check the translation, then update source_digest", t.SourceDigest, p.Digest)
	} else if vi := p.Texts[Vietnamese]; vi != nil {
		checkFigures(t, vi, pl) // a stale text is checked again when it is updated
	}
	checkCitations(t, p, pl, false)
}

// checkCitations verifies every [n] marker points into the sources list and,
// for vi.md, that the facts a citizen acts on cite a source.
func checkCitations(t *Text, p *Procedure, pl problemList, canonical bool) {
	cited := map[int]bool{}
	check := func(line int, s string) {
		for _, m := range citationPattern.FindAllStringSubmatch(s, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(p.Sources) {
				pl.errorf(line, "citation [%d] has no source: sources lists %d address(es)", n, len(p.Sources))
				continue
			}
			cited[n] = true
		}
	}
	for _, name := range []string{"summary", "where", "fee", "duration", "deadline"} {
		v := t.field(name)
		check(t.fieldLine(name), v)
		if canonical && v != "" && name != "summary" && !citationPattern.MatchString(v) {
			pl.errorf(t.fieldLine(name), "%s states facts without a source: add [n] after them, n being the source's number in sources", name)
		}
	}
	for _, s := range t.allSections() {
		check(t.fieldLine("sources"), s.Markdown)
	}
	if canonical {
		for i := range p.Sources {
			if !cited[i+1] {
				pl.warnf(t.fieldLine("sources"), "source [%d] is never cited", i+1)
			}
		}
	}
}

func checkDuplicateTitles(procs []*Procedure, problems *Problems) {
	seen := map[string]string{}
	for _, p := range procs {
		for _, lang := range Langs() {
			t := p.Texts[lang]
			if t == nil || t.Title == "" {
				continue
			}
			key := string(lang) + "\x00" + Fold(t.Title)
			if other, dup := seen[key]; dup {
				problemList{all: problems, file: t.File}.errorf(t.fieldLine("title"), "title %q is already used by %s", t.Title, other)
				continue
			}
			seen[key] = p.ID
		}
	}
}

// Digest returns the digest a translation records in source_digest for the
// vi.md it was made from.
func Digest(src []byte) string {
	src = []byte(strings.ReplaceAll(string(src), "\r\n", "\n"))
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])[:16]
}

func describeFSError(err error) string {
	var pe *fs.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func asPathError(err error, target **fs.PathError) bool {
	pe, ok := err.(*fs.PathError)
	if ok {
		*target = pe
	}
	return ok
}

type yamlCategory struct {
	ID    string            `yaml:"id"`
	Title map[string]string `yaml:"title"`
}

func loadCategories(fsys fs.FS, problems *Problems) []Category {
	var raw []yamlCategory
	if !decodeYAMLFile(fsys, categoriesFile, &raw, problems) {
		return nil
	}
	pl := problemList{all: problems, file: categoriesFile}
	var cats []Category
	seen := map[string]bool{}
	for _, rc := range raw {
		if !idPattern.MatchString(rc.ID) {
			pl.errorf(0, "category id %q is not a valid id", rc.ID)
			continue
		}
		if seen[rc.ID] {
			pl.errorf(0, "category %q is listed twice", rc.ID)
			continue
		}
		seen[rc.ID] = true
		cat := Category{ID: rc.ID, Title: map[Lang]string{}}
		for code, title := range rc.Title {
			lang, err := ParseLang(code)
			if err != nil {
				pl.errorf(0, "category %q: %v", rc.ID, err)
				continue
			}
			cat.Title[lang] = title
		}
		if cat.Title[Vietnamese] == "" {
			pl.errorf(0, "category %q has no Vietnamese title", rc.ID)
		}
		cats = append(cats, cat)
	}
	return cats
}

type yamlTerm struct {
	VI           string                `yaml:"vi"`
	Meaning      string                `yaml:"meaning"`
	Translations map[string]yamlTermTr `yaml:"translations"`
}

type yamlTermTr struct {
	Text   string `yaml:"text"`
	Status string `yaml:"status"`
}

func loadGlossary(fsys fs.FS, problems *Problems) []Term {
	var raw []yamlTerm
	if !decodeYAMLFile(fsys, glossaryFile, &raw, problems) {
		return nil
	}
	pl := problemList{all: problems, file: glossaryFile}
	var terms []Term
	for _, rt := range raw {
		if strings.TrimSpace(rt.VI) == "" {
			pl.errorf(0, "a glossary entry has no Vietnamese term (vi)")
			continue
		}
		term := Term{VI: rt.VI, Meaning: rt.Meaning, Translations: map[Lang]TermTranslation{}, viWords: newWordSeq(rt.VI)}
		for code, tr := range rt.Translations {
			lang, err := ParseLang(code)
			if err != nil || lang == Vietnamese {
				pl.errorf(0, "glossary term %q: unknown translation language %q", rt.VI, code)
				continue
			}
			st := Status(tr.Status)
			if st != Reviewed && st != Draft && st != Machine {
				pl.errorf(0, "glossary term %q (%s): status must be reviewed, draft or machine", rt.VI, code)
			}
			term.Translations[lang] = TermTranslation{Text: tr.Text, Status: st, words: newWordSeq(tr.Text)}
		}
		terms = append(terms, term)
	}
	return terms
}

func loadSynonyms(fsys fs.FS, problems *Problems) [][]string {
	var raw [][]string
	if !decodeYAMLFile(fsys, synonymsFile, &raw, problems) {
		return nil
	}
	pl := problemList{all: problems, file: synonymsFile}
	var groups [][]string
	for i, g := range raw {
		var group []string
		for _, phrase := range g {
			if phrase = strings.TrimSpace(phrase); phrase != "" {
				group = append(group, phrase)
			}
		}
		if len(group) < 2 {
			pl.errorf(0, "synonym group %d has fewer than two phrases", i+1)
			continue
		}
		groups = append(groups, group)
	}
	return groups
}

// decodeYAMLFile strictly decodes a YAML file, reporting problems in terms
// of the file. A missing file is an error.
func decodeYAMLFile(fsys fs.FS, name string, v any, problems *Problems) bool {
	pl := problemList{all: problems, file: name}
	f, err := fsys.Open(name)
	if err != nil {
		pl.errorf(0, "missing file: %s", describeFSError(err))
		return false
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		pl.errorf(yamlErrorLine(err), "%s", fmt.Sprint(yamlErrorText(err)))
		return false
	}
	return true
}
