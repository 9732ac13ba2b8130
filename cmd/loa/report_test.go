package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/sqlite"
)

func TestReportCommands(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	missing := filepath.Join(t.TempDir(), "none.db")
	for _, args := range [][]string{{"stats", "--db", missing}, {"content", "gaps", "--db", missing}} {
		if code, _, errOut := runLoa(t, "", args...); code != exitUsage || !strings.Contains(errOut, "no state database") {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
	db := filepath.Join(t.TempDir(), "loa.db")
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, q := range []bot.LoggedQuestion{
		{At: now, Lang: "vi", Text: "đăng ký xe máy ở đâu", Outcome: "none"},
		{At: now, Lang: "vi", Text: "dang ky xe may o dau", Outcome: "none"},
		{At: now.AddDate(0, 0, -60), Lang: "vi", Text: "câu hỏi cũ về thuế đất", Outcome: "none"},
		{At: now, Lang: "vi", Text: "làm căn cước", Outcome: "direct", Procedure: "id-card"},
	} {
		store.LogQuestion(context.Background(), q)
	}
	store.Close()

	code, out, errOut := runLoa(t, "", "content", "gaps", "--db", db)
	if code != exitOK || !strings.Contains(out, "[unanswered, <5, vi] đăng ký xe máy ở đâu") || !strings.Contains(out, "also: dang ky xe may o dau") || strings.Contains(out, "thuế đất") {
		t.Errorf("gaps: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runLoa(t, "", "content", "gaps", "--db", db, "--days", "90", "--csv")
	if code != exitOK || !strings.HasPrefix(out, "kind,count,") || !strings.Contains(out, "thuế đất") {
		t.Errorf("gaps --csv --days 90: exit %d\n%s", code, out)
	}
	code, out, _ = runLoa(t, "", "stats", "--db", db)
	if code != exitOK || !strings.Contains(out, "counts under 5 shown as <5") || !strings.Contains(out, "id-card") {
		t.Errorf("stats: exit %d\n%s", code, out)
	}
	if code, _, errOut := runLoa(t, "", "stats", "--db", db, "--days", "0"); code != exitUsage {
		t.Errorf("stats --days 0: exit %d %s", code, errOut)
	}
}
