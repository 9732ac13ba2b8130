package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"loa/knowledge"
)

// Editors' commands: they keep the content, so they may reload it and read
// what people asked. Their replies are in Vietnamese, the editors' working
// language.
const (
	CommandReload = "reload" // reload the content folder now
	CommandGaps   = "gaps"   // /gaps [days]: what Loa could not answer
	CommandStats  = "stats"  // /stats [days]: questions, answers, votes
)

// Reloader reloads the content, reporting the problems that made it refuse
// the new files (the old content keeps serving) with an error.
type Reloader func(ctx context.Context) (knowledge.Problems, error)

// How far back /gaps and /stats look without a number of days, and how
// many lines a chat gets (the command line prints all).
const (
	gapsDays    = 30
	statsDays   = 28
	chatGaps    = 10
	chatRows    = 10
	maxLookBack = 366
)

func (cs *Conversations) editorCommand(ctx context.Context, ev Event) ([]Reply, error) {
	if !cs.editors[ev.From.Key()] {
		return []Reply{message("editor.not_editor")}, nil
	}
	vi := func(r Reply) []Reply { r.Lang = knowledge.Vietnamese; return []Reply{r} }
	switch ev.Command {
	case CommandReload:
		if cs.reload == nil {
			return vi(message("reload.none")), nil
		}
		problems, err := cs.reload(ctx)
		if err != nil {
			return vi(Reply{Kind: KindText, Message: "reload.refused", Data: map[string]any{"Problems": ErrorLines(problems, err)}}), nil
		}
		return vi(Reply{Kind: KindText, Message: "reload.done", Data: map[string]any{"Procedures": len(cs.core.kb.Content().Procedures)}}), nil
	case CommandGaps:
		days := lookBack(ev.Arg, gapsDays)
		gaps, err := Gaps(ctx, cs.store, cs.now().AddDate(0, 0, -days), cs.nearest)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		WriteGaps(&b, gaps, chatGaps)
		return vi(Reply{Kind: KindReport, Message: "report.gaps", Data: map[string]any{"Days": days}, Text: b.String()}), nil
	default: // CommandStats
		days := lookBack(ev.Arg, statsDays)
		stats, err := CountStats(ctx, cs.store, cs.now().AddDate(0, 0, -days), cs.now())
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		WriteStats(&b, stats, chatRows)
		return vi(Reply{Kind: KindReport, Message: "report.stats", Data: map[string]any{"Days": days}, Text: b.String()}), nil
	}
}

// nearest names the procedure the search puts first for a question, even
// unsure: where an editor might add the question's words.
func (cs *Conversations) nearest(ctx context.Context, question string) string {
	res, err := cs.core.kb.Search(ctx, question, knowledge.Vietnamese)
	if err != nil || len(res.Hits) == 0 {
		return ""
	}
	return res.Hits[0].ID
}

// lookBack reads "/stats 7": a number of days, else def.
func lookBack(arg string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, maxLookBack)
}

// ErrorLines are a refused reload's errors as `content check` prints them.
func ErrorLines(problems []knowledge.Problem, err error) string {
	var b strings.Builder
	for _, p := range problems {
		if p.Severity == knowledge.Error {
			fmt.Fprintln(&b, p)
		}
	}
	if b.Len() == 0 {
		return err.Error()
	}
	return strings.TrimRight(b.String(), "\n")
}
