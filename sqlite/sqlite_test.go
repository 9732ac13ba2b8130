package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"loa/bot"
	"loa/bot/storetest"
	"loa/knowledge"
	"loa/review"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "loa.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func TestSessionsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	at := time.UnixMilli(time.Now().UnixMilli())
	want := bot.Session{Lang: knowledge.Hmong, Last: "id-card", LastAt: at, Choices: []string{"a", "b"}, Offered: true}
	if err := s.SaveSession(ctx, "telegram:42", want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(ctx, path) // migrations run again: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.LoadSession(ctx, "telegram:42")
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != want.Lang || got.Last != want.Last || !got.LastAt.Equal(want.LastAt) || len(got.Choices) != 2 || !got.Offered {
		t.Errorf("session = %+v, want %+v", got, want)
	}
	if none, _ := s.LoadSession(ctx, "telegram:7"); none.Lang != "" {
		t.Errorf("unknown user has a session: %+v", none)
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.db.ExecContext(ctx, "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("opened a database from a newer loa")
	}
}

func TestReviewDecisions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	defer s.Close()
	want := review.Decision{At: time.UnixMilli(1000), Reviewer: "telegram:5", ReviewerName: "Pó", Procedure: "id-card", Lang: knowledge.Hmong, Field: "fee", Action: review.Correct, Text: "30.000", SourceDigest: "abc"}
	if err := s.AddDecision(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Decisions(ctx)
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("decisions %+v, %v; want %+v", got, err, want)
	}
}

// One voter has one vote per procedure, however often they press.
func TestOneVotePerVoter(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	defer s.Close()
	voter := bot.VoterKey(bot.Address{Channel: "telegram", User: "7"})
	for i := range 300 {
		if err := s.AddFeedback(ctx, bot.Feedback{At: time.Now(), Procedure: "id-card", Lang: "vi", Helpful: i%2 == 0, Voter: voter}); err != nil {
			t.Fatal(err)
		}
	}
	s.AddFeedback(ctx, bot.Feedback{At: time.Now(), Procedure: "land-certificate", Lang: "vi", Helpful: true, Voter: voter})
	s.AddFeedback(ctx, bot.Feedback{At: time.Now(), Procedure: "id-card", Lang: "vi", Helpful: true, Voter: bot.VoterKey(bot.Address{Channel: "telegram", User: "8"})})
	var rows, helpful int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), sum(helpful) FROM feedback WHERE procedure = 'id-card'`).Scan(&rows, &helpful); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || helpful != 1 { // voter 7's last press was 👎, voter 8's 👍
		t.Errorf("id-card: %d rows, %d helpful; want 2 and 1", rows, helpful)
	}
}
