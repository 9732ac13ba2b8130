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
	switch ev.Command {
	case CommandReload:
		if cs.reload == nil {
			return []Reply{staffReply("reload.none", nil)}, nil
		}
		problems, err := cs.reload(ctx)
		if err != nil {
			return []Reply{staffReply("reload.refused", map[string]any{"Problems": ErrorLines(problems, err)})}, nil
		}
		return []Reply{staffReply("reload.done", map[string]any{"Procedures": len(cs.core.kb.Content().Procedures)})}, nil
	case CommandGaps:
		days := lookBack(ev.Arg, gapsDays)
		gaps, err := Gaps(ctx, cs.store, cs.now().AddDate(0, 0, -days), NearestIn(cs.core.kb))
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		WriteGaps(&b, gaps, chatGaps)
		r := staffReply("report.gaps", map[string]any{"Days": days})
		r.Kind, r.Text = KindReport, b.String()
		return []Reply{r}, nil
	default: // CommandStats
		days := lookBack(ev.Arg, statsDays)
		stats, err := CountStats(ctx, cs.store, cs.now().AddDate(0, 0, -days), cs.now())
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		WriteStats(&b, stats, chatRows)
		r := staffReply("report.stats", map[string]any{"Days": days})
		r.Kind, r.Text = KindReport, b.String()
		return []Reply{r}, nil
	}
}

// NearestIn names, for Gaps, the procedure kb's search puts first for a
// question, even unsure: where an editor might add the question's words.
func NearestIn(kb Knowledge) Nearest {
	return func(ctx context.Context, question string) string {
		res, err := kb.Search(ctx, question, knowledge.Vietnamese)
		if err != nil || len(res.Hits) == 0 {
			return ""
		}
		return res.Hits[0].ID
	}
}

// staffReply is a message to editors or volunteers, in their working
// language.
func staffReply(id string, data map[string]any) Reply {
	return Reply{Kind: KindText, Lang: knowledge.Vietnamese, Message: id, Data: data}
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
