package bot

import (
	"testing"

	"loa/knowledge"
	"loa/review"
)

// A correction replies to the item's message, whose button names the item:
// it is recorded even after a restart, when Loa no longer remembers what it
// showed; a reply quoting any other item records nothing.
func TestReviewCorrectionSurvivesRestart(t *testing.T) {
	c, _, _ := newCore(t)
	decisions := &review.MemoryStore{}
	reviewer := Address{Channel: "telegram", User: "300", Chat: "300"}
	cfg := ConversationConfig{Reviewers: review.Reviewers{reviewer.Key(): {knowledge.Hmong}}, Reviews: decisions}
	before := NewConversations(c, NewMemoryStore(), cfg)
	resp, err := before.Handle(t.Context(), Event{From: reviewer, Kind: EventCommand, Command: CommandReview})
	if err != nil || len(resp.Replies) != 1 || resp.Replies[0].Kind != KindReview {
		t.Fatalf("/review: %+v %v", resp, err)
	}
	shown := resp.Replies[0].Review.Item

	after := NewConversations(c, NewMemoryStore(), cfg) // a restart: nothing in memory
	other := shown
	other.Field = "nonsense"
	if _, err := after.Handle(t.Context(), Event{From: reviewer, Kind: EventMessage, Input: Input{Text: "sai"}, Quoted: ButtonApprove(other)}); err != nil {
		t.Fatal(err)
	}
	if ds, _ := decisions.Decisions(t.Context()); len(ds) != 0 {
		t.Fatalf("a reply to another item was recorded: %+v", ds)
	}
	resp, err = after.Handle(t.Context(), Event{From: reviewer, Kind: EventMessage, Input: Input{Text: "Sau npe menyuam yug tshiab"}, Quoted: ButtonApprove(shown), Name: "Pó"})
	if err != nil || len(resp.Replies) < 2 || resp.Replies[0].Message != "review.saved" || resp.Replies[1].Kind != KindReview {
		t.Fatalf("correction after a restart: %+v %v", resp, err)
	}
	ds, _ := decisions.Decisions(t.Context())
	if len(ds) != 1 || ds[0].Action != review.Correct || ds[0].Field != shown.Field || ds[0].Reviewer != "telegram:300" || ds[0].ReviewerName != "Pó" {
		t.Fatalf("decisions %+v", ds)
	}
	// Someone not listed quoting the same item asks a question.
	stranger := Address{Channel: "telegram", User: "301", Chat: "301"}
	resp, _ = after.Handle(t.Context(), Event{From: stranger, Kind: EventMessage, Input: Input{Text: "lam giay khai sinh"}, Quoted: ButtonApprove(shown)})
	if resp.Replies[len(resp.Replies)-1].Kind != KindCard {
		t.Errorf("a stranger's reply was not answered as a question: %+v", resp.Replies)
	}
}
