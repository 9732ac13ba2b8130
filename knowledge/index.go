package knowledge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Indexed field names. Each text field is indexed three ways: with accents
// (exact), folded, and as folded syllable pairs (bigrams).
const (
	fieldProc = "proc"
	fieldLang = "lang"
)

// textFields are the indexed texts: the head (title and keywords, the ways
// citizens name the procedure) and the body (everything else). Two fields
// keep a question's term lookups few.
var textFields = []string{"head", "body"}

func exactField(f string) string  { return f + "_exact" }
func foldField(f string) string   { return f + "_fold" }
func bigramField(f string) string { return f + "_bi" }

// newIndexMapping describes how procedure texts are analysed.
func newIndexMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, fmt.Errorf("define analyzers: %w", err)
	}
	im.ScoringModel = "bm25"
	doc := bleve.NewDocumentStaticMapping()
	keyword := bleve.NewKeywordFieldMapping()
	keyword.IncludeInAll = false
	doc.AddFieldMappingsAt(fieldProc, keyword)
	doc.AddFieldMappingsAt(fieldLang, keyword)
	for _, f := range textFields {
		mappings := []*mapping.FieldMapping{
			textMapping(foldField(f), analyzerFold),
			textMapping(bigramField(f), analyzerBigram),
		}
		if _, ok := fieldWeights.exact[f]; ok { // only fields searched with accents
			mappings = append(mappings, textMapping(exactField(f), analyzerExact))
		}
		doc.AddFieldMappingsAt(f, mappings...)
	}
	im.DefaultMapping = doc
	im.DefaultAnalyzer = analyzerFold
	return im, nil
}

func textMapping(name, analyzer string) *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Name = name
	fm.Analyzer = analyzer
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	fm.DocValues = false
	return fm
}

// docID names the index document of one procedure in one language.
func docID(id string, lang Lang) string { return id + "/" + string(lang) }

func splitDocID(s string) (string, Lang) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return s, Vietnamese
	}
	return s[:i], Lang(s[i+1:])
}

// indexText is what the index sees of one procedure text; it is also what
// `loa content export` writes.
func indexText(p *Procedure, t *Text) map[string]any {
	return map[string]any{
		fieldProc: p.ID,
		fieldLang: string(t.Lang),
		"head":    append([]string{t.Title}, t.Keywords...),
		"body":    Clean(t.Summary) + "\n" + bodyText(t),
	}
}

// bodyText is the searchable text of a procedure beyond title and summary.
func bodyText(t *Text) string {
	parts := []string{t.Where, t.Fee, t.Duration, t.Deadline}
	for _, s := range t.allSections() { // every version: search finds a text whatever day it is asked
		parts = append(parts, s.Plain)
	}
	var b strings.Builder
	for _, p := range parts {
		if p = Clean(p); p != "" {
			b.WriteString(p)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// searchIndex is one in-memory index per language, so each language keeps
// its own word statistics: the Vietnamese words that the minority texts keep
// would otherwise weigh less in Vietnamese questions.
type searchIndex struct {
	byLang map[Lang]bleve.Index
}

// search runs req on the indexes of langs, merged by score. Vietnamese is
// always among langs, and every procedure has a Vietnamese text.
func (x *searchIndex) search(ctx context.Context, req *bleve.SearchRequest, langs []Lang) (*bleve.SearchResult, error) {
	var parts []bleve.Index
	for _, l := range langs {
		if idx := x.byLang[l]; idx != nil {
			parts = append(parts, idx)
		}
	}
	if len(parts) == 1 {
		return parts[0].SearchInContext(ctx, req)
	}
	return bleve.NewIndexAlias(parts...).SearchInContext(ctx, req)
}

// Close closes every language's index.
func (x *searchIndex) Close() error {
	var errs []error
	for _, idx := range x.byLang {
		errs = append(errs, idx.Close())
	}
	return errors.Join(errs...)
}

// buildIndex indexes every text of every procedure in memory, the
// languages side by side (start-up time is a target).
func buildIndex(ctx context.Context, c *Content) (*searchIndex, error) {
	type built struct {
		idx bleve.Index
		err error
	}
	langs := Langs()
	results := make([]built, len(langs))
	var wg sync.WaitGroup
	for i, lang := range langs {
		wg.Go(func() {
			idx, err := buildLangIndex(ctx, c, lang)
			results[i] = built{idx, err}
		})
	}
	wg.Wait()
	x := &searchIndex{byLang: map[Lang]bleve.Index{}}
	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		} else if r.idx != nil {
			x.byLang[langs[i]] = r.idx
		}
	}
	if err := errors.Join(errs...); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// buildLangIndex indexes the texts in lang, or returns nil if there are none.
func buildLangIndex(ctx context.Context, c *Content, lang Lang) (bleve.Index, error) {
	im, err := newIndexMapping()
	if err != nil {
		return nil, err
	}
	// An empty path gives an in-memory scorch index (NewMemOnly is the slower
	// legacy upsidedown store).
	idx, err := bleve.New("", im)
	if err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	batch := idx.NewBatch()
	for _, p := range c.Procedures {
		if err := ctx.Err(); err != nil {
			idx.Close()
			return nil, err
		}
		t := p.Texts[lang]
		if t == nil {
			continue
		}
		if err := batch.Index(docID(p.ID, lang), indexText(p, t)); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index %s: %w", t.File, err)
		}
	}
	if batch.Size() == 0 {
		idx.Close()
		return nil, nil
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("index content: %w", err)
	}
	return idx, nil
}

// Clean removes the [n] source markers from text meant for citizens.
func Clean(s string) string {
	s = citationPattern.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, " .", ".")
	s = strings.ReplaceAll(s, " ,", ",")
	s = strings.ReplaceAll(s, " ;", ";")
	return collapseLines(s)
}

func collapseLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = collapse(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
