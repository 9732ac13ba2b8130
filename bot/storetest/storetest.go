// Package storetest is the conformance test every bot.Store must pass:
// the in-memory store and SQLite (and any later backend) run the same
// table.
package storetest

import (
	"context"
	"testing"
	"time"

	"loa/bot"
	"loa/knowledge"
)

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open func(t *testing.T) bot.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s bot.Store)
	}{
		{"sessions", sessions},
		{"journal", journal},
		{"outbox", outbox},
		{"unprompted replies", unprompted},
		{"voice notes kept for people", voiceNotes},
		{"uploaded audio", audioFiles},
		{"desk items", deskItems},
		{"one vote per voter", votes},
		{"what editors read", editorsRead},
		{"broadcasts", broadcasts},
		{"prune", prune},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.run(t, s)
		})
	}
}

func sessions(t *testing.T, s bot.Store) {
	ctx := context.Background()
	if got, err := s.LoadSession(ctx, "telegram:1"); err != nil || got.Lang != "" {
		t.Fatalf("unknown user: %+v %v", got, err)
	}
	at := time.UnixMilli(time.Now().UnixMilli())
	want := bot.Session{Lang: knowledge.Hmong, Last: "id-card", LastAt: at, Choices: []string{"a", "category:b"}, Offered: true, Asked: "lam can cuoc", VoiceRef: "v9", Person: "p1", Commune: "Bát Xát"}
	if err := s.SaveSession(ctx, "telegram:1", want); err != nil {
		t.Fatal(err)
	}
	// Keys are whole: another channel's user 1 is someone else.
	if other, err := s.LoadSession(ctx, "terminal:1"); err != nil || other.Lang != "" {
		t.Errorf("another channel's user 1: %+v %v", other, err)
	}
	got, err := s.LoadSession(ctx, "telegram:1")
	if err != nil || got.Lang != want.Lang || got.Last != want.Last || !got.LastAt.Equal(at) || len(got.Choices) != 2 || got.Choices[1] != "category:b" || !got.Offered || got.Asked != want.Asked || got.VoiceRef != want.VoiceRef || got.Person != want.Person || got.Commune != want.Commune {
		t.Errorf("got %+v %v, want %+v", got, err, want)
	}
}

func journal(t *testing.T, s bot.Store) {
	ctx := context.Background()
	now := time.Now()
	for _, id := range []int64{7, 5, 6} {
		if fresh, err := s.Receive(ctx, id, []byte(`{"update_id":1}`), now); err != nil || !fresh {
			t.Fatalf("receive %d: %v %v", id, fresh, err)
		}
	}
	if again, err := s.Receive(ctx, 5, []byte("x"), now); err != nil || again {
		t.Fatalf("a redelivered update taken as new (%v)", err)
	}
	if err := s.Complete(ctx, 5, []bot.Outgoing{{Chat: 1, Payload: []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	pending, err := s.Unprocessed(ctx)
	if err != nil || len(pending) != 2 || pending[0].ID != 6 || pending[1].ID != 7 || string(pending[0].Raw) != `{"update_id":1}` {
		t.Fatalf("unprocessed %+v %v, want 6 and 7 with their bodies", pending, err)
	}
	// Completing twice queues the replies once.
	if err := s.Complete(ctx, 5, []bot.Outgoing{{Chat: 1, Payload: []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	// An update never received (the journal was not writable) is completed
	// once too.
	s.Complete(ctx, 99, []bot.Outgoing{{Chat: 2, Payload: []byte("b")}})
	s.Complete(ctx, 99, []bot.Outgoing{{Chat: 2, Payload: []byte("b")}})
	if again, _ := s.Receive(ctx, 99, nil, now); again {
		t.Error("a completed update received again as new")
	}
	out, err := s.Unsent(ctx, 10)
	if err != nil || len(out) != 2 {
		t.Fatalf("outbox %+v %v, want 2 replies", out, err)
	}
	// A question sent in pieces: 7 answered with 6, in one step.
	if err := s.Complete(ctx, 6, []bot.Outgoing{{Chat: 3, Payload: []byte("c")}}, 7); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.Unprocessed(ctx); len(pending) != 0 {
		t.Errorf("a piece answered with another is still unprocessed: %+v", pending)
	}
}

func deskItems(t *testing.T, s bot.Store) {
	ctx := context.Background()
	from := bot.Address{Channel: "telegram", User: "5", Chat: "5"}
	at := time.UnixMilli(time.Now().UnixMilli())
	id, err := s.AddDeskItem(ctx, bot.DeskItem{From: from, Lang: knowledge.Hmong, Question: "ua li cas", Card: "id-card", VoiceRef: "v1", Suggested: "Mus rau xã", Commune: "Y Tý", State: bot.DeskOpen, Created: at})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := s.AddDeskItem(ctx, bot.DeskItem{From: from, Lang: knowledge.Vietnamese, Question: "hỏi", State: bot.DeskOpen, Created: at})
	it, ok, err := s.DeskItem(ctx, id)
	if err != nil || !ok || it.ID != id || it.From != from || it.Lang != knowledge.Hmong || it.Question != "ua li cas" || it.Card != "id-card" || it.VoiceRef != "v1" || it.Suggested != "Mus rau xã" || it.Commune != "Y Tý" || !it.Created.Equal(at) || !it.Taken.IsZero() {
		t.Fatalf("%+v %v %v", it, ok, err)
	}
	it.State, it.Volunteer, it.Taken, it.Answer = bot.DeskTaken, "Lò Thị Mai", at.Add(time.Minute), "Ra xã hỏi cán bộ tư pháp"
	if err := s.SaveDeskItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.DeskItems(ctx, bot.DeskOpen); len(open) != 1 || open[0].ID != second {
		t.Errorf("open items: %+v", open)
	}
	if both, _ := s.DeskItems(ctx, bot.DeskOpen, bot.DeskTaken); len(both) != 2 || both[0].ID != id || both[0].Volunteer != "Lò Thị Mai" || both[0].Answer != "Ra xã hỏi cán bộ tư pháp" || !both[0].Taken.Equal(at.Add(time.Minute)) {
		t.Errorf("open and taken, oldest first: %+v", both)
	}
	if _, ok, _ := s.DeskItem(ctx, 999); ok {
		t.Error("an item that was never added")
	}
	if err := s.SaveDeskItem(ctx, bot.DeskItem{ID: 999}); err == nil {
		t.Error("saved an item that was never added")
	}
}

func audioFiles(t *testing.T, s bot.Store) {
	ctx := context.Background()
	if _, ok, err := s.AudioFile(ctx, "birth/vi/abc"); ok || err != nil {
		t.Fatalf("unknown audio: %v %v", ok, err)
	}
	for _, ref := range []string{"file-1", "file-2"} {
		if err := s.SaveAudioFile(ctx, "birth/vi/abc", ref); err != nil {
			t.Fatal(err)
		}
	}
	if ref, ok, err := s.AudioFile(ctx, "birth/vi/abc"); !ok || err != nil || ref != "file-2" {
		t.Errorf("got %q %v %v, want the latest upload", ref, ok, err)
	}
}

func voiceNotes(t *testing.T, s bot.Store) {
	ctx := context.Background()
	from := bot.Address{Channel: "telegram", User: "9", Chat: "-100", Group: true}
	at := time.UnixMilli(time.Now().UnixMilli())
	for i, ref := range []string{"first", "second"} {
		if err := s.KeepVoiceNote(ctx, bot.VoiceNote{Ref: ref, From: from, Lang: knowledge.Hmong, Seconds: 7, At: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.WaitingVoiceNotes(ctx)
	if err != nil || len(got) != 2 || got[0].Ref != "first" || got[1].From != from || got[1].Lang != knowledge.Hmong || got[1].Seconds != 7 || !got[0].At.Equal(at) {
		t.Fatalf("%+v %v", got, err)
	}
}

// unprompted replies queue behind the ones before them, in order.
func unprompted(t *testing.T, s bot.Store) {
	ctx := context.Background()
	s.Receive(ctx, 1, nil, time.Now())
	if err := s.Complete(ctx, 1, []bot.Outgoing{{Chat: 10, Payload: []byte("answer")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Queue(ctx, []bot.Outgoing{{Chat: 10, Payload: []byte("a volunteer's answer")}, {Chat: 12, Group: true, Payload: []byte("a reminder")}}); err != nil {
		t.Fatal(err)
	}
	out, err := s.Unsent(ctx, 10)
	if err != nil || len(out) != 3 || string(out[1].Payload) != "a volunteer's answer" || !out[2].Group || out[2].ID <= out[1].ID {
		t.Fatalf("%+v %v", out, err)
	}
}

func outbox(t *testing.T, s bot.Store) {
	ctx := context.Background()
	s.Receive(ctx, 1, nil, time.Now())
	msgs := []bot.Outgoing{{Chat: 10, Payload: []byte("1")}, {Chat: 11, Group: true, Payload: []byte("2")}, {Chat: 10, Payload: []byte("3")}}
	if err := s.Complete(ctx, 1, msgs); err != nil {
		t.Fatal(err)
	}
	out, err := s.Unsent(ctx, 10)
	if err != nil || len(out) != 3 {
		t.Fatalf("%+v %v", out, err)
	}
	for i, o := range out {
		if string(o.Payload) != string(msgs[i].Payload) || o.Chat != msgs[i].Chat || o.Group != msgs[i].Group || i > 0 && o.ID <= out[i-1].ID {
			t.Errorf("reply %d: %+v, want %+v in order", i, o, msgs[i])
		}
	}
	if first, _ := s.Unsent(ctx, 1); len(first) != 1 {
		t.Errorf("limit not kept: %d", len(first))
	}
	if err := s.Delivered(ctx, out[1].ID); err != nil {
		t.Fatal(err)
	}
	if rest, _ := s.Unsent(ctx, 10); len(rest) != 2 || rest[0].ID != out[0].ID || rest[1].ID != out[2].ID {
		t.Errorf("after delivery: %+v", rest)
	}
}

func votes(t *testing.T, s bot.Store) {
	ctx := context.Background()
	voter := bot.VoterKey(bot.Address{Channel: "telegram", User: "7"})
	for i := range 30 {
		if err := s.AddFeedback(ctx, bot.Feedback{At: time.Now(), Procedure: "id-card", Lang: "vi", Helpful: i%2 == 0, Voter: voter}); err != nil {
			t.Fatal(err)
		}
	}
	if c, ok := s.(interface {
		FeedbackCount(context.Context) (int, error)
	}); ok {
		if n, err := c.FeedbackCount(ctx); err != nil || n != 1 {
			t.Errorf("%d feedback rows from one voter on one card (%v), want 1", n, err)
		}
	}
}

func editorsRead(t *testing.T, s bot.Store) {
	ctx := context.Background()
	day := time.UnixMilli(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).UnixMilli())
	for i, text := range []string{"cũ", "một", "hai"} {
		s.LogQuestion(ctx, bot.LoggedQuestion{At: day.Add(time.Duration(i) * time.Hour), Lang: "vi", Text: text, Outcome: "none"})
	}
	s.AddFeedback(ctx, bot.Feedback{At: day, Procedure: "old", Lang: "vi", Voter: "a"})
	s.AddFeedback(ctx, bot.Feedback{At: day.Add(2 * time.Hour), Procedure: "id-card", Lang: "hmn", Helpful: true, Voter: "b"})
	qs, err := s.LoggedQuestions(ctx, day.Add(time.Hour))
	if err != nil || len(qs) != 2 || qs[0].Text != "một" || qs[1].Text != "hai" || !qs[1].At.Equal(day.Add(2*time.Hour)) || qs[0].Outcome != "none" {
		t.Errorf("questions since, oldest first: %+v %v", qs, err)
	}
	votes, err := s.Votes(ctx, day.Add(time.Hour))
	if err != nil || len(votes) != 1 || votes[0].Procedure != "id-card" || !votes[0].Helpful || votes[0].Lang != "hmn" || votes[0].Voter != "b" {
		t.Errorf("votes since: %+v %v", votes, err)
	}
}

func broadcasts(t *testing.T, s bot.Store) {
	ctx := context.Background()
	user := func(id string) bot.Address { return bot.Address{Channel: "telegram", User: id, Chat: id} }
	for _, id := range []string{"1", "2", "3"} {
		if err := s.Subscribe(ctx, user(id), knowledge.Hmong); err != nil {
			t.Fatal(err)
		}
	}
	s.Subscribe(ctx, user("4"), knowledge.Vietnamese)
	s.Subscribe(ctx, user("4"), knowledge.Hmong) // a second /subscribe after /lang hmn: one subscription
	s.Subscribe(ctx, user("5"), knowledge.Hmong)
	s.Unsubscribe(ctx, user("5"))
	editor := user("9")
	at := time.UnixMilli(time.Now().UnixMilli())
	id, n, err := s.AddBroadcast(ctx, bot.Broadcast{Lang: knowledge.Hmong, Text: "Txoj cai tshiab", By: editor, Created: at})
	if err != nil || n != 4 {
		t.Fatalf("broadcast to %d (%v), want 4", n, err)
	}
	if _, n, _ := s.AddBroadcast(ctx, bot.Broadcast{Lang: knowledge.Dao, Text: "x", Created: at}); n != 0 {
		t.Errorf("a broadcast in Dao reached %d, want 0", n)
	}
	pending, err := s.PendingSends(ctx, 10)
	if err != nil || len(pending) != 4 || pending[0].Broadcast != id || pending[0].To != user("1") {
		t.Fatalf("pending %+v %v", pending, err)
	}
	s.MarkSend(ctx, id, user("1"), bot.SendSent)
	s.MarkSend(ctx, id, user("2"), bot.SendBlocked)
	s.MarkSend(ctx, id, user("3"), bot.SendFailed)
	if pending, _ := s.PendingSends(ctx, 10); len(pending) != 1 || pending[0].To != user("4") {
		t.Errorf("pending after three: %+v", pending)
	}
	reports, err := s.BroadcastReports(ctx, id)
	if err != nil || len(reports) != 1 {
		t.Fatalf("%+v %v", reports, err)
	}
	r := reports[0]
	if r.Sent != 1 || r.Blocked != 1 || r.Failed != 1 || r.Pending != 1 || r.Done() || r.Text != "Txoj cai tshiab" || r.By != editor || !r.Created.Equal(at) || r.Lang != knowledge.Hmong || r.Reported {
		t.Errorf("report %+v", r)
	}
	s.MarkReported(ctx, id)
	if all, _ := s.BroadcastReports(ctx, 0); len(all) != 2 || all[0].ID == id || !all[1].Reported {
		t.Errorf("all reports, newest first: %+v", all)
	}
	// The user who blocked the bot is no longer subscribed.
	if _, n, _ := s.AddBroadcast(ctx, bot.Broadcast{Lang: knowledge.Hmong, Text: "y", Created: at}); n != 3 {
		t.Errorf("after a block: %d recipients, want 3", n)
	}
}

func prune(t *testing.T, s bot.Store) {
	ctx := context.Background()
	old, now := time.Now().Add(-100*24*time.Hour), time.Now()
	s.Receive(ctx, 1, nil, old)
	s.Complete(ctx, 1, nil)
	s.Receive(ctx, 2, nil, old) // never processed: kept, it must still be answered
	s.LogQuestion(ctx, bot.LoggedQuestion{At: old, Lang: "vi", Text: "cũ", Outcome: "none"})
	s.LogQuestion(ctx, bot.LoggedQuestion{At: now, Lang: "vi", Text: "mới", Outcome: "direct"})
	s.AddFeedback(ctx, bot.Feedback{At: old, Procedure: "id-card", Lang: "vi", Helpful: true})
	n, err := s.Prune(ctx, now.Add(-90*24*time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("pruned %d rows (%v), want 3", n, err)
	}
	if pending, _ := s.Unprocessed(ctx); len(pending) != 1 || pending[0].ID != 2 {
		t.Errorf("an unprocessed update was pruned: %+v", pending)
	}
	if again, _ := s.Receive(ctx, 1, nil, now); !again {
		t.Error("a pruned update is still remembered") // harmless, but Prune said it went
	}
}
