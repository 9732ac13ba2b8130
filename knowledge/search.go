package knowledge

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Hit is one procedure that matches a question.
type Hit struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"` // in the asked language when translated, else Vietnamese
	Score     float64    `json:"score"`
	Lang      Lang       `json:"lang"` // the language whose text matched best
	Procedure *Procedure `json:"-"`
}

// Result is the answer of the search engine to one question.
type Result struct {
	Query string `json:"query"`
	Hits  []Hit  `json:"results"`
	// Confident is true when the best hit is clearly the answer; otherwise a
	// caller should offer the top hits as choices, or say it does not know.
	Confident bool `json:"confident"`
	// Coverage is the share of the question's topic words found in the best hit.
	Coverage float64 `json:"coverage"`
	// Paired is true when the best hit shares a pair of neighbouring words
	// with the question.
	Paired bool `json:"paired"`
	// Related is true when, short of confidence, the hits are close enough
	// to offer as choices; when neither, Loa says it does not cover the
	// question rather than offer unrelated procedures.
	Related bool `json:"related"`
}

// Top returns the best hit, or nil when nothing matched.
func (r Result) Top() *Hit {
	if len(r.Hits) == 0 {
		return nil
	}
	return &r.Hits[0]
}

// weights are the boosts of each indexed field in a query.
type weights struct {
	bigram, fold, exact map[string]float64
	questionShare       float64 // weight of question words against topic words
	synonymShare        float64 // weight of synonyms against the question's own words
	rerankShare         float64 // how much a hit's score depends on its keywords and title covering the question
}

// fieldWeights favour keywords and titles, and syllable pairs over single
// syllables: "khai sinh" together says more than "khai" and "sinh" apart.
var fieldWeights = weights{
	bigram:        map[string]float64{"head": 6, "body": 0.8},
	fold:          map[string]float64{"head": 3, "body": 0.5},
	exact:         map[string]float64{"head": 1.5},
	questionShare: 0.5,
	synonymShare:  0.5,
	rerankShare:   0.5,
}

// maxHits is how many procedures a search returns.
const maxHits = 5

// search runs a question against one snapshot.
func (s *snapshot) search(ctx context.Context, question string, lang Lang, at time.Time) (Result, error) {
	res := Result{Query: question}
	langs := questionLangs(question, lang)
	pq := parseQuery(question, s.vocab, langs, s.synonyms)
	if len(pq.folded) == 0 {
		return res, nil
	}
	req := bleve.NewSearchRequestOptions(buildQuery(pq), maxHits*len(langs)*2, 0, false)
	sr, err := s.index.search(ctx, req, langs)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	res.Hits = s.rerank(pq, s.merge(sr.Hits, lang, at), langs)
	if len(res.Hits) > 0 {
		v := s.profiles[res.Hits[0].ID].in(langs)
		res.Coverage = pq.coverage(pq.topic(), v, allWords)
		res.Paired = pq.paired(v)
	}
	res.Confident = s.confidence.judge(res)
	res.Related = s.confidence.related(res)
	return res, nil
}

// buildQuery turns a parsed question into one bleve query over every field.
func buildQuery(pq parsedQuery) query.Query {
	var clauses []query.Query
	match := func(text, field, analyzer string, boost float64) {
		if text == "" || boost == 0 {
			return
		}
		mq := bleve.NewMatchQuery(text)
		mq.SetField(field)
		mq.Analyzer = analyzer
		mq.SetBoost(boost)
		clauses = append(clauses, mq)
	}
	term := func(t, field string, boost float64) {
		if boost == 0 {
			return
		}
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost)
		clauses = append(clauses, tq)
	}
	w := fieldWeights
	topic := strings.Join(pq.topic(), " ")
	asked := strings.Join(pq.questionWords(), " ")
	expansion := strings.Join(pq.expanded, " ")
	questionPairs := pairs(pq.folded)
	var synonymPairs []string
	for _, phrase := range pq.expanded {
		synonymPairs = append(synonymPairs, pairs(strings.Fields(phrase))...)
	}
	accented := HasDiacritics(pq.exact)
	for _, f := range textFields {
		match(topic, foldField(f), analyzerFold, w.fold[f])
		if f == "head" {
			match(asked, foldField(f), analyzerFold, w.fold[f]*w.questionShare)
		}
		for _, pair := range questionPairs {
			term(pair, bigramField(f), w.bigram[f])
		}
		match(expansion, foldField(f), analyzerFold, w.fold[f]*w.synonymShare)
		for _, pair := range synonymPairs {
			term(pair, bigramField(f), w.bigram[f]*w.synonymShare)
		}
		if accented {
			match(pq.exact, exactField(f), analyzerExact, w.exact[f])
		}
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// questionLangs returns the languages a question is searched and judged in:
// Vietnamese (every user may type it), the user's language, and the language
// the question looks written in, if that is clear. Other languages' texts
// stay out: the minority texts keep many Vietnamese words, and a word they
// share by accident (Tày "cón", before, folds to "con", child) must not
// outrank the procedure the question is about.
func questionLangs(question string, lang Lang) []Lang {
	langs := []Lang{Vietnamese}
	for _, l := range []Lang{lang, GuessLang(question)} {
		if l != "" && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	return langs
}

// merge turns index hits (one per procedure and language) into one hit per
// procedure in force at the time, keeping its best-scoring language. The
// index holds every version; what is not in force is dropped here, before
// confidence is judged.
func (s *snapshot) merge(docs search.DocumentMatchCollection, lang Lang, at time.Time) []Hit {
	var hits []Hit
	index := map[string]int{}
	for _, d := range docs {
		id, matched := splitDocID(d.ID)
		p := s.content.ProcedureAt(id, at)
		if p == nil {
			continue
		}
		if i, ok := index[id]; ok {
			if d.Score > hits[i].Score {
				hits[i].Score, hits[i].Lang = d.Score, matched
			}
			continue
		}
		index[id] = len(hits)
		hits = append(hits, Hit{ID: id, Title: p.Best(lang).Title, Score: d.Score, Lang: matched, Procedure: p})
	}
	return hits
}

// rerank weighs each hit by how much of the question's topic its keywords
// and title explain, and keeps the best maxHits.
func (s *snapshot) rerank(pq parsedQuery, hits []Hit, langs []Lang) []Hit {
	topic := pq.topic()
	for i := range hits {
		v := s.profiles[hits[i].ID].in(langs)
		hits[i].Score *= 1 - fieldWeights.rerankShare + fieldWeights.rerankShare*pq.coverage(topic, v, headWords)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > maxHits {
		hits = hits[:maxHits]
	}
	return hits
}

// coverage is the share of words a procedure knows; 0 for no words.
func (pq parsedQuery) coverage(words []string, v wordView, pick func(*wordSet) map[string]bool) float64 {
	if len(words) == 0 {
		return 0
	}
	n := 0
	for _, w := range words {
		if pq.known(w, v, pick) {
			n++
		}
	}
	return float64(n) / float64(len(words))
}

// paired reports whether the procedure's text has a pair of neighbouring
// words of the question (other than two question words), or the question
// has a single topic word.
func (pq parsedQuery) paired(v wordView) bool {
	if topic := pq.topic(); len(topic) == 1 && len(pq.folded) == 1 {
		return !isNumber(topic[0]) // "cccd" alone is a topic; "9" alone is not
	}
	for _, p := range pairs(pq.folded) {
		if v.has(wordPairs, p) {
			return true
		}
	}
	return false
}

// Confidence holds the thresholds of the "answer directly" decision. They
// are calibrated on the dev set (see README, "Calibrating confidence").
type Confidence struct {
	MinScore    float64 // the best hit's score must reach this
	MinMargin   float64 // and beat the second by this share of its own score
	MinCoverage float64 // and contain this share of the question's topic words
	NeedPair    bool    // and share a pair of neighbouring words with the question
	// MinChoiceScore is the best hit's score below which an unsure search
	// offers no choices but says it does not know.
	MinChoiceScore float64
}

// DefaultConfidence returns the thresholds calibrated on
// knowledge/testdata/eval-vi.jsonl.
func DefaultConfidence() Confidence {
	return Confidence{MinScore: 0.191, MinMargin: 0.35, MinCoverage: 0.65, NeedPair: true, MinChoiceScore: 0.052}
}

// related reports whether an unsure result's hits are worth offering.
func (c Confidence) related(r Result) bool {
	return len(r.Hits) > 0 && r.Coverage > 0 && r.Hits[0].Score >= c.MinChoiceScore
}

func (c Confidence) judge(r Result) bool {
	if len(r.Hits) == 0 {
		return false
	}
	top := r.Hits[0].Score
	if top < c.MinScore || r.Coverage < c.MinCoverage || c.NeedPair && !r.Paired {
		return false
	}
	if len(r.Hits) > 1 && (top-r.Hits[1].Score)/top < c.MinMargin {
		return false
	}
	return true
}
