package knowledge

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer names used in the index mapping.
const (
	analyzerExact  = "loa_exact"  // NFC, lower case, accents kept
	analyzerFold   = "loa_fold"   // as exact, then diacritics folded (đ → d)
	analyzerBigram = "loa_bigram" // folded syllable pairs: "khai sinh" as one term
	foldFilterName = "loa_fold"
)

// foldFilter folds each term with Fold. bleve v2.6.1 has ASCII folding only as
// a character filter, which shifts highlight offsets; folding terms keeps the
// offsets of the original text.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		tok.Term = []byte(Fold(string(tok.Term)))
	}
	return input
}

var registerOnce sync.Once

// registerAnalysis adds the fold filter to bleve's registry, which is the only
// way a custom filter can be named in an index mapping. It runs once, when
// the first index is built, not at package load.
func registerAnalysis() {
	registerOnce.Do(func() {
		// The error is only "already registered", which Once rules out.
		_ = registry.RegisterTokenFilter(foldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		})
	})
}

// addAnalyzers defines Loa's analyzers on an index mapping.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	registerAnalysis()
	if err := m.AddCustomTokenFilter("loa_nfc", map[string]any{
		"type": unicodenorm.Name,
		"form": unicodenorm.NFC,
	}); err != nil {
		return err
	}
	if err := m.AddCustomTokenFilter("loa_pairs", map[string]any{
		"type":            shingle.Name,
		"min":             2.0,
		"max":             2.0,
		"output_original": false,
		"separator":       " ",
	}); err != nil {
		return err
	}
	analyzers := map[string][]string{
		analyzerExact:  {"loa_nfc", lowercase.Name},
		analyzerFold:   {"loa_nfc", lowercase.Name, foldFilterName},
		analyzerBigram: {"loa_nfc", lowercase.Name, foldFilterName, "loa_pairs"},
	}
	for name, filters := range analyzers {
		if err := m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": toAny(filters),
		}); err != nil {
			return err
		}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
