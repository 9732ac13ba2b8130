package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"loa/knowledge"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("eval", stderr)
	common.register(fs)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	misses := fs.Bool("misses", false, "list the questions answered wrongly or not confidently")
	calibrate := fs.Bool("calibrate", false, "search confidence thresholds for this file (see README)")
	goal := knowledge.CalibrationGoal{}
	fs.Float64Var(&goal.MaxConfidentWrong, "max-wrong", 0.015, "calibrate: the most confident_wrong allowed (half the 0.03 target, as headroom for unseen questions)")
	fs.Float64Var(&goal.MinOOSNotConfident, "min-oos", 0.99, "calibrate: the least oos_not_confident allowed")
	fs.Float64Var(&goal.MaxChoicesLost, "max-choices-lost", 0.03, "calibrate: the most in-scope questions whose choices held the answer that may be told \"don't know\" instead")
	def := knowledge.DefaultConfidence()
	conf := &def
	fs.Float64Var(&conf.MinScore, "min-score", def.MinScore, "confidence: the best hit's least score")
	fs.Float64Var(&conf.MinMargin, "min-margin", def.MinMargin, "confidence: the least lead of the best hit over the second, as a share of its score")
	fs.Float64Var(&conf.MinCoverage, "min-coverage", def.MinCoverage, "confidence: the least share of the question's topic words the best hit contains")
	fs.BoolVar(&conf.NeedPair, "need-pair", def.NeedPair, "confidence: the best hit must share a pair of neighbouring words with the question")
	fs.Float64Var(&conf.MinChoiceScore, "min-choice-score", def.MinChoiceScore, "choices: the best hit's least score for an unsure search to offer choices instead of \"don't know\"")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{"eval needs one file: loa eval knowledge/testdata/eval-vi.jsonl"}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return usageError{fmt.Sprintf("cannot open the evaluation file: %v", err)}
	}
	defer f.Close()
	cases, err := knowledge.ParseEval(f)
	if err != nil {
		fmt.Fprintf(stderr, "%s:\n%v\n", rest[0], err)
		return usageError{fmt.Sprintf("%s is malformed", rest[0])}
	}
	if len(cases) == 0 {
		return usageError{fmt.Sprintf("%s has no questions", rest[0])}
	}
	kb, err := openBase(ctx, common.content, stderr, knowledge.WithConfidence(*conf))
	if err != nil {
		return err
	}
	defer kb.Close()
	if *calibrate {
		conf, report, err := knowledge.Calibrate(ctx, kb, cases, goal)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "MinScore: %.3f, MinMargin: %.3f, MinCoverage: %.2f, NeedPair: %v, MinChoiceScore: %.3f\n%s\n", conf.MinScore, conf.MinMargin, conf.MinCoverage, conf.NeedPair, conf.MinChoiceScore, report.Summary())
		return nil
	}
	report, err := knowledge.Evaluate(ctx, kb, cases)
	if err != nil {
		return err
	}
	if !*misses {
		report.Misses = nil
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(report)
	}
	for _, m := range report.Misses {
		conf := ""
		if m.Confident {
			conf = " (confident)"
		}
		fmt.Fprintf(stdout, "line %d: %q expected %v got %v%s\n", m.Line, m.Question, m.Expected, m.Got, conf)
	}
	fmt.Fprintf(stdout, "questions         %d (%d in scope, %d out of scope)\n", report.N, report.InScope, report.N-report.InScope)
	rows := []struct {
		name string
		v    float64
	}{
		{"recall@1", report.RecallAt1}, {"recall@3", report.RecallAt3}, {"mrr", report.MRR},
		{"confident_correct", report.ConfidentCorrect}, {"confident_wrong", report.ConfidentWrong}, {"oos_rejected", report.OOSRejected}, {"oos_not_confident", report.OOSNotConfident}, {"in_scope_none", report.InScopeNone},
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "%-17s %.3f\n", r.name, r.v)
	}
	fmt.Fprintln(stdout, strings.TrimSpace(report.Summary()))
	return nil
}
