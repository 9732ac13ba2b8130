package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// EvalCase is one line of an evaluation file.
type EvalCase struct {
	Question string   `json:"question"`
	Lang     string   `json:"lang,omitempty"`
	Expected []string `json:"expected"` // acceptable ids; empty means out of scope
	Line     int      `json:"-"`
}

// InScope reports whether the question should be answered.
func (c EvalCase) InScope() bool { return len(c.Expected) > 0 }

// maxEvalLine bounds one line of an evaluation file.
const maxEvalLine = 64 << 10

// ParseEval reads an evaluation file: one JSON object per line. Blank lines
// are skipped. Every malformed line is reported with its number.
func ParseEval(r io.Reader) ([]EvalCase, error) {
	var cases []EvalCase
	var errs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEvalLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c EvalCase
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: not a valid case: %v", n, err))
			continue
		}
		if strings.TrimSpace(c.Question) == "" {
			errs = append(errs, fmt.Sprintf("line %d: \"question\" is empty", n))
			continue
		}
		if c.Lang != "" {
			if _, err := ParseLang(c.Lang); err != nil {
				errs = append(errs, fmt.Sprintf("line %d: %v", n, err))
				continue
			}
		}
		c.Line = n
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("reading: %v (is a line longer than %d bytes?)", err, maxEvalLine))
	}
	if len(errs) > 0 {
		return cases, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return cases, nil
}

// EvalReport is the outcome of running an evaluation file.
type EvalReport struct {
	N                int     `json:"n"`
	InScope          int     `json:"in_scope"`
	RecallAt1        float64 `json:"recall_at_1"`
	RecallAt3        float64 `json:"recall_at_3"`
	MRR              float64 `json:"mrr"`
	ConfidentCorrect float64 `json:"confident_correct"`
	ConfidentWrong   float64 `json:"confident_wrong"`
	// OOSRejected is the share of out-of-scope questions Loa said it does
	// not cover: no card and no choices.
	OOSRejected float64 `json:"oos_rejected"`
	// OOSNotConfident is the share of out-of-scope questions given no
	// confident card (choices count here, not in OOSRejected).
	OOSNotConfident float64 `json:"oos_not_confident"`
	// InScopeNone is the share of in-scope questions answered "don't know".
	InScopeNone float64    `json:"in_scope_none"`
	Misses      []EvalMiss `json:"misses,omitempty"`
}

// EvalMiss is a question the engine got wrong, for tuning.
type EvalMiss struct {
	Line      int      `json:"line"`
	Question  string   `json:"question"`
	Expected  []string `json:"expected"`
	Got       []string `json:"got"`
	Confident bool     `json:"confident"`
}

// Searcher answers questions; *Base is one.
type Searcher interface {
	Search(ctx context.Context, question string, lang Lang) (Result, error)
}

// Evaluate runs every case through s and scores the answers.
func Evaluate(ctx context.Context, s Searcher, cases []EvalCase) (EvalReport, error) {
	results, err := answerAll(ctx, s, cases)
	if err != nil {
		return EvalReport{}, err
	}
	return score(cases, results, func(r Result) (bool, bool) { return r.Confident, r.Related }), nil
}

// answerAll searches every case's question.
func answerAll(ctx context.Context, s Searcher, cases []EvalCase) ([]Result, error) {
	results := make([]Result, len(cases))
	for i, c := range cases {
		lang := Vietnamese
		if c.Lang != "" {
			lang, _ = ParseLang(c.Lang)
		}
		res, err := s.Search(ctx, c.Question, lang)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", c.Line, err)
		}
		results[i] = res
	}
	return results, nil
}

// score measures results against the cases, judging with judge whether
// each is confident, and else related enough to offer choices.
func score(cases []EvalCase, results []Result, judge func(Result) (confident, related bool)) EvalReport {
	var r EvalReport
	var at1, at3, confRight, confWrong, oosNotConfident, oosRejected, none int
	var rr float64
	for i, c := range cases {
		res := results[i]
		sure, related := judge(res)
		r.N++
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		miss := EvalMiss{c.Line, c.Question, c.Expected, got, sure}
		if !c.InScope() {
			switch {
			case sure:
				r.Misses = append(r.Misses, miss)
			case related:
				oosNotConfident++
				r.Misses = append(r.Misses, miss)
			default:
				oosNotConfident++
				oosRejected++
			}
			continue
		}
		r.InScope++
		if !sure && !related {
			none++
		}
		rank := 0
		for i, id := range got {
			if contains(c.Expected, id) {
				rank = i + 1
				break
			}
		}
		if rank == 1 {
			at1++
		}
		if rank >= 1 && rank <= 3 {
			at3++
		}
		if rank > 0 {
			rr += 1 / float64(rank)
		}
		if sure {
			if rank == 1 {
				confRight++
			} else {
				confWrong++
			}
		}
		if rank != 1 || !sure {
			r.Misses = append(r.Misses, miss)
		}
	}
	if r.InScope > 0 {
		n := float64(r.InScope)
		r.RecallAt1, r.RecallAt3, r.MRR = float64(at1)/n, float64(at3)/n, rr/n
		r.ConfidentCorrect, r.ConfidentWrong = float64(confRight)/n, float64(confWrong)/n
		r.InScopeNone = float64(none) / n
	}
	if oos := r.N - r.InScope; oos > 0 {
		r.OOSRejected = float64(oosRejected) / float64(oos)
		r.OOSNotConfident = float64(oosNotConfident) / float64(oos)
	}
	return r
}

// CalibrationGoal bounds the mistakes calibration may trade for answering
// more questions directly.
type CalibrationGoal struct {
	MaxConfidentWrong  float64 // share of in-scope questions answered confidently and wrongly
	MinOOSNotConfident float64 // share of out-of-scope questions not answered confidently
	// MaxChoicesLost is the share of in-scope questions whose right answer
	// was among the choices that may be told "don't know" instead, so that
	// out-of-scope questions get an honest answer rather than choices.
	MaxChoicesLost float64
}

// Calibrate searches thresholds that answer the most in-scope questions
// confidently and rightly while meeting goal, and reports how they score.
func Calibrate(ctx context.Context, s Searcher, cases []EvalCase, goal CalibrationGoal) (Confidence, EvalReport, error) {
	results, err := answerAll(ctx, s, cases)
	if err != nil {
		return Confidence{}, EvalReport{}, err
	}
	var scores []float64
	for _, r := range results {
		if len(r.Hits) > 0 {
			scores = append(scores, r.Hits[0].Score)
		}
	}
	sort.Float64s(scores)
	var best Confidence
	var bestReport EvalReport
	found := false
	for q := 0; q < 20; q++ { // score thresholds at every 5th percentile of top scores
		minScore := 0.0
		if len(scores) > 0 {
			minScore = scores[q*len(scores)/20]
		}
		for margin := 0.0; margin <= 0.9001; margin += 0.025 {
			for cov := 0.0; cov <= 1.0001; cov += 0.05 {
				for _, pair := range []bool{false, true} {
					c := Confidence{MinScore: minScore, MinMargin: margin, MinCoverage: cov, NeedPair: pair}
					r := score(cases, results, func(r Result) (bool, bool) { return c.judge(r), c.related(r) })
					if r.ConfidentWrong > goal.MaxConfidentWrong || r.OOSNotConfident < goal.MinOOSNotConfident {
						continue
					}
					if !found || r.ConfidentCorrect > bestReport.ConfidentCorrect {
						best, bestReport, found = c, r, true
					}
				}
			}
		}
	}
	if !found {
		return Confidence{}, EvalReport{}, fmt.Errorf("no thresholds meet confident_wrong <= %.3f and oos_not_confident >= %.3f", goal.MaxConfidentWrong, goal.MinOOSNotConfident)
	}
	best.MinChoiceScore = calibrateChoices(cases, results, best, goal.MaxChoicesLost)
	bestReport = score(cases, results, func(r Result) (bool, bool) { return best.judge(r), best.related(r) })
	bestReport.Misses = nil
	return best, bestReport, nil
}

// calibrateChoices returns the highest score, among those of unsure
// results, below which choices may be withheld while losing at most
// maxLost of the in-scope questions whose right answer they held.
func calibrateChoices(cases []EvalCase, results []Result, c Confidence, maxLost float64) float64 {
	var inScope int
	var rightScores []float64 // top scores of unsure results that held the right answer
	var candidates []float64
	for i, cs := range cases {
		res := results[i]
		if cs.InScope() {
			inScope++
		}
		if c.judge(res) || len(res.Hits) == 0 {
			continue
		}
		top := res.Hits[0].Score
		candidates = append(candidates, top)
		for _, h := range res.Hits[:min(len(res.Hits), MaxChoices)] {
			if contains(cs.Expected, h.ID) {
				rightScores = append(rightScores, top)
				break
			}
		}
	}
	best := 0.0
	for _, t := range candidates {
		lost := 0
		for _, s := range rightScores {
			if s < t {
				lost++
			}
		}
		if inScope > 0 && float64(lost)/float64(inScope) <= maxLost && t > best {
			best = t
		}
	}
	return best
}

// MaxChoices is how many procedures an unsure answer offers.
const MaxChoices = 3

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Summary is the one-line verdict printed at the end of an evaluation.
func (r EvalReport) Summary() string {
	return fmt.Sprintf("n=%d in_scope=%d recall@1=%.3f recall@3=%.3f mrr=%.3f confident_correct=%.3f confident_wrong=%.3f oos_rejected=%.3f oos_not_confident=%.3f in_scope_none=%.3f",
		r.N, r.InScope, r.RecallAt1, r.RecallAt3, r.MRR, r.ConfidentCorrect, r.ConfidentWrong, r.OOSRejected, r.OOSNotConfident, r.InScopeNone)
}
