package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	N                int        `json:"n"`
	InScope          int        `json:"in_scope"`
	RecallAt1        float64    `json:"recall_at_1"`
	RecallAt3        float64    `json:"recall_at_3"`
	MRR              float64    `json:"mrr"`
	ConfidentCorrect float64    `json:"confident_correct"`
	ConfidentWrong   float64    `json:"confident_wrong"`
	OOSRejected      float64    `json:"oos_rejected"`
	Misses           []EvalMiss `json:"misses,omitempty"`
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
	var r EvalReport
	var at1, at3, confRight, confWrong, oosRejected int
	var rr float64
	for _, c := range cases {
		lang := Vietnamese
		if c.Lang != "" {
			lang, _ = ParseLang(c.Lang)
		}
		res, err := s.Search(ctx, c.Question, lang)
		if err != nil {
			return r, fmt.Errorf("line %d: %w", c.Line, err)
		}
		r.N++
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if !c.InScope() {
			if !res.Confident {
				oosRejected++
			} else {
				r.Misses = append(r.Misses, EvalMiss{c.Line, c.Question, c.Expected, got, res.Confident})
			}
			continue
		}
		r.InScope++
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
		if res.Confident {
			if rank == 1 {
				confRight++
			} else {
				confWrong++
			}
		}
		if rank != 1 || !res.Confident {
			r.Misses = append(r.Misses, EvalMiss{c.Line, c.Question, c.Expected, got, res.Confident})
		}
	}
	if r.InScope > 0 {
		n := float64(r.InScope)
		r.RecallAt1, r.RecallAt3, r.MRR = float64(at1)/n, float64(at3)/n, rr/n
		r.ConfidentCorrect, r.ConfidentWrong = float64(confRight)/n, float64(confWrong)/n
	}
	if oos := r.N - r.InScope; oos > 0 {
		r.OOSRejected = float64(oosRejected) / float64(oos)
	}
	return r, nil
}

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
	return fmt.Sprintf("n=%d in_scope=%d recall@1=%.3f recall@3=%.3f mrr=%.3f confident_correct=%.3f confident_wrong=%.3f oos_rejected=%.3f",
		r.N, r.InScope, r.RecallAt1, r.RecallAt3, r.MRR, r.ConfidentCorrect, r.ConfidentWrong, r.OOSRejected)
}
