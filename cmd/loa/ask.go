package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"loa/bot"
	"loa/privacy"
)

// askOutput is the JSON form of `loa ask --json`.
type askOutput struct {
	Question  string      `json:"question"`
	Lang      string      `json:"lang"`
	Confident bool        `json:"confident"`
	Related   bool        `json:"related"` // not confident, but close enough to offer choices
	Coverage  float64     `json:"coverage"`
	Results   []askResult `json:"results"`
	Answer    string      `json:"answer"`
}

type askResult struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
	Lang  string  `json:"lang"`
}

func runAsk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("ask", stderr)
	common.register(fs)
	common.registerLLM(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	sources := fs.Bool("sources", false, "show the card's sources")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(rest, " "))
	if question == "" {
		return usageError{"ask needs a question: loa ask \"lam giay khai sinh\""}
	}
	lang, err := common.language()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, common, *sources, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	replies, err := a.core.Turn(ctx, &bot.Session{Lang: lang}, bot.Input{Text: question})
	if err != nil {
		return err
	}
	var answer []string
	for _, r := range replies {
		answer = append(answer, a.render.Render(r))
	}
	if !*asJSON {
		fmt.Fprintln(stdout, strings.Join(answer, "\n"))
		return nil
	}
	// The ranking behind the answer, for tools; a personal number is never
	// echoed, nor searched, as the core does not search it.
	question = privacy.Redact(question)
	res, err := a.kb.Search(ctx, question, lang)
	if err != nil {
		return err
	}
	out := askOutput{Question: question, Lang: string(lang), Confident: res.Confident, Related: res.Related, Coverage: res.Coverage, Results: []askResult{}, Answer: strings.Join(answer, "\n")}
	for _, h := range res.Hits {
		out.Results = append(out.Results, askResult{ID: h.ID, Title: h.Title, Score: h.Score, Lang: string(h.Lang)})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
