package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"loa/knowledge"
)

func TestSmall(t *testing.T) {
	for n, want := range map[int]string{0: "0", 1: "<5", 4: "<5", 5: "5", 120: "120"} {
		if got := Small(n); got != want {
			t.Errorf("Small(%d) = %q, want %q", n, got, want)
		}
	}
}

// reportStore is a day of questions, votes and desk answers.
func reportStore(t *testing.T, day time.Time) *MemoryStore {
	t.Helper()
	ctx := t.Context()
	s := NewMemoryStore()
	log := func(at time.Duration, lang, text, outcome, proc string) {
		s.LogQuestion(ctx, LoggedQuestion{At: day.Add(at), Lang: lang, Text: text, Outcome: outcome, Procedure: proc})
	}
	log(0, "vi", "đăng ký xe máy ở đâu", "none", "")
	log(time.Minute, "vi", "dang ky xe may o dau", "none", "")
	log(2*time.Minute, "vi", "đăng ký xe máy mất bao nhiêu tiền", "none", "")
	log(3*time.Minute, "hmn", "đăng ký xe máy ở đâu", "none", "")
	log(4*time.Minute, "vi", "thời tiết sa pa", "none", "")
	for i := range 6 {
		log(time.Duration(5+i)*time.Minute, "vi", "làm căn cước cho con", "direct", "id-card")
	}
	log(12*time.Minute, "tay", "khai sinh", "choices", "")
	for i, helpful := range []bool{false, false, true} {
		s.AddFeedback(ctx, Feedback{At: day.Add(time.Hour), Procedure: "id-card", Lang: "vi", Helpful: helpful, Voter: string(rune('a' + i))})
	}
	s.AddFeedback(ctx, Feedback{At: day.Add(time.Hour), Procedure: deskVotePrefix + "1", Lang: "hmn", Helpful: true, Voter: "z"})
	s.AddDeskItem(ctx, DeskItem{From: Address{Channel: "telegram", User: "7"}, Lang: knowledge.Hmong, Question: "xe máy của bố", State: DeskAnswered, Created: day, Answered: day.Add(time.Hour), Answer: "Ra Công an xã, mang giấy tờ xe."})
	s.AddDeskItem(ctx, DeskItem{From: Address{Channel: "telegram", User: "8"}, Lang: knowledge.Vietnamese, Question: "hỏi", State: DeskOpen, Created: day})
	return s
}

func TestGaps(t *testing.T) {
	day := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	s := reportStore(t, day)
	gaps, err := Gaps(t.Context(), s, day.Add(-time.Hour), func(_ context.Context, q string) string {
		if strings.Contains(q, "xe") {
			return "vehicle-registration"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 4 {
		t.Fatalf("%d gaps, want 4 (two groups unanswered, one card disliked, one desk answer): %+v", len(gaps), gaps)
	}
	tests := []struct {
		kind, wording string
		count         int
		want          []string // in the proposal, the answer or the other wordings
	}{
		{"unanswered", "đăng ký xe máy ở đâu", 4, []string{"vehicle-registration", "keyword «đăng ký xe máy ở đâu»", "mất bao nhiêu tiền", "dang ky xe may o dau"}},
		{"unanswered", "thời tiết sa pa", 1, []string{"a new procedure"}},
		{"disliked", "làm căn cước cho con", 2, []string{"id-card"}},
		{"answered by a volunteer", "xe máy của bố", 1, []string{"Ra Công an xã"}},
	}
	for i, tt := range tests {
		g := gaps[i]
		all := g.Proposal + " " + g.Answer + " " + strings.Join(g.Others, " ")
		if g.Kind != tt.kind || g.Wording != tt.wording || g.Count != tt.count {
			t.Errorf("gap %d: %s %q ×%d, want %s %q ×%d", i, g.Kind, g.Wording, g.Count, tt.kind, tt.wording, tt.count)
		}
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("gap %d (%q): %q not in %q", i, g.Wording, w, all)
			}
		}
	}
	var text strings.Builder
	if err := WriteGaps(&text, gaps, 2); err != nil {
		t.Fatal(err)
	}
	if out := text.String(); !strings.Contains(out, "[unanswered, <5, vi hmn]") || !strings.Contains(out, "2 more") || strings.Contains(out, "xe máy của bố") {
		t.Errorf("gaps as text, two shown:\n%s", out)
	}
	var csv strings.Builder
	WriteGapsCSV(&csv, gaps)
	if lines := strings.Count(csv.String(), "\n"); lines != 5 || !strings.Contains(csv.String(), "<5") {
		t.Errorf("gaps as CSV, %d lines:\n%s", lines, csv.String())
	}
	// Nothing since: a sentence, not an empty page.
	none, _ := Gaps(t.Context(), s, day.Add(48*time.Hour), nil)
	text.Reset()
	WriteGaps(&text, none, 0)
	if !strings.Contains(text.String(), "Nothing") {
		t.Errorf("no gaps: %q", text.String())
	}
}

func TestStats(t *testing.T) {
	day := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	st, err := CountStats(t.Context(), reportStore(t, day), day.Add(-time.Hour), day.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Questions: 12, Direct: 6, Choices: 1, None: 5, Escalated: 2, Up: 2, Down: 2}); st.Total != want {
		t.Errorf("total %+v, want %+v", st.Total, want)
	}
	row := func(rows []StatsRow, key string) Counts {
		for _, r := range rows {
			if r.Key == key {
				return r.Counts
			}
		}
		t.Errorf("no row %q in %+v", key, rows)
		return Counts{}
	}
	if c := row(st.ByProcedure, "id-card"); c.Direct != 6 || c.Down != 2 || c.Up != 1 {
		t.Errorf("id-card: %+v", c)
	}
	if c := row(st.ByProcedure, "volunteers"); c.Up != 1 {
		t.Errorf("votes on volunteers' answers: %+v", c)
	}
	if c := row(st.ByLang, "hmn"); c.Questions != 1 || c.Escalated != 1 || c.Up != 1 {
		t.Errorf("hmn: %+v", c)
	}
	if c := row(st.ByWeek, "2026-W49"); c.Questions != 12 {
		t.Errorf("week: %+v", c)
	}
	var text strings.Builder
	WriteStats(&text, st, 0)
	out := text.String()
	if !strings.Contains(out, "12") || strings.Contains(out, " 1 ") || strings.Contains(out, " 2 ") || !strings.Contains(out, "<5") {
		t.Errorf("small counts must show as <5:\n%s", out)
	}
	var csv strings.Builder
	WriteStatsCSV(&csv, st)
	if !strings.HasPrefix(csv.String(), "table,key,questions") || !strings.Contains(csv.String(), "procedure,id-card,6,6,0,0,0,<5,<5") {
		t.Errorf("stats as CSV:\n%s", csv.String())
	}
}

// failingReports fails every read.
type failingReports struct{ *MemoryStore }

func (failingReports) LoggedQuestions(context.Context, time.Time) ([]LoggedQuestion, error) {
	return nil, errors.New("disk I/O error")
}

func TestReportsSayWhatFailed(t *testing.T) {
	s := failingReports{NewMemoryStore()}
	if _, err := Gaps(t.Context(), s, time.Time{}, nil); err == nil || !strings.Contains(err.Error(), "question log") {
		t.Errorf("gaps: %v", err)
	}
	if _, err := CountStats(t.Context(), s, time.Time{}, time.Now()); err == nil || !strings.Contains(err.Error(), "question log") {
		t.Errorf("stats: %v", err)
	}
}
